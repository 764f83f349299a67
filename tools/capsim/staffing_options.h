// The options `capsim staff` and `capsim schedule` share (--pool, --sla, --confidence,
// --max-agents, --quiet), registered once, and the staffing request they make of a loaded
// scenario: names resolved (did-you-mean), ranges checked, the staff: section's defaults.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "experiment/staffing.h"
#include "models/io/scenario_writer.h"
#include "tools/capsim/common_options.h"

namespace capsim::cli {

struct StaffingOptions {
  std::string file;
  std::vector<std::string> pools, slas;
  std::string confidence = "95%";
  std::optional<int> max_agents;
  bool quiet = false;
  CommonOptions common;
};

void add_staffing_options(CLI::App* verb, StaffingOptions& options, const std::string& pool_help);

// The request for `scenario` (loaded, common options applied): the pools named (else the
// staff: section's, else those `by_default` keeps), the targets, confidence, bound on
// agents and threads; nullopt after printing every problem. `scenario` is moved from
// only when a request is returned.
std::optional<experiment::StaffingRequest> staffing_request(
    model::Scenario& scenario, const StaffingOptions& options,
    const std::function<bool(const model::Pool&)>& by_default = {});

// Writes `-o`: the scenario file as read, with the command's --set, the scenario's seed and
// replications, and these pools restaffed; false after printing why.
bool write_restaffed(const StaffingOptions& options, const model::Scenario& scenario,
                     const std::vector<io::PoolStaffing>& pools);

}  // namespace capsim::cli
