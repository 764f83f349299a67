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
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double numerator, double denominator) { return denominator > 0.0 ? numerator / denominator : kNaN; }

}  // namespace

Features features_of(const CompiledModel& model) {
  Features used = kNoFeature;
  used.systems = !model.systems.empty();
  for (const CompiledStage& stage : model.stages) {
    used.wrap_up |= stage.wrap_up.has_value();
    used.routing |= stage.targets.size() > 1;
    used.capacity |= !stage.unlimited;
    used.concurrency |= stage.concurrency > 1;
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

template <Features F>
struct ServiceSystem::Dispatch {
  ServiceSystem& system;
  CAPSIM_INLINE void handle(const sim::Event& event) { system.handle<F>(event); }
};

ServiceSystem::ServiceSystem(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                             HandlerCopy copy)
    : model_(model),
      layout_(layout),
      replication_(replication),
      lean_(copy == HandlerCopy::leanest && features_of(model) == kNoFeature),
      events_(256) {
  // The records the customer's path indexes most are a power of two in size (alignas in the
  // header), so an index scales by a shift.
  static_assert(std::has_single_bit(sizeof(Customer)) && std::has_single_bit(sizeof(StageState)) &&
                std::has_single_bit(sizeof(PoolState)) && std::has_single_bit(sizeof(Agent)));
  const std::size_t classes = model.classes.size(), stages = model.stages.size(), pools = model.pools.size();
  stages_.resize(stages);
  pools_.resize(pools);
  lists_.resize(pools);  // the idle lists
  for (std::size_t s = 0; s < stages; ++s) {
    const CompiledStage& stage = model.stages[s];
    if (!stage.pools.empty()) stages_[s].first_pool = stage.pools.front();
    stages_[s].levels.resize(
        stage.discipline == QueueDiscipline::priority ? static_cast<std::size_t>(model.priority_levels) : 1);
    if (stage.concurrency > 1) {  // an open-slot list per pool it prefers
      stages_[s].open_lists = static_cast<std::uint32_t>(lists_.size());
      lists_.resize(lists_.size() + stage.pools.size());
    }
  }
  agents_.resize(model.agents);
  for (std::size_t p = 0; p < pools; ++p) {
    const CompiledPool& pool = model.pools[p];
    if (!pool.by_level.empty() && !pool.by_level.front().empty()) pools_[p].first_stage = pool.by_level.front().front();
    pools_[p].first_agent = id_at<AgentId>(model.first_agent[p]);
    pool_keys_.push_back(sim::stream_key(model.seed, replication, pool.name));
    const std::uint32_t first = model.first_agent[p];
    for (std::uint32_t rank = 0; rank < pool.agents; ++rank) agents_[first + rank].pool = id_at<PoolId>(p);
    if (!pool.rostered())  // shorthand agents are called on in rank order: agent 0 first
      for (std::uint32_t rank = pool.agents; rank-- > 0;) pools_[p].off_agents.push_back(id_at<AgentId>(first + rank));
  }
  systems_.resize(model.systems.size());
  for (std::size_t y = 0; y < systems_.size(); ++y)
    systems_[y].key = sim::stream_key(model.seed, replication, model.systems[y].name);
  classes_.resize(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    const CompiledClass& compiled = model.classes[c];
    ClassState& state = classes_[c];
    state.key = sim::stream_key(model.seed, replication, compiled.name);
    state.rate_per_tick = compiled.rate_per_tick.data();
    state.mean_gap_ticks = compiled.mean_gap_ticks.data();
    state.patience = compiled.patience ? &*compiled.patience : nullptr;
    state.replays = !compiled.arrival_times.empty();
    state.level = compiled.level;
    state.entry = compiled.entry;
  }
  interval_stats_.resize(static_cast<std::size_t>(model.intervals));
  interval_agents_.resize(static_cast<std::size_t>(model.intervals) * pools);
  interval_marks_.resize(pools);
  sla_count_ = model.slas.size();
  interval_sla_counts_.resize(static_cast<std::size_t>(model.intervals) * sla_count_);
  for (int k = 1; k <= model.intervals; ++k)
    interval_end_.push_back(static_cast<double>(std::min(model.interval_ticks * k, model.length_ticks)));
  customers_.reserve(1024);
}

ReplicationResult ServiceSystem::run() {
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    if (model_.pools[p].rostered()) {
      for (std::uint32_t l = 0; l < model_.pools[p].lines.size(); ++l) {
        line_refs_.push_back({id_at<PoolId>(p), l});
        line_cursors_.emplace_back();
        schedule_line_step(static_cast<std::uint32_t>(line_refs_.size() - 1));
      }
    } else {
      apply_shorthand(id_at<PoolId>(p), 0);
    }
  }
  for (std::size_t y = 0; y < systems_.size(); ++y) {
    for (const auto& [from, to] : model_.systems[y].down) {
      if (from >= model_.length_ticks) continue;
      schedule(EventKind::system, from, static_cast<std::uint32_t>(y),
               static_cast<std::uint32_t>(SystemChange::planned_start));
      schedule(EventKind::system, to, static_cast<std::uint32_t>(y),
               static_cast<std::uint32_t>(SystemChange::planned_end));
    }
    schedule_failure(id_at<SystemId>(y));
  }
  schedule_boundary(1);
  snapshot_window(window_start_);
  if (model_.warmup_ticks > 0) schedule(EventKind::warmup_end, model_.warmup_ticks, 0);
  for (std::size_t c = 0; c < model_.classes.size(); ++c) schedule_next_arrival(id_at<ClassId>(c));

  const sim::Time horizon = model_.drain ? sim::kTimeMax : model_.length_ticks;
  // Events: every record delivered but the stale timers (answered customers' patience).
  if (lean_) {
    Dispatch<kNoFeature> dispatch{*this};
    events_handled_ = sim::run_until(dispatch, events_, horizon);
  } else {
    Dispatch<kEveryFeature> dispatch{*this};
    events_handled_ = sim::run_until(dispatch, events_, horizon);
  }
  if (!window_closed_) {  // defensive: the boundary at `length` normally closes it
    now_ = std::max(now_, model_.length_ticks);
    snapshot_window(window_end_);
  }
  // Whoever is still inside leaves as unfinished: judged by the SLAs they already missed.
  const std::uint64_t undrained = model_.drain ? in_system_ : 0;
  for (std::size_t slot = 0; slot < customers_.size(); ++slot)
    if (customers_[slot].in_system) leave_system(id_at<CustomerId>(slot), Outcome::unfinished);
  ReplicationResult result = collect(now_);
  result.undrained = undrained;
  return result;
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::handle(const sim::Event& event) {
  now_ = event.time();
  switch (static_cast<EventKind>(event.kind())) {
    case EventKind::arrival: on_arrival<F>(id_at<ClassId>(event.subject)); break;
    case EventKind::service_end: on_service_end<F>(id_at<CustomerId>(event.subject)); break;
    case EventKind::wrap_end: on_wrap_end(id_at<AgentId>(event.subject)); break;
    case EventKind::abandon: on_abandon(id_at<CustomerId>(event.subject), event.generation); break;
    case EventKind::interval_boundary: on_interval_boundary(event.subject); break;
    case EventKind::warmup_end: on_warmup_end(); break;
    case EventKind::roster: on_roster(event.subject); break;
    case EventKind::break_end: on_break_end(id_at<AgentId>(event.subject), event.generation); break;
    case EventKind::system:
      on_system(id_at<SystemId>(event.subject), static_cast<SystemChange>(event.generation));
      break;
  }
}

CAPSIM_INLINE std::uint64_t ServiceSystem::customer_word(ClassId klass, std::uint64_t arrival_index,
                                                         std::uint32_t visit, StreamPurpose purpose) {
  ClassState& state = classes_[index(klass)];
  HeldBlock& held = state.held[static_cast<std::size_t>(purpose) - 1][visit > 0 ? 1 : 0];
  const std::uint64_t group = block_of(arrival_index);
  if (held.group != group || held.visit != visit) {
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
    const auto& times = model_.classes[c].arrival_times;
    if (k < times.size()) schedule_source(EventKind::arrival, times[k], static_cast<std::uint32_t>(c));
    return;
  }
  const double* const rates = state.rate_per_tick;
  const double* const mean_gaps = state.mean_gap_ticks;
  sim::LeadWordStream random(customer_word(klass, k, 0, StreamPurpose::interarrivals));
  double budget = sim::unit_exponential(random);
  double t = static_cast<double>(now_);
  for (auto interval = static_cast<std::size_t>(current_interval_); interval < interval_end_.size(); ++interval) {
    const double end = interval_end_[interval];
    const double rate = rates[interval];
    if (rate > 0.0) {
      const double candidate = t + budget * mean_gaps[interval];
      if (candidate < end) {
        const auto at = static_cast<sim::Time>(candidate + 0.5);  // candidate >= 0: rounds
        if (at >= model_.length_ticks) return;
        schedule_source(EventKind::arrival, at, static_cast<std::uint32_t>(c));
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
                  static_cast<unsigned long long>(replication_), sim::seconds_from_ticks(now_),
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
  ++arrived_total_;
  ++in_system_;
  // The k-th arrival of the class is the one whose gap was drawn k-th (gaps are drawn in order).
  ClassState& state = classes_[c];
  const std::uint64_t arrival_index = state.next_arrival_index - 1;
  schedule_next_arrival(klass);

  const CustomerId id = allocate_customer();
  Customer& customer = at(id);
  customer.arrival = now_;
  customer.klass = klass;
  customer.arrival_index = arrival_index;
  customer.visit = 0;
  customer.sla_stages_seen = 0;
  customer.level = state.level;
  customer.in_system = true;
  customer.waiting = false;
#ifdef CAPSIM_CHECKS
  customer.waited_ticks = customer.served_ticks = 0;
#endif
  customer.counted = now_ >= model_.warmup_ticks;
  // Boundaries rank before arrivals at the same tick, so current_interval_ is this
  // arrival's interval (no division per arrival).
  CAPSIM_ASSERT(current_interval_ == std::min<sim::Time>(now_ / model_.interval_ticks, model_.intervals - 1),
                "interval bookkeeping out of step with the clock");
  customer.interval = static_cast<std::uint32_t>(current_interval_);
  if (customer.counted) {
    ++state.stats.offered;
    ++interval_stats_[customer.interval].offered;
  }
  enter_stage<F>(id, state.entry);
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::enter_stage(CustomerId id, StageId stage_id) {
  Customer& customer = at(id);
  const auto& stage = model_.stages[index(stage_id)];
  StageState& state = at(stage_id);
  customer.stage = stage_id;
  customer.stage_entry = now_;
  // The handling time, after-contact work and route are drawn on entry; patience only if the
  // customer waits. Each is a pure function of (class, arrival index, visit): common random
  // numbers.
  sim::LeadWordStream service_random(
      customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::service));
  customer.service_seconds = stage.service.sample(service_random);
  if (F.wrap_up && stage.wrap_up) {
    sim::LeadWordStream wrap_random(
        customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::wrap_up));
    customer.wrap_ticks = sim::ticks_from_seconds(stage.wrap_up->sample(wrap_random));
  } else {
    customer.wrap_ticks = 0;
  }
  if (F.routing && stage.targets.size() > 1)
    customer.routing_word =
        customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::routing);
  if (customer.counted) ++state.offered;

  std::uint16_t position = 0;
  if (const AgentId agent = server_for<F>(stage_id, position); agent != kNoAgent) {
    start_service<F>(id, agent, position);
    return;
  }
  if (F.capacity && !stage.unlimited && state.waiting >= stage.capacity) {
    if (customer.counted) {
      ++state.blocked;
      if (customer.entry_visit()) ++classes_[index(customer.klass)].stats.blocked_at_entry;
      record_queue_outcome(customer, false, 0);
    }
    leave_system(id, Outcome::blocked);
    return;
  }
  enqueue(id);
  if (customer.counted && customer.entry_visit()) ++classes_[index(customer.klass)].stats.waited_at_entry;
  const sim::Distribution* const patience = classes_[index(customer.klass)].patience;
  if (stage.abandonment && patience != nullptr) {
    sim::LeadWordStream patience_random(
        customer_word(customer.klass, customer.arrival_index, customer.visit, StreamPurpose::patience));
    const sim::Time patience_ticks = sim::ticks_from_seconds(patience->sample(patience_random));
    schedule(EventKind::abandon, now_ + patience_ticks, static_cast<std::uint32_t>(id), customer.generation);
  }
}

// Rule 1 (README "Who serves whom"): the first pool in the stage's preference with an agent
// free to take the customer: at a stage with concurrency, an agent of that pool already
// serving the stage with a slot open (the one open longest), else its longest-idle agent.
// None while a system the stage needs is down.
template <Features F>
CAPSIM_INLINE AgentId ServiceSystem::server_for(StageId stage_id, std::uint16_t& position) {
  const StageState& state = at(stage_id);
  if (F.systems && state.systems_down > 0) return kNoAgent;
  const CompiledStage& stage = model_.stages[index(stage_id)];
  if (counted_agents<F>) {  // any agent of its one pool: they are interchangeable
    position = 0;
    const PoolState& pool = at(state.first_pool);
    return pool.busy < pool.working ? pool.first_agent : kNoAgent;
  }
  for (std::size_t k = 0; k < stage.pools.size(); ++k) {
    if (F.concurrency && stage.concurrency > 1) {
      const AgentId open = lists_[state.open_lists + k].head;
      if (open != kNoAgent) {
        position = static_cast<std::uint16_t>(k);
        return open;
      }
    }
    const AgentId idle = lists_[index(stage.pools[k])].head;
    if (idle != kNoAgent) {
      position = static_cast<std::uint16_t>(k);
      return idle;
    }
  }
  return kNoAgent;
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
  state.queue_length.enter(now_);
  classes_[index(customer.klass)].stats.queue_length.enter(now_);
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
  state.queue_length.leave(now_);
  classes_[index(customer.klass)].stats.queue_length.leave(now_);
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::start_service(CustomerId id, AgentId agent_id, std::uint16_t position,
                                                Handover handover) {
  Customer& customer = at(id);
  Agent& agent = at(agent_id);  // counted agents: its pool's representative, not touched
  const CompiledStage& stage = model_.stages[index(customer.stage)];
  const PoolId pool = agent.pool;
  // (Counted agents: add_busy counts a start beyond those on duty.)
  const bool beyond = !counted_agents<F> &&
                      (agent.state != AgentState::working || agent.pending != Pending::none ||
                       agent.contacts >= stage.concurrency || (agent.contacts > 0 && agent.stage != customer.stage));
  if (beyond) [[unlikely]]
    ++starts_beyond_staffing_;
  ++customer.generation;  // cancels the patience timer, if any
  customer.agent = agent_id;
  const double factor = F.handling_factors ? stage.handling_factors[position] : 1.0;
  customer.service_ticks =
      sim::ticks_from_seconds(factor == 1.0 ? customer.service_seconds : customer.service_seconds * factor);
  const sim::Time wait = now_ - customer.stage_entry;
#ifdef CAPSIM_CHECKS
  customer.waited_ticks += wait;
  customer.served_ticks += customer.service_ticks;
#endif
  if (customer.counted) record_queue_outcome(customer, true, wait);

  if (counted_agents<F>) {
    if (handover == Handover::from_idle) add_busy(pool, 1);
  } else {
    if (agent.contacts == 0) {
      if (agent.list != kNoList) list_remove(agent_id);  // leaves the idle list
      agent.stage = customer.stage;
      agent.position = position;
      if (handover == Handover::from_idle) add_busy(pool, 1);
    }
    ++agent.contacts;
  }
  // Slot utilisation counts each contact as 1/N of an agent, N its stage's concurrency (1
  // at a stage without): every stage the pool serves, not only those with concurrency.
  if (F.concurrency && model_.pools[index(pool)].concurrent) at(pool).slot_level.add(now_, 1.0 / stage.concurrency);
  if (F.concurrency && stage.concurrency > 1) {
    const std::uint32_t open = at(customer.stage).open_lists + position;
    if (agent.contacts < stage.concurrency && agent.pending == Pending::none) {
      if (agent.list != open) list_push(open, agent_id);
    } else if (agent.list != kNoList) {
      list_remove(agent_id);
    }
  }
  schedule(EventKind::service_end, now_ + customer.service_ticks, static_cast<std::uint32_t>(id));
}

// Judges one queue visit: stage wait statistics, the class's answer statistics when this is
// its first answer at the entry stage, and the wait SLAs that apply.
CAPSIM_INLINE void ServiceSystem::record_queue_outcome(Customer& customer, bool answered, sim::Time wait) {
  StageState& state = at(customer.stage);
  const auto wait_ticks = static_cast<double>(wait);
  if (answered) state.wait.add(wait_ticks);
  if (answered && customer.entry_visit()) {
    ClassStats& stats = classes_[index(customer.klass)].stats;
    ++stats.answered;
    stats.wait.add(wait_ticks);
    stats.wait_ticks.add(wait);
    IntervalStats& interval = interval_stats_[customer.interval];
    ++interval.answered;
    interval.wait_ticks_sum += wait_ticks;
  }
  judge_wait_slas(customer, answered ? VisitEnd::answered : VisitEnd::lost, wait);
}

// A wait SLA judges a customer's first visit to its stage (for the entry stage: the visit
// ASA measures): a hit when answered within the threshold. An abandoned or blocked visit
// is a miss whatever its wait; a visit still waiting at the end is a miss once past the
// threshold and not judged before.
CAPSIM_INLINE void ServiceSystem::judge_wait_slas(Customer& customer, VisitEnd end, sim::Time wait) {
  const CompiledStage& stage = model_.stages[index(customer.stage)];
  if (stage.sla_bit < 0) return;
  const auto& slas = stage.wait_slas[index(customer.klass)];
  if (slas.empty()) return;
  const std::uint64_t bit = std::uint64_t{1} << stage.sla_bit;
  if (customer.sla_stages_seen & bit) return;
  customer.sla_stages_seen |= bit;
  SlaCounts* const counts = sla_counts_of(customer.interval);
  for (const SlaRef& ref : slas) {
    const bool within = wait <= ref.threshold;
    if (end == VisitEnd::still_waiting && within) continue;  // censored: the outcome is unknown
    judge_sla(counts[index(ref.sla)], end == VisitEnd::answered && within);
  }
}

template <Features F>
CAPSIM_INLINE void ServiceSystem::on_service_end(CustomerId id) {
  Customer& customer = at(id);
  const AgentId agent = customer.agent;
  const StageId stage_id = customer.stage;
  if (customer.counted) {
    StageState& state = at(stage_id);
    ++state.served;
    state.handled_ticks += static_cast<double>(customer.service_ticks + customer.wrap_ticks);
  }
  // The agent's hands free now, or after its wrap-up. A freed agent takes the most urgent,
  // longest-waiting customer before this customer moves on, so a customer routed onward
  // queues behind those already waiting.
  if (F.wrap_up && customer.wrap_ticks > 0)
    schedule(EventKind::wrap_end, now_ + customer.wrap_ticks, static_cast<std::uint32_t>(agent));
  else
    release_slot<F>(agent);

  const auto& stage = model_.stages[index(stage_id)];
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

void ServiceSystem::on_wrap_end(AgentId agent) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached on_wrap_end");
  release_slot<kEveryFeature>(agent);
}

// A contact and its wrap-up are done. With other contacts still in hand (concurrency) the
// agent may take the next customer of its stage into the slot; with none, it is free.
template <Features F>
CAPSIM_INLINE void ServiceSystem::release_slot(AgentId agent_id) {
  if (counted_agents<F>) {
    agent_free<F>(agent_id);
    return;
  }
  Agent& agent = at(agent_id);
  --agent.contacts;
  const PoolId pool = agent.pool;
  const CompiledStage& stage = model_.stages[index(agent.stage)];
  if (model_.pools[index(pool)].concurrent) at(pool).slot_level.add(now_, -1.0 / stage.concurrency);
  if (agent.contacts > 0) {
    if (agent.pending != Pending::none) return;
    const std::uint32_t open = at(agent.stage).open_lists + agent.position;
    if (agent.list != open) list_push(open, agent_id);
    fill_slots(agent_id);
    return;
  }
  if (agent.list != kNoList) list_remove(agent_id);  // its open-slot list
  agent_free<F>(agent_id);
}

// Hands free: the agent leaves if it is due to (shift end, break, shrinkage, a staffing drop),
// otherwise takes the next customer by rule 2 or waits in its pool's idle list. It is still
// counted busy: one that takes the next customer at once stays so, the busy level never dips.
template <Features F>
CAPSIM_INLINE void ServiceSystem::agent_free(AgentId agent_id) {
  Agent& agent = at(agent_id);
  if (counted_agents<F>) {  // takes the next customer, or joins the idle count
    if (!take_next<F>(agent_id)) add_busy(agent.pool, -1);
    return;
  }
  PoolState& pool = at(agent.pool);
  if (agent.pending == Pending::none && pool.excess <= 0 && take_next<F>(agent_id)) return;
  add_busy(agent.pool, -1);
  switch (agent.pending) {
    case Pending::off: go_away(agent_id, AgentState::off); return;
    case Pending::break_: start_break(agent_id); return;
    case Pending::shrinkage: go_away(agent_id, AgentState::away); return;
    case Pending::none: break;
  }
  if (pool.excess > 0) {
    --pool.excess;
    go_away(agent_id, pool.away < pool.away_target ? AgentState::away : AgentState::off);
    return;
  }
  list_push(index(agent.pool), agent_id);
}

// Rule 2: by skill level, first choice first; within a level, among the first in line at
// each of those stages that can start a service, the most urgent priority, then the
// longest waiting.
template <Features F>
CAPSIM_INLINE bool ServiceSystem::take_next(AgentId agent_id) {
  if (waiting_total_ == 0) return false;
  if (!F.shared_pools && !F.systems) {  // the first in line at its one stage
    const ServedStage served = at(at(agent_id).pool).first_stage;
    const CustomerId head = first_in_line(served.stage);
    if (head == kNoCustomer) return false;
    unlink(head);
    start_service<F>(head, agent_id, served.position, Handover::from_busy);
    if (F.concurrency && model_.stages[index(served.stage)].concurrency > 1) fill_slots(agent_id);
    return true;
  }
  const CompiledPool& pool = model_.pools[index(at(agent_id).pool)];
  for (const auto& level : pool.by_level) {
    CustomerId best = kNoCustomer;
    std::uint16_t best_position = 0;
    for (const ServedStage& served : level) {
      if (F.systems && at(served.stage).systems_down > 0) continue;
      const CustomerId head = first_in_line(served.stage);
      if (head != kNoCustomer && (best == kNoCustomer || taken_before(head, best))) {
        best = head;
        best_position = served.position;
      }
    }
    if (best != kNoCustomer) {
      unlink(best);
      start_service<F>(best, agent_id, best_position, Handover::from_busy);
      if (F.concurrency && model_.stages[index(at(agent_id).stage)].concurrency > 1) fill_slots(agent_id);
      return true;
    }
  }
  return false;
}

// Concurrency: an agent with slots open takes further customers of its stage, in line order.
void ServiceSystem::fill_slots(AgentId agent_id) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached fill_slots");
  Agent& agent = at(agent_id);
  const std::uint16_t concurrency = model_.stages[index(agent.stage)].concurrency;
  while (agent.contacts < concurrency && agent.pending == Pending::none && at(agent.stage).systems_down == 0) {
    const CustomerId head = first_in_line(agent.stage);
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
      const AgentId agent = server_for<F>(id_at<StageId>(s), position);
      if (agent == kNoAgent) continue;
      best = head;
      best_agent = agent;
      best_position = position;
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

// The order in which an agent takes the first in line of several stages: the most urgent
// priority level, then the longest waiting. The one definition of rules 2 and 3 (README).
bool ServiceSystem::taken_before(CustomerId a, CustomerId b) const {
  const Customer& x = customers_[index(a)];
  const Customer& y = customers_[index(b)];
  return x.level < y.level || (x.level == y.level && x.queue_seq < y.queue_seq);
}

CAPSIM_INLINE void ServiceSystem::leave_system(CustomerId id, Outcome outcome) {
  Customer& customer = at(id);
  const sim::Time sojourn = now_ - customer.arrival;
  switch (outcome) {
    case Outcome::served:
      CAPSIM_ASSERT(customer.waited_ticks + customer.served_ticks == sojourn,
                    "wait + service != sojourn for a customer of class " + model_.classes[index(customer.klass)].name +
                        " at t=" + std::to_string(sim::seconds_from_ticks(now_)) + "s");
      ++served_total_;
      break;
    case Outcome::abandoned: ++abandoned_total_; break;
    case Outcome::blocked: ++blocked_total_; break;
    case Outcome::unfinished:
      ++unfinished_total_;
      // A visit still waiting is judged once it has waited past a wait SLA's threshold; after
      // a clock window's drain nothing more can happen, so it would wait forever: a miss.
      if (customer.waiting && customer.counted)
        judge_wait_slas(customer, model_.drain ? VisitEnd::lost : VisitEnd::still_waiting, now_ - customer.stage_entry);
      break;
  }
  if (customer.counted) {
    ClassStats& stats = classes_[index(customer.klass)].stats;
    IntervalStats& interval = interval_stats_[customer.interval];
    switch (outcome) {
      case Outcome::served:
        ++stats.served;
        ++interval.served;
        stats.sojourn.add(static_cast<double>(sojourn));
        break;
      case Outcome::abandoned:
        ++stats.abandoned;
        ++interval.abandoned;
        break;
      case Outcome::blocked: ++stats.blocked; break;
      case Outcome::unfinished: break;
    }
    // Sojourn SLAs: served within the threshold is a hit; abandoned and blocked customers
    // are misses; an unfinished one is a miss once past the threshold (at once after a
    // drain, which it can never leave), else not judged.
    const bool censored = outcome == Outcome::unfinished && !model_.drain;
    const auto& slas = model_.sojourn_slas[index(customer.klass)];
    if (!slas.empty()) {
      SlaCounts* const counts = sla_counts_of(customer.interval);
      for (const SlaRef& ref : slas) {
        if (outcome == Outcome::served)
          judge_sla(counts[index(ref.sla)], sojourn <= ref.threshold);
        else if (!censored || sojourn > ref.threshold)
          judge_sla(counts[index(ref.sla)], false);
      }
    }
  }
  release_customer(id);
}

void ServiceSystem::on_abandon(CustomerId id, std::uint32_t generation) {
  Customer& customer = at(id);
  if (customer.generation != generation) {  // answered, or the slot was reused
    ++stale_timers_;
    return;
  }
  unlink(id);
  if (customer.counted) {
    ++at(customer.stage).abandoned;
    record_queue_outcome(customer, false, now_ - customer.stage_entry);
  }
  leave_system(id, Outcome::abandoned);
}

// ---- Agents: lists, presence and rosters -------------------------------------------------

CAPSIM_INLINE void ServiceSystem::list_push(std::uint32_t list, AgentId agent_id) {
  Agent& agent = at(agent_id);
  if (agent.list != kNoList) list_remove(agent_id);
  agent.list = list;
  sim::list_append(
      lists_[list], agent_id, [this](AgentId a) -> Agent& { return at(a); }, kNoAgent);
}

CAPSIM_INLINE void ServiceSystem::list_remove(AgentId agent_id) {
  Agent& agent = at(agent_id);
  sim::list_unlink(
      lists_[agent.list], agent_id, [this](AgentId a) -> Agent& { return at(a); }, kNoAgent);
  agent.list = kNoList;
}

CAPSIM_INLINE void ServiceSystem::add_busy(PoolId pool, int delta) {
  PoolState& state = at(pool);
  state.busy += delta;
  state.busy_level.add(now_, delta);
  if (state.busy > state.working) [[unlikely]]
    ++busy_beyond_available_;
}

// Present = working + away; available = working.
void ServiceSystem::add_working(PoolId pool, int delta) {
  PoolState& state = at(pool);
  state.working += delta;
  state.available_level.add(now_, delta);
  state.present_level.add(now_, delta);
}

void ServiceSystem::add_away(PoolId pool, int delta) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached add_away");
  PoolState& state = at(pool);
  state.away += delta;
  state.present_level.add(now_, delta);
}

void ServiceSystem::set_scheduled(PoolId pool, int scheduled) {
  PoolState& state = at(pool);
  state.scheduled = scheduled;
  state.scheduled_level.set(now_, scheduled);
}

// Off or away -> working, in its pool's idle list (callers then apply rule 3).
void ServiceSystem::come_to_work(AgentId agent_id) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached come_to_work");
  Agent& agent = at(agent_id);
  if (agent.state == AgentState::away) add_away(agent.pool, -1);
  if (agent.state != AgentState::working) add_working(agent.pool, 1);
  agent.state = AgentState::working;
  agent.pending = Pending::none;
  list_push(index(agent.pool), agent_id);
}

// Working with hands free -> off, or away for shrinkage.
void ServiceSystem::go_away(AgentId agent_id, AgentState state) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached go_away");
  Agent& agent = at(agent_id);
  if (agent.list != kNoList) list_remove(agent_id);
  if (agent.state == AgentState::working) add_working(agent.pool, -1);
  if (agent.state == AgentState::away && state == AgentState::off) add_away(agent.pool, -1);
  if (agent.state != AgentState::away && state == AgentState::away) add_away(agent.pool, 1);
  agent.state = state;
  agent.pending = Pending::none;
  if (state == AgentState::off) {  // owed breaks end with the shift
    agent.next_owed = false;
    if (agent.on_break) {
      agent.on_break = false;
      ++agent.generation;
    }
  }
  if (!model_.pools[index(agent.pool)].rostered())
    (state == AgentState::off ? at(agent.pool).off_agents : at(agent.pool).away_agents).push_back(agent_id);
}

// Leave as soon as the contacts in hand and their wrap-up are done; a later duty overrides
// an earlier one of lower precedence (shift end > break > shrinkage).
void ServiceSystem::make_due(AgentId agent_id, Pending pending) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached make_due");
  Agent& agent = at(agent_id);
  const auto precedence = [](Pending p) {
    switch (p) {
      case Pending::none: return 0;
      case Pending::shrinkage: return 1;
      case Pending::break_: return 2;
      case Pending::off: return 3;
    }
    return 0;
  };
  if (precedence(pending) < precedence(agent.pending)) return;
  agent.pending = pending;
  if (agent.list != kNoList) list_remove(agent_id);  // an open slot closes
}

// A busy agent no longer due to leave: at a stage with concurrency its open slots open again.
void ServiceSystem::reopen(AgentId agent_id) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached reopen");
  Agent& agent = at(agent_id);
  if (agent.contacts == 0 || model_.stages[index(agent.stage)].concurrency <= 1) return;
  if (agent.contacts < model_.stages[index(agent.stage)].concurrency)
    list_push(at(agent.stage).open_lists + agent.position, agent_id);
  fill_slots(agent_id);
}

