// The closed-form side of staffing and the judgement of a target on replications.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/kpi_layout.h"
#include "models/queueing_theory.h"
#include "models/service_system.h"
#include "models/staffing.h"
#include "run_helpers.h"
#include "sim/summary.h"

namespace capsim::model {
namespace {

TEST_CASE("visit ratios count rework loops: a stage that sends 10% back is visited 1/0.9 times") {
  const auto model = test::compile_text(R"(
horizon: {length: 10h}
customers:
  c: {arrivals: {rate: 10/h}, entry: front}
pools:
  p: {agents: 5}
stages:
  front: {service: {dist: exponential, mean: 1min}, pools: [p], next: {back: 0.5, exit: 0.5}}
  back: {service: {dist: exponential, mean: 1min}, pools: [p], next: {back: 0.1, exit: 0.9}}
)");
  const std::vector<double> visits = visit_ratios(model, 0);
  CHECK(visits[0] == doctest::Approx(1.0));
  CHECK(visits[1] == doctest::Approx(0.5 / 0.9).epsilon(1e-9));
}

TEST_CASE("gross-up divides by the share present and rounds up, exact quotients staying put") {
  CHECK(gross_up(10, 0.5, 0.0) == 20);
  CHECK(gross_up(10, 0.0, 0.0) == 10);
  CHECK(gross_up(19, 0.06, 0.05) == 22);  // 19 / 0.893 = 21.28
  CHECK(gross_up(0, 0.5, 0.5) == 0);
}

TEST_CASE("the seed of a stationary M/M/c is Erlang C's answer, and Erlang A's with patience") {
  const auto c = model::compile(test::load_scenario("scenarios/theory/mmc.yaml"));
  const auto seeds = staffing_seeds(c, 1000);
  REQUIRE(seeds.size() == 1);
  REQUIRE(seeds[0].size() == 1);
  CHECK(seeds[0][0].load.erlangs() == doctest::Approx(18.0));
  REQUIRE(seeds[0][0].erlang_c.has_value());
  CHECK(*seeds[0][0].erlang_c == *agents_for_service_level(18.0 / 60, 1.0 / 60, 20.0, 0.8, 0.0));
  CHECK_FALSE(seeds[0][0].erlang_a.has_value());
  CHECK(seeds[0][0].seed == *seeds[0][0].erlang_c);

  const auto a = model::compile(test::load_scenario("scenarios/theory/mmc_patience.yaml"));
  const auto with_patience = staffing_seeds(a, 1000);
  REQUIRE(with_patience[0][0].erlang_a.has_value());
  CHECK(*with_patience[0][0].erlang_a == *agents_for_service_level(18.0 / 60, 1.0 / 60, 20.0, 0.8, 1.0 / 120));
  CHECK(with_patience[0][0].seed == *with_patience[0][0].erlang_a);
  CHECK(*with_patience[0][0].erlang_a < *with_patience[0][0].erlang_c);  // abandonment relieves the queue
}

TEST_CASE("the seed is grossed up for absenteeism and shrinkage, and an interval without contacts gets none") {
  const auto model = test::compile_text(R"(
horizon: {start: "08:00", end: "10:00", interval: 1h}
customers:
  c: {arrivals: {per_interval: [180, 0]}, entry: s}
pools:
  p: {agents: 30, absenteeism: 10%, shrinkage: 10%}
stages:
  s: {service: {dist: exponential, mean: 6min}, pools: [p]}
sla:
  fast: {wait_within: 20s, target: 80%}
)");
  const auto seeds = staffing_seeds(model, 1000);
  const int net = *agents_for_service_level(180.0 / 3600, 1.0 / 360, 20.0, 0.8, 0.0);
  CHECK(seeds[0][0].seed == gross_up(net, 0.1, 0.1));
  CHECK(seeds[0][0].seed > net);
  CHECK(seeds[0][1].seed == 0);
  CHECK(seeds[0][1].load.erlangs() == 0.0);
}

TEST_CASE("a proportion's interval is the wider of the ratio estimator's and the exact binomial one") {
  // Days with no spread: the ratio interval is a point; the exact one is not.
  const std::vector<double> hits{9, 9, 9}, trials{10, 10, 10};
  const Judgement j = judge_target(hits, trials, {true, 0.5, true}, 0.95);
  const sim::ProportionInterval exact = sim::clopper_pearson(27, 30, 0.95);
  CHECK(j.value == doctest::Approx(0.9));
  CHECK(j.low == doctest::Approx(exact.low));
  CHECK(j.high == doctest::Approx(exact.high));
  CHECK(j.judged);
  CHECK(j.met);  // 0.735 >= 0.5

  // Days that differ: the ratio estimator's interval is the wider.
  const std::vector<double> spread_hits{400, 600, 400, 600}, spread_trials{1000, 1000, 1000, 1000};
  const Judgement s = judge_target(spread_hits, spread_trials, {true, 0.4, true}, 0.95);
  const double half = sim::student_t_critical(0.95, 3) * std::sqrt(4 * 100.0 * 100.0 / 3.0 / 4.0) / 1000.0;
  CHECK(s.value == doctest::Approx(0.5));
  CHECK(s.low == doctest::Approx(0.5 - half));
  CHECK_FALSE(s.met);  // 0.5 - 0.18 < 0.4
}

TEST_CASE("too few trials to show a target met are not judged, never passed") {
  const std::vector<double> hits{2, 2}, trials{2, 2};  // 4 of 4: the exact lower end is 0.40
  const Judgement j = judge_target(hits, trials, {true, 0.8, true}, 0.95);
  CHECK_FALSE(j.judged);
  CHECK_FALSE(j.met);
  const std::vector<double> one_day_hits{1000}, one_day_trials{1000};  // one replication: no spread known
  CHECK_FALSE(judge_target(one_day_hits, one_day_trials, {true, 0.8, true}, 0.95).judged);
  const std::vector<double> none{0, 0};
  const Judgement empty = judge_target(none, none, {true, 0.8, true}, 0.95);
  CHECK_FALSE(empty.judged);
  CHECK(empty.trials == 0.0);
}

}  // namespace
}  // namespace capsim::model

