#include "models/experiment.h"

#include <cmath>
#include <limits>

#include "sim/replications.h"

namespace capsim::model {

ExperimentResult run_experiment(const CompiledModel& model, unsigned threads) {
  return run_experiment(model, threads, 0, static_cast<std::size_t>(model.replications));
}

ExperimentFold::ExperimentFold(const CompiledModel& model, std::size_t first, std::size_t count)
    : model_(model), result_{KpiLayout(model)} {
  result_.seed = model.seed;
  result_.first_replication = first;
  result_.replications.reserve(count);
  numerators_.assign(result_.layout.size(), 0.0);
  denominators_.assign(result_.layout.size(), 0.0);
  is_ratio_.assign(result_.layout.size(), false);
}

void ExperimentFold::add(ReplicationResult run) {
  for (std::size_t slot = 0; slot < run.values.size(); ++slot) {
    if (std::isnan(run.denominators[slot])) continue;
    is_ratio_[slot] = true;
    if (!(run.denominators[slot] > 0.0)) continue;
    numerators_[slot] += run.numerators[slot];
    denominators_[slot] += run.denominators[slot];
  }
  result_.events += run.events;
  result_.undrained_customers += run.undrained;
  result_.undrained_replications += run.undrained > 0;
  result_.replications.push_back(std::move(run.values));
}

ExperimentResult ExperimentFold::finish() && {
  ExperimentResult& result = result_;
  std::vector<double> column(result.replications.size());
  result.summaries.reserve(result.layout.size());
  for (std::size_t slot = 0; slot < result.layout.size(); ++slot) {
    for (std::size_t r = 0; r < result.replications.size(); ++r) column[r] = result.replications[r][slot];
    sim::Summary summary = sim::summarize(column);
    if (is_ratio_[slot])
      summary.pooled = denominators_[slot] > 0.0 ? numerators_[slot] / denominators_[slot]
                                                 : std::numeric_limits<double>::quiet_NaN();
    // Every KPI is non-negative, and fractions are at most 1: intervals say so.
    sim::clip_to_domain(
        summary, 0.0,
        result.layout.slots()[slot].unit == KpiUnit::fraction ? 1.0 : std::numeric_limits<double>::infinity());
    result.summaries.push_back(summary);
  }
  for (std::size_t k = 0; k < model_.slas.size(); ++k) {
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
  result.is_ratio = std::move(is_ratio_);
  return std::move(result);
}

ExperimentResult run_experiment(const CompiledModel& model, unsigned threads, std::size_t first, std::size_t last) {
  ExperimentFold fold(model, first, last > first ? last - first : 0);
  // Each replication is folded in as soon as it and all before it are done, then freed.
  sim::for_each_replication(
      first, last, threads, [&](std::size_t replication) { return run_replication(model, fold.layout(), replication); },
      [&](std::size_t, ReplicationResult run) { fold.add(std::move(run)); });
  return std::move(fold).finish();
}

}  // namespace capsim::model
