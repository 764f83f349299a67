#include "models/service_system.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "models/limits.h"
#include "sim/assert.h"
#include "sim/intrusive_list.h"
#include "sim/simulator.h"

namespace capsim::model {

Features features_of(const CompiledModel& model) {
  Features used = kNoFeature;
  used.systems = !model.systems.empty();
  used.trunks = model.trunk_lines > 0;
  for (const CompiledClass& klass : model.classes) used.redials |= klass.redial.has_value();
  for (const CompiledClass& klass : model.classes)
    used.traces |= !klass.trace_handling.empty() || !klass.trace_patience.empty();
  for (const CompiledStage& stage : model.stages) {
    used.wrap_up |= stage.wrap_up.has_value();
    used.routing |= stage.targets.size() > 1;
    used.capacity |= !stage.unlimited;
    used.concurrency |= stage.concurrency > 1;
    used.balking |= !stage.balk_at.empty();
    used.self_service |= stage.self_service;
    used.overflow |= stage.overflows;
    used.callbacks |= stage.callbacks;
    used.systems |= !stage.needs.empty();
    used.shared_pools |= stage.pools.size() != 1;
    for (const double factor : stage.handling_factors) used.handling_factors |= factor != 1.0;
  }
  for (const CompiledPool& pool : model.pools) {
    used.shared_pools |= pool.by_level.size() != 1 || pool.by_level.front().size() != 1;
    used.leaving_agents |= pool.rostered() || pool.absenteeism > 0.0 || pool.shrinkage > 0.0 ||
                           !std::is_sorted(pool.staffing.begin(), pool.staffing.end());
  }
  return used;
}

namespace {

// A replication's day factor (busyness): gamma of mean 1 and coefficient of variation `cv`,
// drawn from block (0, 0) of `key` for `purpose`; exactly 1 when cv is 0. A day with the
// factor f brings f times the forecast's arrivals on average (Poisson-gamma).
double day_factor(const sim::StreamKey& key, StreamPurpose purpose, double cv) {
  if (cv <= 0.0) return 1.0;
  sim::LeadWordStream random(sim::philox_block(key, 0, 0, static_cast<std::uint8_t>(purpose)).v[0]);
  return std::max(sim::Distribution::gamma(1.0, cv).sample(random), 1e-12);
}

}  // namespace

template <Features F>
struct ServiceSystem::Dispatch {
  ServiceSystem& system;
  CAPSIM_INLINE void handle(const sim::Event& event) { system.handle<F>(event); }
  // The only source events are arrivals (schedule_next_arrival).
  CAPSIM_INLINE void handle_source(const sim::Event& event) {
    CAPSIM_ASSERT(static_cast<EventKind>(event.kind()) == EventKind::arrival, "a source event that is not an arrival");
    system.calendar_.now = event.time();
    system.on_arrival<F>(id_at<ClassId>(event.subject));
  }
};

ServiceSystem::ServiceSystem(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                             HandlerCopy copy)
    : model_(&model),
      replication_(replication),
      lean_(copy == HandlerCopy::leanest && features_of(model) == kNoFeature),
      accounts_(model, layout),
      workforce_(model, replication, lean_, calendar_, accounts_),
      systems_(model, replication, calendar_, accounts_) {
  // The records the customer's path indexes most are a power of two in size (alignas), so
  // an index scales by a shift.
  // (The checked build's two tallies per customer make it 192 bytes: checks cost speed.)
#ifndef CAPSIM_CHECKS
  static_assert(std::has_single_bit(sizeof(Customer)));
#endif
  static_assert(std::has_single_bit(sizeof(StageState)));
  stages_.resize(model.stages.size());
  for (std::size_t s = 0; s < model.stages.size(); ++s)
    stages_[s].levels.resize(
        model.stages[s].discipline == QueueDiscipline::priority ? static_cast<std::size_t>(model.priority_levels) : 1);
  classes_.resize(model.classes.size());
  const double shared_factor = day_factor(sim::stream_key(model.seed, replication, "busyness_cv"),
                                          StreamPurpose::shared_busyness, model.busyness_cv);
  for (std::size_t c = 0; c < model.classes.size(); ++c) {
    const CompiledClass& compiled = model.classes[c];
    ClassState& state = classes_[c];
    state.key = sim::stream_key(model.seed, replication, compiled.name);
    state.gap_scale = 1.0 / (shared_factor * day_factor(state.key, StreamPurpose::busyness, compiled.busyness_cv));
    state.rate_per_tick = compiled.rate_per_tick.data();
    state.mean_gap_ticks = compiled.mean_gap_ticks.data();
    state.patience = compiled.patience ? &*compiled.patience : nullptr;
    state.replays = !compiled.arrival_times.empty();
    state.holds_line = compiled.holds_line;
    state.redial = compiled.redial ? &*compiled.redial : nullptr;
    state.trace_handling = compiled.trace_handling.empty() ? nullptr : compiled.trace_handling.data();
    state.trace_patience = compiled.trace_patience.empty() ? nullptr : compiled.trace_patience.data();
    state.level = compiled.level;
    state.entry = compiled.entry;
  }
  for (int k = 1; k <= model.intervals; ++k)
    interval_end_.push_back(static_cast<double>(std::min(model.interval_ticks * k, model.length_ticks).ticks()));
  customers_.reserve(1024);
}

ServiceSystem::ServiceSystem(const ServiceSystem& paused, const CompiledModel& model, const KpiLayout& layout)
    : ServiceSystem(paused) {
  CAPSIM_ASSERT(resumable(*paused.model_, model), "a replication resumed under a model laid out otherwise");
  model_ = &model;
  accounts_.rebind(model, layout);
  workforce_.rebind(model, calendar_, accounts_);
  systems_.rebind(model, calendar_, accounts_);
  for (std::size_t c = 0; c < model.classes.size(); ++c) {
    const CompiledClass& compiled = model.classes[c];
    classes_[c].rate_per_tick = compiled.rate_per_tick.data();
    classes_[c].mean_gap_ticks = compiled.mean_gap_ticks.data();
    classes_[c].patience = compiled.patience ? &*compiled.patience : nullptr;
    classes_[c].redial = compiled.redial ? &*compiled.redial : nullptr;
    classes_[c].trace_handling = compiled.trace_handling.empty() ? nullptr : compiled.trace_handling.data();
    classes_[c].trace_patience = compiled.trace_patience.empty() ? nullptr : compiled.trace_patience.data();
  }
}

std::size_t ServiceSystem::memory_bytes() const noexcept {
  std::size_t bytes = sizeof(*this) + calendar_.events.memory_bytes() - sizeof(calendar_.events) +
                      accounts_.memory_bytes() - sizeof(accounts_) + workforce_.memory_bytes() - sizeof(workforce_) +
                      interval_end_.capacity() * sizeof(double) + customers_.capacity() * sizeof(Customer) +
                      classes_.capacity() * sizeof(ClassState);
  for (const StageState& stage : stages_) bytes += sizeof(StageState) + stage.levels.capacity() * sizeof(Queue);
  return bytes;
}

bool ServiceSystem::resumable(const CompiledModel& from, const CompiledModel& to) {
  if (from.agents != to.agents || from.first_agent != to.first_agent || from.pools.size() != to.pools.size() ||
      from.classes.size() != to.classes.size() || features_of(from) != features_of(to))
    return false;
  for (std::size_t p = 0; p < from.pools.size(); ++p)
    if (from.pools[p].agents != to.pools[p].agents || from.pools[p].rostered() != to.pools[p].rostered()) return false;
  return true;
}

void ServiceSystem::start() {
  if (started_) return;
  started_ = true;
  workforce_.start();
  systems_.start();
  schedule_boundary(1);
  accounts_.open_window(calendar_.now);  // opens at 0; the end of warm-up moves it
  if (model_->warmup_ticks > sim::Duration(0)) calendar_.schedule(EventKind::warmup_end, model_->warmup_end(), 0);
  for (std::size_t c = 0; c < model_->classes.size(); ++c) {
    if (model_->classes[c].backlog) {
      if (lean_)
        admit_backlog<kNoFeature>(id_at<ClassId>(c));
      else
        admit_backlog<kEveryFeature>(id_at<ClassId>(c));
    }
    schedule_next_arrival(id_at<ClassId>(c));
  }
}

// The customers already waiting when the horizon starts: each back-dated by its age (drawn
// from `waited`), its wait and patience counted from then; oldest first, so agents free at
// the start take the oldest and the rest line up in order of age. One left waiting whose
// patience is shorter than its age gives up at once.
template <Features F>
void ServiceSystem::admit_backlog(ClassId klass) {
  const CompiledClass& compiled = model_->classes[index(klass)];
  const auto count = static_cast<std::uint64_t>(compiled.backlog->count);
  std::vector<std::pair<sim::Duration, std::uint64_t>> ages;  // once per replication, not per event
  for (std::uint64_t j = 0; j < count; ++j) {
    sim::LeadWordStream random(customer_word(klass, kBacklogIndex + j, 0, StreamPurpose::interarrivals));
    ages.emplace_back(sim::ticks_from_seconds(compiled.backlog->waited.sample(random)), j);
  }
  std::sort(ages.begin(), ages.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [age, j] : ages) {
    ++in_system_;
    const CustomerId id = allocate_customer();
    Customer& customer = at(id);
    customer.arrival = calendar_.now - age;
    customer.klass = klass;
    customer.arrival_index = kBacklogIndex + j;
    customer.visit = 0;
    customer.first_desk_visit = 0;
    customer.sla_stages_seen = 0;
    customer.level = classes_[index(klass)].level;
    customer.in_system = true;
    customer.waiting = false;
    customer.holds_line = false;
    customer.called_back = false;
    customer.attempt = 0;
#ifdef CAPSIM_CHECKS
    customer.waited_ticks = customer.served_ticks = sim::Duration(0);
#endif
    customer.counted = calendar_.now >= model_->warmup_end();
    customer.interval = 0;
    accounts_.arrived_in_backlog(customer);
    enter_stage<F>(id, compiled.entry, age);
  }
}

void ServiceSystem::deliver(sim::Time horizon) {
  if (lean_) {
    Dispatch<kNoFeature> dispatch{*this};
    delivered_ += sim::run_until(dispatch, calendar_.events, horizon);
  } else {
    Dispatch<kEveryFeature> dispatch{*this};
    delivered_ += sim::run_until(dispatch, calendar_.events, horizon);
  }
}

void ServiceSystem::run_before(sim::Time until) {
  start();
  if (until > sim::kStart) deliver(until - sim::Duration(1));
}

ReplicationResult ServiceSystem::run(sim::Time stop) {
  start();
  deliver(std::min(stop, model_->drain ? sim::kTimeMax : model_->end()));
  if (!accounts_.window_closed()) {  // a stop, or defensive: the boundary at `length` normally closes it
    calendar_.now = std::max(calendar_.now, model_->end());
    accounts_.close_window(calendar_.now);
  }
  // Whoever is still inside leaves as unfinished: judged by the SLAs they already missed.
  const std::uint64_t undrained = model_->drain ? in_system_ : 0;
  for (std::size_t slot = 0; slot < customers_.size(); ++slot)
    if (customers_[slot].in_system) leave_system(id_at<CustomerId>(slot), Outcome::unfinished);
  ReplicationResult result = accounts_.collect();
  result.events = delivered_ - calendar_.stale_timers;
  result.stale_timers = calendar_.stale_timers;
  result.end_time = calendar_.now;
  result.undrained = undrained;
  return result;
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::handle(const sim::Event& event) {
  calendar_.now = event.time();
  Desk desk{*this};
  switch (static_cast<EventKind>(event.kind())) {
    case EventKind::arrival: on_arrival<F>(id_at<ClassId>(event.subject)); break;
    case EventKind::service_end: on_service_end<F>(id_at<CustomerId>(event.subject)); break;
    case EventKind::wrap_end:
      CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached a wrap-up's end");
      release_slot<kEveryFeature>(id_at<AgentId>(event.subject));
      break;
    case EventKind::abandon: on_abandon(id_at<CustomerId>(event.subject), event.generation); break;
    case EventKind::redial:
      CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached a redial");
      on_redial<F>(id_at<CustomerId>(event.subject), event.generation);
      break;
    case EventKind::overflow:
      CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached an overflow");
      on_overflow<F>(id_at<CustomerId>(event.subject), event.generation);
      break;
    case EventKind::interval_boundary: on_interval_boundary(event.subject); break;
    case EventKind::warmup_end: accounts_.open_window(calendar_.now); break;
    case EventKind::roster: workforce_.on_roster(event.subject, desk); break;
    case EventKind::break_end: workforce_.on_break_end(id_at<AgentId>(event.subject), event.generation, desk); break;
    case EventKind::system:
      CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached a system change");
      systems_.on_change(id_at<SystemId>(event.subject), static_cast<SupportSystems::Change>(event.generation), desk);
      break;
  }
}

CAPSIM_INLINE std::uint64_t ServiceSystem::customer_word(ClassId klass, std::uint64_t arrival_index,
                                                         std::uint32_t visit, StreamPurpose purpose) {
  ClassState& state = classes_[index(klass)];
  HeldBlock& held = state.held[static_cast<std::size_t>(purpose) - 1][visit > 0 ? 1 : 0];
  const std::uint64_t group = block_of(arrival_index);
  if (((held.group ^ group) | (held.visit ^ visit)) != 0) {  // one branch: a new block every 4th arrival
    held.block = sim::philox_block(state.key, group, visit, static_cast<std::uint8_t>(purpose));
    held.group = group;
    held.visit = visit;
  }
  return held.block.v[word_of(arrival_index)];
}

// Next arrival of a piecewise-constant Poisson process by inversion of its cumulative rate:
// a unit exponential is spent across intervals at each interval's rate (Cinlar's method),
// which is exact, unlike sampling at the rate found at the current instant.
CAPSIM_INLINE void ServiceSystem::schedule_next_arrival(ClassId klass) {
  const std::size_t c = index(klass);
  ClassState& state = classes_[c];
  const std::uint64_t k = state.next_arrival_index++;
  if (state.replays) [[unlikely]] {  // replayed arrivals: no randomness
    const auto& times = model_->classes[c].arrival_times;
    if (k < times.size()) calendar_.schedule_source(EventKind::arrival, times[k], static_cast<std::uint32_t>(c));
    return;
  }
  const double* const rates = state.rate_per_tick;
  const double* const mean_gaps = state.mean_gap_ticks;
  sim::LeadWordStream random(customer_word(klass, k, 0, StreamPurpose::interarrivals));
  double budget = sim::unit_exponential(random) * state.gap_scale;
  double t = static_cast<double>(calendar_.now.ticks());
  for (auto interval = static_cast<std::size_t>(calendar_.interval); interval < interval_end_.size(); ++interval) {
    const double end = interval_end_[interval];
    const double rate = rates[interval];
    if (rate > 0.0) {
      const double candidate = t + budget * mean_gaps[interval];
      if (candidate < end) {
        const sim::Time at(static_cast<sim::Ticks>(candidate + 0.5));  // candidate >= 0: rounds
        if (at >= model_->end()) return;
        calendar_.schedule_source(EventKind::arrival, at, static_cast<std::uint32_t>(c));
        return;
      }
      budget -= rate * (end - t);
    }
    t = end;
  }
}

CAPSIM_INLINE CustomerId ServiceSystem::allocate_customer() {
  if (free_slot_ != kNoCustomer) {
    const CustomerId slot = free_slot_;
    free_slot_ = at(slot).next;
    return slot;
  }
  if (customers_.size() >= kMaxPopulation) {
    char message[256];
    std::snprintf(message, sizeof message,
                  "replication %llu stopped at %.0f s: %llu customers were inside at once, the most a replication "
                  "may hold; the model is overloaded (its queues grow without bound)",
                  static_cast<unsigned long long>(replication_), sim::seconds_from_ticks(calendar_.now),
                  static_cast<unsigned long long>(kMaxPopulation));
    throw PopulationLimitExceeded(message);
  }
  customers_.emplace_back();
  return id_at<CustomerId>(customers_.size() - 1);
}

CAPSIM_INLINE void ServiceSystem::release_customer(CustomerId customer) {
  ++at(customer).generation;  // any pending timer for this slot is now stale
  at(customer).in_system = false;
  at(customer).next = free_slot_;
  free_slot_ = customer;
  --in_system_;
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::on_arrival(ClassId klass) {
  const std::size_t c = index(klass);
  ++in_system_;
  // The k-th arrival of the class is the one whose gap was drawn k-th (gaps are drawn in order).
  ClassState& state = classes_[c];
  const std::uint64_t arrival_index = state.next_arrival_index - 1;
  schedule_next_arrival(klass);

  const CustomerId id = allocate_customer();
  Customer& customer = at(id);
  customer.arrival = calendar_.now;
  customer.klass = klass;
  customer.arrival_index = arrival_index;
  customer.visit = 0;
  customer.first_desk_visit = 0;
  customer.sla_stages_seen = 0;
  customer.level = state.level;
  customer.in_system = true;
  customer.waiting = false;
#ifdef CAPSIM_CHECKS
  customer.waited_ticks = customer.served_ticks = sim::Duration(0);
#endif
  customer.counted = calendar_.now >= model_->warmup_end();
  // Boundaries rank before arrivals at the same tick, so the calendar's interval is this
  // arrival's interval (no division per arrival).
  CAPSIM_ASSERT(calendar_.interval ==
                    std::min<sim::Ticks>(calendar_.now.since_start() / model_->interval_ticks, model_->intervals - 1),
                "interval bookkeeping out of step with the clock");
  customer.interval = static_cast<std::uint32_t>(calendar_.interval);
  customer.attempt = 0;
  admit<F>(id);
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::admit(CustomerId id) {
  Customer& customer = at(id);
  const ClassState& state = classes_[index(customer.klass)];
  customer.holds_line = false;
  customer.called_back = false;
  accounts_.arrived(customer);
  if (F.trunks && state.holds_line) {
    if (lines_busy_ >= model_->trunk_lines) {  // a busy signal: refused before any stage
      customer.stage = customer.queued_at = state.entry;
      customer.stage_entry = customer.wait_start = calendar_.now;
      accounts_.blocked_at_arrival(customer);
      leave_system(id, Outcome::blocked);
      return;
    }
    ++lines_busy_;
    customer.holds_line = true;
  }
  enter_stage<F>(id, state.entry);
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::enter_stage(CustomerId id, StageId stage_id, sim::Duration waited, bool moved) {
  Customer& customer = at(id);
  const auto& stage = model_->stages[index(stage_id)];
  StageState& state = at(stage_id);
  customer.stage = stage_id;
  customer.stage_entry = calendar_.now - waited;  // waited > 0 only for a backlog customer
  if (!F.overflow || !moved) {                    // a new wait; a moved customer keeps its own
    customer.wait_start = customer.stage_entry;
    customer.queued_at = stage_id;
  }
  // The handling time, after-contact work and route are drawn on entry; patience only if the
  // customer waits. Each is a pure function of (class, arrival index, visit): common random
  // numbers.
  sim::LeadWordStream service_random(
      customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::service));
  customer.service_seconds = stage.service.sample(service_random);
  // A trace's recorded handling time replaces the draw at the entry visit of a trace row's
  // customer (a backlog customer is none: its index lies beyond every row).
  if (F.traces && customer.visit == 0 && customer.arrival_index < kBacklogIndex) {
    const double* const recorded = classes_[index(customer.klass)].trace_handling;
    if (recorded != nullptr && !std::isnan(recorded[customer.arrival_index]))
      customer.service_seconds = recorded[customer.arrival_index];
  }
  if (F.wrap_up && stage.wrap_up) {
    sim::LeadWordStream wrap_random(
        customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::wrap_up));
    customer.wrap_ticks = sim::ticks_from_seconds(stage.wrap_up->sample(wrap_random));
  } else {
    customer.wrap_ticks = sim::Duration(0);
  }
  if (F.routing && stage.targets.size() > 1)
    customer.routing_word =
        customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::routing);
  accounts_.entered_stage(customer);
  if (F.self_service && stage.self_service) {  // no agent, no line: the delay starts now
    customer.agent = kNoAgent;
    customer.service_ticks = sim::ticks_from_seconds(customer.service_seconds);
#ifdef CAPSIM_CHECKS
    customer.served_ticks += customer.service_ticks;
#endif
    calendar_.schedule(EventKind::service_end, calendar_.now + customer.service_ticks, static_cast<std::uint32_t>(id));
    return;
  }

  std::uint16_t position = 0;
  if (const AgentId agent = server_for<F>(stage_id, position); agent != kNoAgent) {
    start_service<F>(id, agent, position);
    return;
  }
  // Overflow pools due at once (after: 0s) are the last choice before the line.
  if (F.overflow && stage.overflows && stage.overflow_to < 0 &&
      customer.stage_entry + stage.overflow_after <= calendar_.now) {
    if (const AgentId agent = overflow_server_for<F>(stage_id, position); agent != kNoAgent) {
      start_service<F>(id, agent, position);
      return;
    }
  }
  if (F.overflow && moved) [[unlikely]] {  // the move checked its room; patience runs on as it was
    enqueue(id);
    if (stage.overflows)
      calendar_.schedule(EventKind::overflow, calendar_.now + stage.overflow_after, static_cast<std::uint32_t>(id),
                         customer.generation);
    return;
  }
  if (F.capacity && !stage.unlimited && state.waiting >= stage.capacity) {
    accounts_.blocked(customer);
    leave_system(id, Outcome::blocked);
    return;
  }
  if (F.balking && !stage.balk_at.empty() && balks(customer, stage, state.waiting)) {
    accounts_.balked(customer);
    leave_system(id, Outcome::balked);
    return;
  }
  enqueue(id);
  if (F.overflow && stage.overflows)  // a backlog customer may be due at once
    calendar_.schedule(EventKind::overflow, std::max(customer.stage_entry + stage.overflow_after, calendar_.now),
                       static_cast<std::uint32_t>(id), customer.generation);
  if (F.callbacks && stage.callbacks && waited == sim::Duration(0) && customer.entry_visit()) [[unlikely]] {
    offer_callback(id, stage);
    if (customer.called_back) return;  // no patience: it waits to be called
  }
  const sim::Distribution* const patience = classes_[index(customer.klass)].patience;
  if (stage.abandonment && patience != nullptr) {
    sim::LeadWordStream patience_random(
        customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::patience));
    double patience_seconds = patience->sample(patience_random);
    if (F.traces && customer.visit == 0 && customer.arrival_index < kBacklogIndex) {  // likewise, patience
      const double* const recorded = classes_[index(customer.klass)].trace_patience;
      if (recorded != nullptr && !std::isnan(recorded[customer.arrival_index]))
        patience_seconds = recorded[customer.arrival_index];
    }
    const sim::Duration patience_ticks = sim::ticks_from_seconds(patience_seconds) - waited;
    calendar_.schedule(EventKind::abandon, calendar_.now + std::max(patience_ticks, sim::Duration(0)),
                       static_cast<std::uint32_t>(id), customer.generation);
  }
}

// Callbacks (virtual hold): a customer just in line whose expected wait is above the stage's
// threshold is offered a callback, and takes it by its word for the visit. The expected
// wait is its place in line times the mean handling time (service and wrap-up) over the
// agents at work in the stage's own pools, each taking `concurrency` customers: unbounded
// when none is at work. One who takes it hangs up (frees its trunk line) and never abandons.
void ServiceSystem::offer_callback(CustomerId id, const CompiledStage& stage) {
  Customer& customer = at(id);
  double agents = 0.0;
  for (std::size_t k = 0; k < stage.own_pools; ++k) agents += workforce_.at(stage.pools[k]).working;
  const double place = static_cast<double>(at(customer.stage).waiting);
  const double expected_seconds = agents > 0.0 ? place * stage.mean_hold_seconds / (agents * stage.concurrency)
                                               : std::numeric_limits<double>::infinity();
  if (!(expected_seconds > sim::seconds_from_ticks(stage.callback_above))) return;
  const std::uint64_t word =
      customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::callback);
  const bool accepted = static_cast<double>(word >> 11) * 0x1.0p-53 < stage.callback_accept;
  accounts_.callback_offered(customer, accepted);
  if (!accepted) return;
  customer.called_back = true;
  lines_busy_ -= customer.holds_line;
  customer.holds_line = false;
}

