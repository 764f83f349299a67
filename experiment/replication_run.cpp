#include "experiment/replication_run.h"

#include <algorithm>
#include <cstdio>

#include "experiment/executor.h"
#include "models/kpi_layout.h"
#include "models/limits.h"
#include "sim/replications.h"

namespace capsim::experiment {

std::optional<std::string> storage_problem(const model::CompiledModel& model, std::size_t replications) {
  const std::size_t kpis = model::KpiLayout(model).size();
  const double stored = static_cast<double>(kpis) * static_cast<double>(replications);
  if (stored <= model::kMaxStoredKpiValues) return std::nullopt;
  char text[256];
  std::snprintf(text, sizeof text,
                "%zu replications of %zu KPIs would keep %g values; at most %g (4 GB) are supported: use fewer "
                "replications or a coarser interval",
                replications, kpis, stored, model::kMaxStoredKpiValues);
  return std::string(text);
}

std::optional<std::string> undrained_warning(const model::ExperimentResult& result) {
  if (result.undrained_replications == 0) return std::nullopt;
  return "warning: the system did not drain: " + std::to_string(result.undrained_customers) + " customers in " +
         std::to_string(result.undrained_replications) + " of " + std::to_string(result.replications.size()) +
         " replications were still waiting when nothing more could happen (is the last interval unstaffed?); they "
         "count as misses for every SLA";
}

model::ExperimentResult run_experiment(const model::CompiledModel& model, unsigned threads,
                                       const ReplicationDone& done) {
  const auto replications = static_cast<std::size_t>(model.replications);
  model::ExperimentFold fold(model, 0, replications);
  extend(fold, model, threads, 0, replications, nullptr, done);
  return std::move(fold).finish();
}

// Results ahead of the consumer: about 64 MB of them (three doubles per KPI each), at
// least two per thread and at most 256 per thread: short replications rarely wait, and a
// model of 100,000 intervals keeps only a few.
std::size_t result_window(const model::ExperimentFold& fold, unsigned threads) {
  const double bytes = 3.0 * 8.0 * static_cast<double>(std::max<std::size_t>(1, fold.layout().size()));
  const double fits = 64.0 * 1024 * 1024 / bytes;
  return static_cast<std::size_t>(std::clamp(fits, 2.0 * threads, 256.0 * threads));
}

void extend(model::ExperimentFold& fold, const model::CompiledModel& model, unsigned threads, std::size_t first,
            std::size_t last, const std::atomic<bool>* stop, const ReplicationDone& done) {
  // Each replication is folded in as soon as it and all before it are done, then freed.
  sim::for_each_replication(
      first, last, threads,
      [&](std::size_t replication) {
        if (stop && stop->load(std::memory_order_relaxed)) throw Interrupted{};
        return model::run_replication(model, fold.layout(), replication);
      },
      [&](std::size_t, model::ReplicationResult run) {
        fold.add(std::move(run));
        if (done) done();
      },
      result_window(fold, threads));
}

model::ExperimentResult run_experiment(const model::CompiledModel& model, unsigned threads, std::size_t first,
                                       std::size_t last) {
  model::ExperimentFold fold(model, first, last > first ? last - first : 0);
  extend(fold, model, threads, first, last);
  return std::move(fold).finish();
}

}  // namespace capsim::experiment
