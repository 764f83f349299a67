#include "tools/capsim/html_output.h"

#include <iostream>
#include <sstream>

#include "models/io/html_report.h"

namespace capsim::cli {

bool write_html(std::ostream& out, const std::vector<JsonResult>& results) {
  io::HtmlReport report;
  for (const auto& result : results) {
    std::ostringstream json;
    result.write(json);
    if (const auto problem = report.add_json(json.str(), result.origin)) {
      std::cerr << "capsim: internal error: the report does not take the JSON of " << result.origin << ": " << *problem
                << '\n';
      return false;
    }
  }
  report.write(out);
  return static_cast<bool>(out);
}

}  // namespace capsim::cli
