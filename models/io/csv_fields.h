// The fields of one line of a data file (a trace, a forecast): plain CSV without quoting,
// since such files hold times, names and numbers; and where a field starts, for messages.
#pragma once

#include <string>
#include <vector>

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

}  // namespace capsim::io::detail
