#include "models/compiled_model.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>

#include "models/limits.h"
#include "models/scenario_check.h"

namespace capsim::model {

int Horizon::interval_count() const {
  // In integer ticks, as the loader checks and the simulation runs.
  const sim::Time length = sim::ticks_from_seconds(length_seconds);
  const sim::Time interval = sim::ticks_from_seconds(interval_seconds);
  if (interval <= 0 || length <= 0) return 1;
  return static_cast<int>(std::clamp<sim::Time>((length + interval - 1) / interval, 1, kMaxIntervals));
}

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
  model.clock_window = scenario.horizon.clock_window;
  model.length_ticks = sim::ticks_from_seconds(scenario.horizon.length_seconds);
  model.intervals = scenario.horizon.interval_count();
  model.interval_ticks = scenario.horizon.interval_seconds > 0
                             ? sim::ticks_from_seconds(scenario.horizon.interval_seconds)
                             : model.length_ticks;
  model.warmup_ticks = sim::ticks_from_seconds(scenario.horizon.warmup_seconds);
  model.drain = scenario.horizon.drain;

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
    compiled.priority = customer.priority;
    compiled.level = static_cast<std::uint8_t>(std::find(priorities.begin(), priorities.end(), customer.priority) -
                                               priorities.begin());
    compiled.entry = id_at<StageId>(stage_index.at(customer.entry));
    for (int i = 0; i < model.intervals; ++i) {
      const double per_second = customer.arrivals.uses_per_interval()
                                    ? customer.arrivals.per_interval[i] / interval_seconds
                                    : customer.arrivals.rate_per_second;
      compiled.rate_per_tick.push_back(per_second / static_cast<double>(sim::kTicksPerSecond));
    }
    model.classes.push_back(std::move(compiled));
  }

  for (const auto& pool : scenario.pools) {
    CompiledPool compiled;
    compiled.name = pool.name;
    compiled.cost_per_hour = pool.cost_per_hour;
    for (int i = 0; i < model.intervals; ++i)
      compiled.staffing.push_back(pool.staffing.size() == 1 ? pool.staffing[0] : pool.staffing[i]);
    model.pools.push_back(std::move(compiled));
  }

  for (const auto& stage : scenario.stages) {
    CompiledStage compiled;
    compiled.name = stage.name;
    compiled.service = stage.service;
    for (const auto& pool : stage.pools) {
      compiled.pools.push_back(id_at<PoolId>(pool_index.at(pool)));
      model.pools[pool_index.at(pool)].stages.push_back(id_at<StageId>(stage_index.at(stage.name)));
    }
    compiled.unlimited = !stage.queue_capacity.has_value();
    compiled.capacity = stage.queue_capacity ? static_cast<std::uint32_t>(*stage.queue_capacity) : 0;
    compiled.discipline = stage.discipline;
    compiled.abandonment = stage.abandonment;
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
    for (std::size_t c = 0; c < classes; ++c) {
      if (!compiled.applies_to[c]) continue;
      if (sla.measure == SlaMeasure::sojourn) {
        model.sojourn_slas[c].push_back(id_at<SlaId>(k));
      } else {
        const std::size_t stage =
            compiled.stage >= 0 ? static_cast<std::size_t>(compiled.stage) : index(model.classes[c].entry);
        CompiledStage& judged = model.stages[stage];
        if (judged.sla_bit < 0) {
          judged.sla_bit = static_cast<std::int8_t>(next_sla_bit++);
          judged.wait_slas.assign(classes, {});
        }
        judged.wait_slas[c].push_back(id_at<SlaId>(k));
      }
    }
    model.slas.push_back(std::move(compiled));
  }
  return model;
}

}  // namespace capsim::model
