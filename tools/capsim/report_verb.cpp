// capsim report: one self-contained HTML page (charts and their data tables) from results
// capsim wrote before: the JSON of run, compare, staff and schedule, and a sweep's CSV.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "models/io/diagnostics.h"
#include "models/io/html_report.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

// A result larger than this is refused before it is read: a page of it could not be drawn.
constexpr std::uintmax_t kMaxResultBytes = 512ull << 20;

struct ReportOptions {
  std::vector<std::string> files;
  std::string output;
};

int report(const ReportOptions& options) {
  if (!output_spares_inputs("-o", options.output, options.files)) return kExitBadInput;
  io::HtmlReport report;
  bool ok = true;
  for (const auto& file : options.files) {
    const std::string name = io::printable(file, 200);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "capsim: " << name << ": cannot read the file\n";
      ok = false;
      continue;
    }
    // A device or a pipe could be endless: only a regular file, of bounded size.
    std::error_code error;
    if (!std::filesystem::is_regular_file(file, error)) {
      std::cerr << "capsim: " << name << ": expected a regular file written by capsim\n";
      ok = false;
      continue;
    }
    const auto size = std::filesystem::file_size(file, error);
    if (!error && size > kMaxResultBytes) {
      std::cerr << "capsim: " << name << ": " << size << " bytes; a report takes results of at most " << kMaxResultBytes
                << " bytes\n";
      ok = false;
      continue;
    }
    const auto problem = report.add(in, file);
    if (problem) {
      std::cerr << "capsim: " << name << ": " << *problem << '\n';
      ok = false;
    }
  }
  if (!ok) return kExitBadInput;
  OutputFile out(options.output);
  if (!out.open()) return kExitBadInput;
  report.write(out.stream());
  return out.commit() ? kExitOk : kExitBadInput;
}

}  // namespace

VerbRunner add_report_verb(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* verb = app.add_subcommand(
      "report", "Draw results (JSON of run, compare, staff, schedule; a sweep's CSV) as one self-contained HTML page");
  verb->add_option("files", options->files, "Result files, in the order the page shows them")->required();
  verb->add_option("-o,--output", options->output, "Write the page to this file instead of stdout");
  return [options] { return report(*options); };
}

}  // namespace capsim::cli