// Balking: the largest threshold the line found reaches sets the probability of leaving; the
// customer's word for the visit decides (drawn only when a threshold is reached).
bool ServiceSystem::balks(const Customer& customer, const CompiledStage& stage, std::uint64_t waiting) {
  std::size_t step = stage.balk_at.size();
  while (step > 0 && waiting < stage.balk_at[step - 1]) --step;
  if (step == 0) return false;
  const std::uint64_t word =
      customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::balking);
  return static_cast<double>(word >> 11) * 0x1.0p-53 < stage.balk_probability[step - 1];
}

// Rule 1 (README "Who serves whom"): the first pool in the stage's preference with an agent
// free to take the customer: at a stage with concurrency, an agent of that pool already
// serving the stage with a slot open (the one open longest), else its longest-idle agent.
// None while a system the stage needs is down.
template <Features F>
CAPSIM_INLINE AgentId ServiceSystem::server_for(StageId stage, std::uint16_t& position) {
  if (F.systems && systems_.blocks(stage)) return kNoAgent;
  return agents<F>().server_for(stage, model_->stages[index(stage)], position);
}

template <Features F>
AgentId ServiceSystem::overflow_server_for(StageId stage, std::uint16_t& position) {
  if constexpr (!F.overflow) {
    return kNoAgent;
  } else {
    if (F.systems && systems_.blocks(stage)) return kNoAgent;
    const CompiledStage& compiled = model_->stages[index(stage)];
    return agents<F>().server_among(stage, compiled, position, compiled.own_pools, compiled.pools.size());
  }
}

