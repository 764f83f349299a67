// KpiAccounts: every statistic one replication keeps, and the one place that turns them into
// KPIs (collect, in the README's KPI table's terms). The customer path reports each step of
// a customer (offered, queued, answered, blocked, abandoned, left); the workforce and the
// support systems keep their time-weighted levels here; `collect` reads nothing else.
// Cost: the per-customer steps are inline and allocate nothing (the wait histogram grows to
// its largest bucket once).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/compiled_model.h"
#include "models/customer.h"
#include "models/ids.h"
#include "models/kpi_layout.h"
#include "sim/assert.h"
#include "sim/statistics.h"

namespace capsim::model {

struct ReplicationResult {
  std::vector<double> values;  // in KpiLayout order
  // For KPIs that are ratios (a rate, a mean wait, a service level, a utilisation): the
  // numerator and denominator behind the value, so that the ratio can also be pooled over
  // replications. NaN for other KPIs.
  std::vector<double> numerators, denominators;
  // Events handled: arrivals, service and wrap-up ends, abandonments, roster steps, breaks,
  // system changes, interval boundaries; not stale timers (work, but nothing happens).
  std::uint64_t events = 0;
  std::uint64_t stale_timers = 0;
  sim::Time end_time = sim::kStart;
  // Invariant counters over all customers (including warm-up), for tests.
  std::uint64_t arrived_total = 0, served_total = 0, abandoned_total = 0, blocked_total = 0, balked_total = 0,
                in_system_at_end = 0;
  // Service starts by an agent not free to take it: must be 0. (The lean copy has no agent
  // records to check; a start beyond those on duty shows in busy_beyond_available.)
  std::uint64_t starts_beyond_staffing = 0;
  std::uint64_t busy_beyond_available = 0;  // instants with busy > available agents: must be 0
  // Customers left inside a clock window's drain (nobody could serve them): the run warns.
  std::uint64_t undrained = 0;
};

class KpiAccounts {
 public:
  KpiAccounts(const CompiledModel& model, const KpiLayout& layout);
  std::size_t memory_bytes() const noexcept;  // about: what a copy holds
  // After a copy (a paused replication resumed): the model and layout it reads from now on.
  void rebind(const CompiledModel& model, const KpiLayout& layout) {
    model_ = &model;
    layout_ = &layout;
  }

  struct PoolLevels {  // time-weighted agent counts of a pool (the workforce keeps them)
    sim::TimeWeighted busy, present, available, scheduled, slots;
    sim::Mean break_delay_seconds;  // breaks falling due inside the statistics window
  };
  struct SystemLevels {         // a support system's (the systems keep them)
    std::uint64_t outages = 0;  // down periods begun in the statistics window
    sim::TimeWeighted down;
  };
  // Counts over every customer and agent, warm-up included: invariants the tests check.
  struct Totals {
    std::uint64_t arrived = 0, served = 0, abandoned = 0, blocked = 0, balked = 0, unfinished = 0;
    std::uint64_t starts_beyond_staffing = 0, busy_beyond_available = 0;
  };

  PoolLevels& pool(PoolId pool) { return pools_[index(pool)]; }
  SystemLevels& system(SystemId system) { return systems_[index(system)]; }
  Totals& totals() { return totals_; }

