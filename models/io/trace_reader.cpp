// Trace files: a recorded day's arrivals (and, where recorded, each one's handling time and
// patience) replayed exactly. A CSV with a header naming its columns: time (a clock time, or
// seconds or a duration from the horizon's start), and optionally class, handling, patience.
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "models/io/csv_fields.h"
#include "models/io/loader.h"
#include "models/io/units.h"

namespace capsim::io::detail {

void Loader::read_trace(const YAML::Node& node, const std::string& path, Scenario& scenario,
                        model::CustomerClass* only_class) {
  auto data = open_data_file(node, path, "a regular CSV file with a header: time[,class][,handling][,patience]");
  if (!data) return;
  std::istream& in = data->in;
  const std::string& shown = data->shown;
  const auto bad = [&](int line, int column, const std::string& message) {
    errors_.push_back({shown, line, column, path, message});
  };

  std::string line;
  if (!std::getline(in, line)) {
    bad(1, 1, "is empty; expected a header such as time,class,handling,patience");
    return;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  auto columns = header_columns(line, kTraceColumns, "a trace column", "time, class, handling or patience", bad);
  if (!columns) return;
  std::map<std::string, std::size_t>& column = *columns;
  const auto header = fields_of(line);
  if (!column.count("time")) {
    bad(1, 1, "has no time column; expected a header such as time,class,handling,patience");
    return;
  }
  const bool has_class = column.count("class") > 0;
  if (!only_class && !has_class) {
    bad(1, 1, "has no class column; a trace shared by the classes names each row's class");
    return;
  }
  std::map<std::string, model::CustomerClass*> classes;
  if (only_class)
    classes[only_class->name] = only_class;
  else
    for (auto& customer : scenario.customers) classes[customer.name] = &customer;
  std::map<std::string, double> last_time;  // per class: rows of one class in time order
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  const double length = scenario.horizon.length_seconds;
  std::size_t problems = 0;
  for (int number = 2; std::getline(in, line) && problems < 20; ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const auto fields = fields_of(line);
    if (fields.size() != header.size()) {
      bad(number, 1,
          "has " + std::to_string(fields.size()) + " fields; the header has " + std::to_string(header.size()));
      ++problems;
      continue;
    }
    model::CustomerClass* customer = nullptr;
    std::string class_name = only_class ? only_class->name : std::string();
    if (has_class) {
      const std::string& given = fields[column["class"]];
      if (only_class && given != only_class->name) continue;  // another class's row
      class_name = given;
    }
    if (const auto found = classes.find(class_name); found != classes.end()) customer = found->second;
    if (!customer) {
      std::vector<std::string> names;
      for (const auto& [known, ignored] : classes) names.push_back(known);
      const auto suggestion = closest_match(class_name, names);
      bad(number, column_of(line, column["class"]),
          "unknown customer class " + detail::quoted(class_name) +
              (suggestion.empty() ? std::string() : "; did you mean " + detail::quoted(suggestion) + "?"));
      ++problems;
      continue;
    }
    // A clock time in a clock window (or any time with a colon); otherwise seconds or a
    // duration from the start.
    const std::string& time_text = fields[column["time"]];
    std::optional<double> seconds;
    if (time_text.find(':') != std::string::npos) {
      if (const auto clock = parse_clock(time_text)) {
        seconds = *clock - scenario.horizon.start_clock_seconds;
        if (*seconds < 0) *seconds += 86400.0;
      }
    } else {
      seconds = parse_number(time_text);
      if (!seconds) seconds = parse_duration(time_text);
    }
    const int time_column = column_of(line, column["time"]);
    if (!seconds || !std::isfinite(*seconds) || *seconds < 0) {
      bad(number, time_column,
          "time " + detail::quoted(time_text) +
              ": expected a clock time such as 08:00:10 or seconds from the start such as 25");
      ++problems;
      continue;
    }
    if (*seconds >= length) {
      bad(number, time_column, "time " + detail::quoted(time_text) + " is at or after the horizon's end");
      ++problems;
      continue;
    }
    auto [last, first_row] = last_time.emplace(customer->name, *seconds);
    if (!first_row && *seconds < last->second) {
      bad(number, time_column,
          "time " + detail::quoted(time_text) + " is before the previous row's of class " +
              detail::quoted(customer->name) + "; expected rows in time order");
      ++problems;
      continue;
    }
    last->second = *seconds;
    // handling and patience: seconds (or durations), empty for "draw it".
    std::array<double, 2> recorded{kNone, kNone};
    bool ok = true;
    for (std::size_t k = 0; k < 2; ++k) {
      const char* key = k == 0 ? "handling" : "patience";
      if (!column.count(key)) continue;
      const std::string& text = fields[column[key]];
      if (text.empty()) continue;
      auto value = parse_number(text);
      if (!value) value = parse_duration(text);
      if (!value || !std::isfinite(*value) || *value < 0 || *value > model::kMaxDurationSeconds ||
          (k == 1 && *value == 0)) {
        bad(number, column_of(line, column[key]),
            std::string(key) + " " + detail::quoted(text) + ": expected " +
                (k == 0 ? "a handling time of at least 0" : "a patience above 0") +
                " in seconds (or with a unit, such as 3.5min), at most ten years; or nothing to draw it");
        ++problems;
        ok = false;
        break;
      }
      recorded[k] = *value;
    }
    if (!ok) continue;
    auto& arrivals = customer->arrivals;
    arrivals.times.push_back(*seconds);
    if (column.count("handling")) arrivals.handling.push_back(recorded[0]);
    if (column.count("patience")) arrivals.patience.push_back(recorded[1]);
    arrivals.trace = data->name;
  }
  if (problems == 0 && only_class && only_class->arrivals.times.empty())
    error(node, path,
          detail::quoted(data->name) + " holds no rows" +
              (has_class ? " of class " + detail::quoted(only_class->name) : "") + "; expected at least one arrival");
}

}  // namespace capsim::io::detail
