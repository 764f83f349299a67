#include "models/scenario_check.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "models/compiled_model.h"
#include "models/kpi_layout.h"
#include "models/limits.h"
#include "models/names.h"
#include "models/shift_templates.h"
#include "models/staffing.h"

namespace capsim::model {
namespace {

using RoutingGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

template <class Graph>
std::vector<bool> reachable_from(const Graph& graph, std::size_t source) {
  std::vector<boost::default_color_type> colors(boost::num_vertices(graph), boost::white_color);
  boost::breadth_first_search(
      graph, boost::vertex(source, graph),
      boost::color_map(boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph))));
  std::vector<bool> reached(colors.size());
  for (std::size_t v = 0; v < colors.size(); ++v) reached[v] = colors[v] != boost::white_color;
  return reached;
}

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// A sum judged against 1 within 1e-9: enough digits to show how far off it is
// (1.000001, not 1).
std::string format_sum(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", x);
  return text;
}

}  // namespace

double expected_arrivals(const CustomerClass& customer, const Horizon& horizon) {
  if (customer.arrivals.uses_times()) return static_cast<double>(customer.arrivals.times.size());
  if (!customer.arrivals.uses_per_interval()) return customer.arrivals.rate_per_second * horizon.length_seconds;
  double total = 0.0;
  for (const double count : customer.arrivals.per_interval) total += count;
  return total;
}

namespace {

struct StageRoute {
  std::size_t from, to;
  double probability;
};

// The routing matrix's non-zero entries between stages (routes to exit left out).
std::vector<StageRoute> routes_between_stages(const Scenario& scenario,
                                              const std::map<std::string, std::size_t>& stage_index) {
  std::vector<StageRoute> routes;
  for (std::size_t s = 0; s < scenario.stages.size(); ++s)
    for (const auto& route : scenario.stages[s].next)
      if (route.to != kExitStage && route.probability > 0.0)
        routes.push_back({s, stage_index.at(route.to), route.probability});
  return routes;
}

// Fixed-point iteration of x = b + M x from x = b: the partial sums are the expectations
// within n routing steps, so they rise monotonically to the answer. Stops at convergence,
// once some value passes `ceiling` (a loop left too rarely), or after a bounded number of
// steps, so that the time is bounded by O(steps x routes) for any input.
template <class Step>
std::vector<double> rising_fixed_point(std::vector<double> x, double ceiling, Step step) {
  const std::vector<double> base = x;
  std::vector<double> next(x.size());
  for (int iteration = 0; iteration < 20'000; ++iteration) {
    next = base;
    step(x, next);
    double change = 0.0, total = 0.0, largest = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      change += std::abs(next[i] - x[i]);
      total += next[i];
      largest = std::max(largest, next[i]);
    }
    x.swap(next);
    if (largest > ceiling || change <= 1e-10 * total) break;
  }
  return x;
}

}  // namespace

std::vector<double> expected_visits(const Scenario& scenario, const std::map<std::string, std::size_t>& stage_index,
                                    const std::vector<double>& entering) {
  // Traffic equations, forward: v = entering + P^T v.
  const auto routes = routes_between_stages(scenario, stage_index);
  return rising_fixed_point(entering, std::numeric_limits<double>::infinity(),
                            [&](const std::vector<double>& v, std::vector<double>& next) {
                              for (const StageRoute& r : routes) next[r.to] += v[r.from] * r.probability;
                            });
}

std::vector<double> visits_until_exit(const Scenario& scenario, const std::map<std::string, std::size_t>& stage_index) {
  // Backward: T(s) = 1 + sum_t P(s, t) T(t), one system for every starting stage at once.
  const auto routes = routes_between_stages(scenario, stage_index);
  return rising_fixed_point(std::vector<double>(scenario.stages.size(), 1.0), kMaxExpectedVisits,
                            [&](const std::vector<double>& t, std::vector<double>& next) {
                              for (const StageRoute& r : routes) next[r.from] += r.probability * t[r.to];
                            });
}