  // ---- The customer's steps (customer.counted: inside the statistics window) ----
  CAPSIM_INLINE void arrived(const Customer& customer) {
    ++totals_.arrived;
    if (!customer.counted) return;
    ClassAccount& klass = classes_[index(customer.klass)];
    ++klass.offered;
    ++(customer.attempt == 0 ? klass.unique : klass.redials);
    ++intervals_[customer.interval].offered;
  }
  // A customer gave up for good: its failed attempt is not followed by another.
  void lost(const Customer& customer) {
    if (customer.counted) ++classes_[index(customer.klass)].lost;
  }
  // A backlog customer (waiting at the start): offered by its class, in no interval's
  // arrivals.
  void arrived_in_backlog(const Customer& customer) {
    ++totals_.arrived;
    if (!customer.counted) return;
    ++classes_[index(customer.klass)].offered;
    ++classes_[index(customer.klass)].unique;
  }
  CAPSIM_INLINE void entered_stage(const Customer& customer) {
    if (customer.counted) ++stages_[index(customer.stage)].offered;
  }
  // Into and out of a stage's line (every customer: queue lengths are time-weighted).
  CAPSIM_INLINE void queue_entered(const Customer& customer, sim::Time now) {
    stages_[index(customer.stage)].queue_length.enter(now);
    classes_[index(customer.klass)].queue_length.enter(now);
    // Once per wait: a customer an overflow moved on (the wait began elsewhere) counts there.
    if (customer.counted && customer.entry_visit() && customer.queued_at == customer.stage)
      ++classes_[index(customer.klass)].waited_at_entry;
  }
  CAPSIM_INLINE void queue_left(const Customer& customer, sim::Time now) {
    stages_[index(customer.stage)].queue_length.leave(now);
    classes_[index(customer.klass)].queue_length.leave(now);
  }
  CAPSIM_INLINE void answered(Customer& customer, sim::Duration wait) {
    if (!customer.counted) return;
    if (customer.called_back) [[unlikely]]
      classes_[index(customer.klass)].callback_wait.add(static_cast<double>(wait.ticks()));
    record_queue_outcome(customer, VisitEnd::answered, wait);
  }
  // A customer joining a line was offered a callback (Stage::callback), and took it or not.
  void callback_offered(const Customer& customer, bool accepted) {
    if (!customer.counted) return;
    ClassAccount& klass = classes_[index(customer.klass)];
    ++klass.callbacks_offered;
    klass.callbacks_accepted += accepted;
  }
  // The customer's wait at its stage has reached the overflow time and it moves on to
  // another stage's line (Stage::overflow), or is answered by an overflow pool.
  void overflowed(const Customer& customer, sim::Time now) {
    if (!customer.counted) return;
    ++stages_[index(customer.stage)].overflowed;
    add_lane_time(customer, now - customer.stage_entry);  // moves on: its time here ends
  }
  void answered_by_overflow_pool(const Customer& customer) {
    if (customer.counted) ++stages_[index(customer.stage)].overflowed;
  }
  CAPSIM_INLINE void blocked(Customer& customer) {
    if (!customer.counted) return;
    ++stages_[index(customer.stage)].blocked;
    if (customer.entry_visit()) ++classes_[index(customer.klass)].blocked_at_entry;
    record_queue_outcome(customer, VisitEnd::blocked, sim::Duration(0));
  }
  // Refused on arrival, before entering its entry stage (customer.stage): every trunk line
  // busy. A miss for the entry stage's wait SLAs, as a full line's block is.
  CAPSIM_INLINE void blocked_at_arrival(Customer& customer) {
    if (!customer.counted) return;
    ++classes_[index(customer.klass)].blocked_at_entry;
    record_queue_outcome(customer, VisitEnd::blocked, sim::Duration(0));
  }
  // Balked: would have waited, and left at once at the length of the line (a miss for the
  // wait SLAs, as a block is).
  CAPSIM_INLINE void balked(Customer& customer) {
    if (!customer.counted) return;
    ++stages_[index(customer.stage)].balked;
    if (customer.entry_visit()) ++classes_[index(customer.klass)].blocked_at_entry;
    record_queue_outcome(customer, VisitEnd::balked, sim::Duration(0));
  }
  CAPSIM_INLINE void abandoned(Customer& customer, sim::Duration wait) {
    if (!customer.counted) return;
    ++stages_[index(customer.stage)].abandoned;
    add_lane_time(customer, wait - carried_wait(customer));
    record_queue_outcome(customer, VisitEnd::abandoned, wait);
  }
  CAPSIM_INLINE void service_ended(const Customer& customer, sim::Time now) {
    if (!customer.counted) return;
    add_lane_time(customer, now - customer.stage_entry);
    StageAccount& stage = stages_[index(customer.stage)];
    ++stage.served;
    stage.handled_ticks += static_cast<double>((customer.service_ticks + customer.wrap_ticks).ticks());
  }
  // The customer leaves (or is left inside at the end, `unfinished`): its class, interval
  // and sojourn SLAs. `now` is the instant it leaves.
  // (A drain's end, model.drain: nothing more can happen to a customer still inside.)
  void left(Customer& customer, Outcome outcome, sim::Time now);

  // ---- The clock's steps ----
  void close_interval(std::size_t closing, sim::Time now);  // the agent areas of one interval
  void open_window(sim::Time now);                          // the end of warm-up
  void close_window(sim::Time now);                         // the horizon's end
  bool window_closed() const noexcept { return window_closed_; }

  // The KPIs of the replication (events and end time are the caller's).
  ReplicationResult collect() const;

