#!/usr/bin/env bash
# capsim staff end to end: the staffed scenario (-o) runs with `capsim run` to exactly the
# attainment staff reported; --set, -r and --seed are baked into it; the answer is the same
# for 1 and 2 threads; a target beyond --max-agents exits 1 and still writes the report.
# Usage: staff.sh CAPSIM SOURCE_DIR
set -euo pipefail
capsim=$1
scenario=$2/scenarios/theory/mmc_patience.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
args=(--set horizon.length=40h --set horizon.warmup=2h -r 6 --seed 99)

"$capsim" staff "$scenario" "${args[@]}" -j1 --format json -o staffed.yaml > one.json
"$capsim" staff "$scenario" "${args[@]}" -j2 --format csv > two.csv
"$capsim" staff "$scenario" "${args[@]}" -j1 --format csv > one.csv
cmp one.csv two.csv || fail "1 and 2 threads differ"
grep -q '^seed: 99$' staffed.yaml || fail "seed not written: $(cat staffed.yaml)"
grep -q '^replications: 6$' staffed.yaml || fail "replications not written"
grep -q 'length: 40h' staffed.yaml || fail "--set not applied to the written file"
grep -q 'staffing: \[[0-9]*\]' staffed.yaml || fail "no staffing list: $(cat staffed.yaml)"
"$capsim" run staffed.yaml --format json > run.json
python3 - one.json run.json <<'PY' || fail "the staffed scenario does not reproduce the answer"
import json, sys
staff, run = (json.load(open(p)) for p in sys.argv[1:3])
day = staff["day"]["answer_20s"]["value"]
pooled = run["slas"]["answer_20s"]["pooled"]
assert day == pooled, (day, pooled)
required = staff["intervals"][0]["pools"]["agents"]["required"]
assert run["pools"]["agents"]["kpis"]["scheduled"]["mean"] == required, run["pools"]["agents"]
PY

# Beyond --max-agents: exit 1, the report still written, the reason on stderr.
set +e
"$capsim" staff "$scenario" "${args[@]}" --max-agents 15 > capped.txt 2> capped.err
code=$?
set -e
[ "$code" = 1 ] || fail "capped staffing exited $code"
grep -q "answer_20s cannot be met" capped.err || fail "message: $(cat capped.err)"
grep -q "MISSED" capped.txt || fail "report: $(cat capped.txt)"
echo ok
