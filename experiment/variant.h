// Variants of a scenario (`compare`, and a sweep's points): the base file, or another, with
// overrides. Every variant runs with the base's seed and replications (common random
// numbers; `--independent` derives a seed per variant name), so `seed` and `replications`
// are not something a variant or a grid point may change: they are refused, not ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace capsim::experiment {

struct VariantSpec {
  std::string name, file;
  std::vector<std::string> overrides;  // key.path=value
};

// NAME:key.path=value[,key.path=value...]; nullopt when malformed.
std::optional<VariantSpec> parse_variant(const std::string& text, const std::string& base_file);

// The problem with varying `key` per variant or point, or nullopt: seed and replications
// are the experiment's, the same for every variant.
std::optional<std::string> variant_key_problem(const std::string& key);

// The seed of a variant: the base's under common random numbers, else one of its own.
std::uint64_t variant_seed(std::uint64_t base_seed, const std::string& name, bool independent);

}  // namespace capsim::experiment
