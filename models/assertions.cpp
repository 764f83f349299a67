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

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
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
    const bool attained_short = slot.scope == ScopeKind::sla && slot.kpi == "attained" && path == "slas." + slot.scope_name;
    if (attained_short || path == path_of(slot)) return KpiTarget{false, i, 0, slot.unit, slot.better};
    if (slot.scope == ScopeKind::sla && slot.kpi == "attained" && path == "slas." + slot.scope_name + ".risk")
      return KpiTarget{true, 0, slot.scope_index, KpiUnit::fraction, Better::lower};
  }
  // Not found: the closest valid path, when it is close.
  std::string best;
  std::size_t best_distance = path.size() / 3 + 2;
  for (const auto& candidate : kpi_paths(layout)) {
    if (candidate.rfind("intervals.", 0) == 0 && path.rfind("intervals.", 0) != 0) continue;
    const std::size_t d = edit_distance(path, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  problem = "no KPI at \"" + path + "\"" +
            (best.empty() ? std::string("; expected a path as in the JSON output, such as kpis.abandon_rate, "
                                        "slas.NAME or classes.NAME.kpis.wait_mean")
                          : "; did you mean \"" + best + "\"?");
  return std::nullopt;
}

Judgement judge(const ExperimentResult& result, const KpiTarget& target, double bound, bool at_least) {
  Judgement j;
  if (target.risk) {
    const SlaRisk& risk = result.risks[target.sla];
    j.estimate = risk.risk;
    j.ci_low = risk.ci_low;
    j.ci_high = risk.ci_high;
    j.n = risk.replications;
  } else {
    const sim::Summary& s = result.summaries[target.slot];
    j.estimate = s.mean;
    j.ci_low = s.ci_low;
    j.ci_high = s.ci_high;
    j.n = s.n;
  }
  if (j.n == 0 || !std::isfinite(j.ci_low) || !std::isfinite(j.ci_high)) return j;  // inconclusive
  const double good_side = at_least ? j.ci_low : -j.ci_high;
  const double bad_side = at_least ? j.ci_high : -j.ci_low;
  const double limit = at_least ? bound : -bound;
  if (good_side >= limit)
    j.verdict = Verdict::pass;
  else if (bad_side < limit)
    j.verdict = Verdict::fail;
  return j;
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::inconclusive: return "inconclusive";
  }
  return "inconclusive";
}

}  // namespace capsim::model
