#include "models/io/staffing_report.h"

#include <algorithm>
#include <cstdio>

#include "models/io/report_parts.h"

namespace capsim::io {
namespace {

using detail::Json;
using detail::judgement_json;
using detail::number;
using Unit = model::KpiUnit;

// Hours of interval i (the last may be cut short by the horizon's end).
double interval_hours(const model::CompiledModel& model, std::size_t i) {
  const sim::Duration begin = model.interval_ticks * static_cast<sim::Ticks>(i);
  const sim::Duration end = std::min(model.length_ticks, begin + model.interval_ticks);
  return sim::seconds_from_ticks(end - begin) / 3600.0;
}

struct PoolTotals {
  double agent_hours = 0.0, cost = 0.0;
};
PoolTotals totals(const model::CompiledModel& model, const model::StaffingAnswer& answer, std::size_t q) {
  PoolTotals t;
  for (std::size_t i = 0; i < answer.agents[q].size(); ++i)
    t.agent_hours += answer.agents[q][i] * interval_hours(model, i);
  t.cost = answer.result.summaries[answer.result.layout.of_pool(answer.pools[q], model::PoolKpi::cost)].mean;
  return t;
}

double mean_of(const model::StaffingAnswer& answer, std::size_t slot) { return answer.result.summaries[slot].mean; }

double abandon_rate(const model::StaffingAnswer& answer, std::size_t i) {
  const auto& layout = answer.result.layout;
  const double offered = mean_of(answer, layout.of_interval(i, model::IntervalKpi::offered));
  return offered > 0.0 ? mean_of(answer, layout.of_interval(i, model::IntervalKpi::abandoned)) / offered
                       : std::numeric_limits<double>::quiet_NaN();
}

std::string optional_agents(const std::optional<int>& agents) {
  return agents ? std::to_string(*agents) : std::string("-");
}

const char* verdict(const model::Judgement& j) { return !j.judged ? "not judged" : j.met ? "met" : "MISSED"; }

std::string bound_text(const model::StaffingTarget& t) {
  return std::string(t.rule.at_least ? ">= " : "<= ") + detail::format(t.rule.bound, t.unit);
}

}  // namespace

namespace detail {
Json judgement_json(const model::Judgement& j, const model::StaffingTarget& t) {
  return Json{{"at_least", t.rule.at_least},
              {"bound", t.rule.bound},
              {"value", number(j.value)},
              {"ci", Json::array({j.low, j.high})},
              {"trials", j.trials},
              {"judged", j.judged},
              {"met", j.met}};
}
}  // namespace detail

void write_staffing_table(std::ostream& out, const model::CompiledModel& model, const model::StaffingAnswer& answer,
                          const RunInfo& run) {
  const auto& layout = answer.result.layout;
  char confidence[32];
  std::snprintf(confidence, sizeof confidence, "%g%%", 100.0 * answer.confidence);
  out << model.name << " — staffing: " << answer.result.replications.size() << " replications, seed " << model.seed
      << ", targets met at " << confidence << " confidence\n"
      << "search: " << answer.evaluations << " evaluations of the replications, costing "
      << detail::format(answer.evaluation_cost, Unit::plain) << " full runs\n\n";
  out << detail::pad("Interval", 9, false) << detail::pad("pool", 12, false) << detail::pad("erlangs", 8)
      << detail::pad("Erlang C", 9) << detail::pad("Erlang A", 9) << detail::pad("required", 9)
      << detail::pad("occupancy", 10) << '\n';
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i)
    for (std::size_t q = 0; q < answer.pools.size(); ++q) {
      const std::size_t p = answer.pools[q];
      const model::IntervalSeed& seed = answer.seeds[p][i];
      char load[32];
      std::snprintf(load, sizeof load, "%.2f", seed.load.erlangs());
      out << detail::pad(q == 0 ? model::interval_label(model, i) : std::string(), 9, false)
          << detail::pad(model.pools[p].name, 12, false) << detail::pad(load, 8)
          << detail::pad(optional_agents(seed.erlang_c), 9) << detail::pad(optional_agents(seed.erlang_a), 9)
          << detail::pad(std::to_string(answer.agents[q][i]), 9)
          << detail::pad(
                 detail::format(mean_of(answer, layout.of_interval_pool(i, p, model::IntervalPoolKpi::occupancy)),
                                Unit::fraction),
                 10)
          << '\n';
    }

