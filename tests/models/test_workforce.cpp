// The workforce rules, each pinned on a tiny scenario with replayed arrival times and
// deterministic handling times, so that every number is known exactly: shift end with a
// contact in hand (overtime), a break delayed by a contact, break staggering, longest-idle
// choice, skill levels, concurrency slots, outages, handling factors and wrap-up; then the
// invariants (busy <= available, conservation, thread identity) on a full day.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "models/kpi_layout.h"
#include "models/service_system.h"
#include "run_helpers.h"

using namespace capsim;
using model::ScopeKind;
using test::compile_text;

namespace {

// One replication of an inline scenario; KPI values by scope and name.
struct One {
  model::CompiledModel model;
  model::KpiLayout layout;
  model::ReplicationResult result;
  explicit One(const std::string& yaml, const std::vector<std::string>& overrides = {})
      : model(compile_text(yaml, overrides)), layout(model), result(model::run_replication(model, layout, 0)) {}
  double value(ScopeKind scope, const std::string& name, const std::string& kpi) const {
    const std::size_t slot = layout.find(scope, name, kpi);
    REQUIRE_MESSAGE(slot < layout.size(), "no KPI " << name << "." << kpi);
    return result.values[slot];
  }
  double pool(const std::string& name, const std::string& kpi) const { return value(ScopeKind::pool, name, kpi); }
  double stage(const std::string& name, const std::string& kpi) const { return value(ScopeKind::stage, name, kpi); }
  double overall(const std::string& kpi) const { return value(ScopeKind::overall, "overall", kpi); }
};

// A morning with one stage `desk` served by the pools given, with the arrival times given;
// handling time 45 min unless `stage_extra` sets the service.
std::string day(const std::string& pools, const std::string& arrivals, const std::string& stage_extra = "",
                const std::string& rest = "") {
  return R"(
horizon: {start: "08:00", end: "10:00", interval: 15min}
replications: 1
customers:
  c: {arrivals: {times: )" +
         arrivals + R"(}, entry: desk}
pools:
)" + pools +
         R"(
stages:
  desk: {pools: [team])" +
         (stage_extra.find("service:") == std::string::npos ? ", service: {dist: deterministic, value: 45min}" : "") +
         stage_extra + R"(}
)" + rest;
}

}  // namespace

TEST_CASE("a shift ending with a contact in hand: the agent finishes it, and that time is overtime") {
  // One agent 08:00-09:00; a customer at 08:30 is served until 09:15: 15 minutes of overtime.
  const One one(day(R"(  team: {shifts: [{start: "08:00", end: "09:00", agents: 1}], cost: 20/h, overtime_cost: 50/h})",
                    R"(["08:30"])"));
  CHECK(one.overall("served") == 1);
  CHECK(one.overall("wait_mean") == 0.0);
  CHECK(one.pool("team", "overtime_hours") == doctest::Approx(0.25).epsilon(1e-12));
  CHECK(one.pool("team", "scheduled") == doctest::Approx(0.5).epsilon(1e-12));       // 1 of 2 hours
  CHECK(one.pool("team", "staffed_mean") == doctest::Approx(0.625).epsilon(1e-12));  // 1.25 of 2 hours
  CHECK(one.pool("team", "cost") == doctest::Approx(20.0 + 0.25 * 50.0).epsilon(1e-12));
  // A second customer after the shift's end finds nobody: never served in the drain.
  const One late(day(R"(  team: {shifts: [{start: "08:00", end: "09:00", agents: 1}]})", R"(["08:30", "09:05"])"));
  CHECK(late.overall("served") == 1);
  CHECK(late.result.undrained == 1);
}