void ServiceSystem::start_break(AgentId agent_id) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached start_break");
  Agent& agent = at(agent_id);
  PoolState& pool = at(agent.pool);
  if (agent.list != kNoList) list_remove(agent_id);
  if (agent.state == AgentState::working) {
    add_working(agent.pool, -1);
    add_away(agent.pool, 1);
  }
  agent.state = AgentState::away;
  agent.on_break = true;
  agent.pending = Pending::none;
  if (agent.due_since >= model_.warmup_ticks && agent.due_since < model_.length_ticks)
    pool.break_delay_seconds.add(sim::seconds_from_ticks(now_ - agent.due_since));
  schedule(EventKind::break_end, now_ + agent.break_length, static_cast<std::uint32_t>(agent_id), ++agent.generation);
}

void ServiceSystem::on_break_end(AgentId agent_id, std::uint32_t generation) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached on_break_end");
  Agent& agent = at(agent_id);
  if (generation != agent.generation || !agent.on_break) {
    ++stale_timers_;
    return;
  }
  agent.on_break = false;
  CAPSIM_ASSERT(agent.rostered, "a break outlived its shift (the shift end ends it)");
  if (agent.next_owed) {  // the next break fell due during this one: it follows
    agent.next_owed = false;
    agent.due_since = agent.next_due_since;
    agent.break_length = agent.next_break_length;
    start_break(agent_id);
  } else if (!agent.shrunk) {
    come_to_work(agent_id);
    serve_waiting<kEveryFeature>();
  }  // else it stays away: shrinkage for the rest of the interval
}

