// ServiceSystem: one replication of the service blueprint. Holds the event handlers
// (arrival, service end, abandonment, interval boundary, end of warm-up) and the state they
// touch: customers in pre-sized slots linked into intrusive per-stage queues, pool counters
// and streaming accumulators. Customers are slot indices (CustomerId), never pointers;
// classes, stages, pools and SLAs are typed ids (models/ids.h) in every handler.
// Cost: allocates while the customer slots grow to the peak population, then nothing.
//
// Same-tick precedence (kRank) is part of the model's definition and pinned by tests.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/compiled_model.h"
#include "models/kpi_layout.h"
#include "models/random_layout.h"
#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/statistics.h"

namespace capsim::model {

enum class EventKind : std::uint8_t {
  interval_boundary,
  warmup_end,
  roster,     // a shift line's next step (subject: the line, numbered over all pools)
  break_end,  // (subject: agent, generation: the agent's)
  system,     // a support system goes down or comes up (subject: system, generation: SystemChange)
  service_end,
  wrap_end,  // an agent's after-contact work ends (subject: agent)
  abandon,
  arrival,
};

// Rank of each kind among events at the same tick (lower first).
inline constexpr std::array<std::uint8_t, 9> kRank{
    0,  // interval_boundary: staffing changes and interval statistics close before anything else
    1,  // warmup_end: the statistics window opens before the tick's events are judged
    2,  // roster: agents come and go, and breaks fall due, before the tick's work is handed out
    3,  // break_end: after the roster, so a shift ending now ends the break with it
    4,  // system: after agents came and went (their services may start first), an outage
        //   starting now holds the services the rest of the tick would start
    5,  // service_end: frees an agent before an abandonment at the same tick is judged
    5,  // wrap_end: likewise
    6,  // abandon: a customer whose patience ends as an agent frees is answered, not lost
    7,  // arrival: a newcomer queues behind everyone already waiting at that tick
};
inline constexpr std::uint8_t rank_of(EventKind kind) { return kRank[static_cast<std::size_t>(kind)]; }
static_assert(*std::max_element(kRank.begin(), kRank.end()) <= sim::Event::kMaxRank, "a rank beyond the event's bits");

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
  // Events handled: arrivals, service and wrap-up ends, abandonments, roster steps, breaks,
  // system changes, interval boundaries; not stale timers (work, but nothing happens).
  std::uint64_t events = 0;
  std::uint64_t stale_timers = 0;
  sim::Time end_time = 0;
  // Invariant counters over all customers (including warm-up), for tests.
  std::uint64_t arrived_total = 0, served_total = 0, abandoned_total = 0, blocked_total = 0, in_system_at_end = 0;
  // Service starts by an agent not free to take it: must be 0. (The lean copy has no agent
  // records to check; a start beyond those on duty shows in busy_beyond_available.)
  std::uint64_t starts_beyond_staffing = 0;
  std::uint64_t busy_beyond_available = 0;  // instants with busy > available agents: must be 0
  // Customers left inside a clock window's drain (nobody could serve them): the run warns.
  std::uint64_t undrained = 0;
};

// The features of a model beyond lines of single-server agents, each of which costs the
// customer's path a few checks. The hot handlers are compiled twice: for every feature, and
// for none; a model that uses none of them runs the second copy. The two are the same
// source and give bit-identical results (tests/models/test_features.cpp).
struct Features {
  bool wrap_up = true;           // a stage with after-contact work
  bool routing = true;           // a stage with several exits
  bool capacity = true;          // a stage with limited waiting places
  bool concurrency = true;       // a stage whose agents take several customers at once
  bool systems = true;           // a stage that needs a support system
  bool shared_pools = true;      // a stage served by several pools, or a pool serving several stages
  bool handling_factors = true;  // a pool's handling factor other than 1 somewhere
  // An agent may be due to leave as its hands free: rosters (shift ends, breaks), shrinkage,
  // absence, or a shorthand pool's staffing that drops.
  bool leaving_agents = true;

  bool operator==(const Features&) const = default;
};
inline constexpr Features kEveryFeature{};
inline constexpr Features kNoFeature{false, false, false, false, false, false, false, false};

// The features `model` uses.
Features features_of(const CompiledModel& model);

