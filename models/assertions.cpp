#include "models/assertions.h"

#include <cmath>

namespace capsim::model {
namespace {

// The JSON section of a scope ("classes", "pools", ...), or "" for overall and SLAs.
std::string_view section(ScopeKind scope) {
  switch (scope) {
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

std::string path_of(const KpiSlot& slot) {
  if (slot.scope == ScopeKind::overall) return "kpis." + slot.kpi;
  if (slot.scope == ScopeKind::sla) return "slas." + slot.scope_name + "." + slot.kpi;
  return std::string(section(slot.scope)) + "." + slot.scope_name + ".kpis." + slot.kpi;
}

}  // namespace

std::vector<std::string> kpi_paths(const KpiLayout& layout) {
  std::vector<std::string> paths;
  for (const auto& slot : layout.slots()) paths.push_back(path_of(slot));
  for (const auto& slot : layout.slots())
    if (slot.scope == ScopeKind::sla && slot.kpi == "attained") {
      paths.push_back("slas." + slot.scope_name);
      paths.push_back("slas." + slot.scope_name + ".risk");
    }
  return paths;
}

std::optional<KpiTarget> resolve_kpi_path(const KpiLayout& layout, const std::string& path, std::string& problem) {
  const auto& slots = layout.slots();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const KpiSlot& slot = slots[i];
    const bool attained_short =
        slot.scope == ScopeKind::sla && slot.kpi == "attained" && path == "slas." + slot.scope_name;
    if (attained_short || path == path_of(slot)) return KpiTarget{false, i, 0, slot.unit, slot.better};
    if (slot.scope == ScopeKind::sla && slot.kpi == "attained" && path == "slas." + slot.scope_name + ".risk")
      return KpiTarget{true, 0, slot.scope_index, KpiUnit::fraction, Better::lower};
  }
  problem = "no KPI at \"" + path + "\"";
  return std::nullopt;
}

}  // namespace capsim::model
