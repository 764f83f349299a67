#include "models/support_systems.h"

namespace capsim::model {

SupportSystems::SupportSystems(const CompiledModel& model, std::uint64_t replication, Calendar& calendar,
                               KpiAccounts& accounts)
    : model_(&model), calendar_(&calendar), accounts_(&accounts), stage_down_(model.stages.size(), 0) {
  systems_.resize(model.systems.size());
  for (std::size_t y = 0; y < systems_.size(); ++y)
    systems_[y].key = sim::stream_key(model.seed, replication, model.systems[y].name);
}

void SupportSystems::start() {
  for (std::size_t y = 0; y < systems_.size(); ++y) {
    for (const auto& [from, to] : model_->systems[y].down) {
      if (from >= model_->end()) continue;
      calendar_->schedule(EventKind::system, from, static_cast<std::uint32_t>(y),
                          static_cast<std::uint32_t>(Change::planned_start));
      calendar_->schedule(EventKind::system, to, static_cast<std::uint32_t>(y),
                          static_cast<std::uint32_t>(Change::planned_end));
    }
    schedule_failure(id_at<SystemId>(y));
  }
}

// Random failures: the k-th comes its `between` time after the (k-1)-th repair (or the
// start). None is scheduled past the horizon's end, so that the drain ends.
void SupportSystems::schedule_failure(SystemId system_id) {
  const CompiledSystem& compiled = model_->systems[index(system_id)];
  if (!compiled.between) return;
  SystemState& system = systems_[index(system_id)];
  sim::CounterStream random(system.key, system.failures, 0, static_cast<std::uint8_t>(StreamPurpose::failure));
  const sim::Time at = calendar_->now + sim::ticks_from_seconds(compiled.between->sample(random));
  if (at >= model_->end()) return;
  calendar_->schedule(EventKind::system, at, static_cast<std::uint32_t>(index(system_id)),
                      static_cast<std::uint32_t>(Change::failure));
}

bool SupportSystems::set_down(SystemId system_id, bool down) {
  const sim::Time now = calendar_->now;
  KpiAccounts::SystemLevels& levels = accounts_->system(system_id);
  levels.down.set(now, down ? 1.0 : 0.0);
  if (down && now >= model_->warmup_end() && now < model_->end()) ++levels.outages;
  bool back_up = false;
  for (const StageId stage : model_->systems[index(system_id)].stages) {
    std::uint32_t& count = stage_down_[index(stage)];
    count = down ? count + 1 : count - 1;
    back_up = back_up || count == 0;
  }
  return back_up;
}

}  // namespace capsim::model
