// The MPI executor: the only file of capsim that calls MPI. Two-sided messages only
// (MPI_Send/Recv/Iprobe), so it works over every Open MPI transport: shared memory, TCP
// (`--mca btl tcp,self`, what a cluster without shared memory uses), or containers without
// single-copy mechanisms. Only each rank's main thread calls MPI (MPI_THREAD_FUNNELED).
//
// Rank 0 serves: its main thread answers every rank's "next unit?" from one counter,
// receives results and consumes them in unit order, while a thread of its own computes
// units from the same counter. Other ranks ask, compute, send, and ask again until told
// there is nothing left. A result may be larger than an int count of bytes: it is sent as a
// header (unit, size) and then chunks of at most 1 GiB.
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "experiment/executor.h"
#include "sim/replications.h"

namespace capsim::experiment {
namespace {

constexpr int kTagAsk = 11;     // rank -> 0: which unit next? (no payload)
constexpr int kTagGive = 12;    // 0 -> rank: uint64 unit, or `count`: nothing left
constexpr int kTagResult = 13;  // rank -> 0: uint64 {unit, bytes, kind}, then kTagBody chunks
constexpr int kTagBody = 14;
constexpr std::size_t kChunk = std::size_t{1} << 30;

enum class Kind : std::uint64_t { result = 0, failed = 1, interrupted = 2 };

void send_bytes(const std::string& bytes, int to) {
  for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, bytes.size() - at);
    MPI_Send(bytes.data() + at, static_cast<int>(n), MPI_CHAR, to, kTagBody, MPI_COMM_WORLD);
  }
}