// Which copy of the hot handlers a replication runs: the leanest the model allows, or (for
// tests) the one for every feature.
enum class HandlerCopy : std::uint8_t { leanest, every_feature };

class ServiceSystem {
 public:
  ServiceSystem(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                HandlerCopy copy = HandlerCopy::leanest);

  // Runs the replication to its end and returns its KPIs.
  ReplicationResult run();

  // Whether this replication runs the copy of the handlers for no feature.
  bool lean() const noexcept { return lean_; }

 private:
  template <Features F>
  struct Dispatch;  // the event handler sim::run_until calls: handle<F>
  // Every event is scheduled through these two: the rank comes from the kind (kRank), so
  // the two can never disagree.
  CAPSIM_INLINE void schedule(EventKind kind, sim::Time at, std::uint32_t subject, std::uint32_t generation = 0) {
    events_.schedule(at, rank_of(kind), static_cast<std::uint8_t>(kind), subject, generation);
  }
  CAPSIM_INLINE void schedule_source(EventKind kind, sim::Time at, std::uint32_t subject) {
    events_.schedule_source(at, rank_of(kind), static_cast<std::uint8_t>(kind), subject);
  }
  // In a model with none of the features a pool's agents are interchangeable (one pool per
  // stage and stage per pool, no concurrency, no handling factors; nobody's shift, break,
  // absence or shrinkage): the lean copy keeps them as counts, on duty and busy, with no
  // idle list, and a customer's `agent` is the pool's first agent, standing for any of them.
  // Which one serves whom is not observable, so the KPIs are those of agents as individuals
  // (tested). The rare paths such a model reaches (staffing rises, rule 3) follow `lean_`.
  template <Features F>
  static constexpr bool counted_agents = F == kNoFeature;
  template <Features F>
  void handle(const sim::Event& event);
  struct alignas(64) Customer {  // 128 bytes: a slot index scales by a shift
    sim::Time arrival = 0;
    sim::Time stage_entry = 0;
    sim::Time service_ticks = 0;  // this visit's, at the serving pool's handling factor
    sim::Time wrap_ticks = 0;     // this visit's after-contact work (when the stage has any)
#ifdef CAPSIM_CHECKS
    sim::Time waited_ticks = 0;  // over all stages: waited + served == sojourn, exactly (checked)
    sim::Time served_ticks = 0;
#endif
    double service_seconds = 0.0;       // drawn at stage entry, before the handling factor
    std::uint64_t queue_seq = 0;        // enqueue order, for "longest waiting"
    std::uint64_t arrival_index = 0;    // k-th arrival of its class: the subject of its random numbers
    std::uint64_t routing_word = 0;     // this visit's routing word (see StreamPurpose)
    std::uint64_t sla_stages_seen = 0;  // bit per SLA stage (CompiledStage::sla_bit) already judged
    std::uint32_t generation = 0;
    CustomerId prev = kNoCustomer, next = kNoCustomer;
    AgentId agent = kNoAgent;    // serving agent
    std::uint32_t interval = 0;  // arrival interval
    std::uint32_t visit = 0;     // stage visits so far, 0 at the entry stage
    ClassId klass{};
    StageId stage{};
    std::uint16_t level = 0;  // not a char type: a store of one would alias every pointer the handlers hold
    bool counted = false;     // arrived inside the statistics window
    bool in_system = false;   // the slot holds a customer
    bool waiting = false;     // in a stage's queue
    // In its entry stage, not yet answered: the visit ASA judges. Only a customer served
    // moves on, so that is its first visit, and a later visit is never one.
    bool entry_visit() const noexcept { return visit == 0; }
  };

