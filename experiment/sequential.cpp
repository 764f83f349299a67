#include "experiment/sequential.h"

#include <algorithm>
#include <optional>

#include "experiment/replication_run.h"

namespace capsim::experiment {

std::vector<std::size_t> SequentialPlan::looks() const {
  const std::size_t first = std::max<std::size_t>(1, initial);
  const std::size_t last = std::max(first, most);
  std::vector<std::size_t> counts{first};
  while (counts.back() < last) counts.push_back(counts.back() > last / 2 ? last : 2 * counts.back());
  return counts;
}

SequentialOutcome extend_until_decided(const model::CompiledModel& model, unsigned threads, const SequentialPlan& plan,
                                       const std::function<bool(const model::ExperimentResult&, std::size_t)>& decided,
                                       const std::atomic<bool>* stop, const ReplicationDone& done) {
  model::ExperimentFold fold(model, 0, plan.initial);
  std::optional<model::ExperimentResult> seen;
  bool stopped = false;
  const auto looks = plan.looks();
  const std::size_t taken = run_looks(
      looks, [&](std::size_t first, std::size_t last) { extend(fold, model, threads, first, last, stop, done); },
      [&](std::size_t look) {
        if (look + 1 == looks.size()) return false;  // the last look: finish() below, no copy
        seen = fold.snapshot();
        stopped = decided(*seen, look);
        return stopped;
      });
  if (!stopped) {
    seen = std::move(fold).finish();
    stopped = decided(*seen, taken - 1);
  }
  return SequentialOutcome{std::move(*seen), taken, stopped};
}

}  // namespace capsim::experiment
