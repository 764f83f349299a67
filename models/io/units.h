// Parsers for the scenario's quantities with units. Each returns nullopt on anything it
// does not fully understand (no partial parses, no silent defaults).
//   duration   20s, 4.5min, 2h, 1d, 250ms (a bare 0 is allowed)      -> seconds
//   clock      "08:30", "20:00:00", up to "24:00"                     -> seconds after midnight
//   rate       120/h, 18/min, 0.5/s, 300/d                            -> per second
//   fraction   80%, 0.8                                               -> [0, 1]
//   weekday    mon, Monday, tue, ... (any case)                       -> 0 (Monday) .. 6
//   day clock  "08:30" or "Tue 08:30"                                 -> weekday (or -1), seconds
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace capsim::io {

std::optional<double> parse_number(std::string_view text);
std::optional<double> parse_duration(std::string_view text);
std::optional<double> parse_clock(std::string_view text);
std::optional<double> parse_rate(std::string_view text);
std::optional<double> parse_fraction(std::string_view text);
std::optional<int> parse_weekday(std::string_view text);
struct DayClock {
  int weekday = -1;  // -1 when not given
  double seconds = 0.0;
};
std::optional<DayClock> parse_day_clock(std::string_view text);
// A random seed: decimal digits only, 0 to 2^64 - 1, exactly (no rounding through double).
std::optional<std::uint64_t> parse_seed(std::string_view text);
inline constexpr const char* kSeedExpected = "a seed: a whole number from 0 to 18446744073709551615";

}  // namespace capsim::io
