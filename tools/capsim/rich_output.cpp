#include "tools/capsim/rich_output.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "models/io/html_report.h"
#include "models/io/xlsx_report.h"
#include "tools/capsim/output_file.h"

namespace capsim::cli {
namespace {

std::string json_of(const JsonResult& result) {
  std::ostringstream json;
  result.write(json);
  return json.str();
}

}  // namespace

bool write_html(std::ostream& out, const std::vector<JsonResult>& results) {
  io::HtmlReport report;
  for (const auto& result : results)
    if (const auto problem = report.add_json(json_of(result), result.origin)) {
      std::cerr << "capsim: internal error: the report does not take the JSON of " << result.origin << ": " << *problem
                << '\n';
      return false;
    }
  report.write(out);
  return true;  // a failed write is the caller's to report (OutputFile::commit, flush_standard_output)
}

bool write_xlsx(std::ostream& out, const JsonResult& run, const JsonResult* plan) {
  // libxlsxwriter writes only to a named file: a unique one of our own, removed at the end.
  std::error_code error;
  std::string pattern = (std::filesystem::temp_directory_path(error) / "capsim-XXXXXX.xlsx").string();
  const int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) {
    std::cerr << "capsim: cannot create a temporary file for the workbook in " << pattern << '\n';
    return false;
  }
  ::close(fd);
  const std::string path = pattern;
  const auto problem = io::write_xlsx(path, json_of(run), plan ? json_of(*plan) : std::string());
  bool ok = !problem;
  if (problem) std::cerr << "capsim: " << *problem << '\n';
  if (ok) {
    std::ifstream in(path, std::ios::binary);
    out << in.rdbuf();
    ok = in && out;
    if (!ok) std::cerr << "capsim: cannot copy the workbook from " << path << '\n';
  }
  std::filesystem::remove(path, error);
  return ok;
}

// The HTML page of a finished sweep's CSV (`source`: the rows themselves, or the file that
// holds them).
bool write_sweep_page(const std::string& source, bool is_file, const std::string& output) {
  io::HtmlReport report;
  std::ifstream file;
  std::istringstream text;
  if (is_file)
    file.open(source, std::ios::binary);
  else
    text.str(source);
  std::istream& in = is_file ? static_cast<std::istream&>(file) : text;
  if (const auto problem = report.add_sweep_csv(in, "capsim sweep")) {
    std::cerr << "capsim: the sweep's page cannot be drawn: " << *problem << '\n';
    return false;
  }
  OutputFile out(output);
  if (!out.open()) return false;
  report.write(out.stream());
  return out.commit();
}

bool binary_output_allowed(const std::string& output) {
  if ((output.empty() || output == "-") && ::isatty(STDOUT_FILENO)) {
    std::cerr << "capsim: --format xlsx writes a workbook: give -o FILE.xlsx (or redirect standard output)\n";
    return false;
  }
  return true;
}

}  // namespace capsim::cli
