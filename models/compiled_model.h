// CompiledModel: a checked Scenario turned into indices, per-tick rates, expanded staffing
// tables and routing tables. Immutable after compile(); shared by const& across replication
// threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/ids.h"
#include "models/scenario.h"
#include "sim/distribution.h"
#include "sim/time.h"

namespace capsim::model {

inline constexpr std::int32_t kExitIndex = -1;

struct CompiledClass {
  std::string name;
  std::vector<double> rate_per_tick;  // one per interval
  std::optional<sim::Distribution> patience;
  int priority = 0;
  std::uint8_t level = 0;  // 0 is the most urgent priority level
  StageId entry{};
};

struct CompiledStage {
  std::string name;
  sim::Distribution service;
  std::vector<PoolId> pools;   // preference order
  std::uint32_t capacity = 0;  // waiting places
  bool unlimited = true;
  QueueDiscipline discipline = QueueDiscipline::fifo;
  std::vector<double> cumulative;     // routing: cumulative probabilities
  std::vector<std::int32_t> targets;  // stage index or kExitIndex, aligned with `cumulative`
  bool abandonment = true;
  // Bit of Customer::sla_stages_seen when a wait SLA judges this stage, else -1: a wait SLA
  // judges a customer's first visit to its stage only.
  std::int8_t sla_bit = -1;
  // The wait SLAs judging a class's customers here, [class]; empty unless sla_bit >= 0, so
  // memory grows with classes x SLA stages (at most 64), not classes x stages.
  std::vector<std::vector<SlaId>> wait_slas;
};

struct CompiledPool {
  std::string name;
  std::vector<int> staffing;  // one per interval
  double cost_per_hour = 0.0;
  std::vector<StageId> stages;  // stages this pool serves
};

struct CompiledSla {
  std::string name;
  std::vector<bool> applies_to;  // per class
  SlaMeasure measure = SlaMeasure::wait;
  std::int32_t stage = -1;  // -1: each class's entry stage
  sim::Time threshold = 0;
  double target = 0.0;
};

struct CompiledModel {
  std::string name;
  std::uint64_t seed = 1;
  int replications = 1;
  double start_clock_seconds = 0.0;
  bool clock_window = false;
  sim::Time interval_ticks = 0;
  int intervals = 1;
  sim::Time length_ticks = 0;
  sim::Time warmup_ticks = 0;
  bool drain = false;
  int priority_levels = 1;
  std::vector<CompiledClass> classes;
  std::vector<CompiledStage> stages;
  std::vector<CompiledPool> pools;
  std::vector<CompiledSla> slas;
  // sojourn SLAs judged when a class's customer leaves the system: [class]
  std::vector<std::vector<SlaId>> sojourn_slas;
};

// Throws std::invalid_argument listing the problems when check_scenario() finds any.
CompiledModel compile(const Scenario& scenario);

}  // namespace capsim::model
