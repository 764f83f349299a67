// run_experiment: the replications of a compiled model (all, or a range) on a thread pool,
// folded in replication order as they complete (bit-identical for any thread count),
// summarised per KPI.
#pragma once

#include <cstdint>
#include <vector>

#include "models/compiled_model.h"
#include "models/kpi_layout.h"
#include "models/service_system.h"
#include "sim/summary.h"

namespace capsim::model {

// How often an SLA missed its target: the fraction of replications (with a defined
// attainment) that missed, with its exact (Clopper-Pearson) 95% interval, since 0 misses in
// 10 replications is not "no risk".
struct SlaRisk {
  std::size_t misses = 0, replications = 0;
  double risk = 0.0, ci_low = 0.0, ci_high = 1.0;  // risk is NaN when no replication judged anyone
};

struct ExperimentResult {
  KpiLayout layout;
  std::size_t first_replication = 0;
  std::vector<std::vector<double>> replications{};  // values per replication, layout order, from first_replication
  std::vector<sim::Summary> summaries{};            // one per layout slot, clipped to its KPI's domain
  std::vector<SlaRisk> risks{};                     // one per SLA
  std::vector<bool> is_ratio{};                     // per slot: a ratio KPI, whose summary has `pooled`
  std::uint64_t events = 0;                         // over all replications
  std::uint64_t seed = 0;
  // Clock windows whose drain left customers inside (nobody could ever serve them).
  std::size_t undrained_replications = 0;
  std::uint64_t undrained_customers = 0;
};

// Folds replications, in replication order, into an experiment's result: what
// run_experiment does as replications complete, and what a distributed run does with
// replications computed elsewhere.
class ExperimentFold {
 public:
  ExperimentFold(const CompiledModel& model, std::size_t first, std::size_t count);
  void add(ReplicationResult run);  // the next replication in order
  const KpiLayout& layout() const { return result_.layout; }
  ExperimentResult finish() &&;

 private:
  const CompiledModel& model_;
  ExperimentResult result_;
  std::vector<double> numerators_, denominators_;
  std::vector<bool> is_ratio_;
};

// All the model's replications.
ExperimentResult run_experiment(const CompiledModel& model, unsigned threads);
// Replications [first, last) only: each is exactly the same replication as in a full run
// (its random numbers are keyed by its absolute index), for shards and sequential stopping.
ExperimentResult run_experiment(const CompiledModel& model, unsigned threads, std::size_t first, std::size_t last);

}  // namespace capsim::model
