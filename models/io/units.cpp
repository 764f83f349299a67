#include "models/io/units.h"

#include <charconv>
#include <cmath>
#include <string>

namespace capsim::io {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits "4.5min" into 4.5 and "min".
std::optional<std::pair<double, std::string_view>> number_and_suffix(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || !std::isfinite(value)) return std::nullopt;
  return std::pair{value, trim(std::string_view(end, static_cast<std::size_t>(text.data() + text.size() - end)))};
}

std::optional<double> seconds_per_unit(std::string_view unit) {
  if (unit == "ms") return 0.001;
  if (unit == "s" || unit == "sec") return 1.0;
  if (unit == "min") return 60.0;
  if (unit == "h" || unit == "hr") return 3600.0;
  if (unit == "d") return 86400.0;
  return std::nullopt;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  const auto parsed = number_and_suffix(text);
  if (!parsed || !parsed->second.empty()) return std::nullopt;
  return parsed->first;
}

std::optional<double> parse_duration(std::string_view text) {
  const auto parsed = number_and_suffix(text);
  if (!parsed) return std::nullopt;
  const auto [value, unit] = *parsed;
  if (unit.empty()) return value == 0.0 ? std::optional<double>(0.0) : std::nullopt;
  const auto scale = seconds_per_unit(unit);
  if (!scale) return std::nullopt;
  return value * *scale;
}

std::optional<double> parse_clock(std::string_view text) {
  text = trim(text);
  int parts[3] = {0, 0, 0};
  int count = 0;
  while (!text.empty() && count < 3) {
    const auto colon = text.find(':');
    const std::string_view field = text.substr(0, colon);
    if (field.size() != 2 && !(count == 0 && field.size() == 1)) return std::nullopt;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), parts[count]);
    if (error != std::errc() || end != field.data() + field.size()) return std::nullopt;
    ++count;
    if (colon == std::string_view::npos) {
      text = {};
      break;
    }
    text.remove_prefix(colon + 1);
  }
  if (count < 2 || !text.empty()) return std::nullopt;
  const auto [h, m, s] = parts;
  if (m > 59 || s > 59 || h > 24 || (h == 24 && (m || s))) return std::nullopt;
  return h * 3600.0 + m * 60.0 + s;
}

std::optional<int> parse_weekday(std::string_view text) {
  text = trim(text);
  static constexpr std::string_view kNames[] = {"monday", "tuesday",  "wednesday", "thursday",
                                                "friday", "saturday", "sunday"};
  std::string lower;
  for (const char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (int day = 0; day < 7; ++day)
    if (lower == kNames[day] || lower == kNames[day].substr(0, 3)) return day;
  return std::nullopt;
}

std::optional<DayClock> parse_day_clock(std::string_view text) {
  text = trim(text);
  DayClock result;
  if (const auto space = text.find(' '); space != std::string_view::npos) {
    const auto weekday = parse_weekday(text.substr(0, space));
    if (!weekday) return std::nullopt;
    result.weekday = *weekday;
    text.remove_prefix(space + 1);
  }
  const auto clock = parse_clock(text);
  if (!clock || *clock >= 86400.0) return std::nullopt;
  result.seconds = *clock;
  return result;
}

std::optional<double> parse_rate(std::string_view text) {
  text = trim(text);
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto count = parse_number(text.substr(0, slash));
  // Per a unit (120/h, 2/hour) or per a duration (45/30min, the interval a forecast counts).
  const std::string_view unit = trim(text.substr(slash + 1));
  auto per = seconds_per_unit(unit);
  if (!per)
    per = unit == "second"   ? 1.0
          : unit == "minute" ? 60.0
          : unit == "hour"   ? 3600.0
          : unit == "day"    ? 86400.0
                             : parse_duration(unit);
  if (per && !(*per > 0.0)) return std::nullopt;
  if (!count || !per || *count < 0) return std::nullopt;
  return *count / *per;
}

std::optional<double> parse_fraction(std::string_view text) {
  const auto parsed = number_and_suffix(text);
  if (!parsed) return std::nullopt;
  const auto [value, unit] = *parsed;
  if (unit == "%") return value / 100.0;
  if (unit.empty()) return value;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_seed(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace capsim::io
