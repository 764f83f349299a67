#!/usr/bin/env bash
# A baseline larger than the memory the process may use (ulimit -v) is bad input: exit 2
# with the reason, never a crash by SIGABRT; one that fits is read by a streaming reader
# (no document tree), so a 36 MB baseline needs little more than its values.
# Usage: big_baseline.sh CAPSIM SOURCE_DIR (not under AddressSanitizer, which needs a huge
# address space of its own)
set -euo pipefail
capsim=$1
scenario=$2/scenarios/retail_support.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
awk 'BEGIN { printf "{\"replications\": 3000000, \"seed\": 7, \"kpis\": {\"abandon_rate\": {\"mean\": 0.1, \"sd\": 0.01, \"n\": 3000000, \"values\": [0.1";
             for (i = 1; i < 3000000; ++i) printf ",0.123456789"; print "]}}}" }' > "$work/big.json"
set +e
(ulimit -v 150000; "$capsim" check "$scenario" -r 2 -j1 --baseline "$work/big.json" > /dev/null 2> "$work/err.txt"); code=$?
set -e
[ "$code" = 0 ] || fail "a 36 MB baseline within 150 MB: exit $code, $(cat "$work/err.txt")"
set +e
(ulimit -v 60000; "$capsim" check "$scenario" -r 2 -j1 --baseline "$work/big.json" > /dev/null 2> "$work/err.txt"); code=$?
set -e
[ "$code" = 2 ] || fail "a baseline beyond the memory allowed: exit $code, $(cat "$work/err.txt")"
grep -qE "out of memory|too large to read" "$work/err.txt" || fail "no reason given: $(cat "$work/err.txt")"
echo "big baseline: read within its memory, refused with exit 2 beyond it"