// A shift line's steps in time order, one pending event per line: the cursor walks the
// steps, and a break step once per agent of the line (agent j's break is staggered after
// agent j-1's, and a line's break windows neither overlap nor leave the shift, so the walk
// never goes back in time). Steps at or after the horizon's end are never scheduled: after
// the close, everyone present stays until the system has drained (as shorthand staffing
// keeps the last interval's).
sim::Time ServiceSystem::line_step_time(const ShiftLine& line, const LineCursor& cursor) const {
  const RosterStep& step = line.steps[cursor.step];
  if (step.action != RosterAction::break_due || line.agents <= 1) return step.at;
  return step.at + static_cast<sim::Time>(cursor.rank) * step.stagger / static_cast<sim::Time>(line.agents - 1);
}

void ServiceSystem::advance(const ShiftLine& line, LineCursor& cursor) {
  if (line.steps[cursor.step].action == RosterAction::break_due && cursor.rank + 1 < line.agents) {
    ++cursor.rank;
    return;
  }
  ++cursor.step;
  cursor.rank = 0;
}

void ServiceSystem::schedule_line_step(std::uint32_t line_index) {
  const LineRef& ref = line_refs_[line_index];
  const ShiftLine& line = model_.pools[index(ref.pool)].lines[ref.line];
  LineCursor& cursor = line_cursors_[line_index];
  while (cursor.step < line.steps.size()) {
    const sim::Time at = line_step_time(line, cursor);
    if (at >= model_.length_ticks) return;
    if (at < now_ || line.agents == 0) {  // a break before the horizon's start; an empty line
      advance(line, cursor);
      continue;
    }
    schedule(EventKind::roster, at, line_index);
    return;
  }
}

