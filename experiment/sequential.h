// "Extend until decided": capsim's one sequential loop, used by `check` (while an
// assertion is inconclusive) and `sweep --precision` (while a half-width is above target).
// Looks come after n0, 2 n0, 4 n0, ... replications, the last at `most`; each look sees the
// result of every replication so far, and going on runs only the new ones ([n, 2n) is run
// and folded in): nothing is ever run twice, and replication r is the same replication
// whatever the look. What a look decides, and at which error rate, is the caller's (the
// number of looks is known up front, so that its error can be spent over them).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

#include "experiment/progress.h"
#include "models/compiled_model.h"
#include "models/experiment_result.h"

namespace capsim::experiment {

struct SequentialPlan {
  std::size_t initial = 1, most = 1;  // most >= initial >= 1
  // The replication counts at which the result is looked at: initial, doubled, ..., most.
  std::vector<std::size_t> looks() const;
};

// The loop itself, over any kind of replication: extend(first, last) adds replications
// [first, last); decided(look) says whether to stop after look `look` (0-based). Returns the
// number of looks taken.
template <class Extend, class Decided>
std::size_t run_looks(const std::vector<std::size_t>& looks, Extend&& extend, Decided&& decided) {
  std::size_t done = 0;
  for (std::size_t look = 0; look < looks.size(); ++look) {
    extend(done, looks[look]);
    done = looks[look];
    if (decided(look)) return look + 1;
  }
  return looks.size();
}

struct SequentialOutcome {
  model::ExperimentResult result;  // of every replication run
  std::size_t looks = 0;           // taken
  bool decided = false;            // the last look decided (else the plan ran out)
};

// The model's replications under the plan: `decided(result so far, look)` after each look.
SequentialOutcome extend_until_decided(const model::CompiledModel& model, unsigned threads, const SequentialPlan& plan,
                                       const std::function<bool(const model::ExperimentResult&, std::size_t)>& decided,
                                       const std::atomic<bool>* stop = nullptr, const ReplicationDone& done = {});

}  // namespace capsim::experiment
