#include "experiment/schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "experiment/replication_run.h"
#include "models/compiled_model.h"

namespace capsim::experiment {
namespace {

// A raise of step 3: target k missed at `interval` (or the day) raised pool `pool`'s
// requirement at `at`.
struct Raise {
  std::size_t interval = 0, target = 0, pool = 0, at = 0;
};

// One column of the program: a placement of a rostered pool.
struct Column {
  std::size_t pool = 0;  // position among the rostered pools
  model::Placement placement;
};

class Scheduler {
 public:
  Scheduler(const ScheduleRequest& request, const StaffingProgress& progress) : request_(request), progress_(progress) {
    const model::Scenario& scenario = request.staffing.scenario;
    intervals_ = static_cast<std::size_t>(scenario.horizon.interval_count());
    slots_ = static_cast<std::size_t>(model::cover_slots(scenario));
    for (std::size_t q = 0; q < request.staffing.pools.size(); ++q)
      for (model::Placement& p : model::placements(scenario, request.staffing.pools[q], static_cast<int>(slots_)))
        columns_.push_back({q, std::move(p)});
    // Slots wholly past the horizon's end (a short last interval) need nobody.
    const double slot_seconds = scenario.horizon.interval_seconds / static_cast<double>(slots_);
    for (std::size_t k = 0; k < intervals_ * slots_; ++k)
      inside_.push_back(static_cast<double>(k) * slot_seconds < scenario.horizon.length_seconds - 1e-9);
  }

  ScheduleAnswer run() {
    ScheduleAnswer answer(find_staffing(request_.staffing, progress_));
    answer.evaluations = answer.staffing.evaluations;
    answer.required = answer.staffing.agents;
    answer.uncovered = uncovered(answer.required);
    if (!answer.uncovered.empty()) {
      answer.status = ScheduleStatus::uncovered;
      return answer;
    }
    const std::size_t targets = answer.staffing.targets.size();
    // Targets the requirement could not meet stay beyond agents here too.
    std::vector<std::vector<bool>> capped(intervals_ + 1, std::vector<bool>(targets, false));
    std::vector<std::vector<int>> stalled(intervals_ + 1, std::vector<int>(targets, 0));
    for (const auto& [i, k] : answer.staffing.unmet) capped[i][k] = true;
    TargetVerdicts before;
    // The last roster simulated, and the raises made since: a raise the bounds cannot
    // cover is taken back, and its targets stop drawing agents.
    std::vector<std::vector<int>> last_required;
    std::vector<Raise> raised;
    for (;;) {
      const CoveringProgram program = build(answer.required);
      answer.columns = program.cost.size();
      answer.rows = program.rows.size();
      answer.program = solve_covering(program, request_.time_limit);
      answer.solver_seconds += answer.program.seconds;
      if (answer.program.status == CoveringStatus::infeasible && !raised.empty()) {
        // The bounds cannot cover some raise: take back those where the program falls
        // short (the others stand), and their targets stop drawing agents.
        const auto short_of = shortfalls(answer.required);
        const auto is_short = [&](const Raise& r) {
          return std::any_of(short_of.begin(), short_of.end(),
                             [&](const auto& s) { return std::get<0>(s) == r.pool && std::get<1>(s) == r.at; });
        };
        // None of them short: each raise is taken back (the last roster's requirement).
        const bool any_short = std::any_of(raised.begin(), raised.end(), is_short);
        std::erase_if(raised, [&](const Raise& r) {
          if (any_short && !is_short(r)) return false;
          answer.required[r.pool][r.at] = last_required[r.pool][r.at];
          capped[r.interval][r.target] = true;
          return true;
        });
        continue;
      }
      if (answer.program.status == CoveringStatus::infeasible) {
        answer.status = ScheduleStatus::infeasible;
        answer.short_of = shortfalls(answer.required);
        return answer;
      }
      if (answer.program.status == CoveringStatus::no_solution) {
        answer.status = ScheduleStatus::no_solution;
        return answer;
      }
      take(answer);
      answer.verdicts = judge_targets(request_.staffing, rostered_scenario(request_, answer.roster));
      ++answer.rounds;
      ++answer.evaluations;
      say("roster " + std::to_string(answer.rounds) + ": cost " + std::to_string(std::llround(answer.program.cost)) +
          " (LP bound " + std::to_string(std::llround(answer.program.lp_bound)) + "), " +
          std::to_string(answer.verdicts.unmet.size()) + " targets missed");
      if (answer.verdicts.unmet.empty()) {
        answer.status = ScheduleStatus::met;
        break;
      }
      // A target two raises in a row did not bring closer stops drawing agents.
      if (!before.targets.empty())
        for (const auto& [i, k] : answer.verdicts.unmet) {
          if (margin(answer.verdicts, i, k) > margin(before, i, k) + 1e-3)
            stalled[i][k] = 0;
          else if (++stalled[i][k] >= 2)
            capped[i][k] = true;
        }
      before = answer.verdicts;
      last_required = answer.required;
      if (answer.rounds > static_cast<std::size_t>(request_.max_rounds) || !raise(answer, capped, raised)) {
        answer.status = ScheduleStatus::unmet;
        break;
      }
    }
    answer.result =
        run_experiment(model::compile(rostered_scenario(request_, answer.roster)), request_.staffing.threads);
    return answer;
  }

