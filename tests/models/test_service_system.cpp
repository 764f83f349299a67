// Behaviour of the service model beyond closed forms: conservation, determinism across
// thread counts, common random numbers, time-varying arrivals and staffing, warm-up.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "models/io/scenario_loader.h"
#include "models/queueing_theory.h"
#include "models/service_system.h"
#include "run_helpers.h"

using namespace capsim;
using model::ScopeKind;
using test::compile_text;

namespace {

bool bit_identical(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t r = 0; r < a.size(); ++r)
    if (a[r].size() != b[r].size() || std::memcmp(a[r].data(), b[r].data(), a[r].size() * sizeof(double)) != 0)
      return false;
  return true;
}

const char* kDropScenario = R"(
name: staffing drop
horizon: {start: "09:00", end: "12:00", interval: 1h}
replications: 8
seed: 5
customers:
  caller: {arrivals: {per_interval: [300, 60, 0]}, patience: {dist: exponential, mean: 5min}, entry: desk}
pools:
  team: {staffing: [10, 2, 2], cost: 30/h}
stages:
  desk: {service: {dist: exponential, mean: 10min}, pools: [team]}
)";

}  // namespace

TEST_CASE("customers are conserved and no service starts beyond staffing") {
  for (const char* file : {"scenarios/contact_center_day.yaml", "scenarios/retail_support.yaml"}) {
    INFO(file);
    const auto compiled = model::compile(test::load_scenario(file));
    const model::KpiLayout layout(compiled);
    for (std::uint64_t r = 0; r < 3; ++r) {
      const auto result = model::run_replication(compiled, layout, r);
      CHECK(result.arrived_total == result.served_total + result.abandoned_total + result.blocked_total +
                                        result.balked_total + result.in_system_at_end);
      CHECK(result.in_system_at_end == 0);  // clock windows drain
      CHECK(result.starts_beyond_staffing == 0);
      const auto& v = result.values;
      CHECK(v[layout.overall(model::ClassKpi::unfinished)] == 0);
      CHECK(v[layout.overall(model::ClassKpi::offered)] == v[layout.overall(model::ClassKpi::served)] +
                                                               v[layout.overall(model::ClassKpi::abandoned)] +
                                                               v[layout.overall(model::ClassKpi::blocked)]);
      for (std::size_t p = 0; p < compiled.pools.size(); ++p) {
        const double u = v[layout.of_pool(p, model::PoolKpi::utilization)];
        CHECK(u >= 0.0);
        CHECK(u <= 1.0);
      }
    }
  }
}

TEST_CASE("same seed gives bit-identical results for 1 and 3 threads") {
  auto scenario = test::load_scenario("scenarios/contact_center_day.yaml", {"replications=6"});
  const auto compiled = model::compile(scenario);
  const auto one = experiment::run_experiment(compiled, 1);
  const auto three = experiment::run_experiment(compiled, 3);
  CHECK(bit_identical(one.replications, three.replications));
  CHECK(one.events == three.events);
  const auto again = experiment::run_experiment(compiled, 2);
  CHECK(bit_identical(one.replications, again.replications));
}

TEST_CASE("a different seed gives different results") {
  const auto a = experiment::run_experiment(
      model::compile(test::load_scenario("scenarios/retail_support.yaml", {"replications=2"})), 1);
  const auto b = experiment::run_experiment(
      model::compile(test::load_scenario("scenarios/retail_support.yaml", {"replications=2", "seed=8"})), 1);
  CHECK_FALSE(bit_identical(a.replications, b.replications));
}

TEST_CASE("common random numbers: a staffing variant sees the same arrivals") {
  const auto base = test::run_scenario("scenarios/retail_support.yaml", {"replications=4"});
  const auto more = test::run_scenario("scenarios/retail_support.yaml", {"replications=4", "pools.tier2.agents=7"});
  for (std::size_t r = 0; r < 4; ++r) {
    for (const char* klass : {"voice", "vip"}) {
      const auto slot = base.result.layout.find(ScopeKind::customer_class, klass, "offered");
      CHECK(base.result.replications[r][slot] == more.result.replications[r][slot]);
    }
  }
  // More agents never hurt here: abandonment falls in every replication (CRN makes the
  // paired difference sharp).
  const auto aband = base.result.layout.find(ScopeKind::overall, "overall", "abandon_rate");
  for (std::size_t r = 0; r < 4; ++r) CHECK(more.result.replications[r][aband] < base.result.replications[r][aband]);
}

