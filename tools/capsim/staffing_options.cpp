#include "tools/capsim/staffing_options.h"

#include <algorithm>
#include <iostream>

#include "models/compiled_model.h"
#include "models/io/diagnostics.h"
#include "models/io/units.h"
#include "models/limits.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/scenario_input.h"

namespace capsim::cli {
namespace {

// The positions of `wanted` among the entities' names (all of them when `wanted` is
// empty); false after printing each unknown name with the closest known one.
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

}  // namespace

void add_staffing_options(CLI::App* verb, StaffingOptions& options, const std::string& pool_help) {
  verb->add_option("file", options.file, "Scenario YAML file")->required();
  verb->add_option("--pool", options.pools, pool_help);
  verb->add_option("--sla", options.slas,
                   "An SLA to meet (repeatable; default: the staff: section's targets, else every SLA)");
  verb->add_option("--confidence", options.confidence,
                   "Two-sided confidence of each attainment's interval, whose lower end must reach the target");
  verb->add_option("--max-agents", options.max_agents,
                   "The most agents of a pool in one interval (default: the staff: section's, else 1000)")
      ->check(CLI::Range(1, static_cast<int>(model::kMaxAgents)));
  verb->add_flag("--quiet", options.quiet, "No progress on stderr");
}

std::optional<experiment::StaffingRequest> staffing_request(model::Scenario& scenario, const StaffingOptions& options,
                                                            const std::function<bool(const model::Pool&)>& by_default) {
  experiment::StaffingRequest request;
  // Pools and the bound on agents: the command line's, else the staff: section's.
  const std::vector<std::string>& pools = options.pools.empty() ? scenario.staff.pools : options.pools;
  bool ok = resolve("--pool", pools, scenario.pools, request.pools);
  if (pools.empty() && by_default)
    std::erase_if(request.pools, [&](std::size_t p) { return !by_default(scenario.pools[p]); });
  std::vector<std::size_t> named_slas;
  ok = resolve("--sla", options.slas, scenario.slas, named_slas) && ok;
  request.targets = experiment::staffing_targets(scenario, options.slas);
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
  if (scenario.replications < 2) {
    std::cerr << "capsim: staffing needs at least 2 replications to judge a target's confidence interval; got "
              << scenario.replications << " (use -r)\n";
    ok = false;
  }
  if (!ok) return std::nullopt;
  request.confidence = *confidence;
  request.max_agents = options.max_agents ? *options.max_agents : scenario.staff.max_agents.value_or(1000);
  request.threads = options.common.threads;
  // The bound on values kept applies to the answer's full run.
  if (!storage_fits_or_report(model::compile(scenario), static_cast<std::size_t>(scenario.replications)))
    return std::nullopt;
  request.scenario = std::move(scenario);
  return request;
}

bool write_restaffed(const StaffingOptions& options, const model::Scenario& scenario,
                     const std::vector<io::PoolStaffing>& pools) {
  std::vector<io::Diagnostic> errors;
  const auto text = io::restaffed_scenario_text(options.file, options.common.overrides, pools, scenario.seed,
                                                scenario.replications, errors);
  for (const auto& e : errors) std::cerr << e.format() << '\n';
  return text && write_output(options.common.output, *text);
}

}  // namespace capsim::cli