  out << "\nAt the requirement\n"
      << detail::pad("Interval", 9, false) << detail::pad("ASA", 8) << detail::pad("aband.", 8);
  for (const auto& t : answer.targets)
    if (t.per_interval) out << detail::pad((t.name + " " + bound_text(t)).substr(0, 30), 32);
  out << '\n';
  const auto judged_cell = [](const model::Judgement& j, const model::StaffingTarget& t) {
    if (j.trials <= 0.0) return std::string("-");
    return detail::format(j.value, t.unit) + " [" + detail::format(j.low, t.unit) + ", " +
           detail::format(j.high, t.unit) + "]" +
           (!j.judged ? " ?"
            : j.met   ? ""
                      : " !");
  };
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i) {
    out << detail::pad(model::interval_label(model, i), 9, false)
        << detail::pad(detail::format(mean_of(answer, layout.of_interval(i, model::IntervalKpi::asa)), Unit::seconds),
                       8)
        << detail::pad(detail::format(abandon_rate(answer, i), Unit::fraction), 8);
    for (std::size_t k = 0; k < answer.targets.size(); ++k)
      if (answer.targets[k].per_interval)
        out << detail::pad(judged_cell(answer.intervals[i][k], answer.targets[k]), 32);
    out << '\n';
  }
  out << "(value [CI]; ? too few customers to judge, ! missed)\n\nDay" << detail::pad("bound", 31)
      << detail::pad("value", 10) << detail::pad("CI", 20) << "  verdict\n";
  for (std::size_t k = 0; k < answer.targets.size(); ++k) {
    const model::Judgement& j = answer.day[k];
    const auto& t = answer.targets[k];
    out << detail::pad(t.name, 22, false) << detail::pad(bound_text(t), 12)
        << detail::pad(detail::format(j.value, t.unit), 10)
        << detail::pad(detail::format(j.low, t.unit) + " .. " + detail::format(j.high, t.unit), 20) << "  "
        << verdict(j) << '\n';
  }
  out << "\nPool" << detail::pad("agent-hours", 19) << detail::pad("cost", 10) << '\n';
  for (std::size_t q = 0; q < answer.pools.size(); ++q) {
    const PoolTotals t = totals(model, answer, q);
    char hours[32];
    std::snprintf(hours, sizeof hours, "%.1f", t.agent_hours);
    out << detail::pad(model.pools[answer.pools[q]].name, 12, false) << detail::pad(hours, 11)
        << detail::pad(detail::format(t.cost, Unit::money), 10) << '\n';
  }
  char wall[64];
  std::snprintf(wall, sizeof wall, "%.2f", run.wall_seconds);
  out << "\n" << wall << " s on " << run.threads << " threads\n";
}