  // An agent is off (not at work), working (idle or with contacts in hand) or away (present
  // but on a break or shrinkage). `pending` is where it goes once its hands are free.
  enum class AgentState : std::uint8_t { off, working, away };
  enum class Pending : std::uint8_t { none, off, break_, shrinkage };
  struct Agent {
    sim::Time due_since = 0;                              // when the owed break fell due
    sim::Time break_length = 0;                           // of the owed break
    sim::Time next_due_since = 0, next_break_length = 0;  // a second break owed behind it
    AgentId prev = kNoAgent, next = kNoAgent;             // in the list `list`
    std::uint32_t list = kNoList;                         // idle list or open-slot list it is in
    std::uint32_t generation = 0;                         // break-end timers of an earlier break are stale
    PoolId pool{};
    StageId stage{};             // stage of the contacts in hand
    std::uint16_t position = 0;  // of the pool in that stage's preference list
    std::uint16_t contacts = 0;  // customers in hand, wrap-up included
    AgentState state = AgentState::off;
    Pending pending = Pending::none;
    bool rostered = false;   // its shift is on now
    bool absent = false;     // absent for the day of its current shift
    bool shrunk = false;     // drawn for shrinkage in the current interval
    bool on_break = false;   // away for a break (else away for shrinkage)
    bool next_owed = false;  // a break fell due while another was owed or under way
  };
  static constexpr std::uint32_t kNoList = 0xFFFFFFFFu;

  struct AgentList {  // intrusive FIFO: head is the one waiting longest
    AgentId head = kNoAgent, tail = kNoAgent;
  };

  struct Queue {  // one FIFO list per priority level
    CustomerId head = kNoCustomer, tail = kNoCustomer;
  };

  struct alignas(64) StageState {  // 128 bytes: an index scales by a shift
    std::vector<Queue> levels;
    std::uint32_t waiting = 0;
    std::uint32_t systems_down = 0;  // needed systems now down: no service starts while > 0
    std::uint32_t open_lists = 0;    // index in lists_ of the open-slot list of its first pool
    PoolId first_pool{};             // of its preference list (the only one in the lean copy)
    sim::CountArea queue_length;
    std::uint64_t offered = 0, served = 0, abandoned = 0, blocked = 0;
    sim::Mean wait;  // in ticks, as doubles: seconds only when reported (no divide per visit)
    // Service + wrap-up of the services counted in `served`, in ticks: a double, since an
    // int64 of microseconds overflows within the documented limits (10^9 customers of
    // up to ten years each); exact up to 2^53 µs (285 years) in all.
    double handled_ticks = 0;
  };

  struct alignas(64) PoolState {  // 256 bytes: an index scales by a shift
    int working = 0, away = 0, busy = 0, scheduled = 0;
    ServedStage first_stage{};  // of its first skill level (the only one in the lean copy)
    AgentId first_agent{};      // its first agent: the representative of counted agents
    // Shorthand pools: agents on duty wanted now, agents away for shrinkage wanted now, and
    // busy agents still to leave (the next ones freed leave: a drop takes idle agents first).
    int target = 0, away_target = 0, excess = 0;
    std::vector<AgentId> off_agents, away_agents;  // shorthand pools: agents to call on
    sim::TimeWeighted busy_level, present_level, available_level, scheduled_level, slot_level;
    sim::Mean break_delay_seconds;
  };

  struct SystemState {
    int planned = 0;  // planned outages in progress
    bool failed = false;
    std::uint64_t failures = 0;  // failures so far: the subject of the next gap's random number
    std::uint64_t outages = 0;   // down periods begun in the statistics window
    sim::TimeWeighted down_level;
    sim::StreamKey key{};
  };
  enum class SystemChange : std::uint32_t { planned_start, planned_end, failure, repair };

  struct ClassStats {
    std::uint64_t offered = 0, answered = 0, served = 0, abandoned = 0, blocked = 0;
    std::uint64_t blocked_at_entry = 0, waited_at_entry = 0;
    sim::Mean wait, sojourn;  // in ticks, as doubles: seconds only when reported
    sim::Histogram wait_ticks;
    sim::CountArea queue_length;
  };

  struct IntervalStats {
    std::uint64_t offered = 0, served = 0, abandoned = 0, answered = 0;
    double wait_ticks_sum = 0.0;  // a double: an int64 could overflow on hostile horizons
  };
  // Agent areas of one pool over one interval.
  struct IntervalAgents {
    double busy = 0.0, present = 0.0, available = 0.0, scheduled = 0.0;
  };

  struct SlaCounts {
    std::uint64_t hits = 0, trials = 0;
  };

