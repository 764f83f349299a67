#include "sim/statistics.h"

#include <algorithm>
#include <cmath>

namespace capsim::sim {

void RunningStats::merge(const RunningStats& other) noexcept {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  // Re-express the other's deviations about this shift: x - shift_ = d + offset.
  const double offset = other.shift_ - shift_;
  const double n_other = static_cast<double>(other.count_);
  sum_squares_ += other.sum_squares_ + 2.0 * offset * other.sum_ + n_other * offset * offset;
  sum_ += other.sum_ + n_other * offset;
  count_ += other.count_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

double RunningStats::variance() const noexcept {
  if (count_ < 2) return std::numeric_limits<double>::quiet_NaN();
  const double n = static_cast<double>(count_);
  return std::max(0.0, (sum_squares_ - sum_ * sum_ / n) / (n - 1.0));
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
