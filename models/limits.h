// The bounds every scenario is checked against before it runs: each keeps a number inside
// what the engine represents exactly and what a replication can hold in memory and finish
// in reasonable time. They are documented in the README ("Limits"); a value outside them
// is an input error (exit 2), never a silent clamp.
#pragma once

#include <cstdint>

namespace capsim::model {

inline constexpr long long kMaxAgents = 100'000;            // per pool and interval
inline constexpr long long kMaxQueueCapacity = 10'000'000;  // waiting places of one stage
inline constexpr long long kMaxReplications = 10'000'000;
inline constexpr int kMaxIntervals = 100'000;
// Intervals x (classes + pools + SLAs + 6): the per-interval tables of one replication.
inline constexpr double kMaxIntervalTableCells = 2'000'000;
// KPI values kept for the summaries: KPIs x replications (8 bytes each, so 4 GB at most).
inline constexpr double kMaxStoredKpiValues = 5e8;
inline constexpr int kMaxPriorityLevels = 100;       // distinct customer priorities
inline constexpr int kMaxEntities = 10'000;          // classes, pools, stages and SLAs, each
inline constexpr double kMaxCostPerHour = 1e9;       // per agent
inline constexpr double kMaxFailureCost = 1e9;       // per abandonment, block, balk or SLA miss
inline constexpr long long kMaxConcurrency = 100;    // customers one agent serves at once
inline constexpr double kMaxHandlingFactor = 100.0;  // a pool's handling time multiplier
inline constexpr int kMaxSkillLevel = 100;
inline constexpr std::size_t kMaxBreaksPerShift = 16;
// Shift templates: per pool, and the placements (start x length x break placement x day)
// all templates give, which are the integer program's columns.
inline constexpr std::size_t kMaxTemplatesPerPool = 64;
inline constexpr double kMaxTemplateColumns = 200'000;
// The slots an interval is cut into for the cover (breaks shorter than an interval).
inline constexpr long long kMaxCoverSlotsPerInterval = 12;
// ... and the (placement, slot) entries they cover, the program's nonzeros: memory.
inline constexpr double kMaxTemplateCoverEntries = 5'000'000;
// Roster steps (shift starts and ends, breaks) over the horizon, all pools: each is an event.
inline constexpr double kMaxRosterSteps = 1e8;
// The steps stored for all shift lines (each line keeps its days' steps once): memory.
inline constexpr double kMaxShiftLineSteps = 1e6;
// Agent records of one replication, all pools (about 64 bytes each).
inline constexpr double kMaxTotalAgents = 1e6;
// Expected random failures of one system over the horizon (each is two events).
inline constexpr double kMaxExpectedFailures = 1e8;
// Durations: above the clock's 1 µs tick and at most ten years.
inline constexpr double kMinDurationSeconds = 1e-6;
inline constexpr double kMaxDurationSeconds = 10.0 * 365.0 * 86400.0;
// A service or patience law's mean: at least a millisecond, so ticks never round it away.
inline constexpr double kMinMeanSeconds = 1e-3;
// Expected arrivals of one class over the horizon (the clock and memory stay bounded).
inline constexpr double kMaxExpectedArrivals = 1e9;
// A day factor's coefficient of variation (busyness_cv): 100% is already a day as likely to
// bring a third of the forecast as twice it.
inline constexpr double kMaxBusynessCv = 1.0;
// Customers of one class waiting when the horizon starts (backlog).
inline constexpr long long kMaxBacklog = 1'000'000;
// Attempts of one customer, the first included (redial.max_attempts).
inline constexpr long long kMaxAttempts = 1000;
// Steps of a stage's balking table.
inline constexpr std::size_t kMaxBalkingSteps = 100;
// Expected stage visits per customer (rework loops left with too small a probability).
inline constexpr double kMaxExpectedVisits = 1000.0;
// Customers inside the system at once in one replication: beyond it the replication stops
// with a clear message (an overloaded model would otherwise grow until memory runs out).
inline constexpr std::uint64_t kMaxPopulation = 2'000'000;

}  // namespace capsim::model
