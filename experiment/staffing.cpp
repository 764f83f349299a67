#include "experiment/staffing.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "experiment/replication_run.h"
#include "models/compiled_model.h"
#include "models/kpi_layout.h"
#include "models/queueing_theory.h"
#include "models/service_system.h"
#include "sim/replications.h"
#include "sim/summary.h"

namespace capsim::experiment {

model::Scenario staffed_scenario(const StaffingRequest& request, const std::vector<std::vector<int>>& agents) {
  model::Scenario scenario = request.scenario;
  for (std::size_t q = 0; q < request.pools.size(); ++q) {
    model::Pool& pool = scenario.pools[request.pools[q]];
    pool.shifts.clear();
    pool.staffing = agents[q];
  }
  return scenario;
}

namespace {

// The judged targets of one evaluation: [interval][SLA position], then the day's.
struct Evaluation {
  std::vector<std::vector<model::Judgement>> intervals;
  std::vector<model::Judgement> day;
};

class Search {
 public:
  Search(const StaffingRequest& request, const StaffingProgress& progress)
      : request_(request), progress_(progress), model_(model::compile(request.scenario)) {
    intervals_ = static_cast<std::size_t>(model_.intervals);
    seeds_ = model::staffing_seeds(model_, request.max_agents);
    // The pools that can help each targeted SLA: those serving a stage it judges.
    for (const std::size_t k : request.slas) {
      const auto& sla = model_.slas[k];
      std::vector<bool> judged_stage(model_.stages.size(), false);
      for (std::size_t c = 0; c < model_.classes.size(); ++c) {
        if (!sla.applies_to[c]) continue;
        const std::vector<double> visits = model::visit_ratios(model_, model::index(model_.classes[c].entry));
        for (std::size_t s = 0; s < visits.size(); ++s) {
          if (visits[s] == 0.0) continue;
          const bool judged =
              sla.measure == model::SlaMeasure::sojourn ||
              (sla.stage >= 0 ? static_cast<std::size_t>(sla.stage) == s : model::index(model_.classes[c].entry) == s);
          if (judged) judged_stage[s] = true;
        }
      }
      std::vector<std::size_t> helpers;
      // In the preference order of the stages judged, so that the first is the natural pick.
      for (std::size_t s = 0; s < model_.stages.size(); ++s) {
        if (!judged_stage[s]) continue;
        for (const model::PoolId pool : model_.stages[s].pools)
          for (std::size_t q = 0; q < request.pools.size(); ++q)
            if (request.pools[q] == model::index(pool) && std::find(helpers.begin(), helpers.end(), q) == helpers.end())
              helpers.push_back(q);
      }
      helpers_.push_back(std::move(helpers));
    }
  }

  model::StaffingAnswer run() {
    agents_.assign(request_.pools.size(), std::vector<int>(intervals_, 0));
    for (std::size_t q = 0; q < request_.pools.size(); ++q)
      for (std::size_t i = 0; i < intervals_; ++i) agents_[q][i] = seeds_[request_.pools[q]][i].seed;
    current_ = evaluate(agents_);
    say("seed (closed forms): " + std::to_string(agent_total()) + " agent-intervals, " +
        std::to_string(failing(current_).size()) + " targets missed");
    raise();
    descend();
    return model::StaffingAnswer{
        .pools = request_.pools,
        .slas = request_.slas,
        .confidence = request_.confidence,
        .seeds = seeds_,
        .agents = agents_,
        .intervals = current_.intervals,
        .day = current_.day,
        .unmet = failing(current_),
        .evaluations = evaluations_ + 1,
        .result = run_experiment(model::compile(staffed_scenario(request_, agents_)), request_.threads),
    };
  }

 private:
  const StaffingRequest& request_;
  const StaffingProgress& progress_;
  model::CompiledModel model_;
  std::size_t intervals_ = 0;
  std::vector<std::vector<model::IntervalSeed>> seeds_;
  std::vector<std::vector<std::size_t>> helpers_;  // [SLA position]: searched pools, natural pick first
  std::vector<std::vector<int>> agents_;           // [searched pool][interval]
  Evaluation current_;
  std::size_t evaluations_ = 0;

