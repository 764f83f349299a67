// CompiledModel: a checked Scenario turned into indices, per-tick rates, expanded staffing
// tables and routing tables. Immutable after compile(); shared by const& across replication
// threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/ids.h"
#include "models/random_layout.h"
#include "models/scenario.h"
#include "sim/distribution.h"
#include "sim/time.h"

namespace capsim::model {

inline constexpr std::int32_t kExitIndex = -1;

struct CompiledClass {
  std::string name;
  std::vector<double> rate_per_tick;     // one per interval
  std::vector<double> mean_gap_ticks;    // 1 / rate_per_tick, 0 where it is 0: a multiply per arrival, not a divide
  std::vector<sim::Time> arrival_times;  // given times, when the class replays them
  double busyness_cv = 0.0;              // its own day factor's (Arrivals::busyness_cv)
  bool holds_line = false;               // its calls hold a trunk line (Trunks)
  FailureCost cost;                      // of its failures (the failure_cost KPI)
  std::optional<Backlog> backlog;        // waiting at the start (CustomerClass::backlog)
  std::optional<Redial> redial;          // tries again after a failed attempt (CustomerClass::redial)
  // A trace's recorded handling time and patience per arrival (seconds, NaN: drawn), at
  // the entry visit; empty when the trace has no such column.
  std::vector<double> trace_handling, trace_patience;
  std::optional<sim::Distribution> patience;
  int priority = 0;
  std::uint8_t level = 0;  // 0 is the most urgent priority level
  StageId entry{};
};

// An SLA as a customer is judged by it: which, and its threshold at hand.
struct SlaRef {
  SlaId sla{};
  sim::Duration threshold{};
  sim::Duration short_abandon{-1};  // abandons within it are not judged (Sla); -1: none
  bool count_blocked = true;        // blocked customers are judged (misses)
  bool by_answer = false;           // counted in the verdict's interval, not the arrival's
};

struct CompiledStage {
  std::string name;
  sim::Distribution service;
  // Preference order: the stage's own pools [0, own_pools), then its overflow pools, which
  // serve a customer only once it has waited overflow_after.
  std::vector<PoolId> pools;
  std::vector<double> handling_factors;  // aligned with pools
  std::uint16_t own_pools = 0;
  std::optional<sim::Distribution> wrap_up;
  std::uint16_t concurrency = 1;
  std::vector<SystemId> needs;
  std::uint32_t capacity = 0;  // waiting places
  bool unlimited = true;
  QueueDiscipline discipline = QueueDiscipline::fifo;
  std::vector<double> cumulative;     // routing: cumulative probabilities
  std::vector<std::int32_t> targets;  // stage index or kExitIndex, aligned with `cumulative`
  bool abandonment = true;
  bool self_service = false;  // no agents, no line: a pure delay (Stage::self_service)
  Lane lane = Lane::front;
  // Balking (Stage::balk_queue_length, balk_probability); empty: nobody balks here.
  std::vector<std::uint32_t> balk_at;
  std::vector<double> balk_probability;
  // Overflow (Stage::overflow): after waiting overflow_after in this line, a customer may be
  // served by the overflow pools too, or moves to stage overflow_to's line.
  bool overflows = false;
  sim::Duration overflow_after{};
  std::int32_t overflow_to = -1;  // a stage index; -1: overflow pools (or none)
  // Callbacks (Stage::callback): offered when the expected wait on joining the line is above
  // callback_above; `mean_hold_seconds` is the estimator's handling time (service + wrap-up).
  bool callbacks = false;
  sim::Duration callback_above{};
  double callback_accept = 0.0;
  double mean_hold_seconds = 0.0;
  // Bit of Customer::sla_stages_seen when a wait SLA judges this stage, else -1: a wait SLA
  // judges a customer's first visit to its stage only.
  std::int8_t sla_bit = -1;
  // The wait SLAs judging a class's customers here, [class]; empty unless sla_bit >= 0, so
  // memory grows with classes x SLA stages (at most 64), not classes x stages.
  std::vector<std::vector<SlaRef>> wait_slas;
};

// One step of a shift line's days, in ticks from the horizon's start (negative for a shift
// begun the day before). Agent j of a line of n takes it at at + j * stagger / (n - 1):
// breaks are staggered evenly so that the last one ends with its window (README).
// on/off: a shift day starts or ends; next_day: a shift that runs on without a pause into
// the next day's (back-to-back 24-hour shifts, or one ending as the next starts) enters that
// day, which draws its own absence.
enum class RosterAction : std::uint8_t { on, break_due, off, next_day };
struct RosterStep {
  sim::Time at{};
  sim::Duration stagger{};  // window - length, for a break
  sim::Duration length{};   // of a break
  RosterAction action = RosterAction::on;
  // Horizon day of the shift (absenteeism is drawn per agent and shift day): 0 for the day
  // the horizon starts, kDayBeforeHorizon for the night shift of the day before.
  std::uint32_t day = 0;
};

inline constexpr std::uint32_t kDayBeforeHorizon = 0xFFFFFFFFu;

struct ShiftLine {
  std::uint32_t agents = 0;
  std::uint32_t first = 0;        // index in the pool of the line's first agent
  std::vector<RosterStep> steps;  // every day's, in time order (the same for each agent)
};

// A stage a pool serves, with the pool's position in that stage's preference list.
struct ServedStage {
  StageId stage{};
  std::uint16_t position = 0;
};

struct CompiledPool {
  std::string name;
  // Shorthand pools (`agents`, `staffing`): agents on duty per interval. Empty for rostered
  // pools, whose agents follow the steps of their shift line.
  std::vector<int> staffing;
  std::vector<ShiftLine> lines;
  std::uint32_t agents = 0;  // agent records: the most on duty at once, or the lines' agents
  double cost_per_hour = 0.0, overtime_cost_per_hour = 0.0;
  double absenteeism = 0.0, shrinkage = 0.0;
  std::vector<StageId> stages;                     // stages this pool serves
  std::vector<std::vector<ServedStage>> by_level;  // the same, grouped by skill level, first choice first
  bool concurrent = false;                         // serves a stage with concurrency > 1
  bool rostered() const { return staffing.empty(); }
};

struct CompiledSystem {
  std::string name;
  std::vector<std::pair<sim::Time, sim::Time>> down;  // planned outages [from, to), sorted
  std::optional<sim::Distribution> between, repair;   // random failures, when given
  std::vector<StageId> stages;                        // stages that need it
};

struct CompiledSla {
  std::string name;
  std::vector<bool> applies_to;  // per class
  SlaMeasure measure = SlaMeasure::wait;
  std::int32_t stage = -1;  // -1: each class's entry stage
  sim::Duration threshold{};
  double target = 0.0;
};

struct CompiledModel {
  std::string name;
  std::uint64_t seed = 1;
  int replications = 1;
  double start_clock_seconds = 0.0;
  int start_weekday = -1;  // 0 = Monday; -1 when the horizon's start names no weekday
  bool clock_window = false;
  sim::Duration interval_ticks{};
  int intervals = 1;
  sim::Duration length_ticks{};
  sim::Duration warmup_ticks{};
  sim::Time end() const { return sim::kStart + length_ticks; }  // of the horizon (a drain may run on)
  sim::Time warmup_end() const { return sim::kStart + warmup_ticks; }
  bool drain = false;
  int priority_levels = 1;
  double busyness_cv = 0.0;       // the day factor every class with random arrivals shares
  std::uint64_t trunk_lines = 0;  // telephone lines (Trunks); 0: none
  std::vector<CompiledClass> classes;
  std::vector<CompiledStage> stages;
  std::vector<CompiledPool> pools;
  std::vector<CompiledSla> slas;
  std::vector<CompiledSystem> systems;
  std::uint32_t agents = 0;                // over all pools
  std::vector<std::uint32_t> first_agent;  // per pool: AgentId of its first agent
  // Every agent's stable identity, which keys its absence and shrinkage draws
  // (models/random_layout.h): its shift line in the pool and its index in the line.
  std::vector<AgentIdentity> agent_identity;  // per AgentId
  // sojourn SLAs judged when a class's customer leaves the system: [class]
  std::vector<std::vector<SlaRef>> sojourn_slas;
};

// Throws std::invalid_argument listing the problems when check_scenario() finds any.
CompiledModel compile(const Scenario& scenario);

}  // namespace capsim::model