 private:
  struct ClassAccount {
    std::uint64_t offered = 0, answered = 0, served = 0, abandoned = 0, blocked = 0, balked = 0;
    // Refused at the entry stage (blocked, or balked), so never admitted to wait there.
    std::uint64_t blocked_at_entry = 0, waited_at_entry = 0;
    std::uint64_t sla_misses = 0;  // verdicts of "missed" over every SLA judging its customers
    // Customers (first attempts), redials, customers who gave up for good, and customers
    // served at their first attempt.
    std::uint64_t unique = 0, redials = 0, lost = 0, served_first = 0;
    std::uint64_t callbacks_offered = 0, callbacks_accepted = 0;
    sim::Mean callback_wait;                  // in ticks
    std::array<double, kLanes> lane_ticks{};  // time in each lane's stages (waiting and served)
    sim::Mean wait, sojourn;                  // in ticks, as doubles: seconds only when reported
    sim::Histogram wait_ticks;
    sim::CountArea queue_length;
  };
  struct StageAccount {
    sim::CountArea queue_length;
    std::uint64_t offered = 0, served = 0, abandoned = 0, blocked = 0, balked = 0, overflowed = 0;
    double time_ticks = 0.0;  // spent here (waiting and served) by the window's customers
    sim::Mean wait;           // in ticks, as doubles: seconds only when reported (no divide per visit)
    // Service + wrap-up of the services counted in `served`, in ticks: a double, since an
    // int64 of microseconds overflows within the documented limits (10^9 customers of
    // up to ten years each); exact up to 2^53 µs (285 years) in all.
    double handled_ticks = 0;
  };
  struct IntervalAccount {  // of the customers arriving in the interval
    std::uint64_t offered = 0, served = 0, abandoned = 0, answered = 0;
    double wait_ticks_sum = 0.0;  // a double: an int64 could overflow on hostile horizons
  };
  struct IntervalAgents {  // agent areas of one pool over one interval
    double busy = 0.0, present = 0.0, available = 0.0, scheduled = 0.0;
  };
  struct SlaCounts {
    std::uint64_t hits = 0, trials = 0;
  };
  // A stage visit's time (waiting and served, or waiting until it ended) to its lane.
  // The one place a visit's time is added: to its lane and its stage.
  CAPSIM_INLINE void add_lane_time(const Customer& customer, sim::Duration spent) {
    const Lane lane = model_->stages[index(customer.stage)].lane;
    classes_[index(customer.klass)].lane_ticks[static_cast<std::size_t>(lane)] += static_cast<double>(spent.ticks());
    stages_[index(customer.stage)].time_ticks += static_cast<double>(spent.ticks());
  }
  // The part of the customer's wait spent in an earlier line, before an overflow moved it here.
  static sim::Duration carried_wait(const Customer& customer) { return customer.stage_entry - customer.wait_start; }
  // How a visit to a line ended, for the wait SLAs (lost: still waiting when a drain ends).
  enum class VisitEnd : std::uint8_t { answered, abandoned, blocked, balked, lost, still_waiting };

  void record_queue_outcome(Customer& customer, VisitEnd end, sim::Duration wait);
  void judge_wait_slas(Customer& customer, VisitEnd end, sim::Duration wait);
  // The SLA counts of an arrival interval, by SlaId; one trial each, totals summed at the end.
  SlaCounts* sla_counts_of(std::uint32_t interval) { return &sla_counts_[interval * sla_count_]; }
  // The counts an SLA's verdict at `at` goes to: the customer's arrival interval, or (by:
  // answer) the interval the verdict falls in, the last for a drain's.
  SlaCounts& counts_for(const SlaRef& ref, const Customer& customer, sim::Time at) {
    std::uint32_t interval = customer.interval;
    if (ref.by_answer) [[unlikely]]
      interval = static_cast<std::uint32_t>(
          std::min<sim::Ticks>(at.since_start() / model_->interval_ticks, model_->intervals - 1));
    return sla_counts_of(interval)[index(ref.sla)];
  }
  static void judge_sla(SlaCounts& counts, bool hit) {
    ++counts.trials;
    counts.hits += hit;
  }
  IntervalAgents pool_areas(std::size_t pool) const;
  void snapshot_window(std::vector<double>& into, sim::Time now);

