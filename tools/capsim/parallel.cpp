#include "tools/capsim/parallel.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <vector>

#include "sim/replications.h"

#ifdef CAPSIM_MPI
#include <mpi.h>
#endif

namespace capsim::cli {

#ifndef CAPSIM_MPI

void start_parallel(int*, char***) {}
void stop_parallel() {}
int rank_count() { return 1; }
bool is_writer() { return true; }
void abort_all(int code) { std::exit(code); }
bool all_ok(bool ok) { return ok; }
void barrier() {}

#else

namespace {
bool started = false;
int rank = 0, size = 1;

constexpr int kTagText = 7;

std::vector<char> pack(std::size_t index, const PointText& text) {
  std::vector<char> buffer(4 * sizeof(std::uint64_t) + text.rows.size() + text.replication_rows.size());
  char* at = buffer.data();
  const std::uint64_t header[4] = {index, text.rows.size(), text.replication_rows.size(), text.replications};
  std::memcpy(at, header, sizeof header);
  at += sizeof header;
  std::memcpy(at, text.rows.data(), text.rows.size());
  at += text.rows.size();
  std::memcpy(at, text.replication_rows.data(), text.replication_rows.size());
  return buffer;
}

std::pair<std::size_t, PointText> unpack(const std::vector<char>& buffer) {
  std::uint64_t header[4];
  std::memcpy(header, buffer.data(), sizeof header);
  const char* at = buffer.data() + sizeof header;
  PointText text;
  text.replications = static_cast<std::size_t>(header[3]);
  text.rows.assign(at, header[1]);
  text.replication_rows.assign(at + header[1], header[2]);
  return {static_cast<std::size_t>(header[0]), std::move(text)};
}

// A counter held by rank 0 that every rank fetches-and-adds (one-sided MPI): which job to
// take next, so that ranks balance themselves. Collective to create and to free.
class SharedCounter {
 public:
  SharedCounter() {
    MPI_Win_create(rank == 0 ? &value_ : nullptr, rank == 0 ? sizeof value_ : 0, sizeof value_, MPI_INFO_NULL,
                   MPI_COMM_WORLD, &window_);
  }
  // Freeing is collective: not while an exception unwinds one rank (it then aborts them all).
  ~SharedCounter() {
    if (std::uncaught_exceptions() == 0) MPI_Win_free(&window_);
  }
  SharedCounter(const SharedCounter&) = delete;
  SharedCounter& operator=(const SharedCounter&) = delete;
  std::size_t take() {
    const std::uint64_t one = 1;
    std::uint64_t mine = 0;
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_);
    MPI_Fetch_and_op(&one, &mine, MPI_UINT64_T, 0, 0, MPI_SUM, window_);
    MPI_Win_unlock(0, window_);
    return static_cast<std::size_t>(mine);
  }

 private:
  std::uint64_t value_ = 0;
  MPI_Win window_;
};

std::pair<std::size_t, PointText> receive(MPI_Status status) {
  int bytes = 0;
  MPI_Get_count(&status, MPI_CHAR, &bytes);
  std::vector<char> buffer(static_cast<std::size_t>(bytes));
  MPI_Recv(buffer.data(), bytes, MPI_CHAR, status.MPI_SOURCE, kTagText, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return unpack(buffer);
}
}  // namespace

void start_parallel(int* argc, char*** argv) {
  if (started) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);  // only the main thread calls MPI
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  started = true;
}

void stop_parallel() {
  if (!started) return;
  MPI_Finalize();
  started = false;
}

int rank_count() { return size; }
bool is_writer() { return rank == 0; }

