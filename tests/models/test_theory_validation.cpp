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
