#include "experiment/staffing.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
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

std::vector<model::StaffTarget> staffing_targets(const model::Scenario& scenario,
                                                 const std::vector<std::string>& slas) {
  std::vector<model::StaffTarget> targets;
  const auto wanted = [&](const std::string& sla) {
    return slas.empty() || std::find(slas.begin(), slas.end(), sla) != slas.end();
  };
  for (const auto& t : scenario.staff.targets)
    if (!t.kpi.empty() || wanted(t.sla)) targets.push_back(t);
  for (const auto& sla : scenario.slas) {
    const bool named = std::any_of(targets.begin(), targets.end(), [&](const auto& t) { return t.sla == sla.name; });
    // Without a section every SLA; with one only those it names, unless --sla asks.
    if (!named && (scenario.staff.targets.empty() ? wanted(sla.name) : !slas.empty() && wanted(sla.name))) {
      model::StaffTarget every_interval;
      every_interval.sla = sla.name;
      every_interval.path = "sla." + sla.name;
      targets.push_back(std::move(every_interval));
    }
  }
  return targets;
}

namespace {

// Where a target's numbers come from in one replication's result.
enum class Source { attainment, risk, abandon_rate, asa };

// A target as the search judges it: its rule, the SLA it is of, and the searched pools that
// can help it (natural pick first).
struct Measure {
  model::StaffingTarget shown;
  Source source = Source::attainment;
  std::size_t sla = 0;  // model index, for attainment and risk
  std::vector<std::size_t> helpers;
};

// The judged targets of one evaluation: [interval][target], then the day's.
struct Evaluation {
  std::vector<std::vector<model::Judgement>> intervals;
  std::vector<model::Judgement> day;
  bool complete = true;  // false: stopped early, a target decided by then broken (see evaluate)
};

class Search {
 public:
  Search(const StaffingRequest& request, const StaffingProgress& progress)
      : request_(request), progress_(progress), model_(model::compile(request.scenario)) {
    intervals_ = static_cast<std::size_t>(model_.intervals);
    seeds_ = model::staffing_seeds(model_, request.max_agents);
    for (const model::StaffTarget& t : request.targets) measures_.push_back(resolve(t));
    for (const Measure& m : measures_) {
      std::optional<sim::Duration> after;
      if (m.source == Source::attainment && m.shown.per_interval) {
        // A sojourn's clock starts on arrival, and so does a wait's at each class's entry:
        // a customer still inside then is a miss whatever comes later.
        const auto& sla = model_.slas[m.sla];
        bool from_arrival = true;
        for (std::size_t c = 0; c < model_.classes.size() && sla.measure == model::SlaMeasure::wait; ++c)
          from_arrival = from_arrival && (!sla.applies_to[c] || sla.stage < 0 ||
                                          static_cast<std::size_t>(sla.stage) == model::index(model_.classes[c].entry));
        if (from_arrival) after = sla.threshold;
      }
      decided_after_.push_back(after);
    }
  }

  model::StaffingAnswer run() {
    std::vector<std::vector<int>> seeded(request_.pools.size(), std::vector<int>(intervals_, 0));
    for (std::size_t q = 0; q < request_.pools.size(); ++q)
      for (std::size_t i = 0; i < intervals_; ++i) seeded[q][i] = seeds_[request_.pools[q]][i].seed;
    Evaluation e = evaluate(seeded);
    adopt(std::move(seeded), std::move(e));
    say("seed (closed forms): " + std::to_string(agent_total()) + " agent-intervals, " +
        std::to_string(failing(current_).size()) + " targets missed");
    raise();
    descend();
    return model::StaffingAnswer{
        .pools = request_.pools,
        .targets = shown_targets(),
        .confidence = request_.confidence,
        .seeds = seeds_,
        .agents = agents_,
        .intervals = current_.intervals,
        .day = current_.day,
        .unmet = failing(current_),
        .evaluations = evaluations_ + 1,
        .evaluation_cost = cost_ + 1.0,
        .result = run_experiment(model::compile(staffed_scenario(request_, agents_)), request_.threads),
    };
  }

