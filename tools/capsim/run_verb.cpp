// capsim run: simulate a scenario's replications and report KPI distributions.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

#include "experiment/replication_run.h"
#include "models/io/diagnostics.h"
#include "models/io/report.h"
#include "models/io/units.h"
#include "models/limits.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/rich_output.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct RunOptions {
  std::string file;
  CommonOptions common;
  bool check = false;
  bool replication_values = false;
  bool no_intervals = false;
  bool quiet = false;
};

int run(const RunOptions& options) {
  if (!output_spares_inputs("-o", options.common.output, {options.file})) return kExitBadInput;
  if (options.common.format == "xlsx" && !binary_output_allowed(options.common.output)) return kExitBadInput;
  auto scenario = load_or_report(options.file, options.common.overrides);
  if (!scenario || !apply_common_options(*scenario, options.common)) return kExitBadInput;
  const model::CompiledModel compiled = model::compile(*scenario);
  const auto start = std::chrono::steady_clock::now();
  const unsigned threads = options.common.threads;
  experiment::ProgressBar bar(std::cerr, "replications", static_cast<std::size_t>(compiled.replications),
                              progress_is_live(options.quiet));
  const std::optional<model::ExperimentResult> experiment = run_or_report(compiled, threads, bar.stepper());
  bar.finish();
  if (!experiment) return kExitBadInput;
  const model::ExperimentResult& result = *experiment;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Streamed to its destination as it is written: no copy of the report in memory.
  OutputFile file(options.common.output);
  if (!file.open()) return kExitBadInput;
  std::ostream& out = file.stream();
  const io::RunInfo info{threads, wall, manifest_for(options.file, options.common.overrides, *scenario, threads),
                         options.replication_values};
  if (options.common.format == "json") {
    io::write_json(out, compiled, result, info);
  } else if (options.common.format == "html") {
    // The page's distributions need each replication's values.
    io::RunInfo with_values = info;
    with_values.replication_values = true;
    if (!write_html(out,
                    {{[&](std::ostream& json) { io::write_json(json, compiled, result, with_values); }, options.file}}))
      return kExitInternalError;
  } else if (options.common.format == "xlsx") {
    io::RunInfo with_values = info;
    with_values.replication_values = true;
    if (!write_xlsx(out,
                    {[&](std::ostream& json) { io::write_json(json, compiled, result, with_values); }, options.file}))
      return kExitBadInput;
  } else if (options.common.format == "csv") {
    io::write_csv(out, compiled, result);
  } else {
    io::RunInfo shown = info;
    shown.colour = colour_for(options.common.output);
    shown.intervals = !options.no_intervals;
    io::write_table(out, compiled, result, shown);
  }
  if (!file.commit()) return kExitBadInput;

  if (const auto warning = experiment::undrained_warning(result)) std::cerr << "capsim: " << *warning << '\n';

  if (options.check) {
    // An SLA passes only when the lower end of its attainment's 95% CI reaches the target:
    // a gate on the point estimate would pass a coin toss half the time.
    int failed = 0;
    for (std::size_t k = 0; k < compiled.slas.size(); ++k) {
      const sim::Summary& attained = result.summaries[result.layout.of_sla(k, model::SlaKpi::attained)];
      const auto& sla = compiled.slas[k];
      std::ostringstream why;
      if (attained.n == 0)
        why << "no customer was judged in any replication";
      else if (attained.n < 2)
        why << "attained " << attained.mean
            << " in one replication; a check needs at least 2 for a confidence interval";
      else if (!(attained.ci_low >= sla.target))
        why << "attained " << attained.mean << " (95% CI " << attained.ci_low << " to " << attained.ci_high
            << "), target " << sla.target << "; the CI's lower end must reach the target";
      else
        continue;
      std::cerr << "capsim: SLA " << sla.name << " missed: " << why.str() << '\n';
      ++failed;
    }
    if (failed) return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace

VerbRunner add_run_verb(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* verb = app.add_subcommand("run", "Simulate a scenario and report KPI distributions");
  verb->add_option("file", options->file, "Scenario YAML file")->required();
  add_common_options(verb, options->common, "Number of replications (overrides the file)");
  add_output_options(verb, options->common, {"table", "json", "csv", "html", "xlsx"});
  verb->add_flag("--replication-values", options->replication_values,
                 "JSON: list each KPI's per-replication values (a baseline that capsim check can pair with)");
  verb->add_flag("--no-intervals", options->no_intervals, "Table: leave the per-interval table out");
  verb->add_flag("--quiet", options->quiet, "No progress bar on stderr (shown only on a terminal)");
  verb->add_flag("--check", options->check,
                 "Exit 1 unless every SLA's 95% CI of attainment lies at or above its target");
  return [options] { return run(*options); };
}

}  // namespace capsim::cli
