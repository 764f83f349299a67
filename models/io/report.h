// Writers for an experiment's result: a readable terminal table, JSON and tidy CSV.
// Units: durations in seconds, rates and fractions in [0, 1], counts per replication, cost
// in the scenario's currency per replication. The names are a contract (README "Output").
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "models/comparison.h"
#include "models/compiled_model.h"
#include "models/experiment_result.h"

namespace capsim::io {

// How a result was made, so that it can be reproduced exactly: written as "manifest" in
// every JSON output.
struct Manifest {
  std::string version, commit;               // capsim's version and the git commit it was built from
  std::string command;                       // the command line, shell-quoted
  std::string scenario_file, scenario_hash;  // hash: FNV-1a 64 of the file's bytes
  std::vector<std::string> overrides;
  std::uint64_t seed = 0;
  std::size_t replications = 0;
  unsigned threads = 1;
  int ranks = 1;
};

// CSV fields: numbers to round-trip exactly (empty when not finite); text quoted when needed.
std::string csv_number(double x);
std::string csv_quoted(const std::string& text);

struct RunInfo {
  unsigned threads = 1;
  double wall_seconds = 0.0;
  Manifest manifest{};
  // JSON: each KPI outside the intervals also lists its per-replication "values", so that
  // `capsim check --baseline` can pair replications with a later run of the same seed.
  bool replication_values = false;
  // Table: a missed SLA in red (standard output is a terminal and NO_COLOR is not set).
  bool colour = false;
  // Table: the per-interval table (a week of half hours is 336 rows); --no-intervals.
  bool intervals = true;
};

void write_table(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                 const RunInfo& run);
void write_json(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                const RunInfo& run);
void write_csv(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result);
// The tidy rows `write_csv` and `capsim sweep` share: one per (scope, name, KPI), then one
// per SLA risk, each `prefix` + the kTidyColumns fields + `suffix` (prefix ends in a comma
// when not empty; suffix starts with one). The last four say where a row sits (see RowPlace).
inline constexpr std::string_view kTidyColumns =
    "scope,name,kpi,n,mean,sd,ci95_low,ci95_high,p5,p50,p95,min,max,pooled,interval_index,start_seconds,pool,sla";

inline constexpr std::size_t kTidyFieldCount =
    static_cast<std::size_t>(std::count(kTidyColumns.begin(), kTidyColumns.end(), ',')) + 1;

// Where a KPI slot's row sits beyond its scope and name: an interval row's index and start
// (seconds from the horizon's start), so that multi-day labels sort; and for the per-pool
// and per-SLA interval KPIs their pool or SLA in a column of its own, the kpi then bare
// (`occupancy` of pool `tier1`, not `occupancy.tier1`). One per slot of the layout.
struct RowPlace {
  std::string kpi;
  bool interval = false;
  std::size_t interval_index = 0;
  double start_seconds = 0.0;
  std::string pool, sla;
};
std::vector<RowPlace> row_places(const model::CompiledModel& model, const model::KpiLayout& layout);
// `intervals` false leaves the interval rows out (sweep --no-intervals), here and below.
void write_tidy_rows(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                     std::string_view prefix, std::string_view suffix, bool intervals = true);
// One row per (replication, slot): `prefix` + "replication,scope,name,kpi,value" fields,
// the replication by its absolute index.
inline constexpr std::string_view kReplicationColumns =
    "replication,scope,name,kpi,value,interval_index,start_seconds,pool,sla";
void write_replication_rows(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                            std::string_view prefix, bool intervals = true);
// Rows the same function writes for a result: layout slots plus SLAs.
std::size_t tidy_row_count(const model::CompiledModel& model, bool intervals = true);

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
