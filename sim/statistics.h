// Streaming statistics with memory independent of the horizon:
// - Mean: count and sum, for the mean of many observations (what the KPIs report).
// - TimeWeighted: integral of a piecewise-constant level over time.
// - CountArea: the same integral for a count that moves by one (a queue), cheaper.
// - Histogram: log-linear buckets over non-negative ticks (exact below 128 ticks, then 64
//   buckets per octave: relative error under 1.6%), 30 KB, for percentiles.
// None allocates after construction.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sim/assert.h"
#include "sim/time.h"

namespace capsim::sim {

// The KPIs report means of waits and sojourns, never their spread within a replication
// (the spread they report is across replications, sim/summary.h): a count and a plain sum
// is all the hot path pays for. Observations in ticks are whole numbers, so the sum is
// exact up to 2^53 ticks (285 years) in total and correctly rounded beyond.
class Mean {
 public:
  void add(double x) noexcept {
    ++count_;
    sum_ += x;
  }
  void merge(const Mean& other) noexcept {
    count_ += other.count_;
    sum_ += other.sum_;
  }
  std::uint64_t count() const noexcept { return count_; }
  double sum() const noexcept { return sum_; }
  // NaN when empty: a mean of nothing is undefined, not zero.
  double mean() const noexcept {
    return count_ ? sum_ / static_cast<double>(count_) : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
};

class TimeWeighted {
 public:
  // Integrates the current level up to `now`, then takes the new level.
  void set(Time now, double level) noexcept {
    advance(now);
    level_ = level;
  }
  void add(Time now, double delta) noexcept {
    advance(now);
    level_ += delta;
  }
  void advance(Time now) noexcept {
    area_ += level_ * static_cast<double>((now - last_).ticks());
    last_ = now;
  }
  double level() const noexcept { return level_; }
  // Integral in level x ticks up to the last advance.
  double area() const noexcept { return area_; }

 private:
  double level_ = 0.0;
  double area_ = 0.0;
  Time last_{};
};

// The area under a count that items enter and leave one at a time (a queue's length): each
// entry at t subtracts t and each exit at t adds t, so the area up to `now` is that sum plus
// count x now, one add per change where TimeWeighted multiplies and keeps a clock. Times are
// whole ticks (exact in a double up to 2^53); the difference of two areas is what a window
// reports.
class CountArea {
 public:
  void enter(Time now) noexcept {
    ++count_;
    offset_ -= static_cast<double>(now.ticks());
  }
  void leave(Time now) noexcept {
    --count_;
    offset_ += static_cast<double>(now.ticks());
  }
  std::int64_t count() const noexcept { return count_; }
  // Integral of the count over [0, now], in items x ticks; `now` not before the last change.
  double area(Time now) const noexcept {
    return offset_ + static_cast<double>(count_) * static_cast<double>(now.ticks());
  }

 private:
  std::int64_t count_ = 0;
  double offset_ = 0.0;
};

class Histogram {
 public:
  static constexpr int kLinearBuckets = 128;
  static constexpr int kSubBits = 6;  // 64 buckets per octave above the linear range
  static constexpr int kBuckets = kLinearBuckets + (63 - 7) * (1 << kSubBits);

  CAPSIM_INLINE void add(Ticks value) {
    const auto bucket = static_cast<std::size_t>(bucket_of(value < 0 ? 0 : value));
    if (bucket >= counts_.size()) grow(bucket);
    ++counts_[bucket];
    ++groups_[bucket / kGroup];
    ++total_;
  }
  void merge(const Histogram& other);
  std::uint64_t count() const noexcept { return total_; }
  std::size_t memory_bytes() const noexcept { return sizeof(*this) + counts_.capacity() * sizeof(std::uint64_t); }
  // Value at quantile q in [0, 1] (nearest rank, interpolated inside its bucket), in ticks.
  // NaN when empty.
  double quantile(double q) const noexcept;
  // Several quantiles in one pass over the buckets; `qs` must be ascending.
  void quantiles(std::span<const double> qs, std::span<double> out) const noexcept;

  static int bucket_of(Ticks value) noexcept {
    const auto v = static_cast<std::uint64_t>(value);
    if (v < kLinearBuckets) return static_cast<int>(v);
    const int octave = std::bit_width(v) - 1;  // >= 7
    const int sub = static_cast<int>((v >> (octave - kSubBits)) & ((1u << kSubBits) - 1));
    return kLinearBuckets + (octave - 7) * (1 << kSubBits) + sub;
  }
  static double bucket_lower(int bucket) noexcept;
  static double bucket_width(int bucket) noexcept;

 private:
  static constexpr int kGroup = 64;  // buckets per group: quantiles find the group first
  static constexpr int kGroups = (kBuckets + kGroup - 1) / kGroup;

  void grow(std::size_t bucket);

  // Buckets up to the highest one used so far (grown by doubling, so a replication
  // reallocates a handful of times at most, then never): memory and scans follow the
  // largest value seen, not the 3,712 buckets of the full range.
  std::vector<std::uint64_t> counts_;
  std::array<std::uint64_t, kGroups> groups_{};
  std::uint64_t total_ = 0;
};

}  // namespace capsim::sim
