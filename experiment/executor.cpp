#include "experiment/executor.h"

#include "sim/replications.h"

namespace capsim::experiment {
namespace {

class ThreadExecutor final : public Executor {
 public:
  int ranks() const override { return 1; }
  bool is_writer() const override { return true; }
  void run(std::size_t count, unsigned side_by_side, const UnitJob& job, const UnitConsumer& consume) override {
    sim::for_each_replication(0, count, side_by_side, job, consume);
  }
  bool all_ok(bool ok) override { return ok; }
};

}  // namespace

std::unique_ptr<Executor> make_thread_executor() { return std::make_unique<ThreadExecutor>(); }

}  // namespace capsim::experiment