void abort_all(int code) {
  if (started && size > 1) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

bool all_ok(bool ok) {
  if (!started || size == 1) return ok;
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return all != 0;
}

void barrier() {
  if (started && size > 1) MPI_Barrier(MPI_COMM_WORLD);
}

#endif

void run_points(std::size_t count, unsigned threads, const std::function<PointText(std::size_t)>& job,
                const std::function<void(std::size_t, PointText)>& consume) {
#ifdef CAPSIM_MPI
  if (started && size > 1) {
    SharedCounter next_job;  // the next point to take
    const auto take = [&] { return next_job.take(); };
    std::map<std::size_t, PointText> waiting;  // rank 0: results ahead of the next to write
    std::size_t to_write = 0;
    const auto drain = [&](bool block) {
      for (;;) {
        int arrived = 0;
        MPI_Status status;
        if (block && to_write < count && !waiting.count(to_write)) {
          MPI_Probe(MPI_ANY_SOURCE, kTagText, MPI_COMM_WORLD, &status);
          arrived = 1;
        } else {
          MPI_Iprobe(MPI_ANY_SOURCE, kTagText, MPI_COMM_WORLD, &arrived, &status);
        }
        if (arrived) {
          auto [index, text] = receive(status);
          waiting.emplace(index, std::move(text));
        }
        while (waiting.count(to_write)) {
          consume(to_write, std::move(waiting[to_write]));
          waiting.erase(to_write++);
        }
        if (!arrived && (!block || to_write >= count)) return;
      }
    };
    std::vector<std::vector<char>> sent;
    std::vector<MPI_Request> requests;
    for (std::size_t index = take(); index < count; index = take()) {
      PointText text = job(index);
      if (rank == 0) {
        waiting.emplace(index, std::move(text));
        drain(false);
      } else {
        sent.push_back(pack(index, text));
        requests.emplace_back();
        MPI_Isend(sent.back().data(), static_cast<int>(sent.back().size()), MPI_CHAR, 0, kTagText, MPI_COMM_WORLD,
                  &requests.back());
      }
    }
    if (rank == 0) drain(true);
    MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
    return;
  }
#endif
  sim::for_each_replication(0, count, threads, job, consume);
}

#ifdef CAPSIM_MPI
namespace {

constexpr int kTagBlock = 8;

struct Block {
  std::size_t point = 0, first = 0;
  std::vector<model::ReplicationResult> runs;
};

// [point, first, count, slots] then per replication: values, numerators, denominators,
// events, undrained.
std::vector<char> pack_block(std::size_t point, std::size_t first, const std::vector<model::ReplicationResult>& runs) {
  const std::uint64_t slots = runs.empty() ? 0 : runs.front().values.size();
  std::vector<char> buffer(4 * 8 + runs.size() * (3 * slots * sizeof(double) + 2 * 8));
  char* at = buffer.data();
  const auto put = [&](const void* data, std::size_t bytes) {
    std::memcpy(at, data, bytes);
    at += bytes;
  };
  const std::uint64_t header[4] = {point, first, runs.size(), slots};
  put(header, sizeof header);
  for (const auto& run : runs) {
    put(run.values.data(), slots * sizeof(double));
    put(run.numerators.data(), slots * sizeof(double));
    put(run.denominators.data(), slots * sizeof(double));
    const std::uint64_t counts[2] = {run.events, run.undrained};
    put(counts, sizeof counts);
  }
  return buffer;
}

Block unpack_block(const std::vector<char>& buffer) {
  const char* at = buffer.data();
  const auto get = [&](void* data, std::size_t bytes) {
    std::memcpy(data, at, bytes);
    at += bytes;
  };
  std::uint64_t header[4];
  get(header, sizeof header);
  Block block{static_cast<std::size_t>(header[0]), static_cast<std::size_t>(header[1]), {}};
  block.runs.resize(header[2]);
  for (auto& run : block.runs) {
    for (auto* v : {&run.values, &run.numerators, &run.denominators}) {
      v->resize(header[3]);
      get(v->data(), header[3] * sizeof(double));
    }
    std::uint64_t counts[2];
    get(counts, sizeof counts);
    run.events = counts[0];
    run.undrained = counts[1];
  }
  return block;
}

}  // namespace
#endif

void run_point_blocks(
    std::size_t count, const std::function<std::size_t(std::size_t)>& replications_of,
    const std::function<std::vector<model::ReplicationResult>(std::size_t, std::size_t, std::size_t)>& run_block,
    const std::function<PointText(std::size_t, std::vector<model::ReplicationResult>)>& finish,
    const std::function<void(std::size_t, PointText)>& consume) {
#ifdef CAPSIM_MPI
  if (started && size > 1) {
    // Units: each point's replications in blocks of ceil(R / ranks), in point order.
    struct Unit {
      std::size_t point, first, last;
    };
    std::vector<Unit> units;
    std::vector<std::size_t> blocks_of(count, 0);
    for (std::size_t p = 0; p < count; ++p) {
      const std::size_t replications = replications_of(p);
      const std::size_t block = std::max<std::size_t>(1, (replications + size - 1) / size);
      for (std::size_t first = 0; first < replications; first += block) {
        units.push_back({p, first, std::min(replications, first + block)});
        ++blocks_of[p];
      }
    }
    SharedCounter next_unit;  // the next block to take
    const auto take = [&] { return next_unit.take(); };
    std::map<std::size_t, std::map<std::size_t, std::vector<model::ReplicationResult>>> arrived;  // point -> first ->
    std::size_t to_write = 0;
    const auto settle = [&](Block block) {
      arrived[block.point][block.first] = std::move(block.runs);
      while (to_write < count && arrived.count(to_write) && arrived[to_write].size() == blocks_of[to_write]) {
        std::vector<model::ReplicationResult> runs;
        for (auto& [first, part] : arrived[to_write])
          for (auto& run : part) runs.push_back(std::move(run));
        arrived.erase(to_write);
        consume(to_write, finish(to_write, std::move(runs)));
        ++to_write;
      }
    };
    const auto drain = [&](bool block) {
      for (;;) {
        int ready = 0;
        MPI_Status status;
        if (block && to_write < count) {
          MPI_Probe(MPI_ANY_SOURCE, kTagBlock, MPI_COMM_WORLD, &status);
          ready = 1;
        } else {
          MPI_Iprobe(MPI_ANY_SOURCE, kTagBlock, MPI_COMM_WORLD, &ready, &status);
        }
        if (!ready) return;
        int bytes = 0;
        MPI_Get_count(&status, MPI_CHAR, &bytes);
        std::vector<char> buffer(static_cast<std::size_t>(bytes));
        MPI_Recv(buffer.data(), bytes, MPI_CHAR, status.MPI_SOURCE, kTagBlock, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        settle(unpack_block(buffer));
        if (block && to_write >= count) return;
      }
    };
    std::vector<std::vector<char>> sent;
    std::vector<MPI_Request> requests;
    for (std::size_t u = take(); u < units.size(); u = take()) {
      const Unit& unit = units[u];
      auto runs = run_block(unit.point, unit.first, unit.last);
      if (rank == 0) {
        settle(Block{unit.point, unit.first, std::move(runs)});
        drain(false);
      } else {
        sent.push_back(pack_block(unit.point, unit.first, runs));
        requests.emplace_back();
        MPI_Isend(sent.back().data(), static_cast<int>(sent.back().size()), MPI_CHAR, 0, kTagBlock, MPI_COMM_WORLD,
                  &requests.back());
      }
    }
    if (rank == 0 && to_write < count) drain(true);
    MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
    return;
  }
#endif
  (void)replications_of;
  run_points(
      count, 1u, [&](std::size_t point) { return finish(point, run_block(point, 0, replications_of(point))); },
      consume);
}

}  // namespace capsim::cli
