// The staffing search (`capsim staff`): agreement with Erlang C and A where the simulation
// can tell the boundary, minimality checked by brute force, determinism, and the written
// scenario reproducing the answer.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "../models/run_helpers.h"
#include "experiment/replication_run.h"
#include "experiment/staffing.h"
#include "models/io/scenario_writer.h"
#include "models/kpi_layout.h"
#include "models/queueing_theory.h"
#include "models/service_system.h"

namespace capsim::experiment {
namespace {

StaffingRequest request_for(model::Scenario scenario, unsigned threads = 2) {
  StaffingRequest request;
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) request.pools.push_back(p);
  request.targets = staffing_targets(scenario, {});
  request.scenario = std::move(scenario);
  request.threads = threads;
  return request;
}

// Every target of a staffing judged by running it afresh (not through the search).
struct Targets {
  std::vector<model::Judgement> all;  // intervals x SLAs, then the day's
};
Targets judge_independently(const StaffingRequest& request, const std::vector<std::vector<int>>& agents) {
  const model::CompiledModel model = model::compile(staffed_scenario(request, agents));
  const model::KpiLayout layout(model);
  const auto replications = static_cast<std::size_t>(model.replications);
  const std::size_t intervals = static_cast<std::size_t>(model.intervals), slas = model.slas.size();
  std::vector<std::vector<double>> hits((intervals + 1) * slas, std::vector<double>(replications, 0.0));
  auto trials = hits;
  for (std::size_t r = 0; r < replications; ++r) {
    const model::ReplicationResult run = model::run_replication(model, layout, r);
    for (std::size_t i = 0; i <= intervals; ++i)
      for (std::size_t k = 0; k < slas; ++k) {
        const std::size_t slot =
            i < intervals ? layout.of_interval_sla(i, k) : layout.of_sla(k, model::SlaKpi::attained);
        hits[i * slas + k][r] = std::isfinite(run.numerators[slot]) ? run.numerators[slot] : 0.0;
        trials[i * slas + k][r] = std::isfinite(run.denominators[slot]) ? run.denominators[slot] : 0.0;
      }
  }
  Targets t;
  for (std::size_t x = 0; x < hits.size(); ++x)
    t.all.push_back(
        model::judge_target(hits[x], trials[x], {true, model.slas[x % slas].target, true}, request.confidence));
  return t;
}

// The simulation can tell n - 1 from n when both closed-form levels lie well outside the
// attainment's interval of the target (3 half-widths of a binomial with `trials` trials).
void require_clear_boundary(double below, double at, double target, double trials) {
  const double half = 3.0 * std::sqrt(target * (1 - target) / trials);
  REQUIRE_MESSAGE(below < target - half, "the boundary is within noise: " << below);
  REQUIRE_MESSAGE(at > target + half, "the boundary is within noise: " << at);
}

TEST_CASE("on a stationary M/M/c, staff returns Erlang C's answer exactly") {
  auto request = request_for(test::load_scenario("scenarios/theory/mmc.yaml", {"horizon.length=200h"}));
  const double lambda = 18.0 / 60, mu = 1.0 / 60;
  const int erlang = *model::agents_for_service_level(lambda, mu, 20.0, 0.8, 0.0);
  require_clear_boundary(model::service_level(erlang - 1, lambda, mu, 20.0, 0.0),
                         model::service_level(erlang, lambda, mu, 20.0, 0.0), 0.8, 10 * 190 * 60 * 18 / 10.0);
  const model::StaffingAnswer answer = find_staffing(request);
  REQUIRE(answer.agents.size() == 1);
  CHECK(answer.agents[0] == std::vector<int>{erlang});
  CHECK(answer.unmet.empty());
  CHECK(answer.day[0].met);
}

TEST_CASE("with exponential patience, staff returns Erlang A's answer exactly") {
  auto request = request_for(test::load_scenario("scenarios/theory/mmc_patience.yaml", {"horizon.length=200h"}));
  const double lambda = 18.0 / 60, mu = 1.0 / 60, theta = 1.0 / 120;
  const int erlang = *model::agents_for_service_level(lambda, mu, 20.0, 0.8, theta);
  require_clear_boundary(model::service_level(erlang - 1, lambda, mu, 20.0, theta),
                         model::service_level(erlang, lambda, mu, 20.0, theta), 0.8, 10 * 190 * 60 * 18 / 10.0);
  const model::StaffingAnswer answer = find_staffing(request);
  CHECK(answer.agents[0] == std::vector<int>{erlang});
  CHECK(answer.agents[0][0] < *model::agents_for_service_level(lambda, mu, 20.0, 0.8, 0.0));
}

constexpr const char* kSmallDay = R"(
horizon: {start: "08:00", end: "11:00", interval: 30min}
replications: 12
seed: 5
customers:
  calls: {arrivals: {per_interval: [20, 45, 70, 70, 40, 15]}, patience: {dist: exponential, mean: 3min}, entry: phone}
pools:
  team: {agents: 8, absenteeism: 5%}
stages:
  phone: {service: {dist: lognormal, mean: 4min, cv: 0.8}, pools: [team]}
sla:
  answer_30s: {wait_within: 30s, target: 80%}
)";

