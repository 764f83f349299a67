#include "experiment/check.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "experiment/kpi_value.h"
#include "experiment/replication_run.h"
#include "models/io/diagnostics.h"

namespace capsim::experiment {

std::vector<CheckAssertion> resolve_assertions(const std::vector<model::Assertion>& assertions,
                                               const model::KpiIndex& index, std::vector<std::string>& problems) {
  std::vector<CheckAssertion> resolved;
  for (const auto& a : assertions) {
    std::string problem;
    const auto target = resolve_or_suggest(index, a.kpi, problem);
    std::optional<double> bound;
    if (target) {
      bound = parse_kpi_value(a.bound, target->unit);
      if (!bound) {
        problem = "the bound of " + a.kpi + " must be " + expected_kpi_value(target->unit) + "; got \"" +
                  io::printable(a.bound) + "\"";
      } else if (const auto range = kpi_value_range_problem(*bound, target->unit)) {
        problem = "the bound of " + a.kpi + " must be " + *range + "; got \"" + io::printable(a.bound) + "\"";
        bound.reset();
      }
    }
    if (!target || !bound) {
      problems.push_back(io::Diagnostic{a.origin, a.line, a.column, a.path + (target ? "" : ".kpi"), problem}.format());
      continue;
    }
    resolved.push_back({a, *target, *bound});
  }
  return resolved;
}

std::vector<model::Assertion> sla_target_assertions(const model::CompiledModel& model, const std::string& origin) {
  std::vector<model::Assertion> assertions;
  for (const auto& sla : model.slas) {
    model::Assertion a;
    a.kpi = "slas." + sla.name;
    a.bound = shortest_text(sla.target);
    a.origin = origin;
    a.path = "sla." + sla.name + ".target";
    assertions.push_back(a);
  }
  return assertions;
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

namespace {

std::string percent(double confidence) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g%%", 100 * confidence);
  return text;
}

std::vector<CheckCase> judge_all(const model::ExperimentResult& result, const std::vector<CheckAssertion>& assertions,
                                 const BaselinePlan& baseline, double assertion_confidence,
                                 double baseline_confidence) {
  std::vector<CheckCase> cases;
  for (const auto& a : assertions) {
    const auto j = judge(result, a.target, a.bound, a.source.at_least, assertion_confidence);
    const auto unit = a.target.unit;
    const std::string detail = shown(j.estimate, unit) + " (" + percent(assertion_confidence) + " CI " +
                               shown(j.ci_low, unit) + " .. " + shown(j.ci_high, unit) + ", n=" + std::to_string(j.n) +
                               "), bound " + (a.source.at_least ? ">= " : "<= ") + shown(a.bound, unit);
    cases.push_back({a.source.kpi + (a.source.at_least ? " >= " : " <= ") + a.source.bound, j.verdict, detail, false});
  }
  for (const auto& b : baseline.kpis) {
    const auto j = judge_baseline(result, b, baseline.paired, baseline_confidence);
    const auto& slot = result.layout.slots()[b.slot];
    const auto& d = j.difference;
    const std::string detail = shown(result.summaries[b.slot].mean, slot.unit) + " vs baseline " +
                               shown(b.stored.summary.mean, slot.unit) + (baseline.paired ? ", paired" : ", Welch") +
                               " (difference " + shown(d.mean, slot.unit) + ", " + shown(d.ci_low, slot.unit) + " .. " +
                               shown(d.ci_high, slot.unit) + " at " + percent(baseline_confidence) + "; tolerance " +
                               shown(b.tolerance, slot.unit) + ", " +
                               (slot.better == model::Better::higher ? "higher" : "lower") + " is better)";
    cases.push_back({"baseline " + b.path, j.verdict, detail, true});
  }
  return cases;
}

}  // namespace

CheckReport run_check(const model::CompiledModel& model, unsigned threads, const SequentialPlan& plan,
                      const std::vector<CheckAssertion>& assertions, const BaselinePlan& baseline,
                      const ReplicationDone& done) {
  CheckReport report;
  // Only assertions extend the run; without any, the first look is the only one.
  const std::size_t looks_planned = assertions.empty() ? 1 : plan.looks().size();
  SequentialPlan used = plan;
  if (assertions.empty()) used.most = used.initial;
  report.looks_planned = looks_planned;
  report.assertion_confidence = check_confidence(looks_planned, assertions.size());
  // The baseline is judged at whichever look stops the run: its error is spent over the
  // looks too, and over the KPIs compared.
  report.baseline_confidence = check_confidence(looks_planned, baseline.kpis.size());
  report.paired = baseline.paired;
  const auto outcome = extend_until_decided(
      model, threads, used,
      [&](const model::ExperimentResult& result, std::size_t) {
        for (const auto& a : assertions)
          if (judge(result, a.target, a.bound, a.source.at_least, report.assertion_confidence).verdict ==
              Verdict::inconclusive)
            return false;
        return true;
      },
      nullptr, done);
  report.looks = outcome.looks;
  report.replications = outcome.result.replications.size();
  report.warning = undrained_warning(outcome.result);
  report.cases =
      judge_all(outcome.result, assertions, baseline, report.assertion_confidence, report.baseline_confidence);
  return report;
}

namespace {
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
}  // namespace

std::string junit_xml(const std::vector<CheckCase>& cases, bool allow_inconclusive, double seconds,
                      const std::string& scenario) {
  std::size_t failures = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += c.verdict == Verdict::fail || (c.verdict == Verdict::inconclusive && !allow_inconclusive);
    skipped += c.verdict == Verdict::inconclusive && allow_inconclusive;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites>\n  <testsuite name=\"capsim check " << xml_escaped(scenario) << "\" tests=\"" << cases.size()
      << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << seconds << "\">\n";
  for (const auto& c : cases) {
    out << "    <testcase classname=\"capsim.check." << xml_escaped(scenario) << "\" name=\"" << xml_escaped(c.name)
        << "\">";
    if (c.verdict == Verdict::fail)
      out << "<failure message=\"" << xml_escaped(c.detail) << "\"/>";
    else if (c.verdict == Verdict::inconclusive && !allow_inconclusive)
      out << "<failure message=\"inconclusive: " << xml_escaped(c.detail) << "\"/>";
    else if (c.verdict == Verdict::inconclusive)
      out << "<skipped message=\"inconclusive: " << xml_escaped(c.detail) << "\"/>";
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

std::string junit_error_xml(const std::string& scenario, const std::string& problems) {
  const std::string first = problems.substr(0, problems.find('\n'));
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites>\n  <testsuite name=\"capsim check " << xml_escaped(scenario)
      << "\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\">\n"
      << "    <testcase classname=\"capsim.check." << xml_escaped(scenario) << "\" name=\"the check could run\">"
      << "<error type=\"bad input\" message=\"" << xml_escaped(first) << "\">" << xml_escaped(problems)
      << "</error></testcase>\n  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace capsim::experiment