TEST_CASE("a break due while a contact is in hand starts when it ends and lasts its full length") {
  // Break due 08:30 (window 08:30-08:45, 15 min); the 08:20 customer holds the agent until
  // 08:40 (20 min service), so the break runs 08:40-08:55 and is 10 minutes late; the
  // customer arriving at 08:45 waits until 08:55.
  const One one(day(R"(  team:
    shifts: [{start: "08:00", end: "10:00", agents: 1, breaks: [{window: ["08:30", "08:45"], length: 15min}]}])",
                    R"(["08:20", "08:45"])", ", service: {dist: deterministic, value: 20min}"));
  CHECK(one.pool("team", "break_delay_mean") == doctest::Approx(600.0));
  CHECK(one.stage("desk", "wait_mean") == doctest::Approx(300.0));  // (0 + 600) / 2
  // Present throughout, available for 2 h less 15 min of break.
  CHECK(one.pool("team", "staffed_mean") == doctest::Approx(1.0));
  CHECK(one.pool("team", "available") == doctest::Approx(1.75 / 2.0).epsilon(1e-12));
}

TEST_CASE("breaks of a shift line are staggered evenly so that the last ends with the window") {
  // Three agents, window 09:00-10:00, 15 minutes: starts at 09:00, 09:22:30 and 09:45.
  const One one(day(R"(  team:
    shifts: [{start: "08:00", end: "10:00", agents: 3, breaks: [{window: ["09:00", "10:00"], length: 15min}]}])",
                    R"(["08:01"])", ", service: {dist: deterministic, value: 1min}"));
  const auto available = [&](const std::string& label) {
    return one.value(ScopeKind::interval, label, "available.team");
  };
  CHECK(available("08:45") == doctest::Approx(3.0));
  CHECK(available("09:00") == doctest::Approx(2.0));  // agent 0 away all 15 minutes
  CHECK(available("09:15") == doctest::Approx(2.5));  // agent 1 from 09:22:30
  CHECK(available("09:30") == doctest::Approx(2.5));  // agent 1 until 09:37:30
  CHECK(available("09:45") == doctest::Approx(2.0));  // agent 2 until 10:00
  CHECK(one.pool("team", "break_delay_mean") == 0.0);
}

TEST_CASE("a newcomer takes the longest-idle agent of the pool") {
  // Agent A works 08:00-09:00, B 08:00-10:00, both idle from 08:00. The first customer
  // (08:00:10) takes A (A came on first); A is free again at 08:45:10. The second (08:50)
  // must take B, idle since 08:00: taking A would run 35 minutes past A's shift.
  const One one(
      day(R"(  team: {shifts: [{start: "08:00", end: "09:00", agents: 1}, {start: "08:00", end: "10:00", agents: 1}]})",
          R"(["08:00:10", "08:50"])"));
  CHECK(one.overall("served") == 2);
  CHECK(one.pool("team", "overtime_hours") == 0.0);
}

TEST_CASE("a freed agent takes its first skill level first, whoever waits longer elsewhere") {
  // One agent serves stage `desk` (skill 2) and `vip` (skill 1). While it serves the first
  // desk customer (08:00-08:45) a desk customer arrives at 08:01 and a vip at 08:02; at
  // 08:45 it takes the vip (level 1), then the desk customer at 09:30.
  const std::string yaml = R"(
horizon: {start: "08:00", end: "12:00", interval: 1h}
replications: 1
customers:
  c: {arrivals: {times: ["08:00", "08:01"]}, entry: desk}
  v: {arrivals: {times: ["08:02"]}, entry: vip}
pools:
  team: {agents: 1, skills: {vip: 1, desk: 2}}
stages:
  desk: {service: {dist: deterministic, value: 45min}, pools: [team]}
  vip: {service: {dist: deterministic, value: 45min}, pools: [team]}
)";
  const One one(yaml);
  CHECK(one.stage("vip", "wait_mean") == doctest::Approx(43.0 * 60));               // 08:02 -> 08:45
  CHECK(one.stage("desk", "wait_mean") == doctest::Approx((0.0 + 89.0 * 60) / 2));  // 08:01 -> 09:30
  // Without skills both are level 1: the longest waiting (desk, 08:01) goes first.
  const One plain(yaml, {"pools.team.skills.vip=1", "pools.team.skills.desk=1"});
  CHECK(plain.stage("desk", "wait_mean") == doctest::Approx((0.0 + 44.0 * 60) / 2));
  CHECK(plain.stage("vip", "wait_mean") == doctest::Approx(88.0 * 60));
}

