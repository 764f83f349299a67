// Loads and compiles a scenario for a verb, printing every diagnostic to stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/assertions.h"
#include "models/compiled_model.h"
#include "models/experiment.h"
#include "models/io/report.h"
#include "models/scenario.h"

namespace capsim::cli {

std::optional<model::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& overrides);

// The command line as given (set by main), shell-quoted, for manifests.
void set_command_line(int argc, char** argv);
const std::string& command_line();

// FNV-1a 64 of a file's bytes as "fnv1a64:<16 hex digits>", or "" when it cannot be read.
std::string file_hash(const std::string& path);

// The manifest of a run: how to reproduce it exactly.
io::Manifest manifest_for(const std::string& file, const std::vector<std::string>& overrides,
                          const model::Scenario& scenario, unsigned threads);

// Resolves a KPI path (models/assertions.h); on failure `problem` says why, with the
// closest valid path when one is close.
std::optional<model::KpiTarget> resolve_or_suggest(const model::KpiLayout& layout, const std::string& path,
                                                   std::string& problem);

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
