// The MPI executor under mpirun (tests/cli/sweep_mpi.sh runs it over TCP): units come back
// in order whatever rank ran them; a unit that throws on any rank ends the run on rank 0
// with its message while every rank returns (no rank left waiting); an interrupted job
// reaches rank 0 as Interrupted; a run right after one whose last unit was slow on rank 0
// does its own work; all_ok is a logical and over the ranks. Prints one line and
// exits 0 on rank 0 when every check holds.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include "experiment/executor.h"

using namespace capsim::experiment;

int main(int argc, char** argv) {
  auto executor = make_executor(&argc, &argv);
  int failures = 0;
  const auto check = [&](bool ok, const char* what) {
    if (!ok && executor->is_writer()) std::fprintf(stderr, "FAIL: %s\n", what);
    failures += !ok;
  };
  // 1. Order and content: unit u's bytes are u repeated u times (up to a megabyte).
  std::size_t next = 0;
  bool in_order = true;
  executor->run(
      200, 1, [](std::size_t u) { return std::string(1 + (u * 5003) % (1 << 20), static_cast<char>('a' + u % 26)); },
      [&](std::size_t u, std::string bytes) {
        in_order = in_order && u == next++ && bytes.size() == 1 + (u * 5003) % (1 << 20) &&
                   bytes.find_first_not_of(static_cast<char>('a' + u % 26)) == std::string::npos;
      });
  if (executor->is_writer()) check(in_order && next == 200, "units consumed in order with their bytes");
  // 2. A failing unit, wherever it runs, reaches rank 0 with its message.
  std::string message;
  try {
    executor->run(
        40, 1,
        [](std::size_t u) -> std::string {
          if (u == 7) throw std::runtime_error("unit 7 failed");
          return std::to_string(u);
        },
        [](std::size_t, std::string) {});
  } catch (const std::exception& e) {
    message = e.what();
  }
  if (executor->is_writer()) check(message == "unit 7 failed", "a failing unit's message reaches rank 0");
  // 3. Interrupted, wherever it happens.
  bool interrupted = false;
  try {
    executor->run(
        40, 1,
        [](std::size_t u) -> std::string {
          if (u == 3) throw Interrupted{};
          return "x";
        },
        [](std::size_t, std::string) {});
  } catch (const Interrupted&) {
    interrupted = true;
  }
  if (executor->is_writer()) check(interrupted, "an interrupted unit reaches rank 0 as Interrupted");
  // 4. Back-to-back runs while rank 0's own last unit is slow: the other ranks, told that
  // nothing is left, start the next run first; their asks belong to it (once answered by the
  // run before, which then waited forever).
  const bool writer = executor->is_writer();
  executor->run(
      4, 1,
      [writer](std::size_t u) {
        if (writer) std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return std::to_string(u);
      },
      [](std::size_t, std::string) {});
  std::size_t consumed = 0;
  executor->run(
      10, 1, [](std::size_t u) { return std::to_string(u); }, [&](std::size_t, std::string) { ++consumed; });
  if (executor->is_writer()) check(consumed == 10, "a run right after one whose last unit was slow on rank 0");
  // 5. all_ok: and over ranks.
  check(executor->all_ok(true), "all_ok(true) on every rank");
  check(!executor->all_ok(executor->is_writer()), "all_ok false when one rank is not ok");
  if (executor->is_writer() && failures == 0)
    std::printf("mpi executor: %d ranks, order, failures, interrupts and all_ok as specified\n", executor->ranks());
  return executor->is_writer() && failures > 0 ? 1 : 0;
}
