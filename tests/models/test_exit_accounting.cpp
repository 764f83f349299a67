// One exit path: every customer leaves through leave_system, and every SLA judges every
// customer it covers exactly once (served, abandoned, blocked, or left inside at the end).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/io/scenario_loader.h"
#include "models/service_system.h"
#include "run_helpers.h"

using namespace capsim;
using model::ClassKpi;
using model::SlaKpi;
using test::compile_text;

namespace {}  // namespace

TEST_CASE("blocked customers are misses for a sojourn SLA") {
  // M/M/2/2+2: heavy blocking; nobody abandons, and every served customer is inside 100 h,
  // so attainment is exactly served / (served + blocked) of the customers judged.
  const auto compiled = compile_text(R"(
horizon: {length: 200h, warmup: 2h}
customers:
  c: {arrivals: {rate: 40/h}, entry: s}
pools:
  p: {agents: 2}
stages:
  s: {service: {dist: exponential, mean: 5min}, pools: [p], queue: {capacity: 2}}
sla:
  closed: {sojourn_within: 100h, target: 95%}
)");
  const model::KpiLayout layout(compiled);
  for (std::uint64_t r = 0; r < 3; ++r) {
    const auto result = model::run_replication(compiled, layout, r);
    const auto& v = result.values;
    const double served = v[layout.overall(ClassKpi::served)], blocked = v[layout.overall(ClassKpi::blocked)];
    CHECK(blocked / v[layout.overall(ClassKpi::offered)] > 0.15);
    CHECK(v[layout.of_sla(0, SlaKpi::attained)] == doctest::Approx(served / (served + blocked)).epsilon(1e-12));
  }
}

TEST_CASE("customers stranded by an unstaffed last interval are misses, and the run says it did not drain") {
  const auto compiled = compile_text(R"(
horizon: {start: "08:00", end: "10:00", interval: 1h}
customers:
  c: {arrivals: {per_interval: [20, 20]}, entry: s}
pools:
  p: {staffing: [3, 0]}
stages:
  s: {service: {dist: exponential, mean: 4min}, pools: [p]}
sla:
  answer: {wait_within: 20s, target: 80%}
  closed: {sojourn_within: 1h, target: 80%}
)");
  const model::KpiLayout layout(compiled);
  for (std::uint64_t r = 0; r < 3; ++r) {
    const auto result = model::run_replication(compiled, layout, r);
    const auto& v = result.values;
    CHECK(result.undrained > 0);
    CHECK(result.arrived_total == result.served_total + result.abandoned_total + result.blocked_total +
                                      result.balked_total + result.in_system_at_end);
    const double offered = v[layout.overall(ClassKpi::offered)];
    const double answered = v[layout.overall(ClassKpi::answered)];
    CHECK(answered < offered);
    // Every offered customer is judged once: the answer SLA cannot exceed the answered share.
    CHECK(v[layout.of_sla(0, SlaKpi::attained)] <= answered / offered + 1e-12);
    CHECK(v[layout.of_sla(1, SlaKpi::attained)] <= v[layout.overall(ClassKpi::served)] / offered + 1e-12);
    // Nobody arriving in the unstaffed interval is answered: its service level is 0, not empty.
    CHECK(v[layout.of_interval_sla(1, 0)] == 0.0);
    CHECK(v[layout.of_interval_sla(1, 1)] == 0.0);
  }
}

TEST_CASE("at the entry stage, a wait SLA and ASA judge the same visit: the first, not the rework loops") {
  // Threshold 0: a hit is a first visit answered at once, so attainment = 1 - P(wait) exactly
  // when only first visits are judged; rework visits (30% loop back) would change it.
  const auto compiled = compile_text(R"(
horizon: {length: 100h, warmup: 1h}
customers:
  c: {arrivals: {rate: 30/h}, patience: {dist: exponential, mean: 3min}, entry: s}
pools:
  p: {agents: 2}
stages:
  s: {service: {dist: exponential, mean: 3min}, pools: [p], next: {s: 0.3, exit: 0.7}}
sla:
  instant: {wait_within: 0s, target: 50%}
)");
  const model::KpiLayout layout(compiled);
  for (std::uint64_t r = 0; r < 3; ++r) {
    const auto& v = model::run_replication(compiled, layout, r).values;
    CHECK(v[layout.overall(ClassKpi::p_wait)] > 0.2);
    CHECK(v[layout.of_sla(0, SlaKpi::attained)] ==
          doctest::Approx(1.0 - v[layout.overall(ClassKpi::p_wait)]).epsilon(1e-12));
  }
}

