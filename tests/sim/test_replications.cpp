#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sim/replications.h"

TEST_CASE("replication results come back in replication order for any thread count") {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    const auto results = capsim::sim::run_replications(37, threads, [](std::size_t i) { return i * i; });
    REQUIRE(results.size() == 37);
    for (std::size_t i = 0; i < results.size(); ++i) CHECK(results[i] == i * i);
  }
}

TEST_CASE("a failing replication's exception reaches the caller") {
  CHECK_THROWS_AS(capsim::sim::run_replications(10, 3,
                                                [](std::size_t i) -> int {
                                                  if (i == 4) throw std::runtime_error("boom");
                                                  return 0;
                                                }),
                  std::runtime_error);
}

TEST_CASE("for_each_replication hands results over in index order, with absolute indices, for a range") {
  for (unsigned threads : {1u, 2u, 5u}) {
    std::vector<std::size_t> seen;
    capsim::sim::for_each_replication(
        7, 30, threads, [](std::size_t i) { return i * 3; },
        [&](std::size_t index, std::size_t result) {
          CHECK(result == index * 3);
          seen.push_back(index);
        });
    REQUIRE(seen.size() == 23);
    for (std::size_t k = 0; k < seen.size(); ++k) CHECK(seen[k] == 7 + k);
  }
}

TEST_CASE("the lowest failing replication's exception is the one rethrown, after earlier results are consumed") {
  for (unsigned threads : {1u, 2u, 4u}) {
    std::vector<std::size_t> consumed;
    try {
      capsim::sim::for_each_replication(
          0, 40, threads,
          [](std::size_t i) -> std::size_t {
            if (i == 9 || i == 25) throw std::runtime_error("replication " + std::to_string(i));
            return i;
          },
          [&](std::size_t index, std::size_t) { consumed.push_back(index); });
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "replication 9");
    }
    REQUIRE(consumed.size() == 9);
    CHECK(consumed.back() == 8);
  }
}

TEST_CASE("workers run at most a window of jobs ahead of a slow consumer (back-pressure)") {
  for (unsigned threads : {2u, 4u}) {
    std::mutex mutex;
    std::size_t started = 0, consumed = 0, most_ahead = 0;
    capsim::sim::for_each_replication(
        0, 200, threads,
        [&](std::size_t i) {
          const std::lock_guard lock(mutex);
          ++started;
          most_ahead = std::max(most_ahead, started - consumed);
          return i;
        },
        [&](std::size_t, std::size_t) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          const std::lock_guard lock(mutex);
          ++consumed;
        });
    CHECK(consumed == 200);
    // The window is 4 jobs per thread; one more may be counted as it is handed over.
    CHECK(most_ahead <= 4 * threads + 1);
  }
}
