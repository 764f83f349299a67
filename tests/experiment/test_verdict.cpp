// check's statistics: verdicts on intervals, and error rates that hold over the looks of
// the sequential plan and over several assertions.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "../models/run_helpers.h"
#include "experiment/check.h"
#include "experiment/kpi_value.h"
#include "experiment/sequential.h"
#include "experiment/verdict.h"

using namespace capsim;
using experiment::Verdict;

namespace {

const char* kDesk = R"(
name: desk
horizon: {length: 10h}
customers: {caller: {arrivals: {rate: 30/h}, entry: desk}}
pools: {clerk: {agents: 1}}
stages: {desk: {service: {dist: exponential, mean: 1min}, pools: [clerk]}}
sla: {quick: {wait_within: 20s, target: 80%}}
)";

struct Rates {
  double pass = 0, fail = 0;
};

// `trials` checks of "mean >= bound" on normal data whose true mean is exactly the bound,
// each run as check runs it: looks at 4, 8, ..., 256 values, stopping at the first verdict.
Rates rates_on_the_bound(double confidence_per_look, int trials, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> value(10.0, 2.0);
  const auto looks = experiment::SequentialPlan{4, 256}.looks();
  int passed = 0, failed = 0;
  for (int t = 0; t < trials; ++t) {
    double sum = 0, squares = 0;
    std::size_t n = 0;
    Verdict verdict = Verdict::inconclusive;
    experiment::run_looks(
        looks,
        [&](std::size_t first, std::size_t last) {
          for (std::size_t i = first; i < last; ++i) {
            const double x = value(random);
            sum += x, squares += x * x, ++n;
          }
        },
        [&](std::size_t) {
          const double mean = sum / static_cast<double>(n);
          const double sd = std::sqrt((squares - n * mean * mean) / static_cast<double>(n - 1));
          verdict = experiment::judge_mean(mean, sd, n, 10.0, true, confidence_per_look).verdict;
          return verdict != Verdict::inconclusive;
        });
    passed += verdict == Verdict::pass;
    failed += verdict == Verdict::fail;
  }
  return {static_cast<double>(passed) / trials, static_cast<double>(failed) / trials};
}

}  // namespace

TEST_CASE("with the truth exactly on the bound, check passes or fails wrongly at most 2.5% each, over all looks") {
  const int trials = 4000;
  const std::size_t looks = experiment::SequentialPlan{4, 256}.looks().size();
  // 3 binomial standard errors above the stated 2.5%: a correct implementation exceeds it
  // about once in 700 seeds; the seed is fixed.
  const double slack = 3 * std::sqrt(0.025 * 0.975 / trials);
  const Rates spent = rates_on_the_bound(experiment::check_confidence(looks, 1), trials, 2026);
  INFO("wrong pass " << spent.pass << ", wrong fail " << spent.fail);
  CHECK(spent.pass <= 0.025 + slack);
  CHECK(spent.fail <= 0.025 + slack);
  // Without spending the error over the looks (95% at each look), the same loop errs far
  // more often: what the budget is for.
  const Rates naive = rates_on_the_bound(0.95, trials, 2026);
  INFO("95% at each look: wrong pass " << naive.pass << ", wrong fail " << naive.fail);
  CHECK(naive.pass > 0.05);
  CHECK(naive.fail > 0.05);
}

TEST_CASE("the confidence is spent over looks and assertions (Bonferroni)") {
  CHECK(experiment::check_confidence(1, 1) == doctest::Approx(0.95));
  CHECK(experiment::check_confidence(9, 4) == doctest::Approx(1 - 0.05 / 36));
  CHECK(experiment::check_confidence(0, 0) == doctest::Approx(0.95));
}

TEST_CASE("a verdict needs the whole interval on one side of the bound") {
  // mean 10, sd 1, n 100: 95% half-width 0.198
  CHECK(experiment::judge_mean(10, 1, 100, 9.7, true, 0.95).verdict == Verdict::pass);
  CHECK(experiment::judge_mean(10, 1, 100, 10.1, true, 0.95).verdict == Verdict::inconclusive);
  CHECK(experiment::judge_mean(10, 1, 100, 10.3, true, 0.95).verdict == Verdict::fail);
  CHECK(experiment::judge_mean(10, 1, 100, 10.3, false, 0.95).verdict == Verdict::pass);
  CHECK(experiment::judge_mean(10, 1, 100, 9.7, false, 0.95).verdict == Verdict::fail);
  CHECK(experiment::judge_mean(10, 1, 1, 0, true, 0.95).verdict == Verdict::inconclusive);  // one value
  // A risk: 0 misses of 10 replications is not "no risk" (exact interval up to 30.8%).
  CHECK(experiment::judge_proportion(0, 10, 0.2, false, 0.95).verdict == Verdict::inconclusive);
  CHECK(experiment::judge_proportion(0, 100, 0.2, false, 0.95).verdict == Verdict::pass);
}

