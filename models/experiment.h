// run_experiment: all replications of a compiled model on a thread pool, merged in
// replication order (bit-identical for any thread count), summarised per KPI.
#pragma once

#include <cstdint>
#include <vector>

#include "models/compiled_model.h"
#include "models/kpi_layout.h"
#include "models/service_system.h"
#include "sim/summary.h"

namespace capsim::model {

struct ExperimentResult {
  KpiLayout layout;
  std::vector<std::vector<double>> replications;  // values per replication, layout order
  std::vector<sim::Summary> summaries;            // one per layout slot
  std::uint64_t events = 0;                       // over all replications
  std::uint64_t seed = 0;
  // Clock windows whose drain left customers inside (nobody could ever serve them).
  std::size_t undrained_replications = 0;
  std::uint64_t undrained_customers = 0;
};

ExperimentResult run_experiment(const CompiledModel& model, unsigned threads);

}  // namespace capsim::model
