#include "sim/summary.h"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/assert.h"

namespace capsim::sim {

double student_t_critical(double confidence, std::size_t dof) {
  const boost::math::students_t dist(static_cast<double>(dof));
  return boost::math::quantile(boost::math::complement(dist, (1.0 - confidence) / 2.0));
}

double sorted_quantile(std::span<const double> sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

Summary summarize(std::span<const double> values) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> finite;
  finite.reserve(values.size());
  for (const double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  Summary s;
  s.n = finite.size();
  if (finite.empty()) {
    s.mean = s.sd = s.ci_low = s.ci_high = s.p5 = s.p50 = s.p95 = s.min = s.max = kNaN;
    return s;
  }
  double sum = 0.0;
  for (const double v : finite) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n > 1) {
    double squares = 0.0;
    for (const double v : finite) squares += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(squares / static_cast<double>(s.n - 1));
    const double half = student_t_critical(0.95, s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
    s.ci_low = s.mean - half;
    s.ci_high = s.mean + half;
  } else {
    s.sd = s.ci_low = s.ci_high = kNaN;  // one replication says nothing about spread
  }
  // Order statistics by selection (linear time), not a full sort: the same values as
  // sorted_quantile, which interpolates between the order statistics at floor and floor + 1.
  const auto [lowest, highest] = std::minmax_element(finite.begin(), finite.end());
  s.min = *lowest;
  s.max = *highest;
  const auto quantile = [&finite](double q) {
    const double position = q * static_cast<double>(finite.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    std::nth_element(finite.begin(), finite.begin() + static_cast<std::ptrdiff_t>(below), finite.end());
    const double at = finite[below];
    if (below + 1 >= finite.size()) return at;
    const double next = *std::min_element(finite.begin() + static_cast<std::ptrdiff_t>(below) + 1, finite.end());
    return at + (position - static_cast<double>(below)) * (next - at);
  };
  s.p5 = quantile(0.05);
  s.p50 = quantile(0.50);
  s.p95 = quantile(0.95);
  return s;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void finish_difference(Difference& d, double base_mean) {
  d.relative = base_mean != 0.0 && std::isfinite(base_mean) ? d.mean / std::abs(base_mean) : kNaN;
  d.significant = std::isfinite(d.ci_low) && (d.ci_low > 0.0 || d.ci_high < 0.0);
}

}  // namespace

Difference paired_difference(std::span<const double> base, std::span<const double> variant, double confidence) {
  std::vector<double> differences;
  double base_sum = 0.0;
  for (std::size_t r = 0; r < std::min(base.size(), variant.size()); ++r) {
    if (!std::isfinite(base[r]) || !std::isfinite(variant[r])) continue;
    differences.push_back(variant[r] - base[r]);
    base_sum += base[r];
  }
  const Summary s = summarize(differences);
  Difference d;
  d.n = s.n;
  d.mean = s.mean;
  d.sd = s.sd;
  if (d.n > 1) {
    const double half = student_t_critical(confidence, d.n - 1) * d.sd / std::sqrt(static_cast<double>(d.n));
    d.ci_low = d.mean - half;
    d.ci_high = d.mean + half;
  } else {
    d.ci_low = d.ci_high = kNaN;
  }
  finish_difference(d, d.n > 0 ? base_sum / static_cast<double>(d.n) : kNaN);
  return d;
}

Difference welch_difference(std::span<const double> base, std::span<const double> variant) {
  return welch_difference(summarize(base), summarize(variant), 0.95);
}

Difference welch_difference(const Summary& a, const Summary& b, double confidence) {
  Difference d;
  d.paired = false;
  d.n = std::min(a.n, b.n);
  if (a.n == 0 || b.n == 0) {
    d.mean = d.sd = d.ci_low = d.ci_high = d.relative = kNaN;
    return d;
  }
  d.mean = b.mean - a.mean;
  if (a.n > 1 && b.n > 1) {
    const double va = a.sd * a.sd / static_cast<double>(a.n), vb = b.sd * b.sd / static_cast<double>(b.n);
    const double se = std::sqrt(va + vb);
    d.sd = se;
    if (se > 0.0) {
      const double dof =
          (va + vb) * (va + vb) / (va * va / static_cast<double>(a.n - 1) + vb * vb / static_cast<double>(b.n - 1));
      const double half = student_t_critical(confidence, static_cast<std::size_t>(std::max(1.0, std::floor(dof)))) * se;
      d.ci_low = d.mean - half;
      d.ci_high = d.mean + half;
    } else {
      d.ci_low = d.ci_high = d.mean;
    }
  } else {
    d.sd = d.ci_low = d.ci_high = kNaN;
  }
  finish_difference(d, a.mean);
  return d;
}

ProportionInterval clopper_pearson(std::size_t events, std::size_t trials, double confidence) {
  ProportionInterval interval;
  if (trials == 0) return interval;
  const double alpha = 1.0 - confidence;
  const auto k = static_cast<double>(events), n = static_cast<double>(trials);
  // Bounds are Beta quantiles (Clopper & Pearson, Biometrika 26, 1934).
  interval.low =
      events == 0 ? 0.0 : boost::math::quantile(boost::math::beta_distribution<double>(k, n - k + 1), alpha / 2);
  interval.high = events == trials
                      ? 1.0
                      : boost::math::quantile(boost::math::beta_distribution<double>(k + 1, n - k), 1.0 - alpha / 2);
  return interval;
}

void clip_to_domain(Summary& summary, double low, double high) {
  // A Student-t interval may leave the domain: clipped, as documented.
  for (double* x : {&summary.ci_low, &summary.ci_high})
    if (std::isfinite(*x)) *x = std::clamp(*x, low, high);
  // The values themselves (mean, percentiles, range) can leave it only by rounding (a ratio
  // of two time areas a few ulps above 1), or by a bug, which a checks build reports instead
  // of hiding.
  for (double* x : {&summary.mean, &summary.p5, &summary.p50, &summary.p95, &summary.min, &summary.max}) {
    if (!std::isfinite(*x)) continue;
    [[maybe_unused]] const double slack = 1e-9 * std::max(1.0, std::abs(*x));
    CAPSIM_ASSERT(*x >= low - slack && *x <= high + slack, "a KPI value " + std::to_string(*x) +
                                                               " outside its domain [" + std::to_string(low) + ", " +
                                                               std::to_string(high) + "]");
    *x = std::clamp(*x, low, high);
  }
}

}  // namespace capsim::sim