void write_staffing_json(std::ostream& out, const model::CompiledModel& model, const model::StaffingAnswer& answer,
                         const RunInfo& run) {
  const auto& layout = answer.result.layout;
  Json root;
  root["manifest"] = detail::manifest_json(run.manifest);
  root["confidence"] = answer.confidence;
  root["evaluations"] = answer.evaluations;
  root["evaluation_cost"] = answer.evaluation_cost;
  root["wall_seconds"] = run.wall_seconds;
  Json pools = Json::array(), targets = Json::array();
  for (const std::size_t p : answer.pools) pools.push_back(model.pools[p].name);
  for (const auto& t : answer.targets) targets.push_back(t.name);
  root["pools"] = pools;
  root["targets"] = targets;
  Json intervals = Json::array();
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i) {
    Json interval{{"start", model::interval_label(model, i)},
                  {"asa", number(mean_of(answer, layout.of_interval(i, model::IntervalKpi::asa)))},
                  {"abandon_rate", number(abandon_rate(answer, i))}};
    for (std::size_t q = 0; q < answer.pools.size(); ++q) {
      const std::size_t p = answer.pools[q];
      const model::IntervalSeed& seed = answer.seeds[p][i];
      const auto agents_json = [](const std::optional<int>& a) { return a ? Json(*a) : Json(nullptr); };
      interval["pools"][model.pools[p].name] = Json{
          {"load_erlangs", seed.load.erlangs()},
          {"erlang_c", agents_json(seed.erlang_c)},
          {"erlang_a", agents_json(seed.erlang_a)},
          {"required", answer.agents[q][i]},
          {"occupancy", number(mean_of(answer, layout.of_interval_pool(i, p, model::IntervalPoolKpi::occupancy)))}};
    }
    for (std::size_t k = 0; k < answer.targets.size(); ++k)
      if (answer.targets[k].per_interval)
        interval["targets"][answer.targets[k].name] = judgement_json(answer.intervals[i][k], answer.targets[k]);
    intervals.push_back(std::move(interval));
  }
  root["intervals"] = std::move(intervals);
  for (std::size_t k = 0; k < answer.targets.size(); ++k)
    root["day"][answer.targets[k].name] = judgement_json(answer.day[k], answer.targets[k]);
  for (std::size_t q = 0; q < answer.pools.size(); ++q) {
    const PoolTotals t = totals(model, answer, q);
    root["totals"][model.pools[answer.pools[q]].name] = Json{{"agent_hours", t.agent_hours}, {"cost", number(t.cost)}};
  }
  Json unmet = Json::array();
  for (const auto& [i, k] : answer.unmet)
    unmet.push_back(Json{{"interval", i < static_cast<std::size_t>(model.intervals) ? model::interval_label(model, i)
                                                                                    : std::string("day")},
                         {"target", answer.targets[k].name}});
  root["unmet"] = std::move(unmet);
  out << root.dump(2) << '\n';
}

void write_staffing_csv(std::ostream& out, const model::CompiledModel& model, const model::StaffingAnswer& answer) {
  const auto& layout = answer.result.layout;
  out << kStaffingColumns << '\n';
  const auto row = [&](const std::string& interval, const char* scope, const std::string& name, const char* kpi,
                       double value) {
    out << csv_quoted(interval) << ',' << scope << ',' << csv_quoted(name) << ',' << kpi << ',' << csv_number(value)
        << '\n';
  };
  const auto optional_number = [](const std::optional<int>& a) {
    return a ? static_cast<double>(*a) : std::numeric_limits<double>::quiet_NaN();
  };
  const auto judgement_rows = [&](const std::string& interval, const std::string& name, const model::Judgement& j) {
    row(interval, "target", name, "value", j.value);
    row(interval, "target", name, "ci_low", j.low);
    row(interval, "target", name, "ci_high", j.high);
    row(interval, "target", name, "trials", j.trials);
    row(interval, "target", name, "judged", j.judged ? 1.0 : 0.0);
    row(interval, "target", name, "met", j.met ? 1.0 : 0.0);
  };
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i) {
    const std::string label = model::interval_label(model, i);
    for (std::size_t q = 0; q < answer.pools.size(); ++q) {
      const std::size_t p = answer.pools[q];
      const model::IntervalSeed& seed = answer.seeds[p][i];
      const std::string& name = model.pools[p].name;
      row(label, "pool", name, "load_erlangs", seed.load.erlangs());
      row(label, "pool", name, "erlang_c", optional_number(seed.erlang_c));
      row(label, "pool", name, "erlang_a", optional_number(seed.erlang_a));
      row(label, "pool", name, "required", answer.agents[q][i]);
      row(label, "pool", name, "occupancy",
          mean_of(answer, layout.of_interval_pool(i, p, model::IntervalPoolKpi::occupancy)));
    }
    for (std::size_t k = 0; k < answer.targets.size(); ++k)
      if (answer.targets[k].per_interval) judgement_rows(label, answer.targets[k].name, answer.intervals[i][k]);
  }
  for (std::size_t k = 0; k < answer.targets.size(); ++k) judgement_rows("day", answer.targets[k].name, answer.day[k]);
  for (std::size_t q = 0; q < answer.pools.size(); ++q) {
    const PoolTotals t = totals(model, answer, q);
    row("day", "pool", model.pools[answer.pools[q]].name, "agent_hours", t.agent_hours);
    row("day", "pool", model.pools[answer.pools[q]].name, "cost", t.cost);
  }
}

}  // namespace capsim::io
