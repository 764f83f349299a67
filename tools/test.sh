#!/usr/bin/env bash
# README command 2: install what is missing, then build and run every test twice, and fuzz:
#  1. Release with -Werror and invariant checks on (also builds the benchmarks);
#  2. the libFuzzer targets under both sanitizers, 30 s each (tools/fuzz.sh);
#  3. capsim with Open MPI, and 2-rank sweeps over three transports (tests/cli/sweep_mpi.sh);
#  4. AddressSanitizer + UndefinedBehaviorSanitizer with -Werror (ctest's summary closes the run).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --test
jobs="$(nproc)"

cmake -S . -B build/ci -DCMAKE_BUILD_TYPE=Release -DCAPSIM_WERROR=ON -DCAPSIM_CHECKS=ON >/dev/null
cmake --build build/ci -j"$jobs"
ctest --test-dir build/ci --output-on-failure -j"$jobs"

tools/fuzz.sh 30

# capsim built with Open MPI: a 2-rank sweep equals the one-process output, over the default
# transports, TCP alone and shared memory without single-copy.
cmake -S . -B build/mpi -DCMAKE_BUILD_TYPE=Release -DCAPSIM_WERROR=ON -DCAPSIM_MPI=ON -DCAPSIM_BUILD_TESTS=OFF \
      -DCAPSIM_BUILD_BENCH=OFF >/dev/null
cmake --build build/mpi -j"$jobs" --target capsim
cmake --build build/mpi -j"$jobs" --target mpi_executor_check
bash tests/cli/sweep_mpi.sh "$PWD/build/mpi/tools/capsim" "$PWD" "$PWD/build/mpi/experiment/mpi_executor_check"

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAPSIM_WERROR=ON -DCAPSIM_SANITIZE=ON \
      -DCAPSIM_BUILD_BENCH=OFF >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"
