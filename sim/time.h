// Simulation time: integer ticks of one microsecond, as two types that cannot be mixed up —
// Time, an instant (ticks since the horizon's start, negative before it), and Duration, a
// span between instants. Instant - instant is a duration, instant + duration an instant;
// instant + instant does not compile, nor does passing a duration where an instant is due.
// Invariant: all engine arithmetic on time is exact integer arithmetic; doubles (seconds)
// appear only at the edges (sampling, reporting). int64 microseconds span ~292,000 years.
// Both types are one int64 with constexpr inline operators: they compile to what an int64
// would.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace capsim::sim {

using Ticks = std::int64_t;

class Duration {
 public:
  constexpr Duration() noexcept = default;
  constexpr explicit Duration(Ticks ticks) noexcept : ticks_(ticks) {}
  constexpr Ticks ticks() const noexcept { return ticks_; }

  constexpr auto operator<=>(const Duration&) const noexcept = default;
  constexpr Duration operator-() const noexcept { return Duration(-ticks_); }
  constexpr Duration& operator+=(Duration d) noexcept {
    ticks_ += d.ticks_;
    return *this;
  }
  constexpr Duration& operator-=(Duration d) noexcept {
    ticks_ -= d.ticks_;
    return *this;
  }
  friend constexpr Duration operator+(Duration a, Duration b) noexcept { return Duration(a.ticks_ + b.ticks_); }
  friend constexpr Duration operator-(Duration a, Duration b) noexcept { return Duration(a.ticks_ - b.ticks_); }
  friend constexpr Duration operator*(Duration d, Ticks k) noexcept { return Duration(d.ticks_ * k); }
  friend constexpr Duration operator*(Ticks k, Duration d) noexcept { return Duration(k * d.ticks_); }
  // How many whole `b` fit in `a` (truncated toward zero), and what is left.
  friend constexpr Ticks operator/(Duration a, Duration b) noexcept { return a.ticks_ / b.ticks_; }
  friend constexpr Duration operator%(Duration a, Duration b) noexcept { return Duration(a.ticks_ % b.ticks_); }

 private:
  Ticks ticks_ = 0;
};

class Time {
 public:
  constexpr Time() noexcept = default;
  constexpr explicit Time(Ticks ticks) noexcept : ticks_(ticks) {}
  constexpr Ticks ticks() const noexcept { return ticks_; }
  // Since the horizon's start (instant 0).
  constexpr Duration since_start() const noexcept { return Duration(ticks_); }

  constexpr auto operator<=>(const Time&) const noexcept = default;
  constexpr Time& operator+=(Duration d) noexcept {
    ticks_ += d.ticks();
    return *this;
  }
  constexpr Time& operator-=(Duration d) noexcept {
    ticks_ -= d.ticks();
    return *this;
  }
  friend constexpr Time operator+(Time t, Duration d) noexcept { return Time(t.ticks_ + d.ticks()); }
  friend constexpr Time operator+(Duration d, Time t) noexcept { return Time(d.ticks() + t.ticks_); }
  friend constexpr Time operator-(Time t, Duration d) noexcept { return Time(t.ticks_ - d.ticks()); }
  friend constexpr Duration operator-(Time a, Time b) noexcept { return Duration(a.ticks_ - b.ticks_); }

 private:
  Ticks ticks_ = 0;
};

inline constexpr Time kStart{0};  // the horizon's start
inline constexpr Ticks kTicksPerSecond = 1'000'000;
inline constexpr Ticks kTicksMax = std::numeric_limits<Ticks>::max() / 4;  // headroom for sums
inline constexpr Time kTimeMax{kTicksMax};
inline constexpr Duration kDurationMax{kTicksMax};

// Rounds to the nearest tick; negative values clamp to 0 and huge or non-finite values to
// kDurationMax, so a heavy-tailed sample can never overflow the clock.
inline Duration ticks_from_seconds(double seconds) noexcept {
  if (!(seconds > 0.0)) return Duration(0);
  const double ticks = seconds * static_cast<double>(kTicksPerSecond);
  if (ticks >= static_cast<double>(kTicksMax)) return kDurationMax;
  // ticks > 0 here, so truncating ticks + 0.5 rounds to nearest without a libm call.
  return Duration(static_cast<Ticks>(ticks + 0.5));
}

inline constexpr double seconds_from_ticks(Duration duration) noexcept {
  return static_cast<double>(duration.ticks()) / static_cast<double>(kTicksPerSecond);
}
// An instant in seconds since the horizon's start.
inline constexpr double seconds_from_ticks(Time time) noexcept { return seconds_from_ticks(time.since_start()); }

}  // namespace capsim::sim
