// Instants and durations: what compiles, what does not, and that the arithmetic is the
// int64 tick arithmetic it replaces.
#include <doctest/doctest.h>

#include <cstdint>
#include <type_traits>

#include "sim/time.h"

using capsim::sim::Duration;
using capsim::sim::Ticks;
using capsim::sim::Time;

namespace {
template <class A, class B>
concept Addable = requires(A a, B b) {
  a + b;
};
template <class A, class B>
concept Subtractable = requires(A a, B b) {
  a - b;
};
template <class A, class B>
concept Comparable = requires(A a, B b) {
  a < b;
};
}  // namespace

// Mixing them up does not compile.
static_assert(Addable<Time, Duration> && Addable<Duration, Time> && Addable<Duration, Duration>);
static_assert(!Addable<Time, Time>, "two instants do not add");
static_assert(!Addable<Time, Ticks> && !Addable<Duration, Ticks>, "a bare number has no unit");
static_assert(std::is_same_v<decltype(Time{} - Time{}), Duration>);
static_assert(std::is_same_v<decltype(Time{} - Duration{}), Time>);
static_assert(!Subtractable<Duration, Time>, "a duration less an instant means nothing");
static_assert(!Comparable<Time, Duration> && !Comparable<Time, Ticks>);
static_assert(!std::is_convertible_v<Ticks, Time> && !std::is_convertible_v<Ticks, Duration>);
static_assert(!std::is_convertible_v<Duration, Time> && !std::is_convertible_v<Time, Duration>);
// One int64, trivially copied: what the event record and the hot path hold.
static_assert(sizeof(Time) == sizeof(Ticks) && sizeof(Duration) == sizeof(Ticks));
static_assert(std::is_trivially_copyable_v<Time> && std::is_trivially_copyable_v<Duration>);

TEST_CASE("instant and duration arithmetic is exact tick arithmetic") {
  const Time arrival{1'500'000};
  const Duration patience = capsim::sim::ticks_from_seconds(2.5);
  CHECK(patience.ticks() == 2'500'000);
  CHECK((arrival + patience).ticks() == 4'000'000);
  CHECK((arrival + patience) - arrival == patience);
  CHECK(Time{-5} < capsim::sim::kStart);  // before the horizon: a night shift's start
  CHECK(Duration(7'000'000) / Duration(2'000'000) == 3);
  CHECK(Duration(7'000'000) % Duration(2'000'000) == Duration(1'000'000));
  CHECK((Duration(3) * 4).ticks() == 12);
  CHECK((-Duration(3)).ticks() == -3);
  CHECK(capsim::sim::seconds_from_ticks(Time{2'000'000}) == 2.0);
  CHECK(capsim::sim::ticks_from_seconds(-1.0) == Duration(0));
  CHECK(capsim::sim::ticks_from_seconds(1e300) == capsim::sim::kDurationMax);
  Time t = capsim::sim::kStart;
  t += Duration(10);
  t -= Duration(3);
  CHECK(t == Time{7});
}
