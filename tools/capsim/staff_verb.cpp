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
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct StaffOptions {
  std::string file;
  std::vector<std::string> pools, slas;
  std::string confidence = "95%";
  std::optional<int> max_agents;
  bool quiet = false;
  CommonOptions common;
};

// The positions of `wanted` among `names` (all of them when `wanted` is empty); false after
// printing each unknown name with the closest known one.
template <class Entities>
bool resolve(const std::string& option, const std::vector<std::string>& wanted, const Entities& entities,
             std::vector<std::size_t>& into) {
  std::vector<std::string> names;
  for (const auto& e : entities) names.push_back(e.name);
  if (wanted.empty())
    for (std::size_t i = 0; i < names.size(); ++i) into.push_back(i);
  bool ok = true;
  for (const auto& name : wanted) {
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) {
      const std::string suggestion = io::closest_match(name, names);
      std::cerr << "capsim: " << option << ' ' << io::printable(name) << ": no such name in the scenario"
                << (suggestion.empty() ? "" : "; did you mean \"" + suggestion + "\"?") << '\n';
      ok = false;
    } else if (std::find(into.begin(), into.end(), static_cast<std::size_t>(found - names.begin())) == into.end()) {
      into.push_back(static_cast<std::size_t>(found - names.begin()));
    }
  }
  return ok;
}

int staff(const StaffOptions& options) {
  if (!output_spares_inputs("-o", options.common.output, {options.file})) return kExitBadInput;
  auto scenario = load_or_report(options.file, options.common.overrides);
  if (!scenario || !apply_common_options(*scenario, options.common)) return kExitBadInput;
  experiment::StaffingRequest request;
  // Pools and the bound on agents: the command line's, else the staff: section's.
  const std::vector<std::string>& pools = options.pools.empty() ? scenario->staff.pools : options.pools;
  bool ok = resolve("--pool", pools, scenario->pools, request.pools);
  std::vector<std::size_t> named_slas;
  ok = resolve("--sla", options.slas, scenario->slas, named_slas) && ok;
  request.targets = experiment::staffing_targets(*scenario, options.slas);
  const auto confidence = io::parse_fraction(options.confidence);
  if (!confidence || *confidence < 0.5 || *confidence >= 1.0) {
    std::cerr << "capsim: --confidence " << io::printable(options.confidence)
              << ": expected a level from 50% to below 100%, such as 95%\n";
    ok = false;
  }
  if (request.targets.empty() && ok) {
    std::cerr << "capsim: " << io::printable(options.file, 200)
              << ": nothing to meet: the scenario has no sla: section and no staff: targets\n";
    ok = false;
  }
  if (scenario->replications < 2) {
    std::cerr << "capsim: staff needs at least 2 replications to judge a target's confidence interval; got "
              << scenario->replications << " (use -r)\n";
    ok = false;
  }
  if (!ok) return kExitBadInput;
  request.confidence = *confidence;
  request.max_agents = options.max_agents ? *options.max_agents : scenario->staff.max_agents.value_or(1000);
  request.threads = options.common.threads;
  // The bound on values kept applies to the answer's full run.
  if (!storage_fits_or_report(model::compile(*scenario), static_cast<std::size_t>(scenario->replications)))
    return kExitBadInput;
  request.scenario = std::move(*scenario);

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
      staffing.push_back({staffed.pools[request.pools[q]].name, answer.agents[q]});
    std::vector<io::Diagnostic> errors;
    const auto text = io::restaffed_scenario_text(options.file, options.common.overrides, staffing, staffed.seed,
                                                  staffed.replications, errors);
    for (const auto& e : errors) std::cerr << e.format() << '\n';
    if (!text || !write_output(options.common.output, *text)) return kExitBadInput;
  }
  const io::RunInfo info{options.common.threads, wall,
                         manifest_for(options.file, options.common.overrides, staffed, options.common.threads)};
  if (options.common.format == "json")
    io::write_staffing_json(std::cout, compiled, answer, info);
  else if (options.common.format == "csv")
    io::write_staffing_csv(std::cout, compiled, answer);
  else
    io::write_staffing_table(std::cout, compiled, answer, info);
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
  auto options = std::make_shared<StaffOptions>();
  CLI::App* verb = app.add_subcommand(
      "staff", "Find the fewest agents per interval that meet every SLA in every interval (by simulation)");
  verb->add_option("file", options->file, "Scenario YAML file")->required();
  verb->add_option("--pool", options->pools,
                   "A pool to staff (repeatable; default: the staff: section's, else every pool)");
  verb->add_option("--sla", options->slas,
                   "An SLA to meet (repeatable; default: the staff: section's targets, else every SLA)");
  verb->add_option("--confidence", options->confidence,
                   "Two-sided confidence of each attainment's interval, whose lower end must reach the target");
  verb->add_option("--max-agents", options->max_agents,
                   "The most agents of a pool in one interval (default: the staff: section's, else 1000)")
      ->check(CLI::Range(1, static_cast<int>(model::kMaxAgents)));
  add_common_options(verb, options->common, "Replications per evaluation (overrides the file)");
  add_output_options(verb, options->common, {"table", "json", "csv"},
                     "Write the staffed scenario (YAML) to this file; the report goes to stdout");
  verb->add_flag("--quiet", options->quiet, "No progress on stderr");
  return [options] { return staff(*options); };
}

}  // namespace capsim::cli
