#!/usr/bin/env bash
# README command 1: install what is missing, build (Release) and run the default scenario.
# Extra arguments go to `capsim run`, e.g. tools/run-default.sh --format json -r 100
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh >&2
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCAPSIM_BUILD_TESTS=OFF -DCAPSIM_BUILD_BENCH=OFF >/dev/null
# The build's progress goes to stderr: stdout is only what capsim prints (run-default.sh
# --format json > out.json is a JSON file).
cmake --build build/release --target capsim -j"$(nproc)" >&2
exec build/release/tools/capsim run scenarios/contact_center_day.yaml "$@"
