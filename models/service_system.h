// ServiceSystem: one replication of the service blueprint. Holds the event handlers
// (arrival, service end, abandonment, interval boundary, end of warm-up) and the state they
// touch: customers in pre-sized slots linked into intrusive per-stage queues, pool counters
// and streaming accumulators. Customers are slot indices (CustomerId), never pointers;
// classes, stages, pools and SLAs are typed ids (models/ids.h) in every handler.
// Cost: allocates while the customer slots grow to the peak population, then nothing.
//
// Same-tick precedence (kRank) is part of the model's definition and pinned by tests.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/compiled_model.h"
#include "models/kpi_layout.h"
#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/statistics.h"

namespace capsim::model {

enum class EventKind : std::uint8_t { interval_boundary, warmup_end, service_end, abandon, arrival };

// Rank of each kind among events at the same tick (lower first).
inline constexpr std::array<std::uint8_t, 5> kRank{
    0,  // interval_boundary: staffing changes and interval statistics close before anything else
    1,  // warmup_end: the statistics window opens before the tick's events are judged
    2,  // service_end: frees an agent before an abandonment at the same tick is judged
    3,  // abandon: a customer whose patience ends as an agent frees is answered, not lost
    4,  // arrival: a newcomer queues behind everyone already waiting at that tick
};

// What a random number is for: the `purpose` of its counter (sim/random.h gives the key and
// counter layout). Customers' numbers are keyed by their class's name and counted by
// (arrival index k, visit v), so a customer's arrival time, and its handling time, patience
// and route at each visit, depend on nothing else in the scenario:
//   interarrival gap before arrival k: word k % 4 of block (k / 4, 0, interarrivals),
//                                      further words from (k, 0, interarrival_more);
//   visit v of arrival k: block (k, v, visit) = {service, patience, routing, unused},
//                         further service words from (k, v, service_more), patience from
//                         (k, v, patience_more); routing uses its one word.
enum class StreamPurpose : std::uint8_t {
  interarrivals = 1,
  visit = 2,
  service_more = 3,
  patience_more = 4,
  interarrival_more = 5,
};

// The ways out of the system. Every customer leaves through ServiceSystem::leave_system with
// one of them; `unfinished` is a customer still inside when the replication ends.
enum class Outcome : std::uint8_t { served, abandoned, blocked, unfinished };

// Thrown when a replication holds more than kMaxPopulation customers at once: an overloaded
// model is stopped with this message instead of growing until memory runs out.
class PopulationLimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReplicationResult {
  std::vector<double> values;  // in KpiLayout order
  // For KPIs that are ratios (a rate, a mean wait, a service level, a utilisation): the
  // numerator and denominator behind the value, so that the ratio can also be pooled over
  // replications. NaN for other KPIs.
  std::vector<double> numerators, denominators;
  std::uint64_t events = 0;  // arrivals + service ends + abandonments
  std::uint64_t stale_timers = 0;
  sim::Time end_time = 0;
  // Invariant counters over all customers (including warm-up), for tests.
  std::uint64_t arrived_total = 0, served_total = 0, abandoned_total = 0, blocked_total = 0, in_system_at_end = 0;
  std::uint64_t starts_beyond_staffing = 0;  // service starts while busy >= staffed: must be 0
  // Customers left inside a clock window's drain (nobody could serve them): the run warns.
  std::uint64_t undrained = 0;
};

class ServiceSystem {
 public:
  ServiceSystem(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication);

  // Runs the replication to its end and returns its KPIs.
  ReplicationResult run();

  // The event handler called by sim::run_until.
  void handle(const sim::Event& event);

 private:
  struct Customer {
    sim::Time arrival = 0;
    sim::Time stage_entry = 0;
    sim::Time service_ticks = 0;
    sim::Time waited_ticks = 0;  // over all stages: waited + served == sojourn, exactly
    sim::Time served_ticks = 0;
    std::uint64_t queue_seq = 0;        // enqueue order, for "longest waiting"
    std::uint64_t arrival_index = 0;    // k-th arrival of its class: the subject of its random numbers
    std::uint64_t routing_word = 0;     // this visit's routing word (see StreamPurpose)
    std::uint64_t sla_stages_seen = 0;  // bit per SLA stage (CompiledStage::sla_bit) already judged
    std::uint32_t generation = 0;
    CustomerId prev = kNoCustomer, next = kNoCustomer;
    std::uint32_t interval = 0;  // arrival interval
    std::uint32_t visit = 0;     // stage visits so far, 0 at the entry stage
    ClassId klass{};
    StageId stage{};
    PoolId pool{};
    std::uint8_t level = 0;
    bool counted = false;      // arrived inside the statistics window
    bool answered = false;     // has been answered at its entry stage
    bool entry_visit = false;  // in its entry stage, not yet answered: the visit ASA judges
    bool in_system = false;    // the slot holds a customer
    bool waiting = false;      // in a stage's queue
  };