TEST_CASE("customers still waiting at the end of a length horizon are judged only once past the threshold") {
  // One agent, no abandonment, overloaded: many are waiting at the end. A threshold longer
  // than the whole horizon can never be missed by a waiting customer, so attainment is 1.
  const auto compiled = compile_text(R"(
horizon: {length: 10h}
customers:
  c: {arrivals: {rate: 30/h}, entry: s}
pools:
  p: {agents: 1}
stages:
  s: {service: {dist: exponential, mean: 4min}, pools: [p]}
sla:
  eventually: {wait_within: 11h, target: 99%}
  quick: {wait_within: 1min, target: 50%}
)");
  const model::KpiLayout layout(compiled);
  const auto result = model::run_replication(compiled, layout, 0);
  CHECK(result.in_system_at_end > 20);
  CHECK(result.undrained == 0);  // a length horizon stops; it does not drain
  CHECK(result.values[layout.of_sla(0, SlaKpi::attained)] == 1.0);
  CHECK(result.values[layout.of_sla(1, SlaKpi::attained)] < 0.2);
}

TEST_CASE("after a staffing increase, waiting customers go to their stage's preferred pool first") {
  // Five customers wait through an unstaffed first hour; at 09:00 pool b (preferred, one
  // agent) and pool a (five agents) open. The first in line goes to b, the rest to a; b's
  // agent then finds nobody waiting. Deterministic: b is busy 10 of its 60 minutes.
  const auto compiled = compile_text(R"(
horizon: {start: "08:00", end: "10:00", interval: 1h}
customers:
  c: {arrivals: {per_interval: [5, 0]}, entry: s}
pools:
  a: {staffing: [0, 5]}
  b: {staffing: [0, 1]}
stages:
  s: {service: {dist: deterministic, value: 10min}, pools: [b, a]}
)");
  const model::KpiLayout layout(compiled);
  int checked = 0;
  for (std::uint64_t r = 0; r < 8; ++r) {
    const auto result = model::run_replication(compiled, layout, r);
    // With 2 to 6 waiting, b takes one and a the rest at once (beyond 6, b takes a second).
    const double offered = result.values[layout.overall(ClassKpi::offered)];
    if (offered < 2 || offered > 6) continue;
    ++checked;
    CHECK(result.values[layout.of_pool(1, model::PoolKpi::utilization)] == doctest::Approx(1.0 / 6.0));
  }
  CHECK(checked > 0);
}

TEST_CASE("per-interval agent statistics cover only the statistics window") {
  const auto compiled = compile_text(R"(
horizon: {length: 4h, interval: 1h, warmup: 90min}
customers:
  c: {arrivals: {rate: 20/h}, entry: s}
pools:
  p: {agents: 3}
stages:
  s: {service: {dist: exponential, mean: 5min}, pools: [p]}
)");
  const model::KpiLayout layout(compiled);
  const auto& v = model::run_replication(compiled, layout, 0).values;
  using model::IntervalKpi;
  CHECK(std::isnan(v[layout.of_interval(0, IntervalKpi::staffed)]));  // wholly inside the warm-up
  CHECK(std::isnan(v[layout.of_interval(0, IntervalKpi::utilization)]));
  CHECK(v[layout.of_interval(1, IntervalKpi::staffed)] == doctest::Approx(3.0));
  CHECK(v[layout.of_interval(3, IntervalKpi::staffed)] == doctest::Approx(3.0));
}
