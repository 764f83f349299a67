#include "sim/distribution.h"

#include <array>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace capsim::sim {
namespace {

constexpr std::array<std::pair<Family, std::string_view>, 11> kFamilyNames{{
    {Family::exponential, "exponential"},
    {Family::deterministic, "deterministic"},
    {Family::uniform, "uniform"},
    {Family::triangular, "triangular"},
    {Family::normal, "normal"},
    {Family::lognormal, "lognormal"},
    {Family::gamma, "gamma"},
    {Family::weibull, "weibull"},
    {Family::erlang, "erlang"},
    {Family::hyperexponential, "hyperexponential"},
    {Family::empirical, "empirical"},
}};

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

void require_positive_mean(double mean) { require(std::isfinite(mean) && mean > 0.0, "mean must be positive"); }

void require_positive_cv(double cv) { require(std::isfinite(cv) && cv > 0.0, "cv must be positive"); }

// Weibull shape k with coefficient of variation cv: cv^2 + 1 = G(1+2/k) / G(1+1/k)^2,
// decreasing in k; solved by bracketing bisection on log k.
double weibull_shape_for_cv(double cv) {
  const auto excess = [cv](double log_k) {
    const double k = std::exp(log_k);
    const double g1 = boost::math::tgamma(1.0 + 1.0 / k);
    const double g2 = boost::math::tgamma(1.0 + 2.0 / k);
    return g2 / (g1 * g1) - 1.0 - cv * cv;
  };
  boost::math::tools::eps_tolerance<double> tolerance(50);
  const auto [lo, hi] = boost::math::tools::bisect(excess, std::log(0.08), std::log(200.0), tolerance);
  return std::exp(0.5 * (lo + hi));
}

// Moments of the standard normal truncated below at a: lambda = phi(a) / (1 - Phi(a)),
// mean = lambda, variance = 1 + a lambda - lambda^2 (Johnson, Kotz & Balakrishnan, ch. 13).
struct TruncatedMoments {
  double mean, variance;
};
TruncatedMoments truncated_standard_normal(double a) {
  const boost::math::normal_distribution<double> unit;
  const double lambda = boost::math::pdf(unit, a) / boost::math::cdf(boost::math::complement(unit, a));
  return {lambda, 1.0 + a * lambda - lambda * lambda};
}

// The cv of N(mu, sigma) truncated at 0 depends only on a = -mu / sigma and rises from 0 to
// 1 with it; bisection finds the a of a requested cv.
double truncation_point_for_cv(double cv) {
  const auto excess = [cv](double a) {
    const auto m = truncated_standard_normal(a);
    return std::sqrt(m.variance) / (m.mean - a) - cv;
  };
  boost::math::tools::eps_tolerance<double> tolerance(50);
  const auto [lo, hi] = boost::math::tools::bisect(excess, -60.0, 3.0, tolerance);
  return 0.5 * (lo + hi);
}

}  // namespace

std::string_view family_name(Family family) {
  for (const auto& [f, name] : kFamilyNames)
    if (f == family) return name;
  return "unknown";
}

std::optional<Family> family_from_name(std::string_view name) {
  for (const auto& [f, n] : kFamilyNames)
    if (n == name) return f;
  return std::nullopt;
}

std::vector<std::string> family_name_list() {
  std::vector<std::string> names;
  for (const auto& [f, name] : kFamilyNames) names.emplace_back(name);
  return names;
}

