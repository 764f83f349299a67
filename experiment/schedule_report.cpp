#include "experiment/schedule_report.h"

#include <cstdio>
#include <limits>

#include "models/io/report_parts.h"

namespace capsim::experiment {
namespace {

using io::detail::Json;
using io::detail::judgement_json;
using io::detail::number;
using Unit = model::KpiUnit;

bool rostered(const ScheduleAnswer& answer) {
  return answer.status == ScheduleStatus::met || answer.status == ScheduleStatus::unmet;
}

double mean_of(const ScheduleAnswer& answer, std::size_t slot) { return answer.result->summaries[slot].mean; }

struct PoolTotals {
  double paid_hours = 0.0, regular_cost = 0.0, overtime_hours = 0.0, overtime_cost = 0.0;
  long long agents = 0;  // agent-days: each line's agents, once per day it works
};
PoolTotals totals(const model::CompiledModel& model, const ScheduleRequest& request, const ScheduleAnswer& answer,
                  std::size_t q) {
  PoolTotals t;
  for (const RosterLine& line : answer.roster[q]) {
    t.paid_hours += line.placement.paid_hours * static_cast<double>(line.agents);
    t.regular_cost += line.placement.cost * static_cast<double>(line.agents);
    t.agents += line.agents;
  }
  if (answer.result) {
    const std::size_t p = request.staffing.pools[q];
    t.overtime_hours = mean_of(answer, answer.result->layout.of_pool(p, model::PoolKpi::overtime_hours));
    t.overtime_cost = t.overtime_hours * model.pools[p].overtime_cost_per_hour;
  }
  return t;
}

const char* program_status(CoveringStatus status) {
  switch (status) {
    case CoveringStatus::optimal: return "optimal";
    case CoveringStatus::time_limit: return "time_limit";
    case CoveringStatus::infeasible: return "infeasible";
    case CoveringStatus::no_solution: return "no_solution";
  }
  return "";
}

std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, x);
  return text;
}

std::string placement_text(const model::CompiledModel& model, const ScheduleRequest& request,
                           const model::Placement& p) {
  static const char* const kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  const model::Pool& pool = request.staffing.scenario.pools[p.pool];
  const model::ShiftTemplate& shape = pool.templates[p.shape];
  std::string text = shape.name + " " + model::clock_text(p.start) + "-" + model::clock_text(p.start + p.length);
  for (std::size_t b = 0; b < p.break_after.size(); ++b)
    text += (b == 0 ? " breaks " : ", ") + model::clock_text(p.start + p.break_after[b]) + "+" +
            fixed(shape.breaks[b].length_seconds / 60.0, 0) + "min";
  if (p.weekday >= 0) text += std::string(" ") + kDays[p.weekday];
  (void)model;
  return text;
}

std::string where(const model::CompiledModel& model, std::size_t i) {
  return i < static_cast<std::size_t>(model.intervals) ? model::interval_label(model, i) : std::string("day");
}

}  // namespace

const char* status_name(ScheduleStatus status) {
  switch (status) {
    case ScheduleStatus::met: return "met";
    case ScheduleStatus::unmet: return "unmet";
    case ScheduleStatus::uncovered: return "uncovered";
    case ScheduleStatus::infeasible: return "infeasible";
    case ScheduleStatus::no_solution: return "no_solution";
  }
  return "";
}