 private:
  const StaffingRequest& request_;
  const StaffingProgress& progress_;
  model::CompiledModel model_;
  std::size_t intervals_ = 0;
  std::vector<std::vector<model::IntervalSeed>> seeds_;
  std::vector<Measure> measures_;
  std::vector<std::vector<int>> agents_;  // [searched pool][interval]
  Evaluation current_;
  // The replications of the current staffing paused at each interval's start
  // ([interval][replication]; none at 0, where a run starts): a candidate that differs from
  // it only from some interval on resumes there instead of replaying the day before it
  // (ServiceSystem's resuming constructor gives bit for bit the fresh run). The last full
  // evaluation keeps its own, which become the current ones when its staffing is adopted.
  struct Paused {
    std::shared_ptr<const model::CompiledModel> model;  // what they ran under (they point to it)
    std::vector<std::unique_ptr<model::ServiceSystem>> replications;
  };
  std::vector<Paused> paused_;
  std::shared_ptr<const model::CompiledModel> paused_model_;  // the current staffing's, which they agree with
  struct LastRun {
    std::vector<std::vector<int>> agents;
    std::size_t resumed_at = 0;  // its pauses after this interval are its own
    std::vector<Paused> paused;
    std::shared_ptr<const model::CompiledModel> model;
  } last_;
  std::size_t evaluations_ = 0;
  double cost_ = 0.0;  // evaluations in full runs: a stopped one counts its share of the horizon
  // Per target: the time after a customer's arrival by which its verdict on them is known,
  // for an SLA's attainment per interval whose clock starts on arrival (a sojourn; a wait
  // at each class's entry); nullopt for targets a stopped run cannot judge.
  std::vector<std::optional<sim::Duration>> decided_after_;

  Measure resolve(const model::StaffTarget& t) const {
    Measure m;
    std::vector<bool> stages(model_.stages.size(), false);  // the stages the target judges
    if (!t.sla.empty()) {
      for (std::size_t k = 0; k < model_.slas.size(); ++k)
        if (model_.slas[k].name == t.sla) m.sla = k;
      const auto& sla = model_.slas[m.sla];
      m.source = t.risk_at_most ? Source::risk : Source::attainment;
      m.shown = {.name = t.risk_at_most ? sla.name + ".risk" : sla.name,
                 .rule = t.risk_at_most ? model::TargetRule{false, *t.risk_at_most, true}
                                        : model::TargetRule{true, sla.target, true},
                 .per_interval = t.per_interval && !t.risk_at_most,
                 .unit = model::KpiUnit::fraction};
      for (std::size_t c = 0; c < model_.classes.size(); ++c) {
        if (!sla.applies_to[c]) continue;
        const std::size_t entry = model::index(model_.classes[c].entry);
        const std::vector<double> visits = model::visit_ratios(model_, entry);
        for (std::size_t s = 0; s < visits.size(); ++s)
          if (visits[s] > 0.0 && (sla.measure == model::SlaMeasure::sojourn ||
                                  (sla.stage >= 0 ? static_cast<std::size_t>(sla.stage) == s : entry == s)))
            stages[s] = true;
      }
    } else {
      const bool asa = t.kpi == "asa";
      m.source = asa ? Source::asa : Source::abandon_rate;
      m.shown = {.name = t.kpi,
                 .rule = {false, t.at_most, !asa},
                 .per_interval = t.per_interval,
                 .unit = asa ? model::KpiUnit::seconds : model::KpiUnit::fraction};
      std::fill(stages.begin(), stages.end(), true);  // every customer, wherever they wait
    }
    for (std::size_t s = 0; s < model_.stages.size(); ++s) {
      if (!stages[s]) continue;
      for (const model::PoolId pool : model_.stages[s].pools)
        for (std::size_t q = 0; q < request_.pools.size(); ++q)
          if (request_.pools[q] == model::index(pool) &&
              std::find(m.helpers.begin(), m.helpers.end(), q) == m.helpers.end())
            m.helpers.push_back(q);
    }
    return m;
  }

