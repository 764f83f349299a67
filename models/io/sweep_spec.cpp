#include "models/io/sweep_spec.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "models/io/units.h"

namespace capsim::io {
namespace {

// "12.5min" -> {12.5, "min"}; "80%" -> {80, "%"}; nullopt when it does not start with a number.
struct Quantity {
  double number = 0;
  std::string unit;
};
std::optional<Quantity> split_quantity(const std::string& text) {
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                               (end == 0 && (text[end] == '-' || text[end] == '+'))))
    ++end;
  if (end == 0) return std::nullopt;
  const auto number = parse_number(text.substr(0, end));
  if (!number) return std::nullopt;
  return Quantity{*number, text.substr(end)};
}

std::string format_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", x);
  return text;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

std::vector<std::string> SweepSpec::keys() const {
  std::vector<std::string> all;
  for (const auto& d : dimensions) all.insert(all.end(), d.keys.begin(), d.keys.end());
  return all;
}

std::size_t SweepSpec::points() const {
  if (dimensions.empty()) return 0;
  std::size_t n = 1;
  for (const auto& d : dimensions) n *= d.size();
  return n;
}

std::vector<std::string> SweepSpec::point(std::size_t p) const {
  std::vector<std::size_t> digits(dimensions.size());
  for (std::size_t d = dimensions.size(); d-- > 0;) {
    digits[d] = p % dimensions[d].size();
    p /= dimensions[d].size();
  }
  std::vector<std::string> values;
  for (std::size_t d = 0; d < dimensions.size(); ++d)
    for (const auto& key_values : dimensions[d].values) values.push_back(key_values[digits[d]]);
  return values;
}

std::optional<std::vector<std::string>> parse_sweep_values(const std::string& text, std::string& problem) {
  const auto dots = text.find("..");
  if (dots == std::string::npos) {
    auto values = split(text, ',');
    for (const auto& v : values)
      if (v.empty()) {
        problem = "has an empty value; expected v1,v2,... or a range a..b[:step]";
        return std::nullopt;
      }
    return values;
  }
  const std::string from_text = text.substr(0, dots);
  std::string to_text = text.substr(dots + 2), step_text;
  if (const auto colon = to_text.find(':'); colon != std::string::npos) {
    step_text = to_text.substr(colon + 1);
    to_text = to_text.substr(0, colon);
  }
  auto from = split_quantity(from_text), to = split_quantity(to_text);
  auto step =
      step_text.empty() ? std::optional<Quantity>(Quantity{1.0, from ? from->unit : ""}) : split_quantity(step_text);
  if (from && to && step && (from->unit != to->unit || step->unit != from->unit)) {
    // Durations in different units (5min..8min:30s): in seconds.
    const auto a = parse_duration(from_text), b = parse_duration(to_text), c = parse_duration(step_text);
    if (a && b && c) {
      from = Quantity{*a, "s"};
      to = Quantity{*b, "s"};
      step = Quantity{*c, "s"};
    }
  }
  if (!from || !to || !step || from->unit != to->unit || step->unit != from->unit) {
    problem =
        "expected a range such as 10..20, 10..20:2, 80%..95%:5% or 5min..8min:30s (one unit, or durations); got \"" +
        text + "\"";
    return std::nullopt;
  }
  if (!(step->number > 0) || to->number < from->number) {
    problem = "the range " + text + " is empty; expected from <= to and a positive step";
    return std::nullopt;
  }
  std::vector<std::string> values;
  const double tolerance = step->number * 1e-9;
  for (std::size_t k = 0;; ++k) {
    const double x = from->number + static_cast<double>(k) * step->number;
    if (x > to->number + tolerance) break;
    if (values.size() >= kMaxSweepPoints) {
      problem = "the range " + text + " has more than 1000000 values";
      return std::nullopt;
    }
    values.push_back(format_number(std::abs(x) < tolerance ? 0.0 : x) + from->unit);
  }
  return values;
}

std::optional<SweepDimension> parse_grid_option(const std::string& text, std::string& problem) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    problem = "expected key.path=v1,v2,... or key.path=a..b[:step]; got \"" + text + "\"";
    return std::nullopt;
  }
  auto values = parse_sweep_values(text.substr(equals + 1), problem);
  if (!values) return std::nullopt;
  return SweepDimension{{text.substr(0, equals)}, {std::move(*values)}};
}

std::optional<SweepDimension> parse_zip_option(const std::string& text, std::string& problem) {
  // "a=1,2,3,b=x,y,z": a token with '=' starts the next key (values never contain '=').
  std::vector<std::string> parts;
  for (const auto& token : split(text, ',')) {
    if (token.find('=') != std::string::npos || parts.empty())
      parts.push_back(token);
    else
      parts.back() += "," + token;
  }
  SweepDimension dimension;
  for (const auto& part : parts) {
    auto one = parse_grid_option(part, problem);
    if (!one) return std::nullopt;
    if (!dimension.values.empty() && one->size() != dimension.size()) {
      problem = "zipped keys need as many values each; " + one->keys.front() + " has " + std::to_string(one->size()) +
                ", " + dimension.keys.front() + " has " + std::to_string(dimension.size());
      return std::nullopt;
    }
    dimension.keys.push_back(one->keys.front());
    dimension.values.push_back(std::move(one->values.front()));
  }
  return dimension;
}

}  // namespace capsim::io