TEST_CASE("concurrency: one agent holds up to N customers of its stage at once") {
  // Concurrency 3, four customers a second apart, 10 minutes each: three start at once; the
  // fourth takes the slot freed at 08:10:01.
  const One one(day(R"(  team: {agents: 1})", R"(["08:00:01", "08:00:02", "08:00:03", "08:00:04"])",
                    ", concurrency: 3, service: {dist: deterministic, value: 10min}"));
  CHECK(one.overall("served") == 4);
  CHECK(one.stage("desk", "wait_mean") == doctest::Approx((600.0 - 3.0) / 4));
  // Busy (>= 1 contact) 08:00:01-08:20:01 of 2 hours; slots: 3 x ~10 min + 1 x 10 min of 3 x 2 h.
  CHECK(one.pool("team", "occupancy") == doctest::Approx(1200.0 / 7200.0).epsilon(1e-9));
  CHECK(one.pool("team", "slot_utilization") == doctest::Approx(4 * 600.0 / 3 / 7200.0).epsilon(1e-9));
  // No customer of another stage joins while slots are held: covered by the rule in
  // ServiceSystem::start_service (counted in starts_beyond_staffing).
  CHECK(one.result.starts_beyond_staffing == 0);
}

TEST_CASE("an outage of a needed system holds new services; services in progress finish") {
  // CRM down 08:10-08:20. The 08:05 customer (served 08:05-08:50 by agent 1) finishes; the
  // 08:15 customer finds agent 2 idle but waits for the CRM until 08:20.
  const One one(day(R"(  team: {agents: 2})", R"(["08:05", "08:15"])", ", needs: [crm]",
                    R"(systems:
  crm: {down: [{from: "08:10", to: "08:20"}]}
)"));
  CHECK(one.overall("served") == 2);
  CHECK(one.stage("desk", "wait_mean") == doctest::Approx(150.0));  // (0 + 300) / 2
  CHECK(one.value(ScopeKind::system, "crm", "downtime_hours") == doctest::Approx(10.0 / 60));
  CHECK(one.value(ScopeKind::system, "crm", "outages") == 1);
}

TEST_CASE("the handling factor scales the handling time drawn for the customer") {
  // team is busy with the first customer (45 min); the second goes to tier2, at 0.5: 22.5 min.
  const std::string yaml = R"(
horizon: {start: "08:00", end: "10:00", interval: 1h}
replications: 1
customers:
  c: {arrivals: {times: ["08:00", "08:01"]}, entry: desk}
pools:
  team: {agents: 1}
  tier2: {agents: 1}
stages:
  desk: {service: {dist: deterministic, value: 45min}, pools: [team, {pool: tier2, handling_factor: 0.5}]}
)";
  const One one(yaml);
  CHECK(one.stage("desk", "aht_mean") == doctest::Approx((45.0 + 22.5) * 60 / 2));
  CHECK(one.overall("sojourn_mean") == doctest::Approx((45.0 + 22.5) * 60 / 2));
  CHECK(one.pool("tier2", "utilization") == doctest::Approx(22.5 / 120));
}

TEST_CASE("wrap-up keeps the agent busy after the customer leaves; AHT is service plus wrap-up") {
  // 20 min service and 5 min wrap-up: the first customer leaves at 08:20, the agent is free
  // at 08:25, so the 08:10 customer waits 15 minutes and leaves at 08:45.
  const One one(day(R"(  team: {agents: 1})", R"(["08:00", "08:10"])",
                    ", service: {dist: deterministic, value: 20min}, wrap_up: {dist: deterministic, value: 5min}"));
  CHECK(one.overall("sojourn_mean") == doctest::Approx((20.0 + 35.0) * 60 / 2));
  CHECK(one.stage("desk", "wait_mean") == doctest::Approx(15.0 * 60 / 2));
  CHECK(one.stage("desk", "aht_mean") == doctest::Approx(25.0 * 60));
  CHECK(one.pool("team", "utilization") == doctest::Approx(50.0 / 120));
}

