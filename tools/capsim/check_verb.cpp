// capsim check: statistical assertions and a baseline on a scenario's KPIs, for CI
// pipelines (the statistics are experiment/check.h's). Prints one line per assertion and per
// baseline regression, writes JUnit XML on request; exit 1 on a failure.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <streambuf>

#include "experiment/check.h"
#include "experiment/sweep.h"
#include "models/io/diagnostics.h"
#include "models/io/scenario_loader.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

using experiment::Verdict;

struct CheckOptions {
  std::string file;
  CommonOptions common;
  std::vector<std::string> assertion_files;
  std::string baseline;
  std::vector<std::string> tolerances;
  int max_replications = 1000;
  bool allow_inconclusive = false;
  std::string junit;
  bool quiet = false;
};

// What the suite checks, for the JUnit names: the scenario file's stem.
std::string scenario_stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

// Passes what is written on to `sink` and keeps a copy: the problems a check that cannot run
// prints, for its JUnit report.
class CopyingBuffer : public std::streambuf {
 public:
  explicit CopyingBuffer(std::streambuf* sink) : sink_(sink) {}
  const std::string& text() const { return text_; }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    text_ += static_cast<char>(c);
    return sink_->sputc(static_cast<char>(c));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    text_.append(s, static_cast<std::size_t>(n));
    return sink_->sputn(s, n);
  }
  int sync() override { return sink_->pubsync(); }

 private:
  std::streambuf* sink_;
  std::string text_;
};

int check(const CheckOptions& options) {
  auto scenario = load_or_report(options.file, options.common.overrides);
  if (!scenario || !apply_common_options(*scenario, options.common)) return kExitBadInput;
  if (options.common.replications && *options.common.replications < 2) {
    std::cerr << "capsim: -r: check needs at least 2 replications (a confidence interval); got "
              << *options.common.replications << '\n';
    return kExitBadInput;
  }
  scenario->replications = std::max(2, scenario->replications);
  std::vector<model::Assertion> assertions = scenario->assertions;
  bool ok = true;
  for (const auto& file : options.assertion_files) {
    auto loaded = io::load_assertions_file(file);
    for (const auto& e : loaded.errors) std::cerr << e.format() << '\n';
    ok = ok && loaded.errors.empty();
    assertions.insert(assertions.end(), loaded.assertions.begin(), loaded.assertions.end());
  }
  // The assertions that were read are resolved even when others were not, so that every
  // problem of the files is reported at once.
  const model::CompiledModel model = model::compile(*scenario);
  const model::KpiLayout layout(model);
  const model::KpiIndex index(layout);  // every path below resolves through it
  if (ok && assertions.empty() && options.baseline.empty())
    assertions = experiment::sla_target_assertions(model, options.file);

  // Every path, bound and tolerance is checked before anything runs.
  std::vector<std::string> problems;
  const auto resolved = experiment::resolve_assertions(assertions, index, problems);
  for (const auto& p : problems) std::cerr << p << '\n';
  ok = ok && problems.empty();
  experiment::BaselinePlan baseline;
  if (!options.baseline.empty()) {
    std::string problem;
    const auto stored = experiment::read_baseline(options.baseline, problem);
    if (!stored) {
      std::cerr << "capsim: --baseline " << io::printable(options.baseline, 200) << ": " << problem << '\n';
      return kExitBadInput;
    }
    const std::string origin =
        experiment::baseline_origin(*stored, scenario->name, experiment::file_hash(options.file));
    if (!origin.empty())
      std::cerr << "capsim: --baseline " << io::printable(options.baseline, 200) << ": " << origin << '\n';
    std::vector<std::string> tolerance_problems;
    const auto tolerances = experiment::parse_tolerances(options.tolerances, index, tolerance_problems);
    for (const auto& p : tolerance_problems) std::cerr << "capsim: " << p << '\n';
    if (!tolerance_problems.empty()) return kExitBadInput;
    std::vector<std::string> baseline_problems;
    baseline = experiment::plan_baseline(*stored, index, scenario->seed, tolerances, baseline_problems);
    for (const auto& p : baseline_problems)
      std::cerr << "capsim: --baseline " << io::printable(options.baseline, 200) << ": " << p << '\n';
    ok = ok && baseline_problems.empty();
  } else if (!options.tolerances.empty()) {
    std::cerr << "capsim: --tolerance applies to a --baseline comparison; give --baseline FILE\n";
    ok = false;
  }
  if (!ok) return kExitBadInput;
  if (resolved.empty() && baseline.kpis.empty()) {
    std::cerr << "capsim: nothing to check: the scenario has no SLAs and no assertions (an assert: section, "
                 "--assertions FILE or --baseline FILE)\n";
    return kExitBadInput;
  }
  const experiment::SequentialPlan plan{
      static_cast<std::size_t>(scenario->replications),
      static_cast<std::size_t>(std::max(scenario->replications, options.max_replications))};
  if (!storage_fits_or_report(model, resolved.empty() ? plan.initial : plan.most)) return kExitBadInput;

  const auto start = std::chrono::steady_clock::now();
  experiment::CheckReport report;
  // The bar's end is the next look's count: the run extends only while undecided.
  experiment::ProgressBar bar(std::cerr, "replications", plan.initial, progress_is_live(options.quiet));
  const std::vector<std::size_t> looks = plan.looks();
  experiment::ReplicationDone step;
  if (bar.live())
    step = [&] {
      if (bar.done() >= bar.total())
        for (const std::size_t count : looks)
          if (count > bar.done()) {
            bar.grow(count);
            break;
          }
      bar.step();
    };
  try {
    report = experiment::run_check(model, options.common.threads, plan, resolved, baseline, step);
    bar.finish();
  } catch (const model::PopulationLimitExceeded& e) {
    std::cerr << "capsim: " << e.what() << '\n';
    return kExitBadInput;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (report.warning) std::cerr << "capsim: " << *report.warning << '\n';

  int failed = 0, inconclusive = 0, baseline_failed = 0;
  for (const auto& c : report.cases) {
    if (c.from_baseline && c.verdict == Verdict::pass) continue;  // only regressions are news
    std::cout << (c.verdict == Verdict::pass   ? "PASS  "
                  : c.verdict == Verdict::fail ? "FAIL  "
                                               : "INCONCLUSIVE  ")
              << c.name << ": " << c.detail << '\n';
    failed += c.verdict == Verdict::fail;
    baseline_failed += c.from_baseline && c.verdict == Verdict::fail;
    inconclusive += c.verdict == Verdict::inconclusive;
  }
  if (!baseline.kpis.empty())
    std::cout << "baseline: " << baseline.kpis.size() << " KPIs compared ("
              << (report.paired ? "paired replication by replication" : "Welch: no per-replication values of this seed")
              << "), " << baseline_failed << " moved significantly in the bad direction\n";
  std::cout << resolved.size() + baseline.kpis.size() << " checks with " << report.replications
            << " replications: " << failed << " failed, " << inconclusive << " inconclusive\n";
  if (!options.junit.empty() &&
      !write_output(options.junit,
                    experiment::junit_xml(report.cases, options.allow_inconclusive, wall, scenario_stem(options.file))))
    return kExitBadInput;
  if (failed > 0 || (inconclusive > 0 && !options.allow_inconclusive)) return kExitCheckFailed;
  return kExitOk;
}

}  // namespace

