#include "models/queueing_theory.h"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace capsim::model {

double erlang_b(int agents, double load) {
  if (agents < 0 || load < 0) throw std::invalid_argument("erlang_b: negative argument");
  // Recurrence B(0) = 1, B(n) = a B(n-1) / (n + a B(n-1)): stable for any size.
  double b = 1.0;
  for (int n = 1; n <= agents; ++n) b = load * b / (n + load * b);
  return b;
}

double erlang_c(int agents, double load) {
  if (agents <= 0) return 1.0;
  if (load >= agents) return 1.0;
  const double b = erlang_b(agents, load);
  const double rho = load / agents;
  return b / (1.0 - rho + rho * b);
}

ErlangCResult erlang_c_metrics(int agents, double arrival_rate, double service_rate, double threshold) {
  const double load = arrival_rate / service_rate;
  const double c = erlang_c(agents, load);
  ErlangCResult r{};
  r.p_wait = c;
  if (load >= agents) {
    r.asa = std::numeric_limits<double>::infinity();
    r.service_level = 0.0;
    r.occupancy = 1.0;
    return r;
  }
  const double drain = agents * service_rate - arrival_rate;
  r.asa = c / drain;
  r.service_level = 1.0 - c * std::exp(-drain * threshold);
  r.occupancy = load / agents;
  return r;
}

BirthDeathResult mmck_abandonment(int agents, double arrival_rate, double service_rate, double abandonment_rate,
                                  std::optional<int> queue_capacity, double threshold) {
  if (agents < 0 || arrival_rate <= 0 || service_rate <= 0 || abandonment_rate < 0)
    throw std::invalid_argument("mmck_abandonment: bad arguments");
  const double c_mu = agents * service_rate;
  if (!queue_capacity && abandonment_rate == 0.0 && arrival_rate >= c_mu)
    throw std::invalid_argument("mmck_abandonment: unstable (load >= agents) without abandonment or a finite queue");

  // Unnormalised stationary probabilities, in logs to survive large systems; unlimited
  // queues are truncated where the terms fall below 1e-16 of the peak.
  std::vector<double> log_p{0.0};
  const int hard_limit = queue_capacity ? agents + *queue_capacity : agents + 2'000'000;
  double peak = 0.0;
  bool truncated = false;
  for (int n = 1; n <= hard_limit; ++n) {
    const double death = std::min(n, agents) * service_rate + std::max(n - agents, 0) * abandonment_rate;
    log_p.push_back(log_p.back() + std::log(arrival_rate / death));
    peak = std::max(peak, log_p.back());
    if (!queue_capacity && n > agents && log_p.back() < peak - 37.0 && arrival_rate < death) {
      truncated = true;
      break;
    }
  }
  if (!queue_capacity && !truncated)
    throw std::domain_error(
        "the queue would typically hold more than 2,000,000 customers (patience too long for this overload)");
  const int top = static_cast<int>(log_p.size()) - 1;
  std::vector<double> p(log_p.size());
  double total = 0.0;
  for (std::size_t n = 0; n < p.size(); ++n) total += (p[n] = std::exp(log_p[n] - peak));
  for (double& x : p) x /= total;

  BirthDeathResult r;
  r.p_block = queue_capacity ? p[static_cast<std::size_t>(top)] : 0.0;
  double busy = 0.0, queue = 0.0;
  for (int n = 0; n <= top; ++n) {
    busy += std::min(n, agents) * p[n];
    queue += std::max(n - agents, 0) * p[n];
  }
  r.mean_queue = queue;
  r.occupancy = agents > 0 ? busy / agents : 0.0;

  // Arrivals see the time-stationary law (PASTA). An admitted arrival that finds n >= c
  // in the system waits at position j = n - c + 1.
  const int admit_top = queue_capacity ? top - 1 : top;
  double served_wait_sum = 0.0, served_count = 0.0, answered_in_time = 0.0;
  // Along a position chain: P_j (eventually served), S_j = E[W 1{served}], and the conditional
  // wait of the served is hypoexponential with rates c mu + i theta, i = 1..j. Its CDF at the
  // threshold is found by uniformisation jointly for every j.
  double p_served = 1.0, s_served = 0.0;
  const int max_position = std::max(0, admit_top - agents + 1);
  std::vector<double> served_prob(static_cast<std::size_t>(max_position) + 1, 1.0);
  for (int j = 1; j <= max_position; ++j) {
    const double out = c_mu + j * abandonment_rate;
    const double forward = c_mu + (j - 1) * abandonment_rate;
    p_served *= forward / out;
    s_served = p_served / out + forward / out * s_served;
    served_prob[static_cast<std::size_t>(j)] = p_served;
    const double weight = p[static_cast<std::size_t>(agents + j - 1)];
    served_wait_sum += weight * s_served;
    served_count += weight * p_served;
  }
  double immediate = 0.0;
  for (int n = 0; n < std::min(agents, top + 1); ++n) immediate += p[static_cast<std::size_t>(n)];
  const double admitted = 1.0 - r.p_block;
  r.p_wait = admitted - immediate;
  double answered = immediate + served_count;
  r.p_abandon = admitted - answered;
  r.asa = answered > 0 ? served_wait_sum / answered : 0.0;
  r.mean_wait_all = admitted > 0 ? queue / (arrival_rate * admitted) : 0.0;

  // Service level: P(answered with wait <= threshold) over all arrivals. Starting at
  // position j, the served customer's wait is V_j = sum_{i=1..j} Exp(c mu + i theta) (the
  // tilted law above), and e^{-theta V_j} ~ Beta(c mu / theta + 1, j), so
  // P(V_j <= t) = I_{1 - e^{-theta t}}(j, c mu / theta + 1) (regularised incomplete beta);
  // with theta = 0, or c mu / theta so large that the rates barely differ, V_j is
  // Erlang(j, c mu) and P(V_j <= t) = P(j, c mu t) (regularised lower incomplete gamma).
  answered_in_time = immediate;
  if (max_position > 0 && threshold > 0.0) {
    const double a = abandonment_rate > 0.0 ? c_mu / abandonment_rate : std::numeric_limits<double>::infinity();
    const double x = -std::expm1(-abandonment_rate * threshold);
    for (int j = 1; j <= max_position; ++j) {
      const double weight = p[static_cast<std::size_t>(agents + j - 1)] * served_prob[static_cast<std::size_t>(j)];
      if (weight < 1e-300) continue;
      const double cdf = a > 1e9 * j ? boost::math::gamma_p(static_cast<double>(j), c_mu * threshold)
                                     : boost::math::ibeta(static_cast<double>(j), a + 1.0, x);
      answered_in_time += weight * cdf;
    }
  }
  r.service_level = answered_in_time;
  return r;
}