namespace {

constexpr double kDay = 86400.0;

// A pool's shift lines: each must touch the horizon on some day, and its breaks must lie
// inside the shift, fit their windows and not overlap. Counts the roster steps they make.
template <class Report>
void check_shifts(const Pool& pool, const Horizon& horizon, const Report& report, double& roster_steps,
                  double& line_steps) {
  double agents = 0.0;
  for (std::size_t i = 0; i < pool.shifts.size(); ++i) {
    const Shift& shift = pool.shifts[i];
    const std::string at = "pools." + pool.name + ".shifts." + std::to_string(i);
    agents += shift.agents;
    const auto rel = [&](double clock) { return std::fmod(clock - shift.start + 2 * kDay, kDay); };
    const double length = shift.end == shift.start ? kDay : rel(shift.end);
    struct Window {
      double begin, end;
      std::size_t index;
    };
    std::vector<Window> windows;
    for (std::size_t b = 0; b < shift.breaks.size(); ++b) {
      const Break& pause = shift.breaks[b];
      const std::string where = at + ".breaks." + std::to_string(b);
      const double begin = rel(pause.window_start);
      const double width = std::fmod(pause.window_end - pause.window_start + 2 * kDay, kDay);
      if (width <= 0.0) {
        report(where + ".window", "is empty; expected [from, to] with to after from");
        continue;
      }
      if (begin + width > length) {
        report(where + ".window", "[" + clock_text(pause.window_start) + ", " + clock_text(pause.window_end) +
                                      "] is not inside the shift " + clock_text(shift.start) + "-" +
                                      clock_text(shift.end));
        continue;
      }
      if (pause.length_seconds > width)
        report(where + ".length", "is longer than its window of " + format_number(width / 60.0) +
                                      " min; expected a break that fits its window");
      windows.push_back({begin, begin + width, b});
    }
    std::sort(windows.begin(), windows.end(), [](const Window& a, const Window& b) { return a.begin < b.begin; });
    for (std::size_t w = 1; w < windows.size(); ++w)
      if (windows[w].begin < windows[w - 1].end)
        report(at + ".breaks." + std::to_string(windows[w].index) + ".window",
               "overlaps the window of break " + std::to_string(windows[w - 1].index) +
                   "; expected the breaks of a shift in separate windows");
    if (!shift.weekdays.empty() && horizon.start_weekday < 0) {
      report(at + ".days", "names weekdays, but horizon.start does not give one (such as \"Mon 00:00\")");
      continue;
    }
    const auto days = static_cast<double>(shift_days(shift, horizon).size());
    if (days == 0 && horizon.length_seconds > 0)
      report(at, "the shift " + clock_text(shift.start) + "-" + clock_text(shift.end) +
                     " never falls inside the horizon; expected a shift that overlaps it");
    roster_steps += static_cast<double>(shift.agents) * days * (2.0 + static_cast<double>(shift.breaks.size()));
    line_steps += days * (2.0 + static_cast<double>(shift.breaks.size()));
  }
  if (agents > static_cast<double>(kMaxAgents))
    report("pools." + pool.name + ".shifts", "rosters " + format_number(agents) + " agents; at most " +
                                                 format_number(static_cast<double>(kMaxAgents)) + " per pool");
}

// A pool's shift templates: bounds in order, weekdays only on a horizon that names them,
// at most kMaxTemplateColumns placements in all, and every template with some placement
// whose breaks fit and that works inside the horizon.
template <class Report>
void check_templates(const Scenario& scenario, std::size_t p, int slots, const Report& report, double& columns,
                     double& cover_entries) {
  const Pool& pool = scenario.pools[p];
  const std::string at = "pools." + pool.name;
  if (pool.templates.empty()) {
    if (pool.max_agents_per_day)
      report(at + ".max_agents", "bounds the agents rostered from templates, but the pool has no templates");
    return;
  }
  std::vector<bool> judged_alone(pool.templates.size(), true);  // no problem of its own: judge its placements
  for (std::size_t t = 0; t < pool.templates.size(); ++t) {
    const ShiftTemplate& shape = pool.templates[t];
    const std::string where = at + ".templates." + std::to_string(shape.position);
    if (shape.max && shape.min > *shape.max)
      report(where + ".min", "is " + std::to_string(shape.min) + ", above max " + std::to_string(*shape.max) +
                                 "; expected min at most max");
    if (!shape.weekdays.empty() && scenario.horizon.start_weekday < 0) {
      report(where + ".days", "names weekdays, but horizon.start does not give one (such as \"Mon 00:00\")");
      judged_alone[t] = false;
    }
    // The requirement is per interval: a shift shorter than one would be counted as
    // covering it on average while leaving part of it empty.
    if (!shape.lengths.empty() && scenario.horizon.interval_seconds > 0.0 &&
        *std::min_element(shape.lengths.begin(), shape.lengths.end()) < scenario.horizon.interval_seconds) {
      report(where + ".length", "is shorter than the horizon's interval (" +
                                    format_number(scenario.horizon.interval_seconds / 60.0) +
                                    " min); expected intervals no longer than a shift, such as interval: 30min");
      judged_alone[t] = false;
    }
    // Rosters are written as clock times to the second.
    const auto whole_seconds = [&](double value, const std::string& key) {
      if (value == std::round(value)) return;
      report(where + "." + key, "is " + format_number(value) + " s; expected a whole number of seconds");
      judged_alone[t] = false;
    };
    whole_seconds(shape.start_every, "start.every");
    for (std::size_t l = 0; l < shape.lengths.size(); ++l) whole_seconds(shape.lengths[l], "length");
    for (std::size_t b = 0; b < shape.breaks.size(); ++b) {
      const std::string rule = "breaks." + std::to_string(b);
      whole_seconds(shape.breaks[b].after_min, rule + ".after");
      whole_seconds(shape.breaks[b].after_max, rule + ".after");
      whole_seconds(shape.breaks[b].every, rule + ".every");
      whole_seconds(shape.breaks[b].length_seconds, rule + ".length");
    }
    const double count = placement_bound(shape) * static_cast<double>(template_days(shape, scenario.horizon).size());
    columns += count;
    // A placement's cover: the intervals of its longest shift, on each day of the horizon
    // it works (every day without weekdays).
    const double width = scenario.horizon.interval_seconds > 0.0 ? scenario.horizon.interval_seconds : 86400.0;
    const double longest = shape.lengths.empty() ? 0.0 : *std::max_element(shape.lengths.begin(), shape.lengths.end());
    const double days = shape.weekdays.empty() ? std::ceil(scenario.horizon.length_seconds / 86400.0) + 1.0
                                               : std::ceil(scenario.horizon.length_seconds / (7 * 86400.0)) + 1.0;
    cover_entries += count * days * (std::ceil(longest / width) + 1.0) * static_cast<double>(slots);
  }
  if (columns > kMaxTemplateColumns) {
    report(at + ".templates", "allow " + format_number(columns) +
                                  " placements (starts x lengths x break placements x days) so far; at most " +
                                  format_number(kMaxTemplateColumns) + " in all are supported");
    return;
  }
  if (cover_entries > kMaxTemplateCoverEntries) {
    report(at + ".templates", "cover about " + format_number(cover_entries) +
                                  " (placement, interval) pairs so far; at most " +
                                  format_number(kMaxTemplateCoverEntries) +
                                  " are supported (fewer starts or break placements, or longer intervals)");
    return;
  }
  const std::vector<Placement> all = placements(scenario, p, slots);
  for (std::size_t t = 0; t < pool.templates.size(); ++t) {
    if (!judged_alone[t] || std::any_of(all.begin(), all.end(), [&](const Placement& c) { return c.shape == t; }))
      continue;
    const ShiftTemplate& shape = pool.templates[t];
    report(at + ".templates." + std::to_string(shape.position),
           "has no placement that works inside the horizon with its breaks inside the shift and apart (starts " +
               clock_text(shape.start_from) + " to " + clock_text(shape.start_to) +
               "); expected a template whose shifts overlap the horizon and fit their breaks");
  }
}

}  // namespace

