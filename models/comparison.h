// Comparison of a variant's experiment with a base's, KPI by KPI: each variant's summary
// and its difference to the base (paired under common random numbers, Welch otherwise).
// KPIs are matched by (scope, scope name, KPI name), so variants from other files compare
// on what they share.
#pragma once

#include <cstddef>
#include <vector>

#include "models/experiment_result.h"
#include "sim/summary.h"

namespace capsim::model {

struct KpiComparison {
  std::size_t base_slot = 0, variant_slot = 0;
  sim::Difference difference;
};

// `paired`: replication r of both runs used the same random numbers (same seed).
std::vector<KpiComparison> compare(const ExperimentResult& base, const ExperimentResult& variant, bool paired);

}  // namespace capsim::model
