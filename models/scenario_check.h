// check_scenario: the semantic checks that need the whole scenario: names resolve, list
// lengths match the horizon, routing probabilities sum to 1, and the routing graph
// (Boost.Graph) has every stage reachable from some entry and able to reach the exit.
// Problems are keyed by the YAML key path so the loader can point at the line.
#pragma once

#include <string>
#include <vector>

#include "models/scenario.h"

namespace capsim::model {

struct Problem {
  std::string path;  // e.g. "stages.agent.next"
  std::string message;
};

// Wait SLAs may judge at most this many different stages (a customer remembers which of
// them it has visited in 64 bits).
inline constexpr std::size_t kMaxSlaStages = 64;

std::vector<Problem> check_scenario(const Scenario& scenario);

}  // namespace capsim::model
