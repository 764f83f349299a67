// An Excel workbook of a run's result, for planners (Debian's libxlsxwriter). It is laid out
// from the JSON documents the JSON writers produce (no KPI is defined twice): sheets
// Summary, Intervals, Pools, SLAs, Distribution (each replication's values), Charts (native
// Excel charts of service level and agents per interval) and About (the manifest); with a
// staff or schedule result, Requirement and, for schedule, Roster. Headers are frozen and
// carry units, numbers are formatted as %, seconds, money. Sheet by sheet: README "Excel".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace capsim::io {

// Writes the workbook to `path` (a file of its own: the caller puts it in place). `run_json`
// is a run's JSON with replication values; `plan_json`, when not empty, the JSON of staff or
// schedule for the same day. The reason when it cannot be written (a sheet beyond Excel's
// 1,048,576 rows or 16,384 columns, a failed write).
std::optional<std::string> write_xlsx(const std::string& path, std::string_view run_json,
                                      std::string_view plan_json = {});

}  // namespace capsim::io
