#include "models/assertions.h"

#include <cmath>

namespace capsim::model {
namespace {

std::string path_of(const KpiSlot& slot) {
  if (slot.scope == ScopeKind::overall) return "kpis." + slot.kpi;
  if (slot.scope == ScopeKind::sla) return "slas." + slot.scope_name + "." + slot.kpi;
  return std::string(json_section(slot.scope)) + "." + slot.scope_name + ".kpis." + slot.kpi;
}

}  // namespace

KpiIndex::KpiIndex(const KpiLayout& layout) : layout_(&layout) {
  const auto& slots = layout.slots();
  bool first_interval_seen = false;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const KpiSlot& slot = slots[i];
    const KpiTarget target{false, i, 0, slot.unit, slot.better};
    if (slot.scope == ScopeKind::interval) {
      if (!first_interval_seen) {
        first_interval_seen = true;
        interval_base_ = i;
      }
      if (slot.scope_index == 0) interval_kpi_offset_.emplace(slot.kpi, i - interval_base_);
      if (slot.scope_index == 1 && interval_stride_ == 0) interval_stride_ = i - interval_base_;
      interval_of_label_.emplace(slot.scope_name, slot.scope_index);
      continue;
    }
    paths_.emplace(path_of(slot), target);
    if (slot.scope == ScopeKind::sla && slot.kpi == "attained") {
      paths_.emplace("slas." + slot.scope_name, target);
      paths_.emplace("slas." + slot.scope_name + ".risk",
                     KpiTarget{true, 0, slot.scope_index, KpiUnit::fraction, Better::lower});
    }
  }
  if (interval_stride_ == 0) interval_stride_ = interval_kpi_offset_.size();
}

std::optional<KpiTarget> KpiIndex::resolve(const std::string& path, std::string& problem) const {
  if (const auto it = paths_.find(path); it != paths_.end()) return it->second;
  // intervals.LABEL.kpis.K: a label may hold dots (never ".kpis."), a KPI too
  // (service_level.SLA, scheduled.POOL).
  constexpr std::string_view kPrefix = "intervals.", kMiddle = ".kpis.";
  if (path.rfind(kPrefix, 0) == 0) {
    const auto middle = path.find(kMiddle, kPrefix.size());
    if (middle != std::string::npos) {
      const auto label = interval_of_label_.find(path.substr(kPrefix.size(), middle - kPrefix.size()));
      const auto offset = interval_kpi_offset_.find(path.substr(middle + kMiddle.size()));
      if (label != interval_of_label_.end() && offset != interval_kpi_offset_.end()) {
        const std::size_t slot = interval_base_ + label->second * interval_stride_ + offset->second;
        const KpiSlot& s = layout_->slots()[slot];
        return KpiTarget{false, slot, 0, s.unit, s.better};
      }
    }
  }
  problem = "no KPI at \"" + path + "\"";
  return std::nullopt;
}

std::vector<std::string> KpiIndex::paths() const {
  std::vector<std::string> paths;
  for (const auto& slot : layout_->slots()) paths.push_back(path_of(slot));
  for (const auto& slot : layout_->slots())
    if (slot.scope == ScopeKind::sla && slot.kpi == "attained") {
      paths.push_back("slas." + slot.scope_name);
      paths.push_back("slas." + slot.scope_name + ".risk");
    }
  return paths;
}

}  // namespace capsim::model
