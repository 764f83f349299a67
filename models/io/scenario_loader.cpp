#include "models/io/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "models/io/units.h"
#include "models/io/yaml_source.h"
#include "models/limits.h"
#include "models/scenario_check.h"
#include "sim/time.h"

namespace capsim::io {
namespace {

using model::kMaxAgents;
using model::kMaxQueueCapacity;
using model::kMaxReplications;
using model::Scenario;
using Keys = std::vector<std::string>;

constexpr std::uintmax_t kMaxValuesFileBytes = 16u << 20;

const Keys kTopKeys{"name", "description", "seed", "replications", "horizon", "customers", "pools", "stages", "sla"};
const Keys kHorizonKeys{"start", "end", "interval", "length", "warmup"};
const Keys kCustomerKeys{"arrivals", "patience", "priority", "entry"};
const Keys kArrivalKeys{"rate", "per_interval"};
const Keys kPoolKeys{"agents", "staffing", "cost"};
const Keys kStageKeys{"service", "pools", "queue", "next", "abandonment"};
const Keys kQueueKeys{"capacity", "discipline"};
const Keys kSlaKeys{"customers", "stage", "wait_within", "sojourn_within", "target"};
const Keys kDistributionKeys{"dist", "mean",  "cv",     "sd",   "min", "mode", "max",
                             "k",    "value", "values", "file", "p",   "means"};

// A value from the file, as it may appear in a message: escaped and cut (see printable).
std::string quoted(const std::string& text) { return "\"" + printable(text) + "\""; }

// "an exponential", "a gamma".
std::string with_article(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun.front()) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

std::string join(const Keys& keys) {
  std::string text;
  for (const auto& key : keys) text += (text.empty() ? "" : ", ") + key;
  return text;
}

struct Override {
  std::string path, value, text;
};

class Loader {
 public:
  Loader(std::string origin, std::string base_dir, std::vector<Diagnostic>& errors)
      : origin_(std::move(origin)), base_dir_(std::move(base_dir)), errors_(errors) {}

  void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides);
  Scenario read(const YAML::Node& root);
  void check_semantics(const Scenario& scenario);
  std::vector<Diagnostic> warnings(const Scenario& scenario);

 private:
  // Reports at the node's position, or at the --set that supplied the value.
  void error(const YAML::Mark& mark, const std::string& path, const std::string& message) {
    for (const auto& o : overrides_) {
      if (path == o.path || path.rfind(o.path + ".", 0) == 0) {
        errors_.push_back({"--set " + o.text, 0, 0, path, message});
        return;
      }
    }
    errors_.push_back(
        {origin_, mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0, path, message});
  }
  void error(const YAML::Node& node, const std::string& path, const std::string& message) {
    error(node.Mark(), path, message);
  }
  void remember(const std::string& path, const YAML::Node& node) { marks_.emplace(path, node.Mark()); }
  YAML::Mark mark_of(std::string path) const;

