// --format html and --format xlsx for the verbs with a JSON result (run, compare, staff,
// schedule), and sweep's page: the JSON their writers produce, drawn as the HTML report
// (models/io/html_report.h) or laid out as a workbook (models/io/xlsx_report.h), so that
// neither can disagree with the JSON.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace capsim::cli {

struct JsonResult {
  std::function<void(std::ostream&)> write;  // the verb's JSON writer
  std::string origin;                        // what made it, shown in the report
};

// False after printing why only when a writer's JSON is not taken by the report (a bug: exit
// 70); whether `out` took the page is for its owner to check, as for every format.
bool write_html(std::ostream& out, const std::vector<JsonResult>& results);

// A run's workbook (and a staff or schedule result's sheets, when `plan` is given) written
// to `out` through a unique temporary file; false after printing why.
bool write_xlsx(std::ostream& out, const JsonResult& run, const JsonResult* plan = nullptr);

// A finished sweep's page (`source`: its CSV, or the file holding it) to `output` ("" or "-":
// standard output); false after printing why.
bool write_sweep_page(const std::string& source, bool is_file, const std::string& output);

// False (after printing why) when `output` ("" or "-": standard output) is a terminal: a
// workbook is not for reading there.
bool binary_output_allowed(const std::string& output);

}  // namespace capsim::cli