CAPSIM_INLINE void ServiceSystem::enqueue(CustomerId id) {
  Customer& customer = at(id);
  StageState& state = at(customer.stage);
  Queue& queue = state.levels[state.levels.size() == 1 ? 0 : customer.level];
  customer.queue_seq = next_queue_seq_++;
  sim::list_append(
      queue, id, [this](CustomerId c) -> Customer& { return at(c); }, kNoCustomer);
  customer.waiting = true;
  ++state.waiting;
  ++waiting_total_;
  accounts_.queue_entered(customer, calendar_.now);
}

CAPSIM_INLINE void ServiceSystem::unlink(CustomerId id) {
  Customer& customer = at(id);
  StageState& state = at(customer.stage);
  Queue& queue = state.levels[state.levels.size() == 1 ? 0 : customer.level];
  sim::list_unlink(
      queue, id, [this](CustomerId c) -> Customer& { return at(c); }, kNoCustomer);
  customer.waiting = false;
  --state.waiting;
  --waiting_total_;
  accounts_.queue_left(customer, calendar_.now);
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::start_service(CustomerId id, AgentId agent, std::uint16_t position,
                                                Handover handover) {
  Customer& customer = at(id);
  const CompiledStage& stage = model_->stages[index(customer.stage)];
  ++customer.generation;  // cancels the patience timer, if any
  customer.agent = agent;
  const double factor = F.handling_factors ? stage.handling_factors[position] : 1.0;
  customer.service_ticks =
      sim::ticks_from_seconds(factor == 1.0 ? customer.service_seconds : customer.service_seconds * factor);
  const sim::Duration wait = calendar_.now - customer.wait_start;
  if (F.overflow && position >= stage.own_pools) [[unlikely]]
    accounts_.answered_by_overflow_pool(customer);
#ifdef CAPSIM_CHECKS
  customer.waited_ticks += wait;
  customer.served_ticks += customer.service_ticks;
#endif
  accounts_.answered(customer, wait);
  if (agents<F>().take_contact(agent, customer.stage, stage, position, handover, calendar_.now)) [[unlikely]]
    ++accounts_.totals().starts_beyond_staffing;
  calendar_.schedule(EventKind::service_end, calendar_.now + customer.service_ticks, static_cast<std::uint32_t>(id));
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::on_service_end(CustomerId id) {
  Customer& customer = at(id);
  const AgentId agent = customer.agent;
  const StageId stage_id = customer.stage;
  accounts_.service_ended(customer, calendar_.now);
  const auto& stage = model_->stages[index(stage_id)];
  // The agent's hands free now, or after its wrap-up. A freed agent takes the most urgent,
  // longest-waiting customer before this customer moves on, so a customer routed onward
  // queues behind those already waiting.
  if (F.self_service && stage.self_service) {
    if (customer.first_desk_visit == customer.visit) ++customer.first_desk_visit;  // no desk yet
  } else if (F.wrap_up && customer.wrap_ticks > sim::Duration(0)) {
    calendar_.schedule(EventKind::wrap_end, calendar_.now + customer.wrap_ticks, static_cast<std::uint32_t>(agent));
  } else {
    release_slot<F>(agent);
  }

  std::int32_t target = stage.targets.front();
  if (F.routing && stage.targets.size() > 1) {
    const double u = static_cast<double>(customer.routing_word >> 11) * 0x1.0p-53;
    std::size_t route = 0;
    while (route + 1 < stage.cumulative.size() && u >= stage.cumulative[route]) ++route;
    target = stage.targets[route];
  }
  if (target == kExitIndex) {
    leave_system(id, Outcome::served);
  } else {
    ++customer.visit;
    enter_stage<F>(id, id_at<StageId>(static_cast<std::size_t>(target)));
  }
}

// A contact and its wrap-up are done. With other contacts still in hand (concurrency) the
// agent may take the next customer of its stage into the slot; with none, it is free.
template <Features F>
CAPSIM_INLINE void ServiceSystem::release_slot(AgentId agent) {
  switch (agents<F>().end_contact(agent, calendar_.now)) {
    case AfterContact::keep_busy: return;
    case AfterContact::fill_slots: fill_slots(agent); return;
    case AfterContact::hands_free: agent_free<F>(agent); return;
  }
}

// Hands free: unless due to leave (shift end, break, shrinkage, a staffing drop), the agent
// takes the next customer by rule 2 while still counted busy, so the busy level never dips;
// else it waits idle, or leaves.
template <Features F>
CAPSIM_INLINE void ServiceSystem::agent_free(AgentId agent) {
  AgentsOf<F> representation = agents<F>();
  if (representation.may_take_next(agent) && take_next<F>(agent)) return;
  representation.hands_free(agent, calendar_.now);
}

// Rule 2: by skill level, first choice first; within a level, among the first in line at
// each of those stages that can start a service, the most urgent priority, then the
// longest waiting.
template <Features F>
CAPSIM_INLINE bool ServiceSystem::take_next(AgentId agent_id) {
  if (waiting_total_ == 0) return false;
  if (!F.shared_pools && !F.systems) {  // the first in line at its one stage
    const ServedStage served = workforce_.at(workforce_.at(agent_id).pool).first_stage;
    const CustomerId head = first_in_line(served.stage);
    if (head == kNoCustomer) return false;
    unlink(head);
    start_service<F>(head, agent_id, served.position, Handover::from_busy);
    if (F.concurrency && model_->stages[index(served.stage)].concurrency > 1) fill_slots(agent_id);
    return true;
  }
  const CompiledPool& pool = model_->pools[index(workforce_.at(agent_id).pool)];
  for (const auto& level : pool.by_level) {
    CustomerId best = kNoCustomer;
    std::uint16_t best_position = 0;
    for (const ServedStage& served : level) {
      if (F.systems && systems_.blocks(served.stage)) continue;
      // Overflow work: only those who have waited the overflow time.
      const CustomerId head = F.overflow && served.position >= model_->stages[index(served.stage)].own_pools
                                  ? first_overflowed(served.stage)
                                  : first_in_line(served.stage);
      if (head != kNoCustomer && (best == kNoCustomer || taken_before(head, best))) {
        best = head;
        best_position = served.position;
      }
    }
    if (best != kNoCustomer) {
      unlink(best);
      start_service<F>(best, agent_id, best_position, Handover::from_busy);
      if (F.concurrency && model_->stages[index(workforce_.at(agent_id).stage)].concurrency > 1) fill_slots(agent_id);
      return true;
    }
  }
  return false;
}

// Concurrency: an agent with slots open takes further customers of its stage, in line order.
void ServiceSystem::fill_slots(AgentId agent_id) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached fill_slots");
  const Workforce::Agent& agent = workforce_.at(agent_id);
  const std::uint16_t concurrency = model_->stages[index(agent.stage)].concurrency;
  const bool overflow_work = agent.position >= model_->stages[index(agent.stage)].own_pools;
  while (agent.contacts < concurrency && agent.pending == Workforce::Pending::none && !systems_.blocks(agent.stage)) {
    const CustomerId head = overflow_work ? first_overflowed(agent.stage) : first_in_line(agent.stage);
    if (head == kNoCustomer) return;
    unlink(head);
    start_service<kEveryFeature>(head, agent_id, agent.position);
  }
}

// Rule 3: after agents become available other than by finishing work (a shift starts, a
// break ends, staffing rises, a system comes back), waiting customers are answered at once
// in the order of rule 2, each by rule 1.
template <Features F>
void ServiceSystem::serve_waiting() {
  while (waiting_total_ > 0) {
    CustomerId best = kNoCustomer;
    AgentId best_agent = kNoAgent;
    std::uint16_t best_position = 0;
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      const CustomerId head = first_in_line(id_at<StageId>(s));
      if (head == kNoCustomer || (best != kNoCustomer && !taken_before(head, best))) continue;
      std::uint16_t position = 0;
      if (const AgentId agent = server_for<F>(id_at<StageId>(s), position); agent != kNoAgent) {
        best = head;
        best_agent = agent;
        best_position = position;
        continue;
      }
      // None of its own pools: its overflow pools take the first who has waited long enough.
      if (!F.overflow || !model_->stages[s].overflows || model_->stages[s].overflow_to >= 0) continue;
      const CustomerId eligible = first_overflowed(id_at<StageId>(s));
      if (eligible == kNoCustomer || (best != kNoCustomer && !taken_before(eligible, best))) continue;
      if (const AgentId agent = overflow_server_for<F>(id_at<StageId>(s), position); agent != kNoAgent) {
        best = eligible;
        best_agent = agent;
        best_position = position;
      }
    }
    if (best == kNoCustomer) return;
    unlink(best);
    start_service<F>(best, best_agent, best_position);
  }
}