void write_schedule_table(std::ostream& out, const model::CompiledModel& model, const ScheduleRequest& request,
                          const ScheduleAnswer& answer, const io::RunInfo& run) {
  using io::detail::format;
  using io::detail::pad;
  const auto& pools = request.staffing.pools;
  out << model.name << " — schedule: " << model.replications << " replications, seed " << model.seed << ", targets at "
      << fixed(100.0 * request.staffing.confidence, 0) << "% confidence: " << status_name(answer.status) << "\n"
      << "requirement: " << answer.staffing.evaluations << " evaluations; rosters simulated: " << answer.rounds
      << "; evaluations in all: " << answer.evaluations << "\n";
  if (answer.status != ScheduleStatus::uncovered)
    out << "integer program: " << answer.columns << " columns, " << answer.rows << " rows, "
        << program_status(answer.program.status) << ", cost " << fixed(answer.program.cost, 2) << ", LP bound "
        << fixed(answer.program.lp_bound, 2) << ", gap " << fixed(100.0 * answer.program.gap(), 2) << "%,\n  "
        << answer.program.nodes << " nodes, " << fixed(answer.solver_seconds, 2) << " s\n";
  out << '\n'
      << pad("Interval", 9, false) << pad("pool", 12, false) << pad("required", 9) << pad("rostered", 9)
      << pad("on duty", 8) << pad("available", 10);
  const bool judged = rostered(answer);
  out << '\n';
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i)
    for (std::size_t q = 0; q < pools.size(); ++q) {
      out << pad(q == 0 ? model::interval_label(model, i) : std::string(), 9, false)
          << pad(model.pools[pools[q]].name, 12, false) << pad(std::to_string(answer.required[q][i]), 9);
      if (judged) {
        const double available =
            mean_of(answer, answer.result->layout.of_interval_pool(i, pools[q], model::IntervalPoolKpi::available));
        out << pad(fixed(answer.present[q][i], 1), 9) << pad(fixed(answer.covered[q][i], 1), 8)
            << pad(fixed(available, 1), 10);
      }
      out << '\n';
    }
  if (judged) {
    out << "(rostered: present, on average; on duty: present and not on a break through the whole\n"
           " interval; available: in the simulation, after absenteeism, shrinkage and breaks as they fell)\n"
           "\nThe roster's targets\n";
    io::detail::write_judgement_table(out, model, answer.verdicts.targets, answer.verdicts.intervals, {}, run.colour);
    out << "\nDay" << pad("value", 39) << pad("CI", 20) << "  verdict\n";
    for (std::size_t k = 0; k < answer.verdicts.targets.size(); ++k) {
      const auto& t = answer.verdicts.targets[k];
      const model::Judgement& j = answer.verdicts.day[k];
      out << pad(t.name, 22, false) << pad(format(j.value, t.unit), 20)
          << pad(format(j.low, t.unit) + " .. " + format(j.high, t.unit), 20) << "  "
          << (!j.judged ? "not judged"
              : j.met   ? "met"
                        : "MISSED")
          << '\n';
    }
    out << "\nRoster\n";
    for (std::size_t q = 0; q < pools.size(); ++q)
      for (const RosterLine& line : answer.roster[q])
        out << "  " << pad(model.pools[pools[q]].name, 12, false) << pad(std::to_string(line.agents), 4) << " x "
            << placement_text(model, request, line.placement) << '\n';
    out << '\n'
        << pad("Pool", 12, false) << pad("agents", 8) << pad("paid hours", 11) << pad("regular", 11)
        << pad("overtime h", 11) << pad("overtime", 10) << '\n';
    for (std::size_t q = 0; q < pools.size(); ++q) {
      const PoolTotals t = totals(model, request, answer, q);
      out << pad(model.pools[pools[q]].name, 12, false) << pad(std::to_string(t.agents), 8)
          << pad(fixed(t.paid_hours, 1), 11) << pad(format(t.regular_cost, Unit::money), 11)
          << pad(fixed(t.overtime_hours, 2), 11) << pad(format(t.overtime_cost, Unit::money), 10) << '\n';
    }
  }
  out << '\n' << fixed(run.wall_seconds, 2) << " s on " << run.threads << " threads\n";
}

void write_schedule_json(std::ostream& out, const model::CompiledModel& model, const ScheduleRequest& request,
                         const ScheduleAnswer& answer, const io::RunInfo& run) {
  const auto& pools = request.staffing.pools;
  Json root;
  root["manifest"] = io::detail::manifest_json(run.manifest);
  root["status"] = status_name(answer.status);
  root["confidence"] = request.staffing.confidence;
  root["evaluations"] = answer.evaluations;
  root["rosters_simulated"] = answer.rounds;
  root["wall_seconds"] = run.wall_seconds;
  root["program"] = Json{{"columns", answer.columns},
                         {"rows", answer.rows},
                         {"status", program_status(answer.program.status)},
                         {"cost", number(answer.program.cost)},
                         {"lp_bound", number(answer.program.lp_bound)},
                         {"bound", number(answer.program.bound)},
                         {"gap", number(answer.program.gap())},
                         {"nodes", answer.program.nodes},
                         {"seconds", answer.solver_seconds}};
  Json names = Json::array();
  for (const std::size_t p : pools) names.push_back(model.pools[p].name);
  root["pools"] = names;
  const bool judged = rostered(answer);
  Json intervals = Json::array();
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i) {
    Json interval{{"start", model::interval_label(model, i)}};
    for (std::size_t q = 0; q < pools.size(); ++q) {
      Json pool{{"required", answer.required[q][i]}};
      if (judged) {
        pool["rostered"] = answer.present[q][i];
        pool["on_duty"] = answer.covered[q][i];
        pool["available"] = number(
            mean_of(answer, answer.result->layout.of_interval_pool(i, pools[q], model::IntervalPoolKpi::available)));
      }
      interval["pools"][model.pools[pools[q]].name] = std::move(pool);
    }
    if (judged)
      for (std::size_t k = 0; k < answer.verdicts.targets.size(); ++k)
        if (answer.verdicts.targets[k].per_interval)
          interval["targets"][answer.verdicts.targets[k].name] =
              judgement_json(answer.verdicts.intervals[i][k], answer.verdicts.targets[k]);
    intervals.push_back(std::move(interval));
  }
  root["intervals"] = std::move(intervals);
  if (judged) {
    for (std::size_t k = 0; k < answer.verdicts.targets.size(); ++k)
      root["day"][answer.verdicts.targets[k].name] = judgement_json(answer.verdicts.day[k], answer.verdicts.targets[k]);
    Json roster = Json::array();
    for (std::size_t q = 0; q < pools.size(); ++q)
      for (const RosterLine& line : answer.roster[q]) {
        const model::Placement& p = line.placement;
        Json breaks = Json::array();
        for (std::size_t b = 0; b < p.break_after.size(); ++b)
          breaks.push_back(model::clock_text(p.start + p.break_after[b]));
        roster.push_back(Json{{"pool", model.pools[pools[q]].name},
                              {"template", request.staffing.scenario.pools[p.pool].templates[p.shape].name},
                              {"start", model::clock_text(p.start)},
                              {"end", model::clock_text(p.start + p.length)},
                              {"breaks", std::move(breaks)},
                              {"weekday", p.weekday},
                              {"agents", line.agents},
                              {"cost", p.cost * static_cast<double>(line.agents)}});
      }
    root["roster"] = std::move(roster);
    for (std::size_t q = 0; q < pools.size(); ++q) {
      const PoolTotals t = totals(model, request, answer, q);
      root["totals"][model.pools[pools[q]].name] = Json{{"agents", t.agents},
                                                        {"paid_hours", t.paid_hours},
                                                        {"regular_cost", t.regular_cost},
                                                        {"overtime_hours", number(t.overtime_hours)},
                                                        {"overtime_cost", number(t.overtime_cost)}};
    }
  }
  Json unmet = Json::array();
  for (const auto& [i, k] : answer.verdicts.unmet)
    unmet.push_back(Json{{"interval", where(model, i)}, {"target", answer.verdicts.targets[k].name}});
  root["unmet"] = std::move(unmet);
  Json uncovered = Json::array();
  for (const auto& [q, i] : answer.uncovered)
    uncovered.push_back(Json{{"pool", model.pools[pools[q]].name}, {"interval", model::interval_label(model, i)}});
  root["uncovered"] = std::move(uncovered);
  out << root.dump(2) << '\n';
}

