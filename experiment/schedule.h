// The roster search of `capsim schedule`: from shift templates, the cheapest roster whose
// agents, present and not on a break, meet every target. Three steps (README "schedule"):
// (1) the requirement per interval and pool by find_staffing; (2) an integer program over
// the templates' placements (start, length, break placement, day) covering it at least
// cost, solved by COIN-OR CBC; (3) the roster simulated (breaks, absenteeism, shrinkage and
// overtime as they fall) and judged as find_staffing judges; where a target misses, the
// requirement of the interval behind it rises above what the roster covers there, and the
// program is solved again (a simulation-driven cutting-plane loop after Atlason, Epelman
// and Henderson, Annals of OR 127, 2004). Every simulation uses the scenario's seed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "experiment/covering_program.h"
#include "experiment/staffing.h"
#include "models/experiment_result.h"
#include "models/scenario.h"
#include "models/shift_templates.h"

namespace capsim::experiment {

struct ScheduleRequest {
  StaffingRequest staffing;  // its pools are those rostered (each with templates)
  double time_limit = 60.0;  // seconds, per integer program
  int max_rounds = 20;       // simulate-and-resolve rounds after the first roster
};

enum class ScheduleStatus {
  met,          // every judged target holds on the roster
  unmet,        // some still miss: no raise was left, or the rounds ran out
  uncovered,    // an interval with a requirement has moments no placement works (`uncovered`)
  infeasible,   // the templates' and pools' bounds leave no roster covering the requirement
  no_solution,  // the time limit stopped the integer program before any roster
};

struct RosterLine {
  model::Placement placement;
  long long agents = 0;
};

struct ScheduleAnswer {
  explicit ScheduleAnswer(model::StaffingAnswer requirement) : staffing(std::move(requirement)) {}
  ScheduleStatus status = ScheduleStatus::no_solution;
  model::StaffingAnswer staffing;          // step 1 (the requirement it started from)
  std::vector<std::vector<int>> required;  // [rostered pool][interval], as last solved
  // [rostered pool][interval]: agents on duty, not on a break, through the whole interval
  // (the fewest of its slots: model::cover_slots); and present, breaks included, on average.
  std::vector<std::vector<double>> covered, present;
  std::vector<std::vector<RosterLine>> roster;  // [rostered pool]: placements with agents, column order
  CoveringSolution program;                     // the last integer program's
  std::size_t columns = 0, rows = 0;            // of the last program
  TargetVerdicts verdicts;                      // at the roster
  std::size_t rounds = 0;                       // rosters simulated
  std::size_t evaluations = 0;                  // runs of the replications, step 1's included
  double solver_seconds = 0.0;                  // all programs
  // (rostered pool, interval) with a requirement that no placement covers.
  std::vector<std::pair<std::size_t, std::size_t>> uncovered;
  // Infeasible: (rostered pool, interval, agents short) where the bounds leave too few.
  std::vector<std::tuple<std::size_t, std::size_t, double>> short_of;
  std::optional<model::ExperimentResult> result;  // the roster's run (when rostered), for the KPIs beside it
};

ScheduleAnswer find_schedule(const ScheduleRequest& request, const StaffingProgress& progress = {});

// The request's scenario with the rostered pools' shifts replaced by `roster`: what
// `capsim run` of the written file runs.
model::Scenario rostered_scenario(const ScheduleRequest& request, const std::vector<std::vector<RosterLine>>& roster);

}  // namespace capsim::experiment