  const CompiledModel* model_;
  const KpiLayout* layout_;
  std::size_t sla_count_ = 0;  // model_->slas.size(), without a divide per use
  std::vector<ClassAccount> classes_;
  std::vector<StageAccount> stages_;
  std::vector<PoolLevels> pools_;
  std::vector<SystemLevels> systems_;
  std::vector<IntervalAccount> intervals_;
  std::vector<IntervalAgents> interval_agents_;  // [interval * pools + pool]
  std::vector<IntervalAgents> interval_marks_;   // per pool: areas at the interval's start
  std::vector<SlaCounts> sla_counts_;            // [interval * slas + sla]
  // Time-weighted areas at the start and end of the statistics window, in a fixed order:
  // per class queue, per stage queue, then per pool busy, present, available, scheduled,
  // slots, then per system down.
  std::vector<double> window_start_, window_end_;
  bool window_closed_ = false;
  Totals totals_;
};

// Judges one queue visit: stage wait statistics, the class's answer statistics when this is
// its first answer at the entry stage, and the wait SLAs that apply.
CAPSIM_INLINE void KpiAccounts::record_queue_outcome(Customer& customer, VisitEnd end, sim::Duration wait) {
  const bool answered = end == VisitEnd::answered;
  const auto wait_ticks = static_cast<double>(wait.ticks());
  if (answered) stages_[index(customer.stage)].wait.add(static_cast<double>((wait - carried_wait(customer)).ticks()));
  if (answered && customer.entry_visit()) {
    ClassAccount& klass = classes_[index(customer.klass)];
    ++klass.answered;
    klass.wait.add(wait_ticks);
    klass.wait_ticks.add(wait.ticks());
    IntervalAccount& interval = intervals_[customer.interval];
    ++interval.answered;
    interval.wait_ticks_sum += wait_ticks;
  }
  judge_wait_slas(customer, end, wait);
}

// A wait SLA judges a customer's first visit to its stage (for the entry stage: the visit
// ASA measures): a hit when answered within the threshold. The stage is the one whose line
// the wait began in: a customer an overflow moved on is judged there, by its whole wait. An abandoned, blocked or
// balked visit is a miss whatever its wait (unless the SLA leaves out short abandons or blocks); a visit still waiting
// at the end is a miss once past the threshold and not judged before.
CAPSIM_INLINE void KpiAccounts::judge_wait_slas(Customer& customer, VisitEnd end, sim::Duration wait) {
  const CompiledStage& stage = model_->stages[index(customer.queued_at)];
  if (stage.sla_bit < 0) return;
  const auto& slas = stage.wait_slas[index(customer.klass)];
  if (slas.empty()) return;
  const std::uint64_t bit = std::uint64_t{1} << stage.sla_bit;
  if (customer.sla_stages_seen & bit) return;
  customer.sla_stages_seen |= bit;
  for (const SlaRef& ref : slas) {
    const bool within = wait <= ref.threshold;
    if (end == VisitEnd::still_waiting && within) continue;                 // censored: unknown
    if (end == VisitEnd::abandoned && wait <= ref.short_abandon) continue;  // a short abandon
    if (end == VisitEnd::blocked && !ref.count_blocked) continue;           // blocks left out
    const bool hit = end == VisitEnd::answered && within;
    judge_sla(counts_for(ref, customer, customer.wait_start + wait), hit);
    classes_[index(customer.klass)].sla_misses += !hit;
  }
}

CAPSIM_INLINE void KpiAccounts::left(Customer& customer, Outcome outcome, sim::Time now) {
  const sim::Duration sojourn = now - customer.arrival;
  switch (outcome) {
    case Outcome::served:
      CAPSIM_ASSERT(customer.waited_ticks + customer.served_ticks == sojourn,
                    "wait + service != sojourn for a customer of class " + model_->classes[index(customer.klass)].name +
                        " at t=" + std::to_string(sim::seconds_from_ticks(now)) + "s");
      ++totals_.served;
      break;
    case Outcome::abandoned: ++totals_.abandoned; break;
    case Outcome::blocked: ++totals_.blocked; break;
    case Outcome::balked: ++totals_.balked; break;
    case Outcome::unfinished:
      ++totals_.unfinished;
      if (customer.counted) add_lane_time(customer, now - customer.stage_entry);
      // A visit still waiting is judged once it has waited past a wait SLA's threshold; after
      // a clock window's drain nothing more can happen, so it would wait forever: a miss.
      if (customer.waiting && customer.counted)
        judge_wait_slas(customer, model_->drain ? VisitEnd::lost : VisitEnd::still_waiting, now - customer.wait_start);
      break;
  }
  if (!customer.counted) return;
  ClassAccount& klass = classes_[index(customer.klass)];
  IntervalAccount& interval = intervals_[customer.interval];
  switch (outcome) {
    case Outcome::served:
      ++klass.served;
      klass.served_first += customer.attempt == 0;
      ++interval.served;
      klass.sojourn.add(static_cast<double>(sojourn.ticks()));
      break;
    case Outcome::abandoned:
      ++klass.abandoned;
      ++interval.abandoned;
      break;
    case Outcome::blocked: ++klass.blocked; break;
    case Outcome::balked: ++klass.balked; break;
    case Outcome::unfinished: break;
  }
  // Sojourn SLAs: served within the threshold is a hit; abandoned, blocked and balked customers
  // are misses; an unfinished one is a miss once past the threshold (at once after a
  // drain, which it can never leave), else not judged.
  const bool censored = outcome == Outcome::unfinished && !model_->drain;
  const auto& slas = model_->sojourn_slas[index(customer.klass)];
  if (slas.empty()) return;
  for (const SlaRef& ref : slas) {
    if (outcome == Outcome::served) {
      const bool hit = sojourn <= ref.threshold;
      judge_sla(counts_for(ref, customer, now), hit);
      klass.sla_misses += !hit;
    } else if ((!censored || sojourn > ref.threshold) && (outcome != Outcome::blocked || ref.count_blocked)) {
      judge_sla(counts_for(ref, customer, now), false);
      ++klass.sla_misses;
    }
  }
}

}  // namespace capsim::model