  void say(const std::string& line) const {
    if (progress_) progress_(line);
  }
  long long agent_total() const {
    long long total = 0;
    for (const auto& pool : agents_)
      for (const int a : pool) total += a;
    return total;
  }
  std::string runs_text() const {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", cost_);
    return text;
  }
  const model::TargetRule& rule(std::size_t k) const { return measures_[k].shown.rule; }
  // How far inside its bound a judged target is (negative: outside).
  double margin(const model::Judgement& j, std::size_t k) const {
    return rule(k).at_least ? j.low - rule(k).bound : rule(k).bound - j.high;
  }
  // The margin relative to the bound, so that targets of different units compare.
  double relative_margin(const model::Judgement& j, std::size_t k) const {
    const double bound = std::abs(rule(k).bound);
    return bound > 0.0 ? margin(j, k) / bound : margin(j, k);
  }
  // A target counts in interval i only when it is judged per interval (the day always).
  bool counts(std::size_t i, std::size_t k) const { return i == intervals_ || measures_[k].shown.per_interval; }

  // One replication's numerator and trials of target k in interval i (i == intervals_: the
  // day). Undefined values (no trial) count as none.
  std::pair<double, double> numbers(const model::ReplicationResult& run, const model::KpiLayout& layout, std::size_t k,
                                    std::size_t i) const {
    const Measure& m = measures_[k];
    const bool day = i == intervals_;
    const auto ratio = [&](std::size_t slot) { return std::make_pair(run.numerators[slot], run.denominators[slot]); };
    std::pair<double, double> n;
    switch (m.source) {
      case Source::attainment:
        n = ratio(day ? layout.of_sla(m.sla, model::SlaKpi::attained) : layout.of_interval_sla(i, m.sla));
        break;
      case Source::risk:
        // Over the day: a miss of the SLA's target in this replication, one trial; per
        // interval, the SLA's attainment (which interval to raise).
        if (day) {
          const double met = run.values[layout.of_sla(m.sla, model::SlaKpi::met)];
          n = std::isfinite(met) ? std::make_pair(1.0 - met, 1.0) : std::make_pair(0.0, 0.0);
        } else {
          n = ratio(layout.of_interval_sla(i, m.sla));
        }
        break;
      case Source::abandon_rate:
        n = day ? ratio(layout.overall(model::ClassKpi::abandon_rate))
                : std::make_pair(run.values[layout.of_interval(i, model::IntervalKpi::abandoned)],
                                 run.values[layout.of_interval(i, model::IntervalKpi::offered)]);
        break;
      case Source::asa:
        if (day) {
          const double answered = run.values[layout.overall(model::ClassKpi::answered)];
          n = {run.values[layout.overall(model::ClassKpi::wait_mean)] * answered, answered};
        } else {
          n = ratio(layout.of_interval(i, model::IntervalKpi::asa));
        }
        break;
    }
    if (!std::isfinite(n.first) || !std::isfinite(n.second)) return {0.0, 0.0};
    return n;
  }

  // The targets judged with `agents`. A candidate that agrees with the current staffing
  // before some interval resumes its replications paused there (at the last pause at or
  // before it); a run keeps its own pauses, which adopt() makes the current ones. At each
  // of `windows` (ascending) before the end, the targets decided by then are judged and,
  // when one met now breaks, the run stops there: `complete` is false, and only targets
  // decided by then are judged. Otherwise the same replications go on to the end.
  Evaluation evaluate(const std::vector<std::vector<int>>& agents, const std::vector<sim::Time>& windows = {}) {
    const auto model = std::make_shared<const model::CompiledModel>(model::compile(staffed_scenario(request_, agents)));
    std::size_t from = 0;  // the first interval whose staffing differs from the current one
    if (!paused_.empty() && agents_.size() == agents.size() &&
        model::ServiceSystem::resumable(*paused_model_, *model)) {
      from = intervals_;
      for (std::size_t q = 0; q < agents.size(); ++q)
        for (std::size_t i = 0; i < from; ++i)
          if (agents[q][i] != agents_[q][i]) from = i;
    }
    from = std::min(from, intervals_ - 1) / pause_every_ * pause_every_;
    last_ = LastRun{.agents = agents, .resumed_at = from, .paused = {}, .model = model};
    last_bytes_ = 0;
    last_overflowed_ = false;
    last_.paused.resize(intervals_);
    for (std::size_t i = from + pause_every_; i < intervals_; i += pause_every_) {
      last_.paused[i].model = model;
      last_.paused[i].replications.resize(static_cast<std::size_t>(model->replications));
    }
    return evaluate_from(*model, from, windows);
  }

