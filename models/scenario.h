// Scenario: the service blueprint as plain data, units resolved (seconds, fractions,
// per-second rates). Produced by capsim::io from YAML, checked by check_scenario(), turned
// into a CompiledModel by compile(). Declaration order is kept: it fixes output order and
// stream indices.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/distribution.h"

namespace capsim::model {

struct Horizon {
  double start_clock_seconds = 0.0;  // clock label of time 0 (seconds after midnight)
  double length_seconds = 0.0;       // arrivals stop here
  double interval_seconds = 0.0;     // reporting and staffing granularity
  double warmup_seconds = 0.0;       // statistics ignore customers arriving earlier
  int start_weekday = -1;            // 0 = Monday .. 6 = Sunday; -1 when not given
  bool clock_window = false;         // written as {start, end, interval}
  // Clock windows drain (customers present at close are still served); steady-state
  // horizons stop at `length` and count those still present as unfinished.
  bool drain = false;

  int interval_count() const;
};

struct Arrivals {
  // Exactly one of the three is used: a constant Poisson rate, expected counts per interval
  // (a piecewise-constant Poisson process), or given arrival times (a recorded day replayed).
  double rate_per_second = 0.0;
  std::vector<double> per_interval;
  std::vector<double> times;  // seconds from the horizon's start, non-decreasing
  // A trace file's recorded handling time and patience per arrival (seconds; NaN where the
  // row gives none: drawn as usual), aligned with `times`; empty without the columns.
  std::vector<double> handling, patience;
  std::string trace;  // the trace file, as named (its rows were checked as read)
  // Day-level volume uncertainty: each replication multiplies the rates by a gamma factor of
  // mean 1 and this cv (0: none). Not with given times.
  double busyness_cv = 0.0;
  bool uses_per_interval() const { return !per_interval.empty(); }
  bool uses_times() const { return !times.empty(); }
};

// What a customer's failure costs (customers.C.cost): per abandonment, block, balk, and per
// SLA missed (each SLA that judges the customer a miss).
struct FailureCost {
  double abandoned = 0.0, blocked = 0.0, balked = 0.0, sla_breach = 0.0;
};

// Customers already waiting at the entry stage when the horizon starts, each `waited` old.
struct Backlog {
  long long count = 0;
  sim::Distribution waited;
};

// Redials (retrials): a customer whose attempt abandons, is blocked or balks tries again
// with `probability` after `delay`, at most `max_attempts` attempts in all.
struct Redial {
  double probability = 0.0;
  sim::Distribution delay;
  int max_attempts = 2;
};

struct CustomerClass {
  std::string name;
  Arrivals arrivals;
  FailureCost cost;
  std::optional<Backlog> backlog;
  std::optional<Redial> redial;
  std::optional<sim::Distribution> patience;  // absent: infinitely patient
  int priority = 0;                           // higher is served first
  std::string entry;                          // first stage
};

// A break of a shift line: its agents take `length` each, staggered across the window.
struct Break {
  double window_start = 0.0, window_end = 0.0;  // clock seconds after the shift's day starts
  double length_seconds = 0.0;
};

// One line of a pool's roster: `agents` agents working start..end on each listed day.
struct Shift {
  double start = 0.0, end = 0.0;  // clock seconds after midnight; end <= start crosses midnight
  int agents = 0;
  std::vector<Break> breaks;
  std::vector<int> weekdays;  // 0 = Monday .. 6 = Sunday; empty = every day of the horizon
};

struct Skill {
  std::string stage;
  int level = 1;  // 1 = first choice
};

// A break rule of a shift template: one break of `length`, starting `after_min` to
// `after_max` after the shift starts, in steps of `every`.
struct BreakRule {
  double after_min = 0.0, after_max = 0.0, every = 0.0;
  double length_seconds = 0.0;
};

// A shift a planner may roster (`capsim schedule` chooses how many agents work each of its
// placements): a start every `start_every` from `start_from` to `start_to` (clock
// seconds), each of the lengths, each placement of its breaks, on each listed weekday.
struct ShiftTemplate {
  std::string name;  // as given, else "POOL.N"
  double start_from = 0.0, start_to = 0.0, start_every = 0.0;
  std::vector<double> lengths;  // seconds
  std::vector<BreakRule> breaks;
  std::optional<double> cost_per_hour;  // absent: the pool's
  int min = 0;                          // agents on the template each day it works
  std::optional<int> max;
  std::vector<int> weekdays;  // empty = every day of the horizon
  std::size_t position = 0;   // its index in the file's list (messages name it so)
};

struct Pool {
  std::string name;
  std::vector<int> staffing;  // agents per interval (one value = constant); empty with shifts
  std::vector<Shift> shifts;  // the roster, instead of staffing
  double cost_per_hour = 0.0;
  std::optional<double> overtime_cost_per_hour;  // absent: cost_per_hour
  double absenteeism = 0.0;                      // probability that a rostered agent is absent for a day
  double shrinkage = 0.0;                        // probability that a present agent is unavailable for an interval
  std::vector<Skill> skills;                     // empty: every stage that lists the pool, level 1
  std::vector<ShiftTemplate> templates;          // for `capsim schedule`; the roster above runs
  std::optional<int> max_agents_per_day;         // templates: the most agents rostered on one day
  bool roster_given = true;                      // false: templates only (no agents until scheduled)
  bool uses_shifts() const { return !shifts.empty(); }
  // The most agents it can have on duty at once (its agent records): its largest staffing,
  // or every shift line at once. The one definition the checks, warnings and compile use.
  double most_on_duty() const {
    double most = 0.0;
    for (const int agents : staffing) most = std::max(most, static_cast<double>(agents));
    for (const auto& shift : shifts) most += shift.agents;
    return most;
  }
};

// A support system the blueprint's stages need (a CRM, a telephony platform).
struct Outage {
  double from = 0.0, to = 0.0;  // seconds from the horizon's start
};
struct System {
  std::string name;
  std::vector<Outage> down;                  // planned outages
  std::optional<sim::Distribution> between;  // random failures: time from repair to next failure
  std::optional<sim::Distribution> repair;
};

enum class QueueDiscipline { fifo, priority };

// The service blueprint's lanes: what the customer sees (front), the work behind it (back),
// and the support processes (support).
enum class Lane : std::uint8_t { front, back, support };
inline constexpr std::size_t kLanes = 3;

struct Route {
  std::string to;  // a stage name or "exit"
  double probability = 0.0;
};

// Overflow: a customer who has waited `after_seconds` in a stage's line also becomes
// eligible for the extra `pools` (keeping its place), or moves to the line of stage `to`.
struct Overflow {
  double after_seconds = 0.0;
  std::vector<std::string> pools;        // the extra pools, in order of preference ...
  std::vector<double> handling_factors;  // ... aligned with them
  std::string to;                        // ... or the stage it moves to (one of the two)
};

// Callbacks (virtual hold): a customer arriving at the line whose expected wait is above
// `offer_when_wait_above_seconds` is offered a callback and takes it with probability
// `accept`: it keeps its place but no longer abandons, and hangs up (frees its trunk line).
struct Callback {
  double offer_when_wait_above_seconds = 0.0;
  double accept = 0.0;
};

struct Stage {
  std::string name;
  sim::Distribution service;
  std::vector<std::string> pools;            // in order of preference
  std::vector<double> handling_factors;      // aligned with pools: multiplies the service time
  std::optional<sim::Distribution> wrap_up;  // after-contact work: the agent stays busy
  int concurrency = 1;                       // customers of this stage one agent serves at once
  std::vector<std::string> needs;            // systems that must be up for a service to start
  std::optional<int> queue_capacity;         // waiting places; absent = unlimited
  QueueDiscipline discipline = QueueDiscipline::fifo;
  std::vector<Route> next;  // empty = exit with probability 1
  // Waiting customers may run out of patience here: as the file says, else in the front lane
  // only (resolved when the file is read).
  bool abandonment = true;
  Lane lane = Lane::front;  // as the file says, else front for an entry stage and back otherwise
  // Self-service (an IVR, a web form): no pools and no line; every customer is delayed by
  // its service time (infinitely many servers).
  bool self_service = false;
  // Balking: a customer who would wait and finds queue_length[i] or more waiting leaves at
  // once with probability[i] (the largest threshold reached). Thresholds increase.
  std::vector<long long> balk_queue_length;
  std::vector<double> balk_probability;
  std::optional<Overflow> overflow;
  std::optional<Callback> callback;
};

enum class SlaMeasure { wait, sojourn };

struct Sla {
  std::string name;
  std::vector<std::string> customers;  // empty = every class
  std::string stage;                   // for wait SLAs; empty = each class's entry stage
  SlaMeasure measure = SlaMeasure::wait;
  double threshold_seconds = 0.0;
  double target = 0.0;  // fraction in [0, 1]
  // Wait SLAs: abandons within this wait are left out of the denominator (short abandons).
  std::optional<double> exclude_abandoned_within_seconds;
  bool count_blocked = true;  // false: blocked customers are left out, not misses
  bool by_answer = false;     // per-interval results by the verdict's interval, not the arrival's
};

// A statistical assertion for `capsim check`: a KPI, by its JSON path (kpis.abandon_rate,
// slas.answer_20s, classes.premium.kpis.wait_mean, slas.answer_20s.risk, ...), and a bound
// written in the KPI's unit. Resolved and judged once the model's KPIs are known.
struct Assertion {
  std::string kpi;
  std::string bound;     // as written: "80%", "15s", "2000"
  bool at_least = true;  // else at_most
  std::string origin;    // file, line and column of the entry, for messages
  int line = 0, column = 0;
  std::string path;  // "assert.0"
};

// A scenario's `sweep:` section, ranges expanded: `capsim sweep` runs its points.
struct SweepKey {
  std::string key;
  std::vector<std::string> values;
  int line = 0, column = 0;  // of the key in the file, for messages
};
struct SweepSection {
  std::vector<SweepKey> grid;  // each key its own dimension
  std::vector<SweepKey> zip;   // keys varied together
};

// A scenario's `staff:` section: where `capsim staff` may go and what it must meet besides
// (or instead of) every SLA in every interval. A target is an SLA (in every interval and
// over the day, or over the day only; or as a risk: at most that share of replications may
// miss its target), or a KPI at most a bound (abandon_rate, a fraction; asa, seconds).
struct StaffTarget {
  std::string sla;  // an SLA's name, or empty for a KPI target
  std::string kpi;  // "abandon_rate" or "asa" when sla is empty
  bool per_interval = true;
  std::optional<double> risk_at_most;
  double at_most = 0.0;  // the KPI's bound
  std::string path;      // "staff.targets.0", for messages
};
struct StaffSection {
  std::vector<std::string> pools;  // empty: every pool
  std::optional<int> max_agents;   // per pool and interval
  std::vector<StaffTarget> targets;
};

// Telephone lines: a customer of the listed classes holds one from its arrival until it
// leaves the system; an arrival finding every line busy is blocked (a busy signal).
struct Trunks {
  long long lines = 0;
  std::vector<std::string> customers;  // empty = every class
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 1;
  int replications = 10;
  Horizon horizon;
  std::vector<CustomerClass> customers;
  double busyness_cv = 0.0;  // one factor shared by every class with random arrivals (see Arrivals)
  std::optional<Trunks> trunks;
  std::vector<Pool> pools;
  std::vector<Stage> stages;
  std::vector<Sla> slas;
  std::vector<System> systems;
  std::vector<Assertion> assertions;
  SweepSection sweep;
  StaffSection staff;
};

inline constexpr const char* kExitStage = "exit";

}  // namespace capsim::model