void ServiceSystem::on_roster(std::uint32_t line_index) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached on_roster");
  const LineRef& ref = line_refs_[line_index];
  const ShiftLine& line = model_.pools[index(ref.pool)].lines[ref.line];
  LineCursor& cursor = line_cursors_[line_index];
  const RosterStep& step = line.steps[cursor.step];
  const std::uint32_t first = model_.first_agent[index(ref.pool)] + line.first;
  if (step.action == RosterAction::break_due) {
    roster_step(id_at<AgentId>(first + cursor.rank), step);
  } else {  // the whole line comes or goes
    for (std::uint32_t j = 0; j < line.agents; ++j) roster_step(id_at<AgentId>(first + j), step);
  }
  advance(line, cursor);
  schedule_line_step(line_index);
}

void ServiceSystem::roster_step(AgentId agent_id, const RosterStep& step) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached roster_step");
  Agent& agent = at(agent_id);
  const PoolId pool_id = agent.pool;
  const AgentIdentity identity = model_.agent_identity[index(agent_id)];
  switch (step.action) {
    case RosterAction::on: {
      agent.rostered = true;
      agent.absent = absent(pool_id, identity, step.day);
      if (agent.absent) return;
      set_scheduled(pool_id, at(pool_id).scheduled + 1);
      agent.shrunk = shrunk(pool_id, identity, static_cast<std::size_t>(current_interval_));
      if (agent.state == AgentState::working) {  // still finishing overtime: stays on
        if (agent.pending == Pending::off) {
          agent.pending = Pending::none;
          reopen(agent_id);
        }
        if (agent.shrunk) make_due(agent_id, Pending::shrinkage);
        return;
      }
      if (agent.state == AgentState::off) {
        if (agent.shrunk) {
          add_away(pool_id, 1);
          agent.state = AgentState::away;
          return;
        }
        come_to_work(agent_id);
        serve_waiting<kEveryFeature>();
      }
      return;
    }
    case RosterAction::break_due: {
      if (!agent.rostered || agent.absent) return;
      if (agent.on_break || agent.pending == Pending::break_) {  // one already owed: this one follows it
        if (agent.next_owed) {
          agent.next_break_length += step.length;  // a third at once (huge delays): merged
        } else {
          agent.next_owed = true;
          agent.next_due_since = now_;
          agent.next_break_length = step.length;
        }
        return;
      }
      agent.due_since = now_;
      agent.break_length = step.length;
      if (agent.state == AgentState::working && agent.contacts == 0)
        start_break(agent_id);
      else if (agent.state == AgentState::working)
        make_due(agent_id, Pending::break_);
      else
        agent.pending = Pending::break_;  // away for shrinkage: taken on return
      return;
    }
    case RosterAction::off: {
      agent.rostered = false;
      if (agent.absent) {
        agent.absent = false;
        return;
      }
      set_scheduled(pool_id, at(pool_id).scheduled - 1);
      if (agent.state == AgentState::working && agent.contacts == 0)
        go_away(agent_id, AgentState::off);
      else if (agent.state == AgentState::working)
        make_due(agent_id, Pending::off);  // overtime until its hands are free
      else  // away: a break (it ends with the shift; its end timer goes stale) or shrinkage
        go_away(agent_id, AgentState::off);
      return;
    }
    case RosterAction::next_day: {  // working on into the next shift day: its own absence
      if (!agent.rostered) return;
      const bool absent_today = absent(pool_id, identity, step.day);
      if (absent_today == agent.absent) return;  // present (or absent) both days: nothing changes
      if (absent_today) {                        // present until now: leaves as at a shift end, absent for the day
        roster_step(agent_id, {step.at, 0, 0, RosterAction::off, step.day});
        agent.rostered = true;
        agent.absent = true;
      } else {  // absent until now: comes as at a shift start
        agent.rostered = false;
        agent.absent = false;
        roster_step(agent_id, {step.at, 0, 0, RosterAction::on, step.day});
      }
      return;
    }
  }
}

