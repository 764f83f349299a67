// capsim schedule: the cheapest roster of the pools' shift templates that meets every
// targeted SLA (experiment/schedule.h searches and reports; models/io writes the roster).
// This file parses options, checks the pools have templates, and writes the roster.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "experiment/replication_run.h"
#include "experiment/schedule.h"
#include "experiment/schedule_report.h"
#include "models/io/diagnostics.h"
#include "models/io/scenario_loader.h"
#include "models/io/scenario_writer.h"
#include "models/io/units.h"
#include "models/service_system.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/rich_output.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/staffing_options.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct ScheduleOptions {
  StaffingOptions staffing;
  std::string time_limit = "60s";
};

int schedule(const ScheduleOptions& options) {
  const StaffingOptions& so = options.staffing;
  if (!output_spares_inputs("-o", so.common.output, {so.file})) return kExitBadInput;
  const auto limit = io::parse_duration(options.time_limit);
  if (!limit || *limit <= 0.0 || *limit > 86400.0) {
    std::cerr << "capsim: --time-limit " << io::printable(options.time_limit)
              << ": expected a duration above 0 and at most a day, such as 60s or 5min\n";
    return kExitBadInput;
  }
  // The workbook goes to standard output: refused on a terminal before the search runs.
  if (so.common.format == "xlsx" && !binary_output_allowed("")) return kExitBadInput;
  auto scenario = load_or_report(so.file, so.common.overrides, nullptr, true);
  if (!scenario || !apply_common_options(*scenario, so.common)) return kExitBadInput;
  const auto has_templates = [](const model::Pool& pool) { return !pool.templates.empty(); };
  if (std::none_of(scenario->pools.begin(), scenario->pools.end(), has_templates)) {
    std::cerr << "capsim: " << io::printable(so.file, 200)
              << ": no pool has shift templates to roster; expected pools.NAME.templates such as [{start: {from: "
                 "\"07:00\", to: \"13:00\", every: 30min}, length: 8h}]\n";
    return kExitBadInput;
  }
  auto made = staffing_request(*scenario, so, has_templates);
  if (!made) return kExitBadInput;
  experiment::ScheduleRequest request{.staffing = std::move(*made), .time_limit = *limit, .max_rounds = 20};
  for (const std::size_t p : request.staffing.pools)
    if (!has_templates(request.staffing.scenario.pools[p])) {
      std::cerr << "capsim: " << (so.pools.empty() ? "staff.pools: pool " : "--pool ")
                << request.staffing.scenario.pools[p].name << ": the pool has no shift templates to roster (pools."
                << request.staffing.scenario.pools[p].name << ".templates)\n";
      return kExitBadInput;
    }

  const auto start = std::chrono::steady_clock::now();
  const bool show = !so.quiet && ::isatty(STDERR_FILENO) != 0;
  std::optional<experiment::ScheduleAnswer> found;
  try {
    found = experiment::find_schedule(request, [&](const std::string& line) {
      if (show) std::cerr << "capsim: " << line << '\n';
    });
  } catch (const model::PopulationLimitExceeded& e) {
    std::cerr << "capsim: " << e.what() << "; the most agents the search may use (--max-agents "
              << request.staffing.max_agents << ") cannot keep up\n";
    return kExitBadInput;
  }
  const experiment::ScheduleAnswer& answer = *found;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const model::Scenario rostered = experiment::rostered_scenario(request, answer.roster);
  const model::CompiledModel compiled = model::compile(rostered);
  const auto& pools = request.staffing.pools;
  const auto interval_name = [&](std::size_t i) { return model::interval_label(compiled, i); };

  if (answer.status == experiment::ScheduleStatus::uncovered) {
    for (const auto& [q, i] : answer.uncovered) {
      const std::string& name = rostered.pools[pools[q]].name;
      std::cerr << io::diagnostic_at(so.file, so.common.overrides, "pools." + name + ".templates",
                                     "no template has an agent on duty (outside its breaks) at every moment of " +
                                         interval_name(i) + ", where the pool needs " +
                                         std::to_string(answer.required[q][i]) +
                                         " agents; expected templates whose shifts and break placements keep "
                                         "someone working through every interval with demand")
                       .format()
                << '\n';
    }
    return kExitBadInput;
  }
  if (answer.status == experiment::ScheduleStatus::infeasible) {
    for (const auto& [q, i, agents] : answer.short_of) {
      const std::string& name = rostered.pools[pools[q]].name;
      std::cerr << io::diagnostic_at(so.file, so.common.overrides, "pools." + name + ".templates",
                                     "at " + interval_name(i) + " the pool needs " +
                                         std::to_string(answer.required[q][i]) +
                                         " agents on duty; within the templates' max and the pool's max_agents, a "
                                         "roster covering as much as they allow still leaves it " +
                                         std::to_string(static_cast<long long>(agents)) +
                                         " short (agents on a break count as away); expected bounds that allow "
                                         "enough agents")
                       .format()
                << '\n';
    }
    if (answer.short_of.empty())
      std::cerr << io::diagnostic_at(so.file, so.common.overrides, "pools",
                                     "the templates' min and max and the pools' max_agents contradict each other; "
                                     "expected bounds some roster can keep")
                       .format()
                << '\n';
    return kExitBadInput;
  }
  if (answer.status == experiment::ScheduleStatus::no_solution) {
    std::cerr << "capsim: the integer program found no roster within --time-limit " << options.time_limit
              << "; give it longer\n";
    return kExitBadInput;
  }
  if (!so.common.output.empty()) {
    std::vector<io::PoolStaffing> staffing;
    for (const std::size_t p : pools) staffing.push_back({rostered.pools[p].name, {}, rostered.pools[p].shifts});
    if (!write_restaffed(so, rostered, staffing)) return kExitBadInput;
  }
  const io::RunInfo info{so.common.threads, wall,
                         manifest_for(so.file, so.common.overrides, rostered, so.common.threads)};
  if (so.common.format == "json") {
    experiment::write_schedule_json(std::cout, compiled, request, answer, info);
  } else if (so.common.format == "html") {
    // The roster's own run (when it was simulated), then the roster against the requirement.
    std::vector<JsonResult> results;
    io::RunInfo run_info = info;
    run_info.replication_values = true;
    if (answer.result)
      results.push_back({[&](std::ostream& json) { io::write_json(json, compiled, *answer.result, run_info); },
                         so.file + " as rostered"});
    results.push_back(
        {[&](std::ostream& json) { experiment::write_schedule_json(json, compiled, request, answer, info); },
         "capsim schedule"});
    if (!write_html(std::cout, results)) return kExitInternalError;
  } else if (so.common.format == "xlsx") {
    if (!answer.result) {
      std::cerr << "capsim: the roster was not simulated, so there is no run to lay out; use --format json\n";
      return kExitBadInput;
    }
    io::RunInfo run_info = info;
    run_info.replication_values = true;
    const JsonResult plan{
        [&](std::ostream& json) { experiment::write_schedule_json(json, compiled, request, answer, info); },
        "capsim schedule"};
    if (!write_xlsx(std::cout,
                    {[&](std::ostream& json) { io::write_json(json, compiled, *answer.result, run_info); }, so.file},
                    &plan))
      return kExitBadInput;
  } else if (so.common.format == "csv") {
    experiment::write_schedule_csv(std::cout, compiled, request, answer);
  } else {
    io::RunInfo shown = info;
    shown.colour = colour_for("");
    experiment::write_schedule_table(std::cout, compiled, request, answer, shown);
  }
  if (!flush_standard_output()) return kExitBadInput;

  if (answer.result)
    if (const auto warning = experiment::undrained_warning(*answer.result)) std::cerr << "capsim: " << *warning << '\n';
  if (answer.program.status == experiment::CoveringStatus::time_limit)
    std::cerr << "capsim: warning: the integer program stopped at --time-limit " << options.time_limit
              << " before proving its roster cheapest (see the gap)\n";
  for (const auto& [i, k] : answer.verdicts.unmet)
    std::cerr << "capsim: " << answer.verdicts.targets[k].name << " is not met "
              << (i < static_cast<std::size_t>(compiled.intervals) ? "at " + interval_name(i)
                                                                   : std::string("over the day"))
              << " by the roster"
              << (std::find(answer.staffing.unmet.begin(), answer.staffing.unmet.end(), std::make_pair(i, k)) !=
                          answer.staffing.unmet.end()
                      ? " (nor by any staffing: at most --max-agents " + std::to_string(request.staffing.max_agents) +
                            " agents of the pools rostered, or more agents did not help)"
                      : " (raising its interval's requirement stopped helping, or the templates' bounds or "
                        "--max-agents forbid more)")
              << '\n';
  return answer.verdicts.unmet.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace

VerbRunner add_schedule_verb(CLI::App& app) {
  auto options = std::make_shared<ScheduleOptions>();
  CLI::App* verb = app.add_subcommand(
      "schedule", "Choose the cheapest roster of shift templates that meets every SLA (integer program + simulation)");
  add_staffing_options(verb, options->staffing,
                       "A pool to roster (repeatable; default: the staff: section's, else every pool with templates)");
  verb->add_option("--time-limit", options->time_limit,
                   "Time limit of each integer program, such as 60s (the best roster found by then is used)");
  add_common_options(verb, options->staffing.common, "Replications per evaluation (overrides the file)");
  add_output_options(verb, options->staffing.common, {"table", "json", "csv", "html", "xlsx"},
                     "Write the rostered scenario (YAML, shifts: lines) to this file; the report goes to stdout");
  return [options] { return schedule(*options); };
}

}  // namespace capsim::cli
