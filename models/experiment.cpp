#include "models/experiment.h"

#include "sim/replications.h"

namespace capsim::model {

ExperimentResult run_experiment(const CompiledModel& model, unsigned threads) {
  ExperimentResult result{KpiLayout(model), {}, {}, 0, model.seed};
  auto runs = sim::run_replications(
      static_cast<std::size_t>(model.replications), threads,
      [&](std::size_t replication) { return run_replication(model, result.layout, replication); });
  result.replications.reserve(runs.size());
  for (auto& run : runs) {
    result.events += run.events;
    result.undrained_customers += run.undrained;
    result.undrained_replications += run.undrained > 0;
    result.replications.push_back(std::move(run.values));
  }
  std::vector<double> column(result.replications.size());
  result.summaries.reserve(result.layout.size());
  for (std::size_t slot = 0; slot < result.layout.size(); ++slot) {
    for (std::size_t r = 0; r < result.replications.size(); ++r) column[r] = result.replications[r][slot];
    result.summaries.push_back(sim::summarize(column));
  }
  return result;
}

}  // namespace capsim::model
