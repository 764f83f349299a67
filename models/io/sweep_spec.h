// A parameter sweep's points: dimensions of `--set` key paths and their values, from
// `--grid key=v1,v2,...` (one dimension per key, their cartesian product), `--zip
// key=...,key=...` (keys varied together: one dimension) or a scenario's `sweep:` section.
// Values are lists or ranges: `10..20`, `10..20:2`, `80%..95%:5%`, `5min..8min:30s`; each
// value is the text given to --set, so durations, rates and fractions keep their units.
// Points are numbered with the last dimension varying fastest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace capsim::io {

struct SweepDimension {
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> values;  // [key][value index]; every key the same count
  std::size_t size() const { return values.empty() ? 0 : values.front().size(); }
};

struct SweepSpec {
  std::vector<SweepDimension> dimensions;
  std::vector<std::string> keys() const;  // all keys, dimension by dimension
  std::size_t points() const;             // product of the dimensions' sizes (0 if none)
  // The values of point p, aligned with keys().
  std::vector<std::string> point(std::size_t p) const;
};

inline constexpr std::size_t kMaxSweepPoints = 1'000'000;

// "v1,v2,..." or a range "a..b[:step]"; nullopt with `problem` set when malformed or empty.
std::optional<std::vector<std::string>> parse_sweep_values(const std::string& text, std::string& problem);

// --grid "key=values": one dimension. --zip "key=values,key=values,...": the keys vary
// together (a token containing '=' starts the next key), each with as many values.
std::optional<SweepDimension> parse_grid_option(const std::string& text, std::string& problem);
std::optional<SweepDimension> parse_zip_option(const std::string& text, std::string& problem);

}  // namespace capsim::io