// Absenteeism and shrinkage: pure functions of (pool, agent identity, day or interval),
// from the pool's own stream, so that staffing what-ifs keep every customer's numbers and a
// change to one shift line keeps every other line's.
bool ServiceSystem::absent(PoolId pool, AgentIdentity agent, std::uint32_t day) const {
  return agent_draw(pool, agent, day, StreamPurpose::absence) < model_.pools[index(pool)].absenteeism;
}

bool ServiceSystem::shrunk(PoolId pool, AgentIdentity agent, std::size_t interval) const {
  return agent_draw(pool, agent, static_cast<std::uint32_t>(interval), StreamPurpose::shrinkage) <
         model_.pools[index(pool)].shrinkage;
}

// Agent j of line l's uniform for (day or interval, purpose): word j % 4 of block
// (l << 32 | j / 4, period, purpose) of the pool's key; 1 when the pool has no such
// probability (nothing drawn).
double ServiceSystem::agent_draw(PoolId pool, AgentIdentity agent, std::uint32_t period, StreamPurpose purpose) const {
  const CompiledPool& compiled = model_.pools[index(pool)];
  const double p = purpose == StreamPurpose::absence ? compiled.absenteeism : compiled.shrinkage;
  if (p <= 0.0) return 1.0;
  const auto block =
      sim::philox_block(pool_keys_[index(pool)], agent_subject(agent), period, static_cast<std::uint8_t>(purpose));
  return static_cast<double>(block.v[word_of(agent.index)] >> 11) * 0x1.0p-53;
}

