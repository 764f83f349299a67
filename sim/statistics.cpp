#include "sim/statistics.h"

#include <cmath>

namespace capsim::sim {

void RunningStats::merge(const RunningStats& other) noexcept {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double n_a = static_cast<double>(count_);
  const double n_b = static_cast<double>(other.count_);
  const double n = n_a + n_b;
  const double delta = other.mean_ - mean_;
  mean_ += delta * n_b / n;
  m2_ += other.m2_ + delta * delta * n_a * n_b / n;
  count_ += other.count_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

double RunningStats::variance() const noexcept {
  return count_ > 1 ? m2_ / static_cast<double>(count_ - 1)
                    : std::numeric_limits<double>::quiet_NaN();
}

void Histogram::merge(const Histogram& other) noexcept {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
}

double Histogram::bucket_lower(int bucket) noexcept {
  if (bucket < kLinearBuckets) return bucket;
  const int octave = 7 + (bucket - kLinearBuckets) / (1 << kSubBits);
  const int sub = (bucket - kLinearBuckets) % (1 << kSubBits);
  return std::ldexp(1.0, octave) + sub * std::ldexp(1.0, octave - kSubBits);
}

double Histogram::bucket_width(int bucket) noexcept {
  if (bucket < kLinearBuckets) return 1.0;
  const int octave = 7 + (bucket - kLinearBuckets) / (1 << kSubBits);
  return std::ldexp(1.0, octave - kSubBits);
}

double Histogram::quantile(double q) const noexcept {
  if (total_ == 0) return std::numeric_limits<double>::quiet_NaN();
  q = q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
  // Nearest rank: the smallest value with at least ceil(q n) observations at or below it.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_)));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    if (counts_[b] == 0) continue;
    if (seen + counts_[b] >= rank) {
      if (b < kLinearBuckets) return b;  // exact
      const double within = static_cast<double>(rank - seen) / static_cast<double>(counts_[b]);
      return bucket_lower(b) + within * bucket_width(b);
    }
    seen += counts_[b];
  }
  return bucket_lower(kBuckets - 1);
}

}  // namespace capsim::sim
