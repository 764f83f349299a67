#include "models/compiled_model.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>

#include "models/limits.h"
#include "models/scenario_check.h"

namespace capsim::model {

int Horizon::interval_count() const {
  // In integer ticks, as the loader checks and the simulation runs.
  const sim::Duration length = sim::ticks_from_seconds(length_seconds);
  const sim::Duration interval = sim::ticks_from_seconds(interval_seconds);
  if (interval <= sim::Duration(0) || length <= sim::Duration(0)) return 1;
  return static_cast<int>(std::clamp<sim::Ticks>((length + interval - sim::Duration(1)) / interval, 1, kMaxIntervals));
}

namespace {

constexpr double kDaySeconds = 86400.0;

// An instant `seconds` from the horizon's start (before it when negative).
sim::Time instant_at(double seconds) {
  return sim::kStart + (seconds < 0.0 ? -sim::ticks_from_seconds(-seconds) : sim::ticks_from_seconds(seconds));
}

// A shift line's steps over every day of the horizon it touches, in ticks from the
// horizon's start: day d's shift starts at d days + start - the horizon's clock start. The
// day before day 0 is included when its shift runs past midnight into the horizon.
ShiftLine compile_shift(const Shift& shift, const Horizon& horizon) {
  ShiftLine line;
  line.agents = static_cast<std::uint32_t>(shift.agents);
  for (const auto& [day, begin, end] : shift_days(shift, horizon)) {
    const std::uint32_t day_index = day < 0 ? kDayBeforeHorizon : static_cast<std::uint32_t>(day);
    const sim::Time on = sim::kStart + sim::ticks_from_seconds(begin), off = sim::kStart + sim::ticks_from_seconds(end);
    if (!line.steps.empty() && line.steps.back().action == RosterAction::off && line.steps.back().at == on &&
        begin > 0.0) {
      // Yesterday's shift ends as today's starts: the agents work on (no leaving and coming
      // back), and enter today's shift day, with its own absence.
      line.steps.back() = {on, {}, {}, RosterAction::next_day, day_index};
    } else {
      line.steps.push_back({begin > 0.0 ? on : sim::kStart, {}, {}, RosterAction::on, day_index});
    }
    for (const auto& pause : shift.breaks) {
      // A break window lies inside its shift: its first occurrence at or after the start.
      double window_begin = day * kDaySeconds + pause.window_start - horizon.start_clock_seconds;
      if (window_begin < begin) window_begin += kDaySeconds;
      const double window =
          (pause.window_end > pause.window_start ? 0.0 : kDaySeconds) + pause.window_end - pause.window_start;
      line.steps.push_back({instant_at(window_begin), sim::ticks_from_seconds(window - pause.length_seconds),
                            sim::ticks_from_seconds(pause.length_seconds), RosterAction::break_due, day_index});
    }
    const auto breaks = line.steps.end() - static_cast<std::ptrdiff_t>(shift.breaks.size());
    std::sort(breaks, line.steps.end(), [](const RosterStep& a, const RosterStep& b) { return a.at < b.at; });
    line.steps.push_back({off, {}, {}, RosterAction::off, day_index});
  }
  return line;
}

}  // namespace

CompiledModel compile(const Scenario& scenario) {
  if (const auto problems = check_scenario(scenario); !problems.empty()) {
    std::string message = "scenario has problems:";
    for (const auto& problem : problems) message += "\n  " + problem.path + ": " + problem.message;
    throw std::invalid_argument(message);
  }
  CompiledModel model;
  model.name = scenario.name;
  model.seed = scenario.seed;
  model.replications = scenario.replications;
  model.start_clock_seconds = scenario.horizon.start_clock_seconds;
  model.start_weekday = scenario.horizon.start_weekday;
  model.clock_window = scenario.horizon.clock_window;
  model.length_ticks = sim::ticks_from_seconds(scenario.horizon.length_seconds);
  model.intervals = scenario.horizon.interval_count();
  model.interval_ticks = scenario.horizon.interval_seconds > 0
                             ? sim::ticks_from_seconds(scenario.horizon.interval_seconds)
                             : model.length_ticks;
  model.warmup_ticks = sim::ticks_from_seconds(scenario.horizon.warmup_seconds);
  model.drain = scenario.horizon.drain;
  model.busyness_cv = scenario.busyness_cv;
  if (scenario.trunks) model.trunk_lines = static_cast<std::uint64_t>(scenario.trunks->lines);

  std::map<std::string, std::size_t> stage_index, pool_index, class_index;
  for (std::size_t s = 0; s < scenario.stages.size(); ++s) stage_index[scenario.stages[s].name] = s;
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) pool_index[scenario.pools[p].name] = p;
  for (std::size_t c = 0; c < scenario.customers.size(); ++c) class_index[scenario.customers[c].name] = c;

  // Priority levels: distinct priorities, most urgent (highest number) first.
  std::vector<int> priorities;
  for (const auto& customer : scenario.customers) priorities.push_back(customer.priority);
  std::sort(priorities.begin(), priorities.end(), std::greater<>());
  priorities.erase(std::unique(priorities.begin(), priorities.end()), priorities.end());
  model.priority_levels = static_cast<int>(priorities.size());

