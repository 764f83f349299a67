#!/usr/bin/env bash
# capsim sweep and merge end to end: output identical for 1 and 2 threads, for merged shards
# (given in any order), and after a run really killed (SIGKILL) and resumed; a Ctrl-C
# (SIGINT) saves the finished points and exits 130; bad input writes nothing.
# Usage: sweep.sh CAPSIM SOURCE_DIR
set -euo pipefail
capsim=$1
scenario=$2/scenarios/retail_support.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
grid=(--grid pools.tier2.agents=3..6 --grid stages.agent.service.mean=4min..5min:30s -r 3 --quiet)

"$capsim" sweep "$scenario" "${grid[@]}" -j1 -o one.csv
"$capsim" sweep "$scenario" "${grid[@]}" -j2 -o two.csv
cmp one.csv two.csv || fail "1 and 2 threads differ"
[ "$(grep -c ',overall,overall,offered,' one.csv)" = 12 ] || fail "expected 12 points"
head -1 one.csv | grep -q '^# capsim sweep [0-9a-f]* points 12 rows [0-9]*$' || fail "first line: $(head -1 one.csv)"
[ ! -e one.csv.checkpoint ] || fail "checkpoint left behind"

for i in 1 2 3; do "$capsim" sweep "$scenario" "${grid[@]}" --shard "$i/3" -o "shard$i.csv"; done
"$capsim" merge shard3.csv shard1.csv shard2.csv -o merged.csv
cmp one.csv merged.csv || fail "merged shards differ from one run"
if "$capsim" merge shard1.csv shard2.csv -o partial.csv 2>err.txt; then fail "merge of 2 of 3 shards passed"; fi
grep -q "2 of 3 shards given" err.txt || fail "merge message: $(cat err.txt)"
[ ! -e partial.csv ] || fail "a refused merge wrote its output"

# JSON lines: a first line naming the sweep, then one object per row.
"$capsim" sweep "$scenario" "${grid[@]}" --format jsonl -o rows.jsonl
head -1 rows.jsonl | grep -q '^{"capsim_sweep":"[0-9a-f]*","points":12,' || fail "jsonl first line"
# Params typed: a plain number as a number, a value with a unit as its text and, under
# "KEY (s)", in seconds (as the CSV's column of that name).
sed -n 2p rows.jsonl | grep -q '^{"point":0,"params":{"pools.tier2.agents":3,"stages.agent.service.mean":"240s","stages.agent.service.mean (s)":240.0},"scope":"overall"' || fail "jsonl row: $(sed -n 2p rows.jsonl)"
sed -n 2p one.csv | grep -q ',pooled,interval_index,start_seconds,pool,sla,stages.agent.service.mean (s)$' || fail "no column of the duration in seconds: $(sed -n 2p one.csv)"
grep -q '^11,6,300s,overall,overall,offered,.*,300$' one.csv || fail "point 11's duration in seconds"

# Killed with SIGKILL part-way, then resumed: byte for byte the uninterrupted output.
long=(--grid pools.tier2.agents=2..9 --grid pools.tier1.staffing.0=8..13 -r 6 -j1 --quiet)
"$capsim" sweep "$scenario" "${long[@]}" -o whole.csv
"$capsim" sweep "$scenario" "${long[@]}" -o cut.csv &
pid=$!
for _ in $(seq 1 400); do
  [ -f cut.csv.checkpoint ] && [ "$(grep -c ',overall,overall,offered,' cut.csv.checkpoint || true)" -ge 5 ] && break
  sleep 0.01
done
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ -f cut.csv ]; then echo "note: the sweep finished before the kill" >&2; else
  [ -f cut.csv.checkpoint ] || fail "no checkpoint after the kill"
  "$capsim" sweep "$scenario" "${long[@]}" -o cut.csv --resume
fi
cmp whole.csv cut.csv || fail "resumed output differs from an uninterrupted run"
[ ! -e cut.csv.checkpoint ] || fail "checkpoint left after the resumed run"

