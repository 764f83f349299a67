// The roster search (`capsim schedule`): the covering program against enumeration, the
// templates' placements and what they cover, and the whole loop on a small day: the roster
// covers the requirement, meets every target when simulated afresh, and is the same for
// any thread count.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../models/run_helpers.h"
#include "experiment/covering_program.h"
#include "experiment/schedule.h"
#include "models/io/scenario_loader.h"
#include "models/io/scenario_writer.h"
#include "models/shift_templates.h"
#include "sim/random.h"

namespace capsim::experiment {
namespace {

// The cheapest x in {0..top}^n meeting every row, by enumeration; infinity when none does.
double enumerated_optimum(const CoveringProgram& program, int top) {
  const std::size_t n = program.cost.size();
  std::vector<int> x(n, 0);
  double best = std::numeric_limits<double>::infinity();
  for (;;) {
    bool feasible = true;
    for (const CoveringRow& row : program.rows) {
      double sum = 0.0;
      for (const auto& [j, a] : row.terms) sum += a * x[j];
      feasible = feasible && sum >= row.lower - 1e-9 && sum <= row.upper + 1e-9;
    }
    if (feasible) {
      double cost = 0.0;
      for (std::size_t j = 0; j < n; ++j) cost += program.cost[j] * x[j];
      best = std::min(best, cost);
    }
    std::size_t j = 0;
    while (j < n && x[j] == top) x[j++] = 0;
    if (j == n) return best;
    ++x[j];
  }
}

TEST_CASE("the covering program finds the optimum that enumeration finds, on random shift-covering instances") {
  // Five shifts over eight intervals, each covering a run of intervals (some half an
  // interval at an end, as a break or a start off the boundary would), random demands and
  // costs; a bound on two shifts together, as a day's max_agents makes.
  sim::RandomStream random(2004);
  for (int instance = 0; instance < 40; ++instance) {
    INFO("instance " << instance);
    CoveringProgram program;
    const std::size_t shifts = 5, intervals = 8;
    std::vector<CoveringRow> cover(intervals);
    for (std::size_t j = 0; j < shifts; ++j) {
      program.cost.push_back(std::floor(10.0 + 30.0 * random.uniform01()));
      program.upper.push_back(std::numeric_limits<double>::infinity());
      const auto first = static_cast<std::size_t>(random.uniform01() * 5.0);
      const std::size_t last = std::min(intervals - 1, first + 2 + static_cast<std::size_t>(random.uniform01() * 4.0));
      for (std::size_t i = first; i <= last; ++i)
        cover[i].terms.emplace_back(j, i == last && random.uniform01() < 0.3 ? 0.5 : 1.0);
    }
    for (std::size_t i = 0; i < intervals; ++i) {
      cover[i].lower = std::floor(random.uniform01() * 4.0);
      if (!cover[i].terms.empty() && cover[i].lower > 0.0) program.rows.push_back(cover[i]);
    }
    CoveringRow pair;
    pair.terms = {{0, 1.0}, {1, 1.0}};
    pair.upper = 5.0;
    program.rows.push_back(pair);
    const double optimum = enumerated_optimum(program, 8);
    const CoveringSolution solved = solve_covering(program, 30.0);
    if (!std::isfinite(optimum)) {
      CHECK(solved.status == CoveringStatus::infeasible);
      continue;
    }
    REQUIRE(solved.status == CoveringStatus::optimal);
    CHECK(solved.cost == doctest::Approx(optimum));
    CHECK(solved.lp_bound <= solved.cost + 1e-6);
    CHECK(solved.gap() >= -1e-9);
  }
}

TEST_CASE("a program whose bounds forbid the cover is infeasible") {
  CoveringProgram program{.cost = {1.0}, .upper = {3.0}, .rows = {{.terms = {{0, 1.0}}, .lower = 4.0}}};
  CHECK(solve_covering(program, 10.0).status == CoveringStatus::infeasible);
}

model::Scenario load(const std::string& text) {
  auto loaded = io::load_scenario_text(text, "inline.yaml");
  for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
  REQUIRE(loaded.scenario.has_value());
  return *loaded.scenario;
}

TEST_CASE("templates read every key, with their defaults") {
  const model::Scenario scenario = load(R"(
horizon: {start: "Mon 07:00", days: 1, interval: 30min}
customers: {calls: {arrivals: {rate: 10/h}, entry: desk}}
pools:
  team:
    agents: 3
    templates:
      - name: early
        start: {from: "07:00", to: "09:00", every: 1h}
        length: [6h, 8.5h]
        breaks: [{after: [2h, 3h], length: 15min}, {after: 4h, length: 30min, every: 15min}]
        cost: 25/h
        min: 2
        max: 9
        days: [mon, fri]
      - {start: "12:00", length: 4h}
    max_agents: 20
    cost: 30/h
stages: {desk: {service: {dist: exponential, mean: 5min}, pools: [team]}}
)");
  const model::Pool& pool = scenario.pools[0];
  CHECK(pool.roster_given);
  CHECK(pool.staffing == std::vector<int>{3});
  CHECK(pool.max_agents_per_day == 20);
  REQUIRE(pool.templates.size() == 2);
  const model::ShiftTemplate& early = pool.templates[0];
  CHECK(early.name == "early");
  CHECK(early.start_from == 7 * 3600.0);
  CHECK(early.start_to == 9 * 3600.0);
  CHECK(early.start_every == 3600.0);
  CHECK(early.lengths == std::vector<double>{6 * 3600.0, 8.5 * 3600.0});
  REQUIRE(early.breaks.size() == 2);
  CHECK(early.breaks[0].after_min == 2 * 3600.0);
  CHECK(early.breaks[0].after_max == 3 * 3600.0);
  CHECK(early.breaks[0].every == 3600.0);  // the start step
  CHECK(early.breaks[0].length_seconds == 900.0);
  CHECK(early.breaks[1].after_min == early.breaks[1].after_max);
  CHECK(early.breaks[1].every == 900.0);
  CHECK(early.cost_per_hour == 25.0);
  CHECK(early.min == 2);
  CHECK(early.max == 9);
  CHECK(early.weekdays == std::vector<int>{0, 4});
  const model::ShiftTemplate& plain = pool.templates[1];
  CHECK(plain.name == "team.1");
  CHECK(plain.start_from == plain.start_to);
  CHECK_FALSE(plain.cost_per_hour.has_value());
  CHECK(plain.min == 0);
  CHECK_FALSE(plain.max.has_value());
  CHECK(plain.weekdays.empty());
  CHECK(plain.position == 1);
}

TEST_CASE("a template's placements: each start, length and break placement, covering what is worked") {
  const model::Scenario scenario = load(R"(
horizon: {start: "08:00", end: "12:00", interval: 1h}
customers: {calls: {arrivals: {rate: 10/h}, entry: desk}}
pools:
  team:
    templates:
      - start: {from: "08:00", to: "09:00", every: 1h}
        length: [3h, 4h]
        breaks: [{after: [1h, 2h], length: 15min, every: 1h}]
        cost: 20/h
stages: {desk: {service: {dist: exponential, mean: 5min}, pools: [team]}}
)");
  const auto all = model::placements(scenario, 0, 1);
  // 2 starts x 2 lengths x 2 break placements.
  REQUIRE(all.size() == 8);
  const model::Placement& first = all[0];  // 08:00, 3h, break at 09:00
  CHECK(first.start == 8 * 3600.0);
  CHECK(first.length == 3 * 3600.0);
  REQUIRE(first.break_after == std::vector<double>{3600.0});
  const std::vector<std::pair<int, double>> cover{{0, 1.0}, {1, 0.75}, {2, 1.0}};
  CHECK(first.cover == cover);
  CHECK(first.present == std::vector<std::pair<int, double>>{{0, 1.0}, {1, 1.0}, {2, 1.0}});
  CHECK(first.paid_hours == doctest::Approx(3.0));
  CHECK(first.cost == doctest::Approx(60.0));
  // 09:00 for 4 hours runs past the horizon's end at 12:00: paid and covering inside it.
  const model::Placement& late = all[7];
  CHECK(late.start == 9 * 3600.0);
  CHECK(late.length == 4 * 3600.0);
  CHECK(late.paid_hours == doctest::Approx(3.0));
  CHECK(late.cover == std::vector<std::pair<int, double>>{{1, 1.0}, {2, 1.0}, {3, 0.75}});
  // The roster line: its break window exactly its length.
  const model::Shift line = model::roster_line(first, scenario.pools[0].templates[0], 4);
  CHECK(line.start == 8 * 3600.0);
  CHECK(line.end == 11 * 3600.0);
  CHECK(line.agents == 4);
  REQUIRE(line.breaks.size() == 1);
  CHECK(line.breaks[0].window_start == 9 * 3600.0);
  CHECK(line.breaks[0].window_end == 9 * 3600.0 + 900.0);
  CHECK(line.breaks[0].length_seconds == 900.0);
}

TEST_CASE("the cover is counted in slots that every template time falls on: a break empties its slot") {
  const model::Scenario scenario = load(R"(
horizon: {start: "08:00", end: "12:00", interval: 1h}
customers: {calls: {arrivals: {rate: 10/h}, entry: desk}}
pools:
  team:
    templates: [{start: "08:00", length: 4h, breaks: [{after: 90min, length: 15min}]}]
stages: {desk: {service: {dist: exponential, mean: 5min}, pools: [team]}}
)");
  // 1h, 4h, 90 min and 15 min: quarter hours.
  REQUIRE(model::cover_slots(scenario) == 4);
  const auto all = model::placements(scenario, 0, 4);
  REQUIRE(all.size() == 1);
  // 16 quarter hours, the 7th (09:30-09:45) on the break.
  std::vector<std::pair<int, double>> expected;
  for (int k = 0; k < 16; ++k)
    if (k != 6) expected.emplace_back(k, 1.0);
  CHECK(all[0].cover == expected);
  CHECK(all[0].present == std::vector<std::pair<int, double>>{{0, 1.0}, {1, 1.0}, {2, 1.0}, {3, 1.0}});
}

TEST_CASE("templates with days roster each weekday of the horizon; one without, every day") {
  const model::Scenario scenario = load(R"(
horizon: {start: "Fri 00:00", days: 3, interval: 1h}
customers: {calls: {arrivals: {rate: 10/h}, entry: desk}}
pools:
  team:
    templates:
      - {start: "08:00", length: 8h, days: [fri, sun, mon]}
      - {start: "22:00", length: 8h}
stages: {desk: {service: {dist: exponential, mean: 5min}, pools: [team]}}
)");
  const auto all = model::placements(scenario, 0, 1);
  REQUIRE(all.size() == 3);
  CHECK(all[0].weekday == 4);  // Friday
  CHECK(all[1].weekday == 6);  // Sunday (Monday is outside the horizon)
  CHECK(all[0].cover.front().first == 8);
  CHECK(all[1].cover.front().first == 48 + 8);
  // The night shift works every day: Thursday's night reaches into Friday, Sunday's is cut
  // at the horizon's end; 6 + 8 + 8 + 2 hours inside.
  CHECK(all[2].weekday == -1);
  CHECK(all[2].paid_hours == doctest::Approx(24.0));
  CHECK(all[2].cover.front() == std::pair<int, double>{0, 1.0});
}

constexpr const char* kSmallDay = R"(
name: Small roster
horizon: {start: "08:00", end: "16:00", interval: 30min}
replications: 8
seed: 11
customers:
  calls:
    arrivals: {per_interval: [20, 35, 50, 60, 60, 55, 50, 45, 45, 50, 55, 50, 40, 30, 25, 20]}
    patience: {dist: exponential, mean: 4min}
    entry: desk
pools:
  team:
    templates:
      - name: full
        start: {from: "08:00", to: "09:00", every: 30min}
        length: 7h
        breaks: [{after: [3h, 4h], length: 30min}]
      - {name: short, start: {from: "08:00", to: "12:00", every: 1h}, length: 4h, cost: 25/h}
    cost: 30/h
stages: {desk: {service: {dist: exponential, mean: 4min}, pools: [team]}}
sla:
  answer_20s: {wait_within: 20s, target: 80%}
)";

ScheduleRequest schedule_request(unsigned threads) {
  ScheduleRequest request;
  request.staffing.scenario = load(kSmallDay);
  request.staffing.pools = {0};
  request.staffing.targets = staffing_targets(request.staffing.scenario, {});
  request.staffing.threads = threads;
  return request;
}

TEST_CASE("the roster covers the requirement, meets every target when simulated afresh, and costs what it says") {
  const ScheduleRequest request = schedule_request(2);
  const ScheduleAnswer answer = find_schedule(request);
  REQUIRE(answer.status == ScheduleStatus::met);
  REQUIRE(answer.result.has_value());
  CHECK(answer.program.status == CoveringStatus::optimal);
  CHECK(answer.program.lp_bound <= answer.program.cost + 1e-6);
  double cost = 0.0;
  for (std::size_t i = 0; i < answer.required[0].size(); ++i) {
    INFO("interval " << i);
    CHECK(answer.covered[0][i] >= answer.required[0][i] - 1e-9);
    CHECK(answer.required[0][i] >= answer.staffing.agents[0][i]);  // raises only raise
    CHECK(answer.present[0][i] >= answer.covered[0][i]);
  }
  for (const RosterLine& line : answer.roster[0]) cost += line.placement.cost * static_cast<double>(line.agents);
  CHECK(cost == doctest::Approx(answer.program.cost));
  // Judged afresh on the rostered scenario: every target met, as the answer says.
  const TargetVerdicts fresh = judge_targets(request.staffing, rostered_scenario(request, answer.roster));
  CHECK(fresh.unmet.empty());
  for (std::size_t i = 0; i < fresh.intervals.size(); ++i)
    CHECK(fresh.intervals[i][0].low == answer.verdicts.intervals[i][0].low);
  // The rostered scenario, written and read back, is the same roster.
  std::vector<io::PoolStaffing> written{{"team", {}, rostered_scenario(request, answer.roster).pools[0].shifts}};
  const std::string path = std::string(CAPSIM_BUILD_DIR) + "/schedule_small.yaml";
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs(kSmallDay, file);
    std::fclose(file);
  }
  std::vector<io::Diagnostic> errors;
  const auto text = io::restaffed_scenario_text(path, {}, written, request.staffing.scenario.seed,
                                                request.staffing.scenario.replications, errors);
  REQUIRE(text.has_value());
  const model::Scenario reread = load(*text);
  REQUIRE(reread.pools[0].shifts.size() == answer.roster[0].size());
  const model::Scenario rostered = rostered_scenario(request, answer.roster);
  for (std::size_t s = 0; s < reread.pools[0].shifts.size(); ++s) {
    const model::Shift &a = reread.pools[0].shifts[s], &b = rostered.pools[0].shifts[s];
    CHECK(a.start == b.start);
    CHECK(a.end == b.end);
    CHECK(a.agents == b.agents);
    REQUIRE(a.breaks.size() == b.breaks.size());
    for (std::size_t k = 0; k < a.breaks.size(); ++k) {
      CHECK(a.breaks[k].window_start == b.breaks[k].window_start);
      CHECK(a.breaks[k].window_end == b.breaks[k].window_end);
      CHECK(a.breaks[k].length_seconds == b.breaks[k].length_seconds);
    }
  }
  CHECK(reread.pools[0].templates.size() == 2);  // kept, to schedule again
}