model::Scenario small_day() {
  auto loaded = io::load_scenario_text(kSmallDay, "small.yaml");
  for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
  REQUIRE(loaded.scenario);
  return *loaded.scenario;
}

TEST_CASE("the answer meets every judged target, and removing any one agent breaks one (brute force)") {
  const auto request = request_for(small_day());
  const model::StaffingAnswer answer = find_staffing(request);
  REQUIRE(answer.unmet.empty());
  const Targets at_answer = judge_independently(request, answer.agents);
  for (const auto& j : at_answer.all) CHECK((!j.judged || j.met));
  for (std::size_t i = 0; i < answer.agents[0].size(); ++i) {
    if (answer.agents[0][i] == 0) continue;
    auto fewer = answer.agents;
    --fewer[0][i];
    const Targets without = judge_independently(request, fewer);
    bool broken = false;
    for (std::size_t t = 0; t < without.all.size(); ++t)
      broken = broken || (at_answer.all[t].met && !without.all[t].met);
    CHECK_MESSAGE(broken, "an agent at interval " << i << " can be removed");
  }
  // Time-varying demand: the requirement follows the load.
  CHECK(answer.agents[0][2] > answer.agents[0][0]);
  CHECK(answer.agents[0][5] < answer.agents[0][3]);
}

TEST_CASE("the staffing found is the same for any thread count") {
  const model::StaffingAnswer one = find_staffing(request_for(small_day(), 1));
  const model::StaffingAnswer two = find_staffing(request_for(small_day(), 2));
  CHECK(one.agents == two.agents);
  CHECK(one.evaluations == two.evaluations);
  CHECK(one.day[0].low == two.day[0].low);
}

TEST_CASE("resuming paused replications changes the search's cost, never its answer") {
  // Two targets with different thresholds (the look-ahead windows) on a multi-pool day.
  auto request = request_for(test::load_scenario("scenarios/theory/sinusoidal_day.yaml", {"replications=8"}));
  auto without = request;
  without.pause_memory_bytes = 0;
  auto thin = request;
  thin.pause_memory_bytes = 600'000;  // room for a few pauses only: they thin out
  const model::StaffingAnswer paused = find_staffing(request);
  for (const auto* other : {&without, &thin}) {
    const model::StaffingAnswer a = find_staffing(*other);
    CHECK(a.agents == paused.agents);
    CHECK(a.evaluations == paused.evaluations);
    REQUIRE(a.intervals.size() == paused.intervals.size());
    for (std::size_t i = 0; i < a.intervals.size(); ++i) {
      CHECK(a.intervals[i][0].low == paused.intervals[i][0].low);
      CHECK(a.intervals[i][0].high == paused.intervals[i][0].high);
    }
    CHECK(a.evaluation_cost > paused.evaluation_cost);
  }
  // A candidate differing from some interval on costs the part after it: the search costs
  // far fewer full runs than it makes evaluations.
  CHECK(paused.evaluation_cost < 0.7 * static_cast<double>(paused.evaluations));
}

TEST_CASE("a target that more agents cannot reach is reported unmet, and does not draw agents") {
  // The phone needs a CRM that is down from 09:00 to 09:30: nobody is answered then.
  std::string text = kSmallDay;
  text.replace(text.find("pools: [team]}"), 14, "pools: [team], needs: [crm]}");
  text += "systems:\n  crm: {down: [{from: \"09:00\", to: \"09:30\"}]}\n";
  auto loaded = io::load_scenario_text(text, "down.yaml");
  for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
  REQUIRE(loaded.scenario);
  const model::StaffingAnswer answer = find_staffing(request_for(*loaded.scenario));
  REQUIRE_FALSE(answer.unmet.empty());
  CHECK(answer.unmet.front() == std::make_pair(std::size_t{2}, std::size_t{0}));
  // Agents raised in vain at 09:00 went back in the descent: no more than its neighbours.
  CHECK(answer.agents[0][2] <= std::max(answer.agents[0][1], answer.agents[0][3]) + 2);
}

TEST_CASE("the written scenario runs exactly the answer's replications") {
  const std::string path = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/theory/mmc_patience.yaml";
  const std::vector<std::string> overrides{"horizon.length=50h"};
  auto request = request_for(test::load_scenario("scenarios/theory/mmc_patience.yaml", overrides));
  request.scenario.replications = 4;
  const model::StaffingAnswer answer = find_staffing(request);
  std::vector<io::Diagnostic> errors;
  const auto text = io::restaffed_scenario_text(path, overrides, {{"agents", answer.agents[0], {}}},
                                                request.scenario.seed, request.scenario.replications, errors);
  REQUIRE(text);
  CHECK(text->find("staffing: [") != std::string::npos);
  const auto loaded = io::load_scenario_text(*text, "staffed.yaml");
  REQUIRE(loaded.scenario);
  const auto rerun = run_experiment(model::compile(*loaded.scenario), 2);
  REQUIRE(rerun.summaries.size() == answer.result.summaries.size());
  for (std::size_t s = 0; s < rerun.summaries.size(); ++s) {
    const double a = rerun.summaries[s].mean, b = answer.result.summaries[s].mean;
    CHECK(((std::isnan(a) && std::isnan(b)) || a == b));
  }
}