TEST_CASE("a roster covering the whole horizon without breaks is bit-identical to agents: N") {
  const std::string base = R"(
horizon: {start: "08:00", end: "20:00", interval: 30min}
replications: 4
seed: 11
customers:
  c: {arrivals: {rate: 100/h}, patience: {dist: exponential, mean: 3min}, entry: desk}
pools:
  team: POOL
stages:
  desk: {service: {dist: lognormal, mean: 5min, cv: 0.8}, pools: [team]}
sla:
  fast: {wait_within: 20s, target: 80%}
)";
  const auto with = [&](const std::string& pool) {
    std::string yaml = base;
    yaml.replace(yaml.find("POOL"), 4, pool);
    return experiment::run_experiment(compile_text(yaml), 2);
  };
  const auto shorthand = with("{agents: 9, cost: 30/h}");
  const auto roster = with(R"({shifts: [{start: "08:00", end: "20:00", agents: 9}], cost: 30/h})");
  REQUIRE(shorthand.replications.size() == roster.replications.size());
  for (std::size_t r = 0; r < roster.replications.size(); ++r) {
    const auto& a = shorthand.replications[r];
    const auto& b = roster.replications[r];
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("a full day with every workforce rule: busy <= available always, customers conserved, thread identity") {
  const auto compiled = model::compile(test::load_scenario("scenarios/contact_center_day.yaml"));
  const model::KpiLayout layout(compiled);
  for (std::uint64_t r = 0; r < 4; ++r) {
    const auto result = model::run_replication(compiled, layout, r);
    CHECK(result.arrived_total ==
          result.served_total + result.abandoned_total + result.blocked_total + result.in_system_at_end);
    CHECK(result.busy_beyond_available == 0);
    CHECK(result.starts_beyond_staffing == 0);
    for (std::size_t p = 0; p < compiled.pools.size(); ++p) {
      const auto kpi = [&](model::PoolKpi k) { return result.values[layout.of_pool(p, k)]; };
      CHECK(kpi(model::PoolKpi::occupancy) <= 1.0);
      CHECK(kpi(model::PoolKpi::occupancy) >= kpi(model::PoolKpi::utilization) - 1e-12);
      CHECK(kpi(model::PoolKpi::available) <= kpi(model::PoolKpi::staffed_mean) + 1e-12);
    }
  }
  const auto one = experiment::run_experiment(compiled, 1, 0, 4);
  const auto three = experiment::run_experiment(compiled, 3, 0, 4);
  for (std::size_t r = 0; r < one.replications.size(); ++r)
    CHECK(std::memcmp(one.replications[r].data(), three.replications[r].data(),
                      one.replications[r].size() * sizeof(double)) == 0);
}

TEST_CASE("a break falling due while another is owed follows it; a shift end wins over a pending break") {
  // Contact 08:20-09:00 holds both breaks (due 08:30 and 08:45): they run 09:00-09:15 and
  // 09:15-09:30, each 30 minutes late.
  const One both(day(R"(  team:
    shifts:
      - start: "08:00"
        end: "10:00"
        agents: 1
        breaks: [{window: ["08:30", "08:45"], length: 15min}, {window: ["08:45", "09:00"], length: 15min}])",
                     R"(["08:20"])", ", service: {dist: deterministic, value: 40min}"));
  CHECK(both.pool("team", "break_delay_mean") == doctest::Approx(1800.0));
  CHECK(both.pool("team", "available") == doctest::Approx(1.5 / 2.0).epsilon(1e-12));
  // Break due 08:50 while busy until 09:10, shift ends 09:00: the agent leaves at 09:10
  // (10 minutes of overtime) and the break is never taken.
  const One late(day(R"(  team:
    shifts: [{start: "08:00", end: "09:00", agents: 1, breaks: [{window: ["08:50", "09:00"], length: 10min}]}])",
                     R"(["08:30"])", ", service: {dist: deterministic, value: 40min}"));
  CHECK(late.pool("team", "overtime_hours") == doctest::Approx(10.0 / 60).epsilon(1e-12));
  CHECK(std::isnan(late.pool("team", "break_delay_mean")));
}

