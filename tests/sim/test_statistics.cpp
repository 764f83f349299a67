#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/random.h"
#include "sim/statistics.h"
#include "sim/summary.h"

using namespace capsim::sim;

TEST_CASE("a mean of whole ticks is exact and merges exactly") {
  // Waits of up to ten hours in microsecond ticks: the plain sum stays a whole number.
  RandomStream rng(3);
  Mean all, left, right;
  std::int64_t exact_sum = 0;
  constexpr int kCount = 100000;
  for (int i = 0; i < kCount; ++i) {
    const auto ticks = static_cast<std::int64_t>(rng() % 36'000'000'000ULL);
    exact_sum += ticks;
    all.add(static_cast<double>(ticks));
    (i < 40000 ? left : right).add(static_cast<double>(ticks));
  }
  CHECK(all.count() == kCount);
  CHECK(all.sum() == static_cast<double>(exact_sum));
  CHECK(all.mean() == static_cast<double>(exact_sum) / kCount);
  left.merge(right);
  CHECK(left.count() == kCount);
  CHECK(left.sum() == all.sum());
}

TEST_CASE("an empty accumulator reports NaN, not zero") {
  Mean s;
  CHECK(std::isnan(s.mean()));
  CHECK(std::isnan(Histogram().quantile(0.5)));
}

TEST_CASE("a count area is the integral of the count, equal to the time-weighted level") {
  // A queue whose customers enter and leave at random whole ticks: both accumulators give
  // the same area at every instant, exactly.
  RandomStream rng(11);
  CountArea queue;
  TimeWeighted level;
  std::vector<Time> inside;
  Time now{};
  for (int step = 0; step < 20000; ++step) {
    now += capsim::sim::Duration(static_cast<capsim::sim::Ticks>(rng() % 1000));
    if (inside.empty() || rng() % 2 == 0) {
      queue.enter(now);
      level.add(now, 1.0);
      inside.push_back(now);
    } else {
      queue.leave(now);
      level.add(now, -1.0);
      inside.pop_back();
    }
    if (step % 997 == 0) {
      level.advance(now + capsim::sim::Duration(5));
      CHECK(queue.area(now + capsim::sim::Duration(5)) == level.area());
    }
  }
  CHECK(queue.count() == static_cast<std::int64_t>(inside.size()));
  // By hand: one item from 10 to 30 and one from 20 to 50 cover 20 + 30 item-ticks.
  CountArea two;
  two.enter(Time{10});
  two.enter(Time{20});
  two.leave(Time{30});
  CHECK(two.area(Time{40}) == 20 + 20);
  two.leave(Time{50});
  CHECK(two.area(Time{60}) == 20 + 30);
}

TEST_CASE("time-weighted level integrates a step function") {
  TimeWeighted level;
  level.set(Time{0}, 2);
  level.set(Time{10}, 5);
  level.add(Time{20}, -1);
  level.advance(Time{30});
  CHECK(level.area() == 2 * 10 + 5 * 10 + 4 * 10);
}

TEST_CASE("histogram is exact below 128 ticks and within 1.6% above") {
  Histogram h;
  for (int v = 0; v < 100; ++v) h.add(v);
  CHECK(h.quantile(0.5) == 49);
  CHECK(h.quantile(1.0) == 99);
  RandomStream rng(5);
  Histogram wide;
  std::vector<capsim::sim::Ticks> values;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<capsim::sim::Ticks>(std::exp(rng.uniform01() * 30));
    values.push_back(v);
    wide.add(v);
  }
  std::sort(values.begin(), values.end());
  for (const double q : {0.1, 0.5, 0.9, 0.99}) {
    const double exact = static_cast<double>(values[static_cast<std::size_t>(std::ceil(q * values.size())) - 1]);
    CHECK(std::abs(wide.quantile(q) - exact) <= 0.016 * exact + 1);
  }
  for (int b = 0; b < Histogram::kBuckets - 1; ++b)
    REQUIRE(Histogram::bucket_lower(b) + Histogram::bucket_width(b) == Histogram::bucket_lower(b + 1));
  CHECK(Histogram::bucket_of(static_cast<capsim::sim::Ticks>(Histogram::bucket_lower(500))) == 500);
}

