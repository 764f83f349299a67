// The distribution grammar ({dist: family, parameters...}) and empirical data files.
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

std::optional<std::vector<double>> Loader::read_values_file(const YAML::Node& node, const std::string& path) {
  auto data = open_data_file(node, path, "a CSV file with one value per line (seconds, or durations with units)");
  if (!data) return std::nullopt;
  std::istream& in = data->in;
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
            detail::quoted(data->name) + " line " + std::to_string(number) +
                ": expected a duration in seconds or with a unit, such as 42 or 3.5min");
      return std::nullopt;
    }
    values.push_back(*value);
  }
  if (values.empty()) {
    error(node, path, detail::quoted(data->name) + " holds no values; expected one per line");
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
  std::map<std::string, YAML::Node> given = keyed(node, path, &kDistributionKeys);
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

}  // namespace capsim::io::detail
