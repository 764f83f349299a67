// Simulation against closed-form queueing theory. Each case runs a reference scenario from
// scenarios/theory/ (shortened with --set to keep the suite fast under sanitizers) and
// checks replication means against the formula at 99.9% confidence (see check_theory).
#include <doctest/doctest.h>

#include <cmath>

#include "models/queueing_theory.h"
#include "run_helpers.h"

using namespace capsim;
using model::ScopeKind;
using test::check_theory;
using test::run_scenario;

TEST_CASE("M/M/1: mean wait, P(wait), queue length and the 90th percentile of wait") {
  const auto run =
      run_scenario("scenarios/theory/mm1.yaml", {"horizon.length=400h", "horizon.warmup=10h", "replications=12"});
  const double lambda = 48.0 / 3600, mu = 1.0 / 60, rho = lambda / mu;
  check_theory(run.overall("wait_mean"), rho / (mu - lambda), "Wq");
  check_theory(run.overall("p_wait"), rho, "P(wait)");
  check_theory(run.overall("queue_len_mean"), rho * rho / (1 - rho), "Lq");
  check_theory(run.overall("wait_p90"), std::log(rho / 0.1) / (mu - lambda), "p90 wait", 0.016);
  check_theory(run.kpi(ScopeKind::pool, "clerk", "utilization"), rho, "utilization");
}

TEST_CASE("M/M/c (Erlang C): P(wait), ASA, service level, queue length, utilization") {
  const auto run =
      run_scenario("scenarios/theory/mmc.yaml", {"horizon.length=60h", "horizon.warmup=2h", "replications=10"});
  const double lambda = 0.3, mu = 1.0 / 60;
  const auto theory = model::erlang_c_metrics(20, lambda, mu, 20);
  check_theory(run.overall("p_wait"), theory.p_wait, "P(wait)");
  check_theory(run.overall("wait_mean"), theory.asa, "ASA");
  check_theory(run.kpi(ScopeKind::sla, "answer_20s", "attained"), theory.service_level, "service level 20s");
  check_theory(run.overall("queue_len_mean"), lambda * theory.asa, "Lq (Little)");
  check_theory(run.kpi(ScopeKind::pool, "agents", "utilization"), theory.occupancy, "occupancy");
}

TEST_CASE("M/M/c+M (Erlang A): abandonment, ASA, P(wait), service level") {
  const auto run = run_scenario("scenarios/theory/mmc_patience.yaml",
                                {"horizon.length=60h", "horizon.warmup=2h", "replications=10"});
  const auto theory = model::mmck_abandonment(20, 0.3, 1.0 / 60, 1.0 / 120, std::nullopt, 20);
  check_theory(run.overall("abandon_rate"), theory.p_abandon, "P(abandon)");
  check_theory(run.overall("wait_mean"), theory.asa, "ASA of answered");
  check_theory(run.overall("p_wait"), theory.p_wait, "P(wait)");
  check_theory(run.kpi(ScopeKind::sla, "answer_20s", "attained"), theory.service_level, "service level 20s");
  check_theory(run.overall("queue_len_mean"), theory.mean_queue, "Lq");
}

TEST_CASE("M/M/c/K: blocking, P(wait) of admitted customers, ASA") {
  const auto run =
      run_scenario("scenarios/theory/mmck.yaml", {"horizon.length=300h", "horizon.warmup=5h", "replications=10"});
  const auto theory = model::mmck_abandonment(5, 1.0 / 60, 1.0 / 300, 0.0, 3, 0);
  check_theory(run.overall("block_rate"), theory.p_block, "P(block)");
  check_theory(run.overall("p_wait"), theory.p_wait / (1 - theory.p_block), "P(wait | admitted)");
  check_theory(run.overall("wait_mean"), theory.asa, "ASA");
}

TEST_CASE("M/M/c/c: loss system blocking is Erlang B") {
  const auto run = run_scenario("scenarios/theory/mmck.yaml", {"horizon.length=300h", "horizon.warmup=5h",
                                                               "replications=10", "stages.agent.queue.capacity=0"});
  check_theory(run.overall("block_rate"), model::erlang_b(5, 5.0), "Erlang B");
  CHECK(run.overall("p_wait").max == 0.0);
}

TEST_CASE("M/G/1 (Pollaczek-Khinchine) with gamma and lognormal service") {
  {
    const auto run = run_scenario("scenarios/theory/mg1_gamma.yaml",
                                  {"horizon.length=600h", "horizon.warmup=10h", "replications=12"});
    check_theory(run.overall("wait_mean"), model::mg1_mean_wait(42.0 / 3600, 60, 60 * 60 * 1.5 * 1.5),
                 "Wq gamma cv 1.5");
  }
  {
    const auto run = run_scenario("scenarios/theory/mg1_lognormal.yaml",
                                  {"horizon.length=400h", "horizon.warmup=10h", "replications=12"});
    check_theory(run.overall("wait_mean"), model::mg1_mean_wait(45.0 / 3600, 60, 60 * 60 * 0.25),
                 "Wq lognormal cv 0.5");
  }
}

