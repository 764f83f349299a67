#!/usr/bin/env bash
# The progress bar: drawn on a terminal (util-linux `script` gives the run one), erased at the
# end; absent with --quiet and when stderr is not a terminal.
# usage: progress.sh CAPSIM SOURCE_DIR
set -euo pipefail
capsim=$1
cd "$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run="$capsim run scenarios/contact_center_day.yaml -r 1000 -j 2"
script -qc "$run > /dev/null" "$work/tty" > /dev/null
grep -aq $'\rcapsim: \[[#-]*\] [0-9]*/1000 replications  [0-9.]*/s' "$work/tty" || fail "no bar on a terminal: $(cat -v "$work/tty")"
grep -aq $'\r\033\[K' "$work/tty" || fail "the bar was not erased"
script -qc "$run --quiet > /dev/null" "$work/quiet" > /dev/null
if grep -aq "replications" "$work/quiet"; then fail "a bar despite --quiet"; fi
$run > /dev/null 2> "$work/stderr"
grep -v " warning: " "$work/stderr" > "$work/bar" || true
[ ! -s "$work/bar" ] || fail "a bar on stderr that is not a terminal: $(cat -v "$work/bar")"
echo "progress: drawn live, erased, silent with --quiet and off a terminal"
