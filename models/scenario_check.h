// check_scenario: the semantic checks that need the whole scenario: names resolve, list
// lengths match the horizon, routing probabilities sum to 1, and the routing graph
// (Boost.Graph) has every stage reachable from some entry and able to reach the exit.
// Problems are keyed by the YAML key path so the loader can point at the line.
#pragma once

#include <map>
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

// The days a shift line works inside the horizon: day d of the horizon (day 0 the day it
// starts, -1 the day before, whose night shift may run into it), from `begin` to `end` in
// seconds from the horizon's start, in order. The one layout the checks (which count the
// roster steps) and compile() (which makes them) share.
struct ShiftDay {
  int day = 0;
  double begin = 0, end = 0;
};
std::vector<ShiftDay> shift_days(const Shift& shift, const Horizon& horizon);

// Warnings for a checked scenario (not errors: abandonment may still keep it stable): a
// steady-state horizon whose offered load (erlangs, from the traffic equations) reaches the
// agents that can serve it.
std::vector<Problem> assess_load(const Scenario& scenario);

// Expected arrivals of a class over the horizon.
double expected_arrivals(const CustomerClass& customer, const Horizon& horizon);

// Expected visits to each stage per second (the traffic equations), for `entering` customers
// per second arriving at each stage. Needs resolved stage names and a routing graph whose
// every stage can reach the exit.
std::vector<double> expected_visits(const Scenario& scenario, const std::map<std::string, std::size_t>& stage_index,
                                    const std::vector<double>& entering);

// Expected stage visits, this one included, of a customer starting at each stage; values
// above kMaxExpectedVisits are only known to be above it.
std::vector<double> visits_until_exit(const Scenario& scenario, const std::map<std::string, std::size_t>& stage_index);

}  // namespace capsim::model
