#!/usr/bin/env bash
# One-line what-ifs: --scale arrivals=F is --set 'customers.*.arrivals=*F' (byte-identical
# output), scaling arrivals raises the offered volume by the factor (common random numbers:
# the same seed), and a malformed --scale is a usage error (exit 2).
set -euo pipefail
capsim="$1"
scenario="$2/scenarios/retail_support.yaml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { "$capsim" run "$scenario" -r 4 --format csv "$@"; }

run -o base.csv
run --scale arrivals=150% -o scaled.csv
run --set 'customers.*.arrivals=*1.5' -o set.csv
cmp -s scaled.csv set.csv || fail "--scale arrivals=150% differs from --set 'customers.*.arrivals=*1.5'"
offered() { awk -F, '$1 == "overall" && $3 == "offered" {print $5}' "$1"; }
ratio="$(awk -v a="$(offered base.csv)" -v b="$(offered scaled.csv)" 'BEGIN {printf "%.2f", b / a}')"
awk -v r="$ratio" 'BEGIN {exit !(r > 1.4 && r < 1.6)}' || fail "offered rose by $ratio, expected about 1.5"
# A relative handling time: the same as writing the value out.
run --set stages.agent.service.mean=*1.2 -o relative.csv
run --set stages.agent.service.mean=6min -o absolute.csv
cmp -s relative.csv absolute.csv || fail "mean=*1.2 of 5min differs from mean=6min"
set +e
"$capsim" run "$scenario" --scale arrivals > /dev/null 2> bad.err
code=$?
set -e
[ "$code" = 2 ] || fail "--scale without a factor exited $code"
grep -q "expected KEY=FACTOR" bad.err || fail "--scale without a factor: $(cat bad.err)"
# Appending a list entry: a shift line added with += is the same as the file written with it.
day="$2/scenarios/contact_center_day.yaml"
line='{start: "10:00", end: "18:30", agents: 3}'
"$capsim" run "$day" -r 3 --format csv --set "pools.tier1.shifts+=$line" -o appended.csv 2> /dev/null
# The new line goes last, after tier1's four (its agents keep their identities, and so
# their random numbers), where the file's comment on templates begins.
awk -v line="$line" '/^    # The shifts `capsim schedule` may roster/ && !done {print "      - " line; done = 1} {print}' "$day" > with_line.yaml
grep -q 'end: "18:30", agents: 3}' with_line.yaml || fail "could not write the shift line into the file"
"$capsim" run with_line.yaml -r 3 --format csv -o written.csv 2> /dev/null
# The manifest names the command and file; every KPI row must agree.
cmp -s <(grep -v '^#' appended.csv) <(grep -v '^#' written.csv) || fail "shifts+= differs from the line written in the file"
cmp -s <(grep -v '^#' appended.csv) <("$capsim" run "$day" -r 3 --format csv 2> /dev/null | grep -v '^#') &&
  fail "shifts+= changed nothing"
# Several entries at once, and what += refuses, each located at the --set.
"$capsim" validate "$day" --set "pools.tier1.shifts+=[$line, $line]" > /dev/null 2>&1 || fail "shifts+=[a, b] refused"
expect_error() {
  set +e
  "$capsim" validate "$day" --set "$1" > /dev/null 2> err.txt
  code=$?
  set -e
  [ "$code" = 2 ] && grep -qF -- "$2" err.txt || fail "--set $1 exited $code: $(cat err.txt)"
}
expect_error 'pools.tier1.absenteeism+=3' "--set pools.tier1.absenteeism+=3: pools.tier1.absenteeism: is not a list"
expect_error 'pools.tier1.shifts+={start: "10:00", end: "18:30", agents: -3}' "pools.tier1.shifts.4.agents: expected a whole number of agents"
expect_error 'pools.tier1.breaks+=[1]' "pools.tier1.breaks: is not in the file; += appends to a list the file has"
echo "what-ifs: --scale and relative --set agree; offered x$ratio; += appends a shift line as the file would have it"