std::vector<ShiftDay> shift_days(const Shift& shift, const Horizon& horizon) {
  std::vector<ShiftDay> days;
  const double length = shift.end > shift.start ? shift.end - shift.start : shift.end + kDay - shift.start;
  const auto last_day = static_cast<int>(std::floor((horizon.start_clock_seconds + horizon.length_seconds) / kDay));
  for (int day = -1; day <= last_day; ++day) {
    if (!shift.weekdays.empty() && std::find(shift.weekdays.begin(), shift.weekdays.end(),
                                             ((horizon.start_weekday + day) % 7 + 7) % 7) == shift.weekdays.end())
      continue;
    const double begin = day * kDay + shift.start - horizon.start_clock_seconds;
    if (begin + length > 0.0 && begin < horizon.length_seconds) days.push_back({day, begin, begin + length});
  }
  return days;
}

std::vector<Problem> check_scenario(const Scenario& scenario) {
  std::vector<Problem> problems;
  const auto report = [&](std::string path, std::string message) {
    problems.push_back({std::move(path), std::move(message)});
  };
  // Problems that do not stop the later checks (which need resolved names, or a routing
  // graph that can be left): reported together with whatever those find.
  std::vector<Problem> independent;
  const auto report_independent = [&](std::string path, std::string message) {
    independent.push_back({std::move(path), std::move(message)});
  };
  const auto finish = [&] {
    problems.insert(problems.end(), independent.begin(), independent.end());
    return problems;
  };

  std::map<std::string, std::size_t> stage_index;
  for (std::size_t s = 0; s < scenario.stages.size(); ++s) stage_index[scenario.stages[s].name] = s;
  std::map<std::string, std::size_t> pool_index;
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) pool_index[scenario.pools[p].name] = p;
  std::map<std::string, std::size_t> class_index;
  for (std::size_t c = 0; c < scenario.customers.size(); ++c) class_index[scenario.customers[c].name] = c;

  std::vector<std::string> stage_list, pool_list, class_list, sla_list, system_list;
  for (const auto& stage : scenario.stages) stage_list.push_back(stage.name);
  for (const auto& pool : scenario.pools) pool_list.push_back(pool.name);
  for (const auto& customer : scenario.customers) class_list.push_back(customer.name);
  for (const auto& sla : scenario.slas) sla_list.push_back(sla.name);
  for (const auto& system : scenario.systems) system_list.push_back(system.name);
  // A name that refers to no entity of its kind: the closest one if it looks misspelt,
  // else what there is (`also`: what else the key accepts, such as "exit").
  const auto unknown = [](const std::string& kind, const std::string& name, const std::vector<std::string>& names,
                          const std::string& also = "") {
    std::string text = "unknown " + kind + " \"" + name + "\"; ";
    const std::string suggestion = closest_match(name, names);
    if (!suggestion.empty()) return text + "did you mean \"" + suggestion + "\"?";
    std::string listed;
    for (const auto& n : names) listed += (listed.empty() ? "\"" : ", \"") + n + "\"";
    if (listed.empty() && also.empty()) return text + "the scenario has none";
    return text + "expected " + also + (listed.empty() ? "" : (also.empty() ? "" : " or ") + ("one of " + listed));
  };

  if (scenario.customers.empty()) report("customers", "no customer classes; expected at least one");
  if (scenario.stages.empty()) report("stages", "no stages; expected at least one");
  if (scenario.pools.empty()) report("pools", "no pools; expected at least one");
  if (stage_index.count(kExitStage))
    report(std::string("stages.") + kExitStage, "\"exit\" is reserved for leaving the system");

  for (const auto& [section, count] : {std::pair<const char*, std::size_t>{"customers", scenario.customers.size()},
                                       {"pools", scenario.pools.size()},
                                       {"stages", scenario.stages.size()},
                                       {"sla", scenario.slas.size()},
                                       {"systems", scenario.systems.size()}})
    if (count > static_cast<std::size_t>(kMaxEntities))
      report_independent(section, "has " + std::to_string(count) + " entries; at most " + std::to_string(kMaxEntities) +
                                      " are supported");
  std::set<int> priorities;
  for (const auto& customer : scenario.customers) priorities.insert(customer.priority);
  if (priorities.size() > static_cast<std::size_t>(kMaxPriorityLevels))
    report_independent("customers", "uses " + std::to_string(priorities.size()) + " different priorities; at most " +
                                        std::to_string(kMaxPriorityLevels) + " are supported");

  const int intervals = scenario.horizon.interval_count();
  // Per-interval tables (arrival rates, staffing, KPIs, SLA counts) grow with intervals x
  // entities: bounded, so that memory is known before anything is allocated.
  const double cells =
      static_cast<double>(intervals) *
      static_cast<double>(scenario.customers.size() + 4 * scenario.pools.size() + scenario.slas.size() + 10);
  if (cells > kMaxIntervalTableCells)
    report_independent("horizon.interval",
                       std::to_string(intervals) + " intervals for " + std::to_string(scenario.customers.size()) +
                           " classes, " + std::to_string(scenario.pools.size()) + " pools and " +
                           std::to_string(scenario.slas.size()) + " SLAs make " + format_number(cells) +
                           " per-interval values; at most " + format_number(kMaxIntervalTableCells) +
                           " are supported (use a coarser interval)");
  for (const auto& customer : scenario.customers) {
    const std::string base = "customers." + customer.name;
    const double expected = expected_arrivals(customer, scenario.horizon);
    if (!(expected <= kMaxExpectedArrivals))
      report(base + ".arrivals", "expects " + format_number(expected) + " arrivals over the horizon; at most " +
                                     format_number(kMaxExpectedArrivals) + " are supported");
    if (!stage_index.count(customer.entry))
      report(base + ".entry", unknown("stage", customer.entry, stage_list));
    else if (customer.backlog && scenario.stages[stage_index.at(customer.entry)].self_service)
      report(base + ".backlog", "the class enters at \"" + customer.entry +
                                    "\", a self-service stage, where nobody waits; a backlog waits in a line");
    const auto& times = customer.arrivals.times;
    for (std::size_t i = 0; i < times.size() && customer.arrivals.trace.empty(); ++i) {  // a trace's rows: as read
      if (times[i] >= scenario.horizon.length_seconds)
        report(base + ".arrivals.times." + std::to_string(i), "is at or after the horizon's end");
      else if (i > 0 && times[i] < times[i - 1])
        report(base + ".arrivals.times." + std::to_string(i),
               "is before the time listed before it; expected times in order");
      else
        continue;
      break;
    }
    if (customer.arrivals.uses_per_interval() && static_cast<int>(customer.arrivals.per_interval.size()) != intervals)
      report(base + ".arrivals.per_interval", "has " + std::to_string(customer.arrivals.per_interval.size()) +
                                                  " values; expected one per interval of the horizon (" +
                                                  std::to_string(intervals) + ")");
  }
  std::set<std::string> used_pools;
  for (const auto& stage : scenario.stages) {
    used_pools.insert(stage.pools.begin(), stage.pools.end());
    if (stage.overflow) used_pools.insert(stage.overflow->pools.begin(), stage.overflow->pools.end());
  }
  double roster_steps = 0.0, line_steps = 0.0, total_agents = 0.0, template_columns = 0.0, template_cover = 0.0;
  const int slots = cover_slots(scenario);
  for (const auto& pool : scenario.pools) {
    if (!used_pools.count(pool.name))
      report_independent("pools." + pool.name,
                         "no stage lists this pool; expected it in some stage's pools (or remove it)");
    if (pool.staffing.size() > 1 && static_cast<int>(pool.staffing.size()) != intervals)
      report("pools." + pool.name + ".staffing", "has " + std::to_string(pool.staffing.size()) +
                                                     " values; expected one per interval of the horizon (" +
                                                     std::to_string(intervals) + ")");
    if (pool.staffing.empty() && pool.shifts.empty())
      report("pools." + pool.name, "expected exactly one of agents, staffing or shifts");
    check_shifts(pool, scenario.horizon, report, roster_steps, line_steps);
    check_templates(scenario, static_cast<std::size_t>(&pool - scenario.pools.data()), slots, report, template_columns,
                    template_cover);
    total_agents += pool.most_on_duty();
    for (const auto& skill : pool.skills) {
      const std::string at = "pools." + pool.name + ".skills." + skill.stage;
      if (!stage_index.count(skill.stage)) {
        report(at, unknown("stage", skill.stage, stage_list));
        continue;
      }
      const auto& listed = scenario.stages[stage_index.at(skill.stage)].pools;
      if (std::find(listed.begin(), listed.end(), pool.name) == listed.end())
        report(at, "stage " + skill.stage + " does not list this pool in its pools; a skill needs both");
    }
  }
  if (total_agents > kMaxTotalAgents)
    report_independent("pools", "the pools hold " + format_number(total_agents) + " agents; at most " +
                                    format_number(kMaxTotalAgents) + " over all pools are supported");
  if (line_steps > kMaxShiftLineSteps)
    report_independent("pools", "the shift lines make " + format_number(line_steps) +
                                    " steps over the horizon (days x (start, end and breaks)); at most " +
                                    format_number(kMaxShiftLineSteps) + " are supported");
  for (const auto& system : scenario.systems) {
    if (!system.between || !system.repair) continue;
    const double cycle = system.between->mean() + system.repair->mean();
    const double failures = cycle > 0 ? scenario.horizon.length_seconds / cycle : kMaxExpectedFailures * 2;
    if (!(failures <= kMaxExpectedFailures))
      report_independent("systems." + system.name + ".failures",
                         "expects " + format_number(failures) + " failures over the horizon; at most " +
                             format_number(kMaxExpectedFailures) + " are supported");
  }
  if (roster_steps > kMaxRosterSteps)
    report_independent("pools", "the shifts make " + format_number(roster_steps) +
                                    " roster steps (shift starts, ends and breaks) over the horizon; at most " +
                                    format_number(kMaxRosterSteps) + " are supported");
  std::set<std::string> system_names;
  for (const auto& system : scenario.systems) system_names.insert(system.name);

  for (const auto& stage : scenario.stages) {
    const std::string base = "stages." + stage.name;
    if (stage.pools.empty() && !stage.self_service)
      report(base + ".pools", "no pools serve this stage; expected at least one");
    std::set<std::string> listed;
    for (const auto& pool : stage.pools) {
      if (!pool_index.count(pool)) report(base + ".pools", unknown("pool", pool, pool_list));
      if (!listed.insert(pool).second) report(base + ".pools", "lists pool \"" + pool + "\" twice");
    }
    for (const auto& system : stage.needs)
      if (!system_names.count(system))
        report(base + ".needs", scenario.systems.empty() ? "unknown system \"" + system +
                                                               "\"; no systems are declared (top-level key systems)"
                                                         : unknown("system", system, system_list));
    double total = 0.0;
    for (const auto& route : stage.next) {
      total += route.probability;
      if (route.to != kExitStage && !stage_index.count(route.to))
        report(base + ".next." + route.to, unknown("stage", route.to, stage_list, "\"exit\""));
    }
    if (!stage.next.empty() && std::abs(total - 1.0) > 1e-9)
      report(base + ".next", "probabilities sum to " + format_sum(total) + "; expected 1");
    if (stage.overflow) {
      const std::string at = base + ".overflow";
      for (const auto& pool : stage.overflow->pools) {
        if (!pool_index.count(pool))
          report(at + ".pools." + pool, unknown("pool", pool, pool_list));
        else if (listed.count(pool))
          report(at + ".pools." + pool, "pool \"" + pool + "\" already serves this stage (pools or overflow)");
        listed.insert(pool);
      }
      const std::string& to = stage.overflow->to;
      if (!to.empty()) {
        if (!stage_index.count(to))
          report(at + ".to", unknown("stage", to, stage_list));
        else if (to == stage.name)
          report(at + ".to", "is this stage; expected another stage's line to move to");
        else if (scenario.stages[stage_index.at(to)].self_service)
          report(at + ".to", "\"" + to + "\" is a self-service stage, which has no line; expected a stage with agents");
      }
    }
  }

  // Overflow moves (to) must not come back round: a customer waiting in a cycle of them
  // would move on for ever, an event each `after`, while nobody serves it.
  for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
    std::string chain = scenario.stages[s].name;
    std::size_t at = s;
    for (std::size_t step = 0; step < scenario.stages.size(); ++step) {
      const auto& overflow = scenario.stages[at].overflow;
      if (!overflow || overflow->to.empty() || !stage_index.count(overflow->to) ||
          overflow->to == scenario.stages[at].name)
        break;
      at = stage_index.at(overflow->to);
      chain += " -> " + scenario.stages[at].name;
      if (at == s) {
        report("stages." + scenario.stages[s].name + ".overflow.to",
               "overflow moves form a cycle (" + chain +
                   "), in which a waiting customer would move for ever; expected a chain that ends");
        break;
      }
    }
  }
  if (scenario.trunks)
    for (const auto& customer : scenario.trunks->customers)
      if (!class_index.count(customer)) report("trunks.customers", unknown("customer class", customer, class_list));
  for (const auto& sla : scenario.slas) {
    const std::string base = "sla." + sla.name;
    for (const auto& customer : sla.customers)
      if (!class_index.count(customer)) report(base + ".customers", unknown("customer class", customer, class_list));
    if (!sla.stage.empty() && !stage_index.count(sla.stage))
      report(base + ".stage", unknown("stage", sla.stage, stage_list));
    // Nobody waits at a self-service stage: a wait SLA there would judge nothing.
    if (sla.measure == SlaMeasure::wait && !sla.stage.empty() && stage_index.count(sla.stage) &&
        scenario.stages[stage_index.at(sla.stage)].self_service)
      report(base + ".stage", "is a self-service stage, where nobody waits; expected a stage with agents");
    if (sla.measure == SlaMeasure::wait && sla.stage.empty())
      for (const auto& customer : scenario.customers)
        if ((sla.customers.empty() ||
             std::find(sla.customers.begin(), sla.customers.end(), customer.name) != sla.customers.end()) &&
            stage_index.count(customer.entry) && scenario.stages[stage_index.at(customer.entry)].self_service) {
          report(base, "judges the wait at each class's entry stage, but " + customer.name + " enters at \"" +
                           customer.entry +
                           "\", a self-service stage; expected stage: (the stage whose wait it judges)");
          break;
        }
  }
  // staff: names what the scenario has.
  for (std::size_t i = 0; i < scenario.staff.pools.size(); ++i)
    if (!pool_index.count(scenario.staff.pools[i]))
      report("staff.pools." + std::to_string(i), unknown("pool", scenario.staff.pools[i], pool_list));
  for (const auto& target : scenario.staff.targets)
    if (!target.sla.empty() && std::find(sla_list.begin(), sla_list.end(), target.sla) == sla_list.end())
      report(target.path + ".sla", unknown("SLA", target.sla, sla_list));
  if (!problems.empty()) return finish();  // the graph checks need resolved names

  // Wait SLAs judge a customer's first visit to their stage, remembered in a 64-bit set.
  std::set<std::string> sla_stages;
  for (const auto& sla : scenario.slas) {
    if (sla.measure != SlaMeasure::wait) continue;
    if (!sla.stage.empty()) {
      sla_stages.insert(sla.stage);
      continue;
    }
    for (const auto& customer : scenario.customers)
      if (sla.customers.empty() ||
          std::find(sla.customers.begin(), sla.customers.end(), customer.name) != sla.customers.end())
        sla_stages.insert(customer.entry);
  }
  if (sla_stages.size() > kMaxSlaStages)
    report("sla", "wait SLAs judge " + std::to_string(sla_stages.size()) + " different stages; at most " +
                      std::to_string(kMaxSlaStages) + " are supported");

  // Routing graph: vertex 0 is the arrival source, 1..S the stages, S+1 the exit.
  const std::size_t stage_count = scenario.stages.size();
  const std::size_t source = 0, exit = stage_count + 1;
  RoutingGraph graph(stage_count + 2);
  for (const auto& customer : scenario.customers) boost::add_edge(source, 1 + stage_index.at(customer.entry), graph);
  for (std::size_t s = 0; s < stage_count; ++s) {
    const auto& stage = scenario.stages[s];
    if (stage.next.empty()) boost::add_edge(1 + s, exit, graph);
    for (const auto& route : stage.next) {
      if (route.probability <= 0.0) continue;
      boost::add_edge(1 + s, route.to == kExitStage ? exit : 1 + stage_index.at(route.to), graph);
    }
    if (stage.overflow && !stage.overflow->to.empty())  // a customer waiting here may move there
      boost::add_edge(1 + s, 1 + stage_index.at(stage.overflow->to), graph);
  }
  const auto from_entries = reachable_from(graph, source);
  const auto to_exit = reachable_from(boost::make_reverse_graph(graph), exit);
  for (std::size_t s = 0; s < stage_count; ++s) {
    const std::string path = "stages." + scenario.stages[s].name;
    if (!from_entries[1 + s])
      report(path, "stage is not reachable from any customer class's entry; expected every stage to be used");
    else if (!to_exit[1 + s])
      report(path + ".next", "customers reaching this stage can never leave; expected a route to \"exit\"");
  }
  if (!problems.empty()) return finish();  // expected visits are finite only when every stage can leave
  const auto visits = visits_until_exit(scenario, stage_index);
  std::set<std::size_t> reported_entries;
  for (const auto& customer : scenario.customers) {
    const std::size_t entry = stage_index.at(customer.entry);
    if (!(visits[entry] <= kMaxExpectedVisits) && reported_entries.insert(entry).second) {
      const auto busiest = static_cast<std::size_t>(std::max_element(visits.begin(), visits.end()) - visits.begin());
      report("stages." + scenario.stages[busiest].name + ".next",
             "customers of class " + customer.name + " are expected to make more than " +
                 format_number(kMaxExpectedVisits) + " stage visits each (rework loops); at most " +
                 format_number(kMaxExpectedVisits) + " are supported");
    }
  }
  return finish();
}

