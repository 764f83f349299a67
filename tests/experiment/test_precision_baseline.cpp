// --precision half-widths and the baseline comparison's rules.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

#include "../models/run_helpers.h"
#include "experiment/baseline.h"
#include "experiment/precision.h"
#include "experiment/replication_run.h"
#include "models/assertions.h"
#include "models/io/report.h"
#include "sim/summary.h"

using namespace capsim;

namespace {
const char* kDesk = R"(
name: desk
horizon: {length: 10h, warmup: 1h}
replications: 4
seed: 3
customers: {caller: {arrivals: {rate: 40/h}, patience: {dist: exponential, mean: 10min}, entry: desk}}
pools: {clerk: {agents: 1}}
stages: {desk: {service: {dist: exponential, mean: 1min}, pools: [clerk]}}
sla: {quick: {wait_within: 20s, target: 80%}}
)";

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = std::string(CAPSIM_BUILD_DIR) + "/" + name;
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("precision is judged on the Student-t half-width, not the interval clipped to the KPI's domain") {
  const auto model = test::compile_text(kDesk);
  auto result = experiment::run_experiment(model, 1);
  const model::KpiLayout layout(model);
  const model::KpiIndex index(layout);
  std::string problem;
  const auto target = experiment::parse_precision(index, "kpis.abandon_rate=±0.004", problem);
  REQUIRE_MESSAGE(target, problem);
  // A rare-abandonment point: mean 0.001, sd 0.004 over 4 replications; the 95% interval
  // [-0.0054, 0.0074] clips to [0, 0.0074], half 0.0037, but the real half-width is 0.0064.
  auto& s = result.summaries[target->kpi.slot];
  s.n = 4, s.mean = 0.001, s.sd = 0.004, s.ci_low = 0.0, s.ci_high = 0.0074;
  const double half = experiment::judged_half_width(result, target->kpi);
  CHECK(half == doctest::Approx(sim::student_t_critical(0.95, 3) * 0.004 / 2));
  CHECK_FALSE(experiment::precision_met(result, {*target}));
}

TEST_CASE("precision targets take the KPI's unit, or a percentage of its mean") {
  const model::KpiLayout layout(test::compile_text(kDesk));
  const model::KpiIndex index(layout);
  std::string problem;
  const auto seconds = experiment::parse_precision(index, "kpis.wait_mean=±2s", problem);
  REQUIRE_MESSAGE(seconds, problem);
  CHECK(seconds->half_width == 2.0);
  CHECK_FALSE(seconds->relative);
  const auto minutes = experiment::parse_precision(index, "kpis.wait_mean=0.5min", problem);
  REQUIRE(minutes);
  CHECK(minutes->half_width == 30.0);
  const auto relative = experiment::parse_precision(index, "kpis.wait_mean=±5%", problem);
  REQUIRE(relative);
  CHECK(relative->relative);
  CHECK(relative->half_width == doctest::Approx(0.05));
  const auto ascii = experiment::parse_precision(index, "kpis.wait_mean=+-2s", problem);
  REQUIRE_MESSAGE(ascii, problem);
  CHECK(ascii->half_width == 2.0);
  // A fraction: % is relative to the mean as for any KPI; pp are absolute percentage points.
  const auto points = experiment::parse_precision(index, "kpis.abandon_rate=+-1pp", problem);
  REQUIRE_MESSAGE(points, problem);
  CHECK_FALSE(points->relative);
  CHECK(points->half_width == doctest::Approx(0.01));
  const auto share = experiment::parse_precision(index, "kpis.abandon_rate=±10%", problem);
  REQUIRE(share);
  CHECK(share->relative);
  CHECK_FALSE(experiment::parse_precision(index, "kpis.wait_mean=±2pp", problem));
  CHECK(problem.find("applies to a fraction KPI") != std::string::npos);
  CHECK_FALSE(experiment::parse_precision(index, "kpis.wait_mean=±0", problem));
  CHECK_FALSE(experiment::parse_precision(index, "kpis.wait_mea=±2s", problem));
  CHECK(problem.find("did you mean \"kpis.wait_mean\"") != std::string::npos);
}

TEST_CASE("a baseline of one replication is refused: it has no spread to compare against") {
  const auto model = test::compile_text(kDesk);
  std::string problem;
  const auto path = write_temp("baseline_one.json", R"({"replications": 1, "seed": 3,
    "kpis": {"abandon_rate": {"mean": 0.1, "sd": null, "n": 1}}})");
  CHECK_FALSE(experiment::read_baseline(path, problem));
  CHECK(problem.find("at least 2") != std::string::npos);
}

