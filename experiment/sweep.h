// A parameter sweep as a library: the scenario at every point of a grid (io::SweepSpec), the
// same seed and replications at every point (common random numbers across points), one
// block of tidy rows per point. The engine runs points (or, across MPI ranks, blocks of a
// point's replications) on an Executor, appends each finished point to a checkpoint
// (experiment/point_file.h), resumes from one, and skips nothing silently: a point that
// cannot run (an overloaded model, too many values to keep) is recorded as failed in its
// rows and the sweep goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiment/executor.h"
#include "experiment/point_file.h"
#include "experiment/precision.h"
#include "experiment/sequential.h"
#include "models/io/diagnostics.h"
#include "models/io/sweep_spec.h"
#include "models/scenario.h"

namespace capsim::experiment {

struct SweepDefinition {
  std::string file;                    // the scenario
  std::vector<std::string> overrides;  // --set, at every point
  io::SweepSpec spec;
  std::vector<PrecisionTarget> precision;
  std::size_t max_replications = 1000;  // with precision
  std::uint64_t seed = 0;               // every point's
  std::size_t replications = 1;         // every point's (the first look, with precision)
  bool jsonl = false;                   // else CSV
  bool per_replication = false;
  std::string version;  // capsim's, part of the sweep's identity
  Shard shard;
  bool intervals = true;  // false: no interval rows (--no-intervals)
};

// Where each key of a sweep was given, for messages: the file position of a sweep: entry,
// or the --grid/--zip text (line 0).
struct SweepKeyOrigin {
  std::string origin;
  int line = 0, column = 0;
  std::string path;  // sweep.grid.KEY, or ""
};
struct SweepPoints {
  io::SweepSpec spec;
  std::vector<SweepKeyOrigin> origins;  // aligned with spec.keys()
};
// The points of a scenario's sweep: section (each grid key a dimension, the zip keys one).
SweepPoints points_from_section(const model::SweepSection& section, const std::string& file);
// The points of the command line's --grid options (each one dimension) and --zip options
// (each one dimension of keys varied together), each key's origin its option; one problem
// ("--grid TEXT: why") per option that does not parse.
SweepPoints points_from_options(const std::vector<std::string>& grids, const std::vector<std::string>& zips,
                                std::vector<std::string>& problems);
// Everything that would make a sweep's points fail, before anything runs: no points or too
// many, a key varied twice or one that is the experiment's own (seed, replications), a
// value that does not load (a misspelt key, a value without its unit). Each key's distinct
// values are loaded once; of a key with more than 1,000 values, the first and last 500 (a
// range is monotone, so its ends bound the rest; a point that still fails is recorded as
// failed in its rows).
// Warnings of the points' scenarios (an overloaded steady state) come in `warnings`, once
// each.
std::vector<io::Diagnostic> check_sweep_points(const SweepPoints& points, const std::string& file,
                                               const std::vector<std::string>& overrides,
                                               std::vector<io::Diagnostic>* warnings = nullptr);

// A sweep command's request as given; define_sweep checks it.
struct SweepRequest {
  std::string file;
  std::vector<std::string> overrides;    // --set
  std::vector<std::string> grids, zips;  // --grid, --zip (else the file's sweep: section)
  std::vector<std::string> precision;    // --precision texts
  std::size_t max_replications = 1000;
  bool jsonl = false, per_replication = false;
  std::string shard;    // "i/N", or "" for the whole sweep
  std::string version;  // capsim's
  bool intervals = true;
};
struct SweepDefinitionResult {
  std::optional<SweepDefinition> definition;  // nullopt when there are problems
  std::vector<std::string> problems, warnings;
};
// The definition of `request` over `base` (the scenario with the run options applied): its
// points checked before anything runs (check_sweep_points), its precision targets against the
// base's KPIs, its shard; every problem found, not just the first.
SweepDefinitionResult define_sweep(const SweepRequest& request, const model::Scenario& base);

// One point's output.
struct PointOutput {
  std::string rows, replication_rows;
  std::size_t point = 0;
  std::size_t replications = 0;  // run (for progress)
  bool failed = false;
  bool undrained = false;  // a clock window's drain left customers in some replication
  bool imprecise = false;  // --precision not reached at --max-replications
};

class Sweep {
 public:
  // `base` is the scenario with the run options applied; `data_files` are the data files it
  // read (their contents are part of the identity).
  Sweep(SweepDefinition definition, const model::Scenario& base, const std::vector<std::string>& data_files);

  const SweepDefinition& definition() const { return definition_; }
  const std::string& hash() const { return hash_; }
  std::size_t points() const { return definition_.spec.points(); }
  std::vector<std::size_t> my_points() const;  // this shard's, in order
  std::string header() const;                  // first line, and the column line for CSV
  std::string replication_header() const;
  std::size_t row_fields() const;  // fields of a CSV row (0 for JSON lines)
  // Rows of a finished (not failed) point: from the header's layout when every point shares
  // it, else by loading the point.
  std::size_t rows_of(std::size_t point) const;

  // The plan of a point's replications (extended with precision up to max_replications).
  SequentialPlan plan() const;
  // The scenario of a point; nullopt after printing its problems (to stderr).
  std::optional<model::Scenario> scenario_of(std::size_t point) const;

