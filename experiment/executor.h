// Where an experiment's units of work run: threads of this process, or every rank of an
// MPI job (experiment/mpi_executor.cpp, the one file that calls MPI). A unit's job returns
// its result as bytes; the writer (the process, or rank 0) receives every unit's bytes in
// unit order, so output is identical for any thread or rank count. Ranks balance
// themselves: each asks rank 0 for its next unit when it is free (two-sided messages only,
// so every Open MPI transport works, TCP included).
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace capsim::experiment {

// What a job throws when the run was interrupted (SIGINT, SIGTERM), on any rank.
struct Interrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

// A unit's job: runs it (with `threads` threads of its own) and returns its bytes.
using UnitJob = std::function<std::string(std::size_t unit)>;
// Called on the writer for every unit in order.
using UnitConsumer = std::function<void(std::size_t unit, std::string bytes)>;

class Executor {
 public:
  virtual ~Executor() = default;
  virtual int ranks() const = 0;       // processes sharing the work (1 without MPI)
  virtual bool is_writer() const = 0;  // the process that consumes and writes (rank 0)
  // Runs every unit in [0, count) once, somewhere: `side_by_side` units at a time in this
  // process (each job with its own threads; under MPI one unit at a time per rank),
  // consume() on the writer in unit order. When a job throws, on any rank, no unit is handed
  // out any more, the units in hand finish, and run() throws on the writer: the job's
  // exception, or for another rank's job Interrupted or a runtime_error with its message.
  // The other ranks return normally. So a failure never leaves a rank waiting.
  virtual void run(std::size_t count, unsigned side_by_side, const UnitJob& job, const UnitConsumer& consume) = 0;
  // True when `ok` on every rank (collective: every rank must call it).
  virtual bool all_ok(bool ok) = 0;
};

// Threads of this process only.
std::unique_ptr<Executor> make_thread_executor();
// In capsim-mpi (built with -DCAPSIM_MPI=ON, run under mpirun): every rank (MPI is started
// here and finished when the executor goes); in capsim, the thread executor. Defined by the
// library a program links: capsim_executor_threads or capsim_executor_mpi.
std::unique_ptr<Executor> make_executor(int* argc, char*** argv);

}  // namespace capsim::experiment