  // Runs keep their replications paused every pause_every_ interval starts: a copy of a
  // replication costs about as much as simulating a few minutes of it, and a resumed
  // candidate replays at most pause_every_ - 1 intervals it need not (measured on the
  // default day: every 4th rather than every interval costs 8% more simulation and saves
  // 72% of the copies' memory). The current staffing's pauses and the last run's together
  // stay within the request's pause_memory_bytes: a run whose pauses would not fit keeps
  // none, and the pauses thin out (every 8th, 16th, ...).
  std::size_t pause_every_ = 4;
  std::size_t paused_bytes_ = 0;              // of paused_
  std::atomic<std::size_t> last_bytes_{0};    // of last_.paused
  std::atomic<bool> last_overflowed_{false};  // last_ had no room for all its pauses

  sim::Time interval_start(std::size_t i) const {
    return sim::kStart + model_.interval_ticks * static_cast<sim::Ticks>(i);
  }

 public:
  // The targets judged on any candidate of the request's scenario (the same horizon and
  // replications: `capsim schedule`'s roster).
  Evaluation evaluate(const model::CompiledModel& model) {
    last_ = {};
    return evaluate_from(model, 0, {});
  }

 private:
  // Runs `model`'s replications, from the current staffing's pauses at interval `from`
  // (> 0) or from the start, keeping pauses where last_ has room for them; see evaluate().
  Evaluation evaluate_from(const model::CompiledModel& model, std::size_t from, const std::vector<sim::Time>& windows) {
    ++evaluations_;
    const double length = sim::seconds_from_ticks(model_.end());
    double reached = from > 0 ? sim::seconds_from_ticks(interval_start(from)) : 0.0;
    const model::KpiLayout layout(model);
    const std::size_t replications = static_cast<std::size_t>(model.replications);
    std::vector<std::unique_ptr<model::ServiceSystem>> systems(replications);
    std::vector<std::size_t> next_pause(replications, from + pause_every_);
    // Every replication to `stop` (inclusive; kTimeMax: to the end), judged there.
    const auto judge_at = [&](sim::Time stop) {
      const std::size_t targets = measures_.size();
      const std::size_t cells = (intervals_ + 1) * targets;  // per (interval or day, target)
      std::vector<std::vector<double>> numerators(cells, std::vector<double>(replications));
      std::vector<std::vector<double>> trials = numerators;
      sim::for_each_replication(
          0, replications, request_.threads,
          [&](std::size_t r) {
            auto& system = systems[r];
            if (!system)
              system = from > 0 ? std::make_unique<model::ServiceSystem>(*paused_[from].replications[r], model, layout)
                                : std::make_unique<model::ServiceSystem>(model, layout, r);
            for (std::size_t& i = next_pause[r]; i < last_.paused.size() && interval_start(i) <= stop;
                 i += pause_every_) {
              system->run_before(interval_start(i));
              const std::size_t bytes = system->memory_bytes();
              if (last_overflowed_ || paused_bytes_ + (last_bytes_ += bytes) > request_.pause_memory_bytes) {
                last_overflowed_ = true;
                continue;
              }
              last_.paused[i].replications[r] = std::make_unique<model::ServiceSystem>(*system, model, layout);
            }
            model::ReplicationResult run;
            if (stop < model_.end()) {  // judged on a copy that stops there; the replication goes on later
              system->run_before(stop + sim::Duration(1));
              run = model::ServiceSystem(*system, model, layout).run(stop);
            } else {
              run = system->run();
              system.reset();
            }
            std::vector<std::pair<double, double>> kept(cells);
            for (std::size_t c = 0; c < cells; ++c) kept[c] = numbers(run, layout, c % targets, c / targets);
            return kept;
          },
          [&](std::size_t r, std::vector<std::pair<double, double>> kept) {
            for (std::size_t c = 0; c < cells; ++c) {
              numerators[c][r] = kept[c].first;
              trials[c][r] = kept[c].second;
            }
          });
      const double to = stop < model_.end() ? sim::seconds_from_ticks(stop) : length;
      cost_ += (to - reached) / length;  // evaluations in full runs: what was simulated
      reached = to;
      Evaluation e;
      e.intervals.assign(intervals_, std::vector<model::Judgement>(targets));
      e.day.resize(targets);
      for (std::size_t c = 0; c < cells; ++c) {
        const std::size_t i = c / targets, k = c % targets;
        const model::Judgement j = model::judge_target(numerators[c], trials[c], rule(k), request_.confidence);
        (i < intervals_ ? e.intervals[i][k] : e.day[k]) = j;
      }
      return e;
    };
    try {
      for (const sim::Time window : windows) {
        if (window >= model_.end()) break;
        Evaluation early = judge_at(window);
        if (broken_by(early, window)) {
          early.complete = false;
          last_.paused.clear();
          return early;
        }
      }
      return judge_at(sim::kTimeMax);
    } catch (const model::PopulationLimitExceeded&) {
      // A staffing so short that a replication's queue outgrew its bound: every target
      // missed (the search raises it, or never goes there).
      last_.paused.clear();
      return overloaded();
    }
  }