 private:
  const ScheduleRequest& request_;
  const StaffingProgress& progress_;
  std::size_t intervals_ = 0, slots_ = 1;  // slots per interval (model::cover_slots)
  std::vector<bool> inside_;               // per slot: it starts inside the horizon
  std::vector<Column> columns_;

  void say(const std::string& line) const {
    if (progress_) progress_(line);
  }

  // How far inside its bound target k is at interval i (intervals_: the day); negative: outside.
  double margin(const TargetVerdicts& v, std::size_t i, std::size_t k) const {
    const model::Judgement& j = i < intervals_ ? v.intervals[i][k] : v.day[k];
    const model::TargetRule& rule = v.targets[k].rule;
    return rule.at_least ? j.low - rule.bound : rule.bound - j.high;
  }

  // (pool, interval) with a requirement and a moment no placement works.
  std::vector<std::pair<std::size_t, std::size_t>> uncovered(const std::vector<std::vector<int>>& required) const {
    std::vector<std::vector<bool>> reachable(required.size(), std::vector<bool>(intervals_ * slots_, false));
    for (const Column& c : columns_)
      for (const auto& [k, share] : c.placement.cover) reachable[c.pool][static_cast<std::size_t>(k)] = true;
    std::vector<std::pair<std::size_t, std::size_t>> gaps;
    for (std::size_t q = 0; q < required.size(); ++q)
      for (std::size_t i = 0; i < intervals_; ++i) {
        bool covered = true;
        for (std::size_t k = i * slots_; k < (i + 1) * slots_; ++k)
          covered = covered && (!inside_[k] || reachable[q][k]);
        if (required[q][i] > 0 && !covered) gaps.emplace_back(q, i);
      }
    return gaps;
  }