std::uint32_t ServiceSystem::day_of_interval(std::size_t interval) const {
  const sim::Time clock =
      sim::ticks_from_seconds(model_.start_clock_seconds) + model_.interval_ticks * static_cast<sim::Time>(interval);
  return static_cast<std::uint32_t>(clock / (86400 * sim::kTicksPerSecond));
}

// Shorthand pools: the interval's staffing less the absent (scheduled), less the shrunk
// (available). Agents leave and return as a counter: idle ones first, busy ones as they free.
void ServiceSystem::apply_shorthand(PoolId pool_id, std::size_t interval) {
  const CompiledPool& pool = model_.pools[index(pool_id)];
  const int staffing = pool.staffing[interval];
  if (lean_) {  // counted agents: nobody absent or shrunk, and the staffing never drops
    PoolState& state = at(pool_id);
    CAPSIM_ASSERT(staffing >= state.working && state.excess == 0, "a lean model's staffing dropped");
    set_scheduled(pool_id, staffing);
    state.target = staffing;
    if (staffing > state.working) add_working(pool_id, staffing - state.working);
    return;
  }
  int scheduled = staffing, shrinking = 0;
  if (pool.absenteeism > 0.0 || pool.shrinkage > 0.0) {
    scheduled = 0;
    const std::uint32_t day = day_of_interval(interval);
    for (int rank = 0; rank < staffing; ++rank) {
      const AgentIdentity identity{0, static_cast<std::uint32_t>(rank)};
      if (absent(pool_id, identity, day)) continue;
      ++scheduled;
      if (shrunk(pool_id, identity, interval)) ++shrinking;
    }
  }
  PoolState& state = at(pool_id);
  set_scheduled(pool_id, scheduled);
  state.target = scheduled - shrinking;
  state.away_target = shrinking;
  while (state.away > state.away_target) {  // shrinkage over: back to work
    const AgentId agent = state.away_agents.back();
    state.away_agents.pop_back();
    come_to_work(agent);
  }
  int on_duty = state.working - state.excess;
  while (on_duty > state.target && lists_[index(pool_id)].head != kNoAgent) {
    go_away(lists_[index(pool_id)].head, state.away < state.away_target ? AgentState::away : AgentState::off);
    --on_duty;
  }
  if (on_duty > state.target) {
    state.excess += on_duty - state.target;
    on_duty = state.target;
  }
  while (on_duty < state.target) {
    ++on_duty;
    if (state.excess > 0) {
      --state.excess;
      continue;
    }
    CAPSIM_ASSERT(!state.off_agents.empty(), "a shorthand pool ran out of agents");
    const AgentId agent = state.off_agents.back();
    state.off_agents.pop_back();
    come_to_work(agent);
  }
  // The shrunk are present but unavailable: called in as away, less the busy ones that will
  // go away as they free.
  while (state.away + state.excess < state.away_target && !state.off_agents.empty()) {
    const AgentId agent = state.off_agents.back();
    state.off_agents.pop_back();
    at(agent).state = AgentState::away;
    add_away(pool_id, 1);
    state.away_agents.push_back(agent);
  }
}

// Rostered pools: each agent at work draws its shrinkage for the new interval.
void ServiceSystem::draw_shrinkage(PoolId pool_id, std::size_t interval) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached draw_shrinkage");
  const CompiledPool& pool = model_.pools[index(pool_id)];
  const std::uint32_t first = model_.first_agent[index(pool_id)];
  for (std::uint32_t rank = 0; rank < pool.agents; ++rank) {
    const AgentId agent_id = id_at<AgentId>(first + rank);
    Agent& agent = at(agent_id);
    if (!agent.rostered || agent.absent) continue;
    agent.shrunk = shrunk(pool_id, model_.agent_identity[first + rank], interval);
    if (agent.shrunk) {
      if (agent.state == AgentState::working && agent.contacts == 0)
        go_away(agent_id, AgentState::away);
      else if (agent.state == AgentState::working)
        make_due(agent_id, Pending::shrinkage);
    } else if (agent.state == AgentState::away && !agent.on_break) {  // shrinkage over
      if (agent.pending == Pending::break_) {
        start_break(agent_id);
      } else {
        come_to_work(agent_id);
      }
    } else if (agent.pending == Pending::shrinkage) {
      agent.pending = Pending::none;
      reopen(agent_id);
    }
  }
}

// Boundary k ends interval k - 1. One is pending at a time (each schedules the next), so the
// intervals of a long horizon do not deepen the event heap; the order is unchanged, as
// boundaries rank first and never share a tick.
void ServiceSystem::schedule_boundary(std::uint32_t boundary) {
  const sim::Time at = std::min(model_.interval_ticks * boundary, model_.length_ticks);
  schedule(EventKind::interval_boundary, at, boundary);
}

void ServiceSystem::on_interval_boundary(std::uint32_t boundary) {
  close_interval(boundary - 1);
  if (static_cast<int>(boundary) < model_.intervals) schedule_boundary(boundary + 1);
  if (static_cast<int>(boundary) >= model_.intervals) {
    snapshot_window(window_end_);
    window_closed_ = true;
    return;  // after close, staffing stays as in the last interval while the system drains
  }
  current_interval_ = static_cast<int>(boundary);
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    const PoolId pool = id_at<PoolId>(p);
    if (!model_.pools[p].rostered())
      apply_shorthand(pool, boundary);
    else if (model_.pools[p].shrinkage > 0.0)
      draw_shrinkage(pool, boundary);
  }
  if (lean_)
    serve_waiting<kNoFeature>();
  else
    serve_waiting<kEveryFeature>();
}