namespace {

// Agents on shift in each interval of `model`'s horizon, per pool, averaged over the
// interval (breaks not taken out: their stagger is the simulation's business).
std::vector<std::vector<double>> scheduled_agents(const CompiledModel& model) {
  const auto intervals = static_cast<std::size_t>(model.intervals);
  const double width = static_cast<double>(model.interval_ticks.ticks());
  std::vector<std::vector<double>> scheduled(model.pools.size(), std::vector<double>(intervals, 0.0));
  for (std::size_t p = 0; p < model.pools.size(); ++p) {
    const CompiledPool& pool = model.pools[p];
    if (!pool.rostered()) {
      for (std::size_t i = 0; i < intervals && i < pool.staffing.size(); ++i) scheduled[p][i] = pool.staffing[i];
      continue;
    }
    const auto add = [&](sim::Time from, sim::Time to, double agents) {
      const double a = static_cast<double>((from - sim::kStart).ticks()),
                   b = static_cast<double>((to - sim::kStart).ticks());
      const auto first = static_cast<std::size_t>(std::max(0.0, std::floor(a / width)));
      for (std::size_t i = first; i < intervals && static_cast<double>(i) * width < b; ++i) {
        const double overlap =
            std::min(b, static_cast<double>(i + 1) * width) - std::max(a, static_cast<double>(i) * width);
        if (overlap > 0.0) scheduled[p][i] += agents * overlap / width;
      }
    };
    for (const ShiftLine& line : pool.lines) {
      std::optional<sim::Time> on_since;
      for (const RosterStep& step : line.steps) {
        if (step.action == RosterAction::on && !on_since) on_since = step.at;
        if (step.action == RosterAction::off && on_since) {
          add(*on_since, step.at, line.agents);
          on_since.reset();
        }
      }
    }
  }
  return scheduled;
}

std::string format_short(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", x);
  return text;
}

// A clock window drains whatever queued at its peak, so what is worth a warning is an
// interval whose offered load reaches the agents scheduled in it: its line grows all
// through the interval (and beyond, with the backlog). One warning per stage, naming the
// first such intervals.
void assess_interval_load(const Scenario& scenario, std::vector<Problem>& warnings) {
  const CompiledModel model = compile(scenario);
  const auto intervals = static_cast<std::size_t>(model.intervals);
  const double interval_seconds = sim::seconds_from_ticks(model.interval_ticks);
  const std::vector<std::vector<double>> scheduled = scheduled_agents(model);
  // erlangs[s][i]: the hold (service + wrap-up) the stage's visits in interval i bring.
  std::vector<std::vector<double>> erlangs(model.stages.size(), std::vector<double>(intervals, 0.0));
  for (const CompiledClass& klass : model.classes) {
    const std::vector<double> per_second = arrivals_per_second(model, klass);
    const std::vector<double> visits = visit_ratios(model, index(klass.entry));
    for (std::size_t s = 0; s < model.stages.size(); ++s) {
      const CompiledStage& stage = model.stages[s];
      const double hold = stage.service.mean() + (stage.wrap_up ? stage.wrap_up->mean() : 0.0);
      for (std::size_t i = 0; i < intervals; ++i) erlangs[s][i] += per_second[i] * visits[s] * hold;
    }
  }
  for (std::size_t s = 0; s < model.stages.size(); ++s) {
    const CompiledStage& stage = model.stages[s];
    if (stage.self_service || stage.overflow_to >= 0) continue;  // no line, or relieved by another's
    const double service = stage.service.mean(), wrap = stage.wrap_up ? stage.wrap_up->mean() : 0.0;
    // Work that waits: nobody gives up waiting here and no wait SLA judges it (a back
    // office's backlog, which may be planned to carry from the peak into quieter intervals).
    bool backlog = stage.sla_bit < 0;
    for (const CompiledClass& klass : model.classes) backlog = backlog && (!klass.patience || !stage.abandonment);
    std::string listed;
    std::size_t over = 0;
    bool scaled = false;
    double offered = 0.0, capacity_total = 0.0, agent_total = 0.0;
    for (std::size_t i = 0; i < intervals; ++i) {
      if (erlangs[s][i] <= 0.0) continue;
      double agents = 0.0, capacity = 0.0;
      for (std::size_t j = 0; j < stage.pools.size(); ++j) {
        const CompiledPool& pool = model.pools[index(stage.pools[j])];
        const double factor = j < stage.handling_factors.size() ? stage.handling_factors[j] : 1.0;
        const double per_agent = stage.concurrency * (service + wrap) / (factor * service + wrap);
        agents += scheduled[index(stage.pools[j])][i] * stage.concurrency;
        capacity += scheduled[index(stage.pools[j])][i] * (1.0 - pool.absenteeism) * (1.0 - pool.shrinkage) * per_agent;
      }
      scaled = scaled || std::abs(capacity - agents) > 1e-9;
      offered += erlangs[s][i];
      capacity_total += capacity;
      agent_total += agents;
      if (erlangs[s][i] < capacity) continue;
      if (++over <= 5)
        listed += std::string(listed.empty() ? "" : "; ") + interval_label(model, i) + " " +
                  format_short(erlangs[s][i]) + " erlangs on " + format_short(agents) + " agents";
    }
    if (over == 0) continue;
    const std::string scaled_note = scaled ? ", counted after absenteeism, shrinkage and handling factors" : "";
    if (backlog) {  // only a window that cannot clear it is worth a warning
      const double hours = interval_seconds / 3600.0;
      if (offered >= capacity_total)
        warnings.push_back(
            {"stages." + stage.name, "offered load over the window (" + format_short(offered * hours) +
                                         " erlang-hours) reaches the agents scheduled for it (" +
                                         format_short(agent_total * hours) + " agent-hours" + scaled_note +
                                         "): the backlog grows over the window and is still there when it ends"});
      continue;
    }
    const std::string consequence = ", and customers wait long or abandon";
    warnings.push_back({"stages." + stage.name, "offered load reaches the agents scheduled for it in " +
                                                    std::to_string(over) + " of " + std::to_string(intervals) +
                                                    " intervals (" + listed + (over > 5 ? "; ..." : "") + ")" +
                                                    scaled_note + ": its line grows through them" + consequence});
  }
}

}  // namespace