  // Whether a target met now and decided by `stop` (its verdicts the full run's) misses in `e`.
  bool broken_by(const Evaluation& e, sim::Time stop) const {
    for (std::size_t j = 0; j < intervals_; ++j)
      for (std::size_t k = 0; k < measures_.size(); ++k) {
        if (!decided_after_[k] || interval_start(j + 1) + *decided_after_[k] > stop) continue;
        if (current_.intervals[j][k].met && !e.intervals[j][k].met) return true;
      }
    return false;
  }

 public:
  // Judged targets that miss: (interval, target), interval == intervals_ for the day.
  std::vector<std::pair<std::size_t, std::size_t>> failing(const Evaluation& e) const {
    std::vector<std::pair<std::size_t, std::size_t>> result;
    for (std::size_t i = 0; i <= intervals_; ++i)
      for (std::size_t k = 0; k < measures_.size(); ++k) {
        const model::Judgement& j = judgement(e, i, k);
        if (counts(i, k) && j.judged && !j.met) result.emplace_back(i, k);
      }
    return result;
  }
  std::vector<model::StaffingTarget> shown_targets() const {
    std::vector<model::StaffingTarget> shown;
    for (const Measure& m : measures_) shown.push_back(m.shown);
    return shown;
  }
  const std::vector<std::size_t>& helpers(std::size_t k) const { return measures_[k].helpers; }
  // Target k's shortfall in interval i (see below): which interval a day's miss comes from.
  double interval_shortfall(const Evaluation& e, std::size_t i, std::size_t k) const {
    return shortfall(e.intervals[i][k], k);
  }

 private:
  Evaluation overloaded() const {
    model::Judgement missed;
    missed.judged = true;
    missed.high = std::numeric_limits<double>::infinity();
    Evaluation e;
    e.intervals.assign(intervals_, std::vector<model::Judgement>(measures_.size(), missed));
    e.day.assign(measures_.size(), missed);
    return e;
  }

  const model::Judgement& judgement(const Evaluation& e, std::size_t i, std::size_t k) const {
    return i < intervals_ ? e.intervals[i][k] : e.day[k];
  }