// The first customer in a stage's line (its first non-empty priority level), or none.
CustomerId ServiceSystem::first_in_line(StageId stage) const {
  const StageState& state = stages_[index(stage)];
  if (state.waiting == 0) return kNoCustomer;
  for (const Queue& queue : state.levels)
    if (queue.head != kNoCustomer) return queue.head;
  return kNoCustomer;
}

// The first in line who has waited the stage's overflow time, most urgent level first (in a
// level, the head has waited longest), or none.
CustomerId ServiceSystem::first_overflowed(StageId stage) const {
  const StageState& state = stages_[index(stage)];
  if (state.waiting == 0) return kNoCustomer;
  const sim::Duration after = model_->stages[index(stage)].overflow_after;
  for (const Queue& queue : state.levels)
    if (queue.head != kNoCustomer && calendar_.now - customers_[index(queue.head)].stage_entry >= after)
      return queue.head;
  return kNoCustomer;
}

// The order in which an agent takes the first in line of several stages: the most urgent
// priority level, then the longest waiting. The one definition of rules 2 and 3 (README).
bool ServiceSystem::taken_before(CustomerId a, CustomerId b) const {
  const Customer& x = customers_[index(a)];
  const Customer& y = customers_[index(b)];
  return x.level < y.level || (x.level == y.level && x.queue_seq < y.queue_seq);
}