  // Entries of a map in document order; reports a non-map, non-scalar keys, duplicates and
  // (when `allowed` is given) unknown keys with a suggestion.
  std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& node, const std::string& path,
                                                          const Keys* allowed);
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, const std::string& expected);
  std::optional<double> duration(const YAML::Node& node, const std::string& path, bool positive);
  std::optional<double> number(const YAML::Node& node, const std::string& path);
  // A whole number in [min, max]; `what` says what it is ("a whole number of agents").
  std::optional<long long> whole(const YAML::Node& node, const std::string& path, long long min, long long max,
                                 const std::string& what);
  std::optional<double> fraction(const YAML::Node& node, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
  // A distribution with a mean of at least kMinMeanSeconds (or exactly 0, deterministic).
  std::optional<sim::Distribution> distribution(const YAML::Node& node, const std::string& path);
  std::optional<sim::Distribution> distribution_as_written(const YAML::Node& node, const std::string& path);
  std::vector<std::string> names(const YAML::Node& node, const std::string& path);
  std::optional<std::vector<double>> read_values_file(const YAML::Node& node, const std::string& path);

  void read_horizon(const YAML::Node& node, model::Horizon& horizon);
  void read_customer(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  void read_pool(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  void read_stage(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  void read_sla(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);

  std::string origin_, base_dir_;
  std::vector<Diagnostic>& errors_;
  std::vector<Override> overrides_;
  std::map<std::string, YAML::Mark> marks_;
  std::set<std::string> missing_sections_;
};

void Loader::apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides) {
  for (const auto& text : overrides) {
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
      errors_.push_back({"--set " + text, 0, 0, "", "expected key.path=value, e.g. pools.tier1.agents=12"});
      continue;
    }
    Override o{text.substr(0, equals), text.substr(equals + 1), text};
    std::vector<std::string> parts;
    std::stringstream stream(o.path);
    for (std::string part; std::getline(stream, part, '.');) parts.push_back(part);
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      errors_.push_back({"--set " + text, 0, 0, o.path, "empty key in the path; expected names joined by dots"});
      continue;
    }
    YAML::Node value;
    try {
      value = YAML::Load(o.value);
    } catch (const YAML::Exception&) {
      value = YAML::Node(o.value);
    }
    if (!value.IsDefined() || value.IsNull()) value = YAML::Node(o.value);

    // Walk with reset(): assigning one yaml-cpp Node to another copies the value into the
    // tree instead of moving the handle.
    // A --set changes what exists; it may add an optional key, never a class, pool, stage
    // or SLA: a misspelt name would otherwise add an unused one and the what-if would
    // silently not happen.
    const auto names_entity = [&](const YAML::Node& section) -> bool {
      static const std::map<std::string, std::string> kEntity{
          {"customers", "customer class"}, {"pools", "pool"}, {"stages", "stage"}, {"sla", "SLA"}};
      const auto kind = kEntity.find(parts[0]);
      if (kind == kEntity.end() || parts.size() < 2) return true;
      const std::string& name = parts[1];
      if (section.IsMap() && section[name]) return true;
      Keys known;
      if (section.IsMap())
        for (const auto& entry : section) known.push_back(entry.first.as<std::string>(""));
      const std::string suggestion = closest_match(name, known);
      errors_.push_back({"--set " + text, 0, 0, parts[0] + "." + name,
                         "no " + kind->second + " named " + quoted(name) +
                             (suggestion.empty() ? "; a --set can change only what the file has"
                                                 : "; did you mean " + quoted(suggestion) + "?")});
      return false;
    };
    const YAML::Node& read_only = root;  // operator[] of a const node adds nothing
    if (!names_entity(read_only[parts[0]])) continue;
    YAML::Node current;
    current.reset(root);
    bool ok = true;
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size() && ok; ++i) {
      walked += (walked.empty() ? "" : ".") + parts[i];
      if (current.IsSequence()) {
        const auto index = parse_number(parts[i]);
        if (!index || *index < 0 || *index != std::floor(*index) || *index >= static_cast<double>(current.size())) {
          errors_.push_back({"--set " + text, 0, 0, walked, "no such list index"});
          ok = false;
          break;
        }
        YAML::Node next = current[static_cast<std::size_t>(*index)];
        current.reset(next);
      } else if (current.IsMap() || current.IsNull()) {
        if (!current[parts[i]]) current[parts[i]] = YAML::Node(YAML::NodeType::Map);
        YAML::Node next = current[parts[i]];
        current.reset(next);
      } else {
        errors_.push_back({"--set " + text, 0, 0, walked, "is a single value; cannot descend into it"});
        ok = false;
      }
    }
    if (!ok) continue;
    if (current.IsSequence()) {
      const auto index = parse_number(parts.back());
      if (!index || *index < 0 || *index != std::floor(*index) || *index >= static_cast<double>(current.size())) {
        errors_.push_back({"--set " + text, 0, 0, o.path, "no such list index"});
        continue;
      }
      current[static_cast<std::size_t>(*index)] = value;
    } else if (current.IsMap() || current.IsNull()) {
      current[parts.back()] = value;
    } else {
      errors_.push_back({"--set " + text, 0, 0, o.path, "the parent is a single value; cannot add a key to it"});
      continue;
    }
    overrides_.push_back(std::move(o));
  }
}

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

