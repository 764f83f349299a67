// run_replications: runs `count` independent jobs on up to `threads` worker threads and
// returns their results in job order, so the output is the same for any thread count.
// When jobs throw, the exception of the lowest-numbered failing job is rethrown after all
// workers have stopped: jobs start in index order, so which one that is does not depend on
// the thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace capsim::sim {

template <class Job>
auto run_replications(std::size_t count, unsigned threads, Job&& job)
    -> std::vector<std::invoke_result_t<Job&, std::size_t>> {
  using Result = std::invoke_result_t<Job&, std::size_t>;
  std::vector<std::optional<Result>> slots(count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::size_t first_error_index = count;
  std::mutex error_mutex;

  const auto worker = [&] {
    for (;;) {
      const std::size_t index = next.fetch_add(1, std::memory_order_relaxed);
      if (index >= count || failed.load(std::memory_order_relaxed)) return;
      try {
        slots[index].emplace(job(index));
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (index < first_error_index) {
          first_error = std::current_exception();
          first_error_index = index;
        }
        failed.store(true, std::memory_order_relaxed);
      }
    }
  };

  const unsigned workers = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, count)));
  if (workers == 1) {
    worker();
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(workers);
    for (unsigned t = 0; t < workers; ++t) pool.emplace_back(worker);
  }
  if (first_error) std::rethrow_exception(first_error);

  std::vector<Result> results;
  results.reserve(count);
  for (auto& slot : slots) results.push_back(std::move(*slot));
  return results;
}

}  // namespace capsim::sim