// Agent areas of the closing interval, per pool (the part inside the statistics window).
void ServiceSystem::close_interval(std::size_t closing) {
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    PoolState& pool = pools_[p];
    pool.busy_level.advance(now_);
    pool.present_level.advance(now_);
    pool.available_level.advance(now_);
    pool.scheduled_level.advance(now_);
    IntervalAgents& mark = interval_marks_[p];
    IntervalAgents& areas = interval_agents_[closing * pools_.size() + p];
    areas.busy = pool.busy_level.area() - mark.busy;
    areas.present = pool.present_level.area() - mark.present;
    areas.available = pool.available_level.area() - mark.available;
    areas.scheduled = pool.scheduled_level.area() - mark.scheduled;
    mark = {pool.busy_level.area(), pool.present_level.area(), pool.available_level.area(),
            pool.scheduled_level.area()};
  }
}

// The statistics window opens: window KPIs and the per-interval agent areas start here.
void ServiceSystem::on_warmup_end() {
  snapshot_window(window_start_);
  for (std::size_t p = 0; p < pools_.size(); ++p)  // snapshot_window advanced them to now
    interval_marks_[p] = {pools_[p].busy_level.area(), pools_[p].present_level.area(), pools_[p].available_level.area(),
                          pools_[p].scheduled_level.area()};
}

// ---- Support systems ---------------------------------------------------------------------

void ServiceSystem::on_system(SystemId system_id, SystemChange change) {
  CAPSIM_ASSERT(!lean_, "a lean model (counted agents) reached on_system");
  SystemState& system = at(system_id);
  const bool was_down = system.planned > 0 || system.failed;
  switch (change) {
    case SystemChange::planned_start: ++system.planned; break;
    case SystemChange::planned_end: --system.planned; break;
    case SystemChange::failure: {
      system.failed = true;
      sim::CounterStream random(system.key, system.failures, 0, static_cast<std::uint8_t>(StreamPurpose::repair));
      const sim::Time repair = sim::ticks_from_seconds(model_.systems[index(system_id)].repair->sample(random));
      schedule(EventKind::system, now_ + repair, static_cast<std::uint32_t>(index(system_id)),
               static_cast<std::uint32_t>(SystemChange::repair));
      break;
    }
    case SystemChange::repair:
      system.failed = false;
      ++system.failures;
      schedule_failure(system_id);
      break;
  }
  const bool down = system.planned > 0 || system.failed;
  if (down != was_down) set_system_down(system_id, down);
}

// Random failures: the k-th comes its `between` time after the (k-1)-th repair (or the
// start). None is scheduled past the horizon's end, so that the drain ends.
void ServiceSystem::schedule_failure(SystemId system_id) {
  const CompiledSystem& compiled = model_.systems[index(system_id)];
  if (!compiled.between) return;
  SystemState& system = at(system_id);
  sim::CounterStream random(system.key, system.failures, 0, static_cast<std::uint8_t>(StreamPurpose::failure));
  const sim::Time at = now_ + sim::ticks_from_seconds(compiled.between->sample(random));
  if (at >= model_.length_ticks) return;
  schedule(EventKind::system, at, static_cast<std::uint32_t>(index(system_id)),
           static_cast<std::uint32_t>(SystemChange::failure));
}

void ServiceSystem::set_system_down(SystemId system_id, bool down) {
  SystemState& system = at(system_id);
  system.down_level.set(now_, down ? 1.0 : 0.0);
  if (down && now_ >= model_.warmup_ticks && now_ < model_.length_ticks) ++system.outages;
  bool back_up = false;
  for (const StageId stage : model_.systems[index(system_id)].stages) {
    std::uint32_t& count = at(stage).systems_down;
    count = down ? count + 1 : count - 1;
    back_up = back_up || count == 0;
  }
  if (!down && back_up) serve_waiting<kEveryFeature>();
}

void ServiceSystem::snapshot_window(std::vector<double>& into) {
  into.clear();
  for (const auto& klass : classes_) into.push_back(klass.stats.queue_length.area(now_));
  for (const auto& stage : stages_) into.push_back(stage.queue_length.area(now_));
  for (auto member : {&PoolState::busy_level, &PoolState::present_level, &PoolState::available_level,
                      &PoolState::scheduled_level, &PoolState::slot_level}) {
    for (auto& pool : pools_) {
      (pool.*member).advance(now_);
      into.push_back((pool.*member).area());
    }
  }
  for (auto& system : systems_) {
    system.down_level.advance(now_);
    into.push_back(system.down_level.area());
  }
}