  // Handlers.
  template <Features F>
  void on_arrival(ClassId klass);
  template <Features F>
  void on_service_end(CustomerId customer);
  void on_wrap_end(AgentId agent);
  void on_abandon(CustomerId customer, std::uint32_t generation);
  void schedule_boundary(std::uint32_t boundary);
  void on_interval_boundary(std::uint32_t boundary);
  void on_warmup_end();
  void on_roster(std::uint32_t line);
  void on_break_end(AgentId agent, std::uint32_t generation);
  void on_system(SystemId system, SystemChange change);

  // Customer steps.
  // The customer's random word for `purpose` at `visit`: word k % 4 of (k / 4, visit, purpose).
  std::uint64_t customer_word(ClassId klass, std::uint64_t arrival_index, std::uint32_t visit, StreamPurpose purpose);
  void schedule_next_arrival(ClassId klass);  // from now_, in current_interval_
  template <Features F>
  void enter_stage(CustomerId customer, StageId stage);
  // from_busy: the agent has just freed its hands and is still counted busy (rule 2).
  enum class Handover : std::uint8_t { from_idle, from_busy };
  template <Features F>
  void start_service(CustomerId customer, AgentId agent, std::uint16_t position,
                     Handover handover = Handover::from_idle);
  // The one way out: all accounting of a customer leaving (or left inside at the end).
  void leave_system(CustomerId customer, Outcome outcome);
  CustomerId first_in_line(StageId stage) const;
  bool taken_before(CustomerId a, CustomerId b) const;
  void enqueue(CustomerId customer);
  void unlink(CustomerId customer);
  void record_queue_outcome(Customer& customer, bool answered, sim::Time wait);
  enum class VisitEnd : std::uint8_t { answered, lost, still_waiting };  // lost: abandoned or blocked
  void judge_wait_slas(Customer& customer, VisitEnd end, sim::Time wait);
  // The SLA counts of an arrival interval, by SlaId; one trial each, totals summed at the end.
  SlaCounts* sla_counts_of(std::uint32_t interval) { return &interval_sla_counts_[interval * sla_count_]; }
  static void judge_sla(SlaCounts& counts, bool hit) {
    ++counts.trials;
    counts.hits += hit;
  }

  // Agent steps.
  template <Features F>
  AgentId server_for(StageId stage, std::uint16_t& position);  // rule 1, or none
  template <Features F>
  void release_slot(AgentId agent);  // a contact (and its wrap-up) is done
  template <Features F>
  void agent_free(AgentId agent);  // hands empty: leave, break, or take the next (rule 2)
  template <Features F>
  bool take_next(AgentId agent);   // rule 2 for a free agent: true if it took someone
  void fill_slots(AgentId agent);  // concurrency: more customers of its stage
  template <Features F>
  void serve_waiting();                           // rule 3: after agents become available
  void come_to_work(AgentId agent);               // off or away -> working, idle
  void go_away(AgentId agent, AgentState state);  // off or away from working (hands free)
  void make_due(AgentId agent, Pending pending);  // leave as soon as hands are free
  void start_break(AgentId agent);
  void reopen(AgentId agent);
  struct LineCursor {
    std::uint32_t step = 0, rank = 0;  // next step, and for a break the agent of the line
  };
  struct LineRef {
    PoolId pool{};
    std::uint32_t line = 0;
  };
  sim::Time line_step_time(const ShiftLine& line, const LineCursor& cursor) const;
  static void advance(const ShiftLine& line, LineCursor& cursor);
  void schedule_line_step(std::uint32_t line);
  void roster_step(AgentId agent, const RosterStep& step);
  void apply_shorthand(PoolId pool, std::size_t interval);
  void rebalance_shorthand(PoolId pool);
  void draw_shrinkage(PoolId pool, std::size_t interval);
  bool absent(PoolId pool, AgentIdentity agent, std::uint32_t day) const;
  bool shrunk(PoolId pool, AgentIdentity agent, std::size_t interval) const;
  double agent_draw(PoolId pool, AgentIdentity agent, std::uint32_t period, StreamPurpose purpose) const;
  std::uint32_t day_of_interval(std::size_t interval) const;  // horizon day, 0 = the start's
  void list_push(std::uint32_t list, AgentId agent);
  AgentId list_pop(std::uint32_t list);
  void list_remove(AgentId agent);
  void set_system_down(SystemId system, bool down);
  void schedule_failure(SystemId system);
  // Level bookkeeping (time-weighted): every change of a pool's counts goes through these.
  void add_busy(PoolId pool, int delta);
  void add_working(PoolId pool, int delta);
  void add_away(PoolId pool, int delta);
  void set_scheduled(PoolId pool, int scheduled);