  void say(const std::string& line) const {
    if (progress_) progress_(line);
  }
  long long agent_total() const {
    long long total = 0;
    for (const auto& pool : agents_)
      for (const int a : pool) total += a;
    return total;
  }
  double target(std::size_t k) const { return model_.slas[request_.slas[k]].target; }

  Evaluation evaluate(const std::vector<std::vector<int>>& agents) {
    ++evaluations_;
    const model::CompiledModel model = model::compile(staffed_scenario(request_, agents));
    const model::KpiLayout layout(model);
    const std::size_t slas = request_.slas.size(), replications = static_cast<std::size_t>(model.replications);
    // Per target (intervals, then the day), per replication: hits and trials.
    const std::size_t targets = (intervals_ + 1) * slas;
    std::vector<std::vector<double>> hits(targets, std::vector<double>(replications));
    std::vector<std::vector<double>> trials = hits;
    const auto slot = [&](std::size_t target) {
      const std::size_t i = target / slas, k = request_.slas[target % slas];
      return i < intervals_ ? layout.of_interval_sla(i, k) : layout.of_sla(k, model::SlaKpi::attained);
    };
    sim::for_each_replication(
        0, replications, request_.threads,
        [&](std::size_t r) {
          const model::ReplicationResult run = model::run_replication(model, layout, r);
          std::vector<double> counts(2 * targets);
          for (std::size_t t = 0; t < targets; ++t) {
            counts[2 * t] = run.numerators[slot(t)];
            counts[2 * t + 1] = run.denominators[slot(t)];
          }
          return counts;
        },
        [&](std::size_t r, std::vector<double> counts) {
          for (std::size_t t = 0; t < targets; ++t) {
            hits[t][r] = std::isfinite(counts[2 * t]) ? counts[2 * t] : 0.0;
            trials[t][r] = std::isfinite(counts[2 * t + 1]) ? counts[2 * t + 1] : 0.0;
          }
        });
    Evaluation e;
    e.intervals.assign(intervals_, std::vector<model::Judgement>(slas));
    e.day.resize(slas);
    for (std::size_t t = 0; t < targets; ++t) {
      const std::size_t i = t / slas, k = t % slas;
      const model::Judgement j = model::judge_attainment(hits[t], trials[t], target(k), request_.confidence);
      (i < intervals_ ? e.intervals[i][k] : e.day[k]) = j;
    }
    return e;
  }

  const model::Judgement& judgement(const Evaluation& e, std::size_t i, std::size_t k) const {
    return i < intervals_ ? e.intervals[i][k] : e.day[k];
  }

  // Judged targets that miss: (interval, SLA position), interval == intervals_ for the day.
  std::vector<std::pair<std::size_t, std::size_t>> failing(const Evaluation& e) const {
    std::vector<std::pair<std::size_t, std::size_t>> result;
    for (std::size_t i = 0; i <= intervals_; ++i)
      for (std::size_t k = 0; k < request_.slas.size(); ++k) {
        const model::Judgement& j = judgement(e, i, k);
        if (j.judged && !j.met) result.emplace_back(i, k);
      }
    return result;
  }

  // Every target met in `before` is still met in `after`.
  bool holds(const Evaluation& before, const Evaluation& after) const {
    for (std::size_t i = 0; i <= intervals_; ++i)
      for (std::size_t k = 0; k < request_.slas.size(); ++k)
        if (judgement(before, i, k).met && !judgement(after, i, k).met) return false;
    return true;
  }

