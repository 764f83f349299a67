// The engine end to end against the hand-written baseline (bench/baseline_mmc.h):
// M/M/c with c = 20, lambda = 18/min, mu = 1/min, 10^6 customers, without and with
// exponential patience (mean 2 min), and one replication of the default scenario.
// Counters: events_per_second counts every event handled (ReplicationResult::events; stale timers
// are work but not events); peak_rss_MB is the process's peak resident set so far
// (engine cases run first so the baseline's buffers do not inflate their reading).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/baseline_mmc.h"
#include "experiment/replication_run.h"
#include "models/compiled_model.h"
#include "models/io/scenario_loader.h"
#include "models/kpi_layout.h"
#include "models/service_system.h"

namespace {

using namespace capsim;

constexpr std::uint64_t kCustomers = 1'000'000;
// 10^6 customers at 18/min arrive in 55,556 minutes.
const std::vector<std::string> kMillionCustomers{"horizon.length=55556min", "horizon.warmup=0s", "replications=1"};

double peak_rss_megabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

model::CompiledModel load(const std::string& relative_path, const std::vector<std::string>& overrides) {
  const std::string path = std::string(CAPSIM_SOURCE_DIR) + "/" + relative_path;
  io::LoadResult loaded = io::load_scenario_file(path, overrides);
  if (!loaded.scenario) throw std::runtime_error("cannot load " + path);
  return model::compile(*loaded.scenario);
}

void run_engine(benchmark::State& state, const model::CompiledModel& compiled) {
  const model::KpiLayout layout(compiled);
  std::uint64_t events = 0;
  for (auto _ : state) {
    const model::ReplicationResult result = model::run_replication(compiled, layout, 0);
    events += result.events;
    benchmark::DoNotOptimize(result.values.data());
  }
  state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
  state.counters["peak_rss_MB"] = peak_rss_megabytes();
}

void BM_EngineMmc(benchmark::State& state) { run_engine(state, load("scenarios/theory/mmc.yaml", kMillionCustomers)); }

void BM_EngineMmcPatience(benchmark::State& state) {
  run_engine(state, load("scenarios/theory/mmc_patience.yaml", kMillionCustomers));
}

void BM_EngineDefaultScenario(benchmark::State& state) {
  run_engine(state, load("scenarios/contact_center_day.yaml", {}));
}

// The fixed cost of one replication (set-up, KPI collection) for the optimisers and sweeps
// to come: a one-hour window with about 30 customers, so events are a small part of it.
void BM_ShortReplication(benchmark::State& state) {
  const auto compiled = load("scenarios/theory/mmc_patience.yaml",
                             {"horizon.length=1h", "horizon.warmup=0s", "customers.caller.arrivals.rate=30/h"});
  const model::KpiLayout layout(compiled);
  std::uint64_t replication = 0;
  for (auto _ : state) {
    const model::ReplicationResult result = model::run_replication(compiled, layout, replication++);
    benchmark::DoNotOptimize(result.values.data());
  }
  state.counters["replications_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// A 100-point sweep as `capsim sweep` runs it: per point, the scenario loaded with the
// point's overrides, compiled, and its replications run (4 of 20 h of M/M/20), on 1 or 2
// threads. Counter: points per second.
void BM_Sweep100(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  const std::string path = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/theory/mmc.yaml";
  std::size_t points = 0;
  for (auto _ : state) {
    for (int agents = 0; agents < 10; ++agents)
      for (int mean = 0; mean < 10; ++mean) {
        const std::vector<std::string> overrides{"horizon.length=20h", "horizon.warmup=1h", "replications=4",
                                                 "pools.agents.agents=" + std::to_string(20 + agents),
                                                 "stages.agent.service.mean=" + std::to_string(50 + mean) + "s"};
        io::LoadResult loaded = io::load_scenario_file(path, overrides);
        const auto compiled = model::compile(*loaded.scenario);
        const auto result = experiment::run_experiment(compiled, threads);
        benchmark::DoNotOptimize(result.summaries.data());
        ++points;
      }
  }
  state.counters["points_per_second"] = benchmark::Counter(static_cast<double>(points), benchmark::Counter::kIsRate);
}

void run_baseline(benchmark::State& state, double patience_mean_minutes) {
  std::uint64_t events = 0;
  for (auto _ : state) {
    bench::BaselineMmc baseline(18.0, 1.0, 20, patience_mean_minutes, 7);
    const bench::BaselineResult result = baseline.run(kCustomers);
    events += result.events;
    benchmark::DoNotOptimize(result.total_wait);
  }
  state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
  state.counters["peak_rss_MB"] = peak_rss_megabytes();
}

void BM_BaselineMmc(benchmark::State& state) { run_baseline(state, 0.0); }
void BM_BaselineMmcPatience(benchmark::State& state) { run_baseline(state, 2.0); }

BENCHMARK(BM_EngineMmc)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineMmcPatience)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineDefaultScenario)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ShortReplication)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sweep100)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BaselineMmc)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineMmcPatience)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