  // Rows: each (pool, slot) of an interval with a requirement, the interval's requirement
  // (so that it holds through the interval, breaks and shift changes included); each
  // (template, day) between its min and max; each pool's agents on one day at most its
  // max_agents. `cover_of`, when given, receives each cover row's (pool, interval).
  CoveringProgram build(const std::vector<std::vector<int>>& required,
                        std::vector<std::pair<std::size_t, std::size_t>>* cover_of = nullptr) const {
    CoveringProgram program;
    const model::Scenario& scenario = request_.staffing.scenario;
    const std::size_t slot_count = intervals_ * slots_;
    std::vector<CoveringRow> cover(required.size() * slot_count);
    std::map<std::tuple<std::size_t, std::size_t, int>, CoveringRow> by_template;  // (pool, template, weekday)
    std::map<std::pair<std::size_t, int>, CoveringRow> by_day;                     // (pool, weekday)
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      const Column& c = columns_[j];
      program.cost.push_back(c.placement.cost);
      program.upper.push_back(std::numeric_limits<double>::infinity());
      for (const auto& [k, share] : c.placement.cover)
        cover[c.pool * slot_count + static_cast<std::size_t>(k)].terms.emplace_back(j, share);
      const model::Pool& pool = scenario.pools[c.placement.pool];
      const model::ShiftTemplate& shape = pool.templates[c.placement.shape];
      if (shape.min > 0 || shape.max) {
        CoveringRow& row = by_template[{c.pool, c.placement.shape, c.placement.weekday}];
        row.terms.emplace_back(j, 1.0);
        row.lower = shape.min;
        if (shape.max) row.upper = *shape.max;
      }
    }
    // A placement without a weekday works every day: it counts on each day a weekday
    // placement of the pool works, or alone when the pool has none.
    for (std::size_t q = 0; q < required.size(); ++q) {
      const model::Pool& pool = scenario.pools[request_.staffing.pools[q]];
      if (!pool.max_agents_per_day) continue;
      std::vector<int> days;
      for (const Column& c : columns_)
        if (c.pool == q && std::find(days.begin(), days.end(), c.placement.weekday) == days.end())
          days.push_back(c.placement.weekday);
      if (days.size() > 1) std::erase(days, -1);
      for (const int day : days) {
        CoveringRow& row = by_day[{q, day}];
        row.upper = *pool.max_agents_per_day;
        for (std::size_t j = 0; j < columns_.size(); ++j)
          if (columns_[j].pool == q && (columns_[j].placement.weekday == day || columns_[j].placement.weekday == -1))
            row.terms.emplace_back(j, 1.0);
      }
    }
    for (std::size_t q = 0; q < required.size(); ++q)
      for (std::size_t k = 0; k < slot_count; ++k)
        if (const std::size_t i = k / slots_; required[q][i] > 0 && inside_[k]) {
          CoveringRow& row = cover[q * slot_count + k];
          row.lower = required[q][i];
          program.rows.push_back(std::move(row));
          if (cover_of) cover_of->emplace_back(q, i);
        }
    for (auto& [key, row] : by_template) program.rows.push_back(std::move(row));
    for (auto& [key, row] : by_day) program.rows.push_back(std::move(row));
    return program;
  }

  // Where an infeasible program falls short: the program again with a costly slack on each
  // interval's requirement, so that the cheapest answer leaves uncovered only what the
  // bounds forbid. (pool, interval, agents short).
  std::vector<std::tuple<std::size_t, std::size_t, double>> shortfalls(
      const std::vector<std::vector<int>>& required) const {
    std::vector<std::pair<std::size_t, std::size_t>> where;  // the cover rows' (pool, interval), first
    CoveringProgram program = build(required, &where);
    double most = 1.0;
    for (const double c : program.cost) most += c;
    for (std::size_t r = 0; r < where.size(); ++r) {
      program.rows[r].terms.emplace_back(program.cost.size(), 1.0);
      program.cost.push_back(most);
      program.upper.push_back(std::numeric_limits<double>::infinity());
    }
    std::vector<std::tuple<std::size_t, std::size_t, double>> result;
    const CoveringSolution relaxed = solve_covering(program, request_.time_limit);
    if (!relaxed.feasible()) return result;  // the bounds alone conflict (a min above a max day)
    // Per interval, its most short slot.
    for (std::size_t r = 0; r < where.size(); ++r)
      if (const auto slack = static_cast<double>(relaxed.x[columns_.size() + r]); slack > 0) {
        const auto same = [&](const auto& t) {
          return std::get<0>(t) == where[r].first && std::get<1>(t) == where[r].second;
        };
        if (const auto it = std::find_if(result.begin(), result.end(), same); it != result.end())
          std::get<2>(*it) = std::max(std::get<2>(*it), slack);
        else
          result.emplace_back(where[r].first, where[r].second, slack);
      }
    return result;
  }

