#include "experiment/precision.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "experiment/kpi_value.h"
#include "models/io/diagnostics.h"
#include "models/io/units.h"
#include "sim/summary.h"

namespace capsim::experiment {

double judged_half_width(const model::ExperimentResult& result, const model::KpiTarget& kpi) {
  if (kpi.risk) {
    const auto& r = result.risks[kpi.sla];
    if (r.replications < 2) return std::numeric_limits<double>::quiet_NaN();
    return (r.ci_high - r.ci_low) / 2;
  }
  const sim::Summary& s = result.summaries[kpi.slot];
  if (s.n < 2 || !std::isfinite(s.sd)) return std::numeric_limits<double>::quiet_NaN();
  // The summary's interval may be clipped to the KPI's domain; its sd and n are not.
  return sim::student_t_critical(0.95, s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
}

bool precision_met(const model::ExperimentResult& result, const std::vector<PrecisionTarget>& targets) {
  for (const auto& target : targets) {
    const double half = judged_half_width(result, target.kpi);
    const double mean = target.kpi.risk ? result.risks[target.kpi.sla].risk : result.summaries[target.kpi.slot].mean;
    const double allowed = target.relative ? target.half_width * std::abs(mean) : target.half_width;
    if (!(half <= allowed)) return false;  // NaN (undefined) is not met
  }
  return true;
}

std::optional<PrecisionTarget> parse_precision(const model::KpiIndex& index, const std::string& text,
                                               std::string& problem) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) {
    problem = "expected KPI_PATH=±x or KPI_PATH=±x%";
    return std::nullopt;
  }
  PrecisionTarget target;
  target.path = text.substr(0, equals);
  const auto kpi = resolve_or_suggest(index, target.path, problem);
  if (!kpi) return std::nullopt;
  target.kpi = *kpi;
  std::string value = text.substr(equals + 1);
  // ±, or +- where the shell or keyboard makes ± awkward.
  if (value.rfind("±", 0) == 0)
    value = value.substr(std::strlen("±"));
  else if (value.rfind("+-", 0) == 0)
    value = value.substr(2);
  std::optional<double> number;
  if (value.size() > 2 && value.compare(value.size() - 2, 2, "pp") == 0) {
    // Percentage points of a fraction KPI: ±1pp of abandon_rate is ±0.01, absolute.
    if (kpi->unit != model::KpiUnit::fraction) {
      problem = "pp (percentage points) applies to a fraction KPI; " + target.path + " is not one";
      return std::nullopt;
    }
    number = io::parse_number(value.substr(0, value.size() - 2));
    if (number) *number /= 100;
  } else if (!value.empty() && value.back() == '%') {  // relative to the mean, whatever the unit
    target.relative = true;
    number = io::parse_number(value.substr(0, value.size() - 1));
    if (number) *number /= 100;
  } else {
    number = parse_kpi_value(value, kpi->unit);
  }
  if (!number || !(*number > 0) || !std::isfinite(*number)) {
    problem =
        "expected a positive half-width: ±x% of the mean (relative, also for a fraction), ±xpp for a "
        "fraction's percentage points, or ±x as " +
        expected_kpi_value(kpi->unit);
    return std::nullopt;
  }
  target.half_width = *number;
  return target;
}

std::vector<PrecisionTarget> parse_precisions(const model::KpiIndex& index, const std::vector<std::string>& texts,
                                              std::vector<std::string>& problems) {
  std::vector<PrecisionTarget> targets;
  for (const auto& text : texts) {
    std::string problem;
    if (auto target = parse_precision(index, text, problem))
      targets.push_back(std::move(*target));
    else
      problems.push_back("--precision " + io::printable(text) + ": " + problem);
  }
  return targets;
}

}  // namespace capsim::experiment
