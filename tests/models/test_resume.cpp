// A paused replication resumed under another staffing (ServiceSystem's resuming
// constructor) gives bit for bit what a fresh replication of that staffing gives: the
// staffing search relies on it to try a change at an interval without replaying the day
// before it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "models/kpi_layout.h"
#include "models/service_system.h"
#include "run_helpers.h"

using namespace capsim;

namespace {

sim::Time interval_start(const model::CompiledModel& model, int interval) {
  return sim::kStart + model.interval_ticks * interval;
}

// The default day with every pool on shorthand staffing (as the staffing search has it):
// each pool's largest staffing in interval 0, so changes elsewhere keep its agent records.
model::Scenario staffed_day() {
  model::Scenario scenario = test::load_scenario("scenarios/contact_center_day.yaml");
  const std::vector<int> level{58, 9, 12, 4};
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) {
    model::Pool& pool = scenario.pools[p];
    pool.shifts.clear();
    pool.templates.clear();
    pool.roster_given = true;
    pool.staffing.assign(28, level[p % level.size()]);
    pool.staffing[0] += 3;
  }
  return scenario;
}

}  // namespace

TEST_CASE("a replication paused at an interval and resumed under another staffing equals a fresh run of it") {
  const model::Scenario base_scenario = staffed_day();
  const model::CompiledModel base = model::compile(base_scenario);
  const model::KpiLayout layout(base);
  for (const int interval : {1, 7, 16, 27}) {
    model::Scenario changed = base_scenario;
    changed.pools[0].staffing[static_cast<std::size_t>(interval)] -= 2;                             // tier1 short here
    if (interval + 2 < 28) changed.pools[1].staffing[static_cast<std::size_t>(interval) + 2] += 1;  // chat later
    const model::CompiledModel candidate = model::compile(changed);
    REQUIRE(model::ServiceSystem::resumable(base, candidate));
    for (std::uint64_t replication = 0; replication < 3; ++replication) {
      CAPTURE(interval);
      CAPTURE(replication);
      model::ServiceSystem paused(base, layout, replication);
      paused.run_before(interval_start(base, interval));
      model::ServiceSystem resumed(paused, candidate, layout);
      const model::ReplicationResult fresh = model::run_replication(candidate, layout, replication);
      test::check_bit_identical(resumed.run(), fresh);
      // The paused one is untouched by its copy: it goes on as the base.
      test::check_bit_identical(paused.run(), model::run_replication(base, layout, replication));
      // The change shows: tier1 short at one interval moves the day's KPIs.
      CHECK_FALSE(test::same_bits(fresh.values, model::run_replication(base, layout, replication).values));
    }
  }
}

TEST_CASE("a resumed copy can be paused and resumed again, and a stopped run of it equals a fresh stopped run") {
  const model::Scenario base_scenario = staffed_day();
  const model::CompiledModel base = model::compile(base_scenario);
  const model::KpiLayout layout(base);
  model::Scenario first = base_scenario;
  first.pools[0].staffing[5] -= 3;
  model::Scenario second = first;
  second.pools[0].staffing[12] -= 3;
  const model::CompiledModel a = model::compile(first), b = model::compile(second);
  model::ServiceSystem paused(base, layout, 4);
  paused.run_before(interval_start(base, 5));
  model::ServiceSystem on_a(paused, a, layout);
  on_a.run_before(interval_start(a, 12));
  model::ServiceSystem on_b(on_a, b, layout);
  const sim::Time stop = interval_start(b, 14);
  test::check_bit_identical(on_b.run(stop), model::run_replication(b, layout, 4, model::HandlerCopy::leanest, stop));
}

TEST_CASE("a lean model resumes in its lean copy") {
  // M/M/c on shorthand staffing that never drops: the lean copy (counted agents).
  const char* yaml = R"(
name: lean
horizon: {length: 8h, interval: 1h}
replications: 2
seed: 5
customers:
  caller: {arrivals: {rate: 15/min}, entry: agent}
pools:
  agents: {staffing: [14, 15, 15, 16, 16, 16, 17, 18]}
stages:
  agent: {service: {dist: exponential, mean: 1min}, pools: [agents]}
sla:
  answer_20s: {wait_within: 20s, target: 80%}
)";
  const model::CompiledModel base = test::compile_text(yaml);
  const model::CompiledModel candidate =
      test::compile_text(yaml, {"pools.agents.staffing=[14, 15, 16, 16, 16, 16, 17, 18]"});
  REQUIRE(model::features_of(base) == model::kNoFeature);
  REQUIRE(model::ServiceSystem::resumable(base, candidate));
  const model::KpiLayout layout(base);
  model::ServiceSystem paused(base, layout, 1);
  REQUIRE(paused.lean());
  paused.run_before(interval_start(base, 2));
  model::ServiceSystem resumed(paused, candidate, layout);
  CHECK(resumed.lean());
  test::check_bit_identical(resumed.run(), model::run_replication(candidate, layout, 1));
}

TEST_CASE("a staffing that changes a pool's agent records or the copy of the handlers is not resumable") {
  const model::Scenario base_scenario = staffed_day();
  const model::CompiledModel base = model::compile(base_scenario);
  model::Scenario more = base_scenario;
  more.pools[0].staffing[3] = more.pools[0].staffing[0] + 1;  // a new largest staffing: more records
  CHECK_FALSE(model::ServiceSystem::resumable(base, model::compile(more)));
  model::Scenario fewer = base_scenario;
  fewer.pools[0].staffing[0] -= 3;  // the largest staffing goes: fewer records
  CHECK_FALSE(model::ServiceSystem::resumable(base, model::compile(fewer)));
  model::Scenario same_records = base_scenario;
  same_records.pools[0].staffing[3] -= 5;
  CHECK(model::ServiceSystem::resumable(base, model::compile(same_records)));
}
