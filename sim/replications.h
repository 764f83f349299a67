// Replications on a thread pool. for_each_replication runs the jobs of an index range
// [first, last) on up to `threads` workers and hands each result to `consume(index, result)`
// on the calling thread in index order, as soon as it and every job before it are done;
// a result is freed once consumed, and workers run at most a window of jobs ahead of the
// consumer (back-pressure: memory stays flat however many jobs there are). So output is the same for any
// thread count, a range of a larger experiment gives exactly those replications (jobs see their absolute index), and a
// caller can stream, stop early or write shards. When jobs throw, the exception of the lowest-numbered failing job is
// rethrown after all workers have stopped: jobs start in index order, so which one that is does not depend on the
// thread count. Results before it have been consumed.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace capsim::sim {

// `window`: how many results may be finished or under way ahead of the consumer (0: four
// per thread); a caller with small results gives a larger one, so that workers rarely wait.
template <class Job, class Consume>
void for_each_replication(std::size_t first, std::size_t last, unsigned threads, Job&& job, Consume&& consume,
                          std::size_t window = 0) {
  using Result = std::invoke_result_t<Job&, std::size_t>;
  if (last <= first) return;
  const std::size_t count = last - first;
  const unsigned workers = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, count)));
  if (workers == 1) {  // no threads: run and consume in turn
    for (std::size_t index = first; index < last; ++index) consume(index, job(index));
    return;
  }

  // A bounded window of results: job k may start only once job k - window has been
  // consumed, so finished results never pile up ahead of a slow consumer (memory stays at
  // `window` results however many replications there are).
  window = std::min(count, std::max<std::size_t>(window == 0 ? 4 * std::size_t{workers} : window, workers));
  std::vector<std::optional<Result>> slots(window);  // job k's result waits in slots[k % window]
  std::mutex mutex;
  std::condition_variable ready, space;
  std::size_t next_job = 0, consumed = 0, running = workers;
  bool stop = false;
  std::exception_ptr error;
  std::size_t error_index = count;

  const auto worker = [&] {
    for (;;) {
      std::size_t mine;
      {
        std::unique_lock lock(mutex);
        space.wait(lock, [&] { return stop || next_job == count || next_job < consumed + window; });
        if (stop || next_job == count) break;
        mine = next_job++;
      }
      try {
        Result result = job(first + mine);
        const std::lock_guard lock(mutex);
        slots[mine % window].emplace(std::move(result));
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (mine < error_index) {
          error = std::current_exception();
          error_index = mine;
        }
        stop = true;
        space.notify_all();
      }
      ready.notify_one();
    }
    const std::lock_guard lock(mutex);
    --running;
    ready.notify_one();
  };

  std::exception_ptr consume_error;
  {
    std::vector<std::jthread> pool;
    pool.reserve(workers);
    for (unsigned t = 0; t < workers; ++t) pool.emplace_back(worker);
    for (std::size_t next = 0; next < count; ++next) {
      std::optional<Result> result;
      {
        std::unique_lock lock(mutex);
        auto& slot = slots[next % window];
        ready.wait(lock, [&] { return slot.has_value() || running == 0; });
        if (!slot) break;  // a job failed, or consuming failed: nothing more comes
        result.swap(slot);
        ++consumed;
      }
      space.notify_all();
      try {
        consume(first + next, std::move(*result));
      } catch (...) {
        consume_error = std::current_exception();
        const std::lock_guard lock(mutex);
        stop = true;
        space.notify_all();
        break;
      }
    }
  }  // joins the workers
  if (consume_error) std::rethrow_exception(consume_error);
  if (error) std::rethrow_exception(error);
}

// All results of jobs 0..count-1, in job order.
template <class Job>
auto run_replications(std::size_t count, unsigned threads, Job&& job)
    -> std::vector<std::invoke_result_t<Job&, std::size_t>> {
  std::vector<std::invoke_result_t<Job&, std::size_t>> results;
  results.reserve(count);
  for_each_replication(0, count, threads, job,
                       [&](std::size_t, auto&& result) { results.push_back(std::move(result)); });
  return results;
}

}  // namespace capsim::sim