  // The staffing evaluated last becomes the current one, and its pauses with it: those it
  // kept itself, after the interval it resumed at, and the current ones up to there (the
  // two staffings agree before it).
  void adopt(std::vector<std::vector<int>> agents, Evaluation evaluation) {
    if (!last_.paused.empty() && last_.agents == agents && evaluation.complete && !last_overflowed_) {
      paused_.resize(intervals_);
      for (std::size_t i = last_.resumed_at + 1; i < intervals_; ++i) paused_[i] = std::move(last_.paused[i]);
      paused_model_ = std::move(last_.model);
    } else {
      paused_.clear();  // none of its own: the next candidate runs from the start
      paused_model_.reset();
    }
    if (last_overflowed_ && pause_every_ < intervals_) {
      pause_every_ *= 2;
      for (std::size_t i = 0; i < paused_.size(); ++i)
        if (i % pause_every_ != 0) paused_[i] = {};
    }
    last_overflowed_ = false;
    paused_bytes_ = 0;
    for (const Paused& at : paused_)
      for (const auto& replication : at.replications) paused_bytes_ += replication ? replication->memory_bytes() : 0;
    last_ = {};
    agents_ = std::move(agents);
    current_ = std::move(evaluation);
  }

  // Every target met in `before` is still met in `after`.
  bool holds(const Evaluation& before, const Evaluation& after) const {
    for (std::size_t i = 0; i <= intervals_; ++i)
      for (std::size_t k = 0; k < measures_.size(); ++k)
        if (counts(i, k) && judgement(before, i, k).met && !judgement(after, i, k).met) return false;
    return true;
  }

  // The closed forms' view of pool q at interval i for target k: net agents on duty for
  // `scheduled` ones, and the service level of n net agents (nullopt where the closed
  // forms say nothing: no load, a target other than a wait SLA's attainment).
  int net(std::size_t q, int scheduled) const {
    const model::Pool& pool = request_.scenario.pools[request_.pools[q]];
    return static_cast<int>(std::floor(scheduled * (1.0 - pool.absenteeism) * (1.0 - pool.shrinkage) + 1e-9));
  }
  std::optional<double> level(std::size_t q, std::size_t i, std::size_t k, int n) const {
    const model::IntervalLoad& load = seeds_[request_.pools[q]][i].load;
    const Measure& m = measures_[k];
    if (load.arrival_rate <= 0.0 || m.source != Source::attainment) return std::nullopt;
    const auto& sla = model_.slas[m.sla];
    if (sla.measure != model::SlaMeasure::wait) return std::nullopt;
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
    for (std::size_t k = 0; k < measures_.size(); ++k) {
      const model::Judgement& j = current_.intervals[i][k];
      const auto level_now = level(q, i, k, now);
      if (!counts(i, k) || !j.met || !level_now) continue;
      known = true;
      const double want = *level_now - margin(j, k);
      int n = now;
      while (n > 0 && *level(q, i, k, n - 1) >= want) --n;
      fewest = std::max(fewest, n);
    }
    if (!known) return agents_[q][i];
    const model::Pool& pool = request_.scenario.pools[request_.pools[q]];
    return std::max(1, agents_[q][i] - model::gross_up(fewest, pool.absenteeism, pool.shrinkage));
  }

