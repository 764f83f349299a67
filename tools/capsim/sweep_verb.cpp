// capsim sweep: a scenario over a grid of parameter points, one tidy row per (point, scope,
// name, KPI) for pandas and R; the sweep itself is experiment/sweep.h's. This file parses
// options, handles signals and progress, and puts the finished checkpoint in place.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "capsim_build_info.h"
#include "experiment/executor.h"
#include "experiment/point_file.h"
#include "experiment/replication_run.h"
#include "experiment/sweep.h"
#include "experiment/variant.h"
#include "models/io/diagnostics.h"
#include "models/io/html_report.h"
#include "models/io/scenario_loader.h"
#include "models/io/sweep_spec.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/rich_output.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

inline constexpr int kExitInterrupted = 130;

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

struct SweepOptions {
  std::string file;
  std::vector<std::string> grids, zips;
  CommonOptions common;
  std::string per_replication, checkpoint;
  std::vector<std::string> precision;
  int max_replications = 1000;
  bool resume = false, quiet = false, no_intervals = false;
  std::string shard;
};

int sweep_on_this_rank(const SweepOptions& options, experiment::Executor& executor) {
  std::vector<std::string> data_files;
  auto base = load_or_report(options.file, options.common.overrides, &data_files);
  if (!base || !apply_common_options(*base, options.common)) return kExitBadInput;
  const bool html = options.common.format == "html";  // a page drawn from the CSV at the end
  const auto defined =
      experiment::define_sweep({options.file, options.common.overrides, options.grids, options.zips, options.precision,
                                static_cast<std::size_t>(options.max_replications), options.common.format == "jsonl",
                                !options.per_replication.empty(), options.shard,
                                std::string(CAPSIM_VERSION) + " " + CAPSIM_GIT_COMMIT, !options.no_intervals},
                               *base);
  for (const auto& w : defined.warnings) std::cerr << w << '\n';
  for (const auto& p : defined.problems) std::cerr << p << '\n';
  // An output naming an input (or another output) would destroy it.
  const experiment::SweepFiles files =
      experiment::sweep_files(options.common.output, options.checkpoint, options.per_replication, options.resume);
  const std::string& checkpoint = files.checkpoint;
  const std::string& replication_checkpoint = files.replication_checkpoint;
  bool ok = defined.problems.empty();
  ok = ok && output_spares_inputs("-o", options.common.output, {options.file, options.per_replication, checkpoint});
  ok = ok && output_spares_inputs("--per-replication", options.per_replication, {options.file, checkpoint});
  ok = ok && output_spares_inputs("--checkpoint", checkpoint, {options.file});
  ok = ok && output_spares_inputs("--per-replication", replication_checkpoint, {checkpoint});
  if (!ok) return kExitBadInput;
  const experiment::Sweep sweep(*defined.definition, *base, data_files);
  // The bound on values kept, up front for the base scenario (and again per point, whose
  // layout may differ): -r or --max-replications too large is refused before anything runs.
  if (!storage_fits_or_report(model::compile(*base), sweep.plan().most)) return kExitBadInput;

  if (options.resume && checkpoint.empty()) {
    std::cerr << "capsim: --resume needs -o FILE or --checkpoint FILE (where the finished points are)\n";
    return kExitBadInput;
  }
  if (html && (!options.shard.empty() || sweep.points() > io::kMaxReportPoints)) {
    std::cerr << "capsim: --format html draws a whole sweep of at most " << io::kMaxReportPoints
              << " points; write shards as CSV, merge them, then capsim report\n";
    return kExitBadInput;
  }
  // A finished sweep resumed again (a batch system's retry): nothing to do.
  if (options.resume &&
      experiment::sweep_finished(sweep, checkpoint, options.common.output, options.per_replication, html)) {
    if (!options.quiet)
      std::cerr << "capsim: the sweep is already finished in " << io::printable(options.common.output, 200) << '\n';
    return kExitOk;
  }

  experiment::ProgressLine progress_line(std::chrono::steady_clock::now(), ::isatty(STDERR_FILENO) != 0);
  const auto progress = [&](const experiment::SweepProgress& p) {
    if (p.starting && options.resume && !options.quiet)
      std::cerr << "capsim: resuming: " << p.done << " of " << p.total << " points already done\n";
    const auto line = progress_line(p, std::chrono::steady_clock::now());
    if (line && !options.quiet) std::cerr << *line << std::flush;
  };
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::string page_rows;  // --format html to standard output: the CSV, drawn at the end
  const auto outcome = experiment::run_sweep(sweep, executor, files, options.common.threads, &g_interrupted, progress,
                                             [&](const std::string& rows) {
                                               if (html) return page_rows.append(rows), true;
                                               std::cout << rows << std::flush;
                                               return static_cast<bool>(std::cout);
                                             });
  using Status = experiment::SweepOutcome::Status;
  if (outcome.status == Status::interrupted) {
    std::cerr << "\ncapsim: interrupted: " << outcome.resumed << " of " << sweep.my_points().size()
              << " points are saved in "
              << (checkpoint.empty() ? std::string("the output") : io::printable(checkpoint, 200))
              << "; run the same command with --resume to finish\n";
    return kExitInterrupted;
  }
  if (outcome.status == Status::failed) {
    std::cerr << "capsim: " << outcome.problem << '\n';
    return kExitBadInput;
  }
  if (!executor.is_writer()) return kExitOk;
  for (const auto& warning : experiment::sweep_warnings(outcome)) std::cerr << "capsim: warning: " << warning << '\n';
  // Done: the checkpoints become the outputs (renamed into place, or streamed; or drawn).
  const bool keep_checkpoint = !options.checkpoint.empty();
  if (html) {
    if (!write_sweep_page(checkpoint.empty() ? page_rows : checkpoint, !checkpoint.empty(), options.common.output)) {
      if (!checkpoint.empty()) std::cerr << "capsim: the rows are kept in " << io::printable(checkpoint, 200) << '\n';
      return kExitBadInput;
    }
    if (!checkpoint.empty() && !keep_checkpoint) std::remove(checkpoint.c_str());
  } else if (!checkpoint.empty() && !move_output(checkpoint, options.common.output, keep_checkpoint)) {
    return kExitBadInput;
  }
  if (!replication_checkpoint.empty() && !move_output(replication_checkpoint, options.per_replication, false))
    return kExitBadInput;
  return kExitOk;
}