std::string family_names() {
  std::string names;
  for (const auto& [f, name] : kFamilyNames) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

double Distribution::cv() const noexcept { return mean_ > 0.0 ? std::sqrt(variance_) / mean_ : 0.0; }

std::string Distribution::describe() const {
  std::ostringstream out;
  out << family_name(family_) << "(mean " << mean_ << ", cv " << cv() << ")";
  return out.str();
}

Distribution Distribution::exponential(double mean) {
  require_positive_mean(mean);
  Distribution d(Family::exponential);
  d.mean_ = mean;
  d.variance_ = mean * mean;
  return d;
}

Distribution Distribution::deterministic(double value) {
  require(std::isfinite(value) && value >= 0.0, "value must be zero or positive");
  Distribution d(Family::deterministic);
  d.p0_ = value;
  d.mean_ = value;
  return d;
}

Distribution Distribution::uniform(double min, double max) {
  require(std::isfinite(min) && min >= 0.0, "min must be zero or positive");
  require(std::isfinite(max) && max > min, "max must be greater than min");
  Distribution d(Family::uniform);
  d.uniform_ = boost::random::uniform_real_distribution<double>(min, max);
  d.mean_ = 0.5 * (min + max);
  d.variance_ = (max - min) * (max - min) / 12.0;
  return d;
}

Distribution Distribution::triangular(double min, double mode, double max) {
  require(std::isfinite(min) && min >= 0.0, "min must be zero or positive");
  require(std::isfinite(mode) && mode >= min, "mode must be at least min");
  require(std::isfinite(max) && max >= mode && max > min, "max must be at least mode and above min");
  Distribution d(Family::triangular);
  d.triangle_ = boost::random::triangle_distribution<double>(min, mode, max);
  d.mean_ = (min + mode + max) / 3.0;
  d.variance_ = (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0;
  return d;
}

Distribution Distribution::normal(double mean, double sd) {
  require_positive_mean(mean);
  require(std::isfinite(sd) && sd > 0.0, "sd must be positive");
  require(sd <= kMaxNormalCv * mean,
          "cv (sd / mean) must be at most 0.9: a normal truncated at 0 cannot reach cv 1; use gamma or lognormal");
  Distribution d(Family::normal);
  const double a = truncation_point_for_cv(sd / mean);
  const auto m = truncated_standard_normal(a);
  // The truncated law is mu + sigma * (standard truncated at a), with mu = -a sigma.
  const double sigma = mean / (m.mean - a);
  d.p0_ = -a * sigma;
  d.p1_ = sigma;
  d.p2_ = a;
  d.robert_alpha_ = 0.5 * (a + std::sqrt(a * a + 4.0));
  d.mean_ = mean;
  d.variance_ = sd * sd;
  return d;
}

Distribution Distribution::lognormal(double mean, double cv) {
  require_positive_mean(mean);
  require_positive_cv(cv);
  // As gamma's: beyond it (log-space sd above 3) samples no longer average to the mean in
  // any feasible number of draws (cv 1e300 averaged 0).
  require(cv <= 100.0, "cv must be at most 100");
  Distribution d(Family::lognormal);
  // boost::random::lognormal_distribution takes the log-space (m, s), not the variable's
  // mean and sd (the old boost::lognormal_distribution did): s^2 = ln(1 + cv^2),
  // m = ln(mean) - s^2 / 2.
  const double log_variance = std::log1p(cv * cv);
  d.lognormal_ =
      boost::random::lognormal_distribution<double>(std::log(mean) - 0.5 * log_variance, std::sqrt(log_variance));
  d.mean_ = mean;
  d.variance_ = mean * mean * cv * cv;
  return d;
}

Distribution Distribution::gamma(double mean, double cv) {
  require_positive_mean(mean);
  require_positive_cv(cv);
  require(cv <= 100.0, "cv must be at most 100");
  Distribution d(Family::gamma);
  const double shape = 1.0 / (cv * cv);
  d.set_gamma(shape, mean / shape);
  d.mean_ = mean;
  d.variance_ = mean * mean * cv * cv;
  return d;
}

Distribution Distribution::weibull(double mean, double cv) {
  require_positive_mean(mean);
  require(std::isfinite(cv) && cv >= 0.05 && cv <= 20.0, "cv must be between 0.05 and 20");
  Distribution d(Family::weibull);
  const double shape = weibull_shape_for_cv(cv);
  const double scale = mean / boost::math::tgamma(1.0 + 1.0 / shape);
  d.weibull_scale_ = scale;
  d.weibull_inv_shape_ = 1.0 / shape;
  d.mean_ = mean;
  const double g1 = boost::math::tgamma(1.0 + 1.0 / shape);
  const double g2 = boost::math::tgamma(1.0 + 2.0 / shape);
  d.variance_ = scale * scale * (g2 - g1 * g1);
  return d;
}

void Distribution::set_gamma(double shape, double scale) {
  const double boosted = shape < 1.0 ? shape + 1.0 : shape;
  gamma_d_ = boosted - 1.0 / 3.0;
  gamma_c_ = 1.0 / std::sqrt(9.0 * gamma_d_);
  gamma_scale_ = scale;
  gamma_boost_ = shape < 1.0 ? 1.0 / shape : 0.0;
}

Distribution Distribution::erlang(int k, double mean) {
  require(k >= 1 && k <= kMaxErlangPhases, "k must be a whole number from 1 to 10000");
  require_positive_mean(mean);
  Distribution d(Family::erlang);
  d.set_gamma(static_cast<double>(k), mean / k);
  d.mean_ = mean;
  d.variance_ = mean * mean / k;
  return d;
}

Distribution Distribution::erlang_with_cv(double mean, double cv) {
  require_positive_cv(cv);
  const double phases = 1.0 / (cv * cv);
  const double k = std::round(phases);
  if (!(k >= 1.0 && k <= kMaxErlangPhases && std::abs(phases - k) <= 1e-4 * k)) {
    std::ostringstream message;
    message << "cv " << cv << " gives k = 1/cv^2 = " << phases
            << " phases; an erlang needs a whole number from 1 to 10000 (cv 1, 0.707, 0.577, 0.5, ...); use gamma "
               "for any cv";
    throw std::invalid_argument(message.str());
  }
  return erlang(static_cast<int>(k), mean);
}

Distribution Distribution::hyperexponential(double p, double mean1, double mean2) {
  require(std::isfinite(p) && p > 0.0 && p < 1.0, "p must be between 0 and 1 (exclusive)");
  require(std::isfinite(mean1) && mean1 > 0.0 && std::isfinite(mean2) && mean2 > 0.0, "means must be positive");
  Distribution d(Family::hyperexponential);
  d.p0_ = p;
  d.p1_ = mean1;
  d.p2_ = mean2;
  d.mean_ = p * mean1 + (1.0 - p) * mean2;
  d.variance_ = 2.0 * (p * mean1 * mean1 + (1.0 - p) * mean2 * mean2) - d.mean_ * d.mean_;
  return d;
}

Distribution Distribution::hyperexponential(double mean, double cv) {
  require_positive_mean(mean);
  require(std::isfinite(cv) && cv > 1.0, "cv must be greater than 1");
  Distribution d(Family::hyperexponential);
  // Balanced means (Whitt 1982): p/mu1 = (1-p)/mu2, which fixes both phases from (mean, cv).
  const double c2 = cv * cv;
  const double p = 0.5 * (1.0 + std::sqrt((c2 - 1.0) / (c2 + 1.0)));
  d.p0_ = p;
  d.p1_ = mean / (2.0 * p);          // phase-1 mean
  d.p2_ = mean / (2.0 * (1.0 - p));  // phase-2 mean
  d.mean_ = mean;
  d.variance_ = mean * mean * c2;
  return d;
}

Distribution Distribution::empirical(std::vector<double> values) {
  require(!values.empty(), "values must list at least one observation");
  double sum = 0.0;
  for (const double v : values) {
    require(std::isfinite(v) && v >= 0.0, "values must be zero or positive");
    sum += v;
  }
  Distribution d(Family::empirical);
  const double n = static_cast<double>(values.size());
  d.mean_ = sum / n;
  double squares = 0.0;
  for (const double v : values) squares += (v - d.mean_) * (v - d.mean_);
  d.variance_ = squares / n;  // of the resampling law itself, not an estimate
  d.index_ = boost::random::uniform_int_distribution<std::size_t>(0, values.size() - 1);
  d.values_ = std::move(values);
  return d;
}

}  // namespace capsim::sim