  // The closed forms' view of pool q at interval i for SLA position k: net agents on duty
  // for `scheduled` ones, and the service level of n net agents (nullopt where the closed
  // forms say nothing: no load, or a sojourn SLA).
  int net(std::size_t q, int scheduled) const {
    const model::Pool& pool = request_.scenario.pools[request_.pools[q]];
    return static_cast<int>(std::floor(scheduled * (1.0 - pool.absenteeism) * (1.0 - pool.shrinkage) + 1e-9));
  }
  std::optional<double> level(std::size_t q, std::size_t i, std::size_t k, int n) const {
    const model::IntervalLoad& load = seeds_[request_.pools[q]][i].load;
    const auto& sla = model_.slas[request_.slas[k]];
    if (load.arrival_rate <= 0.0 || sla.measure != model::SlaMeasure::wait) return std::nullopt;
    return model::service_level(n, load.arrival_rate, 1.0 / load.handling_seconds,
                                sim::seconds_from_ticks(sla.threshold), load.abandonment_rate);
  }
  int closed_form_cap(std::size_t q, std::size_t i, int now) const {
    const double erlangs = seeds_[request_.pools[q]][i].load.erlangs();
    return std::min(request_.max_agents, now + 4 * static_cast<int>(std::ceil(erlangs)) + 50);
  }

  // The closed forms' estimate of the agents that close a deficit in attainment (at least
  // 1): the level they give now, raised by the deficit, and the fewest agents reaching it.
  int step(std::size_t q, std::size_t i, std::size_t k, double deficit) const {
    const int now = net(q, agents_[q][i]);
    const auto level_now = level(q, i, k, now);
    if (!level_now) return 1;
    const double want = std::min(1.0 - 1e-9, *level_now + deficit);
    const int cap = closed_form_cap(q, i, now);
    int n = now + 1;
    while (n < cap && *level(q, i, k, n) < want) ++n;
    const model::Pool& pool = request_.scenario.pools[request_.pools[q]];
    return std::max(1, model::gross_up(n, pool.absenteeism, pool.shrinkage) - agents_[q][i]);
  }

  // The closed forms' estimate of the agents pool q could give up at interval i while its
  // met targets keep their room (lower end above target): for each, the fewest agents
  // whose level is the present one less the room. At least 1 where it has agents; all of
  // them where the closed forms say nothing (a backup pool without load of its own).
  int spare(std::size_t q, std::size_t i) const {
    if (agents_[q][i] == 0) return 0;
    const int now = net(q, agents_[q][i]);
    int fewest = 0;
    bool known = false;
    for (std::size_t k = 0; k < request_.slas.size(); ++k) {
      const model::Judgement& j = current_.intervals[i][k];
      const auto level_now = level(q, i, k, now);
      if (!j.met || !level_now) continue;
      known = true;
      const double want = *level_now - (j.low - target(k));
      int n = now;
      while (n > 0 && *level(q, i, k, n - 1) >= want) --n;
      fewest = std::max(fewest, n);
    }
    if (!known) return agents_[q][i];
    const model::Pool& pool = request_.scenario.pools[request_.pools[q]];
    return std::max(1, agents_[q][i] - model::gross_up(fewest, pool.absenteeism, pool.shrinkage));
  }

