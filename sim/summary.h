// Summary of one KPI across replications: its distribution (mean, sd, percentiles, range)
// and a Student-t 95% confidence interval for the mean. NaN inputs (a KPI undefined in a
// replication, e.g. a wait mean when nobody was answered) are left out and `n` says how
// many values were used.
#pragma once

#include <cstddef>
#include <limits>
#include <span>

namespace capsim::sim {

struct Summary {
  std::size_t n = 0;
  double mean = 0, sd = 0, ci_low = 0, ci_high = 0;
  double p5 = 0, p50 = 0, p95 = 0, min = 0, max = 0;
  // For a ratio KPI: sum of numerators / sum of denominators over all replications (each
  // replication weighted by its denominator); NaN for other KPIs.
  double pooled = std::numeric_limits<double>::quiet_NaN();
};

Summary summarize(std::span<const double> values);

// Two-sided Student-t quantile for a (1 - alpha) interval with `dof` degrees of freedom.
double student_t_critical(double confidence, std::size_t dof);

// Clopper-Pearson exact interval for a binomial proportion: `events` of `trials`, at the
// given two-sided confidence. {0, 0} ... when trials is 0 the interval is [0, 1].
struct ProportionInterval {
  double low = 0.0, high = 1.0;
};
ProportionInterval clopper_pearson(std::size_t events, std::size_t trials, double confidence = 0.95);

// Clips a summary's statistics (mean, interval, percentiles, range) into [low, high]: a
// Student-t interval of a fraction can otherwise leave [0, 1], or of a count go below 0.
void clip_to_domain(Summary& summary, double low, double high);

// The difference of two means (variant - base) with its 95% confidence interval.
// Paired (common random numbers: replication r of both saw the same streams): the
// Student-t interval of the per-replication differences, pairs with a NaN left out.
// Independent: Welch's interval (unequal variances, Welch-Satterthwaite degrees of freedom).
// `significant` when the interval excludes 0; `relative` = mean / base mean (NaN if 0).
struct Difference {
  std::size_t n = 0;  // pairs, or the smaller sample
  double mean = 0, sd = 0, ci_low = 0, ci_high = 0, relative = 0;
  bool significant = false;
  bool paired = true;
};
Difference paired_difference(std::span<const double> base, std::span<const double> variant, double confidence = 0.95);
Difference welch_difference(std::span<const double> base, std::span<const double> variant);
// Welch's interval from two summaries (mean, sd, n), at any confidence.
Difference welch_difference(const Summary& base, const Summary& variant, double confidence = 0.95);

// Percentile of sorted data, linear interpolation between order statistics (Hyndman-Fan 7).
double sorted_quantile(std::span<const double> sorted, double q);

}  // namespace capsim::sim