  const double interval_seconds = sim::seconds_from_ticks(model.interval_ticks);
  for (const auto& customer : scenario.customers) {
    CompiledClass compiled;
    compiled.name = customer.name;
    compiled.patience = customer.patience;
    compiled.busyness_cv = customer.arrivals.busyness_cv;
    compiled.cost = customer.cost;
    compiled.backlog = customer.backlog;
    compiled.redial = customer.redial;
    compiled.trace_handling = customer.arrivals.handling;
    compiled.trace_patience = customer.arrivals.patience;
    compiled.holds_line =
        scenario.trunks && (scenario.trunks->customers.empty() ||
                            std::find(scenario.trunks->customers.begin(), scenario.trunks->customers.end(),
                                      customer.name) != scenario.trunks->customers.end());
    compiled.priority = customer.priority;
    compiled.level = static_cast<std::uint8_t>(std::find(priorities.begin(), priorities.end(), customer.priority) -
                                               priorities.begin());
    compiled.entry = id_at<StageId>(stage_index.at(customer.entry));
    for (const double at : customer.arrivals.times)
      compiled.arrival_times.push_back(sim::kStart + sim::ticks_from_seconds(at));
    for (int i = 0; i < model.intervals; ++i) {
      const double per_second = customer.arrivals.uses_per_interval()
                                    ? customer.arrivals.per_interval[i] / interval_seconds
                                    : customer.arrivals.rate_per_second;
      compiled.rate_per_tick.push_back(per_second / static_cast<double>(sim::kTicksPerSecond));
      compiled.mean_gap_ticks.push_back(per_second > 0.0 ? 1.0 / compiled.rate_per_tick.back() : 0.0);
    }
    model.classes.push_back(std::move(compiled));
  }

  for (const auto& pool : scenario.pools) {
    CompiledPool compiled;
    compiled.name = pool.name;
    compiled.cost_per_hour = pool.cost_per_hour;
    compiled.overtime_cost_per_hour = pool.overtime_cost_per_hour.value_or(pool.cost_per_hour);
    compiled.absenteeism = pool.absenteeism;
    compiled.shrinkage = pool.shrinkage;
    if (pool.uses_shifts()) {
      for (const auto& shift : pool.shifts) {
        ShiftLine line = compile_shift(shift, scenario.horizon);
        line.first = compiled.agents;
        compiled.agents += line.agents;
        compiled.lines.push_back(std::move(line));
      }
    } else {
      for (int i = 0; i < model.intervals; ++i)
        compiled.staffing.push_back(pool.staffing.size() == 1 ? pool.staffing[0] : pool.staffing[i]);
      compiled.agents = static_cast<std::uint32_t>(pool.most_on_duty());
    }
    model.first_agent.push_back(model.agents);
    model.agents += compiled.agents;
    if (compiled.lines.empty()) {
      for (std::uint32_t i = 0; i < compiled.agents; ++i) model.agent_identity.push_back({0, i});
    } else {
      for (std::uint32_t l = 0; l < compiled.lines.size(); ++l)
        for (std::uint32_t j = 0; j < compiled.lines[l].agents; ++j) model.agent_identity.push_back({l, j});
    }
    model.pools.push_back(std::move(compiled));
  }

  std::map<std::string, std::size_t> system_index;
  for (const auto& system : scenario.systems) {
    CompiledSystem compiled;
    compiled.name = system.name;
    for (const auto& outage : system.down)
      compiled.down.emplace_back(sim::kStart + sim::ticks_from_seconds(outage.from),
                                 sim::kStart + sim::ticks_from_seconds(outage.to));
    std::sort(compiled.down.begin(), compiled.down.end());
    compiled.between = system.between;
    compiled.repair = system.repair;
    system_index[system.name] = model.systems.size();
    model.systems.push_back(std::move(compiled));
  }