# A checkpoint cut in the middle of a line (a machine lost mid-write) resumes too.
cp one.csv torn.ckpt
truncate -s $(( $(stat -c %s one.csv) * 2 / 3 + 7 )) torn.ckpt
rm -f torn.csv
"$capsim" sweep "$scenario" "${grid[@]}" -o torn.csv --checkpoint torn.ckpt --resume
cmp one.csv torn.csv || fail "resume from a torn checkpoint differs"

# SIGINT: exits 130 after saving the finished points.
"$capsim" sweep "$scenario" "${long[@]}" -o int.csv &
pid=$!
for _ in $(seq 1 400); do
  [ -f int.csv.checkpoint ] && [ "$(grep -c ',overall,overall,offered,' int.csv.checkpoint || true)" -ge 2 ] && break
  sleep 0.01
done
kill -INT "$pid" 2>/dev/null || true
set +e; wait "$pid"; code=$?; set -e
if [ ! -f int.csv ]; then
  [ "$code" = 130 ] || fail "SIGINT exit code $code"
  "$capsim" sweep "$scenario" "${long[@]}" -o int.csv --resume
fi
cmp whole.csv int.csv || fail "resume after SIGINT differs"

# SIGINT in the middle of one long point: stops within seconds (between replications), not
# when the point is done (about 30 s here), and exits 130.
mmc1=$2/scenarios/theory/mmc.yaml
"$capsim" sweep "$mmc1" --grid pools.agents.agents=25 -r 2000 --set horizon.length=100h -j1 --quiet -o long.csv &
pid=$!
sleep 1
start=$(date +%s)
kill -INT "$pid"
set +e; wait "$pid"; code=$?; set -e
took=$(( $(date +%s) - start ))
[ "$code" = 130 ] || fail "SIGINT in a long point: exit $code"
[ "$took" -le 10 ] || fail "SIGINT in a long point took $took s to stop"
[ -f long.csv.checkpoint ] && [ ! -e long.csv ] || fail "SIGINT in a long point: checkpoint not kept"

# An existing checkpoint is never overwritten without --resume; bad input writes nothing.
touch stale.csv.checkpoint
if "$capsim" sweep "$scenario" "${grid[@]}" -o stale.csv 2>err.txt; then fail "ran over a checkpoint"; fi
grep -q "with --resume" err.txt || fail "checkpoint message: $(cat err.txt)"
if "$capsim" sweep "$scenario" --grid pools.teir2.agents=1,2 -o bad.csv 2>err.txt; then fail "bad key passed"; fi
grep -q 'no pool named "teir2"' err.txt || fail "bad key message: $(cat err.txt)"
if "$capsim" sweep "$scenario" --grid pools.tier2.agents=5..3 -o bad.csv 2>err.txt; then fail "empty range passed"; fi
grep -q "is empty" err.txt || fail "empty range message: $(cat err.txt)"
if "$capsim" sweep "$scenario" --grid pools.tier2.agents=3,4 --shard 4/3 -o bad.csv 2>err.txt; then fail "shard 4/3 passed"; fi
[ ! -e bad.csv ] && [ ! -e bad.csv.checkpoint ] || fail "bad input wrote a file"
if "$capsim" sweep "$scenario" --grid pools.tier2.agents=3,4 --shard 1/1e30 -o bad.csv 2>err.txt; then fail "shard 1/1e30 passed"; fi
grep -q "expected i/N with whole numbers" err.txt || fail "shard message: $(cat err.txt)"
if "$capsim" sweep "$scenario" --grid pools.tier2.agents=3,4 --shard 1/18446744073709551616 -o bad.csv 2>/dev/null; then
  fail "shard 1/2^64 passed"; fi
