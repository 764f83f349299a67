// Writing a scenario back as YAML with some pools restaffed (`capsim staff -o`, `capsim
// schedule -o`): the file as read, with the command's --set applied, its seed and
// replications as run, and each named pool's agents/staffing/shifts replaced by a
// `staffing:` list or by `shifts:` lines (its templates stay, to schedule again). A clean re-emission
// by yaml-cpp: key order is kept, comments and quoting style are not (yaml-cpp 0.7 keeps no
// comments). Loading the text gives exactly the scenario that was run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/io/diagnostics.h"
#include "models/scenario.h"

namespace capsim::io {

struct PoolStaffing {
  std::string pool;
  std::vector<int> agents;           // one per interval of the horizon; or
  std::vector<model::Shift> shifts;  // roster lines (with `agents` empty)
};

// The text, or nullopt with `errors` filled (the file no longer reads, a --set fails).
std::optional<std::string> restaffed_scenario_text(const std::string& path, const std::vector<std::string>& overrides,
                                                   const std::vector<PoolStaffing>& staffing, std::uint64_t seed,
                                                   int replications, std::vector<Diagnostic>& errors);

}  // namespace capsim::io
