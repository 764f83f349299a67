// The one sequential loop: looks at doubling counts, runs only new replications, and gives
// exactly the replications of a plain run.
#include <doctest/doctest.h>

#include <cstring>
#include <utility>
#include <vector>

#include "../models/run_helpers.h"
#include "experiment/replication_run.h"
#include "experiment/sequential.h"

using namespace capsim;

namespace {
const char* kLine = R"(
name: a line
horizon: {length: 20h, warmup: 1h}
replications: 3
seed: 21
customers:
  caller: {arrivals: {rate: 50/h}, patience: {dist: exponential, mean: 4min}, entry: desk}
pools:
  clerk: {agents: 1}
stages:
  desk: {service: {dist: exponential, mean: 1min}, pools: [clerk]}
)";
}  // namespace

TEST_CASE("a sequential plan looks at n0, 2 n0, 4 n0, ... and last at its most") {
  CHECK(experiment::SequentialPlan{4, 16}.looks() == std::vector<std::size_t>{4, 8, 16});
  CHECK(experiment::SequentialPlan{6, 1000}.looks() ==
        std::vector<std::size_t>{6, 12, 24, 48, 96, 192, 384, 768, 1000});
  CHECK(experiment::SequentialPlan{5, 5}.looks() == std::vector<std::size_t>{5});
  CHECK(experiment::SequentialPlan{5, 3}.looks() == std::vector<std::size_t>{5});  // most below initial
}

TEST_CASE("the loop runs each replication once: [0, n), then [n, 2n), ... until decided") {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  const auto looks = experiment::run_looks(
      std::vector<std::size_t>{3, 6, 12, 24},
      [&](std::size_t first, std::size_t last) { ranges.emplace_back(first, last); },
      [&](std::size_t look) { return look == 2; });
  CHECK(looks == 3);
  CHECK(ranges == std::vector<std::pair<std::size_t, std::size_t>>{{0, 3}, {3, 6}, {6, 12}});
}

TEST_CASE("extending until decided gives bit for bit the replications of one plain run") {
  const auto model = test::compile_text(kLine);
  std::vector<std::size_t> seen_counts;
  const auto outcome =
      experiment::extend_until_decided(model, 2, {3, 20}, [&](const model::ExperimentResult& result, std::size_t) {
        seen_counts.push_back(result.replications.size());
        return result.replications.size() >= 12;
      });
  CHECK(outcome.decided);
  CHECK(outcome.looks == 3);
  CHECK(seen_counts == std::vector<std::size_t>{3, 6, 12});
  const auto plain = experiment::run_experiment(model, 1, 0, 12);
  REQUIRE(outcome.result.replications.size() == 12);
  for (std::size_t r = 0; r < 12; ++r) {
    REQUIRE(outcome.result.replications[r].size() == plain.replications[r].size());
    CHECK(std::memcmp(outcome.result.replications[r].data(), plain.replications[r].data(),
                      plain.replications[r].size() * sizeof(double)) == 0);
  }
  for (std::size_t slot = 0; slot < plain.summaries.size(); ++slot) {
    const auto& a = outcome.result.summaries[slot];
    const auto& b = plain.summaries[slot];
    CHECK(std::memcmp(&a, &b, sizeof a) == 0);
  }
  CHECK(outcome.result.events == plain.events);
}

TEST_CASE("an undecided plan stops at its most, and says so") {
  const auto model = test::compile_text(kLine);
  const auto outcome = experiment::extend_until_decided(
      model, 2, {2, 5}, [](const model::ExperimentResult&, std::size_t) { return false; });
  CHECK_FALSE(outcome.decided);
  CHECK(outcome.looks == 3);  // 2, 4, 5
  CHECK(outcome.result.replications.size() == 5);
}

TEST_CASE("the KPI x replications bound is stated before anything runs") {
  const auto model = test::compile_text(kLine);
  CHECK_FALSE(experiment::storage_problem(model, 1000).has_value());
  const auto problem = experiment::storage_problem(model, 100'000'000);
  REQUIRE(problem.has_value());
  CHECK(problem->find("would keep") != std::string::npos);
}
