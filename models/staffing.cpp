#include "models/staffing.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "models/queueing_theory.h"
#include "sim/summary.h"

namespace capsim::model {

std::vector<double> visit_ratios(const CompiledModel& model, std::size_t entry) {
  // v = e + v P, by repeated substitution: the checks bound every loop's probability below
  // 1, so the series converges geometrically.
  const std::size_t stages = model.stages.size();
  std::vector<double> visits(stages, 0.0), flow(stages, 0.0), next(stages, 0.0);
  flow[entry] = 1.0;
  for (int round = 0; round < 10'000; ++round) {
    double moving = 0.0;
    std::fill(next.begin(), next.end(), 0.0);
    for (std::size_t s = 0; s < stages; ++s) {
      if (flow[s] == 0.0) continue;
      visits[s] += flow[s];
      const auto& stage = model.stages[s];
      double before = 0.0;
      for (std::size_t r = 0; r < stage.targets.size(); ++r) {
        const double p = stage.cumulative[r] - before;
        before = stage.cumulative[r];
        if (stage.targets[r] == kExitIndex) continue;
        next[static_cast<std::size_t>(stage.targets[r])] += flow[s] * p;
      }
    }
    flow.swap(next);
    for (const double f : flow) moving += f;
    if (moving < 1e-12) break;
  }
  return visits;
}

int gross_up(int net, double absenteeism, double shrinkage) {
  const double present = (1.0 - absenteeism) * (1.0 - shrinkage);
  if (net <= 0 || present <= 0.0) return std::max(net, 0);
  // The tolerance keeps an exact quotient (10 / 0.5) from rounding up by representation.
  return static_cast<int>(std::ceil(static_cast<double>(net) / present - 1e-9));
}

std::vector<double> arrivals_per_second(const CompiledModel& model, const CompiledClass& klass) {
  const auto intervals = static_cast<std::size_t>(model.intervals);
  const double interval_seconds = sim::seconds_from_ticks(model.interval_ticks);
  std::vector<double> per_second(intervals, 0.0);
  for (std::size_t i = 0; i < intervals && i < klass.rate_per_tick.size(); ++i)
    per_second[i] = klass.rate_per_tick[i] * static_cast<double>(sim::kTicksPerSecond);
  for (const sim::Time at : klass.arrival_times) {
    const auto i = static_cast<std::size_t>((at - sim::kStart) / model.interval_ticks);
    if (i < intervals) per_second[i] += 1.0 / interval_seconds;
  }
  return per_second;
}

std::vector<std::vector<IntervalSeed>> staffing_seeds(const CompiledModel& model, int max_agents) {
  const std::size_t pools = model.pools.size(), intervals = static_cast<std::size_t>(model.intervals);
  // Per (pool, interval): contacts/s, agent-seconds/s (erlangs), abandoning contacts/s x rate.
  std::vector<std::vector<double>> rate(pools, std::vector<double>(intervals, 0.0));
  std::vector<std::vector<double>> erlangs = rate, abandon_weight = rate;
  // Per (pool, interval): the strictest wait SLA of its stages, as (threshold, target) pairs.
  std::vector<std::vector<SeedTarget>> targets(pools);

  for (std::size_t c = 0; c < model.classes.size(); ++c) {
    const auto& klass = model.classes[c];
    const std::vector<double> visits = visit_ratios(model, index(klass.entry));
    const std::vector<double> per_second = arrivals_per_second(model, klass);
    const double patience_rate = klass.patience && klass.patience->mean() > 0.0 ? 1.0 / klass.patience->mean() : 0.0;
    for (std::size_t s = 0; s < model.stages.size(); ++s) {
      const auto& stage = model.stages[s];
      if (visits[s] == 0.0 || stage.self_service) continue;
      const std::size_t p = index(stage.pools.front());
      const double handling =
          (stage.service.mean() * stage.handling_factors.front() + (stage.wrap_up ? stage.wrap_up->mean() : 0.0)) /
          stage.concurrency;
      for (std::size_t i = 0; i < intervals; ++i) {
        const double contacts = per_second[i] * visits[s];
        rate[p][i] += contacts;
        erlangs[p][i] += contacts * handling;
        if (stage.abandonment) abandon_weight[p][i] += contacts * patience_rate;
      }
    }
  }
  for (const auto& sla : model.slas) {
    if (sla.measure != SlaMeasure::wait) continue;
    for (std::size_t c = 0; c < model.classes.size(); ++c) {
      if (!sla.applies_to[c]) continue;
      const std::size_t stage = sla.stage >= 0 ? static_cast<std::size_t>(sla.stage) : index(model.classes[c].entry);
      if (visit_ratios(model, index(model.classes[c].entry))[stage] == 0.0 || model.stages[stage].self_service)
        continue;
      targets[index(model.stages[stage].pools.front())].push_back({sim::seconds_from_ticks(sla.threshold), sla.target});
    }
  }

  std::vector<std::vector<IntervalSeed>> seeds(pools, std::vector<IntervalSeed>(intervals));
  for (std::size_t p = 0; p < pools; ++p) {
    const auto& pool = model.pools[p];
    for (std::size_t i = 0; i < intervals; ++i) {
      IntervalSeed& seed = seeds[p][i];
      if (rate[p][i] <= 0.0) continue;  // no contacts: no agents
      seed.load.arrival_rate = rate[p][i];
      seed.load.handling_seconds = erlangs[p][i] / rate[p][i];
      seed.load.abandonment_rate = abandon_weight[p][i] / rate[p][i];
      const double service_rate = 1.0 / seed.load.handling_seconds;
      const auto stable = static_cast<int>(std::floor(seed.load.erlangs())) + 1;
      int net = std::min(stable, max_agents);
      if (!targets[p].empty()) {
        // The closed forms' answer lies well within a few times the load: a tighter cap
        // keeps the birth-death chains of Erlang A small.
        const int cap = static_cast<int>(std::min<double>(max_agents, 4.0 * std::ceil(seed.load.erlangs()) + 50.0));
        const auto fewest = [&](double abandonment_rate) -> std::optional<int> {
          int most = 0;
          for (const SeedTarget& t : targets[p]) {
            const auto agents = agents_for_service_level(seed.load.arrival_rate, service_rate, t.threshold_seconds,
                                                         t.target, abandonment_rate, cap);
            if (!agents) return std::nullopt;
            most = std::max(most, *agents);
          }
          return most;
        };
        seed.erlang_c = fewest(0.0);
        if (seed.load.abandonment_rate > 0.0) seed.erlang_a = fewest(seed.load.abandonment_rate);
        const auto applicable = seed.load.abandonment_rate > 0.0 ? seed.erlang_a : seed.erlang_c;
        net = applicable.value_or(max_agents);
      }
      seed.seed = std::min(gross_up(net, pool.absenteeism, pool.shrinkage), max_agents);
    }
  }
  return seeds;
}

Judgement judge_target(std::span<const double> numerators, std::span<const double> trials, const TargetRule& rule,
                       double confidence) {
  Judgement j;
  const std::size_t replications = numerators.size();
  std::size_t with_trials = 0;
  for (std::size_t r = 0; r < replications; ++r) {
    j.numerator += numerators[r];
    j.trials += trials[r];
    with_trials += trials[r] > 0.0;
  }
  if (j.trials <= 0.0) return j;
  j.value = j.numerator / j.trials;
  j.low = j.high = j.value;
  if (replications >= 2) {
    // The ratio estimator's variance (Cochran, Sampling Techniques, 3rd ed., sec. 6.4):
    // s^2 = sum (y_r - v t_r)^2 / (R - 1), se = sqrt(s^2 / R) / mean(t).
    double squares = 0.0;
    for (std::size_t r = 0; r < replications; ++r) {
      const double residual = numerators[r] - j.value * trials[r];
      squares += residual * residual;
    }
    const auto n = static_cast<double>(replications);
    const double se = std::sqrt(squares / (n - 1.0) / n) / (j.trials / n);
    const double half = sim::student_t_critical(confidence, replications - 1) * se;
    j.low = j.value - half;
    j.high = j.value + half;
  }
  bool possible = true;  // could the target be shown met at all with these trials?
  if (rule.proportion) {
    const auto events = static_cast<std::size_t>(std::llround(j.numerator));
    const auto count = static_cast<std::size_t>(std::llround(j.trials));
    const sim::ProportionInterval exact = sim::clopper_pearson(events, count, confidence);
    j.low = std::clamp(std::min(j.low, exact.low), 0.0, 1.0);
    j.high = std::clamp(std::max(j.high, exact.high), 0.0, 1.0);
    possible = rule.at_least ? sim::clopper_pearson(count, count, confidence).low >= rule.bound
                             : sim::clopper_pearson(0, count, confidence).high <= rule.bound;
  } else {
    j.low = std::max(j.low, 0.0);
  }
  j.judged = replications >= 2 && with_trials >= 2 && possible;
  j.met = j.judged && (rule.at_least ? j.low >= rule.bound : j.high <= rule.bound);
  return j;
}

}  // namespace capsim::model
