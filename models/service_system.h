// ServiceSystem: one replication of the service blueprint. Holds the customer's hot path
// together for the inliner — arrivals, stage entry, the lines, service starts and ends,
// abandonment, the one way out — and orchestrates the parts by concern, each its own type:
//   the calendar (event kinds, ranks, clock)   models/calendar.h
//   the workforce (agents, presence, breaks,   models/workforce.h, and the agent
//     rosters, shorthand staffing, shrinkage)    representation models/agents.h
//   the support systems                        models/support_systems.h
//   the KPI accounts and `collect`             models/kpi_accounts.h
//   the random layout                          models/random_layout.h
// Customers are slot indices (CustomerId), never pointers; classes, stages, pools and SLAs
// are typed ids (models/ids.h) in every handler.
// Cost: allocates while the customer slots grow to the peak population, then nothing.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "models/agents.h"
#include "models/calendar.h"
#include "models/compiled_model.h"
#include "models/customer.h"
#include "models/kpi_accounts.h"
#include "models/kpi_layout.h"
#include "models/random_layout.h"
#include "models/support_systems.h"
#include "models/workforce.h"
#include "sim/random.h"

namespace capsim::model {

// Thrown when a replication holds more than kMaxPopulation customers at once: an overloaded
// model is stopped with this message instead of growing until memory runs out.
class PopulationLimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
  bool trunks = true;        // calls hold telephone lines from arrival to departure
  bool balking = true;       // a stage where arrivals may balk at the line they find
  bool self_service = true;  // a stage without agents: a pure delay
  bool traces = true;        // a trace gives recorded handling times or patience
  bool redials = true;       // customers try again after a failed attempt
  bool overflow = true;      // waiting customers overflow to more pools or another line
  bool callbacks = true;     // waiting customers may take a callback (virtual hold)

  bool operator==(const Features&) const = default;
};
inline constexpr Features kEveryFeature{};
inline constexpr Features kNoFeature{false, false, false, false, false, false, false, false,
                                     false, false, false, false, false, false, false};

// The features `model` uses.
Features features_of(const CompiledModel& model);

// Which copy of the hot handlers a replication runs: the leanest the model allows, or (for
// tests) the one for every feature.
enum class HandlerCopy : std::uint8_t { leanest, every_feature };

class ServiceSystem {
 public:
  ServiceSystem(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                HandlerCopy copy = HandlerCopy::leanest);

  // Runs the replication to its end and returns its KPIs. With `stop` before the end, the
  // run stops there (everyone inside leaves unfinished): what happened before `stop` is
  // exactly what the full run has (nothing reads the future), so a KPI decided by then (a
  // wait SLA's verdicts on customers who arrived a threshold before it) is the full run's.
  ReplicationResult run(sim::Time stop = sim::kTimeMax);

  // Pauses the replication (starting it if need be): delivers every event before `until`,
  // none at it. A paused replication goes on by run(), or in a copy (below).
  void run_before(sim::Time until);

  // A copy of the paused replication `paused` that goes on under `model`. `model` must be
  // resumable from `paused`'s model (resumable()) and equal to it in all that `paused` has
  // read so far: a shorthand pool's staffing of an interval not yet begun may differ. The
  // copy then gives, bit for bit, what a fresh replication of `model` gives (tested), at
  // the cost of the part after the pause: the staffing search tries one change at an
  // interval without replaying the day before it.
  ServiceSystem(const ServiceSystem& paused, const CompiledModel& model, const KpiLayout& layout);
  // About the memory a copy of this replication holds.
  std::size_t memory_bytes() const noexcept;
  // Whether a replication of `from` can go on under `to`: the same agents per pool and the
  // same copy of the handlers (what a replication lays out when it is made).
  static bool resumable(const CompiledModel& from, const CompiledModel& to);

  // Whether this replication runs the copy of the handlers for no feature.
  bool lean() const noexcept { return lean_; }

 private:
  template <Features F>
  struct Dispatch;  // the event handler sim::run_until calls: handle<F>
  // What the workforce and the systems ask of the customer side (models/customer_desk.h).
  struct Desk {
    ServiceSystem& system;
    void serve_waiting() {
      if (system.lean_)
        system.serve_waiting<kNoFeature>();
      else
        system.serve_waiting<kEveryFeature>();
    }
    void fill_slots(AgentId agent) { system.fill_slots(agent); }
  };
  // The agent representation of a copy of the handlers: counted for the lean copy.
  template <Features F>
  static constexpr bool counted_agents = F == kNoFeature;
  template <Features F>
  using AgentsOf = std::conditional_t<counted_agents<F>, CountedAgents, IndividualAgents>;
  template <Features F>
  CAPSIM_INLINE AgentsOf<F> agents() {
    if constexpr (counted_agents<F>)
      return CountedAgents(workforce_);
    else
      return IndividualAgents(workforce_, *model_);
  }

  template <Features F>
  void handle(const sim::Event& event);
  ServiceSystem(const ServiceSystem&) = default;  // with pointers to the original: see the resuming one
  void start();                                   // the first events (once)
  void deliver(sim::Time horizon);                // every event up to `horizon`, inclusive

