#include "models/kpi_layout.h"

#include <cstdio>

namespace capsim::model {

std::string_view json_section(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::customer_class: return "classes";
    case ScopeKind::pool: return "pools";
    case ScopeKind::stage: return "stages";
    case ScopeKind::system: return "systems";
    case ScopeKind::interval: return "intervals";
    case ScopeKind::sla: return "slas";
    case ScopeKind::overall: return "";
  }
  return "";
}

std::optional<ScopeKind> named_scope_of_section(std::string_view section) {
  for (const ScopeKind kind : kNamedScopes)
    if (json_section(kind) == section) return kind;
  return std::nullopt;
}

std::vector<std::string> scope_names(const CompiledModel& model, ScopeKind kind) {
  std::vector<std::string> names;
  const auto add = [&](const auto& entities) {
    for (const auto& e : entities) names.push_back(e.name);
  };
  switch (kind) {
    case ScopeKind::customer_class: add(model.classes); break;
    case ScopeKind::pool: add(model.pools); break;
    case ScopeKind::stage: add(model.stages); break;
    case ScopeKind::system: add(model.systems); break;
    case ScopeKind::sla: add(model.slas); break;
    case ScopeKind::overall:
    case ScopeKind::interval: break;
  }
  return names;
}

std::string_view scope_kind_name(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::overall: return "overall";
    case ScopeKind::customer_class: return "class";
    case ScopeKind::pool: return "pool";
    case ScopeKind::stage: return "stage";
    case ScopeKind::sla: return "sla";
    case ScopeKind::interval: return "interval";
    case ScopeKind::system: return "system";
  }
  return "unknown";
}

std::string_view unit_name(KpiUnit unit) {
  switch (unit) {
    case KpiUnit::count: return "count";
    case KpiUnit::seconds: return "seconds";
    case KpiUnit::hours: return "hours";
    case KpiUnit::fraction: return "fraction";
    case KpiUnit::agents: return "agents";
    case KpiUnit::money: return "money";
    case KpiUnit::plain: return "number";
  }
  return "number";
}

std::string_view better_name(Better better) {
  switch (better) {
    case Better::higher: return "higher";
    case Better::lower: return "lower";
    case Better::neither: return "neither";
  }
  return "neither";
}

KpiLayout::KpiLayout(const CompiledModel& model) {
  const auto add_block = [this](ScopeKind scope, std::size_t index, const std::string& name, const auto& kpis) {
    for (const KpiInfo& kpi : kpis) slots_.push_back({scope, index, name, std::string(kpi.name), kpi.unit, kpi.better});
  };
  add_block(ScopeKind::overall, 0, "overall", kClassKpis);
  class_base_ = slots_.size();
  for (std::size_t c = 0; c < model.classes.size(); ++c)
    add_block(ScopeKind::customer_class, c, model.classes[c].name, kClassKpis);
  pool_base_ = slots_.size();
  for (std::size_t p = 0; p < model.pools.size(); ++p) add_block(ScopeKind::pool, p, model.pools[p].name, kPoolKpis);
  stage_base_ = slots_.size();
  for (std::size_t s = 0; s < model.stages.size(); ++s)
    add_block(ScopeKind::stage, s, model.stages[s].name, kStageKpis);
  sla_base_ = slots_.size();
  for (std::size_t k = 0; k < model.slas.size(); ++k) add_block(ScopeKind::sla, k, model.slas[k].name, kSlaKpis);
  system_base_ = slots_.size();
  for (std::size_t y = 0; y < model.systems.size(); ++y)
    add_block(ScopeKind::system, y, model.systems[y].name, kSystemKpis);
  interval_base_ = slots_.size();
  slas_ = model.slas.size();
  interval_stride_ = kIntervalCount + model.slas.size() + kIntervalPoolCount * model.pools.size();
  for (int i = 0; i < model.intervals; ++i) {
    const auto index = static_cast<std::size_t>(i);
    const std::string label = interval_label(model, index);
    add_block(ScopeKind::interval, index, label, kIntervalKpis);
    for (const auto& sla : model.slas)
      slots_.push_back({ScopeKind::interval, index, label, std::string(kIntervalServiceLevel.name) + "." + sla.name,
                        kIntervalServiceLevel.unit, kIntervalServiceLevel.better});
    for (const auto& pool : model.pools)
      for (const KpiInfo& kpi : kIntervalPoolKpis)
        slots_.push_back(
            {ScopeKind::interval, index, label, std::string(kpi.name) + "." + pool.name, kpi.unit, kpi.better});
  }
}

