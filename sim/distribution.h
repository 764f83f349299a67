// Distribution: one value type for every non-negative random duration the model samples
// (service, patience). Built from (family, mean, cv) or a family's own parameters, checked
// once at construction: the law sampled has exactly the mean and cv asked for, or the
// factory throws. Sampling is a switch over the family (no virtual call, no allocation),
// each family by an exact method chosen for speed: Boost's ziggurats for the exponential
// and the normal, Marsaglia-Tsang for the gamma and Erlang, inversion elsewhere. Units are
// the caller's (capsim uses seconds). Thread-safety: sample() is const and touches only
// the caller's stream.
#pragma once

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/triangle_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capsim::sim {

enum class Family : std::uint8_t {
  exponential,
  deterministic,
  uniform,
  triangular,
  normal,  // truncated at 0; mean and sd are those of the truncated law
  lognormal,
  gamma,
  weibull,
  erlang,
  hyperexponential,  // two exponential phases: balanced means from (mean, cv > 1), or explicit
  empirical,         // resamples a list of observed values with equal weight
};

std::string_view family_name(Family family);
std::optional<Family> family_from_name(std::string_view name);
// The names accepted by family_from_name, for error messages.
std::string family_names();
std::vector<std::string> family_name_list();  // the same, one name each

// Bounds of the (mean, cv) forms that cannot reach every cv.
inline constexpr double kMaxNormalCv = 0.9;  // a normal truncated at 0 never reaches cv 1
inline constexpr int kMaxErlangPhases = 10000;

// A unit exponential by Boost's ziggurat: scaled by a multiply where exponential_distribution
// divides by its rate, a division on every draw's critical path.
template <class Engine>
double unit_exponential(Engine& engine) {
  return boost::random::detail::unit_exponential_distribution<double>()(engine);
}

class Distribution {
 public:
  // Each factory validates its arguments and throws std::invalid_argument with a message
  // naming the parameter and what was expected.
  static Distribution exponential(double mean);
  static Distribution deterministic(double value);
  static Distribution uniform(double min, double max);
  static Distribution triangular(double min, double mode, double max);
  // The normal truncated at 0 whose own mean and sd are these (cv = sd / mean at most
  // kMaxNormalCv): the parent's parameters are solved for, so truncation never shifts the mean.
  static Distribution normal(double mean, double sd);
  static Distribution lognormal(double mean, double cv);
  static Distribution gamma(double mean, double cv);
  static Distribution weibull(double mean, double cv);
  static Distribution erlang(int k, double mean);
  // Erlang with k = 1 / cv^2 phases; throws unless that is a whole number (within 0.01%).
  static Distribution erlang_with_cv(double mean, double cv);
  static Distribution hyperexponential(double mean, double cv);
  // Phase 1 with probability p and mean mean1, else phase 2 with mean mean2.
  static Distribution hyperexponential(double p, double mean1, double mean2);
  static Distribution empirical(std::vector<double> values);

  Distribution() : Distribution(deterministic(0.0)) {}

  Family family() const noexcept { return family_; }
  // Moments of the distribution as sampled (the normal's are those of the truncated law).
  double mean() const noexcept { return mean_; }
  double variance() const noexcept { return variance_; }
  double cv() const noexcept;
  std::string describe() const;

  // The exponential, by far the commonest family, is tested first so that the call inlines
  // into the event handlers; the others go through the out-of-line switch.
  template <class Engine>
  double sample(Engine& engine) const {
    if (family_ == Family::exponential) [[likely]]
      return unit_exponential(engine) * mean_;
    return sample_other(engine);
  }

 private:
  template <class Engine>
  double sample_other(Engine& engine) const {
    switch (family_) {
      case Family::exponential: return unit_exponential(engine) * mean_;
      case Family::deterministic: return p0_;
      case Family::uniform: return uniform_(engine);
      case Family::triangular: {
        auto local = triangle_;  // Boost's operator() is non-const; the copy is a few doubles
        return local(engine);
      }
      case Family::normal: return sample_truncated_normal(engine);
      case Family::lognormal: {
        auto local = lognormal_;
        return local(engine);
      }
      case Family::gamma:
      case Family::erlang: return sample_gamma(engine);
      case Family::weibull: {
        // scale * E^(1/shape) for a unit exponential E: exp and log instead of Boost's pow.
        return weibull_scale_ * std::exp(std::log(unit_exponential(engine)) * weibull_inv_shape_);
      }
      case Family::hyperexponential: {
        const double u = uniform01_(engine);
        return unit_exponential(engine) * (u < p0_ ? p1_ : p2_);
      }
      case Family::empirical: return values_[index_(engine)];
    }
    return 0.0;
  }

  // Normal truncated below at 0: the parent is N(p0_, p1_), truncated at the standardised
  // point p2_ = -p0_ / p1_. Plain rejection while p2_ <= 0 (acceptance at least 1/2); above,
  // Robert's exponential proposal (Statistics and Computing 5, 1995), whose acceptance
  // stays high however far out the truncation is.
  template <class Engine>
  double sample_truncated_normal(Engine& engine) const {
    if (p2_ <= 0.0) {
      for (;;) {
        auto local = unit_normal_;
        const double x = p0_ + p1_ * local(engine);
        if (x >= 0.0) return x;
      }
    }
    for (;;) {
      const double z = p2_ + unit_exponential(engine) / robert_alpha_;
      const double excess = z - robert_alpha_;
      if (uniform01_(engine) <= std::exp(-0.5 * excess * excess)) return p0_ + p1_ * z;
    }
  }

  // Marsaglia & Tsang, "A simple method for generating gamma variables" (ACM TOMS 26, 2000),
  // with the shape < 1 boost gamma(a) = gamma(a + 1) * U^(1/a) from the same paper.
  template <class Engine>
  double sample_gamma(Engine& engine) const {
    for (;;) {
      double x, v;
      do {
        auto local = unit_normal_;
        x = local(engine);
        v = 1.0 + gamma_c_ * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform01_(engine);
      const double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2 || std::log(u) < 0.5 * x2 + gamma_d_ * (1.0 - v + std::log(v))) {
        const double g = gamma_d_ * v * gamma_scale_;
        if (gamma_boost_ == 0.0) return g;
        return g * std::pow(1.0 - uniform01_(engine), gamma_boost_);  // 1 - U is in (0, 1]
      }
    }
  }

  void set_gamma(double shape, double scale);

  explicit Distribution(Family family) : family_(family) {}

  Family family_;
  double mean_ = 0.0;
  double variance_ = 0.0;
  // Family-specific scalars: deterministic value; hyperexponential p, mean1, mean2; the
  // truncated normal's parent mean, sd and standardised truncation point.
  double p0_ = 0.0, p1_ = 0.0, p2_ = 0.0;
  double robert_alpha_ = 0.0;
  // Marsaglia-Tsang: d = a' - 1/3, c = 1 / sqrt(9 d) for a' = max(shape, shape + 1); boost
  // = 1 / shape when shape < 1, else 0.
  double gamma_d_ = 0.0, gamma_c_ = 0.0, gamma_scale_ = 1.0, gamma_boost_ = 0.0;
  boost::random::uniform_real_distribution<double> uniform_{0.0, 1.0};
  boost::random::uniform_real_distribution<double> uniform01_{0.0, 1.0};
  boost::random::triangle_distribution<double> triangle_{0.0, 0.5, 1.0};
  boost::random::normal_distribution<double> unit_normal_{0.0, 1.0};
  boost::random::lognormal_distribution<double> lognormal_{0.0, 1.0};
  double weibull_scale_ = 1.0, weibull_inv_shape_ = 1.0;
  boost::random::uniform_int_distribution<std::size_t> index_{0, 0};
  std::vector<double> values_;
};

}  // namespace capsim::sim
