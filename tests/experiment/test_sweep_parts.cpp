// The sweep's parts a verb calls: the command line's points and the progress line.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "experiment/sweep.h"
#include "models/io/scenario_loader.h"

using namespace capsim::experiment;
using std::chrono::seconds;

TEST_CASE("--grid and --zip options are one dimension each, keys with their option as origin") {
  std::vector<std::string> problems;
  const auto points =
      points_from_options({"pools.a.agents=1,2,3"}, {"pools.b.agents=4,5,stages.s.service.mean=1min,2min"}, problems);
  REQUIRE(problems.empty());
  REQUIRE(points.spec.dimensions.size() == 2);
  CHECK(points.spec.dimensions[0].keys == std::vector<std::string>{"pools.a.agents"});
  CHECK(points.spec.dimensions[1].keys.size() == 2);
  REQUIRE(points.origins.size() == 3);
  CHECK(points.origins[0].origin == "--grid pools.a.agents=1,2,3");
  CHECK(points.origins[2].origin.rfind("--zip ", 0) == 0);

  const auto bad = points_from_options({"pools.a.agents"}, {"pools.b.agents=4,5,stages.s.service.mean=1min"}, problems);
  CHECK(bad.spec.dimensions.empty());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].rfind("--grid pools.a.agents: ", 0) == 0);
  CHECK(problems[1].rfind("--zip ", 0) == 0);
}

TEST_CASE("progress: every point on a terminal, else every 10 s and at the end; resumed points are not in the rate") {
  const auto t0 = ProgressLine::Clock::time_point{};
  ProgressLine log(t0, false);
  CHECK_FALSE(log({.done = 4, .total = 10, .replications = 0, .starting = true}, t0));  // 4 resumed
  CHECK_FALSE(log({.done = 5, .total = 10, .replications = 20}, t0 + seconds(5)));
  const auto due = log({.done = 6, .total = 10, .replications = 40}, t0 + seconds(20));
  REQUIRE(due);
  // 2 points run in 20 s: 0.1 points/s, 4 to go: 40 s.
  CHECK(*due == "capsim: 6/10 points, 2.0 replications/s, ETA 40 s\n");
  CHECK_FALSE(log({.done = 7, .total = 10, .replications = 60}, t0 + seconds(25)));
  CHECK(log({.done = 10, .total = 10, .replications = 120}, t0 + seconds(26)));  // the end is always shown

  ProgressLine terminal(t0, true);
  const auto drawn = terminal({.done = 1, .total = 2, .replications = 5}, t0 + seconds(1));
  REQUIRE(drawn);
  CHECK(drawn->front() == '\r');
  CHECK(drawn->back() != '\n');  // redrawn in place until the last
  CHECK(terminal({.done = 2, .total = 2, .replications = 10}, t0 + seconds(2))->back() == '\n');
}

TEST_CASE("a sweep's files: the checkpoint is given or OUTPUT.checkpoint; none for standard output") {
  const SweepFiles named = sweep_files("out.csv", "", "reps.csv", true);
  CHECK(named.checkpoint == "out.csv.checkpoint");
  CHECK(named.replication_checkpoint == "reps.csv.checkpoint");
  CHECK(named.resume);
  CHECK(sweep_files("out.csv", "my.ckpt", "", false).checkpoint == "my.ckpt");
  const SweepFiles to_stdout = sweep_files("", "", "", false);
  CHECK(to_stdout.checkpoint.empty());
  CHECK(to_stdout.replication_checkpoint.empty());
}

TEST_CASE("a finished sweep warns of undrained and failed points, and of nothing else") {
  CHECK(sweep_warnings(SweepOutcome{}).empty());
  SweepOutcome outcome;
  outcome.undrained_points = 2;
  outcome.failed_points = 1;
  const auto warnings = sweep_warnings(outcome);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].rfind("the system did not drain at 2 point(s)", 0) == 0);
  CHECK(warnings[1].rfind("1 point(s) could not run", 0) == 0);
}

TEST_CASE("a sweep request: every problem of its options at once, else a definition over the base") {
  const std::string path = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/theory/mm1.yaml";
  const auto loaded = capsim::io::load_scenario_file(path, {});
  REQUIRE(loaded.scenario);
  SweepRequest request;
  request.file = path;
  request.grids = {"pools.clerk.agents=1,2"};
  request.precision = {"kpis.no_such_kpi=±1%"};
  request.shard = "3/2";
  auto defined = define_sweep(request, *loaded.scenario);
  CHECK_FALSE(defined.definition);
  REQUIRE(defined.problems.size() == 2);  // the precision and the shard, both told
  CHECK(defined.problems[0].rfind("capsim: --precision kpis.no_such_kpi", 0) == 0);
  CHECK(defined.problems[1].rfind("capsim: --shard 3/2: expected i/N", 0) == 0);

  request.grids = {"pools.clerk.agnets=1,2"};  // a key that does not load: located
  defined = define_sweep(request, *loaded.scenario);
  REQUIRE(defined.problems.size() == 1);
  CHECK(defined.problems[0].find("agnets") != std::string::npos);

  request.grids = {"pools.clerk.agents=1,2", "customers.caller.arrivals.rate=40/h,50/h,55/h"};
  request.precision = {"kpis.wait_mean=±2s"};
  request.shard = "2/3";
  request.jsonl = true;
  defined = define_sweep(request, *loaded.scenario);
  REQUIRE(defined.problems.empty());
  REQUIRE(defined.definition);
  CHECK(defined.definition->spec.points() == 6);
  CHECK(defined.definition->precision.size() == 1);
  CHECK(defined.definition->shard.index == 1);
  CHECK(defined.definition->shard.count == 3);
  CHECK(defined.definition->seed == loaded.scenario->seed);
  CHECK(defined.definition->replications == static_cast<std::size_t>(loaded.scenario->replications));
  CHECK(defined.definition->jsonl);
}
