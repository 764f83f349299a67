// Pieces the report writers of capsim_io share (internal to the library): the JSON type, a
// number that is null when not finite, the manifest object; a table cell in a KPI's unit,
// and padding to a column.
#pragma once

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "models/io/report.h"
#include "models/kpi_layout.h"
#include "models/staffing.h"

namespace capsim::io::detail {

using Json = nlohmann::ordered_json;

inline Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json manifest_json(const Manifest& m);

// `with_unit`: "12.3s", "84.6%"; without: "12.3", "84.6" (the unit in the column's header).
std::string format(double x, model::KpiUnit unit, bool with_unit = true);
// `words` joined by spaces into lines of at most `width` columns (a word longer stands
// alone), each line after the first indented by two; then a line break.
void write_wrapped(std::ostream& out, const std::vector<std::string>& words, std::size_t width);
// `text` in red when `missed` and colour is on (a terminal without NO_COLOR).
std::string paint_missed(const std::string& text, bool missed, bool colour);
// A staffing target's judgement: {at_least, bound, value, ci, trials, judged, met}.
Json judgement_json(const model::Judgement& j, const model::StaffingTarget& t);
std::string pad(const std::string& text, std::size_t width, bool right = true);

// A column before the targets in a judgement table: its header and each interval's cell.
struct LeadingColumn {
  std::string header;
  std::function<std::string(std::size_t interval)> cell;
};
// Per interval, each per-interval target's value and the end of its CI that decides (the
// lower for "at least", the upper for "at most"), "!" when missed and "?" when too few were
// judged, numbers bare with the unit in the legend; targets named T1, T2, ... with a legend
// and set in blocks of as many as fit 100 columns. A missed cell in red when `colour`.
void write_judgement_table(std::ostream& out, const model::CompiledModel& model,
                           const std::vector<model::StaffingTarget>& targets,
                           const std::vector<std::vector<model::Judgement>>& intervals,
                           const std::vector<LeadingColumn>& leading, bool colour);

}  // namespace capsim::io::detail