std::string receive_bytes(std::size_t size, int from) {
  std::string bytes(size, '\0');
  for (std::size_t at = 0; at < size; at += kChunk) {
    const std::size_t n = std::min(kChunk, size - at);
    MPI_Recv(bytes.data() + at, static_cast<int>(n), MPI_CHAR, from, kTagBody, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return bytes;
}

class MpiExecutor final : public Executor {
 public:
  MpiExecutor(int rank, int size) : rank_(rank), size_(size) {}
  ~MpiExecutor() override { MPI_Finalize(); }
  int ranks() const override { return size_; }
  bool is_writer() const override { return rank_ == 0; }

  void run(std::size_t count, unsigned side_by_side, const UnitJob& job, const UnitConsumer& consume) override {
    if (size_ == 1)
      sim::for_each_replication(0, count, side_by_side, job, consume);
    else if (rank_ == 0)
      serve(count, job, consume);
    else
      work(count, job);
  }

  bool all_ok(bool ok) override {
    int mine = ok ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all != 0;
  }

 private:
  // A rank other than 0: ask, compute, send, until told there is nothing left. A failing job
  // is reported instead of its result; the rank then goes on asking (and is told to stop).
  void work(std::size_t count, const UnitJob& job) {
    for (;;) {
      MPI_Send(nullptr, 0, MPI_CHAR, 0, kTagAsk, MPI_COMM_WORLD);
      std::uint64_t unit = 0;
      MPI_Recv(&unit, 1, MPI_UINT64_T, 0, kTagGive, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (unit >= count) return;
      std::string bytes;
      Kind kind = Kind::result;
      try {
        bytes = job(static_cast<std::size_t>(unit));
      } catch (const Interrupted&) {
        kind = Kind::interrupted;
      } catch (const std::exception& e) {
        kind = Kind::failed;
        bytes = e.what();
      }
      const std::uint64_t header[3] = {unit, bytes.size(), static_cast<std::uint64_t>(kind)};
      MPI_Send(header, 3, MPI_UINT64_T, 0, kTagResult, MPI_COMM_WORLD);
      send_bytes(bytes, 0);
    }
  }

  void serve(std::size_t count, const UnitJob& job, const UnitConsumer& consume) {
    std::mutex mutex;
    std::condition_variable done_here;
    std::size_t next_unit = 0;
    bool stop = false;                            // a job failed somewhere: hand out nothing more
    std::exception_ptr failure;                   // the first failure, rethrown at the end
    std::map<std::size_t, std::string> finished;  // results not yet consumed
    bool computing_done = false;
    const auto take = [&]() -> std::size_t {
      const std::lock_guard lock(mutex);
      return stop || next_unit >= count ? count : next_unit++;
    };
    const auto fail = [&](std::exception_ptr error) {
      const std::lock_guard lock(mutex);
      stop = true;
      if (!failure) failure = error;
    };
    std::jthread computer([&] {
      for (std::size_t unit = take(); unit < count; unit = take()) {
        try {
          std::string bytes = job(unit);
          const std::lock_guard lock(mutex);
          finished.emplace(unit, std::move(bytes));
        } catch (...) {
          fail(std::current_exception());
        }
        done_here.notify_one();
      }
      const std::lock_guard lock(mutex);
      computing_done = true;
      done_here.notify_one();
    });

    int ranks_asking = size_ - 1;  // ranks not yet told that nothing is left
    std::size_t to_consume = 0;
    for (;;) {
      int arrived = 0;
      MPI_Status status;
      // Once every rank has been told that nothing is left, what it sends next belongs to
      // the next run: left for that run's serve. (Answering a next run's ask from this one
      // told the rank its next run was empty, and this one waited forever for a rank too
      // many: the once-seen hang of mpi_executor_check when rank 0's own last unit was slow.)
      if (ranks_asking > 0) MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status);
      if (arrived && status.MPI_TAG == kTagAsk) {
        MPI_Recv(nullptr, 0, MPI_CHAR, status.MPI_SOURCE, kTagAsk, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        const std::uint64_t unit = take();
        MPI_Send(&unit, 1, MPI_UINT64_T, status.MPI_SOURCE, kTagGive, MPI_COMM_WORLD);
        if (unit >= count) --ranks_asking;
      } else if (arrived && status.MPI_TAG == kTagResult) {
        std::uint64_t header[3];
        MPI_Recv(header, 3, MPI_UINT64_T, status.MPI_SOURCE, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        std::string bytes = receive_bytes(static_cast<std::size_t>(header[1]), status.MPI_SOURCE);
        const auto kind = static_cast<Kind>(header[2]);
        if (kind == Kind::result) {
          const std::lock_guard lock(mutex);
          finished.emplace(static_cast<std::size_t>(header[0]), std::move(bytes));
        } else if (kind == Kind::interrupted) {
          fail(std::make_exception_ptr(Interrupted{}));
        } else {
          fail(std::make_exception_ptr(std::runtime_error(bytes)));
        }
      } else if (arrived) {
        throw std::logic_error("capsim: unexpected MPI message tag " + std::to_string(status.MPI_TAG));
      }
      // Consume what is next in order, outside the lock (consume writes files).
      for (;;) {
        std::optional<std::string> bytes;
        {
          const std::lock_guard lock(mutex);
          const auto it = finished.find(to_consume);
          if (it == finished.end() || failure) break;
          bytes = std::move(it->second);
          finished.erase(it);
        }
        try {
          consume(to_consume++, std::move(*bytes));
        } catch (...) {
          fail(std::current_exception());
        }
      }
      bool all_done;
      {
        std::unique_lock lock(mutex);
        all_done = ranks_asking == 0 && computing_done && (failure || to_consume == count);
        if (!all_done && !arrived)
          done_here.wait_for(lock, std::chrono::microseconds(200), [&] { return finished.count(to_consume) > 0; });
      }
      if (all_done) break;
    }
    if (failure) std::rethrow_exception(failure);
  }

  int rank_ = 0, size_ = 1;
};

}  // namespace

std::unique_ptr<Executor> make_executor(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);  // only main threads call MPI
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return std::make_unique<MpiExecutor>(rank, size);
}

}  // namespace capsim::experiment
