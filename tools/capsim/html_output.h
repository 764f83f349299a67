// --format html for the verbs with a JSON result (run, compare, staff, schedule): the JSON
// their writer produces, drawn as the HTML report (models/io/html_report.h), so the page
// and the JSON can never disagree.
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

// False after printing why (a writer's JSON the report does not take: a bug).
bool write_html(std::ostream& out, const std::vector<JsonResult>& results);

}  // namespace capsim::cli