void write_schedule_csv(std::ostream& out, const model::CompiledModel& model, const ScheduleRequest& request,
                        const ScheduleAnswer& answer) {
  const auto& pools = request.staffing.pools;
  out << kScheduleColumns << '\n';
  const auto row = [&](const std::string& interval, const char* scope, const std::string& name, const char* kpi,
                       double value) {
    out << io::csv_quoted(interval) << ',' << scope << ',' << io::csv_quoted(name) << ',' << kpi << ','
        << io::csv_number(value) << '\n';
  };
  row("day", "program", "schedule", "columns", static_cast<double>(answer.columns));
  row("day", "program", "schedule", "cost", answer.program.cost);
  row("day", "program", "schedule", "lp_bound", answer.program.lp_bound);
  row("day", "program", "schedule", "gap", answer.program.gap());
  const bool judged = rostered(answer);
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i) {
    const std::string label = model::interval_label(model, i);
    for (std::size_t q = 0; q < pools.size(); ++q) {
      const std::string& name = model.pools[pools[q]].name;
      row(label, "pool", name, "required", answer.required[q][i]);
      if (!judged) continue;
      row(label, "pool", name, "rostered", answer.present[q][i]);
      row(label, "pool", name, "on_duty", answer.covered[q][i]);
      row(label, "pool", name, "available",
          mean_of(answer, answer.result->layout.of_interval_pool(i, pools[q], model::IntervalPoolKpi::available)));
    }
    if (judged)
      for (std::size_t k = 0; k < answer.verdicts.targets.size(); ++k) {
        if (!answer.verdicts.targets[k].per_interval) continue;
        const model::Judgement& j = answer.verdicts.intervals[i][k];
        const std::string& name = answer.verdicts.targets[k].name;
        row(label, "target", name, "value", j.value);
        row(label, "target", name, "ci_low", j.low);
        row(label, "target", name, "ci_high", j.high);
        row(label, "target", name, "met", j.met ? 1.0 : 0.0);
      }
  }
  if (!judged) return;
  for (std::size_t k = 0; k < answer.verdicts.targets.size(); ++k) {
    const model::Judgement& j = answer.verdicts.day[k];
    const std::string& name = answer.verdicts.targets[k].name;
    row("day", "target", name, "value", j.value);
    row("day", "target", name, "ci_low", j.low);
    row("day", "target", name, "ci_high", j.high);
    row("day", "target", name, "met", j.met ? 1.0 : 0.0);
  }
  for (std::size_t q = 0; q < pools.size(); ++q) {
    const PoolTotals t = totals(model, request, answer, q);
    const std::string& name = model.pools[pools[q]].name;
    row("day", "pool", name, "agents", static_cast<double>(t.agents));
    row("day", "pool", name, "paid_hours", t.paid_hours);
    row("day", "pool", name, "regular_cost", t.regular_cost);
    row("day", "pool", name, "overtime_hours", t.overtime_hours);
    row("day", "pool", name, "overtime_cost", t.overtime_cost);
  }
}

}  // namespace capsim::experiment
