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

std::vector<Problem> check_scenario(const Scenario& scenario);

}  // namespace capsim::model
