#include "experiment/verdict.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/summary.h"

namespace capsim::experiment {
namespace {

Verdict verdict_of(const Judgement& j, double bound, bool at_least) {
  if (j.n == 0 || !std::isfinite(j.ci_low) || !std::isfinite(j.ci_high)) return Verdict::inconclusive;
  const double good_side = at_least ? j.ci_low : -j.ci_high;
  const double bad_side = at_least ? j.ci_high : -j.ci_low;
  const double limit = at_least ? bound : -bound;
  if (good_side >= limit) return Verdict::pass;
  if (bad_side < limit) return Verdict::fail;
  return Verdict::inconclusive;
}

}  // namespace

double check_confidence(std::size_t looks, std::size_t family, double alpha) {
  const double spent = static_cast<double>(std::max<std::size_t>(1, looks) * std::max<std::size_t>(1, family));
  return 1.0 - alpha / spent;
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::inconclusive: return "inconclusive";
  }
  return "inconclusive";
}

Judgement judge_mean(double mean, double sd, std::size_t n, double bound, bool at_least, double confidence, double low,
                     double high) {
  Judgement j;
  j.estimate = mean;
  j.n = n;
  if (n < 2 || !std::isfinite(mean) || !std::isfinite(sd)) {
    j.ci_low = j.ci_high = std::numeric_limits<double>::quiet_NaN();
    return j;  // inconclusive: one value says nothing about spread
  }
  const double half = sim::student_t_critical(confidence, n - 1) * sd / std::sqrt(static_cast<double>(n));
  j.ci_low = mean - half;
  j.ci_high = mean + half;
  j.verdict = verdict_of(j, bound, at_least);
  j.ci_low = std::clamp(j.ci_low, low, high);
  j.ci_high = std::clamp(j.ci_high, low, high);
  return j;
}

Judgement judge_proportion(std::size_t events, std::size_t trials, double bound, bool at_least, double confidence) {
  Judgement j;
  j.n = trials;
  j.estimate =
      trials > 0 ? static_cast<double>(events) / static_cast<double>(trials) : std::numeric_limits<double>::quiet_NaN();
  const auto interval = sim::clopper_pearson(events, trials, confidence);
  j.ci_low = interval.low;
  j.ci_high = interval.high;
  j.verdict = verdict_of(j, bound, at_least);
  return j;
}

Judgement judge(const model::ExperimentResult& result, const model::KpiTarget& target, double bound, bool at_least,
                double confidence) {
  if (target.risk) {
    const model::SlaRisk& risk = result.risks[target.sla];
    return judge_proportion(risk.misses, risk.replications, bound, at_least, confidence);
  }
  const sim::Summary& s = result.summaries[target.slot];
  const double high = target.unit == model::KpiUnit::fraction ? 1.0 : std::numeric_limits<double>::infinity();
  return judge_mean(s.mean, s.sd, s.n, bound, at_least, confidence, 0.0, high);
}

}  // namespace capsim::experiment
