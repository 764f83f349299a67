#include "models/experiment_result.h"

#include <cmath>
#include <limits>

namespace capsim::model {

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

ExperimentResult ExperimentFold::snapshot() const {
  ExperimentResult result = result_;
  summarize(model_, result, numerators_, denominators_, is_ratio_);
  return result;
}

ExperimentResult ExperimentFold::finish() && {
  summarize(model_, result_, numerators_, denominators_, is_ratio_);
  return std::move(result_);
}

void ExperimentFold::summarize(const CompiledModel& model, ExperimentResult& result,
                               const std::vector<double>& numerators, const std::vector<double>& denominators,
                               const std::vector<bool>& is_ratio) {
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
  result.is_ratio = is_ratio;
}

}  // namespace capsim::model