  PointOutput run_point(std::size_t point, unsigned threads, const std::atomic<bool>* stop) const;
  // For ranks sharing a point's replications: a block of them as bytes, and the point's
  // output from all its blocks in order.
  std::string run_block(std::size_t point, std::size_t first, std::size_t last, unsigned threads,
                        const std::atomic<bool>* stop) const;
  PointOutput finish_point(std::size_t point, const std::vector<std::string>& blocks) const;

  // Per key: the unit all its values share, for a column of plain numbers beside their
  // texts ("stages.agent.service.mean (s)": 240 for 4min); none for plain numbers or mixed.
  enum class BaseUnit { none, seconds, per_second, fraction };

 private:
  std::vector<std::string> point_overrides(std::size_t point) const;
  std::string csv_first_line(bool with_rows) const;
  std::string prefix_of(std::size_t point) const;
  PointOutput output_of(std::size_t point, const model::CompiledModel& model, const model::ExperimentResult& result,
                        bool met) const;
  PointOutput failed_output(std::size_t point, const std::string& why) const;

  nlohmann::ordered_json params_of(std::size_t point) const;
  std::string base_columns() const;                  // ",KEY (s),..." of the keys with a unit
  std::string base_fields(std::size_t point) const;  // the point's values there, ",240,..."

  SweepDefinition definition_;
  std::vector<std::string> keys_;
  std::vector<BaseUnit> base_units_;  // aligned with keys_
  std::string hash_;
  std::optional<std::size_t> rows_per_point_;
};

std::string pack_point(const PointOutput& output);
PointOutput unpack_point(const std::string& bytes);

// Where a sweep's rows go while it runs, and how it reports.
struct SweepFiles {
  std::string checkpoint;              // "" for standard output without a checkpoint
  std::string replication_checkpoint;  // "" without per-replication rows
  bool resume = false;
};
struct SweepProgress {
  std::size_t done = 0, total = 0;  // points of this shard (done includes resumed ones)
  std::size_t replications = 0;     // run by this process so far
  bool starting = false;            // the first call, before any point runs
};
struct SweepOutcome {
  enum class Status { done, already_done, interrupted, failed } status = Status::done;
  std::string problem;      // when failed
  std::size_t resumed = 0;  // points kept from the checkpoint
  std::size_t failed_points = 0, undrained_points = 0;
  std::vector<std::size_t> imprecise_points;  // run here (not resumed), in the order finished
};

// Progress for a person, "capsim: 12/40 points, 35.2 replications/s, ETA 80 s": due at every
// point on a terminal (redrawn in place), else every 10 s and at the end; the rate counts
// only the points this process ran (not those resumed).
class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  ProgressLine(Clock::time_point start, bool terminal) : start_(start), last_(start), terminal_(terminal) {}
  // The text to write for `p` at `now` (with its \r or \n), or nullopt when none is due. The
  // starting call notes the resumed points.
  std::optional<std::string> operator()(const SweepProgress& p, Clock::time_point now);

 private:
  Clock::time_point start_, last_;
  bool terminal_ = false;
  std::size_t resumed_ = 0;
};

// The files of a sweep's options: rows go through `checkpoint` (given, or OUTPUT.checkpoint;
// none for standard output), per-replication rows through PER_REPLICATION.checkpoint.
SweepFiles sweep_files(const std::string& output, const std::string& checkpoint, const std::string& per_replication,
                       bool resume);
// What a person is told of a finished sweep: points that did not drain, points that failed.
std::vector<std::string> sweep_warnings(const SweepOutcome& outcome);

// Whether `output` (and `per_replication`, if named) already hold this whole sweep: no
// checkpoint is left and each begins with the sweep's header. Resuming it is a no-op success,
// so that a batch system's retry can tell done from broken.
// With `page`, the output is the sweep's HTML page, which names the sweep by its first line.
bool sweep_finished(const Sweep& sweep, const std::string& checkpoint, const std::string& output,
                    const std::string& per_replication, bool page = false);

// Runs this shard's points not yet in the checkpoint. Rows go to `write_rows` when there
// is no checkpoint (standard output), else to the checkpoint, one write per point; the
// per-replication file is made durable before its point's rows are appended, so a resumed
// checkpoint never holds a point whose per-replication rows were lost.
SweepOutcome run_sweep(const Sweep& sweep, Executor& executor, const SweepFiles& files, unsigned threads,
                       const std::atomic<bool>* stop, const std::function<void(const SweepProgress&)>& progress,
                       const std::function<bool(const std::string&)>& write_rows);

// FNV-1a 64 of a file's bytes as "fnv1a64:<16 hex digits>", or "" when it cannot be read.
std::string file_hash(const std::string& path);

// capsim merge: the shards of one sweep, in any order, into its single-machine output,
// handed to `write` piece by piece; nothing is written unless every shard of the sweep is
// there, once, complete (every point's rows whole; no cut line) and of the same sweep.
bool merge_shards(const std::vector<std::string>& files, const std::function<bool(std::string_view)>& write,
                  std::string& problem);

}  // namespace capsim::experiment