ReplicationResult ServiceSystem::collect(sim::Time end_time) {
  ReplicationResult result;
  result.values.assign(layout_.size(), kNaN);
  result.numerators.assign(layout_.size(), kNaN);
  result.denominators.assign(layout_.size(), kNaN);
  auto& v = result.values;
  // A KPI that is a ratio keeps its parts, for the pooled ratio across replications.
  const auto set_ratio = [&](std::size_t slot, double numerator, double denominator) {
    v[slot] = ratio(numerator, denominator);
    result.numerators[slot] = numerator;
    result.denominators[slot] = denominator;
  };
  const std::size_t classes = classes_.size(), stages = stages_.size(), pools = pools_.size();
  const double window_ticks = static_cast<double>(model_.length_ticks - model_.warmup_ticks);
  const auto window_area = [&](std::size_t i) { return window_end_[i] - window_start_[i]; };
  const auto seconds = [](double ticks) { return ticks / static_cast<double>(sim::kTicksPerSecond); };

  ClassStats overall;
  double overall_queue_area = 0.0;
  const auto fill_class = [&](const ClassStats& s, double queue_area, auto index_of) {
    const double offered = static_cast<double>(s.offered);
    const double admitted = static_cast<double>(s.offered - s.blocked_at_entry);
    v[index_of(ClassKpi::offered)] = offered;
    v[index_of(ClassKpi::answered)] = static_cast<double>(s.answered);
    v[index_of(ClassKpi::served)] = static_cast<double>(s.served);
    v[index_of(ClassKpi::abandoned)] = static_cast<double>(s.abandoned);
    v[index_of(ClassKpi::blocked)] = static_cast<double>(s.blocked);
    v[index_of(ClassKpi::unfinished)] = static_cast<double>(s.offered - s.served - s.abandoned - s.blocked);
    set_ratio(index_of(ClassKpi::abandon_rate), static_cast<double>(s.abandoned), offered);
    set_ratio(index_of(ClassKpi::block_rate), static_cast<double>(s.blocked), offered);
    set_ratio(index_of(ClassKpi::p_wait), static_cast<double>(s.waited_at_entry), admitted);
    v[index_of(ClassKpi::wait_mean)] = seconds(s.wait.mean());
    static constexpr std::array<double, 4> kLevels{0.50, 0.90, 0.95, 0.99};
    std::array<double, 4> ticks{};
    s.wait_ticks.quantiles(kLevels, ticks);  // one pass for all four
    v[index_of(ClassKpi::wait_p50)] = seconds(ticks[0]);
    v[index_of(ClassKpi::wait_p90)] = seconds(ticks[1]);
    v[index_of(ClassKpi::wait_p95)] = seconds(ticks[2]);
    v[index_of(ClassKpi::wait_p99)] = seconds(ticks[3]);
    v[index_of(ClassKpi::sojourn_mean)] = seconds(s.sojourn.mean());
    v[index_of(ClassKpi::queue_len_mean)] = ratio(queue_area, window_ticks);
  };
  for (std::size_t c = 0; c < classes; ++c) {
    const ClassStats& s = classes_[c].stats;
    fill_class(s, window_area(c), [&](ClassKpi k) { return layout_.of_class(c, k); });
    overall.offered += s.offered;
    overall.answered += s.answered;
    overall.served += s.served;
    overall.abandoned += s.abandoned;
    overall.blocked += s.blocked;
    overall.blocked_at_entry += s.blocked_at_entry;
    overall.waited_at_entry += s.waited_at_entry;
    overall.wait.merge(s.wait);
    overall.sojourn.merge(s.sojourn);
    overall.wait_ticks.merge(s.wait_ticks);
    overall_queue_area += window_area(c);
  }
  fill_class(overall, overall_queue_area, [&](ClassKpi k) { return layout_.overall(k); });

  for (std::size_t s = 0; s < stages; ++s) {
    const StageState& state = stages_[s];
    v[layout_.of_stage(s, StageKpi::offered)] = static_cast<double>(state.offered);
    v[layout_.of_stage(s, StageKpi::served)] = static_cast<double>(state.served);
    v[layout_.of_stage(s, StageKpi::abandoned)] = static_cast<double>(state.abandoned);
    v[layout_.of_stage(s, StageKpi::blocked)] = static_cast<double>(state.blocked);
    v[layout_.of_stage(s, StageKpi::wait_mean)] = seconds(state.wait.mean());
    v[layout_.of_stage(s, StageKpi::queue_len_mean)] = ratio(window_area(classes + s), window_ticks);
    v[layout_.of_stage(s, StageKpi::aht_mean)] =
        ratio(state.handled_ticks / static_cast<double>(sim::kTicksPerSecond), static_cast<double>(state.served));
  }
  const double ticks_per_hour = 3600.0 * static_cast<double>(sim::kTicksPerSecond);
  const std::size_t agent_areas = classes + stages;  // then busy, present, available, scheduled, slots
  for (std::size_t p = 0; p < pools; ++p) {
    const CompiledPool& pool = model_.pools[p];
    const double busy = window_area(agent_areas + p);
    const double present = window_area(agent_areas + pools + p);
    const double available = window_area(agent_areas + 2 * pools + p);
    const double scheduled = window_area(agent_areas + 3 * pools + p);
    const double slots = pool.concurrent ? window_area(agent_areas + 4 * pools + p) : busy;
    const double overtime = std::max(present - scheduled, 0.0);
    v[layout_.of_pool(p, PoolKpi::staffed_mean)] = ratio(present, window_ticks);
    set_ratio(layout_.of_pool(p, PoolKpi::utilization), busy, present);
    v[layout_.of_pool(p, PoolKpi::scheduled)] = ratio(scheduled, window_ticks);
    v[layout_.of_pool(p, PoolKpi::available)] = ratio(available, window_ticks);
    set_ratio(layout_.of_pool(p, PoolKpi::occupancy), busy, available);
    set_ratio(layout_.of_pool(p, PoolKpi::slot_utilization), slots, available);
    v[layout_.of_pool(p, PoolKpi::overtime_hours)] = overtime / ticks_per_hour;
    v[layout_.of_pool(p, PoolKpi::cost)] =
        (scheduled * pool.cost_per_hour + overtime * pool.overtime_cost_per_hour) / ticks_per_hour;
    v[layout_.of_pool(p, PoolKpi::break_delay_mean)] = pools_[p].break_delay_seconds.mean();
  }
  for (std::size_t y = 0; y < systems_.size(); ++y) {
    v[layout_.of_system(y, SystemKpi::downtime_hours)] = window_area(agent_areas + 5 * pools + y) / ticks_per_hour;
    v[layout_.of_system(y, SystemKpi::outages)] = static_cast<double>(systems_[y].outages);
  }
  for (std::size_t k = 0; k < model_.slas.size(); ++k) {
    SlaCounts total;
    for (std::size_t i = 0; i < interval_stats_.size(); ++i) {
      total.hits += interval_sla_counts_[i * model_.slas.size() + k].hits;
      total.trials += interval_sla_counts_[i * model_.slas.size() + k].trials;
    }
    set_ratio(layout_.of_sla(k, SlaKpi::attained), static_cast<double>(total.hits), static_cast<double>(total.trials));
    const double attained = v[layout_.of_sla(k, SlaKpi::attained)];
    v[layout_.of_sla(k, SlaKpi::met)] = std::isnan(attained) ? kNaN : (attained >= model_.slas[k].target ? 1.0 : 0.0);
  }
  for (std::size_t i = 0; i < interval_stats_.size(); ++i) {
    const IntervalStats& s = interval_stats_[i];
    const sim::Time begin = model_.interval_ticks * static_cast<sim::Time>(i);
    const sim::Time end = std::min(begin + model_.interval_ticks, model_.length_ticks);
    v[layout_.of_interval(i, IntervalKpi::offered)] = static_cast<double>(s.offered);
    v[layout_.of_interval(i, IntervalKpi::served)] = static_cast<double>(s.served);
    v[layout_.of_interval(i, IntervalKpi::abandoned)] = static_cast<double>(s.abandoned);
    set_ratio(layout_.of_interval(i, IntervalKpi::asa), seconds(s.wait_ticks_sum), static_cast<double>(s.answered));
    // Agent statistics cover the part of the interval inside the statistics window.
    const sim::Time covered_begin = std::max(begin, model_.warmup_ticks);
    if (end > covered_begin) {
      const auto covered = static_cast<double>(end - covered_begin);
      IntervalAgents all;
      for (std::size_t p = 0; p < pools; ++p) {
        const IntervalAgents& a = interval_agents_[i * pools + p];
        all.busy += a.busy;
        all.present += a.present;
        all.available += a.available;
        all.scheduled += a.scheduled;
        v[layout_.of_interval_pool(i, p, IntervalPoolKpi::scheduled)] = ratio(a.scheduled, covered);
        v[layout_.of_interval_pool(i, p, IntervalPoolKpi::available)] = ratio(a.available, covered);
        set_ratio(layout_.of_interval_pool(i, p, IntervalPoolKpi::occupancy), a.busy, a.available);
      }
      v[layout_.of_interval(i, IntervalKpi::staffed)] = ratio(all.present, covered);
      set_ratio(layout_.of_interval(i, IntervalKpi::utilization), all.busy, all.present);
      v[layout_.of_interval(i, IntervalKpi::scheduled)] = ratio(all.scheduled, covered);
      v[layout_.of_interval(i, IntervalKpi::available)] = ratio(all.available, covered);
      set_ratio(layout_.of_interval(i, IntervalKpi::occupancy), all.busy, all.available);
    }
    for (std::size_t k = 0; k < model_.slas.size(); ++k) {
      const SlaCounts& counts = interval_sla_counts_[i * model_.slas.size() + k];
      set_ratio(layout_.of_interval_sla(i, k), static_cast<double>(counts.hits), static_cast<double>(counts.trials));
    }
  }

  result.events = events_handled_ - stale_timers_;
  result.stale_timers = stale_timers_;
  result.end_time = end_time;
  result.arrived_total = arrived_total_;
  result.served_total = served_total_;
  result.abandoned_total = abandoned_total_;
  result.blocked_total = blocked_total_;
  result.in_system_at_end = unfinished_total_;
  result.starts_beyond_staffing = starts_beyond_staffing_;
  result.busy_beyond_available = busy_beyond_available_;
  return result;
}

ReplicationResult run_replication(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication,
                                  HandlerCopy copy) {
  ServiceSystem system(model, layout, replication, copy);
  return system.run();
}

}  // namespace capsim::model
