#!/usr/bin/env bash
# The terminal tables: every line of run, compare, staff, schedule and check fits 100
# columns; a missed SLA is red on a terminal (util-linux `script` gives one), never with
# NO_COLOR set, and never when the output is not a terminal.
# usage: tables.sh CAPSIM SOURCE_DIR
set -euo pipefail
capsim=$1
cd "$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
widest() { /usr/bin/python3 -c "import sys; print(max(len(l.rstrip('\n')) for l in open(sys.argv[1], encoding='utf-8')))" "$1"; }
day=scenarios/contact_center_day.yaml
"$capsim" run $day -r 4 > "$work/run"
"$capsim" compare $day -r 4 --variant "a-long-variant-name:pools.tier1.shifts.3.agents=18" --quiet > "$work/compare"
"$capsim" staff scenarios/retail_support.yaml -r 6 --quiet > "$work/staff" 2>/dev/null || true  # exit 1: unmet
"$capsim" schedule $day -r 4 --quiet > "$work/schedule" 2>/dev/null || true
"$capsim" check $day -r 4 > "$work/check" 2>/dev/null || true
for table in run compare staff schedule check; do
  [ -s "$work/$table" ] || fail "$table printed nothing"
  width=$(widest "$work/$table")
  [ "$width" -le 100 ] || fail "$table: a line of $width columns: $(awk 'length($0) > 100' "$work/$table" | head -1)"
  if grep -q $'\033' "$work/$table"; then fail "$table: colour codes in output that is not a terminal"; fi
done
grep -q "^Service level per SLA in %: S1 answer_20s" "$work/run" || fail "run: no legend of the SLA columns"
grep -q "^Interval  offered  served  aband.   ASA s      S1" "$work/run" || fail "run: no units in the interval header"
# Per interval and pool: agents available and occupancy, and the planned outage (the CRM's
# update at 14:00) marked.
grep -q "^Interval         tier1         tier2     chat_team   back_office  down" "$work/run" ||
  fail "run: no per-pool interval table"
grep -q "^14:00 .* crm$" "$work/run" || fail "run: the CRM's planned outage at 14:00 is not marked"
if grep -q "^13:30 .* crm$" "$work/run"; then fail "run: an outage marked where there is none"; fi
# compare: a fraction's difference in percentage points, and each SLA per interval with the
# intervals where the change is significant marked (the last shift's 2 more agents: 16:30).
grep -q "^abandon_rate .*pp .*pp .*pp " "$work/compare" || fail "compare: no pp difference for abandon_rate"
grep -q "^Service level per interval in %, base/variant" "$work/compare" || fail "compare: no interval block"
grep -q "^16:30 .*\*" "$work/compare" || fail "compare: 16:30 not marked significant"
"$capsim" compare $day -r 4 --variant "more:pools.tier1.shifts.3.agents=18" --quiet --no-intervals > "$work/compare_lean"
if grep -q "^Service level per interval" "$work/compare_lean"; then fail "compare --no-intervals"; fi
# The headline leaves out the KPIs of behaviours a model does not use (the default day has no
# callbacks or redials; the help desk has both), and --no-intervals the interval table.
if grep -q "^callbacks_offered\|^redials " "$work/run"; then fail "run: callback or redial rows for a model without them"; fi
"$capsim" run scenarios/help_desk.yaml -r 4 > "$work/help_desk"
grep -q "^callbacks_offered " "$work/help_desk" && grep -q "^first_attempt_resolution " "$work/help_desk" ||
  fail "run: the help desk's callback and redial rows are missing"
"$capsim" run $day -r 4 --no-intervals > "$work/no_intervals"
if grep -q "^Interval " "$work/no_intervals"; then fail "run --no-intervals printed the interval table"; fi
grep -q "^answer_20s " "$work/no_intervals" || fail "run --no-intervals lost the SLA table"
# A warm-up's intervals have no statistics: not printed.
"$capsim" run scenarios/theory/mmc.yaml -r 2 --set horizon.length=4h --set horizon.interval=1h \
  --set horizon.warmup=2h > "$work/warmup"
# 2 rows in each of the two interval tables.
[ "$(grep -c '^+[0-9]' "$work/warmup")" = 4 ] || fail "run with a 2-hour warm-up of 4 hourly intervals: $(cat "$work/warmup")"
script -qc "$capsim run $day -r 4" "$work/tty" > /dev/null
grep -aq $'\033\[31m' "$work/tty" || fail "run on a terminal: a missed SLA is not red"
NO_COLOR=1 script -qc "$capsim run $day -r 4" "$work/no_color" > /dev/null
if grep -aq $'\033\[31m' "$work/no_color"; then fail "colour despite NO_COLOR"; fi
echo "tables: within 100 columns; colour only on a terminal without NO_COLOR"
