#!/usr/bin/env bash
# Forecast files: per_interval and staffing read from CSV give byte for byte what the same
# values written in the scenario give; bad rows are located as FILE:LINE:COLUMN (exit 2).
# usage: forecast.sh CAPSIM
set -euo pipefail
capsim="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
cat > day.yaml <<'YAML'
name: forecast
horizon: {start: "22:00", end: "00:00", interval: 30min}
customers:
  a: {arrivals: {per_interval: {file: data/forecast.csv}}, patience: {dist: exponential, mean: 3min}, entry: phone}
pools:
  desk: {staffing: {file: data/staffing.csv}}
stages:
  phone: {service: {dist: exponential, mean: 3min}, pools: [desk]}
YAML
mkdir data
# Rows in any order; clock times (a window up to midnight) or indexes from 0.
printf 'interval,count\n23:00,80\n22:00,40\n22:30,60\n23:30,50\n' > data/forecast.csv
printf 'agents,interval\n5,0\n7,1\n9,2\n6,3\n' > data/staffing.csv
sed 's|{file: data/forecast.csv}|[40, 60, 80, 50]|; s|{file: data/staffing.csv}|[5, 7, 9, 6]|' day.yaml > inline.yaml
"$capsim" run day.yaml -r 5 --format csv -o from_file.csv
"$capsim" run inline.yaml -r 5 --format csv -o inline.csv
cmp from_file.csv inline.csv || fail "the forecast file differs from the same values inline"
expect() {  # FILE CONTENT MESSAGE
  printf "$2" > "data/$1"
  sed "s|data/forecast.csv|data/$1|" day.yaml > bad.yaml
  set +e
  "$capsim" validate bad.yaml > /dev/null 2> err.txt
  code=$?
  set -e
  [ "$code" = 2 ] || fail "$1: exit $code"
  grep -qF -- "$3" err.txt || fail "$1: expected '$3', got: $(cat err.txt)"
}
expect misspelt.csv 'interval,cuont\n22:00,1\n' 'misspelt.csv:1:10: customers.a.arrivals.per_interval.file: column "cuont" is not a column of this file; did you mean "count"?'
expect off_grid.csv 'interval,count\n22:00,1\n22:15,1\n22:30,1\n23:00,1\n23:30,1\n' 'off_grid.csv:3:1: customers.a.arrivals.per_interval.file: "22:15" is not the start of an interval'
expect negative.csv 'interval,count\n22:00,1\n22:30,-2\n23:00,1\n23:30,1\n' 'negative.csv:3:7: customers.a.arrivals.per_interval.file: expected a count of at least 0'
expect twice.csv 'interval,count\n22:00,1\n22:30,1\n22:00,1\n23:00,1\n23:30,1\n' 'twice.csv:4:1: customers.a.arrivals.per_interval.file: gives interval "22:00" again (first on line 2)'
expect short.csv 'interval,count\n22:00,1\n' 'short.csv:1:1: customers.a.arrivals.per_interval.file: has no row for 3 of the horizon'"'"'s 4 intervals'
# A file that is not there: located in the scenario.
sed "s|data/forecast.csv|data/missing.csv|" day.yaml > bad.yaml
set +e
"$capsim" validate bad.yaml > /dev/null 2> err.txt
set -e
grep -q 'bad.yaml:4:.*customers.a.arrivals.per_interval.file: cannot read "data/missing.csv"' err.txt ||
  fail "a missing forecast file: $(cat err.txt)"
echo "forecast files: as the values inline; bad rows located"