  struct Queue {  // one FIFO list per priority level
    CustomerId head = kNoCustomer, tail = kNoCustomer;
  };

  struct StageState {
    std::vector<Queue> levels;
    std::uint32_t waiting = 0;
    sim::TimeWeighted queue_length;
    std::uint64_t offered = 0, served = 0, abandoned = 0, blocked = 0;
    sim::RunningStats wait_seconds;
  };

  struct PoolState {
    int staffed = 0;
    int busy = 0;
    sim::TimeWeighted busy_level, present_level;
  };

  struct ClassStats {
    std::uint64_t offered = 0, answered = 0, served = 0, abandoned = 0, blocked = 0;
    std::uint64_t blocked_at_entry = 0, waited_at_entry = 0;
    sim::RunningStats wait_seconds, sojourn_seconds;
    sim::Histogram wait_ticks;
    sim::TimeWeighted queue_length;
  };

  struct IntervalStats {
    std::uint64_t offered = 0, served = 0, abandoned = 0, answered = 0;
    double wait_seconds_sum = 0.0;
    double busy_area = 0.0, present_area = 0.0;
  };

  struct SlaCounts {
    std::uint64_t hits = 0, trials = 0;
  };

  // Handlers.
  void on_arrival(ClassId klass);
  void on_service_end(CustomerId customer);
  void on_abandon(CustomerId customer, std::uint32_t generation);
  void on_interval_boundary(std::uint32_t boundary);
  void on_warmup_end();

  // Steps.
  void schedule_next_arrival(ClassId klass);  // from now_, in current_interval_
  void enter_stage(CustomerId customer, StageId stage);
  void start_service(CustomerId customer, PoolId pool);
  // The one way out: all accounting of a customer leaving (or left inside at the end).
  void leave_system(CustomerId customer, Outcome outcome);
  bool serve_next_waiting(PoolId pool);  // true if the freed agent took someone
  void serve_waiting_with_new_agents();
  CustomerId first_in_line(StageId stage) const;
  bool taken_before(CustomerId a, CustomerId b) const;
  void enqueue(CustomerId customer);
  void unlink(CustomerId customer);
  void record_queue_outcome(Customer& customer, bool answered, sim::Time wait);
  enum class VisitEnd : std::uint8_t { answered, lost, still_waiting };  // lost: abandoned or blocked
  void judge_wait_slas(Customer& customer, VisitEnd end, sim::Time wait);
  void judge_sla(SlaId sla, std::uint32_t interval, bool hit);
  sim::LeadWordStream visit_stream(const Customer& customer, std::uint64_t lead, StreamPurpose more) const;
  void set_busy(PoolId pool, int busy);
  void set_staffed(PoolId pool, int staffed);
  CustomerId allocate_customer();
  void release_customer(CustomerId customer);
  Customer& at(CustomerId customer) { return customers_[index(customer)]; }
  PoolState& at(PoolId pool) { return pools_[index(pool)]; }
  StageState& at(StageId stage) { return stages_[index(stage)]; }
  void snapshot_window(std::vector<double>& into);
  ReplicationResult collect(sim::Time end_time);

  const CompiledModel& model_;
  const KpiLayout& layout_;
  std::uint64_t replication_;
  sim::EventQueue events_;
  sim::Time now_ = 0;
  int current_interval_ = 0;
  std::uint64_t next_queue_seq_ = 0;
  std::uint64_t events_handled_ = 0, stale_timers_ = 0;

  std::vector<double> interval_end_;  // tick at which each interval ends (the last at length)
  std::vector<Customer> customers_;
  std::vector<CustomerId> free_slots_;
  std::uint64_t in_system_ = 0;

  std::vector<StageState> stages_;
  std::vector<PoolState> pools_;
  std::vector<ClassStats> class_stats_;
  std::vector<IntervalStats> interval_stats_;
  std::vector<SlaCounts> interval_sla_counts_;  // [interval * slas + sla]

  std::vector<sim::StreamKey> class_keys_;         // by class name: see sim/random.h
  std::vector<std::uint64_t> next_arrival_index_;  // per class: index of the next arrival drawn
  std::vector<sim::Block> interarrival_blocks_;    // per class: block of the next four gaps

  // Time-weighted areas at the start and end of the statistics window, in a fixed order:
  // per class queue, per stage queue, per pool busy, per pool present.
  std::vector<double> window_start_, window_end_;
  bool window_closed_ = false;
  std::vector<double> interval_busy_mark_, interval_present_mark_;

  std::uint64_t arrived_total_ = 0, served_total_ = 0, abandoned_total_ = 0, blocked_total_ = 0;
  std::uint64_t unfinished_total_ = 0;
  std::uint64_t starts_beyond_staffing_ = 0;
};

// Runs one replication (convenience over ServiceSystem).
ReplicationResult run_replication(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication);

}  // namespace capsim::model