  // Phase 2: raise where a target misses, until every judged target is met or can rise no
  // further. A target whose SLA only one searched pool can help raises that pool by the
  // closed forms' step; one several pools can help raises, per interval, the pool whose
  // extra agent (measured with common random numbers, one evaluation per pool) gains the
  // most attainment per unit of cost.
  void raise() {
    std::vector<std::vector<bool>> capped(intervals_ + 1, std::vector<bool>(request_.slas.size(), false));
    std::vector<std::vector<int>> stalled(intervals_ + 1, std::vector<int>(request_.slas.size(), 0));
    for (int round = 1; round <= 200; ++round) {
      // Per interval: the raise it needs, as the failing targets there and their deficits.
      std::vector<std::vector<std::size_t>> failing_at(intervals_);
      for (const auto& [i, k] : failing(current_)) {
        if (capped[i][k]) continue;
        std::size_t at = i;
        if (i == intervals_) {
          // The day misses though no interval does (or not only where intervals do): raise
          // the judged interval with the most misses of that SLA.
          double most = -1.0;
          at = intervals_;
          for (std::size_t j = 0; j < intervals_; ++j) {
            const model::Judgement& jj = current_.intervals[j][k];
            if (jj.trials > 0.0 && jj.trials - jj.hits > most && can_raise(k, j)) {
              most = jj.trials - jj.hits;
              at = j;
            }
          }
          if (at == intervals_) {
            capped[i][k] = true;
            continue;
          }
        }
        if (!can_raise(k, at)) {
          capped[i][k] = true;
          continue;
        }
        failing_at[at].push_back(k);
      }
      std::vector<std::vector<int>> plan(request_.pools.size(), std::vector<int>(intervals_, 0));
      std::vector<std::vector<std::size_t>> open(intervals_);  // candidate pools where several can help
      bool any = false;
      for (std::size_t i = 0; i < intervals_; ++i) {
        if (failing_at[i].empty()) continue;
        any = true;
        std::vector<std::size_t> candidates;
        for (const std::size_t k : failing_at[i])
          for (const std::size_t q : helpers_[k])
            if (agents_[q][i] < request_.max_agents &&
                std::find(candidates.begin(), candidates.end(), q) == candidates.end())
              candidates.push_back(q);
        if (candidates.size() == 1) {
          int most = 1;
          for (const std::size_t k : failing_at[i])
            most = std::max(most, step(candidates[0], i, k, target(k) - judgement(current_, i, k).low));
          plan[candidates[0]][i] = most;
        } else {
          open[i] = std::move(candidates);
        }
      }
      if (!any) break;
      choose_by_measurement(open, failing_at, plan);
      for (std::size_t q = 0; q < request_.pools.size(); ++q)
        for (std::size_t i = 0; i < intervals_; ++i)
          agents_[q][i] = std::min(request_.max_agents, agents_[q][i] + plan[q][i]);
      const Evaluation before = std::move(current_);
      current_ = evaluate(agents_);
      // A target that two raises in a row did not bring closer is beyond agents (a system
      // down, a queue too short): it stops drawing agents; the descent returns them.
      for (const auto& [i, k] : failing(current_)) {
        if (judgement(current_, i, k).low > judgement(before, i, k).low + 1e-3)
          stalled[i][k] = 0;
        else if (++stalled[i][k] >= 2)
          capped[i][k] = true;
      }
      say("raise " + std::to_string(round) + ": " + std::to_string(agent_total()) + " agent-intervals, " +
          std::to_string(failing(current_).size()) + " targets missed");
    }
  }

  bool can_raise(std::size_t k, std::size_t i) const {
    for (const std::size_t q : helpers_[k])
      if (agents_[q][i] < request_.max_agents) return true;
    return false;
  }

  void choose_by_measurement(const std::vector<std::vector<std::size_t>>& open,
                             const std::vector<std::vector<std::size_t>>& failing_at,
                             std::vector<std::vector<int>>& plan) {
    std::vector<std::size_t> pools;
    for (const auto& candidates : open)
      for (const std::size_t q : candidates)
        if (std::find(pools.begin(), pools.end(), q) == pools.end()) pools.push_back(q);
    if (pools.empty()) return;
    std::sort(pools.begin(), pools.end());
    // gain[q][i]: the attainment (lower ends) the interval's failing targets gain with one
    // more agent of pool q there.
    std::vector<std::vector<double>> gain(request_.pools.size(), std::vector<double>(intervals_, 0.0));
    for (const std::size_t q : pools) {
      auto trial = agents_;
      for (std::size_t i = 0; i < intervals_; ++i)
        if (std::find(open[i].begin(), open[i].end(), q) != open[i].end()) ++trial[q][i];
      const Evaluation measured = evaluate(trial);
      for (std::size_t i = 0; i < intervals_; ++i)
        for (const std::size_t k : failing_at[i])
          gain[q][i] += judgement(measured, i, k).low - judgement(current_, i, k).low;
    }
    for (std::size_t i = 0; i < intervals_; ++i) {
      if (open[i].empty()) continue;
      std::size_t best = open[i].front();
      double best_value = 0.0;
      for (const std::size_t q : open[i]) {
        const double cost = request_.scenario.pools[request_.pools[q]].cost_per_hour;
        const double value = gain[q][i] / (cost > 0.0 ? cost : 1.0);
        if (value > best_value) {
          best_value = value;
          best = q;
        }
      }
      plan[best][i] = 1;
    }
  }

