// Running a compiled model's replications: all of them or a range [first, last), on a
// thread pool, folded in replication order as they complete (bit-identical for any thread
// count), and the bound on what a run keeps in memory, which every verb applies first.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

#include "experiment/progress.h"
#include "models/compiled_model.h"
#include "models/experiment_result.h"

namespace capsim::experiment {

// Every replication's KPI values are kept for the summaries' percentiles: KPIs ×
// replications is bounded (model::kMaxStoredKpiValues). The problem, or nullopt when
// `replications` of the model fit.
std::optional<std::string> storage_problem(const model::CompiledModel& model, std::size_t replications);

// The warning every verb gives when a clock window's drain left customers that nobody
// could serve (they count as misses for every SLA), or nullopt.
std::optional<std::string> undrained_warning(const model::ExperimentResult& result);

// All the model's replications; `done` after each is folded in (a progress bar).
model::ExperimentResult run_experiment(const model::CompiledModel& model, unsigned threads,
                                       const ReplicationDone& done = {});
// Replications [first, last) only: each is exactly the same replication as in a full run
// (its random numbers are keyed by its absolute index), for shards and sequential stopping.
model::ExperimentResult run_experiment(const model::CompiledModel& model, unsigned threads, std::size_t first,
                                       std::size_t last);
// Runs [first, last) and adds them, in order, to `fold` (which must hold [0, first)).
// When `stop` becomes true, no further replication starts and Interrupted is thrown
// (experiment/executor.h): a long run stops within about one replication.
void extend(model::ExperimentFold& fold, const model::CompiledModel& model, unsigned threads, std::size_t first,
            std::size_t last, const std::atomic<bool>* stop = nullptr, const ReplicationDone& done = {});

}  // namespace capsim::experiment