  struct Queue {  // one FIFO list per priority level
    CustomerId head = kNoCustomer, tail = kNoCustomer;
  };
  struct alignas(32) StageState {  // 32 bytes: an index scales by a shift
    std::vector<Queue> levels;
    std::uint32_t waiting = 0;
  };

  // Handlers.
  template <Features F>
  void on_arrival(ClassId klass);
  template <Features F>
  void admit(CustomerId customer);  // an attempt arrives (the first, or a redial)
  template <Features F>
  void on_redial(CustomerId customer, std::uint32_t generation);
  bool goes_into_orbit(CustomerId customer);  // a failed attempt to be followed by another
  template <Features F>
  void on_service_end(CustomerId customer);
  void on_abandon(CustomerId customer, std::uint32_t generation);
  template <Features F>
  void on_overflow(CustomerId customer, std::uint32_t generation);
  void schedule_boundary(std::uint32_t boundary);
  void on_interval_boundary(std::uint32_t boundary);

  // Customer steps.
  // The customer's random word for `purpose` at `visit`: word k % 4 of (k / 4, visit, purpose).
  std::uint64_t customer_word(ClassId klass, std::uint64_t arrival_index, std::uint32_t visit, StreamPurpose purpose);
  void schedule_next_arrival(ClassId klass);  // from now, in the current interval
  // `waited`: a backlog customer's age; `moved`: an overflow moves the customer here from
  // another line, keeping its wait and patience.
  template <Features F>
  void enter_stage(CustomerId customer, StageId stage, sim::Duration waited = sim::Duration(0), bool moved = false);
  void offer_callback(CustomerId customer, const CompiledStage& stage);
  template <Features F>
  void admit_backlog(ClassId klass);
  template <Features F>
  void start_service(CustomerId customer, AgentId agent, std::uint16_t position,
                     Handover handover = Handover::from_idle);
  // The one way out: all accounting of a customer leaving (or left inside at the end).
  void leave_system(CustomerId customer, Outcome outcome);
  CustomerId first_in_line(StageId stage) const;
  CustomerId first_overflowed(StageId stage) const;  // the first in line its overflow pools may serve
  bool taken_before(CustomerId a, CustomerId b) const;
  void enqueue(CustomerId customer);
  bool balks(const Customer& customer, const CompiledStage& stage, std::uint64_t waiting);
  void unlink(CustomerId customer);

  // The customer's side of the agents' rules (README "Who serves whom").
  template <Features F>
  AgentId server_for(StageId stage, std::uint16_t& position);  // rule 1, or none
  template <Features F>
  AgentId overflow_server_for(StageId stage, std::uint16_t& position);  // rule 1 among the overflow pools
  template <Features F>
  void release_slot(AgentId agent);  // a contact (and its wrap-up) is done
  template <Features F>
  void agent_free(AgentId agent);  // hands empty: take the next (rule 2), idle, or leave
  template <Features F>
  bool take_next(AgentId agent);   // rule 2 for a free agent: true if it took someone
  void fill_slots(AgentId agent);  // concurrency: more customers of its stage
  template <Features F>
  void serve_waiting();  // rule 3: after agents become available

  CustomerId allocate_customer();
  void release_customer(CustomerId customer);
  Customer& at(CustomerId customer) { return customers_[index(customer)]; }
  StageState& at(StageId stage) { return stages_[index(stage)]; }

  const CompiledModel* model_;
  std::uint64_t replication_;
  bool lean_ = false;
  bool started_ = false;
  std::uint64_t delivered_ = 0;  // events delivered, the stale timers (answered customers' patience) included
  Calendar calendar_;
  KpiAccounts accounts_;
  Workforce workforce_;
  SupportSystems systems_;
  std::uint64_t next_queue_seq_ = 0;
  std::uint64_t waiting_total_ = 0;  // customers in every line

  std::vector<double> interval_end_;  // tick at which each interval ends (the last at length)
  std::vector<Customer> customers_;
  CustomerId free_slot_ = kNoCustomer;  // the last slot freed: free slots are chained by `next`
  std::uint64_t in_system_ = 0;
  std::uint64_t lines_busy_ = 0;  // trunk lines held (Trunks)
  std::vector<StageState> stages_;

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
    // 1 / the replication's day factor (busyness): each gap's unit exponential is stretched
    // by it, which is the process at the rates times the factor.
    double gap_scale = 1.0;
    const sim::Distribution* patience = nullptr;  // none: its customers never give up
    bool replays = false;                         // given arrival times, no randomness
    bool holds_line = false;                      // its calls hold a trunk line
    const Redial* redial = nullptr;               // CompiledClass::redial, when given
    const double* trace_handling = nullptr;       // per arrival, NaN: drawn (CompiledClass)
    const double* trace_patience = nullptr;
    std::uint16_t level = 0;
    StageId entry{};
    // The last block drawn per customer purpose and visit kind (the entry visit, or a later
    // one): consecutive arrivals read the words of one block.
    std::array<std::array<HeldBlock, 2>, kCustomerPurposes> held{};
  };
  std::vector<ClassState> classes_;
};

// Runs one replication (convenience over ServiceSystem).
ReplicationResult run_replication(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                                  HandlerCopy copy = HandlerCopy::leanest, sim::Time stop = sim::kTimeMax);

}  // namespace capsim::model