TEST_CASE("per-interval arrivals are a piecewise-constant Poisson process") {
  const auto compiled = compile_text(R"(
horizon: {start: "00:00", end: "02:00", interval: 30min}
replications: 200
customers:
  c: {arrivals: {per_interval: [10, 100, 0, 50]}, entry: s}
pools: {p: {agents: 50}}
stages: {s: {service: {dist: exponential, mean: 1s}, pools: [p]}}
)");
  const auto result = experiment::run_experiment(compiled, 2);
  const double expected[] = {10, 100, 0, 50};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& s = result.summaries[result.layout.of_interval(i, model::IntervalKpi::offered)];
    INFO("interval " << i << " mean " << s.mean);
    if (expected[i] == 0) {
      CHECK(s.max == 0);
      continue;
    }
    // Poisson: mean = variance = expected count. 4.5 standard errors.
    CHECK(std::abs(s.mean - expected[i]) < 4.5 * std::sqrt(expected[i] / 200));
    CHECK(s.sd * s.sd == doctest::Approx(expected[i]).epsilon(0.25));
  }
}

TEST_CASE("when staffing drops, busy agents finish their customer and then leave") {
  const auto compiled = compile_text(kDropScenario);
  const model::KpiLayout layout(compiled);
  for (std::uint64_t r = 0; r < 4; ++r) {
    const auto result = model::run_replication(compiled, layout, r);
    CHECK(result.starts_beyond_staffing == 0);
    const double staffed_first = result.values[layout.of_interval(0, model::IntervalKpi::staffed)];
    const double staffed_second = result.values[layout.of_interval(1, model::IntervalKpi::staffed)];
    CHECK(staffed_first == doctest::Approx(10.0));
    // Agents present in the second hour: at least the 2 scheduled, more while the leaving
    // agents finish, and never all 10 for the whole hour.
    CHECK(staffed_second > 2.0);
    CHECK(staffed_second < 10.0);
  }
}

TEST_CASE("customers arriving during warm-up are not counted") {
  const auto run =
      test::run_scenario("scenarios/theory/mm1.yaml", {"horizon.length=100h", "horizon.warmup=50h", "replications=20"});
  // 48/h over the 50 counted hours.
  const auto& offered = run.overall("offered");
  CHECK(std::abs(offered.mean - 2400) < 4.5 * std::sqrt(2400.0 / 20));
}

TEST_CASE("Little's law holds for the time-average queue and the mean wait") {
  const auto run = test::run_scenario("scenarios/theory/mg1_gamma.yaml",
                                      {"horizon.length=300h", "horizon.warmup=10h", "replications=6"});
  const double window_seconds = 290 * 3600.0;
  for (std::size_t r = 0; r < 6; ++r) {
    const auto& values = run.result.replications[r];
    const auto& layout = run.result.layout;
    const double lambda = values[layout.overall(model::ClassKpi::offered)] / window_seconds;
    const double wait = values[layout.overall(model::ClassKpi::wait_mean)];
    const double queue = values[layout.overall(model::ClassKpi::queue_len_mean)];
    // Exact up to customers straddling the window's edges: a few percent at this length.
    CHECK(queue == doctest::Approx(lambda * wait).epsilon(0.05));
  }
}

TEST_CASE("a stage with abandonment off never loses a waiting customer") {
  const auto compiled = compile_text(R"(
horizon: {length: 50h}
replications: 3
customers:
  c: {arrivals: {rate: 70/h}, patience: {dist: exponential, mean: 30s}, entry: front}
pools: {a: {agents: 2}, b: {agents: 1}}
stages:
  front: {service: {dist: exponential, mean: 1min}, pools: [a], next: {back: 1}}
  back: {service: {dist: exponential, mean: 50s}, pools: [b], abandonment: false}
)");
  const auto result = experiment::run_experiment(compiled, 1);
  CHECK(result.summaries[result.layout.find(ScopeKind::stage, "front", "abandoned")].mean > 0);
  CHECK(result.summaries[result.layout.find(ScopeKind::stage, "back", "abandoned")].max == 0);
}

