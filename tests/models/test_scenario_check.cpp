#include <doctest/doctest.h>

#include "models/compiled_model.h"
#include "models/scenario_check.h"

using namespace capsim::model;

namespace {

Scenario minimal() {
  Scenario s;
  s.horizon.length_seconds = 3600;
  s.horizon.interval_seconds = 3600;
  CustomerClass c;
  c.name = "c";
  c.arrivals.rate_per_second = 0.01;
  c.entry = "a";
  s.customers.push_back(c);
  Pool pool;
  pool.name = "p";
  pool.staffing = {1};
  s.pools.push_back(pool);
  Stage a;
  a.name = "a";
  a.service = capsim::sim::Distribution::exponential(60);
  a.pools = {"p"};
  s.stages.push_back(a);
  return s;
}

bool has_problem(const std::vector<Problem>& problems, const std::string& path, const std::string& fragment) {
  for (const auto& p : problems)
    if (p.path == path && p.message.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a minimal scenario passes and compiles") {
  CHECK(check_scenario(minimal()).empty());
  const auto model = compile(minimal());
  CHECK(model.stages[0].targets == std::vector<std::int32_t>{kExitIndex});
}

TEST_CASE("the routing graph finds unreachable stages and stages that never reach the exit") {
  auto s = minimal();
  Stage orphan = s.stages[0];
  orphan.name = "orphan";
  s.stages.push_back(orphan);
  CHECK(has_problem(check_scenario(s), "stages.orphan", "not reachable"));

  auto loop = minimal();
  Stage b = loop.stages[0];
  b.name = "b";
  b.next = {{"a", 1.0}};
  loop.stages[0].next = {{"b", 1.0}};
  loop.stages.push_back(b);
  CHECK(has_problem(check_scenario(loop), "stages.a.next", "never leave"));
  CHECK(has_problem(check_scenario(loop), "stages.b.next", "never leave"));
}

TEST_CASE("names must resolve and probabilities sum to one") {
  auto s = minimal();
  s.stages[0].next = {{"exit", 0.5}, {"nowhere", 0.4}};
  s.stages[0].pools.push_back("ghost");
  s.customers[0].entry = "missing";
  const auto problems = check_scenario(s);
  CHECK(has_problem(problems, "stages.a.next", "sum to 0.9"));
  CHECK(has_problem(problems, "stages.a.next.nowhere", "unknown stage"));
  CHECK(has_problem(problems, "stages.a.pools", "unknown pool \"ghost\""));
  CHECK(has_problem(problems, "customers.c.entry", "unknown stage \"missing\""));
  CHECK_THROWS_AS(compile(s), std::invalid_argument);
}
