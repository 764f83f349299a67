#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/distribution.h"
#include "sim/random.h"

using capsim::sim::Distribution;
using capsim::sim::Family;

namespace {

// Sample mean and variance of n draws.
std::pair<double, double> moments(const Distribution& d, int n, std::uint64_t seed) {
  capsim::sim::RandomStream stream(seed);
  double sum = 0, squares = 0;
  for (int i = 0; i < n; ++i) {
    const double x = d.sample(stream);
    REQUIRE(x >= 0.0);
    sum += x;
    squares += x * x;
  }
  const double mean = sum / n;
  return {mean, (squares - n * mean * mean) / (n - 1)};
}

void check_moments(const Distribution& d, const std::string& label) {
  INFO(label);
  const int n = 400000;
  const auto [mean, variance] = moments(d, n, 2024);
  // The sample mean's standard error is sd / sqrt(n); 5 standard errors is a false alarm
  // rate under 1e-6. The variance check uses a looser 5% relative tolerance because its
  // standard error depends on the fourth moment (heavy for cv > 1).
  CHECK(std::abs(mean - d.mean()) < 5.0 * std::sqrt(d.variance() / n) + 1e-12);
  CHECK(std::abs(variance - d.variance()) <= 0.05 * d.variance() + 1e-12);
}

}  // namespace

TEST_CASE("every family samples with the mean and variance it declares") {
  check_moments(Distribution::exponential(300), "exponential");
  check_moments(Distribution::uniform(60, 180), "uniform");
  check_moments(Distribution::triangular(30, 60, 240), "triangular");
  check_moments(Distribution::normal(300, 90), "normal");
  check_moments(Distribution::normal(60, 45), "normal truncated at 0, cv 0.75 (rejection from the parent)");
  check_moments(Distribution::normal(60, 54), "normal truncated at 0, cv 0.9 (Robert's proposal)");
  check_moments(Distribution::lognormal(270, 0.9), "lognormal");
  check_moments(Distribution::gamma(600, 1.2), "gamma cv > 1");
  check_moments(Distribution::gamma(600, 0.5), "gamma cv < 1");
  check_moments(Distribution::gamma(600, 2.5), "gamma shape 0.16");
  check_moments(Distribution::gamma(600, 0.05), "gamma shape 400");
  check_moments(Distribution::weibull(150, 1.1), "weibull");
  check_moments(Distribution::weibull(150, 0.4), "weibull cv < 1");
  check_moments(Distribution::erlang(3, 120), "erlang-3");
  check_moments(Distribution::hyperexponential(200, 1.8), "hyperexponential");
  check_moments(Distribution::hyperexponential(0.3, 60, 600), "hyperexponential, explicit phases");
  check_moments(Distribution::empirical({30, 45, 60, 600}), "empirical");
}

TEST_CASE("a (mean, cv) or (mean, sd) request is what is sampled, truncation or not") {
  for (const double cv : {0.1, 0.5, 0.75, 0.85, 0.9}) {
    INFO("normal cv " << cv);
    const auto d = Distribution::normal(60, 60 * cv);
    CHECK(d.mean() == 60);
    CHECK(d.cv() == doctest::Approx(cv));
    check_moments(d, "normal");
  }
  CHECK_THROWS_WITH_AS(Distribution::normal(60, 60),
                       "cv (sd / mean) must be at most 0.9: a normal truncated at 0 cannot reach cv 1; use gamma or "
                       "lognormal",
                       std::invalid_argument);
  const auto erlang = Distribution::erlang_with_cv(120, 0.5);
  CHECK(erlang.family() == Family::erlang);
  CHECK(erlang.cv() == doctest::Approx(0.5));
  check_moments(erlang, "erlang-4 from cv 0.5");
  CHECK(Distribution::erlang_with_cv(120, 0.57735).cv() == doctest::Approx(std::sqrt(1.0 / 3)));
}

TEST_CASE("an erlang cv that is no whole number of phases is refused, not rounded") {
  CHECK_THROWS_WITH_AS(Distribution::erlang_with_cv(60, 1.5),
                       "cv 1.5 gives k = 1/cv^2 = 0.444444 phases; an erlang needs a whole number from 1 to 10000 (cv "
                       "1, 0.707, 0.577, 0.5, ...); use gamma for any cv",
                       std::invalid_argument);
  CHECK_THROWS_AS(Distribution::erlang_with_cv(60, 0.6), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::erlang_with_cv(60, 1e-6), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::erlang(10001, 60), std::invalid_argument);
}

TEST_CASE("declared moments follow the (mean, cv) parameterisation") {
  CHECK(Distribution::lognormal(100, 0.5).cv() == doctest::Approx(0.5));
  CHECK(Distribution::gamma(100, 1.5).cv() == doctest::Approx(1.5));
  CHECK(Distribution::weibull(100, 0.7).cv() == doctest::Approx(0.7).epsilon(1e-6));
  CHECK(Distribution::erlang(4, 100).cv() == doctest::Approx(0.5));
  CHECK(Distribution::hyperexponential(100, 2.0).cv() == doctest::Approx(2.0));
  // p = 0.5 with phase means 50 and 150: mean 100, E[X^2] = 2 (0.5 * 2500 + 0.5 * 22500).
  CHECK(Distribution::hyperexponential(0.5, 50, 150).mean() == doctest::Approx(100));
  CHECK(Distribution::hyperexponential(0.5, 50, 150).variance() == doctest::Approx(25000 - 10000));
  CHECK(Distribution::deterministic(42).mean() == 42);
  CHECK(Distribution::deterministic(42).variance() == 0);
}

TEST_CASE("a deterministic distribution always returns its value") {
  capsim::sim::RandomStream stream(1);
  const auto d = Distribution::deterministic(12.5);
  for (int i = 0; i < 10; ++i) CHECK(d.sample(stream) == 12.5);
}

TEST_CASE("an empirical distribution only returns its observations") {
  capsim::sim::RandomStream stream(1);
  const auto d = Distribution::empirical({1, 2, 3});
  for (int i = 0; i < 100; ++i) {
    const double x = d.sample(stream);
    CHECK((x == 1 || x == 2 || x == 3));
  }
}

TEST_CASE("invalid parameters are refused with a message naming the parameter") {
  CHECK_THROWS_WITH_AS(Distribution::exponential(0), "mean must be positive", std::invalid_argument);
  CHECK_THROWS_WITH_AS(Distribution::hyperexponential(60, 0.8), "cv must be greater than 1", std::invalid_argument);
  CHECK_THROWS_AS(Distribution::uniform(5, 5), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::erlang(0, 5), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::empirical({}), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::gamma(10, -1), std::invalid_argument);
}

TEST_CASE("family names round-trip") {
  for (const auto family :
       {Family::exponential, Family::deterministic, Family::uniform, Family::triangular, Family::normal,
        Family::lognormal, Family::gamma, Family::weibull, Family::erlang, Family::hyperexponential, Family::empirical})
    CHECK(capsim::sim::family_from_name(capsim::sim::family_name(family)) == family);
  CHECK_FALSE(capsim::sim::family_from_name("poisson").has_value());
}
