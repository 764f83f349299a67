#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of the HTML report: the default day's
# `capsim run --format html`, opened in headless Chromium (tests/report/browser_check.py,
# which also checks the page), its first 1,650 px at 1280 px wide.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
command -v chromium >/dev/null || tools/install-deps.sh --test
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCAPSIM_BUILD_TESTS=OFF -DCAPSIM_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target capsim -j"$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/release/tools/capsim run scenarios/contact_center_day.yaml --format html -o "$work/day.html"
/usr/bin/python3 tests/report/browser_check.py "$work/day.html" --min-charts 18 \
  --screenshot docs/report.png --screenshot-height 1650
echo "wrote docs/report.png"