namespace capsim::model {
namespace {

TEST_CASE("an at-most target is met by the upper end; a mean has no binomial floor") {
  // Abandonment 30 of 1000 a day, spread over days: at most 5% is shown, at most 3% is not.
  const std::vector<double> abandoned{25, 35, 28, 32}, offered{1000, 1000, 1000, 1000};
  const Judgement five = judge_target(abandoned, offered, {false, 0.05, true}, 0.95);
  CHECK(five.value == doctest::Approx(0.03));
  CHECK(five.judged);
  CHECK(five.met);
  CHECK_FALSE(judge_target(abandoned, offered, {false, 0.03, true}, 0.95).met);
  // A proportion at most 0.1% cannot be shown with 4000 trials even with no event at all.
  const std::vector<double> zero{0, 0, 0, 0};
  CHECK_FALSE(judge_target(zero, offered, {false, 0.0005, true}, 0.95).judged);
  // ASA: seconds of wait over answered customers; judged by the ratio interval alone.
  const std::vector<double> waited{20000, 22000, 18000, 20000}, answered{1000, 1000, 1000, 1000};
  const Judgement asa = judge_target(waited, answered, {false, 30.0, false}, 0.95);
  CHECK(asa.value == doctest::Approx(20.0));
  CHECK(asa.high > 20.0);
  CHECK(asa.high < 30.0);
  CHECK(asa.met);
}

}  // namespace
}  // namespace capsim::model

namespace capsim::model {
namespace {

TEST_CASE("a replication stopped early has the full run's verdicts on every customer decided by then") {
  const auto model = model::compile(test::load_scenario("scenarios/contact_center_day.yaml"));
  const KpiLayout layout(model);
  const std::size_t sla = 0;  // answer_20s: 20 s, judged on arrival at the phone, the callers' entry
  REQUIRE(model.slas[sla].name == "answer_20s");
  const sim::Time stop = sim::kStart + model.interval_ticks * 6 + model.slas[sla].threshold;
  for (const std::uint64_t replication : {0u, 7u}) {
    const ReplicationResult full = run_replication(model, layout, replication);
    const ReplicationResult stopped = run_replication(model, layout, replication, HandlerCopy::leanest, stop);
    for (std::size_t i = 0; i < 6; ++i) {
      const std::size_t slot = layout.of_interval_sla(i, sla);
      CHECK(stopped.numerators[slot] == full.numerators[slot]);
      CHECK(stopped.denominators[slot] == full.denominators[slot]);
    }
    // Later intervals are not decided: the stopped run has not seen their customers.
    CHECK(stopped.denominators[layout.of_interval_sla(8, sla)] < full.denominators[layout.of_interval_sla(8, sla)]);
    CHECK(stopped.events < full.events);
  }
}

}  // namespace
}  // namespace capsim::model