  // Phase 2: raise where a target misses, until every judged target is met or can rise no
  // further. A target only one searched pool can help raises that pool by the closed
  // forms' step; one several pools can help raises, per interval, the pool whose extra
  // agent (measured with common random numbers, one evaluation per pool) gains the most
  // margin per unit of cost. A day that misses raises the interval contributing most.
  void raise() {
    std::vector<std::vector<bool>> capped(intervals_ + 1, std::vector<bool>(measures_.size(), false));
    std::vector<std::vector<int>> stalled(intervals_ + 1, std::vector<int>(measures_.size(), 0));
    for (int round = 1; round <= 200; ++round) {
      std::vector<std::vector<std::size_t>> failing_at(intervals_);
      for (const auto& [i, k] : failing(current_)) {
        if (capped[i][k]) continue;
        std::size_t at = i;
        if (i == intervals_) {
          at = most_contributing(k);
          if (at == intervals_) {
            capped[i][k] = true;
            continue;
          }
        }
        if (!can_raise(k, at)) {
          capped[i][k] = true;
          continue;
        }
        if (std::find(failing_at[at].begin(), failing_at[at].end(), k) == failing_at[at].end())
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
          for (const std::size_t q : measures_[k].helpers)
            if (agents_[q][i] < request_.max_agents &&
                std::find(candidates.begin(), candidates.end(), q) == candidates.end())
              candidates.push_back(q);
        if (candidates.size() == 1) {
          int most = 1;
          for (const std::size_t k : failing_at[i])
            most = std::max(most, step(candidates[0], i, k, -margin(judgement(current_, i, k), k)));
          plan[candidates[0]][i] = most;
        } else {
          open[i] = std::move(candidates);
        }
      }
      if (!any) break;
      choose_by_measurement(open, failing_at, plan);
      auto raised = agents_;
      for (std::size_t q = 0; q < request_.pools.size(); ++q)
        for (std::size_t i = 0; i < intervals_; ++i)
          raised[q][i] = std::min(request_.max_agents, agents_[q][i] + plan[q][i]);
      const Evaluation before = current_;
      Evaluation e = evaluate(raised);
      adopt(std::move(raised), std::move(e));
      // A target that two raises in a row did not bring closer is beyond agents (a system
      // down, a queue too short): it stops drawing agents; the descent returns them.
      // A day's progress also shows as fewer shortfalls over its intervals (a risk moves
      // only when a whole day turns).
      for (const auto& [i, k] : failing(current_)) {
        const bool closer = margin(judgement(current_, i, k), k) > margin(judgement(before, i, k), k) + 1e-3 ||
                            (i == intervals_ && shortfall(current_, k) < shortfall(before, k) - 0.5);
        if (closer)
          stalled[i][k] = 0;
        else if (++stalled[i][k] >= 2)
          capped[i][k] = true;
      }
      say("raise " + std::to_string(round) + ": " + std::to_string(agent_total()) + " agent-intervals, " +
          std::to_string(failing(current_).size()) + " targets missed");
    }
  }

  // Target k's shortfall in interval i: its misses (an attainment, or the attainment
  // behind a risk), or its events (abandonments, seconds waited) for an at-most target.
  double shortfall(const model::Judgement& j, std::size_t k) const {
    const bool misses = measures_[k].source == Source::attainment || measures_[k].source == Source::risk;
    return misses ? j.trials - j.numerator : j.numerator;
  }
  double shortfall(const Evaluation& e, std::size_t k) const {
    double total = 0.0;
    for (std::size_t i = 0; i < intervals_; ++i) total += shortfall(e.intervals[i][k], k);
    return total;
  }

  // The interval that contributes most to target k's day missing and can still rise;
  // intervals_ when none can.
  std::size_t most_contributing(std::size_t k) const {
    double most = -1.0;
    std::size_t at = intervals_;
    for (std::size_t j = 0; j < intervals_; ++j) {
      const model::Judgement& jj = current_.intervals[j][k];
      if (jj.trials <= 0.0 || !can_raise(k, j)) continue;
      if (shortfall(jj, k) > most) {
        most = shortfall(jj, k);
        at = j;
      }
    }
    return at;
  }

