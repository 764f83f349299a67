// Writers for an experiment's result: a readable terminal table, JSON and tidy CSV.
// Units: durations in seconds, rates and fractions in [0, 1], counts per replication, cost
// in the scenario's currency per replication. The names are a contract (README "Output").
#pragma once

#include <ostream>
#include <string>

#include "models/compiled_model.h"
#include "models/experiment.h"

namespace capsim::io {

struct RunInfo {
  unsigned threads = 1;
  double wall_seconds = 0.0;
};

void write_table(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                 const RunInfo& run);
void write_json(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                const RunInfo& run);
void write_csv(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result);

}  // namespace capsim::io
