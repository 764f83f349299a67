#include "models/kpi_accounts.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace capsim::model {

std::size_t KpiAccounts::memory_bytes() const noexcept {
  std::size_t bytes =
      sizeof(*this) + stages_.capacity() * sizeof(StageAccount) + pools_.capacity() * sizeof(PoolLevels) +
      systems_.capacity() * sizeof(SystemLevels) + intervals_.capacity() * sizeof(IntervalAccount) +
      (interval_agents_.capacity() + interval_marks_.capacity()) * sizeof(IntervalAgents) +
      sla_counts_.capacity() * sizeof(SlaCounts) + (window_start_.capacity() + window_end_.capacity()) * sizeof(double);
  for (const ClassAccount& klass : classes_)
    bytes += sizeof(ClassAccount) - sizeof(sim::Histogram) + klass.wait_ticks.memory_bytes();
  return bytes;
}
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double numerator, double denominator) { return denominator > 0.0 ? numerator / denominator : kNaN; }

}  // namespace

KpiAccounts::KpiAccounts(const CompiledModel& model, const KpiLayout& layout)
    : model_(&model),
      layout_(&layout),
      sla_count_(model.slas.size()),
      classes_(model.classes.size()),
      stages_(model.stages.size()),
      pools_(model.pools.size()),
      systems_(model.systems.size()),
      intervals_(static_cast<std::size_t>(model.intervals)),
      interval_agents_(static_cast<std::size_t>(model.intervals) * model.pools.size()),
      interval_marks_(model.pools.size()),
      sla_counts_(static_cast<std::size_t>(model.intervals) * model.slas.size()) {}

// Busy, present, available and scheduled areas of a pool so far (advanced to the last change).
KpiAccounts::IntervalAgents KpiAccounts::pool_areas(std::size_t pool) const {
  const PoolLevels& levels = pools_[pool];
  return {levels.busy.area(), levels.present.area(), levels.available.area(), levels.scheduled.area()};
}

// Agent areas of the closing interval, per pool (the part inside the statistics window).
void KpiAccounts::close_interval(std::size_t closing, sim::Time now) {
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    PoolLevels& levels = pools_[p];
    levels.busy.advance(now);
    levels.present.advance(now);
    levels.available.advance(now);
    levels.scheduled.advance(now);
    IntervalAgents& mark = interval_marks_[p];
    IntervalAgents& areas = interval_agents_[closing * pools_.size() + p];
    const IntervalAgents total = pool_areas(p);
    areas = {total.busy - mark.busy, total.present - mark.present, total.available - mark.available,
             total.scheduled - mark.scheduled};
    mark = total;
  }
}

// The statistics window opens: window KPIs and the per-interval agent areas start here.
void KpiAccounts::open_window(sim::Time now) {
  snapshot_window(window_start_, now);
  for (std::size_t p = 0; p < pools_.size(); ++p) interval_marks_[p] = pool_areas(p);  // advanced to now
}

void KpiAccounts::close_window(sim::Time now) {
  snapshot_window(window_end_, now);
  window_closed_ = true;
}

void KpiAccounts::snapshot_window(std::vector<double>& into, sim::Time now) {
  into.clear();
  for (const auto& klass : classes_) into.push_back(klass.queue_length.area(now));
  for (const auto& stage : stages_) into.push_back(stage.queue_length.area(now));
  for (auto member :
       {&PoolLevels::busy, &PoolLevels::present, &PoolLevels::available, &PoolLevels::scheduled, &PoolLevels::slots}) {
    for (auto& pool : pools_) {
      (pool.*member).advance(now);
      into.push_back((pool.*member).area());
    }
  }
  for (auto& system : systems_) {
    system.down.advance(now);
    into.push_back(system.down.area());
  }
}

