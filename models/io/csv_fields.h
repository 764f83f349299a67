// The fields of one line of a data file (a trace, a forecast): plain CSV without quoting,
// since such files hold times, names and numbers; and where a field starts, for messages.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/io/diagnostics.h"

namespace capsim::io::detail {

// The fields of a CSV line, each trimmed of spaces and tabs.
inline std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    std::string field = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = field.find_first_not_of(" \t");
    const auto last = field.find_last_not_of(" \t");
    fields.push_back(first == std::string::npos ? std::string() : field.substr(first, last - first + 1));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

// The column a field starts at (1-based).
inline int column_of(const std::string& line, std::size_t field) {
  std::size_t at = 0;
  for (std::size_t f = 0; f < field; ++f) at = line.find(',', at) + 1;
  return static_cast<int>(at) + 1;
}

// The columns a header line names, by name. A name not in `known` ("column X is not
// `kind`", with did-you-mean, else `expected`) or named twice is reported through
// `bad(line, column, message)` on line 1: nullopt.
inline std::optional<std::map<std::string, std::size_t>> header_columns(
    const std::string& line, const std::vector<std::string>& known, const std::string& kind,
    const std::string& expected, const std::function<void(int, int, const std::string&)>& bad) {
  std::map<std::string, std::size_t> column;
  const auto header = fields_of(line);
  for (std::size_t f = 0; f < header.size(); ++f) {
    if (std::find(known.begin(), known.end(), header[f]) == known.end()) {
      const auto suggestion = closest_match(header[f], known);
      bad(1, column_of(line, f),
          "column \"" + printable(header[f]) + "\" is not " + kind +
              (suggestion.empty() ? "; expected " + expected : "; did you mean \"" + suggestion + "\"?"));
      return std::nullopt;
    }
    if (!column.emplace(header[f], f).second) {
      bad(1, column_of(line, f), "column \"" + printable(header[f]) + "\" is named twice");
      return std::nullopt;
    }
  }
  return column;
}

}  // namespace capsim::io::detail
