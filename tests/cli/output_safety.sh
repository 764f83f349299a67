#!/usr/bin/env bash
# Output never destroys: -o keeps a regular file's mode and a user's own PATH.tmp, writes
# through links, FIFOs and devices instead of replacing them, leaves no temporaries, and a
# write that fails (disk full, a folder, no such folder) fails the command with exit 2.
set -euo pipefail
capsim="$1"
scenario="$2/scenarios/retail_support.yaml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { "$capsim" run "$scenario" -r 2 --format csv "$@"; }

echo keep > report.csv.tmp
echo old > report.csv
chmod 640 report.csv
run -o report.csv
[ "$(cat report.csv.tmp)" = keep ] || fail "a user's report.csv.tmp was touched"
[ "$(stat -c %a report.csv)" = 640 ] || fail "mode of report.csv not kept: $(stat -c %a report.csv)"
head -1 report.csv | grep -q '^scope,name,kpi' || fail "report.csv not written"
[ -z "$(ls -A | grep capsim- || true)" ] || fail "temporary left behind: $(ls -A)"

echo target > real.csv
ln -s real.csv link.csv
run -o link.csv
[ -L link.csv ] || fail "the link was replaced by a file"
head -1 real.csv | grep -q '^scope,name,kpi' || fail "the link's target was not written"

mkfifo pipe
cat pipe > from_pipe.csv &
reader=$!
run -o pipe
wait "$reader"
[ -p pipe ] || fail "the FIFO was replaced"
head -1 from_pipe.csv | grep -q '^scope,name,kpi' || fail "nothing came through the FIFO"

ln -s /dev/null null_link
run -o null_link
[ -L null_link ] && [ -c /dev/null ] || fail "a link to /dev/null was replaced"

set +e
run -o /dev/full 2> err.txt; code=$?
set -e
[ "$code" = 2 ] || fail "-o /dev/full exited $code, expected 2"
grep -q 'cannot write /dev/full: No space left on device' err.txt || fail "no reason given: $(cat err.txt)"
[ -c /dev/full ] || fail "/dev/full was replaced"

for verb in "run $scenario -r 2" "validate $scenario" "erlang c --rate 18/min --aht 1min --agents 20"; do
  set +e
  # shellcheck disable=SC2086
  "$capsim" $verb > /dev/full 2> err.txt; code=$?
  set -e
  [ "$code" = 2 ] || fail "capsim $verb > /dev/full exited $code, expected 2"
  grep -q 'cannot write to standard output' err.txt || fail "capsim $verb: no reason given: $(cat err.txt)"
done

mkdir folder
set +e
run -o folder 2> err.txt; code=$?
set -e
[ "$code" = 2 ] && grep -q 'it is a folder' err.txt || fail "-o FOLDER: exit $code, $(cat err.txt)"
echo "output safety: all checks passed"
