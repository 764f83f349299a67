// ExperimentResult: the replications of a compiled model folded, in replication order, into
// per-KPI summaries and SLA risks. ExperimentFold does the folding; it runs nothing and
// knows no threads (experiment/ runs replications and hands them over in order).
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

// Folds replications, in replication order, into an experiment's result: as replications
// complete on threads, or arrive from other ranks. A sequential plan looks at the result so
// far (snapshot) and goes on adding: nothing is ever run twice.
class ExperimentFold {
 public:
  ExperimentFold(const CompiledModel& model, std::size_t first, std::size_t count);
  void add(ReplicationResult run);  // the next replication in order
  const KpiLayout& layout() const { return result_.layout; }
  std::size_t count() const { return result_.replications.size(); }
  ExperimentResult snapshot() const;  // the result of the replications added so far
  ExperimentResult finish() &&;       // the same, without the copy

 private:
  const CompiledModel& model_;
  ExperimentResult result_;
  std::vector<double> numerators_, denominators_;
  std::vector<bool> is_ratio_;
  static void summarize(const CompiledModel& model, ExperimentResult& result, const std::vector<double>& numerators,
                        const std::vector<double>& denominators, const std::vector<bool>& is_ratio);
};

}  // namespace capsim::model
