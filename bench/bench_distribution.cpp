// Sampling cost per family, as the model draws: a fresh Philox block per quantity, its word
// first, then SplitMix64 seeded by it (sim::LeadWordStream), so each figure includes the
// block. `boost_gamma` is Boost's own gamma sampler on the same streams, kept to show why
// capsim samples the gamma itself.
#include <benchmark/benchmark.h>

#include <boost/random/gamma_distribution.hpp>
#include <cstdint>

#include "sim/distribution.h"
#include "sim/random.h"

namespace {

using capsim::sim::Distribution;
using capsim::sim::LeadWordStream;

const capsim::sim::StreamKey kKey = capsim::sim::stream_key(1, 0, "bench");

void sample(benchmark::State& state, const Distribution& d) {
  std::uint64_t subject = 0;
  for (auto _ : state) {
    LeadWordStream stream(capsim::sim::philox_block(kKey, subject++, 0, 1).v[0]);
    benchmark::DoNotOptimize(d.sample(stream));
  }
  state.SetItemsProcessed(state.iterations());
}

void philox_block(benchmark::State& state) {
  std::uint64_t subject = 0;
  for (auto _ : state) benchmark::DoNotOptimize(capsim::sim::philox_block(kKey, subject++, 0, 1));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(philox_block);

void boost_gamma(benchmark::State& state) {
  boost::random::gamma_distribution<double> gamma(0.69, 600 / 0.69);
  std::uint64_t subject = 0;
  for (auto _ : state) {
    LeadWordStream stream(capsim::sim::philox_block(kKey, subject++, 0, 1).v[0]);
    benchmark::DoNotOptimize(gamma(stream));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(boost_gamma);

BENCHMARK_CAPTURE(sample, exponential, Distribution::exponential(300));
BENCHMARK_CAPTURE(sample, uniform, Distribution::uniform(60, 180));
BENCHMARK_CAPTURE(sample, triangular, Distribution::triangular(30, 60, 240));
BENCHMARK_CAPTURE(sample, normal_cv03, Distribution::normal(300, 90));
BENCHMARK_CAPTURE(sample, normal_cv09, Distribution::normal(300, 270));
BENCHMARK_CAPTURE(sample, lognormal, Distribution::lognormal(270, 0.9));
BENCHMARK_CAPTURE(sample, gamma_cv12, Distribution::gamma(600, 1.2));
BENCHMARK_CAPTURE(sample, gamma_cv05, Distribution::gamma(600, 0.5));
BENCHMARK_CAPTURE(sample, weibull, Distribution::weibull(150, 1.1));
BENCHMARK_CAPTURE(sample, erlang3, Distribution::erlang(3, 120));
BENCHMARK_CAPTURE(sample, hyperexponential, Distribution::hyperexponential(200, 1.8));
BENCHMARK_CAPTURE(sample, empirical, Distribution::empirical({30, 45, 60, 600}));

}  // namespace

BENCHMARK_MAIN();
