// Loads and compiles a scenario for a verb, printing every diagnostic to stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/compiled_model.h"
#include "models/experiment.h"
#include "models/scenario.h"

namespace capsim::cli {

std::optional<model::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& overrides);

// -r and --seed over the file's values; false after printing what is wrong.
bool apply_run_options(model::Scenario& scenario, const std::optional<int>& replications,
                       const std::optional<std::string>& seed);

// Worker threads: as asked, but never more than the cores (each holds a replication).
unsigned usable_threads(unsigned requested);

// Runs the model's replications [first, last) (all by default), first checking that the
// values kept for the summaries stay bounded; nullopt after printing the problem (an
// overloaded model, too many values).
std::optional<model::ExperimentResult> run_or_report(const model::CompiledModel& model, unsigned threads);

}  // namespace capsim::cli