std::optional<std::vector<double>> Loader::read_values_file(const YAML::Node& node, const std::string& path) {
  const auto name = scalar(node, path, "a CSV file name");
  if (!name) return std::nullopt;
  const std::filesystem::path file = std::filesystem::path(base_dir_) / *name;
  // Only a regular file (after links), of bounded size: never a device, FIFO or folder.
  std::error_code status_error;
  const auto status = std::filesystem::status(file, status_error);
  if (status_error || !std::filesystem::exists(status)) {
    error(node, path,
          "cannot read " + quoted(*name) +
              " (relative to the scenario file); expected a CSV file with one value per line (seconds, or durations "
              "with units)");
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    error(node, path, quoted(*name) + " is not a regular file; expected a CSV file with one value per line");
    return std::nullopt;
  }
  if (std::filesystem::file_size(file, status_error) > kMaxValuesFileBytes || status_error) {
    error(node, path, quoted(*name) + " is larger than 16 MiB; expected at most 16 MiB of values");
    return std::nullopt;
  }
  std::ifstream in(file);
  if (!in) {
    error(node, path, "cannot read " + quoted(*name) + " (relative to the scenario file)");
    return std::nullopt;
  }
  std::vector<double> values;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string field = line.substr(0, line.find(','));
    if (field.find_first_not_of(" \t") == std::string::npos) continue;
    auto value = parse_number(field);
    if (!value) value = parse_duration(field);
    if (!value) {
      if (number == 1) continue;  // a header line
      // The line itself is not echoed: the file may be anything the user pointed at.
      error(node, path,
            quoted(*name) + " line " + std::to_string(number) +
                ": expected a duration in seconds or with a unit, such as 42 or 3.5min");
      return std::nullopt;
    }
    values.push_back(*value);
  }
  if (values.empty()) {
    error(node, path, quoted(*name) + " holds no values; expected one per line");
    return std::nullopt;
  }
  return values;
}

std::optional<sim::Distribution> Loader::distribution(const YAML::Node& node, const std::string& path) {
  auto result = distribution_as_written(node, path);
  if (result && result->mean() < model::kMinMeanSeconds &&
      !(result->family() == sim::Family::deterministic && result->mean() == 0.0)) {
    char mean[32];
    std::snprintf(mean, sizeof mean, "%.3g", result->mean());
    error(
        node, path,
        std::string("has a mean of ") + mean + " s; expected at least 1ms (the clock would round such durations away)");
    return std::nullopt;
  }
  return result;
}

