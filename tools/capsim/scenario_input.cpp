#include "tools/capsim/scenario_input.h"

#include <iostream>

#include "models/io/diagnostics.h"
#include "models/io/scenario_loader.h"

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

}  // namespace capsim::cli
