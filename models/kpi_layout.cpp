#include "models/kpi_layout.h"

#include <cstdio>

namespace capsim::model {

std::string_view scope_kind_name(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::overall: return "overall";
    case ScopeKind::customer_class: return "class";
    case ScopeKind::pool: return "pool";
    case ScopeKind::stage: return "stage";
    case ScopeKind::sla: return "sla";
    case ScopeKind::interval: return "interval";
  }
  return "unknown";
}

KpiLayout::KpiLayout(const CompiledModel& model) {
  const auto add_block = [this](ScopeKind scope, std::size_t index, const std::string& name, const auto& names) {
    for (const auto kpi : names) slots_.push_back({scope, index, name, std::string(kpi)});
  };
  add_block(ScopeKind::overall, 0, "overall", kClassKpiNames);
  class_base_ = slots_.size();
  for (std::size_t c = 0; c < model.classes.size(); ++c)
    add_block(ScopeKind::customer_class, c, model.classes[c].name, kClassKpiNames);
  pool_base_ = slots_.size();
  for (std::size_t p = 0; p < model.pools.size(); ++p)
    add_block(ScopeKind::pool, p, model.pools[p].name, kPoolKpiNames);
  stage_base_ = slots_.size();
  for (std::size_t s = 0; s < model.stages.size(); ++s)
    add_block(ScopeKind::stage, s, model.stages[s].name, kStageKpiNames);
  sla_base_ = slots_.size();
  for (std::size_t k = 0; k < model.slas.size(); ++k) add_block(ScopeKind::sla, k, model.slas[k].name, kSlaKpiNames);
  interval_base_ = slots_.size();
  interval_stride_ = kIntervalCount + model.slas.size();
  for (int i = 0; i < model.intervals; ++i) {
    const auto index = static_cast<std::size_t>(i);
    const std::string label = interval_label(model, index);
    add_block(ScopeKind::interval, index, label, kIntervalKpiNames);
    for (const auto& sla : model.slas)
      slots_.push_back({ScopeKind::interval, index, label, "service_level." + sla.name});
  }
}

std::size_t KpiLayout::find(ScopeKind scope, std::string_view scope_name, std::string_view kpi) const {
  for (std::size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].scope == scope && slots_[i].scope_name == scope_name && slots_[i].kpi == kpi) return i;
  return slots_.size();
}

std::string interval_label(const CompiledModel& model, std::size_t interval) {
  const double offset = sim::seconds_from_ticks(model.interval_ticks) * static_cast<double>(interval);
  char buffer[32];
  if (model.clock_window) {
    const auto total_minutes = static_cast<long>((model.start_clock_seconds + offset) / 60.0 + 1e-9);
    std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", (total_minutes / 60) % 100, total_minutes % 60);
  } else {
    const auto total_minutes = static_cast<long>(offset / 60.0 + 1e-9);
    std::snprintf(buffer, sizeof buffer, "+%ldh%02ld", total_minutes / 60, total_minutes % 60);
  }
  return buffer;
}

}  // namespace capsim::model
