// Shared helpers of the model tests: load a scenario from scenarios/ with overrides, run it,
// and compare a KPI's replication mean with a theoretical value at a stated confidence.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "experiment/replication_run.h"
#include "models/compiled_model.h"
#include "models/io/scenario_loader.h"
#include "sim/summary.h"

namespace capsim::test {

// Equal bit for bit, NaN included.
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Two replications' results are the same to the bit: every KPI, count and clock.
inline void check_bit_identical(const model::ReplicationResult& a, const model::ReplicationResult& b) {
  CHECK(same_bits(a.values, b.values));
  CHECK(same_bits(a.numerators, b.numerators));
  CHECK(same_bits(a.denominators, b.denominators));
  CHECK(a.events == b.events);
  CHECK(a.stale_timers == b.stale_timers);
  CHECK(a.end_time == b.end_time);
  CHECK(a.served_total == b.served_total);
  CHECK(a.abandoned_total == b.abandoned_total);
  CHECK(a.in_system_at_end == b.in_system_at_end);
}

inline model::Scenario load_scenario(const std::string& relative, const std::vector<std::string>& overrides = {}) {
  auto loaded = io::load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/" + relative, overrides);
  for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
  REQUIRE(loaded.scenario.has_value());
  return *loaded.scenario;
}

// Loads and compiles a scenario written inline in a test; its problems fail the test.
inline model::CompiledModel compile_text(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  auto loaded = io::load_scenario_text(yaml, "inline.yaml", overrides);
  for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
  REQUIRE(loaded.scenario.has_value());
  return model::compile(*loaded.scenario);
}

struct Run {
  model::CompiledModel model;
  model::ExperimentResult result;

  const sim::Summary& kpi(model::ScopeKind scope, const std::string& name, const std::string& kpi) const {
    const std::size_t index = result.layout.find(scope, name, kpi);
    REQUIRE_MESSAGE(index < result.layout.size(), "no KPI " << name << "." << kpi);
    return result.summaries[index];
  }
  const sim::Summary& overall(const std::string& kpi_name) const {
    return kpi(model::ScopeKind::overall, "overall", kpi_name);
  }
};

inline Run run_scenario(const std::string& relative, const std::vector<std::string>& overrides = {},
                        unsigned threads = 2) {
  const auto compiled = model::compile(load_scenario(relative, overrides));
  auto result = experiment::run_experiment(compiled, threads);
  return Run{compiled, std::move(result)};
}

// Passes when `theory` lies inside the replication mean's two-sided 99.9% Student-t
// interval, widened by `relative_slack` of the theory for known discretisation (histogram
// buckets). With independent replications a correct model fails one such check in 1000
// seeds; the seeds are fixed, so a failure means the model or the formula changed.
inline void check_theory(const sim::Summary& s, double theory, const std::string& what, double relative_slack = 0.0) {
  REQUIRE(s.n >= 2);
  const double half = sim::student_t_critical(0.999, s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
  INFO(what << ": simulated " << s.mean << " +- " << half << " (99.9%), theory " << theory);
  CHECK(std::abs(s.mean - theory) <= half + relative_slack * std::abs(theory));
}

}  // namespace capsim::test