  for (const auto& stage : scenario.stages) {
    CompiledStage compiled;
    compiled.name = stage.name;
    compiled.service = stage.service;
    compiled.wrap_up = stage.wrap_up;
    compiled.concurrency = static_cast<std::uint16_t>(stage.concurrency);
    const StageId id = id_at<StageId>(stage_index.at(stage.name));
    std::vector<std::string> serving = stage.pools;
    std::vector<double> factors = stage.handling_factors;
    factors.resize(serving.size(), 1.0);
    compiled.own_pools = static_cast<std::uint16_t>(serving.size());
    if (stage.overflow) {
      serving.insert(serving.end(), stage.overflow->pools.begin(), stage.overflow->pools.end());
      factors.insert(factors.end(), stage.overflow->handling_factors.begin(), stage.overflow->handling_factors.end());
      compiled.overflows = true;
      compiled.overflow_after = sim::ticks_from_seconds(stage.overflow->after_seconds);
      if (!stage.overflow->to.empty())
        compiled.overflow_to = static_cast<std::int32_t>(stage_index.at(stage.overflow->to));
    }
    for (std::size_t k = 0; k < serving.size(); ++k) {
      const std::size_t p = pool_index.at(serving[k]);
      compiled.pools.push_back(id_at<PoolId>(p));
      compiled.handling_factors.push_back(factors[k]);
      model.pools[p].stages.push_back(id);
      if (stage.concurrency > 1) model.pools[p].concurrent = true;
    }
    if (stage.callback) {
      compiled.callbacks = true;
      compiled.callback_above = sim::ticks_from_seconds(stage.callback->offer_when_wait_above_seconds);
      compiled.callback_accept = stage.callback->accept;
      compiled.mean_hold_seconds = stage.service.mean() + (stage.wrap_up ? stage.wrap_up->mean() : 0.0);
    }
    for (const auto& name : stage.needs) {
      compiled.needs.push_back(id_at<SystemId>(system_index.at(name)));
      model.systems[system_index.at(name)].stages.push_back(id);
    }
    compiled.unlimited = !stage.queue_capacity.has_value();
    compiled.capacity = stage.queue_capacity ? static_cast<std::uint32_t>(*stage.queue_capacity) : 0;
    compiled.discipline = stage.discipline;
    compiled.abandonment = stage.abandonment;
    compiled.self_service = stage.self_service;
    compiled.lane = stage.lane;
    for (const long long length : stage.balk_queue_length)
      compiled.balk_at.push_back(static_cast<std::uint32_t>(length));
    compiled.balk_probability = stage.balk_probability;
    double cumulative = 0.0;
    for (const auto& route : stage.next) {
      if (route.probability <= 0.0) continue;
      cumulative += route.probability;
      compiled.cumulative.push_back(cumulative);
      compiled.targets.push_back(route.to == kExitStage ? kExitIndex
                                                        : static_cast<std::int32_t>(stage_index.at(route.to)));
    }
    if (compiled.targets.empty()) {
      compiled.cumulative.push_back(1.0);
      compiled.targets.push_back(kExitIndex);
    }
    compiled.cumulative.back() = 1.0;  // absorb rounding so a draw always lands
    model.stages.push_back(std::move(compiled));
  }

  // Skill levels: a pool serves each stage that lists it at level 1 unless `skills` says
  // otherwise; a freed agent looks at the levels in order.
  for (std::size_t p = 0; p < model.pools.size(); ++p) {
    CompiledPool& pool = model.pools[p];
    std::map<int, std::vector<ServedStage>> levels;
    for (const StageId stage : pool.stages) {
      int level = 1;
      for (const auto& skill : scenario.pools[p].skills)
        if (skill.stage == model.stages[index(stage)].name) level = skill.level;
      const auto& preference = model.stages[index(stage)].pools;
      const auto position = std::find(preference.begin(), preference.end(), id_at<PoolId>(p)) - preference.begin();
      // Overflow work comes after every level of the pool's own (README "Who serves whom").
      if (position >= model.stages[index(stage)].own_pools) level = std::numeric_limits<int>::max();
      levels[level].push_back({stage, static_cast<std::uint16_t>(position)});
    }
    for (auto& [level, stages] : levels) pool.by_level.push_back(std::move(stages));
  }

  const std::size_t classes = model.classes.size();
  model.sojourn_slas.assign(classes, {});
  int next_sla_bit = 0;  // check_scenario bounds the stages wait SLAs judge to kMaxSlaStages
  for (std::size_t k = 0; k < scenario.slas.size(); ++k) {
    const auto& sla = scenario.slas[k];
    CompiledSla compiled;
    compiled.name = sla.name;
    compiled.measure = sla.measure;
    compiled.threshold = sim::ticks_from_seconds(sla.threshold_seconds);
    compiled.target = sla.target;
    compiled.stage = sla.stage.empty() ? -1 : static_cast<std::int32_t>(stage_index.at(sla.stage));
    compiled.applies_to.assign(classes, sla.customers.empty());
    for (const auto& name : sla.customers) compiled.applies_to[class_index.at(name)] = true;
    SlaRef ref{id_at<SlaId>(k), compiled.threshold};
    if (sla.exclude_abandoned_within_seconds)
      ref.short_abandon = sim::ticks_from_seconds(*sla.exclude_abandoned_within_seconds);
    ref.count_blocked = sla.count_blocked;
    ref.by_answer = sla.by_answer;
    for (std::size_t c = 0; c < classes; ++c) {
      if (!compiled.applies_to[c]) continue;
      if (sla.measure == SlaMeasure::sojourn) {
        model.sojourn_slas[c].push_back(ref);
      } else {
        const std::size_t stage =
            compiled.stage >= 0 ? static_cast<std::size_t>(compiled.stage) : index(model.classes[c].entry);
        CompiledStage& judged = model.stages[stage];
        if (judged.sla_bit < 0) {
          judged.sla_bit = static_cast<std::int8_t>(next_sla_bit++);
          judged.wait_slas.assign(classes, {});
        }
        judged.wait_slas[c].push_back(ref);
      }
    }
    model.slas.push_back(std::move(compiled));
  }
  return model;
}

}  // namespace capsim::model
