// capsim compare: a base scenario against variants (other files, or the base with
// overrides), all run with the same seed and replications, so that replication r of every
// variant sees the same arrivals, patience, handling times, routes, absences and failures
// (common random numbers); each KPI's difference to the base is paired replication by
// replication. --independent gives each variant its own streams (Welch's interval), to show
// what the pairing buys.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "experiment/replication_run.h"
#include "experiment/variant.h"
#include "models/comparison.h"
#include "models/io/diagnostics.h"
#include "models/io/report.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/rich_output.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct CompareOptions {
  std::vector<std::string> files;  // base first
  std::vector<std::string> variants;
  CommonOptions common;
  bool independent = false;
  bool quiet = false;
  bool no_intervals = false;
};

using experiment::VariantSpec;

int compare(const CompareOptions& options) {
  const std::string& base_file = options.files.front();
  std::vector<VariantSpec> specs;
  for (std::size_t i = 1; i < options.files.size(); ++i)
    specs.push_back({std::filesystem::path(options.files[i]).stem().string(), options.files[i], {}});
  for (const auto& text : options.variants) {
    auto spec = experiment::parse_variant(text, base_file);
    if (!spec) {
      std::cerr << "capsim: --variant: expected NAME:key.path=value[,key.path=value...]; got \"" << io::printable(text)
                << "\"\n";
      return kExitBadInput;
    }
    for (const auto& item : spec->overrides)
      if (const auto problem = experiment::variant_key_problem(item.substr(0, item.find('=')))) {
        std::cerr << "capsim: --variant " << io::printable(text) << ": " << *problem << '\n';
        return kExitBadInput;
      }
    specs.push_back(std::move(*spec));
  }
  if (specs.empty()) {
    std::cerr << "capsim: nothing to compare: give other scenario files or --variant NAME:key.path=value\n";
    return kExitBadInput;
  }
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (specs[i].name == specs[j].name) {
        std::cerr << "capsim: two variants are named \"" << io::printable(specs[i].name)
                  << "\"; give each a different name\n";
        return kExitBadInput;
      }

  // Every scenario is loaded and checked before anything runs.
  if (!output_spares_inputs("-o", options.common.output, options.files)) return kExitBadInput;
  auto base = load_or_report(base_file, options.common.overrides);
  if (!base || !apply_common_options(*base, options.common)) return kExitBadInput;
  if (base->replications < 2) {
    std::cerr << "capsim: compare needs at least 2 replications (a confidence interval of each difference); got "
              << base->replications << '\n';
    return kExitBadInput;
  }
  std::vector<model::Scenario> scenarios;
  bool ok = true;
  for (const auto& spec : specs) {
    std::vector<std::string> overrides = options.common.overrides;
    overrides.insert(overrides.end(), spec.overrides.begin(), spec.overrides.end());
    auto scenario = load_or_report(spec.file, overrides);
    if (!scenario) {
      ok = false;
      continue;
    }
    // Common random numbers: the base's seed and replications for everyone; independent
    // streams: a seed of its own per variant.
    scenario->replications = base->replications;
    scenario->seed = experiment::variant_seed(base->seed, spec.name, options.independent);
    scenarios.push_back(std::move(*scenario));
  }
  if (!ok) return kExitBadInput;

  const auto start = std::chrono::steady_clock::now();
  const unsigned threads = options.common.threads;
  const model::CompiledModel base_model = model::compile(*base);
  // One bar over every variant's replications.
  experiment::ProgressBar bar(std::cerr, "replications",
                              static_cast<std::size_t>(base->replications) * (scenarios.size() + 1),
                              progress_is_live(options.quiet));
  const auto base_result = run_or_report(base_model, threads, bar.stepper());
  if (!base_result) return kExitBadInput;
  if (const auto warning = experiment::undrained_warning(*base_result))
    std::cerr << "capsim: base: " << *warning << '\n';
  std::vector<model::ExperimentResult> results;
  results.reserve(scenarios.size());
  for (const auto& scenario : scenarios) {
    auto result = run_or_report(model::compile(scenario), threads, bar.stepper());
    if (!result) return kExitBadInput;
    if (const auto warning = experiment::undrained_warning(*result))
      std::cerr << "capsim: variant " << specs[results.size()].name << ": " << *warning << '\n';
    results.push_back(std::move(*result));
  }
  bar.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  io::Comparison comparison;
  comparison.base_name = base_model.name;
  comparison.base_file = base_file;
  comparison.base = &*base_result;
  comparison.paired = !options.independent;
  comparison.seed = base->seed;
  comparison.replications = static_cast<std::size_t>(base->replications);
  for (std::size_t i = 0; i < specs.size(); ++i)
    comparison.variants.push_back({specs[i].name, specs[i].file, specs[i].overrides, &results[i],
                                   model::compare(*base_result, results[i], comparison.paired)});

  // Streamed to its destination as it is written: no copy of the report in memory.
  OutputFile file(options.common.output);
  if (!file.open()) return kExitBadInput;
  std::ostream& out = file.stream();
  io::RunInfo info{threads, wall, manifest_for(base_file, options.common.overrides, *base, threads)};
  info.intervals = !options.no_intervals;
  if (options.common.format == "json") {
    io::write_comparison_json(out, comparison, info);
  } else if (options.common.format == "html") {
    if (!write_html(
            out, {{[&](std::ostream& json) { io::write_comparison_json(json, comparison, info); }, "capsim compare"}}))
      return kExitInternalError;
  } else if (options.common.format == "csv") {
    io::write_comparison_csv(out, comparison);
  } else {
    io::write_comparison_table(out, comparison, info);
  }
  return file.commit() ? kExitOk : kExitBadInput;
}

}  // namespace

VerbRunner add_compare_verb(CLI::App& app) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* verb = app.add_subcommand(
      "compare", "Compare a base scenario with variants under common random numbers (paired differences)");
  verb->add_option("files", options->files, "Base scenario, then other scenario files to compare with it")->required();
  verb->add_option("--variant", options->variants,
                   "A variant of the base: NAME:key.path=value[,key.path=value...] (repeatable)");
  add_common_options(verb, options->common, "Number of replications, at least 2 (overrides the base file)");
  add_output_options(verb, options->common, {"table", "json", "csv", "html"});
  verb->add_flag("--quiet", options->quiet, "No progress bar on stderr (shown only on a terminal)");
  verb->add_flag("--no-intervals", options->no_intervals, "Table: leave the per-interval service levels out");
  verb->add_flag("--independent", options->independent,
                 "Give each variant its own random streams (Welch intervals), to see what pairing buys");
  return [options] { return compare(*options); };
}

}  // namespace capsim::cli
