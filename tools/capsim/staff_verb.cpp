// capsim staff: the fewest agents per interval and pool that meet every targeted SLA in
// every interval and over the day (experiment/staffing.h searches; models/io writes).
// This file parses options, names pools and SLAs, and writes the staffed scenario.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "experiment/replication_run.h"
#include "experiment/staffing.h"
#include "models/io/diagnostics.h"
#include "models/io/scenario_writer.h"
#include "models/io/staffing_report.h"
#include "models/io/units.h"
#include "models/limits.h"
#include "models/service_system.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/rich_output.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/staffing_options.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

int staff(const StaffingOptions& options) {
  if (!output_spares_inputs("-o", options.common.output, {options.file})) return kExitBadInput;
  // The workbook goes to standard output: refused on a terminal before the search runs.
  if (options.common.format == "xlsx" && !binary_output_allowed("")) return kExitBadInput;
  auto scenario = load_or_report(options.file, options.common.overrides, nullptr, true);
  if (!scenario || !apply_common_options(*scenario, options.common)) return kExitBadInput;
  auto made = staffing_request(*scenario, options);
  if (!made) return kExitBadInput;
  const experiment::StaffingRequest& request = *made;

  const auto start = std::chrono::steady_clock::now();
  const bool show = !options.quiet && ::isatty(STDERR_FILENO) != 0;
  std::optional<model::StaffingAnswer> found;
  try {
    found = experiment::find_staffing(request, [&](const std::string& line) {
      if (show) std::cerr << "capsim: " << line << '\n';
    });
  } catch (const model::PopulationLimitExceeded& e) {
    std::cerr << "capsim: " << e.what() << "; the most agents the search may use (--max-agents " << request.max_agents
              << ") cannot keep up\n";
    return kExitBadInput;
  }
  const model::StaffingAnswer& answer = *found;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const model::Scenario staffed = experiment::staffed_scenario(request, answer.agents);
  const model::CompiledModel compiled = model::compile(staffed);

  if (!options.common.output.empty()) {
    std::vector<io::PoolStaffing> staffing;
    for (std::size_t q = 0; q < request.pools.size(); ++q)
      staffing.push_back({staffed.pools[request.pools[q]].name, answer.agents[q], {}});
    if (!write_restaffed(options, staffed, staffing)) return kExitBadInput;
  }
  const io::RunInfo info{options.common.threads, wall,
                         manifest_for(options.file, options.common.overrides, staffed, options.common.threads)};
  if (options.common.format == "json") {
    io::write_staffing_json(std::cout, compiled, answer, info);
  } else if (options.common.format == "html") {
    // The staffed day's own run (its replications' values for the distributions), then the
    // requirement drawn over its agents.
    io::RunInfo run_info = info;
    run_info.replication_values = true;
    if (!write_html(std::cout, {{[&](std::ostream& json) { io::write_json(json, compiled, answer.result, run_info); },
                                 options.file + " as staffed"},
                                {[&](std::ostream& json) { io::write_staffing_json(json, compiled, answer, info); },
                                 "capsim staff"}}))
      return kExitInternalError;
  } else if (options.common.format == "xlsx") {
    io::RunInfo run_info = info;
    run_info.replication_values = true;
    const JsonResult plan{[&](std::ostream& json) { io::write_staffing_json(json, compiled, answer, info); },
                          "capsim staff"};
    if (!write_xlsx(
            std::cout,
            {[&](std::ostream& json) { io::write_json(json, compiled, answer.result, run_info); }, options.file},
            &plan))
      return kExitBadInput;
  } else if (options.common.format == "csv") {
    io::write_staffing_csv(std::cout, compiled, answer);
  } else {
    io::RunInfo shown = info;
    shown.colour = colour_for("");
    io::write_staffing_table(std::cout, compiled, answer, shown);
  }
  if (!flush_standard_output()) return kExitBadInput;

  if (const auto warning = experiment::undrained_warning(answer.result)) std::cerr << "capsim: " << *warning << '\n';
  std::size_t unjudged = 0;
  for (const auto& interval : answer.intervals)
    for (const auto& j : interval) unjudged += j.trials > 0.0 && !j.judged;
  if (unjudged > 0)
    std::cerr << "capsim: warning: " << unjudged
              << " (interval, SLA) targets have too few customers to be shown met at this confidence; they are "
                 "reported as not judged and did not drive the staffing (more replications judge them)\n";
  for (const auto& [i, k] : answer.unmet)
    std::cerr << "capsim: " << answer.targets[k].name << " cannot be met "
              << (i < static_cast<std::size_t>(compiled.intervals) ? "at " + model::interval_label(compiled, i)
                                                                   : std::string("over the day"))
              << " with at most " << request.max_agents
              << " agents of the pools searched (or more agents did not help)\n";
  return answer.unmet.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace

VerbRunner add_staff_verb(CLI::App& app) {
  auto options = std::make_shared<StaffingOptions>();
  CLI::App* verb = app.add_subcommand(
      "staff", "Find the fewest agents per interval that meet every SLA in every interval (by simulation)");
  add_staffing_options(verb, *options, "A pool to staff (repeatable; default: the staff: section's, else every pool)");
  add_common_options(verb, options->common, "Replications per evaluation (overrides the file)");
  add_output_options(verb, options->common, {"table", "json", "csv", "html", "xlsx"},
                     "Write the staffed scenario (YAML) to this file; the report goes to stdout");
  return [options] { return staff(*options); };
}

}  // namespace capsim::cli