// The one way out: every customer leaves here, accounted once (KpiAccounts::left). A failed
// attempt may go into orbit (to redial) instead of leaving for good.
CAPSIM_INLINE void ServiceSystem::leave_system(CustomerId id, Outcome outcome) {
  accounts_.left(at(id), outcome, calendar_.now);
  lines_busy_ -= at(id).holds_line;
  if (outcome != Outcome::served && outcome != Outcome::unfinished) [[unlikely]] {
    if (goes_into_orbit(id)) return;
    accounts_.lost(at(id));
  }
  release_customer(id);
}

// Redials: the attempt's own words (class, arrival index, visit) decide whether and when;
// a next attempt due at or after the horizon's end is not made (arrivals stop there).
bool ServiceSystem::goes_into_orbit(CustomerId id) {
  Customer& customer = at(id);
  const Redial* const redial = classes_[index(customer.klass)].redial;
  if (redial == nullptr || customer.attempt + 1 >= redial->max_attempts) return false;
  const std::uint64_t word =
      customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::redial);
  if (!(static_cast<double>(word >> 11) * 0x1.0p-53 < redial->probability)) return false;
  sim::LeadWordStream delay_random(
      customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::redial_delay));
  const sim::Time at = calendar_.now + sim::ticks_from_seconds(redial->delay.sample(delay_random));
  if (at >= model_->end()) return false;
  ++customer.generation;  // any timer of the attempt is now stale
  customer.in_system = false;
  customer.waiting = false;
  --in_system_;
  calendar_.schedule(EventKind::redial, at, static_cast<std::uint32_t>(id), customer.generation);
  return true;
}

