// Where a sweep's points run: a thread pool in one process, or, in a capsim built with
// CAPSIM_MPI and started by mpirun, every rank. Ranks take the next point from a counter
// held by rank 0 (one-sided MPI: dynamic load balancing, no master idling) and send each
// point's text to rank 0, which alone writes, in point order: the output equals a
// one-process run byte for byte.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "models/service_system.h"

namespace capsim::cli {

struct PointText {  // one sweep point's output
  std::string rows, replication_rows;
  std::size_t replications = 0;  // that the point ran (for progress)
};

// Starts MPI when built with it (a no-op otherwise); safe to call once per process.
void start_parallel(int* argc, char*** argv);
void stop_parallel();
int rank_count();                       // 1 without MPI
bool is_writer();                       // rank 0 (always true without MPI)
[[noreturn]] void abort_all(int code);  // every rank ends with `code`
bool all_ok(bool ok);                   // true when `ok` on every rank
void barrier();

// Runs job(i) for i in [0, count) and calls consume(i, text) on the writer in order of i.
// `threads`: points run side by side on this many threads (1: one after another).
void run_points(std::size_t count, unsigned threads, const std::function<PointText(std::size_t)>& job,
                const std::function<void(std::size_t, PointText)>& consume);

// Under mpirun, a point's replications are also shared out: the units are (point, block of
// replications), a block per rank at most. `run_block(point, first, last)` computes those
// replications anywhere; `finish(point, replications)` turns all of a point's, in order,
// into its text on the writer; consume(point, text) as above. Without MPI (or with one rank)
// this is run_points over whole points.
void run_point_blocks(
    std::size_t count, const std::function<std::size_t(std::size_t)>& replications_of,
    const std::function<std::vector<model::ReplicationResult>(std::size_t, std::size_t, std::size_t)>& run_block,
    const std::function<PointText(std::size_t, std::vector<model::ReplicationResult>)>& finish,
    const std::function<void(std::size_t, PointText)>& consume);

}  // namespace capsim::cli
