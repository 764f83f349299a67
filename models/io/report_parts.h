// Pieces the report writers of capsim_io share (internal to the library): the JSON type, a
// number that is null when not finite, the manifest object; a table cell in a KPI's unit,
// and padding to a column.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "models/io/report.h"
#include "models/kpi_layout.h"
#include "models/staffing.h"

namespace capsim::io::detail {

using Json = nlohmann::ordered_json;

inline Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json manifest_json(const Manifest& m);

std::string format(double x, model::KpiUnit unit);
// A staffing target's judgement: {at_least, bound, value, ci, trials, judged, met}.
Json judgement_json(const model::Judgement& j, const model::StaffingTarget& t);
std::string pad(const std::string& text, std::size_t width, bool right = true);

}  // namespace capsim::io::detail