if "$capsim" sweep "$scenario" --grid pools.tier2.agents=3,4 --shard 1e30/1e30 -o bad.csv 2>/dev/null; then
  fail "shard 1e30/1e30 passed"; fi
[ ! -e bad.csv ] && [ ! -e bad.csv.checkpoint ] || fail "bad input wrote a file"

# Shards of JSON lines merge into the single run's output, "keys" and all.
for i in 1 2 3; do "$capsim" sweep "$scenario" "${grid[@]}" --format jsonl --shard "$i/3" -o "shard$i.jsonl"; done
"$capsim" merge shard2.jsonl shard1.jsonl shard3.jsonl -o merged.jsonl
cmp rows.jsonl merged.jsonl || fail "merged JSON-lines shards differ from one run"
# A shard cut mid-row, or missing a row, is refused, and nothing is written.
head -c -20 shard2.csv > cut2.csv
if "$capsim" merge shard1.csv cut2.csv shard3.csv -o bad.csv 2>err.txt; then fail "merge of a cut shard passed"; fi
grep -q "cut2.csv: .*(an unfinished shard?)" err.txt || fail "cut shard message: $(cat err.txt)"
sed '5d' shard2.csv > holed2.csv
if "$capsim" merge shard1.csv holed2.csv shard3.csv -o bad.csv 2>err.txt; then fail "merge of a shard missing a row passed"; fi
grep -q "holed2.csv: point 1 has [0-9]* rows; expected" err.txt || fail "missing-row message: $(cat err.txt)"
[ ! -e bad.csv ] || fail "a refused merge wrote its output"

# --resume on a finished sweep is a no-op success (a batch system's retry).
cp one.csv done.csv
"$capsim" sweep "$scenario" "${grid[@]}" -j1 -o done.csv --resume 2>err.txt || fail "resume of a finished sweep: $(cat err.txt)"
cmp one.csv done.csv || fail "resume of a finished sweep changed its output"
# A checkpoint cut inside its header resumes as a fresh start.
head -c 10 one.csv > early.csv.checkpoint
"$capsim" sweep "$scenario" "${grid[@]}" -j1 -o early.csv --resume
cmp one.csv early.csv || fail "resume from a checkpoint cut in its header differs"
# A checkpoint in use by another capsim is refused.
cp one.csv busy.csv.checkpoint
if flock busy.csv.checkpoint "$capsim" sweep "$scenario" "${grid[@]}" -o busy.csv --resume 2>err.txt; then
  fail "two sweeps ran on one checkpoint"; fi
grep -q "in use by another capsim" err.txt || fail "lock message: $(cat err.txt)"
# -o and --per-replication naming one file would leave one overwritten by the other.
if "$capsim" sweep "$scenario" "${grid[@]}" -o same.csv --per-replication same.csv 2>err.txt; then fail "-o X --per-replication X passed"; fi
grep -q "is also an input" err.txt || fail "same-file message: $(cat err.txt)"
[ ! -e same.csv ] && [ ! -e same.csv.checkpoint ] || fail "a refused sweep left a file"
# Per-replication rows of a JSON-lines sweep are CSV with a comment first line (pandas: comment="#").
"$capsim" sweep "$scenario" "${grid[@]}" --format jsonl -o reps.jsonl --per-replication reps.csv
head -1 reps.csv | grep -q '^# capsim sweep [0-9a-f]* points 12$' || fail "per-replication first line: $(head -1 reps.csv)"
sed -n 2p reps.csv | grep -q '^point,pools.tier2.agents,stages.agent.service.mean,replication,scope,name,kpi,value,interval_index,start_seconds,pool,sla$' ||
  fail "per-replication header: $(sed -n 2p reps.csv)"
