// Values in a KPI's unit, as assertions, tolerances and --precision give them: fractions as
// 80% or 0.8, seconds as durations (15s, 2min), hours as plain hours or durations, anything
// else as a plain number; and KPI paths resolved with a suggestion when misspelt.
#pragma once

#include <optional>
#include <string>

#include "models/assertions.h"

namespace capsim::experiment {

std::optional<double> parse_kpi_value(const std::string& text, model::KpiUnit unit);
std::string expected_kpi_value(model::KpiUnit unit);  // "a fraction such as 80% or 0.8", ...
// The range a bound of the KPI may take (every KPI is non-negative, fractions at most 1):
// nullopt when inside, else the problem ("a fraction from 0 to 100%").
std::optional<std::string> kpi_value_range_problem(double value, model::KpiUnit unit);

// KpiIndex::resolve, with the closest valid path suggested in `problem` on failure.
std::optional<model::KpiTarget> resolve_or_suggest(const model::KpiIndex& index, const std::string& path,
                                                   std::string& problem);

// Shortest decimal text that reads back as exactly `value` (0.8, not 0.80000000000000004).
std::string shortest_text(double value);

}  // namespace capsim::experiment
