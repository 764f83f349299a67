// Runs a scenario through the installed libraries and prints the mean wait.
#include <capsim/experiment/replication_run.h>
#include <capsim/models/io/scenario_loader.h>

#include <iomanip>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const auto loaded = capsim::io::load_scenario_file(argv[1]);
  for (const auto& error : loaded.errors) std::cerr << error.format() << '\n';
  if (!loaded.scenario) return 2;
  const auto model = capsim::model::compile(*loaded.scenario);
  const auto result = capsim::experiment::run_experiment(model, 2);
  const auto slot = result.layout.find(capsim::model::ScopeKind::overall, "overall", "wait_mean");
  std::cout << "wait_mean " << std::setprecision(17) << result.summaries.at(slot).mean << '\n';
  return 0;
}
