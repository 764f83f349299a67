#!/usr/bin/env bash
# capsim's HTML reports opened in a real browser (headless Chromium, Debian's chromium):
# pages of run, compare, staff, schedule and a sweep load with no console error and no
# network request, every chart is drawn, and nothing is wider than a phone's screen. The
# run's page embeds exactly the JSON `capsim run --format json` writes. Screenshots are kept
# in OUTDIR as test artifacts.
# usage: report_in_browser.sh CAPSIM SOURCE_DIR OUTDIR
set -euo pipefail
capsim=$1
cd "$2"
out=$3
mkdir -p "$out"
check() { /usr/bin/python3 tests/report/browser_check.py "$@"; }

# The default day: 1 chart of customers, 5 of service level, ASA, 4 pools' agents, occupancy,
# and 6 distributions (5 SLAs and the cost).
"$capsim" run scenarios/contact_center_day.yaml --format html -o "$out/day.html"
check "$out/day.html" --min-charts 18 --screenshot "$out/day.png"
"$capsim" run scenarios/contact_center_day.yaml --format json --replication-values -o "$out/day.json"
/usr/bin/python3 - "$out/day.html" "$out/day.json" <<'PY'
import json, sys
page = open(sys.argv[1], encoding="utf-8").read()
start = page.index('<script id="capsim-data" type="application/json">')
start = page.index(">", start) + 1
embedded = json.loads(page[start:page.index("</script>", start)])[0]["data"]
written = json.load(open(sys.argv[2], encoding="utf-8"))
for doc in (embedded, written):
    del doc["run"]                  # its wall time
    del doc["manifest"]["command"]  # --format html against --format json
assert embedded == written, "the page's data differ from capsim run --format json"
PY

"$capsim" compare scenarios/retail_support.yaml --variant more:pools.tier2.agents=6 \
  --variant fewer:pools.tier2.agents=3 -r 6 --format html -o "$out/compare.html"
check "$out/compare.html" --min-charts 1 --screenshot "$out/compare.png"
"$capsim" staff scenarios/retail_support.yaml -r 10 --format html --quiet > "$out/staff.html"
check "$out/staff.html" --min-charts 10
"$capsim" schedule scenarios/help_desk_templates.yaml --format html --quiet > "$out/schedule.html"
check "$out/schedule.html" --min-charts 5
"$capsim" sweep scenarios/retail_support.yaml --grid pools.tier2.agents=3,4,5 \
  --grid customers.vip.arrivals.rate=10/h..40/h:10/h -r 3 --quiet -o "$out/sweep.csv"
"$capsim" compare scenarios/retail_support.yaml --variant more:pools.tier2.agents=6 -r 4 --format json \
  -o "$out/compare.json"
"$capsim" report "$out/sweep.csv" "$out/compare.json" -o "$out/sweep.html"
check "$out/sweep.html" --min-charts 3 --screenshot "$out/sweep.png"

# The checker itself fails where it must: a page that fetches something, and one whose
# charts throw (Chart.js left out).
sed 's|<main id="report">|<img alt="" src="http://127.0.0.1:9/pixel.png"><main id="report">|' "$out/day.html" \
  > "$out/fetches.html"
if check "$out/fetches.html" 2> "$out/fetches.log"; then echo "a page with a request passed" >&2; exit 1; fi
grep -q "network request: http://127.0.0.1:9/pixel.png" "$out/fetches.log"
/usr/bin/python3 - "$out/day.html" "$out/throws.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
# The second script element is Chart.js; empty it.
scripts = [m.start() for m in re.finditer("<script>", page)]
end = page.index("</script>", scripts[0])
open(sys.argv[2], "w", encoding="utf-8").write(page[:scripts[0] + 8] + page[end:])
PY
if check "$out/throws.html" 2> "$out/throws.log"; then echo "a page that throws passed" >&2; exit 1; fi
grep -q "uncaught exception: ReferenceError: Chart is not defined" "$out/throws.log"
echo "report_in_browser: every page passed; screenshots in $out"