  bool can_raise(std::size_t k, std::size_t i) const {
    for (const std::size_t q : measures_[k].helpers)
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
    // gain[q][i]: the margin the interval's failing targets gain with one more agent of
    // pool q there.
    std::vector<std::vector<double>> gain(request_.pools.size(), std::vector<double>(intervals_, 0.0));
    for (const std::size_t q : pools) {
      auto trial = agents_;
      for (std::size_t i = 0; i < intervals_; ++i)
        if (std::find(open[i].begin(), open[i].end(), q) != open[i].end()) ++trial[q][i];
      const Evaluation measured = evaluate(trial);
      for (std::size_t i = 0; i < intervals_; ++i)
        for (const std::size_t k : failing_at[i])
          gain[q][i] += relative_margin(judgement(measured, i, k), k) - relative_margin(judgement(current_, i, k), k);
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
        adopt(std::move(trial), std::move(e));
        // It held: half the closed forms' new estimate (larger cuts fail more often than
        // they save: measured on the default and the sinusoidal day); the rest is for
        // the single steps.
        for (std::size_t i = c; i < intervals_; i += 3) cut[i] = cut[i] > 1 ? spare(q, i) / 2 : 0;
        continue;
      }
      bool near_any = false;
      std::vector<bool> broken(intervals_ + 1, false);
      for (std::size_t i = 0; i <= intervals_; ++i)
        for (std::size_t k = 0; k < measures_.size(); ++k)
          broken[i] = broken[i] || (counts(i, k) && judgement(current_, i, k).met && !judgement(e, i, k).met);
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

  // A removal of pool q's at interval i changes nothing before i starts, and the targets it
  // breaks are mostly those q serves, of i and its neighbours: the times by which interval
  // i + 1's customers are decided for them (its end plus each one's threshold), where an
  // evaluation of it looks first (evaluate's `windows`).
  std::vector<sim::Time> windows_after(std::size_t q, std::size_t i) const {
    std::vector<sim::Time> windows;
    for (std::size_t k = 0; k < measures_.size(); ++k) {
      const auto& helpers = measures_[k].helpers;
      if (decided_after_[k] && std::find(helpers.begin(), helpers.end(), q) != helpers.end())
        windows.push_back(interval_start(std::min(i + 2, intervals_)) + *decided_after_[k]);
    }
    std::sort(windows.begin(), windows.end());
    windows.erase(std::unique(windows.begin(), windows.end()), windows.end());
    return windows;
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
    say("cuts: " + std::to_string(agent_total()) + " agent-intervals, " + std::to_string(evaluations_) +
        " evaluations costing " + runs_text() + " full runs");
    std::vector<std::vector<bool>> needed(request_.pools.size(), std::vector<bool>(intervals_, false));
    for (;;) {
      // The interval with the most room: the smallest margin of its met targets is largest.
      std::optional<std::pair<std::size_t, std::size_t>> next;
      double best = -1e300;
      for (std::size_t q = 0; q < request_.pools.size(); ++q)
        for (std::size_t i = 0; i < intervals_; ++i) {
          if (agents_[q][i] == 0 || needed[q][i]) continue;
          double room = 1e300;
          for (std::size_t k = 0; k < measures_.size(); ++k)
            if (counts(i, k) && current_.intervals[i][k].met)
              room = std::min(room, relative_margin(current_.intervals[i][k], k));
          if (room > best) {
            best = room;
            next = std::make_pair(q, i);
          }
        }
      if (!next) break;
      auto trial = agents_;
      --trial[next->first][next->second];
      // Most removals that fail break a target near them: the evaluation looks there first.
      const auto [q, i] = *next;
      Evaluation e = evaluate(trial, windows_after(q, i));
      if (e.complete && holds(current_, e)) {
        adopt(std::move(trial), std::move(e));
      } else {
        needed[next->first][next->second] = true;
      }
    }
    say("descent: " + std::to_string(agent_total()) + " agent-intervals, " + std::to_string(evaluations_) +
        " evaluations costing " + runs_text() + " full runs");
  }
};

}  // namespace

model::StaffingAnswer find_staffing(const StaffingRequest& request, const StaffingProgress& progress) {
  return Search(request, progress).run();
}

TargetVerdicts judge_targets(const StaffingRequest& request, const model::Scenario& candidate) {
  Search search(request, {});
  const Evaluation e = search.evaluate(model::compile(candidate));
  TargetVerdicts v{.targets = search.shown_targets(),
                   .intervals = e.intervals,
                   .day = e.day,
                   .unmet = search.failing(e),
                   .helpers = {},
                   .worst_interval = {}};
  for (std::size_t k = 0; k < v.targets.size(); ++k) {
    v.helpers.push_back(search.helpers(k));
    std::size_t worst = e.intervals.size();
    double most = 0.0;
    for (std::size_t i = 0; i < e.intervals.size(); ++i)
      if (const double s = search.interval_shortfall(e, i, k); s > most) {
        most = s;
        worst = i;
      }
    v.worst_interval.push_back(worst);
  }
  return v;
}

}  // namespace capsim::experiment
