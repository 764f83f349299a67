#!/usr/bin/env bash
# capsim sweep under mpirun with 2 ranks (a capsim built with -DCAPSIM_MPI=ON): the output
# equals a one-process run byte for byte, with and without per-replication rows, and when
# the ranks share one point's replications.
# Usage: sweep_mpi.sh CAPSIM SOURCE_DIR
set -euo pipefail
capsim=$1
scenario=$2/scenarios/retail_support.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
grid=(--grid pools.tier2.agents=2..9 --grid pools.tier1.staffing.0=8..13 -r 4 -j1 --quiet)
"$capsim" sweep "$scenario" "${grid[@]}" -o one.csv --per-replication one_reps.csv
mpirun --oversubscribe -n 2 "$capsim" sweep "$scenario" "${grid[@]}" -o two.csv --per-replication two_reps.csv
cmp one.csv two.csv || { echo "FAIL: 2 ranks differ from one process" >&2; exit 1; }
cmp one_reps.csv two_reps.csv || { echo "FAIL: per-replication rows differ" >&2; exit 1; }
mpirun --oversubscribe -n 2 "$capsim" sweep "$scenario" "${grid[@]}" --format jsonl > two.jsonl
"$capsim" sweep "$scenario" "${grid[@]}" --format jsonl > one.jsonl
cmp one.jsonl two.jsonl || { echo "FAIL: 2-rank JSON lines differ" >&2; exit 1; }
# One point: its replications are shared by the ranks.
"$capsim" sweep "$scenario" --grid pools.tier2.agents=4 -r 9 -j1 --quiet > point1.csv
mpirun --oversubscribe -n 2 "$capsim" sweep "$scenario" --grid pools.tier2.agents=4 -r 9 -j1 --quiet > point2.csv
cmp point1.csv point2.csv || { echo "FAIL: a point's replications shared by 2 ranks differ" >&2; exit 1; }
echo "sweep_mpi: 2 ranks give the one-process output byte for byte"
