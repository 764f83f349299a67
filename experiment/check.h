// `capsim check` as a library: assertions and a baseline judged on a model's replications,
// extended until every assertion is decided (experiment/sequential.h) with the error spent
// over the planned looks and the assertions (experiment/verdict.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "experiment/baseline.h"
#include "experiment/sequential.h"
#include "experiment/verdict.h"
#include "models/scenario.h"

namespace capsim::experiment {

struct CheckAssertion {
  model::Assertion source;  // where it was written, its text
  model::KpiTarget target;
  double bound = 0;
};

// Resolves assertions against the layout: unknown paths (with a suggestion), bounds that
// are not in the KPI's unit or outside its range. Problems come as located diagnostics
// ("file:line:col: path: problem").
std::vector<CheckAssertion> resolve_assertions(const std::vector<model::Assertion>& assertions,
                                               const model::KpiIndex& index, std::vector<std::string>& problems);

// The SLA-target assertions `check` makes when none are given (as `run --check`).
std::vector<model::Assertion> sla_target_assertions(const model::CompiledModel& model, const std::string& origin);

struct CheckCase {  // one line of the report and one JUnit test case
  std::string name;
  Verdict verdict = Verdict::inconclusive;
  std::string detail;
  bool from_baseline = false;
};

struct CheckReport {
  std::vector<CheckCase> cases;  // assertions in order, then baseline KPIs
  std::size_t replications = 0, looks = 0, looks_planned = 0;
  double assertion_confidence = 0, baseline_confidence = 0;
  bool paired = false;
  std::optional<std::string> warning;  // the run's (a clock window that did not drain)
};

// Runs the plan: looks at its counts while any assertion is inconclusive. The plan's most
// replications must have passed storage_problem. `done` after each replication (a progress
// bar).
CheckReport run_check(const model::CompiledModel& model, unsigned threads, const SequentialPlan& plan,
                      const std::vector<CheckAssertion>& assertions, const BaselinePlan& baseline,
                      const ReplicationDone& done = {});

// The verdicts as JUnit XML: one test case each, a failure for FAIL, and for INCONCLUSIVE a
// failure too unless `allow_inconclusive` (then skipped); `seconds` is the suite's time.
// Text is escaped for XML 1.0 (control characters it forbids become spaces).
// `scenario`: what the suite checks (the scenario file's stem), in the suite's name and each
// case's class, so that several model jobs in one pipeline keep histories of their own.
std::string junit_xml(const std::vector<CheckCase>& cases, bool allow_inconclusive, double seconds,
                      const std::string& scenario);
// The report of a check that could not run (exit 2): one case with an <error> holding
// `problems`, so the CI page says why instead of "no test report".
std::string junit_error_xml(const std::string& scenario, const std::string& problems);

// A value for a person, in the KPI's unit: 65.09%, 15.20s, 0.8123.
std::string shown(double value, model::KpiUnit unit);

}  // namespace capsim::experiment