TEST_CASE("a pool serving two stages takes the most urgent, then the longest waiting") {
  // vip (priority 1) waits in its own stage; both stages share one agent. Under heavy load
  // vip waits far less than standard.
  const auto compiled = compile_text(R"(
horizon: {length: 200h, warmup: 5h}
replications: 4
customers:
  standard: {arrivals: {rate: 30/h}, entry: general}
  vip: {arrivals: {rate: 20/h}, priority: 1, entry: priority_line}
pools: {agent: {agents: 1}}
stages:
  general: {service: {dist: exponential, mean: 1min}, pools: [agent]}
  priority_line: {service: {dist: exponential, mean: 1min}, pools: [agent]}
)");
  const auto result = experiment::run_experiment(compiled, 2);
  const double vip = result.summaries[result.layout.find(ScopeKind::customer_class, "vip", "wait_mean")].mean;
  const double standard = result.summaries[result.layout.find(ScopeKind::customer_class, "standard", "wait_mean")].mean;
  // Same as the Cobham case with classes in separate stages.
  const auto waits = model::priority_mg1_mean_waits({20.0 / 3600, 30.0 / 3600}, {60, 60}, {3600, 3600});
  CHECK(vip == doctest::Approx(waits[0]).epsilon(0.15));
  CHECK(standard == doctest::Approx(waits[1]).epsilon(0.15));
}

TEST_CASE("the same-tick rank table orders boundaries, service ends, abandonments, then arrivals") {
  using model::EventKind;
  const auto rank = [](EventKind k) { return model::kRank[static_cast<std::size_t>(k)]; };
  CHECK(rank(EventKind::interval_boundary) < rank(EventKind::warmup_end));
  CHECK(rank(EventKind::warmup_end) < rank(EventKind::service_end));
  CHECK(rank(EventKind::service_end) < rank(EventKind::abandon));
  CHECK(rank(EventKind::abandon) < rank(EventKind::arrival));
}

TEST_CASE("a freed agent sees only the first in line at each stage: a FIFO stage stays FIFO across priorities") {
  // Stage `line` is FIFO with an urgent and a routine class; stage `other` shares the agent.
  // The agent compares the heads of the two lines only: an urgent customer overtakes
  // nobody in its own line and gains only once it is first in line (where it beats the
  // other stage's head). So it waits a little less than the routine class, not the far
  // shorter wait a rule looking past the head would give it.
  const auto compiled = compile_text(R"(
horizon: {length: 300h, warmup: 5h}
replications: 4
customers:
  urgent: {arrivals: {rate: 15/h}, priority: 1, entry: line}
  routine: {arrivals: {rate: 15/h}, entry: line}
  elsewhere: {arrivals: {rate: 15/h}, entry: other}
pools: {agent: {agents: 1}}
stages:
  line: {service: {dist: exponential, mean: 1min}, pools: [agent], queue: {discipline: fifo}}
  other: {service: {dist: exponential, mean: 1min}, pools: [agent]}
)");
  const auto result = experiment::run_experiment(compiled, 2);
  const auto wait = [&](const char* klass) {
    return result.summaries[result.layout.find(ScopeKind::customer_class, klass, "wait_mean")].mean;
  };
  CHECK(wait("urgent") < wait("routine"));
  CHECK(wait("urgent") > 0.75 * wait("routine"));
}

TEST_CASE("a range of replications is exactly those replications of a full run") {
  const auto compiled = model::compile(test::load_scenario("scenarios/retail_support.yaml", {"replications=8"}));
  const auto full = experiment::run_experiment(compiled, 2);
  const auto shard = experiment::run_experiment(compiled, 3, 5, 8);
  CHECK(shard.first_replication == 5);
  REQUIRE(shard.replications.size() == 3);
  for (std::size_t r = 0; r < 3; ++r) CHECK(bit_identical({shard.replications[r]}, {full.replications[5 + r]}));
}