std::optional<sim::Distribution> Loader::distribution_as_written(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) {
    error(node, path, "expected a distribution such as {dist: exponential, mean: 5min}");
    return std::nullopt;
  }
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kDistributionKeys)) given.emplace(key, value);
  if (!given.count("dist")) {
    error(node, path, "missing key \"dist\"; expected one of " + sim::family_names());
    return std::nullopt;
  }
  const auto family_text = scalar(given["dist"], path + ".dist", "a distribution name");
  if (!family_text) return std::nullopt;
  const auto family = sim::family_from_name(*family_text);
  if (!family) {
    const std::string names = sim::family_names();
    Keys candidates;
    std::stringstream stream(names);
    for (std::string n; std::getline(stream, n, ',');) candidates.push_back(n.substr(n.find_first_not_of(' ')));
    const std::string suggestion = closest_match(*family_text, candidates);
    error(given["dist"], path + ".dist",
          "unknown distribution " + quoted(*family_text) +
              (suggestion.empty() ? "; expected one of " + names : "; did you mean " + quoted(suggestion) + "?"));
    return std::nullopt;
  }
  using sim::Family;
  // The parameterisations each family accepts.
  std::vector<Keys> forms;
  switch (*family) {
    case Family::exponential: forms = {{"mean"}}; break;
    case Family::deterministic: forms = {{"value"}, {"mean"}}; break;
    case Family::uniform: forms = {{"min", "max"}, {"mean", "cv"}}; break;
    case Family::triangular: forms = {{"min", "mode", "max"}, {"mean", "cv"}}; break;
    case Family::normal: forms = {{"mean", "cv"}, {"mean", "sd"}}; break;
    case Family::lognormal:
    case Family::gamma:
    case Family::weibull: forms = {{"mean", "cv"}}; break;
    case Family::hyperexponential: forms = {{"mean", "cv"}, {"p", "means"}}; break;
    case Family::erlang: forms = {{"mean", "k"}, {"mean", "cv"}}; break;
    case Family::empirical: forms = {{"values"}, {"file"}}; break;
  }
  Keys present;
  for (const auto& [key, value] : given)
    if (key != "dist") present.push_back(key);
  std::sort(present.begin(), present.end());
  const Keys* form = nullptr;
  for (auto& f : forms) {
    Keys sorted = f;
    std::sort(sorted.begin(), sorted.end());
    if (sorted == present) form = &f;
  }
  if (!form) {
    std::string options;
    for (const auto& f : forms) options += (options.empty() ? "" : " or ") + join(f);
    error(node, path,
          with_article(*family_text) + " distribution takes " + options + "; got " +
              (present.empty() ? std::string("no parameters") : join(present)));
    return std::nullopt;
  }
  const auto get_duration = [&](const std::string& key) { return duration(given[key], path + "." + key, false); };
  const auto get_cv = [&]() -> std::optional<double> {
    const auto value = number(given["cv"], path + ".cv");
    if (value && *value <= 0) {
      error(given["cv"], path + ".cv", "expected a positive coefficient of variation");
      return std::nullopt;
    }
    return value;
  };
  try {
    const auto has = [&](const char* key) { return given.count(key) > 0; };
    switch (*family) {
      case Family::exponential:
        if (auto m = get_duration("mean")) return sim::Distribution::exponential(*m);
        break;
      case Family::deterministic:
        if (auto v = get_duration(has("value") ? "value" : "mean")) return sim::Distribution::deterministic(*v);
        break;
      case Family::uniform:
        if (has("min")) {
          auto lo = get_duration("min"), hi = get_duration("max");
          if (lo && hi) return sim::Distribution::uniform(*lo, *hi);
        } else {
          auto m = get_duration("mean");
          auto cv = get_cv();
          if (m && cv) {
            const double half = *m * *cv * std::sqrt(3.0);
            if (half > *m) {
              error(node, path, "cv above 0.577 would make a uniform go below 0; expected min and max instead");
              break;
            }
            return sim::Distribution::uniform(*m - half, *m + half);
          }
        }
        break;
      case Family::triangular:
        if (has("min")) {
          auto lo = get_duration("min"), mode = get_duration("mode"), hi = get_duration("max");
          if (lo && mode && hi) return sim::Distribution::triangular(*lo, *mode, *hi);
        } else {
          auto m = get_duration("mean");
          auto cv = get_cv();
          if (m && cv) {
            const double half = *m * *cv * std::sqrt(6.0);
            if (half > *m) {
              error(node, path,
                    "cv above 0.408 would make a symmetric triangular go below 0; expected min, mode and max instead");
              break;
            }
            return sim::Distribution::triangular(*m - half, *m, *m + half);
          }
        }
        break;
      case Family::normal: {
        auto m = get_duration("mean");
        if (has("sd")) {
          auto sd = get_duration("sd");
          if (m && sd) return sim::Distribution::normal(*m, *sd);
        } else {
          auto cv = get_cv();
          if (m && cv) return sim::Distribution::normal(*m, *m * *cv);
        }
        break;
      }
      case Family::hyperexponential:
        if (has("p")) {
          auto p = fraction(given["p"], path + ".p");
          const YAML::Node& means = given["means"];
          if (!means.IsSequence() || means.size() != 2) {
            error(means, path + ".means", "expected the two phases' means, e.g. [1min, 10min]");
            break;
          }
          auto m1 = duration(means[0], path + ".means.0", true), m2 = duration(means[1], path + ".means.1", true);
          if (p && m1 && m2) return sim::Distribution::hyperexponential(*p, *m1, *m2);
          break;
        }
        [[fallthrough]];
      case Family::lognormal:
      case Family::gamma:
      case Family::weibull: {
        auto m = get_duration("mean");
        auto cv = get_cv();
        if (!m || !cv) break;
        if (*family == Family::lognormal) return sim::Distribution::lognormal(*m, *cv);
        if (*family == Family::gamma) return sim::Distribution::gamma(*m, *cv);
        if (*family == Family::weibull) return sim::Distribution::weibull(*m, *cv);
        return sim::Distribution::hyperexponential(*m, *cv);
      }
      case Family::erlang: {
        auto m = get_duration("mean");
        if (has("k")) {
          auto k = whole(given["k"], path + ".k", 1, sim::kMaxErlangPhases, "a whole number of phases");
          if (m && k) return sim::Distribution::erlang(static_cast<int>(*k), *m);
        } else {
          auto cv = get_cv();
          if (m && cv) return sim::Distribution::erlang_with_cv(*m, *cv);
        }
        break;
      }
      case Family::empirical:
        if (has("file")) {
          if (auto values = read_values_file(given["file"], path + ".file"))
            return sim::Distribution::empirical(*values);
        } else if (given["values"].IsSequence()) {
          std::vector<double> values;
          bool ok = true;
          for (std::size_t i = 0; i < given["values"].size(); ++i) {
            const auto v = duration(given["values"][i], path + ".values." + std::to_string(i), false);
            ok = ok && v.has_value();
            if (v) values.push_back(*v);
          }
          if (ok) return sim::Distribution::empirical(values);
        } else {
          error(given["values"], path + ".values", "expected a list of durations such as [30s, 45s, 2min]");
        }
        break;
    }
  } catch (const std::invalid_argument& e) {
    error(node, path, std::string(e.what()) + " in " + with_article(*family_text) + " distribution");
  }
  return std::nullopt;
}