std::pair<std::size_t, std::size_t> KpiLayout::range(ScopeKind scope, std::size_t index) const {
  const auto block = [index](std::size_t base, std::size_t stride) {
    return std::pair{base + index * stride, base + (index + 1) * stride};
  };
  switch (scope) {
    case ScopeKind::overall: return {0, kClassCount};
    case ScopeKind::customer_class: return block(class_base_, kClassCount);
    case ScopeKind::pool: return block(pool_base_, kPoolCount);
    case ScopeKind::stage: return block(stage_base_, kStageCount);
    case ScopeKind::sla: return block(sla_base_, kSlaCount);
    case ScopeKind::interval: return block(interval_base_, interval_stride_);
    case ScopeKind::system: return block(system_base_, kSystemCount);
  }
  return {0, 0};
}

std::size_t KpiLayout::find(ScopeKind scope, std::string_view scope_name, std::string_view kpi) const {
  for (std::size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].scope == scope && slots_[i].scope_name == scope_name && slots_[i].kpi == kpi) return i;
  return slots_.size();
}

std::string interval_label(const CompiledModel& model, std::size_t interval) {
  // In whole seconds, as integers.
  const sim::Ticks ticks_per_second = sim::kTicksPerSecond;
  const sim::Ticks offset_seconds =
      (model.interval_ticks * static_cast<sim::Ticks>(interval)).ticks() / ticks_per_second;
  // Seconds are shown only when some label needs them (sub-minute intervals or starts).
  const auto start_seconds = static_cast<sim::Ticks>(model.start_clock_seconds + 0.5);
  const bool with_seconds = (model.interval_ticks.ticks() % (60 * ticks_per_second)) != 0 || start_seconds % 60 != 0;
  char buffer[48];
  if (model.clock_window) {
    // A horizon over several days carries the day: "Tue 08:00", or "day 2 08:00" without a weekday.
    const sim::Ticks t = start_seconds + offset_seconds;
    const sim::Ticks day = t / 86400, clock = t % 86400;
    const bool days = start_seconds + model.length_ticks.ticks() / ticks_per_second > 86400;
    static const char* kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    char prefix[24] = "";
    if (days && model.start_weekday >= 0)
      std::snprintf(prefix, sizeof prefix, "%s ", kWeekdays[(model.start_weekday + day) % 7]);
    else if (days)
      std::snprintf(prefix, sizeof prefix, "day %lld ", static_cast<long long>(day + 1));
    if (with_seconds)
      std::snprintf(buffer, sizeof buffer, "%s%02lld:%02lld:%02lld", prefix, static_cast<long long>(clock / 3600),
                    static_cast<long long>(clock / 60 % 60), static_cast<long long>(clock % 60));
    else
      std::snprintf(buffer, sizeof buffer, "%s%02lld:%02lld", prefix, static_cast<long long>(clock / 3600),
                    static_cast<long long>(clock / 60 % 60));
  } else {
    const sim::Ticks t = offset_seconds;
    if (with_seconds)
      std::snprintf(buffer, sizeof buffer, "+%lldh%02lldm%02llds", static_cast<long long>(t / 3600),
                    static_cast<long long>(t / 60 % 60), static_cast<long long>(t % 60));
    else
      std::snprintf(buffer, sizeof buffer, "+%lldh%02lld", static_cast<long long>(t / 3600),
                    static_cast<long long>(t / 60 % 60));
  }
  return buffer;
}

}  // namespace capsim::model