  // The solution as roster lines and what they cover per interval: on duty, the fewest of
  // its slots (what holds through it); present, the time-average.
  void take(ScheduleAnswer& answer) const {
    const std::size_t pools = request_.staffing.pools.size();
    answer.roster.assign(pools, {});
    std::vector<std::vector<double>> slot_cover(pools, std::vector<double>(intervals_ * slots_, 0.0));
    answer.present.assign(pools, std::vector<double>(intervals_, 0.0));
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      const long long agents = answer.program.x[j];
      if (agents <= 0) continue;
      const Column& c = columns_[j];
      answer.roster[c.pool].push_back({c.placement, agents});
      for (const auto& [k, share] : c.placement.cover)
        slot_cover[c.pool][static_cast<std::size_t>(k)] += share * static_cast<double>(agents);
      for (const auto& [i, share] : c.placement.present)
        answer.present[c.pool][static_cast<std::size_t>(i)] += share * static_cast<double>(agents);
    }
    answer.covered.assign(pools, std::vector<double>(intervals_, 0.0));
    for (std::size_t q = 0; q < pools; ++q)
      for (std::size_t i = 0; i < intervals_; ++i) {
        double fewest = std::numeric_limits<double>::infinity();
        for (std::size_t k = i * slots_; k < (i + 1) * slots_; ++k)
          if (inside_[k]) fewest = std::min(fewest, slot_cover[q][k]);
        answer.covered[q][i] = std::isfinite(fewest) ? fewest : 0.0;
      }
  }

  // Each missed target raises the requirement where it misses (a day's miss: the interval
  // with the most shortfall) for the first rostered pool serving it, to one agent above
  // what the roster covers there, so the next program must add cover. False when nothing
  // could rise (every pool at --max-agents there).
  bool raise(ScheduleAnswer& answer, std::vector<std::vector<bool>>& capped, std::vector<Raise>& made) const {
    made.clear();
    bool any = false;
    std::vector<std::vector<bool>> raised(answer.required.size(), std::vector<bool>(intervals_, false));
    for (const auto& [i, k] : answer.verdicts.unmet) {
      if (capped[i][k]) continue;
      const std::size_t at = i < intervals_ ? i : answer.verdicts.worst_interval[k];
      bool done = false;
      for (const std::size_t q : answer.verdicts.helpers[k]) {
        if (at >= intervals_ || raised[q][at]) {
          done = at < intervals_;
          break;
        }
        const int above = static_cast<int>(std::floor(answer.covered[q][at] + 1e-9)) + 1;
        if (above > request_.staffing.max_agents) continue;
        answer.required[q][at] = std::max(answer.required[q][at], above);
        raised[q][at] = done = true;
        made.push_back({.interval = i, .target = k, .pool = q, .at = at});
        break;
      }
      if (done)
        any = true;
      else
        capped[i][k] = true;
    }
    return any;
  }
};

}  // namespace

model::Scenario rostered_scenario(const ScheduleRequest& request, const std::vector<std::vector<RosterLine>>& roster) {
  model::Scenario scenario = request.staffing.scenario;
  for (std::size_t q = 0; q < request.staffing.pools.size(); ++q) {
    model::Pool& pool = scenario.pools[request.staffing.pools[q]];
    pool.staffing.clear();
    pool.shifts.clear();
    for (const RosterLine& line : q < roster.size() ? roster[q] : std::vector<RosterLine>{})
      pool.shifts.push_back(
          model::roster_line(line.placement, pool.templates[line.placement.shape], static_cast<int>(line.agents)));
    if (pool.shifts.empty()) pool.staffing = {0};
    pool.roster_given = true;
  }
  return scenario;
}

ScheduleAnswer find_schedule(const ScheduleRequest& request, const StaffingProgress& progress) {
  return Scheduler(request, progress).run();
}

}  // namespace capsim::experiment