void Loader::read_horizon(const YAML::Node& node, model::Horizon& horizon) {
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, "horizon", &kHorizonKeys)) given.emplace(key, value);
  if (!node.IsMap()) return;
  const bool clock = given.count("start") || given.count("end");
  if (clock) {
    horizon.clock_window = true;
    horizon.drain = true;
    if (given.count("length"))
      error(given["length"], "horizon.length", "give either start and end, or length; not both");
    if (!given.count("start") || !given.count("end")) {
      error(node, "horizon",
            "a clock window needs both start and end, e.g. {start: \"08:00\", end: \"20:00\", interval: 30min}");
      return;
    }
    std::optional<double> start, end;
    for (auto [key, target] : {std::pair{"start", &start}, std::pair{"end", &end}}) {
      const auto text = scalar(given[key], std::string("horizon.") + key, "a clock time such as \"08:30\"");
      if (!text) continue;
      *target = parse_clock(*text);
      if (!*target)
        error(given[key], std::string("horizon.") + key,
              "expected a clock time such as \"08:30\"; got " + quoted(*text));
    }
    if (!start || !end) return;
    if (*end <= *start) {
      error(given["end"], "horizon.end", "must be after start");
      return;
    }
    horizon.start_clock_seconds = *start;
    horizon.length_seconds = *end - *start;
  } else {
    if (!given.count("length")) {
      error(node, "horizon", "missing key \"length\"; expected {start, end, interval} or {length, warmup}");
      return;
    }
    const auto length = duration(given["length"], "horizon.length", true);
    if (!length) return;
    horizon.length_seconds = *length;
  }
  horizon.interval_seconds = horizon.length_seconds;
  if (given.count("interval")) {
    if (const auto interval = duration(given["interval"], "horizon.interval", true)) {
      // Exactly, in the clock's integer ticks: what validates is what compiles.
      const sim::Time length_ticks = sim::ticks_from_seconds(horizon.length_seconds);
      const sim::Time interval_ticks = sim::ticks_from_seconds(*interval);
      if (interval_ticks <= 0 || length_ticks % interval_ticks != 0)
        error(given["interval"], "horizon.interval",
              "does not divide the horizon into whole intervals (to the microsecond)");
      else if (length_ticks / interval_ticks > model::kMaxIntervals)
        error(given["interval"], "horizon.interval", "makes more than 100000 intervals; expected a coarser interval");
      else
        horizon.interval_seconds = *interval;
    }
  }
  if (given.count("warmup") && horizon.clock_window) {
    error(given["warmup"], "horizon.warmup",
          "a clock window starts empty at its start and has no warm-up; use {length, warmup} for a steady-state study");
  } else if (given.count("warmup")) {
    if (const auto warmup = duration(given["warmup"], "horizon.warmup", false)) {
      if (*warmup >= horizon.length_seconds)
        error(given["warmup"], "horizon.warmup", "must be shorter than the horizon");
      else
        horizon.warmup_seconds = *warmup;
    }
  }
}