TEST_CASE("a baseline from another scenario is a warning, from another version of this one a note") {
  std::string problem;
  const auto path = write_temp("baseline_origin.json", R"({"scenario": "desk", "replications": 2, "seed": 3,
    "manifest": {"scenario_file": "desk.yaml", "scenario_hash": "fnv1a64:0000000000000001", "seed": 3},
    "kpis": {"abandon_rate": {"mean": 0.1, "sd": 0.01, "n": 2}}})");
  const auto baseline = experiment::read_baseline(path, problem);
  REQUIRE(baseline);
  CHECK(baseline->scenario_name == "desk");
  CHECK(baseline->scenario_file == "desk.yaml");
  CHECK(experiment::baseline_origin(*baseline, "desk", "fnv1a64:0000000000000001").empty());
  CHECK(experiment::baseline_origin(*baseline, "desk", "fnv1a64:0000000000000002") ==
        "note: written from another version of this scenario (desk.yaml had fnv1a64:0000000000000001, this file has "
        "fnv1a64:0000000000000002): what moved is the change's doing, or chance within the error rate");
  CHECK(experiment::baseline_origin(*baseline, "front desk", "fnv1a64:0000000000000001")
            .starts_with("warning: written from another scenario, \"desk\" (desk.yaml), not \"front desk\""));
  // A result without a manifest (written by hand, or by an older capsim) says nothing.
  const auto bare = write_temp("baseline_bare.json", R"({"replications": 2, "seed": 3,
    "kpis": {"abandon_rate": {"mean": 0.1, "sd": 0.01, "n": 2}}})");
  const auto unknown = experiment::read_baseline(bare, problem);
  REQUIRE(unknown);
  CHECK(experiment::baseline_origin(*unknown, "desk", "fnv1a64:0000000000000002").empty());
}

TEST_CASE(
    "tolerances match by KPI (slas.NAME is slas.NAME.attained); unmatched ones and empty baselines are problems") {
  const model::KpiLayout layout(test::compile_text(kDesk));
  const model::KpiIndex index(layout);
  std::string problem;
  const auto path = write_temp("baseline_two.json", R"({"replications": 4, "seed": 3,
    "kpis": {"abandon_rate": {"mean": 0.1, "sd": 0.01, "n": 4}, "offered": {"mean": 400, "sd": 20, "n": 4}},
    "slas": {"quick": {"mean": 0.7, "sd": 0.05, "n": 4}}})");
  const auto baseline = experiment::read_baseline(path, problem);
  REQUIRE_MESSAGE(baseline, problem);
  std::map<std::size_t, double> tolerances;
  const auto sla = index.resolve("slas.quick", problem);
  REQUIRE(sla);
  tolerances[sla->slot] = 0.02;
  std::vector<std::string> problems;
  const auto plan = experiment::plan_baseline(*baseline, index, 3, tolerances, problems);
  CHECK(problems.empty());
  CHECK(plan.kpis.size() == 2);  // offered has no better direction
  bool sla_tolerated = false;
  for (const auto& k : plan.kpis) sla_tolerated = sla_tolerated || (k.slot == sla->slot && k.tolerance == 0.02);
  CHECK(sla_tolerated);
  CHECK_FALSE(plan.paired);  // no per-replication values

  const auto wait = index.resolve("kpis.wait_mean", problem);
  REQUIRE(wait);
  tolerances[wait->slot] = 5;  // not in the baseline
  problems.clear();
  (void)experiment::plan_baseline(*baseline, index, 3, tolerances, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("the baseline does not compare this KPI") != std::string::npos);

  const auto other = write_temp("baseline_other.json", R"({"replications": 4,
    "kpis": {"offered": {"mean": 400, "sd": 20, "n": 4}}})");
  const auto nothing = experiment::read_baseline(other, problem);
  REQUIRE(nothing);
  problems.clear();
  (void)experiment::plan_baseline(*nothing, index, 3, {}, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("shares no comparable KPI") != std::string::npos);
}

