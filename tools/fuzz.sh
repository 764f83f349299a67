#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer + UndefinedBehaviorSanitizer) and
# runs each for SECONDS (default 30) from a corpus seeded with scenarios/ and the bad-input
# corpus. Any crash, leak, timeout or out-of-memory fails the script; the reproducer is kept
# in build/fuzz/artifacts/. Skipped, with a note, when clang++ is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found; skipped" >&2
  exit 0
fi
# The test command builds the doctest suites in the same tree (CAPSIM_FUZZ_TESTS=ON) and runs
# them under the same sanitizers: one clang build serves both.
cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCAPSIM_FUZZ=ON \
      -DCAPSIM_WERROR=ON -DCAPSIM_BUILD_TESTS="${CAPSIM_FUZZ_TESTS:-OFF}" -DCAPSIM_BUILD_BENCH=OFF >/dev/null
if [ "${CAPSIM_FUZZ_TESTS:-OFF}" = ON ]; then
  cmake --build build/fuzz -j"$(nproc)"
else
  cmake --build build/fuzz -j"$(nproc)" --target fuzz_scenario fuzz_override fuzz_lean_copies
fi
mkdir -p build/fuzz/artifacts
run() {
  local target="$1"; shift
  local corpus="build/fuzz/corpus_$target" log="build/fuzz/$target.log"
  mkdir -p "$corpus"
  for seeds in "$@"; do cp -n "$seeds"/*.yaml "$seeds"/[!.]* "$corpus"/ 2>/dev/null || true; done
  local status=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 \
      -malloc_limit_mb=2048 -max_len=16384 -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 \
      >"$log" 2>&1 || status=$?
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)" "$log" | sed "s/^/$target: /"
  if [ "$status" -ne 0 ]; then
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20 >&2
    echo "fuzz: $target failed (exit $status); the input is in build/fuzz/artifacts/" >&2
    return 1
  fi
}
run fuzz_scenario scenarios scenarios/theory tests/io/bad_scenarios
run fuzz_override tests/fuzz/override_seeds
run fuzz_lean_copies  # differential: both copies of the hot handlers on generated lean models
echo "fuzz: no crash, hang or leak in ${seconds} s per target"