// The next attempt: the same customer (identity, class), a new arrival for the KPIs, its
// draws those of a new visit (so an attempt's handling time and patience are its own).
template <Features F>
void ServiceSystem::on_redial(CustomerId id, std::uint32_t generation) {
  Customer& customer = at(id);
  CAPSIM_ASSERT(!customer.in_system && customer.generation == generation, "a redial of a customer not in orbit");
  (void)generation;
  customer.in_system = true;
  ++in_system_;
  customer.arrival = calendar_.now;
  ++customer.attempt;
  ++customer.visit;
  customer.first_desk_visit = customer.visit;
  customer.sla_stages_seen = 0;
#ifdef CAPSIM_CHECKS
  customer.waited_ticks = customer.served_ticks = sim::Duration(0);
#endif
  customer.counted = calendar_.now >= model_->warmup_end();
  customer.interval = static_cast<std::uint32_t>(calendar_.interval);
  admit<F>(id);
}

void ServiceSystem::on_abandon(CustomerId id, std::uint32_t generation) {
  Customer& customer = at(id);
  if (customer.generation != generation) {  // answered, or the slot was reused
    ++calendar_.stale_timers;
    return;
  }
  unlink(id);
  accounts_.abandoned(customer, calendar_.now - customer.wait_start);
  leave_system(id, Outcome::abandoned);
}