void Loader::read_customer(const std::string& name, const YAML::Node& node, const std::string& path,
                           Scenario& scenario) {
  model::CustomerClass customer;
  customer.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kCustomerKeys)) given.emplace(key, value);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.customers.push_back(std::move(customer));
    return;
  }
  if (!given.count("arrivals")) {
    error(node, path, "missing key \"arrivals\"; expected {rate: 120/h} or {per_interval: [...]}");
  } else {
    std::map<std::string, YAML::Node> arrivals;
    for (auto& [key, value] : entries(given["arrivals"], path + ".arrivals", &kArrivalKeys))
      arrivals.emplace(key, value);
    if (given["arrivals"].IsMap()) {
      if (arrivals.size() != 1) {
        error(given["arrivals"], path + ".arrivals", "expected exactly one of rate or per_interval");
      } else if (arrivals.count("rate")) {
        if (const auto text = scalar(arrivals["rate"], path + ".arrivals.rate", "a rate such as 120/h or 18/min")) {
          const auto rate = parse_rate(*text);
          if (!rate)
            error(arrivals["rate"], path + ".arrivals.rate",
                  "expected a rate such as 120/h or 18/min; got " + quoted(*text));
          else
            customer.arrivals.rate_per_second = *rate;
        }
      } else {
        const YAML::Node& list = arrivals["per_interval"];
        if (!list.IsSequence() || list.size() == 0) {
          error(list, path + ".arrivals.per_interval", "expected a list of expected arrival counts, one per interval");
        } else {
          for (std::size_t i = 0; i < list.size(); ++i) {
            const auto count = number(list[i], path + ".arrivals.per_interval." + std::to_string(i));
            if (count && *count < 0)
              error(list[i], path + ".arrivals.per_interval." + std::to_string(i), "expected a count of at least 0");
            customer.arrivals.per_interval.push_back(count.value_or(0.0));
          }
        }
      }
    }
  }
  if (given.count("patience")) customer.patience = distribution(given["patience"], path + ".patience");
  if (given.count("priority"))
    customer.priority = static_cast<int>(
        whole(given["priority"], path + ".priority", -1000, 1000, "a priority (a whole number, higher is served first)")
            .value_or(0));
  if (!given.count("entry"))
    error(node, path, "missing key \"entry\"; expected the name of the first stage");
  else
    customer.entry = scalar(given["entry"], path + ".entry", "a stage name").value_or("");
  scenario.customers.push_back(std::move(customer));
}

void Loader::read_pool(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Pool pool;
  pool.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kPoolKeys)) given.emplace(key, value);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.pools.push_back(std::move(pool));
    return;
  }
  if (given.count("agents") == given.count("staffing")) {
    error(node, path, "expected exactly one of agents (a number) or staffing (a list per interval)");
  } else if (given.count("agents")) {
    pool.staffing.push_back(static_cast<int>(
        whole(given["agents"], path + ".agents", 0, kMaxAgents, "a whole number of agents").value_or(0)));
  } else if (!given["staffing"].IsSequence() || given["staffing"].size() == 0) {
    error(given["staffing"], path + ".staffing", "expected a list of agent counts, one per interval");
  } else {
    for (std::size_t i = 0; i < given["staffing"].size(); ++i)
      pool.staffing.push_back(static_cast<int>(whole(given["staffing"][i], path + ".staffing." + std::to_string(i), 0,
                                                     kMaxAgents, "a whole number of agents")
                                                   .value_or(0)));
  }
  if (given.count("cost")) {
    if (const auto text = scalar(given["cost"], path + ".cost", "a cost per hour such as 28/h")) {
      auto per_second = parse_rate(*text);
      const auto plain = parse_number(*text);
      if (per_second)
        pool.cost_per_hour = *per_second * 3600.0;
      else if (plain && *plain >= 0)
        pool.cost_per_hour = *plain;
      else
        error(given["cost"], path + ".cost", "expected a cost per hour such as 28/h; got " + quoted(*text));
    }
  }
  scenario.pools.push_back(std::move(pool));
}