// Every rank runs the same sweep (same input, same checks); only the writer (rank 0) prints
// and writes files.
int sweep(const SweepOptions& options) {
  const auto executor = experiment::make_executor(nullptr, nullptr);
  auto* out = std::cout.rdbuf();
  auto* err = std::cerr.rdbuf();
  if (!executor->is_writer()) {
    std::cout.rdbuf(nullptr);
    std::cerr.rdbuf(nullptr);
  }
  const int code = sweep_on_this_rank(options, *executor);
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  return code;
}

}  // namespace

VerbRunner add_sweep_verb(CLI::App& app) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* verb =
      app.add_subcommand("sweep", "Run a scenario over a grid of parameter points (tidy CSV or JSON lines)");
  verb->add_option("file", options->file, "Scenario YAML file (its sweep: section is used unless --grid/--zip)")
      ->required();
  verb->add_option("--grid", options->grids,
                   "key.path=v1,v2,... or key.path=a..b[:step]: one dimension of the grid (repeatable)");
  verb->add_option("--zip", options->zips, "key.path=values,key.path=values: keys varied together (repeatable)");
  add_common_options(verb, options->common, "Replications per point (overrides the file)");
  add_output_options(verb, options->common, {"csv", "jsonl", "html"},
                     "Write to this file (through FILE.checkpoint, CSV) instead of stdout");
  verb->add_option("--per-replication", options->per_replication,
                   "Also write one row per (point, replication, KPI) to this CSV file");
  verb->add_option("--precision", options->precision,
                   "KPI_PATH=±x, ±x% (of the mean) or ±xpp (a fraction's points); +- for ±: double a point's "
                   "replications until the KPI's 95% half-width is within "
                   "(repeatable)");
  verb->add_option("--max-replications", options->max_replications, "The most replications --precision may use")
      ->check(CLI::Range(1, 10'000'000));
  verb->add_option("--checkpoint", options->checkpoint, "Append finished points here (default: OUTPUT.checkpoint)");
  verb->add_flag("--resume", options->resume, "Continue an interrupted sweep from its checkpoint");
  verb->add_flag("--no-intervals", options->no_intervals,
                 "Leave the interval rows out of the rows and the per-replication file");
  verb->add_option("--shard", options->shard, "i/N: run every N-th point from the i-th (1 <= i <= N)");
  verb->add_flag("--quiet", options->quiet, "No progress on stderr");
  return [options] { return sweep(*options); };
}

}  // namespace capsim::cli