TEST_CASE("assertion bounds are range-checked in the KPI's unit, with the assertion's position") {
  const auto model = test::compile_text(kDesk);
  const model::KpiLayout layout(model);
  const model::KpiIndex index(layout);
  const auto assertion = [](std::string kpi, std::string bound, bool at_least) {
    model::Assertion a;
    a.kpi = std::move(kpi);
    a.bound = std::move(bound);
    a.at_least = at_least;
    a.origin = "a.yaml";
    a.line = 3;
    a.column = 5;
    a.path = "assert.0";
    return a;
  };
  std::vector<std::string> problems;
  const auto ok =
      experiment::resolve_assertions({assertion("slas.quick", "80%", true), assertion("kpis.wait_mean", "15s", false),
                                      assertion("slas.quick.risk", "10%", false)},
                                     index, problems);
  CHECK(problems.empty());
  CHECK(ok.size() == 3);
  problems.clear();
  const auto bad = experiment::resolve_assertions(
      {assertion("kpis.abandon_rate", "5", false), assertion("kpis.wait_mean", "-2s", false),
       assertion("slas.quick.risk", "120%", false)},
      index, problems);
  CHECK(bad.empty());
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] ==
        "a.yaml:3:5: assert.0: the bound of kpis.abandon_rate must be a fraction from 0 to 100%; got \"5\"");
  CHECK(problems[1].find("the bound of kpis.wait_mean must be") != std::string::npos);
  CHECK(problems[2].find("a fraction from 0 to 100%") != std::string::npos);
}

TEST_CASE("default assertions state the SLA target in its shortest exact form") {
  const auto model = test::compile_text(kDesk);
  const auto assertions = experiment::sla_target_assertions(model, "x.yaml");
  REQUIRE(assertions.size() == 1);
  CHECK(assertions[0].bound == "0.8");
  CHECK(experiment::shortest_text(0.1 + 0.2) == "0.30000000000000004");
}

TEST_CASE("the KPI index resolves every path of the layout, intervals included, to its slot") {
  const auto model = test::compile_text(R"(
name: index
horizon: {start: "08:00", end: "10:00", interval: 30min}
customers: {caller: {arrivals: {rate: 30/h}, entry: desk}}
pools: {clerk: {agents: 1}}
stages: {desk: {service: {dist: exponential, mean: 1min}, pools: [clerk]}}
sla: {quick: {wait_within: 20s, target: 80%}}
)");
  const model::KpiLayout layout(model);
  const model::KpiIndex index(layout);
  std::string problem;
  std::size_t resolved = 0;
  for (const auto& path : index.paths()) {
    const auto target = index.resolve(path, problem);
    REQUIRE_MESSAGE(target, path);
    ++resolved;
  }
  CHECK(resolved == layout.size() + 2);  // every slot, and slas.quick, slas.quick.risk
  const auto interval = index.resolve("intervals.09:30.kpis.service_level.quick", problem);
  REQUIRE(interval);
  CHECK(interval->slot == layout.find(model::ScopeKind::interval, "09:30", "service_level.quick"));
  const auto scheduled = index.resolve("intervals.08:00.kpis.scheduled.clerk", problem);
  REQUIRE(scheduled);
  CHECK(scheduled->slot == layout.find(model::ScopeKind::interval, "08:00", "scheduled.clerk"));
  const auto attained = index.resolve("slas.quick", problem);
  REQUIRE(attained);
  CHECK(attained->slot == index.resolve("slas.quick.attained", problem)->slot);
  CHECK(index.resolve("slas.quick.risk", problem)->risk);
  CHECK_FALSE(index.resolve("intervals.07:00.kpis.offered", problem));
  CHECK(problem == "no KPI at \"intervals.07:00.kpis.offered\"");
}

TEST_CASE("JUnit XML: one case per verdict, inconclusive a failure unless allowed (then skipped), text escaped") {
  const std::vector<experiment::CheckCase> cases{
      {"kpis.abandon_rate <= 5%", Verdict::pass, "0.02 [0.01, 0.03]", false},
      {"slas.quick >= 80%", Verdict::fail, "0.7 < 0.8 & \"worse\"", false},
      {"kpis.wait_mean <= 20s", Verdict::inconclusive, "interval <straddles>\x01", true},
  };
  const std::string strict = experiment::junit_xml(cases, false, 1.5, "day & night");
  CHECK(strict.find("tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\" time=\"1.5\"") != std::string::npos);
  CHECK(strict.find("name=\"kpis.abandon_rate &lt;= 5%\"></testcase>") != std::string::npos);
  CHECK(strict.find("<failure message=\"0.7 &lt; 0.8 &amp; &quot;worse&quot;\"/>") != std::string::npos);
  CHECK(strict.find("<failure message=\"inconclusive: interval &lt;straddles&gt; \"/>") != std::string::npos);
  const std::string lenient = experiment::junit_xml(cases, true, 0, "day");
  CHECK(lenient.find("failures=\"1\" errors=\"0\" skipped=\"1\"") != std::string::npos);
  CHECK(lenient.find("<skipped message=\"inconclusive: ") != std::string::npos);
  CHECK(lenient.rfind("</testsuites>\n") == lenient.size() - 14);
  // The scenario names the suite and each case's class (two model jobs, two histories).
  CHECK(strict.find("<testsuite name=\"capsim check day &amp; night\"") != std::string::npos);
  CHECK(strict.find("<testcase classname=\"capsim.check.day &amp; night\" name=\"slas.quick &gt;= 80%\">") !=
        std::string::npos);
}

TEST_CASE("JUnit XML of a check that could not run: one case with an error holding every problem") {
  const std::string xml =
      experiment::junit_error_xml("day", "day.yaml:3:7: pools.a.agents: expected a whole number\nday.yaml:9:1: x <y>");
  CHECK(xml.find("tests=\"1\" failures=\"0\" errors=\"1\"") != std::string::npos);
  CHECK(xml.find("<error type=\"bad input\" message=\"day.yaml:3:7: pools.a.agents: expected a whole number\">") !=
        std::string::npos);
  CHECK(xml.find("day.yaml:9:1: x &lt;y&gt;</error>") != std::string::npos);
}
