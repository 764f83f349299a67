// Staffing in the service domain: each interval's offered load per pool and the agents
// Erlang C and Erlang A say it needs, grossed up for absenteeism and shrinkage (the seed of
// `capsim staff` and the columns it reports beside the simulated requirement); how a
// target is judged on replications; and the answer of a search (experiment/staffing.h
// runs it, models/io/staffing_report.h writes it). No simulation here.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "models/compiled_model.h"
#include "models/experiment_result.h"
#include "models/kpi_layout.h"

namespace capsim::model {

// One pool in one interval, as the closed forms see it: the contacts that arrive in the
// interval and are routed (in expectation) to stages whose first-choice pool it is.
struct IntervalLoad {
  double arrival_rate = 0.0;      // contacts per second
  double handling_seconds = 0.0;  // mean agent time per contact: (service x handling factor + wrap-up) / concurrency
  double abandonment_rate = 0.0;  // 1 / mean patience, weighted by the contacts (0: nobody abandons)
  double erlangs() const { return arrival_rate * handling_seconds; }
};

// The wait SLA (threshold, target) the pool must meet in the interval: the strictest of
// those judging a stage whose first-choice pool it is, or none (a sojourn SLA, or none).
struct SeedTarget {
  double threshold_seconds = 0.0;
  double target = 0.0;
};

struct IntervalSeed {
  IntervalLoad load;
  std::optional<int> erlang_c;  // net agents on duty by Erlang C; nullopt: none up to the cap
  std::optional<int> erlang_a;  // by Erlang A, when some of the contacts abandon
  int seed = 0;                 // scheduled agents: the applicable answer grossed up
};

// Expected visits to each stage per customer entering at `entry` (the routing's visit
// ratios, rework loops included).
std::vector<double> visit_ratios(const CompiledModel& model, std::size_t entry);

// A class's expected arrivals per second in each interval: its rate, or its replayed times
// counted per interval.
std::vector<double> arrivals_per_second(const CompiledModel& model, const CompiledClass& klass);

// [pool][interval] seeds of every pool; at most `max_agents` each. A pool that carries load but meets no wait SLA gets
// the fewest agents that keep it stable (load + 1, rounded down); one without load gets 0.
std::vector<std::vector<IntervalSeed>> staffing_seeds(const CompiledModel& model, int max_agents);

// Net agents on duty scaled to scheduled ones: n / ((1 - absenteeism)(1 - shrinkage)),
// rounded up.
int gross_up(int net, double absenteeism, double shrinkage);

// A target as it is judged: a value at least or at most a bound. A proportion (an SLA's
// attainment, the abandonment, the share of days missing an SLA) has an exact binomial
// interval too; a mean (ASA) has only the ratio estimator's.
struct TargetRule {
  bool at_least = true;
  double bound = 0.0;
  bool proportion = true;
};

// One target (in one interval, or over the day) judged on the replications: the value is
// sum(numerator) / sum(denominator) over them (an attainment: hits / trials).
struct Judgement {
  double numerator = 0.0, trials = 0.0;  // summed over the replications
  double value = std::numeric_limits<double>::quiet_NaN();
  double low = 0.0, high = 1.0;  // its confidence interval
  // Enough trials that the target could be shown met at all (had every one gone the right
  // way); a target with fewer is reported as not judged, and never counts as met.
  bool judged = false;
  bool met = false;  // judged, and the interval's far end (low, or high for at most) is within the bound
};

// The interval of a ratio over replications (numerator_r / trials_r pooled): the ratio
// estimator's Student-t interval (days vary; one day's customers are not independent),
// widened for a proportion to the exact Clopper-Pearson interval of the pooled counts
// (which a spread of zero would otherwise shrink to a point); clipped to [0, 1] for a
// proportion, at 0 from below for a mean. At least 2 replications with trials are needed.
Judgement judge_target(std::span<const double> numerators, std::span<const double> trials, const TargetRule& rule,
                       double confidence);

// A target of the search, named for reports: an SLA's name (its attainment), "NAME.risk"
// (the share of days missing it), "abandon_rate" or "asa".
struct StaffingTarget {
  std::string name;
  TargetRule rule;
  bool per_interval = true;  // judged in every interval as well as over the day
  KpiUnit unit = KpiUnit::fraction;
};

struct StaffingAnswer {
  std::vector<std::size_t> pools;  // the pools searched (model indices)
  std::vector<StaffingTarget> targets;
  double confidence = 0.95;
  std::vector<std::vector<IntervalSeed>> seeds;   // [pool][interval], every pool
  std::vector<std::vector<int>> agents;           // [searched pool][interval]
  std::vector<std::vector<Judgement>> intervals;  // [interval][target], at the answer
  std::vector<Judgement> day;                     // [target], at the answer
  // Judged targets still missed (no searched pool could rise further, or more agents did
  // not help): (interval, target), interval == the model's intervals for the day.
  std::vector<std::pair<std::size_t, std::size_t>> unmet;
  std::size_t evaluations = 0;  // runs of the scenario's replications, the answer's included
  double evaluation_cost =
      0.0;  // the same in full runs: each counts the share of the horizon it simulated (from a pause, to a stop)
  ExperimentResult result;  // the answer's run, for the KPIs reported beside it
};

}  // namespace capsim::model
