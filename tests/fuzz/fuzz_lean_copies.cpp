// libFuzzer target, differential: the bytes choose a model the lean copy of the hot
// handlers runs (models/service_system.h, Features: a line of stages each with its own pool,
// any classes, priorities, patience, disciplines, laws and staffing that never drops), and
// both copies — the lean one with its counted agents, and the one for every feature with
// agents as individuals — must give bit-identical results. A difference aborts, so libFuzzer
// keeps the input. A model that is not lean after all is a generator bug: it aborts too.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "models/compiled_model.h"
#include "models/io/scenario_loader.h"
#include "models/kpi_layout.h"
#include "models/service_system.h"

namespace {

using capsim::model::HandlerCopy;

std::string law(FuzzedDataProvider& in, double mean_seconds) {
  const std::string mean = std::to_string(mean_seconds) + "s";
  switch (in.ConsumeIntegralInRange(0, 5)) {
    case 0: return "{dist: exponential, mean: " + mean + "}";
    case 1: return "{dist: deterministic, value: " + mean + "}";
    case 2:
      return "{dist: lognormal, mean: " + mean + ", cv: " + std::to_string(in.ConsumeFloatingPointInRange(0.1, 3.0)) +
             "}";
    case 3:
      return "{dist: gamma, mean: " + mean + ", cv: " + std::to_string(in.ConsumeFloatingPointInRange(0.1, 3.0)) + "}";
    case 4: return "{dist: erlang, mean: " + mean + ", k: " + std::to_string(in.ConsumeIntegralInRange(1, 5)) + "}";
    default:
      return "{dist: uniform, min: " + std::to_string(mean_seconds / 2) +
             "s, max: " + std::to_string(1.5 * mean_seconds) + "s}";
  }
}

std::string lean_scenario(FuzzedDataProvider& in) {
  const int stages = in.ConsumeIntegralInRange(1, 3), classes = in.ConsumeIntegralInRange(1, 3);
  const int intervals = in.ConsumeIntegralInRange(1, 4);
  const bool clock = in.ConsumeBool();
  std::string y = "name: lean\n";
  y += clock ? "horizon: {start: \"08:00\", end: \"" + std::to_string(8 + intervals) + ":00\", interval: 1h}\n"
             : "horizon: {length: " + std::to_string(intervals) +
                   "h, interval: 1h, warmup: " + std::to_string(in.ConsumeIntegralInRange(0, 30)) + "min}\n";
  y += "seed: " + std::to_string(in.ConsumeIntegral<std::uint32_t>()) + "\n";
  y += "customers:\n";
  for (int c = 0; c < classes; ++c) {
    y += "  c" + std::to_string(c) + ": {arrivals: {rate: " + std::to_string(in.ConsumeIntegralInRange(1, 300)) +
         "/h}, entry: s" + std::to_string(c == 0 ? 0 : in.ConsumeIntegralInRange(0, stages - 1)) +
         ", priority: " + std::to_string(in.ConsumeIntegralInRange(-2, 2));
    if (in.ConsumeBool()) y += ", patience: " + law(in, in.ConsumeFloatingPointInRange(5.0, 900.0));
    y += "}\n";
  }
  y += "pools:\n";
  for (int s = 0; s < stages; ++s) {
    // Staffing that never drops: agents, or a non-decreasing list per interval.
    int agents = in.ConsumeIntegralInRange(0, 6);
    if (in.ConsumeBool()) {
      y += "  p" + std::to_string(s) + ": {agents: " + std::to_string(agents + 1) + "}\n";
    } else {
      y += "  p" + std::to_string(s) + ": {staffing: [";
      for (int i = 0; i < intervals; ++i) {
        agents += in.ConsumeIntegralInRange(0, 3);
        y += (i ? ", " : "") + std::to_string(agents);
      }
      y += "]}\n";
    }
  }
  y += "stages:\n";
  for (int s = 0; s < stages; ++s) {
    y += "  s" + std::to_string(s) + ": {service: " + law(in, in.ConsumeFloatingPointInRange(10.0, 600.0)) +
         ", pools: [p" + std::to_string(s) + "], queue: {discipline: " + (in.ConsumeBool() ? "priority" : "fifo") + "}";
    if (s + 1 < stages) y += ", next: {s" + std::to_string(s + 1) + ": 1}";  // a line: every stage reached
    if (in.ConsumeBool()) y += ", abandonment: false";
    y += "}\n";
  }
  if (in.ConsumeBool())
    y += "sla:\n  quick: {wait_within: " + std::to_string(in.ConsumeIntegralInRange(1, 120)) + "s, target: 80%}\n";
  return y;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string yaml = lean_scenario(in);
  const auto loaded = capsim::io::load_scenario_text(yaml, "lean.yaml");
  if (!loaded.scenario) return 0;  // e.g. a stage no class reaches: not this target's concern
  const auto model = capsim::model::compile(*loaded.scenario);
  if (!(capsim::model::features_of(model) == capsim::model::kNoFeature)) {
    std::fprintf(stderr, "the generator made a model that is not lean:\n%s", yaml.c_str());
    std::abort();
  }
  const capsim::model::KpiLayout layout(model);
  for (std::uint64_t replication = 0; replication < 2; ++replication) {
    try {
      const auto a = capsim::model::run_replication(model, layout, replication, HandlerCopy::leanest);
      const auto b = capsim::model::run_replication(model, layout, replication, HandlerCopy::every_feature);
      if (!same_bits(a.values, b.values) || !same_bits(a.numerators, b.numerators) ||
          !same_bits(a.denominators, b.denominators) || a.events != b.events || a.end_time != b.end_time ||
          a.served_total != b.served_total || a.abandoned_total != b.abandoned_total) {
        std::fprintf(stderr, "the two copies differ (replication %llu) on:\n%s",
                     static_cast<unsigned long long>(replication), yaml.c_str());
        std::abort();
      }
    } catch (const capsim::model::PopulationLimitExceeded&) {
    }
  }
  return 0;
}
