// Typed values read from YAML nodes, each with its check and message, and positions.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/io/loader.h"
#include "models/io/units.h"
#include "sim/time.h"

namespace capsim::io::detail {

std::vector<std::pair<std::string, YAML::Node>> Loader::entries(const YAML::Node& node, const std::string& path,
                                                                const Keys* allowed) {
  std::vector<std::pair<std::string, YAML::Node>> result;
  if (!node.IsMap()) {
    error(node, path, std::string("expected a map of keys") + (allowed ? " (" + join(*allowed) + ")" : ""));
    return result;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      error(key, path, "keys must be plain names");
      continue;
    }
    const std::string name = key.Scalar();
    const std::string child = path.empty() ? name : path + "." + name;
    if (!seen.insert(name).second) {
      error(key, child, "duplicate key; each key may appear once");
      continue;
    }
    if (allowed && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
      const std::string suggestion = closest_match(name, *allowed);
      error(key, child,
            suggestion.empty() ? "unknown key; expected one of " + join(*allowed)
                               : "unknown key; did you mean " + quoted(suggestion) + "?");
      continue;
    }
    remember(child, it->second);
    result.emplace_back(name, it->second);
  }
  return result;
}

std::optional<std::string> Loader::scalar(const YAML::Node& node, const std::string& path,
                                          const std::string& expected) {
  if (!node.IsScalar()) {
    error(node, path,
          "expected " + expected + "; got " +
              (node.IsMap()        ? "a map"
               : node.IsSequence() ? "a list"
                                   : "nothing"));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<double> Loader::duration(const YAML::Node& node, const std::string& path, bool positive) {
  const auto text = scalar(node, path, "a duration such as 20s, 4.5min or 2h");
  if (!text) return std::nullopt;
  const auto value = parse_duration(*text);
  if (!value) {
    error(node, path, "expected a duration such as 20s, 4.5min or 2h; got " + quoted(*text));
    return std::nullopt;
  }
  if (*value < 0 || (positive && *value == 0)) {
    error(node, path,
          std::string("expected a ") + (positive ? "positive" : "non-negative") + " duration; got " + quoted(*text));
    return std::nullopt;
  }
  if (*value > 0 && *value < model::kMinDurationSeconds) {
    error(node, path, "is below the clock's resolution of 1 microsecond; got " + quoted(*text));
    return std::nullopt;
  }
  if (*value > model::kMaxDurationSeconds) {
    error(node, path, "expected a duration of at most 10 years (3650d); got " + quoted(*text));
    return std::nullopt;
  }
  return value;
}

std::optional<double> Loader::number(const YAML::Node& node, const std::string& path) {
  const auto text = scalar(node, path, "a number");
  if (!text) return std::nullopt;
  const auto value = parse_number(*text);
  if (!value) error(node, path, "expected a number; got " + quoted(*text));
  return value;
}

std::optional<long long> Loader::whole(const YAML::Node& node, const std::string& path, long long min, long long max,
                                       const std::string& what) {
  const std::string expected = what + " from " + std::to_string(min) + " to " + std::to_string(max);
  const auto text = scalar(node, path, expected);
  if (!text) return std::nullopt;
  const auto value = parse_number(*text);
  if (!value || *value != std::floor(*value) || *value < static_cast<double>(min) ||
      *value > static_cast<double>(max)) {
    error(node, path, "expected " + expected + "; got " + quoted(*text));
    return std::nullopt;
  }
  return static_cast<long long>(*value);
}

std::optional<double> Loader::fraction(const YAML::Node& node, const std::string& path) {
  const auto text = scalar(node, path, "a fraction such as 80% or 0.8");
  if (!text) return std::nullopt;
  const auto value = parse_fraction(*text);
  if (!value || *value < 0.0 || *value > 1.0) {
    error(node, path, "expected a fraction between 0 and 1 such as 80% or 0.8; got " + quoted(*text));
    return std::nullopt;
  }
  return value;
}

double Loader::busyness_cv(const YAML::Node& node, const std::string& path) {
  const auto text = scalar(node, path, "a coefficient of variation such as 8%");
  if (!text) return 0.0;
  const auto value = parse_fraction(*text);
  if (!value || *value < 0.0 || *value > model::kMaxBusynessCv) {
    error(node, path,
          "expected the day factor's coefficient of variation, from 0 to " +
              std::to_string(static_cast<int>(model::kMaxBusynessCv * 100)) + "%, such as 8%; got " + quoted(*text));
    return 0.0;
  }
  return *value;
}

std::optional<bool> Loader::boolean(const YAML::Node& node, const std::string& path) {
  const auto text = scalar(node, path, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "yes") return true;
  if (*text == "false" || *text == "no") return false;
  error(node, path, "expected true or false; got " + quoted(*text));
  return std::nullopt;
}

std::vector<std::string> Loader::names(const YAML::Node& node, const std::string& path) {
  std::vector<std::string> result;
  if (node.IsScalar()) {
    result.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      if (const auto name = scalar(node[i], path + "." + std::to_string(i), "a name")) result.push_back(*name);
  } else {
    error(node, path, "expected a name or a list of names");
  }
  return result;
}

YAML::Mark Loader::mark_of(std::string path) const {
  for (;;) {
    if (const auto it = marks_.find(path); it != marks_.end()) return it->second;
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) return YAML::Mark::null_mark();
    path.resize(dot);
  }
}

}  // namespace capsim::io::detail
