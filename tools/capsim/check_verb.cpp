// capsim check: statistical assertions on a scenario's KPIs, for CI pipelines. Each
// assertion passes when the KPI's whole 95% CI is on its good side, fails when the whole CI
// is on the bad side, and is inconclusive otherwise; replications are doubled up to
// --max-replications while any is inconclusive (replication r is the same in every run, so
// a longer run extends a shorter one). With --baseline, every KPI of a stored JSON result is
// compared with this run (Welch, with a Bonferroni-corrected confidence over the KPIs
// compared, so that noise across many KPIs does not fail a build) and a significant move in
// the bad direction beyond its tolerance fails.
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "models/assertions.h"
#include "models/io/diagnostics.h"
#include "models/io/scenario_loader.h"
#include "models/io/units.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

using Json = nlohmann::json;

struct CheckOptions {
  std::string file;
  std::vector<std::string> assertion_files;
  std::string baseline;
  std::vector<std::string> tolerances;
  std::optional<int> replications;
  int max_replications = 1000;
  std::optional<std::string> seed;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> overrides;
  bool allow_inconclusive = false;
  std::string junit;
};

// A bound or tolerance in the KPI's unit: fractions as 80% or 0.8, seconds as durations,
// hours as durations or plain hours, everything else as a plain number.
std::optional<double> parse_value(const std::string& text, model::KpiUnit unit) {
  switch (unit) {
    case model::KpiUnit::fraction: return io::parse_fraction(text);
    case model::KpiUnit::seconds: return io::parse_duration(text);
    case model::KpiUnit::hours: {
      if (const auto plain = io::parse_number(text)) return plain;
      if (const auto seconds = io::parse_duration(text)) return *seconds / 3600.0;
      return std::nullopt;
    }
    default: return io::parse_number(text);
  }
}

std::string expected_value(model::KpiUnit unit) {
  switch (unit) {
    case model::KpiUnit::fraction: return "a fraction such as 80% or 0.8";
    case model::KpiUnit::seconds: return "a duration such as 15s or 2min";
    case model::KpiUnit::hours: return "hours, such as 2 or 90min";
    default: return "a number";
  }
}

std::string shown(double x, model::KpiUnit unit) {
  if (!std::isfinite(x)) return "-";
  char text[48];
  switch (unit) {
    case model::KpiUnit::fraction: std::snprintf(text, sizeof text, "%.2f%%", 100 * x); break;
    case model::KpiUnit::seconds: std::snprintf(text, sizeof text, "%.2fs", x); break;
    default: std::snprintf(text, sizeof text, "%.4g", x); break;
  }
  return text;
}

struct Case {  // one line of the report and one JUnit test case
  std::string name;
  model::Verdict verdict = model::Verdict::inconclusive;
  std::string detail;
};

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
          out += ' ';  // not allowed in XML 1.0
        else
          out += c;
    }
  }
  return out;
}

