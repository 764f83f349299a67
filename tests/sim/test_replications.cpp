#include <doctest/doctest.h>

#include <stdexcept>
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
