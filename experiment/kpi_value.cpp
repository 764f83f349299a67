#include "experiment/kpi_value.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "models/io/diagnostics.h"
#include "models/io/units.h"

namespace capsim::experiment {

std::optional<double> parse_kpi_value(const std::string& text, model::KpiUnit unit) {
  switch (unit) {
    case model::KpiUnit::fraction: return io::parse_fraction(text);
    case model::KpiUnit::seconds: return io::parse_duration(text);
    case model::KpiUnit::hours: {
      if (const auto plain = io::parse_number(text)) return plain;
      if (const auto seconds = io::parse_duration(text)) return *seconds / 3600.0;
      return std::nullopt;
    }
    default: return io::parse_number(text);
  }
}

std::string expected_kpi_value(model::KpiUnit unit) {
  switch (unit) {
    case model::KpiUnit::fraction: return "a fraction such as 80% or 0.8";
    case model::KpiUnit::seconds: return "a duration such as 15s or 2min";
    case model::KpiUnit::hours: return "hours, such as 2 or 90min";
    default: return "a number";
  }
}

std::optional<std::string> kpi_value_range_problem(double value, model::KpiUnit unit) {
  if (!std::isfinite(value)) return "a finite value";
  if (unit == model::KpiUnit::fraction && !(value >= 0.0 && value <= 1.0)) return "a fraction from 0 to 100%";
  if (value < 0.0) return "a value of at least 0 (the KPI is never negative)";
  return std::nullopt;
}

std::optional<model::KpiTarget> resolve_or_suggest(const model::KpiIndex& index, const std::string& path,
                                                   std::string& problem) {
  auto target = index.resolve(path, problem);
  if (target) return target;
  std::vector<std::string> candidates;
  for (auto& candidate : index.paths())  // per-interval paths only for per-interval typos
    if (candidate.rfind("intervals.", 0) != 0 || path.rfind("intervals.", 0) == 0) candidates.push_back(candidate);
  const std::string best = io::closest_match(path, candidates);
  problem += best.empty() ? "; expected a path as in the JSON output, such as kpis.abandon_rate, slas.NAME or "
                            "classes.NAME.kpis.wait_mean"
                          : "; did you mean \"" + best + "\"?";
  return std::nullopt;
}

std::string shortest_text(double value) {
  char text[64];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}

}  // namespace capsim::experiment
