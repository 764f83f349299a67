// The statistics of `capsim check`. An assertion "KPI >= bound" (or <=) is judged on a
// confidence interval of the KPI's mean over replications (Student-t; an SLA's risk on its
// exact Clopper-Pearson interval): pass when the whole interval is on the good side of the
// bound, fail when it is wholly on the bad side, inconclusive otherwise.
//
// Error budget. With A assertions, each looked at up to K times (the looks of a sequential
// plan), every interval is at confidence 1 − α/(K·A), α = 5% (Bonferroni over looks and
// assertions). A wrong PASS needs the interval to miss the true mean on one side at some
// look, so whatever the truth, P(any assertion wrongly passes) ≤ α/2 = 2.5%, and likewise
// P(any assertion wrongly fails) ≤ 2.5% — at every look and over all of them together.
#pragma once

#include <cstddef>
#include <limits>
#include <string_view>

#include "models/assertions.h"
#include "models/experiment_result.h"

namespace capsim::experiment {

inline constexpr double kCheckAlpha = 0.05;

// The confidence of each interval judged when `family` assertions are each looked at up to
// `looks` times.
double check_confidence(std::size_t looks, std::size_t family, double alpha = kCheckAlpha);

enum class Verdict { pass, fail, inconclusive };
std::string_view verdict_name(Verdict verdict);

struct Judgement {
  Verdict verdict = Verdict::inconclusive;
  double estimate = 0, ci_low = 0, ci_high = 0;  // the interval at the confidence asked
  std::size_t n = 0;
};

// A mean of n values with sample sd, against a bound; the interval is clipped to the KPI's
// domain [low, high] for display (clipping never changes a verdict).
Judgement judge_mean(double mean, double sd, std::size_t n, double bound, bool at_least, double confidence,
                     double low = 0.0, double high = std::numeric_limits<double>::infinity());
// A proportion (`events` of `trials`) against a bound, on its exact interval.
Judgement judge_proportion(std::size_t events, std::size_t trials, double bound, bool at_least, double confidence);
// The KPI of a result that `target` names.
Judgement judge(const model::ExperimentResult& result, const model::KpiTarget& target, double bound, bool at_least,
                double confidence);

}  // namespace capsim::experiment