TEST_CASE("the roster found is the same for any thread count") {
  const ScheduleAnswer one = find_schedule(schedule_request(1));
  const ScheduleAnswer two = find_schedule(schedule_request(2));
  REQUIRE(one.program.x == two.program.x);
  CHECK(one.required == two.required);
  CHECK(one.rounds == two.rounds);
}

TEST_CASE("an interval with demand that no template works is reported, not rostered") {
  ScheduleRequest request = schedule_request(2);
  // Only the full shift, starting at 08:00: nobody works 15:00-16:00.
  request.staffing.scenario.pools[0].templates.pop_back();
  request.staffing.scenario.pools[0].templates[0].start_to = 8 * 3600.0;
  const ScheduleAnswer answer = find_schedule(request);
  REQUIRE(answer.status == ScheduleStatus::uncovered);
  REQUIRE_FALSE(answer.uncovered.empty());
  for (const auto& [q, i] : answer.uncovered) CHECK(i >= 14);  // 15:00 and 15:30
}

TEST_CASE("bounds that leave an interval short are infeasible, with where and by how much") {
  ScheduleRequest request = schedule_request(2);
  request.staffing.scenario.pools[0].max_agents_per_day = 3;
  const ScheduleAnswer answer = find_schedule(request);
  REQUIRE(answer.status == ScheduleStatus::infeasible);
  REQUIRE_FALSE(answer.short_of.empty());
  for (const auto& [q, i, agents] : answer.short_of) {
    CHECK(agents >= 1.0);
    CHECK(answer.required[q][i] > 3);
  }
}

}  // namespace
}  // namespace capsim::experiment
