// `sweep --precision`: a point's replications are extended (experiment/sequential.h) until
// every named KPI's 95% confidence half-width is within its target, absolute (in the KPI's
// unit) or relative to the KPI's mean. The half-width judged is the Student-t one,
// t(0.975, n−1)·sd/√n, never the interval clipped to the KPI's domain (which would call a
// rare-abandonment point precise while its real half-width is above target); an SLA's risk
// uses half its exact Clopper-Pearson interval.
//
// Error rate: stopping when the half-width first falls below the target is the
// Chow-Robbins (1965) fixed-width rule; its interval covers the mean with probability tending
// to 95% as the target shrinks, and a little less at the first looks (where a small sample
// can understate the sd), which is why a point needs at least 2 replications to be judged
// and the reported interval is the ordinary one at the final n.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/assertions.h"
#include "models/experiment_result.h"

namespace capsim::experiment {

struct PrecisionTarget {
  std::string path;  // as given
  model::KpiTarget kpi;
  double half_width = 0;  // > 0: in the KPI's unit, or a fraction of its mean when relative
  bool relative = false;
};

// The 95% half-width judged for a KPI (NaN when fewer than 2 replications define it).
double judged_half_width(const model::ExperimentResult& result, const model::KpiTarget& kpi);
bool precision_met(const model::ExperimentResult& result, const std::vector<PrecisionTarget>& targets);

// KPI_PATH=±x or KPI_PATH=±x% (the ± optional); nullopt with `problem` set otherwise.
std::optional<PrecisionTarget> parse_precision(const model::KpiIndex& index, const std::string& text,
                                               std::string& problem);
// Every --precision text; one problem ("--precision TEXT: why") per text that is not a target.
std::vector<PrecisionTarget> parse_precisions(const model::KpiIndex& index, const std::vector<std::string>& texts,
                                              std::vector<std::string>& problems);

}  // namespace capsim::experiment
