// The staffing search of `capsim staff`: the fewest agents per interval and pool such that
// every target is met in every interval (by the customers arriving in it) and over the day,
// "met" meaning the far end of the value's confidence interval is within the bound: an
// SLA's attainment (its lower end reaches the SLA's target), the share of days missing an
// SLA (risk), the abandonment or the ASA (their upper end at most the bound). Three phases (README "staff"): a
// closed-form seed (models/staffing.h); raising, by simulation with common random numbers, where a target misses; a
// descent removing agents one at a time while every target holds, so that no single agent of the answer can be removed.
// Every evaluation runs the scenario's replications with its seed: candidates differ only in their staffing, never in
// their random numbers.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "models/experiment_result.h"
#include "models/scenario.h"
#include "models/staffing.h"

namespace capsim::experiment {

struct StaffingRequest {
  model::Scenario scenario;                 // as loaded, the command's --set, -r and --seed applied
  std::vector<std::size_t> pools;           // the pools searched (their shifts give way to staffing)
  std::vector<model::StaffTarget> targets;  // checked against the scenario (names resolve)
  double confidence = 0.95;                 // two-sided, of each value's interval
  int max_agents = 1000;                    // per pool and interval
  unsigned threads = 1;
  // The memory the search may hold replications paused in, so that a candidate differing
  // from the current staffing only from some interval on resumes there (0: none; the
  // answer is the same either way, only its cost differs).
  std::size_t pause_memory_bytes = std::size_t{256} << 20;
};

// Progress: a line per phase step, for a terminal.
using StaffingProgress = std::function<void(const std::string& line)>;

// The targets a scenario asks for: its staff: section's, else every SLA in every interval;
// `slas`, when not empty, keeps only those SLAs (each as the section has it, or in every
// interval) and the section's KPI targets.
std::vector<model::StaffTarget> staffing_targets(const model::Scenario& scenario, const std::vector<std::string>& slas);

model::StaffingAnswer find_staffing(const StaffingRequest& request, const StaffingProgress& progress = {});

// The targets judged on a candidate of the request's scenario (its horizon, replications
// and seed; other staffing or rosters: `capsim schedule`'s roster), as find_staffing judges.
struct TargetVerdicts {
  std::vector<model::StaffingTarget> targets;
  std::vector<std::vector<model::Judgement>> intervals;    // [interval][target]
  std::vector<model::Judgement> day;                       // [target]
  std::vector<std::pair<std::size_t, std::size_t>> unmet;  // (interval or intervals for the day, target)
  std::vector<std::vector<std::size_t>> helpers;           // [target]: the request's pools (positions) serving it
  // [target]: the interval with the most shortfall (misses, or events of an at-most
  // target), where its day's miss comes from; intervals when none has any.
  std::vector<std::size_t> worst_interval;
};
TargetVerdicts judge_targets(const StaffingRequest& request, const model::Scenario& candidate);

// The request's scenario with the searched pools staffed by `agents` ([searched pool]
// [interval]): what `capsim run` of the written file runs.
model::Scenario staffed_scenario(const StaffingRequest& request, const std::vector<std::vector<int>>& agents);

}  // namespace capsim::experiment