# --no-intervals leaves the interval rows out of both files (the rest as with them), and a
# resume from a checkpoint cut mid-point gives the same bytes.
"$capsim" sweep "$scenario" "${grid[@]}" -j1 --no-intervals -o lean.csv --per-replication lean_reps.csv 2>/dev/null
if grep -q '^[0-9]*,[^,]*,[^,]*,interval,' lean.csv lean_reps.csv; then fail "--no-intervals left interval rows"; fi
cmp -s <(grep -v '^#' lean.csv) <(grep -v '^#' one.csv | grep -v '^[0-9]*,[^,]*,[^,]*,interval,') ||
  fail "--no-intervals changed the rows it keeps"
"$capsim" sweep "$scenario" "${grid[@]}" -j1 --no-intervals -o lean_only.csv 2>/dev/null
head -c 20000 lean_only.csv > cut.csv.checkpoint
"$capsim" sweep "$scenario" "${grid[@]}" -j1 --no-intervals -o cut.csv --resume 2>/dev/null
cmp lean_only.csv cut.csv || fail "resume of a --no-intervals sweep differs"

# An overloaded point is recorded as failed and the sweep goes on (and a resume keeps it).
mmc=$2/scenarios/theory/mmc.yaml
over=(--grid pools.agents.agents=2,25 --set horizon.length=5000h -r 2 -j1)
"$capsim" sweep "$mmc" "${over[@]}" --quiet -o over.csv 2>err.txt || fail "a sweep with an overloaded point failed: $(cat err.txt)"
grep -q '^0,2,point,failed,error,0,"replication 0 stopped' over.csv || fail "no failed row: $(grep -m1 '^0,' over.csv)"
grep -q '^1,25,overall,overall,offered,' over.csv || fail "the point after the failed one is missing"
grep -q "1 point(s) could not run" err.txt || fail "no warning: $(cat err.txt)"
cp over.csv over2.csv.checkpoint
"$capsim" sweep "$mmc" "${over[@]}" -o over2.csv --resume 2>err.txt
cmp over.csv over2.csv || fail "resume of a sweep with a failed point differs"
grep -q "resuming: 2 of 2 points already done" err.txt || fail "a failed point was not kept on resume: $(cat err.txt)"

# --format html: the page capsim report draws from the same sweep's CSV (kept through a
# CSV checkpoint, so an interrupted page resumes); a finished page resumes as a no-op.
"$capsim" sweep "$scenario" "${grid[@]}" -j1 --format html -o page.html
"$capsim" report one.csv -o from_csv.html
sed 's/"origin":"capsim sweep"/"origin":"one.csv"/' page.html | cmp - from_csv.html || fail "sweep's page differs from report's"
[ ! -e page.html.checkpoint ] || fail "html: checkpoint left behind"
"$capsim" sweep "$scenario" "${grid[@]}" -j1 --format html | cmp - page.html || fail "html to stdout differs"
cp one.csv torn.html.checkpoint
truncate -s $(( $(stat -c %s one.csv) / 2 )) torn.html.checkpoint
"$capsim" sweep "$scenario" "${grid[@]}" -j1 --format html -o torn.html --resume
cmp page.html torn.html || fail "html resumed from a checkpoint differs"
"$capsim" sweep "$scenario" "${grid[@]/--quiet/-j1}" --format html -o torn.html --resume 2>err.txt ||
  fail "html resume of a finished page"
grep -q "already finished" err.txt || fail "html finished message: $(cat err.txt)"
if "$capsim" sweep "$scenario" "${grid[@]}" --format html --shard 1/2 -o bad.html 2>err.txt; then fail "html shard passed"; fi
grep -q "write shards as CSV" err.txt || fail "html shard message: $(cat err.txt)"

# A closed pipe is a failed write (exit 2 with a reason), not SIGPIPE.
set +e
"$capsim" run "$scenario" -r 2 --format csv 2>err.txt | true; code=${PIPESTATUS[0]}
set -e
[ "$code" = 2 ] || fail "closed pipe: exit $code"
grep -q "cannot write to standard output" err.txt || fail "closed pipe message: $(cat err.txt)"
echo "sweep: all checks passed"
