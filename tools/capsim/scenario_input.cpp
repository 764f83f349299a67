#include "tools/capsim/scenario_input.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "capsim_build_info.h"
#include "experiment/replication_run.h"
#include "experiment/sweep.h"
#include "models/io/diagnostics.h"
#include "models/io/scenario_loader.h"
#include "models/io/units.h"
#include "models/limits.h"

namespace capsim::cli {

std::optional<model::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& overrides,
                                              std::vector<std::string>* data_files, bool rosters) {
  auto loaded = io::load_scenario_file(file, overrides);
  if (data_files) *data_files = loaded.data_files;
  for (const auto& diagnostic : loaded.warnings)
    if (!rosters || !diagnostic.path.ends_with(".templates")) std::cerr << diagnostic.format() << '\n';
  for (const auto& diagnostic : loaded.errors) std::cerr << diagnostic.format() << '\n';
  if (!loaded.errors.empty())
    std::cerr << "capsim: " << loaded.errors.size() << (loaded.errors.size() == 1 ? " problem" : " problems") << " in "
              << io::printable(file, 200) << '\n';
  return std::move(loaded.scenario);
}

namespace {
std::string& stored_command_line() {
  static std::string line;
  return line;
}
}  // namespace

void set_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = i == 0 ? std::string("capsim") : std::string(argv[i]);
    const bool plain = !arg.empty() && arg.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789-_./=:,+%@") == std::string::npos;
    std::string quoted = "'";
    for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += (i ? " " : "") + (plain ? arg : quoted + "'");
  }
  stored_command_line() = line;
}

const std::string& command_line() { return stored_command_line(); }

io::Manifest manifest_for(const std::string& file, const std::vector<std::string>& overrides,
                          const model::Scenario& scenario, unsigned threads) {
  io::Manifest m;
  m.version = CAPSIM_VERSION;
  m.commit = CAPSIM_GIT_COMMIT;
  m.command = command_line();
  m.scenario_file = file;
  m.scenario_hash = experiment::file_hash(file);
  m.overrides = overrides;
  m.seed = scenario.seed;
  m.replications = static_cast<std::size_t>(scenario.replications);
  m.threads = threads;
  return m;
}

bool storage_fits_or_report(const model::CompiledModel& model, std::size_t replications) {
  if (const auto problem = experiment::storage_problem(model, replications)) {
    std::cerr << "capsim: " << *problem << '\n';
    return false;
  }
  return true;
}

bool progress_is_live(bool quiet) { return !quiet && ::isatty(STDERR_FILENO) != 0; }

std::optional<model::ExperimentResult> run_or_report(const model::CompiledModel& model, unsigned threads,
                                                     const experiment::ReplicationDone& done) {
  if (!storage_fits_or_report(model, static_cast<std::size_t>(model.replications))) return std::nullopt;
  try {
    return experiment::run_experiment(model, threads, done);
  } catch (const model::PopulationLimitExceeded& e) {
    std::cerr << "capsim: " << e.what() << '\n';
    return std::nullopt;
  }
}

}  // namespace capsim::cli