void Loader::read_stage(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Stage stage;
  stage.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kStageKeys)) given.emplace(key, value);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.stages.push_back(std::move(stage));
    return;
  }
  if (!given.count("service"))
    error(node, path, "missing key \"service\"; expected a distribution such as {dist: exponential, mean: 5min}");
  else if (auto service = distribution(given["service"], path + ".service"))
    stage.service = *service;
  if (!given.count("pools"))
    error(node, path, "missing key \"pools\"; expected the pools that serve this stage, in order of preference");
  else
    stage.pools = names(given["pools"], path + ".pools");
  if (given.count("queue")) {
    for (auto& [key, value] : entries(given["queue"], path + ".queue", &kQueueKeys)) {
      if (key == "capacity") {
        if (auto capacity =
                whole(value, path + ".queue.capacity", 0, kMaxQueueCapacity, "a whole number of waiting places"))
          stage.queue_capacity = static_cast<int>(*capacity);
      } else if (const auto text = scalar(value, path + ".queue.discipline", "fifo or priority")) {
        if (*text == "fifo")
          stage.discipline = model::QueueDiscipline::fifo;
        else if (*text == "priority")
          stage.discipline = model::QueueDiscipline::priority;
        else
          error(value, path + ".queue.discipline", "expected fifo or priority; got " + quoted(*text));
      }
    }
  }
  if (given.count("next")) {
    for (auto& [target, value] : entries(given["next"], path + ".next", nullptr)) {
      double probability = 0.0;
      if (const auto text = scalar(value, path + ".next." + target, "a probability such as 0.15 or 15%")) {
        const auto parsed = parse_fraction(*text);
        if (parsed && *parsed >= 0 && *parsed <= 1)
          probability = *parsed;
        else
          error(value, path + ".next." + target, "expected a probability such as 0.15 or 15%; got " + quoted(*text));
      }
      stage.next.push_back({target, probability});
    }
  }
  if (given.count("abandonment"))
    stage.abandonment = boolean(given["abandonment"], path + ".abandonment").value_or(true);
  scenario.stages.push_back(std::move(stage));
}

void Loader::read_sla(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Sla sla;
  sla.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kSlaKeys)) given.emplace(key, value);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.slas.push_back(std::move(sla));
    return;
  }
  if (given.count("customers")) {
    sla.customers = names(given["customers"], path + ".customers");
    if (sla.customers.empty() && given["customers"].IsSequence())
      error(given["customers"], path + ".customers",
            "lists no customer classes; expected at least one (leave the key out to cover every class)");
  }
  if (given.count("stage")) sla.stage = scalar(given["stage"], path + ".stage", "a stage name").value_or("");
  if (given.count("wait_within") == given.count("sojourn_within")) {
    error(node, path, "expected exactly one of wait_within or sojourn_within");
  } else if (given.count("wait_within")) {
    sla.measure = model::SlaMeasure::wait;
    sla.threshold_seconds = duration(given["wait_within"], path + ".wait_within", false).value_or(0.0);
  } else {
    sla.measure = model::SlaMeasure::sojourn;
    sla.threshold_seconds = duration(given["sojourn_within"], path + ".sojourn_within", false).value_or(0.0);
    if (given.count("stage"))
      error(given["stage"], path + ".stage", "a sojourn SLA covers the whole journey; remove stage");
  }
  if (!given.count("target"))
    error(node, path, "missing key \"target\"; expected a fraction such as 80%");
  else
    sla.target = fraction(given["target"], path + ".target").value_or(0.0);
  scenario.slas.push_back(std::move(sla));
}

Scenario Loader::read(const YAML::Node& root) {
  Scenario scenario;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(root, "", &kTopKeys)) given.emplace(key, value);
  if (!root.IsMap()) return scenario;
  if (given.count("name")) scenario.name = scalar(given["name"], "name", "a name").value_or("");
  if (given.count("seed")) {
    if (const auto text = scalar(given["seed"], "seed", kSeedExpected)) {
      if (const auto seed = parse_seed(*text))
        scenario.seed = *seed;
      else
        error(given["seed"], "seed", std::string("expected ") + kSeedExpected + "; got " + quoted(*text));
    }
  }
  if (given.count("replications"))
    scenario.replications = static_cast<int>(
        whole(given["replications"], "replications", 1, kMaxReplications, "a whole number of replications")
            .value_or(1));
  for (const char* required : {"horizon", "customers", "pools", "stages"}) {
    if (given.count(required)) continue;
    error(root, "", std::string("missing key \"") + required + "\"");
    missing_sections_.insert(required);
  }
  if (given.count("horizon")) read_horizon(given["horizon"], scenario.horizon);
  if (given.count("customers"))
    for (auto& [name, node] : entries(given["customers"], "customers", nullptr))
      read_customer(name, node, "customers." + name, scenario);
  if (given.count("pools"))
    for (auto& [name, node] : entries(given["pools"], "pools", nullptr))
      read_pool(name, node, "pools." + name, scenario);
  if (given.count("stages"))
    for (auto& [name, node] : entries(given["stages"], "stages", nullptr))
      read_stage(name, node, "stages." + name, scenario);
  if (given.count("sla"))
    for (auto& [name, node] : entries(given["sla"], "sla", nullptr)) read_sla(name, node, "sla." + name, scenario);
  return scenario;
}