TEST_CASE("two-class non-preemptive priority M/M/1 (Cobham)") {
  const auto run = run_scenario("scenarios/theory/priority_mm1.yaml",
                                {"horizon.length=400h", "horizon.warmup=10h", "replications=12"});
  const auto waits = model::priority_mg1_mean_waits({18.0 / 3600, 30.0 / 3600}, {60, 60}, {3600, 3600});
  check_theory(run.kpi(ScopeKind::customer_class, "urgent", "wait_mean"), waits[0], "urgent Wq");
  check_theory(run.kpi(ScopeKind::customer_class, "routine", "wait_mean"), waits[1], "routine Wq");
}

TEST_CASE("Jackson network: tandem with a rework loop") {
  const auto run = run_scenario("scenarios/theory/jackson_rework.yaml",
                                {"horizon.length=600h", "horizon.warmup=10h", "replications=12"});
  // Traffic equations: lambda_intake = 20/h + 0.2 lambda_specialist, lambda_specialist = lambda_intake.
  const double lambda = 20.0 / 3600 / 0.8;
  const auto intake = model::erlang_c_metrics(2, lambda, 1.0 / 240, 0);
  const auto specialist = model::erlang_c_metrics(3, lambda, 1.0 / 360, 0);
  check_theory(run.kpi(ScopeKind::stage, "intake", "wait_mean"), intake.asa, "intake Wq");
  check_theory(run.kpi(ScopeKind::stage, "specialist", "wait_mean"), specialist.asa, "specialist Wq");
  const double visits = 1 / 0.8;
  check_theory(run.overall("sojourn_mean"), visits * (intake.asa + 240 + specialist.asa + 360), "sojourn");
}

TEST_CASE("concurrency 3 with 5 agents on an exponential stage is Erlang C with 15 servers") {
  const auto run = run_scenario("scenarios/theory/mmc_concurrency.yaml",
                                {"horizon.length=150h", "horizon.warmup=3h", "replications=10"});
  const double lambda = 2.4 / 60, mu = 1.0 / 300;
  const auto theory = model::erlang_c_metrics(15, lambda, mu, 30);
  check_theory(run.overall("p_wait"), theory.p_wait, "P(wait)");
  check_theory(run.overall("wait_mean"), theory.asa, "ASA");
  check_theory(run.kpi(ScopeKind::sla, "answer_30s", "attained"), theory.service_level, "service level 30s");
  check_theory(run.kpi(ScopeKind::pool, "chat_team", "slot_utilization"), theory.occupancy, "slot utilization");
  // An agent is occupied while it holds at least one chat: P(busy servers > 3k for agent)...
  // at least the slot utilization, at most 1.
  CHECK(run.kpi(ScopeKind::pool, "chat_team", "occupancy").mean >=
        run.kpi(ScopeKind::pool, "chat_team", "slot_utilization").mean);
}

TEST_CASE("M/M/1 with deterministic wrap-up waits as M/G/1 (Pollaczek-Khinchine)") {
  const auto run = run_scenario("scenarios/theory/mm1_wrapup.yaml",
                                {"horizon.length=300h", "horizon.warmup=10h", "replications=12"});
  const double lambda = 30.0 / 3600, service = 60.0, wrap = 30.0;
  const double busy_mean = service + wrap, busy_variance = service * service;  // the wrap-up adds no variance
  check_theory(run.overall("wait_mean"), model::mg1_mean_wait(lambda, busy_mean, busy_variance), "Wq");
  check_theory(run.overall("sojourn_mean"), model::mg1_mean_wait(lambda, busy_mean, busy_variance) + service,
               "sojourn (ends at service end)");
  check_theory(run.kpi(ScopeKind::pool, "clerk", "utilization"), lambda * busy_mean, "utilization");
  check_theory(run.kpi(ScopeKind::stage, "agent", "aht_mean"), busy_mean, "AHT");
}

TEST_CASE("absenteeism p on N agents: scheduled is binomial, mean N(1-p), variance Np(1-p)") {
  const int agents = 40;
  const double p = 0.1;
  for (const char* pool : {"{agents: 40, absenteeism: 10%}",
                           R"({shifts: [{start: "08:00", end: "12:00", agents: 40}], absenteeism: 10%})"}) {
    INFO(pool);
    std::string yaml = R"(
horizon: {start: "08:00", end: "12:00", interval: 1h}
replications: 400
seed: 23
customers:
  c: {arrivals: {rate: 10/h}, entry: desk}
pools:
  team: POOL
stages:
  desk: {service: {dist: exponential, mean: 5min}, pools: [team]}
)";
    yaml.replace(yaml.find("POOL"), 4, pool);
    const auto compiled = test::compile_text(yaml);
    const auto result = experiment::run_experiment(compiled, 2);
    const auto& scheduled = result.summaries[result.layout.find(ScopeKind::pool, "team", "scheduled")];
    check_theory(scheduled, agents * (1 - p), "mean scheduled");
    // The sample variance of 400 binomial draws: its sd is about var * sqrt(2 / 399) (a
    // normal approximation); 4 of those is far beyond chance.
    const double variance = agents * p * (1 - p);
    CHECK(std::abs(scheduled.sd * scheduled.sd - variance) <= 4 * variance * std::sqrt(2.0 / 399));
  }
}
