// The speed yardstick must simulate the model it claims to: the hand-written M/M/c(+M)
// loop of bench/baseline_mmc.h is checked against Erlang C and Erlang A, so that the
// engine-versus-baseline comparison in bench/ compares equal work.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "bench/baseline_mmc.h"
#include "models/queueing_theory.h"
#include "sim/summary.h"

namespace {

struct Means {
  capsim::sim::Summary asa, abandon_fraction;
};

// 20 independent runs of 100,000 callers each (time in minutes); the first 1,000 callers'
// start-up bias is small against that and covered by the 99.9% interval.
Means run_baseline(double patience_mean) {
  std::vector<double> asa, abandoned;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    capsim::bench::BaselineMmc baseline(18.0, 1.0, 20, patience_mean, seed);
    const auto result = baseline.run(100'000);
    CHECK(result.arrivals == 100'000);
    CHECK(result.answered + result.abandoned == result.arrivals);
    asa.push_back(result.total_wait / static_cast<double>(result.answered));
    abandoned.push_back(static_cast<double>(result.abandoned) / static_cast<double>(result.arrivals));
  }
  return {capsim::sim::summarize(asa), capsim::sim::summarize(abandoned)};
}

bool inside(const capsim::sim::Summary& s, double theory) {
  const double half = capsim::sim::student_t_critical(0.999, s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
  INFO("simulated " << s.mean << " +- " << half << ", theory " << theory);
  return std::abs(s.mean - theory) <= half;
}

}  // namespace

TEST_CASE("baseline M/M/20 loop matches Erlang C") {
  const Means means = run_baseline(0.0);
  const auto theory = capsim::model::erlang_c_metrics(20, 18.0, 1.0, 1.0 / 3.0);
  CHECK(inside(means.asa, theory.asa));
  CHECK(means.abandon_fraction.max == 0.0);
}

TEST_CASE("baseline M/M/20+M loop matches Erlang A") {
  const Means means = run_baseline(2.0);
  const auto theory = capsim::model::mmck_abandonment(20, 18.0, 1.0, 0.5, std::nullopt, 1.0 / 3.0);
  CHECK(inside(means.asa, theory.asa));
  CHECK(inside(means.abandon_fraction, theory.p_abandon));
}
