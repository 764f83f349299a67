#include "models/experiment.h"

#include <cmath>
#include <limits>

#include "sim/replications.h"

namespace capsim::model {

ExperimentResult run_experiment(const CompiledModel& model, unsigned threads) {
  return run_experiment(model, threads, 0, static_cast<std::size_t>(model.replications));
}

ExperimentResult run_experiment(const CompiledModel& model, unsigned threads, std::size_t first, std::size_t last) {
  ExperimentResult result{KpiLayout(model)};
  result.seed = model.seed;
  result.first_replication = first;
  result.replications.reserve(last > first ? last - first : 0);
  std::vector<double> numerators(result.layout.size(), 0.0), denominators(result.layout.size(), 0.0);
  std::vector<bool> is_ratio(result.layout.size(), false);
  // Each replication is folded in as soon as it and all before it are done, then freed.
  sim::for_each_replication(
      first, last, threads, [&](std::size_t replication) { return run_replication(model, result.layout, replication); },
      [&](std::size_t, ReplicationResult run) {
        for (std::size_t slot = 0; slot < run.values.size(); ++slot) {
          if (std::isnan(run.denominators[slot])) continue;
          is_ratio[slot] = true;
          if (!(run.denominators[slot] > 0.0)) continue;
          numerators[slot] += run.numerators[slot];
          denominators[slot] += run.denominators[slot];
        }
        result.events += run.events;
        result.undrained_customers += run.undrained;
        result.undrained_replications += run.undrained > 0;
        result.replications.push_back(std::move(run.values));
      });
  std::vector<double> column(result.replications.size());
  result.summaries.reserve(result.layout.size());
  for (std::size_t slot = 0; slot < result.layout.size(); ++slot) {
    for (std::size_t r = 0; r < result.replications.size(); ++r) column[r] = result.replications[r][slot];
    sim::Summary summary = sim::summarize(column);
    if (is_ratio[slot])
      summary.pooled =
          denominators[slot] > 0.0 ? numerators[slot] / denominators[slot] : std::numeric_limits<double>::quiet_NaN();
    // Every KPI is non-negative, and fractions are at most 1: intervals say so.
    sim::clip_to_domain(
        summary, 0.0,
        result.layout.slots()[slot].unit == KpiUnit::fraction ? 1.0 : std::numeric_limits<double>::infinity());
    result.summaries.push_back(summary);
  }
  for (std::size_t k = 0; k < model.slas.size(); ++k) {
    SlaRisk risk;
    const std::size_t met = result.layout.of_sla(k, SlaKpi::met);
    for (const auto& replication : result.replications) {
      if (std::isnan(replication[met])) continue;
      ++risk.replications;
      risk.misses += replication[met] == 0.0;
    }
    risk.risk = risk.replications > 0 ? static_cast<double>(risk.misses) / static_cast<double>(risk.replications)
                                      : std::numeric_limits<double>::quiet_NaN();
    const auto interval = sim::clopper_pearson(risk.misses, risk.replications);
    risk.ci_low = interval.low;
    risk.ci_high = interval.high;
    result.risks.push_back(risk);
  }
  result.is_ratio = std::move(is_ratio);
  return result;
}

}  // namespace capsim::model