// Runs the whole-scenario checks even when reading found problems, so that every problem is
// reported at once, but leaves out what follows from a problem already reported: anything
// about a key path that has (or lies under, or above) an error, the sections that are
// missing, and list lengths when the horizon itself is wrong.
void Loader::check_semantics(const Scenario& scenario) {
  std::vector<std::string> failed;
  bool horizon_failed = false;
  for (const auto& e : errors_) {
    if (e.path.empty()) continue;
    failed.push_back(e.path);
    horizon_failed = horizon_failed || e.path.rfind("horizon", 0) == 0;
  }
  const auto within = [](const std::string& inner, const std::string& outer) {
    return inner.rfind(outer, 0) == 0 && (inner.size() == outer.size() || inner[outer.size()] == '.');
  };
  const auto follows_from_reported = [&](const std::string& path) {
    for (const auto& f : failed)
      if (within(path, f) || within(f, path)) return true;
    if (missing_sections_.count(path.substr(0, path.find('.')))) return true;
    const auto ends_with = [&](const std::string& tail) {
      return path.size() >= tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
    };
    return horizon_failed && (ends_with(".per_interval") || ends_with(".staffing"));
  };
  for (const auto& problem : model::check_scenario(scenario)) {
    if (follows_from_reported(problem.path)) continue;
    error(mark_of(problem.path), problem.path, problem.message);
  }
}

std::vector<Diagnostic> Loader::warnings(const Scenario& scenario) {
  std::vector<Diagnostic> result;
  for (const auto& problem : model::assess_load(scenario)) {
    const YAML::Mark mark = mark_of(problem.path);
    result.push_back({origin_, mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0, problem.path,
                      "warning: " + problem.message});
  }
  return result;
}

// The position of the deepest key of the path that the file has.
YAML::Mark Loader::mark_of(std::string path) const {
  for (;;) {
    if (const auto it = marks_.find(path); it != marks_.end()) return it->second;
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) return YAML::Mark::null_mark();
    path.resize(dot);
  }
}

LoadResult load(const std::string& text, const std::string& origin, const std::vector<std::string>& overrides,
                const std::string& base_dir) {
  LoadResult result;
  YamlSource source = parse_yaml_source(text, origin, result.errors);
  if (!source.ok) return result;
  YAML::Node root = source.root;
  Loader loader(origin, base_dir, result.errors);
  loader.apply_overrides(root, overrides);
  Scenario scenario = loader.read(root);
  loader.check_semantics(scenario);
  sort_diagnostics(result.errors);
  if (result.errors.empty()) {
    result.warnings = loader.warnings(scenario);
    if (scenario.name.empty()) scenario.name = std::filesystem::path(origin).stem().string();
    result.scenario = std::move(scenario);
  }
  return result;
}

}  // namespace

LoadResult load_scenario_text(const std::string& text, const std::string& origin,
                              const std::vector<std::string>& overrides, const std::string& base_dir) {
  try {
    return load(text, origin, overrides, base_dir);
  } catch (const YAML::Exception& e) {
    // Guard: yaml-cpp throws on some malformed inputs outside the parser (e.g. bad escapes).
    LoadResult result;
    result.errors.push_back(
        {origin, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.line >= 0 ? e.mark.column + 1 : 0, "", e.msg});
    return result;
  }
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    LoadResult result;
    result.errors.push_back({path, 0, 0, "", "cannot read the file; expected a readable scenario YAML file"});
    return result;
  }
  // Read at most one byte past the limit, so /dev/zero or a huge file cannot exhaust memory;
  // the YAML checks then report the size.
  std::string text(kMaxScenarioBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  return load_scenario_text(text, path, overrides, base_dir.empty() ? "." : base_dir);
}

}  // namespace capsim::io
