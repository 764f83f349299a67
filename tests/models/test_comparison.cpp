// Paired comparisons under common random numbers: identical variants differ by exactly
// zero; a staffing change is measured with a much narrower interval than with independent
// streams; Welch's interval for independent runs covers the true difference.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "models/comparison.h"
#include "run_helpers.h"

using namespace capsim;
using model::ScopeKind;

namespace {

model::ExperimentResult run(const std::vector<std::string>& overrides, unsigned threads = 2) {
  return experiment::run_experiment(model::compile(test::load_scenario("scenarios/contact_center_day.yaml", overrides)),
                                    threads);
}

const sim::Difference& find(const model::ExperimentResult& base, const std::vector<model::KpiComparison>& kpis,
                            ScopeKind scope, const std::string& name, const std::string& kpi) {
  const std::size_t slot = base.layout.find(scope, name, kpi);
  for (const auto& k : kpis)
    if (k.base_slot == slot) return k.difference;
  FAIL("no comparison for " << name << "." << kpi);
  return kpis.front().difference;
}

}  // namespace

TEST_CASE("two identical variants differ by exactly zero in every KPI") {
  const auto a = run({"replications=6"}, 1);
  const auto b = run({"replications=6"}, 2);  // thread count changes nothing
  const auto kpis = model::compare(a, b, true);
  REQUIRE(kpis.size() == a.layout.size());
  for (const auto& k : kpis) {
    INFO(a.layout.slots()[k.base_slot].scope_name << "." << a.layout.slots()[k.base_slot].kpi);
    if (k.difference.n == 0) continue;  // undefined in every replication (e.g. nobody blocked)
    CHECK(k.difference.mean == 0.0);
    CHECK(k.difference.ci_low == 0.0);
    CHECK(k.difference.ci_high == 0.0);
    CHECK_FALSE(k.difference.significant);
  }
}

TEST_CASE("common random numbers: a staffing change's paired interval is far narrower than with independent streams") {
  const std::vector<std::string> more{"replications=20", "pools.tier1.shifts.3.agents=18"};
  const auto base = run({"replications=20"});
  const auto variant = run(more);
  auto other_seed = more;
  other_seed.push_back("seed=77");
  const auto independent = run(other_seed);
  const auto paired = model::compare(base, variant, true);
  const auto welch = model::compare(base, independent, false);
  using Case = std::tuple<ScopeKind, std::string, std::string>;
  for (const Case& c : std::vector<Case>{{ScopeKind::sla, "answer_20s", "attained"},
                                         {ScopeKind::overall, "overall", "abandon_rate"},
                                         {ScopeKind::customer_class, "service", "wait_mean"}}) {
    const auto& [scope, name, kpi] = c;
    INFO(std::get<1>(c) << "." << std::get<2>(c));  // clang 14 captures no structured binding
    const auto& p = find(base, paired, scope, name, kpi);
    const auto& w = find(base, welch, scope, name, kpi);
    const double paired_half = (p.ci_high - p.ci_low) / 2, welch_half = (w.ci_high - w.ci_low) / 2;
    MESSAGE(name << "." << kpi << ": paired half-width " << paired_half << ", independent " << welch_half << " ("
                 << welch_half / paired_half << "x)");
    CHECK(paired_half * 3 < welch_half);
    CHECK(p.significant);  // 4 more evening agents: detected with pairing
    // Both estimate the same difference: they differ by the variant's mean under seed 77
    // minus under the base seed, whose sd is about welch_half / t(0.975, 19); 99.9% of such
    // gaps lie within t(0.9995, 19) / t(0.975, 19) = 1.86 welch_half.
    CHECK(std::abs(w.mean - p.mean) <= 1.86 * welch_half);
  }
}

TEST_CASE("paired and Welch differences on known data") {
  const std::vector<double> base{1, 2, 3, 4}, variant{2, 3, 4, 6};
  const auto p = sim::paired_difference(base, variant);
  CHECK(p.n == 4);
  CHECK(p.mean == doctest::Approx(1.25));
  CHECK(p.sd == doctest::Approx(0.5));
  CHECK(p.ci_low == doctest::Approx(1.25 - 3.182446305 * 0.25).epsilon(1e-8));
  CHECK(p.relative == doctest::Approx(1.25 / 2.5));
  CHECK(p.significant);
  const auto w = sim::welch_difference(base, variant);
  CHECK_FALSE(w.paired);
  CHECK(w.mean == doctest::Approx(1.25));
  // var 1.6667 and 2.9167 over 4 each: se = sqrt(1.1458); Welch dof = 5.64 -> 5.
  CHECK(w.ci_high - w.mean == doctest::Approx(2.570581836 * std::sqrt(1.1458333333)).epsilon(1e-6));
  CHECK_FALSE(w.significant);
  const std::vector<double> with_nan{1, std::nan(""), 3, 4};
  CHECK(sim::paired_difference(with_nan, variant).n == 3);
}