TEST_CASE("--tolerance texts resolve to layout slots in the KPI's unit; each bad text is one problem") {
  const model::KpiLayout layout(test::compile_text(kDesk));
  const model::KpiIndex index(layout);
  std::string problem;
  std::vector<std::string> problems;
  const auto tolerances = experiment::parse_tolerances(
      {"slas.quick=2%", "kpis.wait_mean=5s", "kpis.wait_mean=2min", "slas.quick.attained=1%"}, index, problems);
  CHECK(problems.empty());
  const auto sla = index.resolve("slas.quick", problem);
  const auto wait = index.resolve("kpis.wait_mean", problem);
  REQUIRE((sla && wait));
  REQUIRE(tolerances.size() == 2);  // the short and long SLA paths are one slot: the last wins
  CHECK(tolerances.at(sla->slot) == doctest::Approx(0.01));
  CHECK(tolerances.at(wait->slot) == doctest::Approx(120.0));  // in seconds

  problems.clear();
  const auto none = experiment::parse_tolerances(
      {"kpis.abandon_rate", "kpis.abandn_rate=1%", "kpis.abandon_rate=150%", "kpis.wait_mean=5", "slas.quick.risk=1%"},
      index, problems);
  CHECK(none.empty());
  REQUIRE(problems.size() == 5);
  CHECK(problems[0].find("expected KPI_PATH=VALUE") != std::string::npos);
  CHECK(problems[1].find("abandon_rate") != std::string::npos);  // the suggestion
  CHECK(problems[2].find("--tolerance kpis.abandon_rate=150%: expected") != std::string::npos);
  CHECK(problems[3].find("--tolerance kpis.wait_mean=5: expected") != std::string::npos);
  CHECK(problems[4].find("risk is not compared") != std::string::npos);
}

TEST_CASE("the JSON writer, the baseline reader and the KPI-path grammar agree on every KPI outside the intervals") {
  // Every scope the JSON nests: classes, pools, stages, systems, SLAs.
  const auto model = test::compile_text(R"(
name: every scope
horizon: {start: "08:00", end: "12:00", interval: 1h}
replications: 3
seed: 5
customers:
  caller: {arrivals: {rate: 50/h}, patience: {dist: exponential, mean: 5min}, entry: desk}
  writer: {arrivals: {rate: 10/h}, entry: desk}
pools: {clerk: {agents: 2}, senior: {agents: 1}}
stages:
  desk: {service: {dist: exponential, mean: 2min}, pools: [clerk, senior], needs: [crm], next: {back: 0.2, exit: 0.8}}
  back: {service: {dist: exponential, mean: 3min}, pools: [senior], abandonment: false}
systems: {crm: {down: [{from: "09:00", to: "09:10"}]}}
sla: {quick: {wait_within: 20s, target: 80%}, closed: {sojourn_within: 30min, target: 90%}}
)");
  const auto result = experiment::run_experiment(model, 1);
  const std::string path = std::string(CAPSIM_BUILD_DIR) + "/every_scope.json";
  {
    std::ofstream out(path);
    io::RunInfo info;
    info.replication_values = true;
    io::write_json(out, model, result, info);
  }
  std::string problem;
  const auto stored = experiment::read_baseline(path, problem);
  REQUIRE_MESSAGE(stored, problem);
  const model::KpiIndex index(result.layout);
  // Each stored KPI is a path of the grammar, naming the slot whose numbers it holds.
  std::size_t checked = 0;
  for (const auto& entry : stored->kpis) {
    const std::string& kpi_path = entry.first;  // a plain reference: clang 14 captures no structured binding
    const auto& kpi = entry.second;
    const auto target = index.resolve(kpi_path, problem);
    REQUIRE_MESSAGE(target, kpi_path << ": " << problem);
    REQUIRE_FALSE(target->risk);
    const sim::Summary& summary = result.summaries[target->slot];
    INFO(kpi_path);
    CHECK(kpi.summary.n == summary.n);
    if (std::isfinite(summary.mean)) CHECK(kpi.summary.mean == doctest::Approx(summary.mean).epsilon(1e-12));
    CHECK(kpi.values.size() == result.replications.size());
    ++checked;
  }
  // ... and every path of the grammar outside the intervals is in the JSON, but the SLA
  // paths the JSON holds in another shape (.met: 1 - risk; .risk its own fields) and KPIs
  // undefined in this run (null: no breaks, no mean break delay), which nothing compares.
  for (const auto& grammar_path : index.paths()) {
    if (grammar_path.rfind("intervals.", 0) == 0) continue;
    if (const auto target = index.resolve(grammar_path, problem);
        target && !target->risk && !std::isfinite(result.summaries[target->slot].mean))
      continue;
    if (grammar_path.ends_with(".met") || grammar_path.ends_with(".risk")) continue;
    const bool short_sla = grammar_path.rfind("slas.", 0) == 0 && !grammar_path.ends_with(".attained");
    INFO(grammar_path);
    CHECK((short_sla || stored->kpis.count(grammar_path) == 1));
  }
  CHECK(checked > 50);
}