  // Phase 3a for pool q and every third interval from c: remove at once what the closed
  // forms think each can spare; where a target near an interval (it, or a neighbour its
  // backlog reaches) then breaks, halve that interval's cut and try again. Intervals three
  // apart rarely share a backlog, so most cuts are judged in the same evaluation.
  void cut_class(std::size_t q, std::size_t c) {
    std::vector<int> cut(intervals_, 0);
    for (std::size_t i = c; i < intervals_; i += 3) cut[i] = spare(q, i);
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto trial = agents_;
      std::size_t cuts = 0;
      for (std::size_t i = c; i < intervals_; i += 3)
        if (cut[i] > 0) {
          trial[q][i] = std::max(0, trial[q][i] - cut[i]);
          ++cuts;
        }
      if (cuts == 0) return;
      Evaluation e = evaluate(trial);
      if (holds(current_, e)) {
        agents_ = std::move(trial);
        current_ = std::move(e);
        for (std::size_t i = c; i < intervals_; i += 3) cut[i] = cut[i] > 1 ? spare(q, i) / 2 : 0;
        continue;
      }
      bool near_any = false;
      std::vector<bool> broken(intervals_ + 1, false);
      for (std::size_t i = 0; i <= intervals_; ++i)
        for (std::size_t k = 0; k < request_.slas.size(); ++k)
          broken[i] = broken[i] || (judgement(current_, i, k).met && !judgement(e, i, k).met);
      for (std::size_t i = c; i < intervals_; i += 3) {
        const bool near = broken[i] || (i > 0 && broken[i - 1]) || (i + 1 < intervals_ && broken[i + 1]);
        if (near) {
          cut[i] /= 2;
          near_any = true;
        }
      }
      if (!near_any)  // only the day, or far away: every cut is suspect
        for (std::size_t i = c; i < intervals_; i += 3) cut[i] /= 2;
    }
  }

  // Phase 3: remove agents while every met target still holds. First the closed forms'
  // cuts, a class of intervals at a time (the seed or the raises may have overshot
  // everywhere), then one agent at a time, the interval with the most room first,
  // until no single agent can be removed. An agent whose removal broke a target stays
  // proven needed as the others go: fewer agents elsewhere never make it spare (assumed
  // monotone; the brute-force test checks the answer).
  void descend() {
    for (std::size_t q = 0; q < request_.pools.size(); ++q)
      for (std::size_t c = 0; c < 3; ++c) cut_class(q, c);
    std::vector<std::vector<bool>> needed(request_.pools.size(), std::vector<bool>(intervals_, false));
    for (;;) {
      // The interval with the most room: the smallest margin of its met targets is largest.
      std::optional<std::pair<std::size_t, std::size_t>> next;
      double best = -2.0;
      for (std::size_t q = 0; q < request_.pools.size(); ++q)
        for (std::size_t i = 0; i < intervals_; ++i) {
          if (agents_[q][i] == 0 || needed[q][i]) continue;
          double room = 1.0;
          for (std::size_t k = 0; k < request_.slas.size(); ++k)
            if (current_.intervals[i][k].met) room = std::min(room, current_.intervals[i][k].low - target(k));
          if (room > best) {
            best = room;
            next = std::make_pair(q, i);
          }
        }
      if (!next) break;
      auto trial = agents_;
      --trial[next->first][next->second];
      Evaluation e = evaluate(trial);
      if (holds(current_, e)) {
        agents_ = std::move(trial);
        current_ = std::move(e);
      } else {
        needed[next->first][next->second] = true;
      }
    }
    say("descent: " + std::to_string(agent_total()) + " agent-intervals, " + std::to_string(evaluations_) +
        " evaluations");
  }
};

}  // namespace

model::StaffingAnswer find_staffing(const StaffingRequest& request, const StaffingProgress& progress) {
  return Search(request, progress).run();
}

}  // namespace capsim::experiment
