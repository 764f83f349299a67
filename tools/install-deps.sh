#!/usr/bin/env bash
# Installs the Debian 12 packages capsim needs, only those that are missing. With --test,
# also what the test command needs beyond the build: clang and its libFuzzer runtime, Open
# MPI for the 2-rank sweep test, gdb (stacks of a hung rank), pytest with jsonschema (the
# scenario schema checked by an independent validator), chromium (the HTML report opened in
# a real browser), openpyxl (the workbooks read back) and pandas (the Python module's
# DataFrames). The build needs libjs-chart.js (the chart library the HTML report inlines),
# libxlsxwriter (the Excel workbook), and pybind11 with Python's headers (the module).
set -euo pipefail
packages=(build-essential cmake libboost-dev libboost-graph-dev libboost-math-dev libboost-random-dev
          libyaml-cpp-dev librandom123-dev libcli11-dev nlohmann-json3-dev doctest-dev libbenchmark-dev
          pkg-config coinor-libcbc-dev help2man libjs-chart.js
          libxlsxwriter-dev pybind11-dev python3-dev)
if [ "${1:-}" = "--test" ]; then
  packages+=(clang libclang-rt-14-dev libopenmpi-dev openmpi-bin gdb python3-pytest python3-jsonschema python3-yaml chromium
            python3-openpyxl python3-pandas)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "capsim: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
