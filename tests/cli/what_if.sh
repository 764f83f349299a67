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
echo "what-ifs: --scale and relative --set agree; offered x$ratio"
