// capsim run: simulate a scenario's replications and report KPI distributions.
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "models/experiment.h"
#include "models/io/report.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct RunOptions {
  std::string file;
  std::optional<int> replications;
  std::optional<std::uint64_t> seed;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> overrides;
  std::string format = "table";
  std::string output;
  bool check = false;
};

int run(const RunOptions& options) {
  auto scenario = load_or_report(options.file, options.overrides);
  if (!scenario) return kExitBadInput;
  if (options.replications) scenario->replications = *options.replications;
  if (options.seed) scenario->seed = *options.seed;
  const model::CompiledModel compiled = model::compile(*scenario);

  const auto start = std::chrono::steady_clock::now();
  const model::ExperimentResult result = model::run_experiment(compiled, options.threads);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostringstream out;
  const io::RunInfo info{options.threads, wall};
  if (options.format == "json")
    io::write_json(out, compiled, result, info);
  else if (options.format == "csv")
    io::write_csv(out, compiled, result);
  else
    io::write_table(out, compiled, result, info);
  if (!write_output(options.output, out.str())) return kExitBadInput;

  if (options.check) {
    // A check fails when an SLA's mean attainment across replications is below its target.
    int failed = 0;
    for (std::size_t k = 0; k < compiled.slas.size(); ++k) {
      const double attained = result.summaries[result.layout.of_sla(k, model::SlaKpi::attained)].mean;
      if (!(attained >= compiled.slas[k].target)) {
        std::cerr << "capsim: SLA " << compiled.slas[k].name << " missed: attained " << attained << ", target "
                  << compiled.slas[k].target << '\n';
        ++failed;
      }
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
  verb->add_option("-r,--replications", options->replications, "Number of replications (overrides the file)")
      ->check(CLI::Range(1, 10'000'000));
  verb->add_option("--seed", options->seed, "Base random seed (overrides the file)");
  verb->add_option("-j,--threads", options->threads, "Worker threads (results do not depend on it)")
      ->check(CLI::Range(1u, 1024u));
  verb->add_option("--set", options->overrides, "Override a scalar: key.path=value (repeatable)");
  verb->add_option("--format", options->format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}));
  verb->add_option("-o,--output", options->output, "Write to this file instead of stdout");
  verb->add_flag("--check", options->check, "Exit 1 when an SLA's mean attainment misses its target");
  return [options] { return run(*options); };
}

}  // namespace capsim::cli