VerbRunner add_check_verb(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* verb =
      app.add_subcommand("check", "Judge statistical assertions on a scenario's KPIs (exit 1 on a failure)");
  verb->add_option("file", options->file, "Scenario YAML file (its assert: section, if any, is judged)")->required();
  add_common_options(verb, options->common, "Replications to start with, at least 2 (overrides the file)");
  verb->add_option("--assertions", options->assertion_files, "A YAML file with an assert: list (repeatable)");
  verb->add_option("--baseline", options->baseline, "A stored capsim run --format json result to regress against");
  verb->add_option("--tolerance", options->tolerances,
                   "KPI_PATH=VALUE: a move in the bad direction up to VALUE is accepted (repeatable)");
  verb->add_option("--max-replications", options->max_replications,
                   "Double the replications up to this many while an assertion is inconclusive")
      ->check(CLI::Range(2, 10'000'000));
  verb->add_flag("--quiet", options->quiet, "No progress bar on stderr (shown only on a terminal)");
  verb->add_flag("--allow-inconclusive", options->allow_inconclusive,
                 "Exit 0 when nothing failed but some assertions stayed inconclusive");
  verb->add_option("--junit", options->junit, "Also write the verdicts as JUnit XML to this file");
  return [options] {
    if (!output_spares_inputs("--junit", options->junit, {options->file, options->baseline}) ||
        !output_spares_inputs("--junit", options->junit, options->assertion_files))
      return kExitBadInput;
    // A check that cannot run (exit 2) still leaves a JUnit report naming why.
    CopyingBuffer copy(std::cerr.rdbuf());
    std::streambuf* const original = std::cerr.rdbuf(&copy);
    int code = kExitInternalError;
    try {
      code = check(*options);
    } catch (...) {
      std::cerr.rdbuf(original);
      throw;
    }
    std::cerr.rdbuf(original);
    if (code == kExitBadInput && !options->junit.empty() &&
        !write_output(options->junit, experiment::junit_error_xml(scenario_stem(options->file), copy.text())))
      return kExitBadInput;
    return code;
  };
}

}  // namespace capsim::cli
