#include "experiment/variant.h"

#include "sim/random.h"

namespace capsim::experiment {

std::optional<VariantSpec> parse_variant(const std::string& text, const std::string& base_file) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return std::nullopt;
  VariantSpec spec{text.substr(0, colon), base_file, {}};
  const std::string rest = text.substr(colon + 1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    const auto comma = rest.find(',', start);
    const std::string item = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.find('=') == std::string::npos || item.front() == '=') return std::nullopt;
    spec.overrides.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return spec;
}

std::optional<std::string> variant_key_problem(const std::string& key) {
  if (key == "seed" || key == "replications")
    return key +
           " is the experiment's, the same for every variant and point (common random numbers); set it "
           "with " +
           (key == "seed" ? std::string("--seed") : std::string("-r")) + " instead";
  return std::nullopt;
}

std::uint64_t variant_seed(std::uint64_t base_seed, const std::string& name, bool independent) {
  return independent ? sim::splitmix64_mix(base_seed ^ sim::name_key(name)) : base_seed;
}

}  // namespace capsim::experiment