std::string junit_xml(const std::vector<Case>& cases, bool allow_inconclusive, double seconds) {
  std::size_t failures = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += c.verdict == model::Verdict::fail || (c.verdict == model::Verdict::inconclusive && !allow_inconclusive);
    skipped += c.verdict == model::Verdict::inconclusive && allow_inconclusive;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites>\n  <testsuite name=\"capsim check\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << seconds << "\">\n";
  for (const auto& c : cases) {
    out << "    <testcase classname=\"capsim.check\" name=\"" << xml_escaped(c.name) << "\">";
    if (c.verdict == model::Verdict::fail)
      out << "<failure message=\"" << xml_escaped(c.detail) << "\"/>";
    else if (c.verdict == model::Verdict::inconclusive && !allow_inconclusive)
      out << "<failure message=\"inconclusive: " << xml_escaped(c.detail) << "\"/>";
    else if (c.verdict == model::Verdict::inconclusive)
      out << "<skipped message=\"inconclusive: " << xml_escaped(c.detail) << "\"/>";
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

struct ResolvedAssertion {
  model::Assertion source;
  model::KpiTarget target;
  double bound = 0;
};

// A baseline KPI: its summary (and per-replication values, when stored) in the JSON, and
// its slot in this run.
struct StoredKpi {
  sim::Summary summary;
  std::vector<double> values;
};
struct BaselineKpi {
  std::string path;
  std::size_t slot = 0;
  StoredKpi stored;
  double tolerance = 0;
};
struct Baseline {
  std::map<std::string, StoredKpi> kpis;
  std::optional<std::uint64_t> seed;
};

std::optional<StoredKpi> summary_from(const Json& json) {
  if (!json.is_object() || !json.contains("mean") || !json["mean"].is_number() || !json.contains("n") ||
      !json["n"].is_number_unsigned())
    return {};
  StoredKpi k;
  k.summary.mean = json["mean"].get<double>();
  k.summary.sd = json.contains("sd") && json["sd"].is_number() ? json["sd"].get<double>() : std::nan("");
  k.summary.n = json["n"].get<std::size_t>();
  if (json.contains("values") && json["values"].is_array())
    for (const auto& v : json["values"]) k.values.push_back(v.is_number() ? v.get<double>() : std::nan(""));
  return k;
}

// The stored result's KPIs by path (as in the JSON: kpis.K, classes.C.kpis.K, ...).
Baseline read_baseline(const std::string& path, std::string& problem) {
  Baseline baseline;
  auto& kpis = baseline.kpis;
  // A regular file of bounded size: a FIFO, a device or /dev/zero would block or never end.
  constexpr off_t kMaxBaselineBytes = off_t{1} << 30;
  struct stat info {};
  const bool readable = ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_size <= kMaxBaselineBytes;
  std::ifstream in;
  if (readable) in.open(path);
  if (!readable || !in) {
    problem =
        "cannot read the baseline; expected a regular JSON file (at most 1 GiB) written by capsim run "
        "--format json";
    return baseline;
  }
  const Json root = Json::parse(in, nullptr, false);
  if (root.is_discarded() || !root.is_object() || !root.contains("kpis") || !root["kpis"].is_object()) {
    problem = "is not a capsim JSON result (expected the output of capsim run --format json)";
    return baseline;
  }
  if (root.contains("seed") && root["seed"].is_number_unsigned()) baseline.seed = root["seed"].get<std::uint64_t>();
  for (const auto& [kpi, value] : root["kpis"].items())
    if (const auto s = summary_from(value)) kpis["kpis." + kpi] = *s;
  for (const char* section : {"classes", "pools", "stages", "systems"}) {
    if (!root.contains(section) || !root[section].is_object()) continue;
    for (const auto& [name, scope] : root[section].items()) {
      if (!scope.is_object() || !scope.contains("kpis")) continue;
      for (const auto& [kpi, value] : scope["kpis"].items())
        if (const auto s = summary_from(value)) kpis[std::string(section) + "." + name + ".kpis." + kpi] = *s;
    }
  }
  if (root.contains("slas") && root["slas"].is_object())
    for (const auto& [name, value] : root["slas"].items())
      if (const auto s = summary_from(value)) kpis["slas." + name + ".attained"] = *s;
  return baseline;
}

int check(const CheckOptions& options) {
  auto scenario = load_or_report(options.file, options.overrides);
  if (!scenario || !apply_run_options(*scenario, options.replications, options.seed)) return kExitBadInput;
  std::vector<model::Assertion> assertions = scenario->assertions;
  bool ok = true;
  for (const auto& file : options.assertion_files) {
    auto loaded = io::load_assertions_file(file);
    for (const auto& e : loaded.errors) std::cerr << e.format() << '\n';
    ok = ok && loaded.errors.empty();
    assertions.insert(assertions.end(), loaded.assertions.begin(), loaded.assertions.end());
  }
  if (!ok) return kExitBadInput;
  const model::CompiledModel first_model = model::compile(*scenario);
  const model::KpiLayout layout(first_model);
  if (assertions.empty() && options.baseline.empty()) {
    // Nothing asserted: every SLA must reach its target (as run --check).
    for (const auto& sla : first_model.slas) {
      model::Assertion a;
      a.kpi = "slas." + sla.name;
      char bound[32];
      std::snprintf(bound, sizeof bound, "%.17g", sla.target);
      a.bound = bound;
      a.origin = options.file;
      a.path = "sla." + sla.name + ".target";
      assertions.push_back(a);
    }
  }

  // Every path and bound is checked before anything runs.
  std::vector<ResolvedAssertion> resolved;
  for (const auto& a : assertions) {
    std::string problem;
    const auto target = resolve_or_suggest(layout, a.kpi, problem);
    std::optional<double> bound;
    if (target) {
      bound = parse_value(a.bound, target->unit);
      if (!bound)
        problem = "the bound of " + a.kpi + " must be " + expected_value(target->unit) + "; got \"" +
                  io::printable(a.bound) + "\"";
    }
    if (!target || !bound) {
      std::cerr << io::Diagnostic{a.origin, a.line, a.column, a.path + (target ? "" : ".kpi"), problem}.format()
                << '\n';
      ok = false;
      continue;
    }
    resolved.push_back({a, *target, *bound});
  }
  std::vector<BaselineKpi> baseline;
  bool paired = false;  // the baseline has per-replication values of the same seed: pair them
  if (!options.baseline.empty()) {
    std::string problem;
    const auto stored = read_baseline(options.baseline, problem);
    if (!problem.empty()) {
      std::cerr << "capsim: --baseline " << io::printable(options.baseline, 200) << ": " << problem << '\n';
      return kExitBadInput;
    }
    std::map<std::string, double> tolerances;
    for (const auto& text : options.tolerances) {
      const auto equals = text.find('=');
      std::string problem_here;
      const auto target =
          equals == std::string::npos ? std::nullopt : resolve_or_suggest(layout, text.substr(0, equals), problem_here);
      const auto value = target ? parse_value(text.substr(equals + 1), target->unit) : std::nullopt;
      if (!target || !value || *value < 0) {
        std::cerr << "capsim: --tolerance " << io::printable(text) << ": "
                  << (equals == std::string::npos ? "expected KPI_PATH=VALUE, such as kpis.abandon_rate=1%"
                      : !target                   ? problem_here
                                                  : "expected " + expected_value(target->unit) + ", at least 0")
                  << '\n';
        ok = false;
        continue;
      }
      tolerances[text.substr(0, equals)] = *value;
    }
    paired = stored.seed && *stored.seed == scenario->seed;
    for (const auto& [path, summary] : stored.kpis) {
      std::string unused;
      const auto target = model::resolve_kpi_path(layout, path, unused);
      if (!target || target->risk || target->better == model::Better::neither) continue;
      const auto tolerance = tolerances.find(path);
      baseline.push_back({path, target->slot, summary, tolerance == tolerances.end() ? 0.0 : tolerance->second});
      paired = paired && !summary.values.empty();
    }
  }
  if (!ok) return kExitBadInput;
  if (resolved.empty() && baseline.empty()) {
    std::cerr << "capsim: nothing to check: the scenario has no SLAs and no assertions (an assert: section, "
                 "--assertions FILE or --baseline FILE)\n";
    return kExitBadInput;
  }

  const auto start = std::chrono::steady_clock::now();
  const unsigned threads = usable_threads(options.threads);
  int replications = std::max(2, scenario->replications);
  const int most = std::max(replications, options.max_replications);
  std::vector<Case> cases;
  for (;;) {
    scenario->replications = replications;
    const model::CompiledModel compiled = model::compile(*scenario);
    const auto result = run_or_report(compiled, threads);
    if (!result) return kExitBadInput;
    cases.clear();
    bool undecided = false;
    for (const auto& a : resolved) {
      const auto j = model::judge(*result, a.target, a.bound, a.source.at_least);
      undecided = undecided || j.verdict == model::Verdict::inconclusive;
      std::ostringstream detail;
      detail << shown(j.estimate, a.target.unit) << " (95% CI " << shown(j.ci_low, a.target.unit) << " .. "
             << shown(j.ci_high, a.target.unit) << ", n=" << j.n << "), bound " << (a.source.at_least ? ">= " : "<= ")
             << shown(a.bound, a.target.unit);
      cases.push_back({a.source.kpi + (a.source.at_least ? " >= " : " <= ") + a.source.bound, j.verdict, detail.str()});
    }
    // Baseline: each KPI's move against its bad direction, Bonferroni over the KPIs compared.
    const double confidence = baseline.empty() ? 0.95 : 1.0 - 0.05 / static_cast<double>(baseline.size());
    for (const auto& b : baseline) {
      const auto& slot = result->layout.slots()[b.slot];
      sim::Difference d;
      if (paired) {
        std::vector<double> current;
        for (std::size_t r = 0; r < std::min(b.stored.values.size(), result->replications.size()); ++r)
          current.push_back(result->replications[r][b.slot]);
        d = sim::paired_difference(b.stored.values, current, confidence);
      } else {
        d = sim::welch_difference(b.stored.summary, result->summaries[b.slot], confidence);
      }
      const bool higher_is_better = slot.better == model::Better::higher;
      model::Verdict verdict = model::Verdict::pass;
      if (std::isfinite(d.ci_low) && (higher_is_better ? d.ci_high < -b.tolerance : d.ci_low > b.tolerance))
        verdict = model::Verdict::fail;
      std::ostringstream detail;
      detail << shown(result->summaries[b.slot].mean, slot.unit) << " vs baseline "
             << shown(b.stored.summary.mean, slot.unit) << (paired ? ", paired" : ", Welch") << " (difference "
             << shown(d.mean, slot.unit) << ", " << shown(d.ci_low, slot.unit) << " .. " << shown(d.ci_high, slot.unit)
             << " at " << shown(confidence, model::KpiUnit::fraction) << "; tolerance " << shown(b.tolerance, slot.unit)
             << ", " << (higher_is_better ? "higher" : "lower") << " is better)";
      cases.push_back({"baseline " + b.path, verdict, detail.str()});
    }
    if (!undecided || replications >= most) break;
    replications = std::min(most, 2 * replications);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int failed = 0, inconclusive = 0, baseline_failed = 0;
  for (const auto& c : cases) {
    const bool from_baseline = c.name.rfind("baseline ", 0) == 0;
    if (from_baseline && c.verdict == model::Verdict::pass) continue;  // only regressions are news
    std::cout << (c.verdict == model::Verdict::pass   ? "PASS  "
                  : c.verdict == model::Verdict::fail ? "FAIL  "
                                                      : "INCONCLUSIVE  ")
              << c.name << ": " << c.detail << '\n';
    failed += c.verdict == model::Verdict::fail;
    baseline_failed += from_baseline && c.verdict == model::Verdict::fail;
    inconclusive += c.verdict == model::Verdict::inconclusive;
  }
  if (!baseline.empty())
    std::cout << "baseline: " << baseline.size() << " KPIs compared ("
              << (paired ? "paired replication by replication" : "Welch: no per-replication values of this seed")
              << "), " << baseline_failed << " moved significantly in the bad direction\n";
  std::cout << resolved.size() + baseline.size() << " checks with " << replications << " replications: " << failed
            << " failed, " << inconclusive << " inconclusive\n";
  if (!options.junit.empty() && !write_output(options.junit, junit_xml(cases, options.allow_inconclusive, wall)))
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
  verb->add_option("--assertions", options->assertion_files, "A YAML file with an assert: list (repeatable)");
  verb->add_option("--baseline", options->baseline, "A stored capsim run --format json result to regress against");
  verb->add_option("--tolerance", options->tolerances,
                   "KPI_PATH=VALUE: a move in the bad direction up to VALUE is accepted (repeatable)");
  verb->add_option("-r,--replications", options->replications, "Replications to start with (overrides the file)")
      ->check(CLI::Range(2, 10'000'000));
  verb->add_option("--max-replications", options->max_replications,
                   "Double the replications up to this many while an assertion is inconclusive")
      ->check(CLI::Range(2, 10'000'000));
  verb->add_option("--seed", options->seed, "Base random seed (overrides the file)");
  verb->add_option("-j,--threads", options->threads, "Worker threads (results do not depend on it)")
      ->check(CLI::Range(1u, 1024u));
  verb->add_option("--set", options->overrides, "Override a scalar: key.path=value (repeatable)");
  verb->add_flag("--allow-inconclusive", options->allow_inconclusive,
                 "Exit 0 when nothing failed but some assertions stayed inconclusive");
  verb->add_option("--junit", options->junit, "Also write the verdicts as JUnit XML to this file");
  return [options] { return check(*options); };
}

}  // namespace capsim::cli