TEST_CASE("histogram quantiles in one pass equal those taken one by one; merging histograms of any extent adds them") {
  RandomStream rng(11);
  Histogram small, large, both;
  for (int i = 0; i < 5000; ++i) {
    const auto short_wait = static_cast<capsim::sim::Ticks>(rng.uniform01() * 200);  // linear buckets only
    const auto long_wait = static_cast<capsim::sim::Ticks>(std::exp(rng.uniform01() * 25) + 1000);  // far up the range
    small.add(short_wait);
    large.add(long_wait);
    both.add(short_wait);
    both.add(long_wait);
  }
  const std::vector<double> levels{0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0};
  std::vector<double> together(levels.size());
  both.quantiles(levels, together);
  for (std::size_t i = 0; i < levels.size(); ++i) CHECK(together[i] == both.quantile(levels[i]));
  Histogram merged = small;
  merged.merge(large);  // grows to the larger extent
  CHECK(merged.count() == both.count());
  for (const double q : levels) CHECK(merged.quantile(q) == both.quantile(q));
  Histogram other = large;
  other.merge(small);  // the smaller extent into the larger
  for (const double q : levels) CHECK(other.quantile(q) == both.quantile(q));
}

TEST_CASE("summary gives a Student-t interval and order statistics") {
  const std::vector<double> xs{1, 2, 3, 4, 5};
  const Summary s = summarize(xs);
  CHECK(s.n == 5);
  CHECK(s.mean == 3);
  CHECK(s.sd == doctest::Approx(std::sqrt(2.5)));
  // t(0.975, 4) = 2.7764451
  CHECK(s.ci_high - s.mean == doctest::Approx(2.7764451 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-6));
  CHECK(s.p50 == 3);
  CHECK(s.p5 == doctest::Approx(1.2));
  CHECK(s.min == 1);
  CHECK(s.max == 5);
}

TEST_CASE("summary leaves NaN values out and says how many it used") {
  const double nan = std::nan("");
  const std::vector<double> xs{nan, 4, nan, 6};
  const Summary s = summarize(xs);
  CHECK(s.n == 2);
  CHECK(s.mean == 5);
  CHECK(std::isnan(summarize(std::vector<double>{nan}).mean));
  CHECK(std::isnan(summarize(std::vector<double>{7}).sd));
}

TEST_CASE("Clopper-Pearson intervals match published values") {
  // 0 of 10: [0, 0.3085]; 5 of 10: [0.1871, 0.8129]; 10 of 10: [0.6915, 1] (exact binomial).
  const auto none = capsim::sim::clopper_pearson(0, 10);
  CHECK(none.low == 0.0);
  CHECK(none.high == doctest::Approx(0.30850).epsilon(1e-4));
  const auto half = capsim::sim::clopper_pearson(5, 10);
  CHECK(half.low == doctest::Approx(0.18709).epsilon(1e-4));
  CHECK(half.high == doctest::Approx(0.81291).epsilon(1e-4));
  const auto all = capsim::sim::clopper_pearson(10, 10);
  CHECK(all.low == doctest::Approx(0.69150).epsilon(1e-4));
  CHECK(all.high == 1.0);
  const auto empty = capsim::sim::clopper_pearson(0, 0);
  CHECK(empty.low == 0.0);
  CHECK(empty.high == 1.0);
}

TEST_CASE("a summary clipped to a domain keeps its values inside it") {
  capsim::sim::Summary s = capsim::sim::summarize(std::vector<double>{0.98, 1.0, 1.0, 0.99});
  CHECK(s.ci_high > 1.0);
  capsim::sim::clip_to_domain(s, 0.0, 1.0);
  CHECK(s.ci_high == 1.0);
  CHECK(s.mean == doctest::Approx(0.9925));
}
