// Forecast files: per-interval values (arrival counts, agents) from a CSV a workforce tool
// exports, instead of a list in the scenario: `per_interval: {file: forecast.csv}`.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "models/io/csv_fields.h"
#include "models/io/loader.h"
#include "models/io/units.h"

namespace capsim::io::detail {

std::vector<double> Loader::interval_values_from_file(const YAML::Node& node, const std::string& path,
                                                      const model::Horizon& horizon, const std::string& value_column,
                                                      const ReadValue& read) {
  std::vector<double> values;
  const std::string expected_header = "interval," + value_column + " (and day, 1, 2, ..., where the horizon has days)";
  auto data = open_data_file(node, path, "a regular CSV file with a header: " + expected_header);
  if (!data) return values;
  std::istream& in = data->in;
  const std::string& shown = data->shown;
  const auto bad = [&](int line, int column, const std::string& message) {
    errors_.push_back({shown, line, column, path, message});
  };

  const int intervals = horizon.interval_count();
  const double width = horizon.interval_seconds;
  std::string line;
  if (!std::getline(in, line)) {
    bad(1, 1, "is empty; expected a header: " + expected_header);
    return values;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::vector<std::string> known{"interval", "day", value_column};
  auto columns = header_columns(line, known, "a column of this file", expected_header, bad);
  if (!columns) return values;
  std::map<std::string, std::size_t>& column = *columns;
  const auto header = fields_of(line);
  if (!column.count("interval") || !column.count(value_column)) {
    bad(1, 1,
        "has no " + std::string(column.count("interval") ? value_column : "interval") +
            " column; expected a header: " + expected_header);
    return values;
  }
  const bool days = horizon.length_seconds > 86400.0 && horizon.clock_window;
  if (days && !column.count("day")) {
    bad(1, 1, "has no day column, and the horizon spans days; expected a header: " + expected_header);
    return values;
  }

  std::vector<int> row_of(static_cast<std::size_t>(intervals), 0);  // the line giving each interval
  values.assign(static_cast<std::size_t>(intervals), 0.0);
  // At most 20 problems a file, as for traces: a file of bad rows is one story, not a flood.
  const std::size_t first_problem = errors_.size();
  for (int number = 2; std::getline(in, line) && errors_.size() - first_problem < 20; ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const auto fields = fields_of(line);
    if (fields.size() != header.size()) {
      bad(number, 1,
          "has " + std::to_string(fields.size()) + " fields; the header has " + std::to_string(header.size()));
      continue;
    }
    // The interval: its index (0, 1, ...), or a clock time on the horizon's grid (with its day).
    const std::string& text = fields[column["interval"]];
    const int at = column_of(line, column["interval"]);
    std::optional<double> start;  // seconds from the horizon's start
    if (const auto index = parse_number(text); index && *index >= 0 && std::floor(*index) == *index) {
      start = *index * width;
    } else if (const auto clock = parse_clock(text); clock && horizon.clock_window) {
      double day = 0.0;
      if (column.count("day")) {
        const auto d = parse_number(fields[column["day"]]);
        if (!d || *d < 1 || std::floor(*d) != *d) {
          bad(number, column_of(line, column["day"]),
              "expected the horizon's day, 1, 2, ...; got " + detail::quoted(fields[column["day"]]));
          continue;
        }
        day = *d - 1;
      }
      double offset = day * 86400.0 + *clock - horizon.start_clock_seconds;
      if (!days && offset < 0) offset += 86400.0;  // a window past midnight
      start = offset;
    } else {
      bad(number, at,
          std::string("expected the interval's ") + (horizon.clock_window ? "clock time, such as 08:30, or " : "") +
              "index from 0; got " + detail::quoted(text));
      continue;
    }
    const double position = *start / width;
    if (*start < 0 || position >= intervals || std::abs(position - std::round(position)) > 1e-9) {
      bad(number, at,
          detail::quoted(text) + " is not the start of an interval of the horizon (" + std::to_string(intervals) +
              " intervals of " + std::to_string(static_cast<long long>(width)) + " s)");
      continue;
    }
    const auto i = static_cast<std::size_t>(std::llround(position));
    if (row_of[i] != 0) {
      bad(number, at,
          "gives interval " + detail::quoted(text) + " again (first on line " + std::to_string(row_of[i]) + ")");
      continue;
    }
    row_of[i] = number;
    // The value, judged as in the scenario; a problem is located in this file.
    const std::size_t before = errors_.size();
    values[i] = read(YAML::Node(fields[column[value_column]]), path);
    for (std::size_t e = before; e < errors_.size(); ++e) {
      errors_[e].origin = shown;
      errors_[e].line = number;
      errors_[e].column = column_of(line, column[value_column]);
    }
  }
  const auto missing = std::count(row_of.begin(), row_of.end(), 0);
  if (missing > 0) {
    const auto first = static_cast<std::size_t>(std::find(row_of.begin(), row_of.end(), 0) - row_of.begin());
    bad(1, 1,
        "has no row for " + std::to_string(missing) + " of the horizon's " + std::to_string(intervals) +
            " intervals (the first: index " + std::to_string(first) + "); expected one row per interval");
  }
  return values;
}

}  // namespace capsim::io::detail