TEST_CASE("on a sinusoidal Mt/M/st+M day staff meets every interval, where per-interval Erlang A misses many") {
  auto request = request_for(test::load_scenario("scenarios/theory/sinusoidal_day.yaml", {"replications=10"}));
  const model::StaffingAnswer answer = find_staffing(request);
  REQUIRE(answer.unmet.empty());
  std::size_t judged = 0;
  for (const auto& interval : answer.intervals) {
    judged += interval[0].judged;
    CHECK((!interval[0].judged || interval[0].met));
  }
  CHECK(judged == answer.intervals.size());
  // The closed forms' per-interval answers, run as a staffing: the backlog a falling load
  // inherits leaves many intervals far below the target (their exact upper end under it).
  std::vector<std::vector<int>> erlang(1);
  for (const auto& seed : answer.seeds[0]) erlang[0].push_back(*seed.erlang_a);
  const Targets closed_form = judge_independently(request, erlang);
  std::size_t missed = 0;
  for (std::size_t i = 0; i < answer.intervals.size(); ++i) missed += closed_form.all[i].high < 0.8;
  CHECK(missed >= 8);
}

TEST_CASE("the targets: every SLA without a staff: section, the section's with one, --sla choosing among them") {
  auto scenario = small_day();
  scenario.slas.push_back(scenario.slas[0]);
  scenario.slas.back().name = "answer_60s";
  REQUIRE(staffing_targets(scenario, {}).size() == 2);
  CHECK(staffing_targets(scenario, {"answer_60s"}).front().sla == "answer_60s");
  model::StaffTarget abandon;
  abandon.kpi = "abandon_rate";
  abandon.at_most = 0.05;
  model::StaffTarget risk;
  risk.sla = "answer_30s";
  risk.risk_at_most = 0.1;
  risk.per_interval = false;
  scenario.staff.targets = {abandon, risk};
  const auto from_section = staffing_targets(scenario, {});
  REQUIRE(from_section.size() == 2);  // answer_60s is not asked for
  CHECK(from_section[0].kpi == "abandon_rate");
  CHECK(from_section[1].risk_at_most == 0.1);
  const auto chosen = staffing_targets(scenario, {"answer_60s"});
  REQUIRE(chosen.size() == 2);  // the KPI target stays; answer_30s's risk is not chosen
  CHECK(chosen[0].kpi == "abandon_rate");
  CHECK(chosen[1].sla == "answer_60s");
  CHECK(chosen[1].per_interval);
}

TEST_CASE("an abandonment bound alone is met in every interval, with fewer agents than the SLA needs") {
  auto scenario = small_day();
  model::StaffTarget abandon;
  abandon.kpi = "abandon_rate";
  abandon.at_most = 0.08;
  scenario.staff.targets = {abandon};
  const auto request = request_for(scenario);
  REQUIRE(request.targets.size() == 1);
  const model::StaffingAnswer answer = find_staffing(request);
  REQUIRE(answer.unmet.empty());
  for (std::size_t i = 0; i < answer.intervals.size(); ++i)
    if (answer.intervals[i][0].judged) CHECK(answer.intervals[i][0].high <= 0.08);
  CHECK(answer.day[0].met);
  const model::StaffingAnswer sla = find_staffing(request_for(small_day()));
  int fewer = 0, total = 0;
  for (std::size_t i = 0; i < answer.agents[0].size(); ++i) {
    fewer += answer.agents[0][i];
    total += sla.agents[0][i];
  }
  CHECK(fewer < total);  // 8% may give up: a looser bound than 80% within 30 s
}

TEST_CASE("a risk target bounds the share of days that miss the SLA, judged by its exact upper end") {
  auto scenario = small_day();
  scenario.replications = 30;
  scenario.slas[0].target = 0.85;
  model::StaffTarget risk;
  risk.sla = "answer_30s";
  risk.risk_at_most = 0.15;
  risk.per_interval = false;
  scenario.staff.targets = {risk};
  const model::StaffingAnswer answer = find_staffing(request_for(scenario));
  REQUIRE(answer.targets.size() == 1);
  CHECK(answer.targets[0].name == "answer_30s.risk");
  CHECK_FALSE(answer.targets[0].per_interval);
  REQUIRE(answer.unmet.empty());
  const model::Judgement& day = answer.day[0];
  CHECK(day.trials == 30.0);
  CHECK(day.high <= 0.15);
  // The answer's run agrees: the share of its days that missed 85%.
  const auto& risks = answer.result.risks[0];
  CHECK(static_cast<double>(risks.misses) == day.numerator);
}

}  // namespace
}  // namespace capsim::experiment
