#!/usr/bin/env bash
# capsim sweep under mpirun with 2 ranks (a capsim built with -DCAPSIM_MPI=ON), over the
# default transports and over TCP alone (`--mca btl tcp,self`: a cluster without shared
# memory) and without single-copy shared memory (containers): the output equals a
# one-process run byte for byte, with and without per-replication rows, and when the ranks
# share one point's replications; the executor's own checks (order, failures on any rank,
# interrupts) pass on each transport.
# Usage: sweep_mpi.sh CAPSIM SOURCE_DIR [EXECUTOR_CHECK]
set -euo pipefail
capsim=$1
scenario=$2/scenarios/retail_support.yaml
executor_check=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
fail() { echo "FAIL ($transport): $*" >&2; exit 1; }
grid=(--grid pools.tier2.agents=2..9 --grid pools.tier1.staffing.0=8..13 -r 4 -j1 --quiet)
"$capsim" sweep "$scenario" "${grid[@]}" -o one.csv --per-replication one_reps.csv
"$capsim" sweep "$scenario" "${grid[@]}" --format jsonl > one.jsonl
"$capsim" sweep "$scenario" --grid pools.tier2.agents=4 -r 9 -j1 --quiet > point1.csv
for transport in default "btl tcp,self" "btl_vader_single_copy_mechanism none"; do
  mca=()
  [ "$transport" = default ] || mca=(--mca $transport)
  # mpirun, at most 300 s; a hang prints every rank's stacks (gdb) before it is killed, so
  # that a rare wait shows where it waits.
  run() {
    mpirun --oversubscribe "${mca[@]}" -n 2 "$@" &
    local pid=$! ticks=0
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$ticks" -ge 1500 ]; then
        echo "mpirun $* hung for 300 s ($transport); the stacks of its processes:" >&2
        for child in $(pgrep -P "$pid"); do
          echo "--- process $child: $(tr '\0' ' ' < /proc/"$child"/cmdline 2>/dev/null)" >&2
          gdb -p "$child" -batch -ex "thread apply all bt" 2>&1 | grep -E '^(Thread|#)' | head -80 >&2 || true
        done
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        return 124
      fi
      sleep 0.2
      ticks=$((ticks + 1))
    done
    wait "$pid"
  }
  if [ -n "$executor_check" ]; then run "$executor_check" || fail "executor checks"; fi
  rm -f two.csv two_reps.csv
  run "$capsim" sweep "$scenario" "${grid[@]}" -o two.csv --per-replication two_reps.csv || fail "sweep exited $?"
  cmp one.csv two.csv || fail "2 ranks differ from one process"
  cmp one_reps.csv two_reps.csv || fail "per-replication rows differ"
  run "$capsim" sweep "$scenario" "${grid[@]}" --format jsonl > two.jsonl || fail "jsonl sweep exited $?"
  cmp one.jsonl two.jsonl || fail "2-rank JSON lines differ"
  # One point: its replications are shared by the ranks.
  run "$capsim" sweep "$scenario" --grid pools.tier2.agents=4 -r 9 -j1 --quiet > point2.csv || fail "exit $?"
  cmp point1.csv point2.csv || fail "a point's replications shared by 2 ranks differ"
  # Bad input on every rank: exit 2, no hang.
  set +e
  run "$capsim" sweep "$scenario" --grid pools.teir2.agents=1,2 --quiet > /dev/null 2> err.txt; code=$?
  set -e
  [ "$code" = 2 ] && grep -q 'no pool named "teir2"' err.txt || fail "bad input: exit $code, $(cat err.txt)"
  echo "sweep_mpi ($transport): 2 ranks give the one-process output byte for byte"
done