  CustomerId allocate_customer();
  void release_customer(CustomerId customer);
  Customer& at(CustomerId customer) { return customers_[index(customer)]; }
  Agent& at(AgentId agent) { return agents_[index(agent)]; }
  PoolState& at(PoolId pool) { return pools_[index(pool)]; }
  StageState& at(StageId stage) { return stages_[index(stage)]; }
  SystemState& at(SystemId system) { return systems_[index(system)]; }
  void close_interval(std::size_t closing);
  void snapshot_window(std::vector<double>& into);
  ReplicationResult collect(sim::Time end_time);

  const CompiledModel& model_;
  const KpiLayout& layout_;
  std::uint64_t replication_;
  bool lean_ = false;
  sim::EventQueue events_;
  sim::Time now_ = 0;
  int current_interval_ = 0;
  std::uint64_t next_queue_seq_ = 0;
  std::uint64_t events_handled_ = 0, stale_timers_ = 0;
  std::uint64_t waiting_total_ = 0;  // customers in every line

  std::vector<double> interval_end_;  // tick at which each interval ends (the last at length)
  std::vector<Customer> customers_;
  CustomerId free_slot_ = kNoCustomer;  // the last slot freed: free slots are chained by `next`
  std::uint64_t in_system_ = 0;

  std::vector<Agent> agents_;
  std::vector<AgentList> lists_;  // per pool its idle list, then per stage one per preferred pool
  std::vector<StageState> stages_;
  std::vector<PoolState> pools_;
  std::vector<SystemState> systems_;
  std::vector<sim::StreamKey> pool_keys_;
  std::vector<LineRef> line_refs_;        // every shift line of every pool
  std::vector<LineCursor> line_cursors_;  // aligned with line_refs_
  std::vector<IntervalStats> interval_stats_;
  std::vector<IntervalAgents> interval_agents_;  // [interval * pools + pool]
  std::vector<IntervalAgents> interval_marks_;   // per pool: areas at the interval's start
  std::vector<SlaCounts> interval_sla_counts_;   // [interval * slas + sla]
  std::size_t sla_count_ = 0;                    // model_.slas.size(), without a divide per use

  // A class's arrival process and random numbers, with what its customers' path reads of
  // the compiled class: one record per class.
  struct HeldBlock {
    std::uint64_t group = ~std::uint64_t{0};  // k / 4 of the words held; none at first
    std::uint32_t visit = 0;
    sim::Block block{};
  };
  struct ClassState {
    sim::StreamKey key{};                   // by class name: see sim/random.h
    std::uint64_t next_arrival_index = 0;   // of the next arrival drawn
    const double* rate_per_tick = nullptr;  // per interval
    const double* mean_gap_ticks = nullptr;
    const sim::Distribution* patience = nullptr;  // none: its customers never give up
    bool replays = false;                         // given arrival times, no randomness
    std::uint16_t level = 0;
    StageId entry{};
    // The last block drawn per customer purpose and visit kind (the entry visit, or a later
    // one): consecutive arrivals read the words of one block.
    std::array<std::array<HeldBlock, 2>, kCustomerPurposes> held{};
    ClassStats stats;
  };
  std::vector<ClassState> classes_;

  // Time-weighted areas at the start and end of the statistics window, in a fixed order:
  // per class queue, per stage queue, then per pool busy, present, available, scheduled,
  // slots, then per system down.
  std::vector<double> window_start_, window_end_;
  bool window_closed_ = false;

  std::uint64_t arrived_total_ = 0, served_total_ = 0, abandoned_total_ = 0, blocked_total_ = 0;
  std::uint64_t unfinished_total_ = 0;
  std::uint64_t starts_beyond_staffing_ = 0, busy_beyond_available_ = 0;
};

// Runs one replication (convenience over ServiceSystem).
ReplicationResult run_replication(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                                  HandlerCopy copy = HandlerCopy::leanest);

}  // namespace capsim::model