ReplicationResult KpiAccounts::collect() const {
  ReplicationResult result;
  result.values.assign(layout_->size(), kNaN);
  result.numerators.assign(layout_->size(), kNaN);
  result.denominators.assign(layout_->size(), kNaN);
  auto& v = result.values;
  // A KPI that is a ratio keeps its parts, for the pooled ratio across replications.
  const auto set_ratio = [&](std::size_t slot, double numerator, double denominator) {
    v[slot] = ratio(numerator, denominator);
    result.numerators[slot] = numerator;
    result.denominators[slot] = denominator;
  };
  const std::size_t classes = classes_.size(), stages = stages_.size(), pools = pools_.size();
  const double window_ticks = static_cast<double>((model_->length_ticks - model_->warmup_ticks).ticks());
  const auto window_area = [&](std::size_t i) { return window_end_[i] - window_start_[i]; };
  const auto seconds = [](double ticks) { return ticks / static_cast<double>(sim::kTicksPerSecond); };

  ClassAccount overall;
  double overall_queue_area = 0.0;
  // What a class's failures cost (customers.C.cost), in the window.
  const auto failure_cost = [&](const ClassAccount& s, const FailureCost& cost) {
    return static_cast<double>(s.abandoned) * cost.abandoned + static_cast<double>(s.blocked) * cost.blocked +
           static_cast<double>(s.balked) * cost.balked + static_cast<double>(s.sla_misses) * cost.sla_breach;
  };
  double overall_failure_cost = 0.0;
  const auto fill_class = [&](const ClassAccount& s, double queue_area, double cost, auto index_of) {
    v[index_of(ClassKpi::failure_cost)] = cost;
    const double offered = static_cast<double>(s.offered);
    for (std::size_t lane = 0; lane < kLanes; ++lane)
      set_ratio(index_of(static_cast<ClassKpi>(static_cast<std::size_t>(ClassKpi::lane_time_front) + lane)),
                seconds(s.lane_ticks[lane]), offered);
    const double admitted = static_cast<double>(s.offered - s.blocked_at_entry);
    v[index_of(ClassKpi::offered)] = offered;
    v[index_of(ClassKpi::answered)] = static_cast<double>(s.answered);
    v[index_of(ClassKpi::served)] = static_cast<double>(s.served);
    v[index_of(ClassKpi::abandoned)] = static_cast<double>(s.abandoned);
    v[index_of(ClassKpi::blocked)] = static_cast<double>(s.blocked);
    v[index_of(ClassKpi::balked)] = static_cast<double>(s.balked);
    v[index_of(ClassKpi::unfinished)] = static_cast<double>(s.offered - s.served - s.abandoned - s.blocked - s.balked);
    set_ratio(index_of(ClassKpi::abandon_rate), static_cast<double>(s.abandoned), offered);
    set_ratio(index_of(ClassKpi::block_rate), static_cast<double>(s.blocked), offered);
    set_ratio(index_of(ClassKpi::balk_rate), static_cast<double>(s.balked), offered);
    v[index_of(ClassKpi::unique_customers)] = static_cast<double>(s.unique);
    v[index_of(ClassKpi::redials)] = static_cast<double>(s.redials);
    v[index_of(ClassKpi::lost_customers)] = static_cast<double>(s.lost);
    set_ratio(index_of(ClassKpi::first_attempt_resolution), static_cast<double>(s.served_first),
              static_cast<double>(s.unique));
    set_ratio(index_of(ClassKpi::p_wait), static_cast<double>(s.waited_at_entry), admitted);
    v[index_of(ClassKpi::callbacks_offered)] = static_cast<double>(s.callbacks_offered);
    v[index_of(ClassKpi::callbacks_accepted)] = static_cast<double>(s.callbacks_accepted);
    v[index_of(ClassKpi::callback_wait_mean)] = seconds(s.callback_wait.mean());
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
    const ClassAccount& s = classes_[c];
    const double cost = failure_cost(s, model_->classes[c].cost);
    overall_failure_cost += cost;
    fill_class(s, window_area(c), cost, [&](ClassKpi k) { return layout_->of_class(c, k); });
    overall.offered += s.offered;
    overall.answered += s.answered;
    overall.served += s.served;
    overall.abandoned += s.abandoned;
    overall.blocked += s.blocked;
    overall.balked += s.balked;
    overall.unique += s.unique;
    overall.redials += s.redials;
    overall.lost += s.lost;
    overall.served_first += s.served_first;
    overall.callbacks_offered += s.callbacks_offered;
    overall.callbacks_accepted += s.callbacks_accepted;
    overall.callback_wait.merge(s.callback_wait);
    for (std::size_t lane = 0; lane < kLanes; ++lane) overall.lane_ticks[lane] += s.lane_ticks[lane];
    overall.blocked_at_entry += s.blocked_at_entry;
    overall.waited_at_entry += s.waited_at_entry;
    overall.wait.merge(s.wait);
    overall.sojourn.merge(s.sojourn);
    overall.wait_ticks.merge(s.wait_ticks);
    overall_queue_area += window_area(c);
  }
  fill_class(overall, overall_queue_area, overall_failure_cost, [&](ClassKpi k) { return layout_->overall(k); });

  for (std::size_t s = 0; s < stages; ++s) {
    const StageAccount& state = stages_[s];
    v[layout_->of_stage(s, StageKpi::offered)] = static_cast<double>(state.offered);
    v[layout_->of_stage(s, StageKpi::served)] = static_cast<double>(state.served);
    v[layout_->of_stage(s, StageKpi::abandoned)] = static_cast<double>(state.abandoned);
    v[layout_->of_stage(s, StageKpi::blocked)] = static_cast<double>(state.blocked);
    v[layout_->of_stage(s, StageKpi::balked)] = static_cast<double>(state.balked);
    v[layout_->of_stage(s, StageKpi::overflowed)] = static_cast<double>(state.overflowed);
    v[layout_->of_stage(s, StageKpi::in_stage_mean)] = ratio(state.time_ticks, window_ticks);
    v[layout_->of_stage(s, StageKpi::wait_mean)] = seconds(state.wait.mean());
    v[layout_->of_stage(s, StageKpi::queue_len_mean)] = ratio(window_area(classes + s), window_ticks);
    v[layout_->of_stage(s, StageKpi::aht_mean)] =
        ratio(state.handled_ticks / static_cast<double>(sim::kTicksPerSecond), static_cast<double>(state.served));
  }
  const double ticks_per_hour = 3600.0 * static_cast<double>(sim::kTicksPerSecond);
  const std::size_t agent_areas = classes + stages;  // then busy, present, available, scheduled, slots
  for (std::size_t p = 0; p < pools; ++p) {
    const CompiledPool& pool = model_->pools[p];
    const double busy = window_area(agent_areas + p);
    const double present = window_area(agent_areas + pools + p);
    const double available = window_area(agent_areas + 2 * pools + p);
    const double scheduled = window_area(agent_areas + 3 * pools + p);
    const double slots = pool.concurrent ? window_area(agent_areas + 4 * pools + p) : busy;
    const double overtime = std::max(present - scheduled, 0.0);
    v[layout_->of_pool(p, PoolKpi::staffed_mean)] = ratio(present, window_ticks);
    set_ratio(layout_->of_pool(p, PoolKpi::utilization), busy, present);
    v[layout_->of_pool(p, PoolKpi::scheduled)] = ratio(scheduled, window_ticks);
    v[layout_->of_pool(p, PoolKpi::available)] = ratio(available, window_ticks);
    set_ratio(layout_->of_pool(p, PoolKpi::occupancy), busy, available);
    set_ratio(layout_->of_pool(p, PoolKpi::slot_utilization), slots, available);
    v[layout_->of_pool(p, PoolKpi::overtime_hours)] = overtime / ticks_per_hour;
    v[layout_->of_pool(p, PoolKpi::cost)] =
        (scheduled * pool.cost_per_hour + overtime * pool.overtime_cost_per_hour) / ticks_per_hour;
    v[layout_->of_pool(p, PoolKpi::break_delay_mean)] = pools_[p].break_delay_seconds.mean();
  }
  for (std::size_t y = 0; y < systems_.size(); ++y) {
    v[layout_->of_system(y, SystemKpi::downtime_hours)] = window_area(agent_areas + 5 * pools + y) / ticks_per_hour;
    v[layout_->of_system(y, SystemKpi::outages)] = static_cast<double>(systems_[y].outages);
  }
  for (std::size_t k = 0; k < model_->slas.size(); ++k) {
    SlaCounts total;
    for (std::size_t i = 0; i < intervals_.size(); ++i) {
      total.hits += sla_counts_[i * model_->slas.size() + k].hits;
      total.trials += sla_counts_[i * model_->slas.size() + k].trials;
    }
    set_ratio(layout_->of_sla(k, SlaKpi::attained), static_cast<double>(total.hits), static_cast<double>(total.trials));
    const double attained = v[layout_->of_sla(k, SlaKpi::attained)];
    v[layout_->of_sla(k, SlaKpi::met)] = std::isnan(attained) ? kNaN : (attained >= model_->slas[k].target ? 1.0 : 0.0);
  }
  for (std::size_t i = 0; i < intervals_.size(); ++i) {
    const IntervalAccount& s = intervals_[i];
    const sim::Time begin = sim::kStart + model_->interval_ticks * static_cast<sim::Ticks>(i);
    const sim::Time end = std::min(begin + model_->interval_ticks, model_->end());
    v[layout_->of_interval(i, IntervalKpi::offered)] = static_cast<double>(s.offered);
    v[layout_->of_interval(i, IntervalKpi::served)] = static_cast<double>(s.served);
    v[layout_->of_interval(i, IntervalKpi::abandoned)] = static_cast<double>(s.abandoned);
    set_ratio(layout_->of_interval(i, IntervalKpi::asa), seconds(s.wait_ticks_sum), static_cast<double>(s.answered));
    // Agent statistics cover the part of the interval inside the statistics window.
    const sim::Time covered_begin = std::max(begin, model_->warmup_end());
    if (end > covered_begin) {
      const auto covered = static_cast<double>((end - covered_begin).ticks());
      IntervalAgents all;
      for (std::size_t p = 0; p < pools; ++p) {
        const IntervalAgents& a = interval_agents_[i * pools + p];
        all.busy += a.busy;
        all.present += a.present;
        all.available += a.available;
        all.scheduled += a.scheduled;
        v[layout_->of_interval_pool(i, p, IntervalPoolKpi::scheduled)] = ratio(a.scheduled, covered);
        v[layout_->of_interval_pool(i, p, IntervalPoolKpi::available)] = ratio(a.available, covered);
        set_ratio(layout_->of_interval_pool(i, p, IntervalPoolKpi::occupancy), a.busy, a.available);
      }
      v[layout_->of_interval(i, IntervalKpi::staffed)] = ratio(all.present, covered);
      set_ratio(layout_->of_interval(i, IntervalKpi::utilization), all.busy, all.present);
      v[layout_->of_interval(i, IntervalKpi::scheduled)] = ratio(all.scheduled, covered);
      v[layout_->of_interval(i, IntervalKpi::available)] = ratio(all.available, covered);
      set_ratio(layout_->of_interval(i, IntervalKpi::occupancy), all.busy, all.available);
    }
    for (std::size_t k = 0; k < model_->slas.size(); ++k) {
      const SlaCounts& counts = sla_counts_[i * model_->slas.size() + k];
      set_ratio(layout_->of_interval_sla(i, k), static_cast<double>(counts.hits), static_cast<double>(counts.trials));
    }
  }

  result.arrived_total = totals_.arrived;
  result.served_total = totals_.served;
  result.abandoned_total = totals_.abandoned;
  result.blocked_total = totals_.blocked;
  result.balked_total = totals_.balked;
  result.in_system_at_end = totals_.unfinished;
  result.starts_beyond_staffing = totals_.starts_beyond_staffing;
  result.busy_beyond_available = totals_.busy_beyond_available;
  return result;
}

}  // namespace capsim::model
