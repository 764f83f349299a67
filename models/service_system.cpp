#include "models/service_system.h"

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "models/limits.h"
#include "sim/assert.h"
#include "sim/simulator.h"

namespace capsim::model {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double numerator, double denominator) { return denominator > 0.0 ? numerator / denominator : kNaN; }

}  // namespace

ServiceSystem::ServiceSystem(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication)
    : model_(model), layout_(layout), replication_(replication), events_(256) {
  const std::size_t classes = model.classes.size(), stages = model.stages.size();
  stages_.resize(stages);
  for (std::size_t s = 0; s < stages; ++s)
    stages_[s].levels.resize(
        model.stages[s].discipline == QueueDiscipline::priority ? static_cast<std::size_t>(model.priority_levels) : 1);
  pools_.resize(model.pools.size());
  class_stats_.resize(classes);
  interval_stats_.resize(static_cast<std::size_t>(model.intervals));
  interval_sla_counts_.resize(static_cast<std::size_t>(model.intervals) * model.slas.size());
  interval_busy_mark_.assign(pools_.size(), 0.0);
  interval_present_mark_.assign(pools_.size(), 0.0);
  for (int k = 1; k <= model.intervals; ++k)
    interval_end_.push_back(static_cast<double>(std::min(model.interval_ticks * k, model.length_ticks)));
  customers_.reserve(1024);
  free_slots_.reserve(1024);

  for (const auto& klass : model.classes) class_keys_.push_back(sim::stream_key(model.seed, replication, klass.name));
  next_arrival_index_.assign(classes, 0);
  interarrival_blocks_.resize(classes);
}

sim::LeadWordStream ServiceSystem::visit_stream(const Customer& customer, std::uint64_t lead,
                                                StreamPurpose more) const {
  return sim::LeadWordStream(lead, class_keys_[index(customer.klass)], customer.arrival_index, customer.visit,
                             static_cast<std::uint8_t>(more));
}

