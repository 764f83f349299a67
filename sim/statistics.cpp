#include "sim/statistics.h"

#include <algorithm>
#include <cmath>

namespace capsim::sim {

void Histogram::grow(std::size_t bucket) {
  counts_.resize(std::min<std::size_t>(kBuckets, std::max(bucket + 1, 2 * counts_.size())), 0);
}

void Histogram::merge(const Histogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  for (int g = 0; g < kGroups; ++g) groups_[g] += other.groups_[g];
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
  double value = std::numeric_limits<double>::quiet_NaN();
  quantiles({&q, 1}, {&value, 1});
  return value;
}

void Histogram::quantiles(std::span<const double> qs, std::span<double> out) const noexcept {
  std::size_t next = 0;
  if (total_ == 0) {
    for (; next < qs.size(); ++next) out[next] = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  // Nearest rank: the smallest value with at least ceil(q n) observations at or below it.
  const auto rank_of = [this](double q) {
    q = q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_)));
    return rank == 0 ? std::uint64_t{1} : rank;
  };
  // Skip whole groups of buckets that lie below the next rank, then walk the buckets.
  std::uint64_t seen = 0;
  const int top = static_cast<int>(counts_.size());
  for (int g = 0; g < kGroups && next < qs.size(); ++g) {
    if (seen + groups_[g] < rank_of(qs[next])) {
      seen += groups_[g];
      continue;
    }
    for (int b = g * kGroup; b < std::min(top, (g + 1) * kGroup) && next < qs.size(); ++b) {
      if (counts_[b] == 0) continue;
      for (std::uint64_t rank; next < qs.size() && seen + counts_[b] >= (rank = rank_of(qs[next])); ++next) {
        if (b < kLinearBuckets) {
          out[next] = b;  // exact
        } else {
          const double within = static_cast<double>(rank - seen) / static_cast<double>(counts_[b]);
          out[next] = bucket_lower(b) + within * bucket_width(b);
        }
      }
      seen += counts_[b];
    }
  }
  // Unreachable (ranks never exceed the total), kept defined: the top of the range seen.
  for (; next < qs.size(); ++next) out[next] = bucket_lower(top - 1) + bucket_width(top - 1);
}

}  // namespace capsim::sim
