#include "tools/capsim/parallel.h"

#include <cstdlib>
#include <cstring>
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
  std::vector<char> buffer(3 * sizeof(std::uint64_t) + text.rows.size() + text.replication_rows.size());
  char* at = buffer.data();
  const std::uint64_t header[3] = {index, text.rows.size(), text.replication_rows.size()};
  std::memcpy(at, header, sizeof header);
  at += sizeof header;
  std::memcpy(at, text.rows.data(), text.rows.size());
  at += text.rows.size();
  std::memcpy(at, text.replication_rows.data(), text.replication_rows.size());
  return buffer;
}

std::pair<std::size_t, PointText> unpack(const std::vector<char>& buffer) {
  std::uint64_t header[3];
  std::memcpy(header, buffer.data(), sizeof header);
  const char* at = buffer.data() + sizeof header;
  PointText text;
  text.rows.assign(at, header[1]);
  text.replication_rows.assign(at + header[1], header[2]);
  return {static_cast<std::size_t>(header[0]), std::move(text)};
}

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
    // The next point to take lives on rank 0; each rank fetches-and-adds it.
    std::uint64_t next = 0;
    MPI_Win window;
    MPI_Win_create(rank == 0 ? &next : nullptr, rank == 0 ? sizeof next : 0, sizeof next, MPI_INFO_NULL,
                   MPI_COMM_WORLD, &window);
    const auto take = [&] {
      const std::uint64_t one = 1;
      std::uint64_t mine = 0;
      MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window);
      MPI_Fetch_and_op(&one, &mine, MPI_UINT64_T, 0, 0, MPI_SUM, window);
      MPI_Win_unlock(0, window);
      return static_cast<std::size_t>(mine);
    };
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
    MPI_Win_free(&window);
    return;
  }
#endif
  sim::for_each_replication(0, count, threads, job, consume);
}

}  // namespace capsim::cli
