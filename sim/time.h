// Simulation time: integer ticks of one microsecond.
// Invariant: all engine arithmetic on time is exact integer arithmetic; doubles (seconds)
// appear only at the edges (sampling, reporting). int64 microseconds span ~292,000 years.
#pragma once

#include <cstdint>
#include <limits>

namespace capsim::sim {

using Time = std::int64_t;

inline constexpr Time kTicksPerSecond = 1'000'000;
inline constexpr Time kTimeMax = std::numeric_limits<Time>::max() / 4;  // headroom for sums

// Rounds to the nearest tick; negative values clamp to 0 and huge or non-finite values to
// kTimeMax, so a heavy-tailed sample can never overflow the clock.
inline Time ticks_from_seconds(double seconds) noexcept {
  if (!(seconds > 0.0)) return 0;
  const double ticks = seconds * static_cast<double>(kTicksPerSecond);
  if (ticks >= static_cast<double>(kTimeMax)) return kTimeMax;
  // ticks > 0 here, so truncating ticks + 0.5 rounds to nearest without a libm call.
  return static_cast<Time>(ticks + 0.5);
}

inline constexpr double seconds_from_ticks(Time ticks) noexcept {
  return static_cast<double>(ticks) / static_cast<double>(kTicksPerSecond);
}

}  // namespace capsim::sim
