#include <doctest/doctest.h>

#include <cmath>

#include "models/queueing_theory.h"

using namespace capsim::model;

namespace {

// Erlang C by its textbook sum, an independent oracle for the recursive implementation.
double erlang_c_by_sum(int c, double a) {
  double sum = 0.0, term = 1.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);  // a^c / c! * c / (c - a)
  return top / (sum + top);
}

}  // namespace

TEST_CASE("Erlang B and C agree with the textbook sums") {
  for (const auto& [c, a] : {std::pair{1, 0.5}, {5, 3.0}, {10, 8.0}, {20, 18.0}, {50, 45.0}}) {
    CHECK(erlang_c(c, a) == doctest::Approx(erlang_c_by_sum(c, a)).epsilon(1e-10));
    // B from C: B = C (1 - rho) / (1 - rho C)
    const double rho = a / c, cc = erlang_c(c, a);
    CHECK(erlang_b(c, a) == doctest::Approx(cc * (1 - rho) / (1 - rho * cc)).epsilon(1e-10));
  }
  CHECK(erlang_b(0, 3.0) == 1.0);
  CHECK(erlang_c(10, 10.0) == 1.0);
}

TEST_CASE("the birth-death solver reproduces Erlang C without abandonment") {
  const double lambda = 0.3, mu = 1.0 / 60;
  const auto c = erlang_c_metrics(20, lambda, mu, 20);
  const auto bd = mmck_abandonment(20, lambda, mu, 0.0, std::nullopt, 20);
  CHECK(bd.p_wait == doctest::Approx(c.p_wait).epsilon(1e-9));
  CHECK(bd.asa == doctest::Approx(c.asa).epsilon(1e-7));  // no abandonment: everyone is answered
  CHECK(bd.service_level == doctest::Approx(c.service_level).epsilon(1e-7));
  CHECK(bd.occupancy == doctest::Approx(0.9).epsilon(1e-9));
  CHECK(bd.p_abandon == doctest::Approx(0.0).epsilon(1e-12));
}

TEST_CASE("M/M/c/c blocking from the birth-death solver is Erlang B") {
  const auto bd = mmck_abandonment(5, 1.0 / 60, 1.0 / 300, 0.0, 0, 0);
  CHECK(bd.p_block == doctest::Approx(erlang_b(5, 5.0)).epsilon(1e-10));
}

TEST_CASE("Erlang A tends to Erlang C as patience grows and conserves customers") {
  const double lambda = 0.3, mu = 1.0 / 60;
  const auto c = erlang_c_metrics(20, lambda, mu, 20);
  const auto a = mmck_abandonment(20, lambda, mu, 1e-9, std::nullopt, 20);
  CHECK(a.p_wait == doctest::Approx(c.p_wait).epsilon(1e-5));
  CHECK(a.asa == doctest::Approx(c.asa).epsilon(1e-4));
  const auto impatient = mmck_abandonment(20, lambda, mu, 1.0 / 120, std::nullopt, 20);
  // Abandonment equals theta * Lq / lambda (rate balance).
  CHECK(impatient.p_abandon == doctest::Approx(impatient.mean_queue / 120 / lambda).epsilon(1e-9));
  // Answered = served: throughput = busy agents * mu.
  CHECK((1 - impatient.p_abandon) * lambda == doctest::Approx(impatient.occupancy * 20 * mu).epsilon(1e-9));
  CHECK(impatient.service_level < 1.0);
  CHECK(impatient.service_level > c.service_level);
}

TEST_CASE("the fewest agents for a target reach it and one fewer does not") {
  const double lambda = 0.3, mu = 1.0 / 60;
  const auto n = agents_for_service_level(lambda, mu, 20, 0.8, 0.0);
  REQUIRE(n.has_value());
  CHECK(erlang_c_metrics(*n, lambda, mu, 20).service_level >= 0.8);
  CHECK(erlang_c_metrics(*n - 1, lambda, mu, 20).service_level < 0.8);
  const auto b = agents_for_blocking(5.0, 0.01);
  REQUIRE(b.has_value());
  CHECK(erlang_b(*b, 5.0) <= 0.01);
  CHECK(erlang_b(*b - 1, 5.0) > 0.01);
}

TEST_CASE("Pollaczek-Khinchine reduces to M/M/1 and Cobham to P-K for one class") {
  const double lambda = 0.8 / 60, s = 60;
  CHECK(mg1_mean_wait(lambda, s, s * s) == doctest::Approx(0.8 / (1.0 / 60 - lambda)));
  const auto waits = priority_mg1_mean_waits({lambda}, {s}, {s * s});
  CHECK(waits[0] == doctest::Approx(mg1_mean_wait(lambda, s, s * s)));
  // Conservation (Kleinrock): the load-weighted mean wait of the priority classes equals FCFS.
  const auto two = priority_mg1_mean_waits({0.3 / 60, 0.5 / 60}, {s, s}, {s * s, s * s});
  CHECK((0.3 * two[0] + 0.5 * two[1]) / 0.8 == doctest::Approx(mg1_mean_wait(lambda, s, s * s)));
}

TEST_CASE("Erlang A's service level tends to Erlang C's as patience grows, and is exact at any size") {
  const auto c = erlang_c_metrics(20, 0.3, 1.0 / 60, 20);
  const auto a = mmck_abandonment(20, 0.3, 1.0 / 60, 1.0 / (1e4 * 3600), std::nullopt, 20);
  CHECK(a.service_level == doctest::Approx(c.service_level).epsilon(1e-5));
  CHECK(a.p_wait == doctest::Approx(c.p_wait).epsilon(1e-5));
  // Immediate abandonment: only those answered at once count, and every waiter abandons.
  const auto impatient = mmck_abandonment(20, 0.3, 1.0 / 60, 1e9, std::nullopt, 20);
  CHECK(impatient.service_level == doctest::Approx(1.0 - impatient.p_abandon).epsilon(1e-9));
  CHECK(impatient.p_abandon == doctest::Approx(erlang_b(20, 18.0)).epsilon(1e-6));
}

TEST_CASE("the staffing search returns the fewest agents that reach the target") {
  for (const double patience : {0.0, 1.0 / 120}) {
    for (const auto& point : {std::pair{0.3, 0.8}, {5.0, 0.9}, {83.3, 0.8}}) {
      const double rate = point.first, target = point.second;  // clang 14 captures no structured binding
      INFO("rate " << rate << " target " << target << " theta " << patience);
      const auto level = [&](int n) {
        return patience > 0 ? mmck_abandonment(n, rate, 1.0 / 60, patience, std::nullopt, 20).service_level
                            : erlang_c_metrics(n, rate, 1.0 / 60, 20).service_level;
      };
      const auto n = agents_for_service_level(rate, 1.0 / 60, 20, target, patience);
      REQUIRE(n.has_value());
      CHECK(level(*n) >= target);
      CHECK(level(*n - 1) < target);
    }
  }
  CHECK_FALSE(agents_for_service_level(3000, 1.0 / 60, 20, 0.8, 0.0).has_value());  // 180,000 erlangs
}
