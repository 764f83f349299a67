#!/usr/bin/env bash
# README command 2: install what is missing, then build and run every test twice, and fuzz:
#  1. Release with -Werror and invariant checks on, with Open MPI and the Python module (also
#     builds the benchmarks and capsim-mpi): every test, then 2-rank sweeps over three transports
#     (tests/cli/sweep_mpi.sh);
#  2. clang with AddressSanitizer + UndefinedBehaviorSanitizer and -Werror, one tree for the
#     libFuzzer targets (10 s each, tools/fuzz.sh) and every test (ctest's summary closes the
#     run).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --test
jobs="$(nproc)"

cmake -S . -B build/ci -DCMAKE_BUILD_TYPE=Release -DCAPSIM_WERROR=ON -DCAPSIM_CHECKS=ON -DCAPSIM_MPI=ON \
      -DCAPSIM_PYTHON=ON >/dev/null
cmake --build build/ci -j"$jobs"
ctest --test-dir build/ci --output-on-failure -j"$jobs"

# capsim-mpi: a 2-rank sweep equals the one-process output, over the default transports, TCP
# alone and shared memory without single-copy.
bash tests/cli/sweep_mpi.sh "$PWD/build/ci/tools/capsim-mpi" "$PWD" "$PWD/build/ci/experiment/mpi_executor_check"

export CAPSIM_FUZZ_TESTS=ON
tools/fuzz.sh 10
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/fuzz --output-on-failure -j"$jobs"