double service_level(int agents, double arrival_rate, double service_rate, double threshold, double abandonment_rate) {
  if (agents <= 0) return 0.0;
  if (abandonment_rate == 0.0) {
    if (agents <= arrival_rate / service_rate) return 0.0;  // unstable: the queue grows without bound
    return erlang_c_metrics(agents, arrival_rate, service_rate, threshold).service_level;
  }
  try {
    return mmck_abandonment(agents, arrival_rate, service_rate, abandonment_rate, std::nullopt, threshold)
        .service_level;
  } catch (const std::domain_error&) {
    return 0.0;  // so overloaded that the queue is beyond exact solution: nobody is answered in time
  }
}

std::optional<int> agents_for_service_level(double arrival_rate, double service_rate, double threshold, double target,
                                            double abandonment_rate, int max_agents) {
  const double load = arrival_rate / service_rate;
  const auto level = [&](int agents) {
    return service_level(agents, arrival_rate, service_rate, threshold, abandonment_rate);
  };
  // The service level rises with agents: bisection over [stable minimum, max_agents] needs
  // at most 17 evaluations, whatever the size of the centre.
  int low = abandonment_rate > 0.0 ? 1 : static_cast<int>(std::floor(load)) + 1;
  if (low > max_agents || level(max_agents) < target) return std::nullopt;
  if (level(low) >= target) return low;
  int high = max_agents;
  while (high - low > 1) {  // level(low) < target <= level(high)
    const int middle = low + (high - low) / 2;
    (level(middle) >= target ? high : low) = middle;
  }
  return high;
}

std::optional<int> agents_for_blocking(double load, double target_blocking, int max_agents) {
  double b = 1.0;
  for (int n = 1; n <= max_agents; ++n) {
    b = load * b / (n + load * b);
    if (b <= target_blocking) return n;
  }
  return std::nullopt;
}

double mg1_mean_wait(double arrival_rate, double service_mean, double service_variance) {
  const double rho = arrival_rate * service_mean;
  if (rho >= 1.0) return std::numeric_limits<double>::infinity();
  const double second_moment = service_variance + service_mean * service_mean;
  return arrival_rate * second_moment / (2.0 * (1.0 - rho));
}

std::vector<double> priority_mg1_mean_waits(const std::vector<double>& arrival_rates,
                                            const std::vector<double>& service_means,
                                            const std::vector<double>& service_variances) {
  double w0 = 0.0;
  for (std::size_t i = 0; i < arrival_rates.size(); ++i)
    w0 += arrival_rates[i] * (service_variances[i] + service_means[i] * service_means[i]) / 2.0;
  std::vector<double> waits;
  double sigma_before = 0.0;
  for (std::size_t k = 0; k < arrival_rates.size(); ++k) {
    const double sigma = sigma_before + arrival_rates[k] * service_means[k];
    waits.push_back(w0 / ((1.0 - sigma_before) * (1.0 - sigma)));
    sigma_before = sigma;
  }
  return waits;
}

}  // namespace capsim::model