ReplicationResult ServiceSystem::run() {
  for (std::size_t p = 0; p < pools_.size(); ++p) set_staffed(id_at<PoolId>(p), model_.pools[p].staffing[0]);
  for (int k = 1; k <= model_.intervals; ++k) {
    const sim::Time at = std::min(model_.interval_ticks * k, model_.length_ticks);
    events_.schedule(at, kRank[0], static_cast<std::uint8_t>(EventKind::interval_boundary),
                     static_cast<std::uint32_t>(k));
  }
  snapshot_window(window_start_);
  if (model_.warmup_ticks > 0)
    events_.schedule(model_.warmup_ticks, kRank[1], static_cast<std::uint8_t>(EventKind::warmup_end), 0);
  for (std::size_t c = 0; c < model_.classes.size(); ++c) schedule_next_arrival(id_at<ClassId>(c));

  const sim::Time horizon = model_.drain ? sim::kTimeMax : model_.length_ticks;
  sim::run_until(*this, events_, horizon);
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

void ServiceSystem::handle(const sim::Event& event) {
  now_ = event.time;
  switch (static_cast<EventKind>(event.kind())) {
    case EventKind::arrival: on_arrival(id_at<ClassId>(event.subject)); break;
    case EventKind::service_end: on_service_end(id_at<CustomerId>(event.subject)); break;
    case EventKind::abandon: on_abandon(id_at<CustomerId>(event.subject), event.generation); break;
    case EventKind::interval_boundary: on_interval_boundary(event.subject); break;
    case EventKind::warmup_end: on_warmup_end(); break;
  }
}

// Next arrival of a piecewise-constant Poisson process by inversion of its cumulative rate:
// a unit exponential is spent across intervals at each interval's rate (Cinlar's method),
// which is exact, unlike sampling at the rate found at the current instant.
void ServiceSystem::schedule_next_arrival(ClassId klass) {
  const std::size_t c = index(klass);
  const double* const rates = model_.classes[c].rate_per_tick.data();
  const boost::random::exponential_distribution<double> unit_exponential(1.0);
  const std::uint64_t k = next_arrival_index_[c]++;
  if (k % 4 == 0)
    interarrival_blocks_[c] =
        sim::philox_block(class_keys_[c], k / 4, 0, static_cast<std::uint8_t>(StreamPurpose::interarrivals));
  sim::LeadWordStream random(interarrival_blocks_[c].v[k % 4], class_keys_[c], k, 0,
                             static_cast<std::uint8_t>(StreamPurpose::interarrival_more));
  double budget = unit_exponential(random);
  double t = static_cast<double>(now_);
  for (auto interval = static_cast<std::size_t>(current_interval_); interval < interval_end_.size(); ++interval) {
    const double end = interval_end_[interval];
    const double rate = rates[interval];
    if (rate > 0.0) {
      const double candidate = t + budget / rate;
      if (candidate < end) {
        const auto at = static_cast<sim::Time>(candidate + 0.5);  // candidate >= 0: rounds
        if (at >= model_.length_ticks) return;
        events_.schedule(at, kRank[4], static_cast<std::uint8_t>(EventKind::arrival), static_cast<std::uint32_t>(c));
        return;
      }
      budget -= rate * (end - t);
    }
    t = end;
  }
}

CustomerId ServiceSystem::allocate_customer() {
  if (!free_slots_.empty()) {
    const CustomerId slot = free_slots_.back();
    free_slots_.pop_back();
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

void ServiceSystem::release_customer(CustomerId customer) {
  ++at(customer).generation;  // any pending timer for this slot is now stale
  at(customer).in_system = false;
  free_slots_.push_back(customer);
  --in_system_;
}

void ServiceSystem::on_arrival(ClassId klass) {
  const std::size_t c = index(klass);
  ++events_handled_;
  ++arrived_total_;
  ++in_system_;
  // The k-th arrival of the class is the one whose gap was drawn k-th (gaps are drawn in order).
  const std::uint64_t arrival_index = next_arrival_index_[c] - 1;
  schedule_next_arrival(klass);

  const CustomerId id = allocate_customer();
  Customer& customer = at(id);
  const auto& compiled = model_.classes[c];
  customer.arrival = now_;
  customer.klass = klass;
  customer.arrival_index = arrival_index;
  customer.visit = 0;
  customer.sla_stages_seen = 0;
  customer.level = compiled.level;
  customer.answered = false;
  customer.in_system = true;
  customer.waiting = false;
  customer.waited_ticks = customer.served_ticks = 0;
  customer.counted = now_ >= model_.warmup_ticks;
  // Boundaries rank before arrivals at the same tick, so current_interval_ is this
  // arrival's interval (no division per arrival).
  CAPSIM_ASSERT(current_interval_ == std::min<sim::Time>(now_ / model_.interval_ticks, model_.intervals - 1),
                "interval bookkeeping out of step with the clock");
  customer.interval = static_cast<std::uint32_t>(current_interval_);
  if (customer.counted) {
    ++class_stats_[c].offered;
    ++interval_stats_[customer.interval].offered;
  }
  enter_stage(id, compiled.entry);
}

void ServiceSystem::enter_stage(CustomerId id, StageId stage_id) {
  Customer& customer = at(id);
  const auto& stage = model_.stages[index(stage_id)];
  StageState& state = at(stage_id);
  customer.stage = stage_id;
  customer.stage_entry = now_;
  customer.entry_visit = !customer.answered && stage_id == model_.classes[index(customer.klass)].entry;
  // The handling time is drawn on entry (the agent needs it); patience only if the customer
  // waits. Each is a pure function of (class, arrival index, visit): common random numbers.
  const sim::Block words = sim::philox_block(class_keys_[index(customer.klass)], customer.arrival_index, customer.visit,
                                             static_cast<std::uint8_t>(StreamPurpose::visit));
  auto service_random = visit_stream(customer, words.v[0], StreamPurpose::service_more);
  customer.service_ticks = sim::ticks_from_seconds(stage.service.sample(service_random));
  customer.routing_word = words.v[2];
  if (customer.counted) ++state.offered;

  for (const PoolId pool : stage.pools) {
    if (at(pool).busy < at(pool).staffed) {
      start_service(id, pool);
      return;
    }
  }
  if (!stage.unlimited && state.waiting >= stage.capacity) {
    if (customer.counted) {
      ++state.blocked;
      if (customer.entry_visit) ++class_stats_[index(customer.klass)].blocked_at_entry;
      record_queue_outcome(customer, false, 0);
    }
    leave_system(id, Outcome::blocked);
    return;
  }
  enqueue(id);
  if (customer.counted && customer.entry_visit) ++class_stats_[index(customer.klass)].waited_at_entry;
  const auto& patience = model_.classes[index(customer.klass)].patience;
  if (stage.abandonment && patience.has_value()) {
    auto patience_random = visit_stream(customer, words.v[1], StreamPurpose::patience_more);
    const sim::Time patience_ticks = sim::ticks_from_seconds(patience->sample(patience_random));
    events_.schedule(now_ + patience_ticks, kRank[3], static_cast<std::uint8_t>(EventKind::abandon),
                     static_cast<std::uint32_t>(id), customer.generation);
  }
}

void ServiceSystem::enqueue(CustomerId id) {
  Customer& customer = at(id);
  StageState& state = at(customer.stage);
  const std::size_t level = state.levels.size() == 1 ? 0 : customer.level;
  Queue& queue = state.levels[level];
  customer.queue_seq = next_queue_seq_++;
  customer.prev = queue.tail;
  customer.next = kNoCustomer;
  if (queue.tail != kNoCustomer)
    at(queue.tail).next = id;
  else
    queue.head = id;
  queue.tail = id;
  customer.waiting = true;
  ++state.waiting;
  state.queue_length.add(now_, 1.0);
  class_stats_[index(customer.klass)].queue_length.add(now_, 1.0);
}

void ServiceSystem::unlink(CustomerId id) {
  Customer& customer = at(id);
  StageState& state = at(customer.stage);
  Queue& queue = state.levels[state.levels.size() == 1 ? 0 : customer.level];
  if (customer.prev != kNoCustomer)
    at(customer.prev).next = customer.next;
  else
    queue.head = customer.next;
  if (customer.next != kNoCustomer)
    at(customer.next).prev = customer.prev;
  else
    queue.tail = customer.prev;
  customer.prev = customer.next = kNoCustomer;
  customer.waiting = false;
  --state.waiting;
  state.queue_length.add(now_, -1.0);
  class_stats_[index(customer.klass)].queue_length.add(now_, -1.0);
}

void ServiceSystem::start_service(CustomerId id, PoolId pool) {
  Customer& customer = at(id);
  if (at(pool).busy >= at(pool).staffed) ++starts_beyond_staffing_;
  ++customer.generation;  // cancels the patience timer, if any
  customer.pool = pool;
  const sim::Time wait = now_ - customer.stage_entry;
  customer.waited_ticks += wait;
  customer.served_ticks += customer.service_ticks;
  if (customer.counted) record_queue_outcome(customer, true, wait);
  customer.answered = customer.answered || customer.entry_visit;
  set_busy(pool, at(pool).busy + 1);
  events_.schedule(now_ + customer.service_ticks, kRank[2], static_cast<std::uint8_t>(EventKind::service_end),
                   static_cast<std::uint32_t>(id));
}

// Judges one queue visit: stage wait statistics, the class's answer statistics when this is
// its first answer at the entry stage, and the wait SLAs that apply.
void ServiceSystem::record_queue_outcome(Customer& customer, bool answered, sim::Time wait) {
  StageState& state = at(customer.stage);
  const double wait_seconds = sim::seconds_from_ticks(wait);
  if (answered) state.wait_seconds.add(wait_seconds);
  if (answered && customer.entry_visit) {
    ClassStats& stats = class_stats_[index(customer.klass)];
    ++stats.answered;
    stats.wait_seconds.add(wait_seconds);
    stats.wait_ticks.add(wait);
    IntervalStats& interval = interval_stats_[customer.interval];
    ++interval.answered;
    interval.wait_seconds_sum += wait_seconds;
  }
  judge_wait_slas(customer, answered ? VisitEnd::answered : VisitEnd::lost, wait);
}

// A wait SLA judges a customer's first visit to its stage (for the entry stage: the visit
// ASA measures): a hit when answered within the threshold. An abandoned or blocked visit
// is a miss whatever its wait; a visit still waiting at the end is a miss once past the
// threshold and not judged before.
void ServiceSystem::judge_wait_slas(Customer& customer, VisitEnd end, sim::Time wait) {
  const CompiledStage& stage = model_.stages[index(customer.stage)];
  if (stage.sla_bit < 0) return;
  const auto& slas = stage.wait_slas[index(customer.klass)];
  if (slas.empty()) return;
  const std::uint64_t bit = std::uint64_t{1} << stage.sla_bit;
  if (customer.sla_stages_seen & bit) return;
  customer.sla_stages_seen |= bit;
  for (const SlaId k : slas) {
    const bool within = wait <= model_.slas[index(k)].threshold;
    if (end == VisitEnd::still_waiting && within) continue;  // censored: the outcome is unknown
    judge_sla(k, customer.interval, end == VisitEnd::answered && within);
  }
}

// One SLA trial, counted in the customer's arrival interval; totals are summed at the end.
void ServiceSystem::judge_sla(SlaId sla, std::uint32_t interval, bool hit) {
  SlaCounts& counts = interval_sla_counts_[interval * model_.slas.size() + index(sla)];
  ++counts.trials;
  counts.hits += hit;
}

void ServiceSystem::on_service_end(CustomerId id) {
  ++events_handled_;
  Customer& customer = at(id);
  const PoolId pool = customer.pool;
  const StageId stage_id = customer.stage;
  if (customer.counted) ++at(stage_id).served;

  // The freed agent leaves if staffing dropped while it was busy; otherwise it takes the
  // most urgent, longest-waiting customer before this customer moves on, so a customer
  // routed onward queues behind those already waiting.
  PoolState& state = at(pool);
  if (state.busy > state.staffed || !serve_next_waiting(pool)) set_busy(pool, state.busy - 1);

  const auto& stage = model_.stages[index(stage_id)];
  std::int32_t target = stage.targets.front();
  if (stage.targets.size() > 1) {
    const double u = static_cast<double>(customer.routing_word >> 11) * 0x1.0p-53;
    std::size_t route = 0;
    while (route + 1 < stage.cumulative.size() && u >= stage.cumulative[route]) ++route;
    target = stage.targets[route];
  }
  if (target == kExitIndex) {
    leave_system(id, Outcome::served);
  } else {
    ++customer.visit;
    enter_stage(id, id_at<StageId>(static_cast<std::size_t>(target)));
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

// Hands the freed agent (still counted busy) to the best waiting customer among the stages
// its pool serves: most urgent priority level first, then longest waiting.
bool ServiceSystem::serve_next_waiting(PoolId pool) {
  CustomerId best = kNoCustomer;
  for (const StageId stage : model_.pools[index(pool)].stages) {
    const CustomerId head = first_in_line(stage);
    if (head != kNoCustomer && (best == kNoCustomer || taken_before(head, best))) best = head;
  }
  if (best == kNoCustomer) return false;
  unlink(best);
  set_busy(pool, at(pool).busy - 1);
  start_service(best, pool);
  return true;
}

void ServiceSystem::leave_system(CustomerId id, Outcome outcome) {
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
    ClassStats& stats = class_stats_[index(customer.klass)];
    IntervalStats& interval = interval_stats_[customer.interval];
    switch (outcome) {
      case Outcome::served:
        ++stats.served;
        ++interval.served;
        stats.sojourn_seconds.add(sim::seconds_from_ticks(sojourn));
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
    for (const SlaId k : model_.sojourn_slas[index(customer.klass)]) {
      const sim::Time threshold = model_.slas[index(k)].threshold;
      if (outcome == Outcome::served)
        judge_sla(k, customer.interval, sojourn <= threshold);
      else if (!censored || sojourn > threshold)
        judge_sla(k, customer.interval, false);
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
  ++events_handled_;
  unlink(id);
  if (customer.counted) {
    ++at(customer.stage).abandoned;
    record_queue_outcome(customer, false, now_ - customer.stage_entry);
  }
  leave_system(id, Outcome::abandoned);
}

void ServiceSystem::on_interval_boundary(std::uint32_t boundary) {
  const std::size_t closing = boundary - 1;
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    PoolState& pool = pools_[p];
    pool.busy_level.advance(now_);
    pool.present_level.advance(now_);
    interval_stats_[closing].busy_area += pool.busy_level.area() - interval_busy_mark_[p];
    interval_stats_[closing].present_area += pool.present_level.area() - interval_present_mark_[p];
    interval_busy_mark_[p] = pool.busy_level.area();
    interval_present_mark_[p] = pool.present_level.area();
  }
  if (static_cast<int>(boundary) >= model_.intervals) {
    snapshot_window(window_end_);
    window_closed_ = true;
    return;  // after close, staffing stays as in the last interval while the system drains
  }
  current_interval_ = static_cast<int>(boundary);
  for (std::size_t p = 0; p < pools_.size(); ++p) set_staffed(id_at<PoolId>(p), model_.pools[p].staffing[boundary]);
  serve_waiting_with_new_agents();
}

// After a staffing increase, waiting customers are answered at once, in the order a freed
// agent takes them (the most urgent first line head, then the longest waiting), each by
// the first pool in its stage's preference that has an idle agent. Runs only at interval
// boundaries.
void ServiceSystem::serve_waiting_with_new_agents() {
  for (;;) {
    CustomerId best = kNoCustomer;
    PoolId best_pool{};
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      const CustomerId head = first_in_line(id_at<StageId>(s));
      if (head == kNoCustomer || (best != kNoCustomer && !taken_before(head, best))) continue;
      const auto& preference = model_.stages[s].pools;
      const auto idle = std::find_if(preference.begin(), preference.end(),
                                     [&](PoolId pool) { return at(pool).busy < at(pool).staffed; });
      if (idle == preference.end()) continue;
      best = head;
      best_pool = *idle;
    }
    if (best == kNoCustomer) return;
    unlink(best);
    start_service(best, best_pool);
  }
}

// The statistics window opens: window KPIs and the per-interval agent areas start here.
void ServiceSystem::on_warmup_end() {
  snapshot_window(window_start_);
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    interval_busy_mark_[p] = pools_[p].busy_level.area();  // snapshot_window advanced them to now
    interval_present_mark_[p] = pools_[p].present_level.area();
  }
}

void ServiceSystem::set_busy(PoolId pool, int busy) {
  PoolState& state = at(pool);
  state.busy = busy;
  state.busy_level.set(now_, busy);
  // Agents present = max(busy, staffed) moves with busy only while staffing has dropped.
  const double present = std::max(state.busy, state.staffed);
  if (present != state.present_level.level()) state.present_level.set(now_, present);
}

void ServiceSystem::set_staffed(PoolId pool, int staffed) {
  PoolState& state = at(pool);
  state.staffed = staffed;
  state.present_level.set(now_, std::max(state.busy, state.staffed));
}

void ServiceSystem::snapshot_window(std::vector<double>& into) {
  into.clear();
  for (auto& stats : class_stats_) {
    stats.queue_length.advance(now_);
    into.push_back(stats.queue_length.area());
  }
  for (auto& stage : stages_) {
    stage.queue_length.advance(now_);
    into.push_back(stage.queue_length.area());
  }
  for (auto& pool : pools_) {
    pool.busy_level.advance(now_);
    into.push_back(pool.busy_level.area());
  }
  for (auto& pool : pools_) {
    pool.present_level.advance(now_);
    into.push_back(pool.present_level.area());
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
  const std::size_t classes = class_stats_.size(), stages = stages_.size(), pools = pools_.size();
  const double window_ticks = static_cast<double>(model_.length_ticks - model_.warmup_ticks);
  const double window_hours = window_ticks / (3600.0 * static_cast<double>(sim::kTicksPerSecond));
  const auto window_area = [&](std::size_t i) { return window_end_[i] - window_start_[i]; };

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
    v[index_of(ClassKpi::wait_mean)] = s.wait_seconds.mean();
    const auto seconds = [](double ticks) { return ticks / static_cast<double>(sim::kTicksPerSecond); };
    static constexpr std::array<double, 4> kLevels{0.50, 0.90, 0.95, 0.99};
    std::array<double, 4> ticks{};
    s.wait_ticks.quantiles(kLevels, ticks);  // one pass for all four
    v[index_of(ClassKpi::wait_p50)] = seconds(ticks[0]);
    v[index_of(ClassKpi::wait_p90)] = seconds(ticks[1]);
    v[index_of(ClassKpi::wait_p95)] = seconds(ticks[2]);
    v[index_of(ClassKpi::wait_p99)] = seconds(ticks[3]);
    v[index_of(ClassKpi::sojourn_mean)] = s.sojourn_seconds.mean();
    v[index_of(ClassKpi::queue_len_mean)] = ratio(queue_area, window_ticks);
  };
  for (std::size_t c = 0; c < classes; ++c) {
    const ClassStats& s = class_stats_[c];
    fill_class(s, window_area(c), [&](ClassKpi k) { return layout_.of_class(c, k); });
    overall.offered += s.offered;
    overall.answered += s.answered;
    overall.served += s.served;
    overall.abandoned += s.abandoned;
    overall.blocked += s.blocked;
    overall.blocked_at_entry += s.blocked_at_entry;
    overall.waited_at_entry += s.waited_at_entry;
    overall.wait_seconds.merge(s.wait_seconds);
    overall.sojourn_seconds.merge(s.sojourn_seconds);
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
    v[layout_.of_stage(s, StageKpi::wait_mean)] = state.wait_seconds.mean();
    v[layout_.of_stage(s, StageKpi::queue_len_mean)] = ratio(window_area(classes + s), window_ticks);
  }
  for (std::size_t p = 0; p < pools; ++p) {
    const double busy = window_area(classes + stages + p);
    const double present = window_area(classes + stages + pools + p);
    v[layout_.of_pool(p, PoolKpi::staffed_mean)] = ratio(present, window_ticks);
    set_ratio(layout_.of_pool(p, PoolKpi::utilization), busy, present);
    v[layout_.of_pool(p, PoolKpi::cost)] = ratio(present, window_ticks) * window_hours * model_.pools[p].cost_per_hour;
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
    set_ratio(layout_.of_interval(i, IntervalKpi::asa), s.wait_seconds_sum, static_cast<double>(s.answered));
    // Agent statistics cover the part of the interval inside the statistics window.
    const sim::Time covered_begin = std::max(begin, model_.warmup_ticks);
    if (end > covered_begin) {
      v[layout_.of_interval(i, IntervalKpi::staffed)] = ratio(s.present_area, static_cast<double>(end - covered_begin));
      set_ratio(layout_.of_interval(i, IntervalKpi::utilization), s.busy_area, s.present_area);
    }
    for (std::size_t k = 0; k < model_.slas.size(); ++k) {
      const SlaCounts& counts = interval_sla_counts_[i * model_.slas.size() + k];
      set_ratio(layout_.of_interval_sla(i, k), static_cast<double>(counts.hits), static_cast<double>(counts.trials));
    }
  }

  result.events = events_handled_;
  result.stale_timers = stale_timers_;
  result.end_time = end_time;
  result.arrived_total = arrived_total_;
  result.served_total = served_total_;
  result.abandoned_total = abandoned_total_;
  result.blocked_total = blocked_total_;
  result.in_system_at_end = unfinished_total_;
  result.starts_beyond_staffing = starts_beyond_staffing_;
  return result;
}

ReplicationResult run_replication(const CompiledModel& model, const KpiLayout& layout, std::uint64_t replication) {
  ServiceSystem system(model, layout, replication);
  return system.run();
}

}  // namespace capsim::model