std::vector<Problem> assess_load(const Scenario& scenario) {
  std::vector<Problem> warnings;
  bool unrostered = false;
  for (const Pool& pool : scenario.pools)
    if (!pool.roster_given) {
      unrostered = true;
      warnings.push_back({"pools." + pool.name + ".templates",
                          "the pool has shift templates but no roster, so it has no agents when run; `capsim "
                          "schedule -o` writes one (or give agents, staffing or shifts)"});
    }
  // Its capacity is what schedule will choose: the warning above says the rest.
  if (unrostered) return warnings;
  if (scenario.horizon.clock_window) {
    assess_interval_load(scenario, warnings);
    return warnings;
  }
  if (scenario.horizon.length_seconds <= 0) return warnings;
  std::map<std::string, std::size_t> stage_index, pool_index;
  for (std::size_t s = 0; s < scenario.stages.size(); ++s) stage_index[scenario.stages[s].name] = s;
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) pool_index[scenario.pools[p].name] = p;
  std::vector<double> entering(scenario.stages.size(), 0.0);  // arrivals per second at each entry
  bool nobody_abandons = true;
  for (const auto& customer : scenario.customers) {
    entering[stage_index.at(customer.entry)] +=
        expected_arrivals(customer, scenario.horizon) / scenario.horizon.length_seconds;
    nobody_abandons = nobody_abandons && !customer.patience.has_value();
  }
  std::vector<double> erlangs = expected_visits(scenario, stage_index, entering);  // visit rates, then load
  // An agent is held for the service and the wrap-up; concurrency divides the hold among slots.
  for (std::size_t s = 0; s < erlangs.size(); ++s) {
    const Stage& stage = scenario.stages[s];
    erlangs[s] *= stage.service.mean() + (stage.wrap_up ? stage.wrap_up->mean() : 0.0);
  }
  // What a pool can give: its most agents on duty, less the expected absent and shrunk.
  const auto available = [](const Pool& pool) {
    return pool.most_on_duty() * (1.0 - pool.absenteeism) * (1.0 - pool.shrinkage);
  };
  double offered = 0.0, agents = 0.0, agents_available = 0.0;
  for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
    const Stage& stage = scenario.stages[s];
    offered += erlangs[s];
    // Capacity in erlangs of this stage's work: a pool with handling factor f holds an agent
    // for f x the service (the wrap-up unscaled), so it serves hold / (f service + wrap-up)
    // erlangs per agent.
    const double service = stage.service.mean(), wrap = stage.wrap_up ? stage.wrap_up->mean() : 0.0;
    double serving = 0.0, serving_available = 0.0;
    // Overflow pools serve it too (after their own work): counted, as the stage's load is
    // what matters when they run out.
    std::vector<std::string> serving_pools = stage.pools;
    std::vector<double> factors = stage.handling_factors;
    factors.resize(serving_pools.size(), 1.0);
    if (stage.overflow) {
      serving_pools.insert(serving_pools.end(), stage.overflow->pools.begin(), stage.overflow->pools.end());
      factors.insert(factors.end(), stage.overflow->handling_factors.begin(), stage.overflow->handling_factors.end());
    }
    for (std::size_t i = 0; i < serving_pools.size(); ++i) {
      const Pool& pool = scenario.pools[pool_index.at(serving_pools[i])];
      const double factor = factors[i];
      const double per_agent = stage.concurrency * (service + wrap) / (factor * service + wrap);
      serving += pool.most_on_duty() * stage.concurrency;
      serving_available += available(pool) * per_agent;
    }
    // Its line cannot grow without bound when it has a capacity, a balking step of 100%, or
    // every call holds one of a limited number of trunk lines.
    const bool all_on_lines = scenario.trunks && scenario.trunks->customers.empty();
    // A stage whose waiting customers move on to another line (overflow to) is relieved there.
    if (stage.overflow && !stage.overflow->to.empty()) continue;
    const bool bounded = stage.queue_capacity || all_on_lines ||
                         (!stage.balk_probability.empty() && stage.balk_probability.back() >= 1.0);
    const std::string consequence = bounded           ? "customers are turned away (blocked or balking)"
                                    : nobody_abandons ? "its queue grows without bound"
                                                      : "its queue grows until customers abandon";
    if (erlangs[s] >= serving_available)
      warnings.push_back({"stages." + stage.name,
                          "offered load " + format_number(erlangs[s]) + " erlangs reaches the " +
                              format_number(serving) + " agents of its pools" +
                              (serving_available != serving ? " (" + format_number(serving_available) +
                                                                  " after absenteeism, shrinkage and handling factors)"
                                                            : std::string()) +
                              ": " + consequence});
  }
  for (const auto& pool : scenario.pools) agents += pool.most_on_duty(), agents_available += available(pool);
  if (warnings.empty() && offered >= agents_available)
    warnings.push_back({"stages", "offered load " + format_number(offered) + " erlangs reaches the " +
                                      format_number(agents) + " agents of all pools" +
                                      (agents_available != agents ? " (" + format_number(agents_available) +
                                                                        " after absenteeism and shrinkage)"
                                                                  : std::string())});
  return warnings;
}

}  // namespace capsim::model
