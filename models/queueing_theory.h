// Closed forms and exact numerical solutions of classic queues: the quick answers behind
// `capsim erlang`, staffing seeds, and the oracle of the validation tests.
// Rates are per second, times in seconds. Each function cites its source.
#pragma once

#include <optional>
#include <vector>

namespace capsim::model {

// Erlang B: blocking probability of M/M/c/c with offered load a = lambda/mu (Erlangs).
double erlang_b(int agents, double load);
// Erlang C: probability that an arrival waits in M/M/c; 1 when load >= agents.
double erlang_c(int agents, double load);

struct ErlangCResult {
  double p_wait, asa, service_level, occupancy;  // service level: P(wait <= threshold)
};
ErlangCResult erlang_c_metrics(int agents, double arrival_rate, double service_rate, double threshold);

// M/M/c/K+M solved exactly as a birth-death chain (Erlang A when capacity is unlimited and
// abandonment_rate > 0; M/M/c/K with abandonment_rate 0; Erlang C with both off). The
// tagged-customer analysis gives the served customer's wait: position j moves forward at
// rate c*mu + (j-1)*theta and abandons at rate theta (Garnett, Mandelbaum & Reiman 2002;
// Zeltyn & Mandelbaum 2005).
struct BirthDeathResult {
  double p_block = 0;        // arrival finds all waiting places full
  double p_wait = 0;         // arrival is admitted and must wait
  double p_abandon = 0;      // arrival abandons (fraction of all arrivals)
  double asa = 0;            // mean wait of answered customers
  double mean_wait_all = 0;  // mean queue time of admitted customers (answered or not)
  double service_level = 0;  // P(answered within threshold), all arrivals in the denominator
  double mean_queue = 0;     // time-average number waiting
  double occupancy = 0;      // busy agents / agents
};
BirthDeathResult mmck_abandonment(int agents, double arrival_rate, double service_rate, double abandonment_rate,
                                  std::optional<int> queue_capacity, double threshold);

// P(answered within threshold) of all arrivals with `agents` agents: Erlang C without
// abandonment, Erlang A with it; 0 when the queue is unstable or beyond exact solution.
double service_level(int agents, double arrival_rate, double service_rate, double threshold, double abandonment_rate);

// Smallest number of agents reaching a target, searched upward from the stable minimum;
// nullopt if none up to max_agents.
std::optional<int> agents_for_service_level(double arrival_rate, double service_rate, double threshold, double target,
                                            double abandonment_rate, int max_agents = 100000);
std::optional<int> agents_for_blocking(double load, double target_blocking, int max_agents = 100000);

// M/G/1 mean queue wait, Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)).
double mg1_mean_wait(double arrival_rate, double service_mean, double service_variance);

// Non-preemptive priority M/G/1 (Cobham 1954): mean queue wait of class k (0 = most urgent):
// W_k = W0 / ((1 - sigma_{k-1})(1 - sigma_k)), W0 = sum_i lambda_i E[S_i^2] / 2.
std::vector<double> priority_mg1_mean_waits(const std::vector<double>& arrival_rates,
                                            const std::vector<double>& service_means,
                                            const std::vector<double>& service_variances);

}  // namespace capsim::model
