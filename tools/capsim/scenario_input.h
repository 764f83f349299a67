// Loads and compiles a scenario for a verb, printing every diagnostic to stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "experiment/progress.h"
#include "models/compiled_model.h"
#include "models/experiment_result.h"
#include "models/io/report.h"
#include "models/scenario.h"

namespace capsim::cli {

// `data_files`, when given, receives the data files the scenario read (empirical values).
// `rosters`: the verb gives the pools their agents (staff, schedule), so a pool with
// templates and no roster is no cause for a warning.
std::optional<model::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& overrides,
                                              std::vector<std::string>* data_files = nullptr, bool rosters = false);

// The command line as given (set by main), shell-quoted, for manifests.
void set_command_line(int argc, char** argv);
const std::string& command_line();

// The manifest of a run: how to reproduce it exactly.
io::Manifest manifest_for(const std::string& file, const std::vector<std::string>& overrides,
                          const model::Scenario& scenario, unsigned threads);

// The model's replications, first checking that the values kept for the summaries stay
// bounded (experiment::storage_problem); nullopt after printing the problem (an overloaded
// model, too many values). `done` after each replication (a progress bar).
std::optional<model::ExperimentResult> run_or_report(const model::CompiledModel& model, unsigned threads,
                                                     const experiment::ReplicationDone& done = {});
// Whether a verb shows a progress bar: on a terminal, unless --quiet.
bool progress_is_live(bool quiet);
// The bound alone, for `replications` of the model: false after printing the problem.
bool storage_fits_or_report(const model::CompiledModel& model, std::size_t replications);

}  // namespace capsim::cli