// Overflow: the customer has waited its stage's overflow time. With overflow pools, one of
// them free serves it now (else a freed one will: take_next, serve_waiting); with a stage to
// move to, it leaves this line for that one if there is room (else it stays), keeping its
// wait, patience and place in the SLAs of the line it began in.
template <Features F>
void ServiceSystem::on_overflow(CustomerId id, std::uint32_t generation) {
  Customer& customer = at(id);
  if (customer.generation != generation) {  // answered, gone, or the slot was reused
    ++calendar_.stale_timers;
    return;
  }
  CAPSIM_ASSERT(customer.waiting, "an overflow of a customer not waiting");
  const CompiledStage& stage = model_->stages[index(customer.stage)];
  if (stage.overflow_to < 0) {
    std::uint16_t position = 0;
    const AgentId agent = overflow_server_for<F>(customer.stage, position);
    if (agent == kNoAgent) return;
    unlink(id);
    start_service<F>(id, agent, position);
    return;
  }
  const StageId to = id_at<StageId>(static_cast<std::size_t>(stage.overflow_to));
  const CompiledStage& target = model_->stages[index(to)];
  std::uint16_t position = 0;
  if (F.capacity && !target.unlimited && at(to).waiting >= target.capacity && server_for<F>(to, position) == kNoAgent)
    return;  // no room there
  unlink(id);
  accounts_.overflowed(customer, calendar_.now);
  enter_stage<F>(id, to, sim::Duration(0), true);
}

// Boundary k ends interval k - 1. One is pending at a time (each schedules the next), so the
// intervals of a long horizon do not deepen the event heap; the order is unchanged, as
// boundaries rank first and never share a tick.
void ServiceSystem::schedule_boundary(std::uint32_t boundary) {
  const sim::Time at = sim::kStart + std::min(model_->interval_ticks * boundary, model_->length_ticks);
  calendar_.schedule(EventKind::interval_boundary, at, boundary);
}

void ServiceSystem::on_interval_boundary(std::uint32_t boundary) {
  accounts_.close_interval(boundary - 1, calendar_.now);
  if (static_cast<int>(boundary) < model_->intervals) schedule_boundary(boundary + 1);
  if (static_cast<int>(boundary) >= model_->intervals) {
    accounts_.close_window(calendar_.now);
    return;  // after close, staffing stays as in the last interval while the system drains
  }
  calendar_.interval = static_cast<int>(boundary);
  Desk desk{*this};
  workforce_.begin_interval(boundary, desk);
  desk.serve_waiting();
}

ReplicationResult run_replication(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                                  HandlerCopy copy, sim::Time stop) {
  ServiceSystem system(model, layout, replication, copy);
  return system.run(stop);
}

}  // namespace capsim::model
