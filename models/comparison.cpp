#include "models/comparison.h"

#include <map>
#include <string>
#include <tuple>

namespace capsim::model {

std::vector<KpiComparison> compare(const ExperimentResult& base, const ExperimentResult& variant, bool paired) {
  using Key = std::tuple<ScopeKind, std::string, std::string>;
  std::map<Key, std::size_t> variant_slots;
  const auto& slots = variant.layout.slots();
  for (std::size_t i = 0; i < slots.size(); ++i)
    variant_slots.emplace(Key{slots[i].scope, slots[i].scope_name, slots[i].kpi}, i);
  std::vector<KpiComparison> result;
  std::vector<double> a(base.replications.size()), b(variant.replications.size());
  const auto& base_slots = base.layout.slots();
  for (std::size_t i = 0; i < base_slots.size(); ++i) {
    const auto found = variant_slots.find(Key{base_slots[i].scope, base_slots[i].scope_name, base_slots[i].kpi});
    if (found == variant_slots.end()) continue;
    for (std::size_t r = 0; r < a.size(); ++r) a[r] = base.replications[r][i];
    for (std::size_t r = 0; r < b.size(); ++r) b[r] = variant.replications[r][found->second];
    result.push_back({i, found->second, paired ? sim::paired_difference(a, b) : sim::welch_difference(a, b)});
  }
  return result;
}

}  // namespace capsim::model
