// Common random numbers: a what-if that cannot touch a part of the scenario leaves that
// part's KPIs bit-identical, because every random quantity is a function of what it is for
// (class name, arrival index, visit, purpose), never of event order or declaration position.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "experiment/replication_run.h"
#include "models/io/scenario_loader.h"
#include "run_helpers.h"

using namespace capsim;
using model::ScopeKind;

namespace {

model::ExperimentResult run_text(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return experiment::run_experiment(test::compile_text(yaml, overrides), 2);
}

// Every replication's value of every KPI of one scope, in layout order.
std::vector<double> scope_values(const model::ExperimentResult& result, ScopeKind scope, const std::string& name) {
  std::vector<double> values;
  for (std::size_t slot = 0; slot < result.layout.size(); ++slot) {
    const auto& s = result.layout.slots()[slot];
    if (s.scope != scope || s.scope_name != name) continue;
    for (const auto& replication : result.replications) values.push_back(replication[slot]);
  }
  REQUIRE_MESSAGE(!values.empty(), "no KPIs for " << name);
  return values;
}

bool bit_identical(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

const char* kChain = R"(
name: chain
horizon: {length: 100h, warmup: 2h}
replications: 4
seed: 11
customers:
  x: {arrivals: {rate: 50/h}, patience: {dist: exponential, mean: 2min}, entry: A}
pools:
  a: {agents: 3}
  b: {agents: 3}
  c: {agents: 3}
stages:
  A: {service: {dist: exponential, mean: 3min}, pools: [a], next: {B: 1}}
  B: {service: {dist: lognormal, mean: 3min, cv: 0.8}, pools: [b], next: {C: 0.7, exit: 0.3}}
  C: {service: {dist: gamma, mean: 3min, cv: 1.2}, pools: [c]}
)";

}  // namespace

TEST_CASE("a what-if downstream leaves the first stage of a chain bit-identical") {
  const auto base = run_text(kChain);
  const auto stage_a = scope_values(base, ScopeKind::stage, "A");
  for (const char* what_if : {"stages.C.abandonment=true", "pools.b.agents=4", "pools.c.agents=2"}) {
    INFO(what_if);
    const auto variant = run_text(kChain, {what_if});
    CHECK(bit_identical(scope_values(variant, ScopeKind::stage, "A"), stage_a));
    // The what-if did change something downstream (else the test proves nothing).
    CHECK_FALSE(bit_identical(scope_values(variant, ScopeKind::stage, "C"), scope_values(base, ScopeKind::stage, "C")));
  }
}

TEST_CASE("adding a class or a stage elsewhere leaves an independent class bit-identical") {
  const std::string two_lines = R"(
name: two lines
horizon: {start: "08:00", end: "16:00", interval: 1h}
replications: 5
seed: 3
customers:
  x: {arrivals: {rate: 40/h}, patience: {dist: exponential, mean: 3min}, entry: X}
  y: {arrivals: {rate: 30/h}, patience: {dist: weibull, mean: 4min, cv: 0.7}, entry: Y}
pools:
  px: {agents: 3}
  py: {agents: 2}
stages:
  X: {service: {dist: exponential, mean: 4min}, pools: [px]}
  Y: {service: {dist: gamma, mean: 3min, cv: 0.6}, pools: [py], next: {Y2: 0.4, exit: 0.6}}
  Y2: {service: {dist: exponential, mean: 2min}, pools: [py]}
sla:
  y_answer: {customers: [y], stage: Y, wait_within: 30s, target: 80%}
)";
  // Class w is declared before y (y's position moves), and x gains a back-office stage
  // declared before Y (every stage index after it moves).
  const std::string with_more = R"(
name: two lines and more
horizon: {start: "08:00", end: "16:00", interval: 1h}
replications: 5
seed: 3
customers:
  x: {arrivals: {rate: 40/h}, patience: {dist: exponential, mean: 3min}, entry: X}
  w: {arrivals: {rate: 25/h}, entry: W}
  y: {arrivals: {rate: 30/h}, patience: {dist: weibull, mean: 4min, cv: 0.7}, entry: Y}
pools:
  pw: {agents: 2}
  px: {agents: 3}
  py: {agents: 2}
stages:
  W: {service: {dist: lognormal, mean: 3min, cv: 1.1}, pools: [pw]}
  X: {service: {dist: exponential, mean: 4min}, pools: [px], next: {X2: 0.5, exit: 0.5}}
  X2: {service: {dist: exponential, mean: 6min}, pools: [px]}
  Y: {service: {dist: gamma, mean: 3min, cv: 0.6}, pools: [py], next: {Y2: 0.4, exit: 0.6}}
  Y2: {service: {dist: exponential, mean: 2min}, pools: [py]}
sla:
  y_answer: {customers: [y], stage: Y, wait_within: 30s, target: 80%}
)";
  const auto base = run_text(two_lines);
  const auto more = run_text(with_more);
  CHECK(bit_identical(scope_values(more, ScopeKind::customer_class, "y"),
                      scope_values(base, ScopeKind::customer_class, "y")));
  CHECK(bit_identical(scope_values(more, ScopeKind::stage, "Y2"), scope_values(base, ScopeKind::stage, "Y2")));
  CHECK(bit_identical(scope_values(more, ScopeKind::sla, "y_answer"), scope_values(base, ScopeKind::sla, "y_answer")));
  CHECK_FALSE(bit_identical(scope_values(more, ScopeKind::customer_class, "x"),
                            scope_values(base, ScopeKind::customer_class, "x")));
}

TEST_CASE("a class's arrivals do not depend on its name's neighbours, but do on its own name") {
  const std::string one = R"(
horizon: {length: 50h}
replications: 3
customers:
  alpha: {arrivals: {rate: 20/h}, entry: S}
pools:
  p: {agents: 2}
stages:
  S: {service: {dist: exponential, mean: 4min}, pools: [p]}
)";
  std::string renamed = one;
  renamed.replace(renamed.find("alpha"), 5, "gamma");
  const auto a = run_text(one), b = run_text(renamed);
  CHECK_FALSE(bit_identical(scope_values(a, ScopeKind::stage, "S"), scope_values(b, ScopeKind::stage, "S")));
  const auto again = run_text(one);
  CHECK(bit_identical(scope_values(a, ScopeKind::stage, "S"), scope_values(again, ScopeKind::stage, "S")));
}
