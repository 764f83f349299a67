#include "tools/capsim/scenario_input.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "models/io/diagnostics.h"
#include "models/io/scenario_loader.h"
#include "models/io/units.h"
#include "models/limits.h"

namespace capsim::cli {

std::optional<model::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& overrides) {
  auto loaded = io::load_scenario_file(file, overrides);
  for (const auto& diagnostic : loaded.warnings) std::cerr << diagnostic.format() << '\n';
  for (const auto& diagnostic : loaded.errors) std::cerr << diagnostic.format() << '\n';
  if (!loaded.errors.empty())
    std::cerr << "capsim: " << loaded.errors.size() << (loaded.errors.size() == 1 ? " problem" : " problems") << " in "
              << io::printable(file, 200) << '\n';
  return std::move(loaded.scenario);
}

bool apply_run_options(model::Scenario& scenario, const std::optional<int>& replications,
                       const std::optional<std::string>& seed) {
  if (replications) scenario.replications = *replications;
  if (seed) {
    const auto parsed = io::parse_seed(*seed);
    if (!parsed) {
      std::cerr << "capsim: --seed: expected " << io::kSeedExpected << "; got \"" << io::printable(*seed) << "\"\n";
      return false;
    }
    scenario.seed = *parsed;
  }
  return true;
}

unsigned usable_threads(unsigned requested) {
  return std::max(1u, std::min(requested, std::max(1u, std::thread::hardware_concurrency())));
}

std::optional<model::ExperimentResult> run_or_report(const model::CompiledModel& model, unsigned threads) {
  // Every replication's KPIs are kept for the summaries' percentiles: bounded up front.
  const std::size_t kpis = model::KpiLayout(model).size();
  const double stored = static_cast<double>(kpis) * model.replications;
  if (stored > model::kMaxStoredKpiValues) {
    std::cerr << "capsim: " << model.replications << " replications of " << kpis << " KPIs would keep " << stored
              << " values; at most " << model::kMaxStoredKpiValues
              << " (4 GB) are supported: use fewer replications or a coarser interval\n";
    return std::nullopt;
  }
  try {
    return model::run_experiment(model, threads);
  } catch (const model::PopulationLimitExceeded& e) {
    std::cerr << "capsim: " << e.what() << '\n';
    return std::nullopt;
  }
}

}  // namespace capsim::cli
