// Writers for an experiment's result: a readable terminal table, JSON and tidy CSV.
// Units: durations in seconds, rates and fractions in [0, 1], counts per replication, cost
// in the scenario's currency per replication. The names are a contract (README "Output").
#pragma once

#include <ostream>
#include <string>

#include <vector>

#include "models/comparison.h"
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

// `capsim compare`: a base and its variants, each KPI's difference to the base.
struct ComparedVariant {
  std::string name;
  std::string file;                    // the scenario it came from
  std::vector<std::string> overrides;  // on top of that file (and of the shared --set)
  const model::ExperimentResult* result = nullptr;
  std::vector<model::KpiComparison> kpis;
};
struct Comparison {
  std::string base_name, base_file;
  const model::ExperimentResult* base = nullptr;
  std::vector<ComparedVariant> variants;
  bool paired = true;
  std::uint64_t seed = 0;
  std::size_t replications = 0;
};
void write_comparison_table(std::ostream& out, const Comparison& comparison, const RunInfo& run);
void write_comparison_json(std::ostream& out, const Comparison& comparison, const RunInfo& run);
void write_comparison_csv(std::ostream& out, const Comparison& comparison);

}  // namespace capsim::io
