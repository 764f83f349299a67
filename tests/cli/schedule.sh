#!/usr/bin/env bash
# capsim schedule end to end: the rostered scenario (-o) runs with `capsim run` to exactly
# the attainment schedule reported and passes `capsim check` on fresh seeds; the roster is
# the same for 1 and 2 threads; templates that leave an interval uncovered, or bounds that
# leave it short, are located errors (exit 2).
# Usage: schedule.sh CAPSIM SOURCE_DIR
set -euo pipefail
capsim=$1
scenario=$2/scenarios/help_desk_templates.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$capsim" schedule "$scenario" -j1 --format json -o rostered.yaml > one.json
"$capsim" schedule "$scenario" -j2 --format csv -o rostered2.yaml > two.csv
"$capsim" schedule "$scenario" -j1 --format csv > one.csv
cmp one.csv two.csv || fail "1 and 2 threads differ"
cmp rostered.yaml rostered2.yaml || fail "1 and 2 threads write different rosters"
grep -q '^    shifts:$' rostered.yaml || fail "no shifts written: $(cat rostered.yaml)"
grep -q 'breaks: \[{window: \[' rostered.yaml || fail "no break windows written"
grep -q 'templates:' rostered.yaml || fail "templates not kept"
"$capsim" run rostered.yaml --format json > run.json
python3 - one.json run.json <<'PY' || fail "the rostered scenario does not reproduce the schedule's run"
import json, sys
schedule, run = (json.load(open(p)) for p in sys.argv[1:3])
assert schedule["status"] == "met", schedule["status"]
assert schedule["program"]["lp_bound"] <= schedule["program"]["cost"] + 1e-6, schedule["program"]
day = schedule["day"]["answer_20s"]["value"]
pooled = run["slas"]["answer_20s"]["pooled"]
assert day == pooled, (day, pooled)
for interval in schedule["intervals"]:
    pool = interval["pools"]["agents"]
    assert pool["on_duty"] >= pool["required"] - 1e-9, interval
regular = schedule["totals"]["agents"]["regular_cost"]
assert abs(regular - schedule["program"]["cost"]) < 1e-6, (regular, schedule["program"])
PY
"$capsim" check rostered.yaml --seed 424242 > check.txt || fail "the roster fails check on fresh seeds: $(cat check.txt)"

# Templates that leave 16:00-18:00 without anyone: located, exit 2, nothing written.
set +e
"$capsim" schedule "$scenario" --set pools.agents.templates.0.start.to=08:00 --set 'pools.agents.templates.1.start.to=12:00' \
  -o nothing.yaml > uncovered.txt 2> uncovered.err
code=$?
set -e
[ "$code" = 2 ] || fail "uncovered exited $code"
grep -q 'help_desk_templates.yaml:[0-9]*:[0-9]*: pools.agents.templates: no template has an agent on duty (outside its breaks) at every moment of 16:00' uncovered.err ||
  fail "uncovered message: $(cat uncovered.err)"
[ ! -e nothing.yaml ] || fail "an uncovered schedule wrote a roster"

# A day bound below the peak's requirement: where and by how much.
set +e
"$capsim" schedule "$scenario" --set pools.agents.max_agents=5 > short.txt 2> short.err
code=$?
set -e
[ "$code" = 2 ] || fail "short exited $code"
grep -q "pools.agents.templates: at [0-9:]* the pool needs [0-9]* agents on duty; .* leaves it [0-9]* short" short.err ||
  fail "short message: $(cat short.err)"
echo ok