TEST_CASE("a shift ending during a break ends the break: no overtime for a break") {
  // Break due 08:45 is delayed by a contact to 08:50; the shift ends at 09:00, mid-break.
  const One one(day(R"(  team:
    shifts: [{start: "08:00", end: "09:00", agents: 1, breaks: [{window: ["08:45", "09:00"], length: 15min}]}])",
                    R"(["08:40"])", ", service: {dist: deterministic, value: 10min}"));
  CHECK(one.pool("team", "break_delay_mean") == doctest::Approx(300.0));
  CHECK(one.pool("team", "overtime_hours") == 0.0);
  CHECK(one.pool("team", "staffed_mean") == doctest::Approx(0.5));  // present 08:00-09:00 of 2 h
  CHECK(one.result.stale_timers == 1);                              // the break's end
}

TEST_CASE("shrinkage p leaves N(1-p) agents available on average, for shorthand and rostered pools") {
  for (const std::string pool :
       {"{agents: 40, shrinkage: 20%}", R"({shifts: [{start: "08:00", end: "16:00", agents: 40}], shrinkage: 20%})"}) {
    INFO(pool);
    std::string yaml = R"(
horizon: {start: "08:00", end: "16:00", interval: 30min}
replications: 40
seed: 29
customers:
  c: {arrivals: {rate: 6/h}, entry: desk}
pools:
  team: POOL
stages:
  desk: {service: {dist: exponential, mean: 2min}, pools: [team]}
)";
    yaml.replace(yaml.find("POOL"), 4, pool);
    const auto result = experiment::run_experiment(compile_text(yaml), 2);
    const auto kpi = [&](const char* name) -> const sim::Summary& {
      return result.summaries[result.layout.find(ScopeKind::pool, "team", name)];
    };
    CHECK(kpi("scheduled").mean == 40.0);
    // Light load: an agent due for shrinkage is almost never busy, so available is N(1-p)
    // up to those few seconds; 16 intervals x 40 agents per replication.
    test::check_theory(kpi("available"), 40 * 0.8, "available", 0.002);
    CHECK(kpi("staffed_mean").mean == doctest::Approx(40.0).epsilon(1e-9));  // shrunk agents stay present
  }
}

TEST_CASE("common random numbers: absenteeism, shrinkage and shifts change no customer's arrival") {
  const auto base = test::load_scenario("scenarios/contact_center_day.yaml", {"replications=3"});
  const auto variant = test::load_scenario(
      "scenarios/contact_center_day.yaml",
      {"replications=3", "pools.tier1.absenteeism=20%", "pools.tier1.shrinkage=0", "pools.tier1.shifts.2.agents=20"});
  const auto a = experiment::run_experiment(model::compile(base), 2);
  const auto b = experiment::run_experiment(model::compile(variant), 2);
  const auto offered = a.layout.find(ScopeKind::overall, "overall", "offered");
  bool staffing_differs = false;
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t i = 0; i < 28; ++i) {  // arrivals per interval: identical
      const auto slot = a.layout.of_interval(i, model::IntervalKpi::offered);
      CHECK(a.replications[r][slot] == b.replications[r][slot]);
    }
    CHECK(a.replications[r][offered] == b.replications[r][offered]);
    const auto scheduled = a.layout.find(ScopeKind::pool, "tier1", "scheduled");
    staffing_differs = staffing_differs || a.replications[r][scheduled] != b.replications[r][scheduled];
  }
  CHECK(staffing_differs);
}
