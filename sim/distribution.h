// Distribution: one value type for every non-negative random duration the model samples
// (service, patience). Built from (family, mean, cv) or a family's own parameters, checked
// once at construction; sampling is a switch over the family (no virtual call, no
// allocation) using Boost.Random samplers. Units are the caller's (capsim uses seconds).
// Thread-safety: sample() is const and touches only the caller's stream.
#pragma once

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/triangle_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <boost/random/weibull_distribution.hpp>
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
  normal,  // truncated at 0 by rejection
  lognormal,
  gamma,
  weibull,
  erlang,
  hyperexponential,  // two balanced-means phases, cv > 1
  empirical,         // resamples a list of observed values with equal weight
};

std::string_view family_name(Family family);
std::optional<Family> family_from_name(std::string_view name);
// The names accepted by family_from_name, for error messages.
std::string family_names();

class Distribution {
 public:
  // Each factory validates its arguments and throws std::invalid_argument with a message
  // naming the parameter and what was expected.
  static Distribution exponential(double mean);
  static Distribution deterministic(double value);
  static Distribution uniform(double min, double max);
  static Distribution triangular(double min, double mode, double max);
  static Distribution normal(double mean, double sd);
  static Distribution lognormal(double mean, double cv);
  static Distribution gamma(double mean, double cv);
  static Distribution weibull(double mean, double cv);
  static Distribution erlang(int k, double mean);
  static Distribution hyperexponential(double mean, double cv);
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
      return exponential_(engine);
    return sample_other(engine);
  }

 private:
  template <class Engine>
  double sample_other(Engine& engine) const {
    switch (family_) {
      case Family::exponential: return exponential_(engine);
      case Family::deterministic: return p0_;
      case Family::uniform: return uniform_(engine);
      case Family::triangular: {
        auto local = triangle_;  // Boost's operator() is non-const; the copy is a few doubles
        return local(engine);
      }
      case Family::normal: {
        auto local = normal_;
        for (;;) {
          const double x = local(engine);
          if (x >= 0.0) return x;
        }
      }
      case Family::lognormal: {
        auto local = lognormal_;
        return local(engine);
      }
      case Family::gamma:
      case Family::erlang: {
        auto local = gamma_;
        return local(engine);
      }
      case Family::weibull: return weibull_(engine);
      case Family::hyperexponential: {
        const double u = uniform01_(engine);
        return exponential_(engine) * (u < p0_ ? p1_ : p2_);
      }
      case Family::empirical: return values_[index_(engine)];
    }
    return 0.0;
  }

  explicit Distribution(Family family) : family_(family) {}

  Family family_;
  double mean_ = 0.0;
  double variance_ = 0.0;
  // Family-specific scalars: deterministic value; hyperexponential p, mean1, mean2; ...
  double p0_ = 0.0, p1_ = 0.0, p2_ = 0.0;
  boost::random::exponential_distribution<double> exponential_{1.0};
  boost::random::uniform_real_distribution<double> uniform_{0.0, 1.0};
  boost::random::uniform_real_distribution<double> uniform01_{0.0, 1.0};
  boost::random::triangle_distribution<double> triangle_{0.0, 0.5, 1.0};
  boost::random::normal_distribution<double> normal_{0.0, 1.0};
  boost::random::lognormal_distribution<double> lognormal_{0.0, 1.0};
  boost::random::gamma_distribution<double> gamma_{1.0, 1.0};
  boost::random::weibull_distribution<double> weibull_{1.0, 1.0};
  boost::random::uniform_int_distribution<std::size_t> index_{0, 0};
  std::vector<double> values_;
};

}  // namespace capsim::sim
