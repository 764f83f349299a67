#include "models/io/staffing_report.h"

#include <algorithm>
#include <cstdio>

#include "models/io/report_parts.h"

namespace capsim::io {
namespace {

using detail::Json;
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

Json judgement_json(const model::Judgement& j, double target) {
  return Json{{"target", target},
              {"attained", number(j.attained)},
              {"ci", Json::array({j.low, j.high})},
              {"trials", j.trials},
              {"judged", j.judged},
              {"met", j.met}};
}

}  // namespace

void write_staffing_table(std::ostream& out, const model::CompiledModel& model, const model::StaffingAnswer& answer,
                          const RunInfo& run) {
  const auto& layout = answer.result.layout;
  char confidence[32];
  std::snprintf(confidence, sizeof confidence, "%g%%", 100.0 * answer.confidence);
  out << model.name << " — staffing: " << answer.result.replications.size() << " replications, seed " << model.seed
      << ", targets met at " << confidence << " confidence\n"
      << "search: " << answer.evaluations << " evaluations of the replications\n\n";
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
  for (const std::size_t k : answer.slas) out << detail::pad(model.slas[k].name.substr(0, 26), 28);
  out << '\n';
  const auto judged_cell = [](const model::Judgement& j) {
    if (j.trials <= 0.0) return std::string("-");
    char text[64];
    std::snprintf(text, sizeof text, "%.1f%% [%.1f, %.1f]%s", 100.0 * j.attained, 100.0 * j.low, 100.0 * j.high,
                  !j.judged ? " ?"
                  : j.met   ? ""
                            : " !");
    return std::string(text);
  };
  for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i) {
    out << detail::pad(model::interval_label(model, i), 9, false)
        << detail::pad(detail::format(mean_of(answer, layout.of_interval(i, model::IntervalKpi::asa)), Unit::seconds),
                       8)
        << detail::pad(detail::format(abandon_rate(answer, i), Unit::fraction), 8);
    for (std::size_t k = 0; k < answer.slas.size(); ++k) out << detail::pad(judged_cell(answer.intervals[i][k]), 28);
    out << '\n';
  }
  out << "(attainment [CI]; ? too few customers to judge, ! missed)\n\nDay" << detail::pad("target", 25)
      << detail::pad("attained", 10) << detail::pad("CI", 18) << "  verdict\n";
  for (std::size_t k = 0; k < answer.slas.size(); ++k) {
    const model::Judgement& j = answer.day[k];
    const auto& sla = model.slas[answer.slas[k]];
    out << detail::pad(sla.name, 20, false) << detail::pad(detail::format(sla.target, Unit::fraction), 8)
        << detail::pad(detail::format(j.attained, Unit::fraction), 10)
        << detail::pad(detail::format(j.low, Unit::fraction) + " .. " + detail::format(j.high, Unit::fraction), 18)
        << "  " << verdict(j) << '\n';
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
  root["wall_seconds"] = run.wall_seconds;
  Json pools = Json::array(), slas = Json::array();
  for (const std::size_t p : answer.pools) pools.push_back(model.pools[p].name);
  for (const std::size_t k : answer.slas) slas.push_back(model.slas[k].name);
  root["pools"] = pools;
  root["slas"] = slas;
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
    for (std::size_t k = 0; k < answer.slas.size(); ++k)
      interval["slas"][model.slas[answer.slas[k]].name] =
          judgement_json(answer.intervals[i][k], model.slas[answer.slas[k]].target);
    intervals.push_back(std::move(interval));
  }
  root["intervals"] = std::move(intervals);
  for (std::size_t k = 0; k < answer.slas.size(); ++k)
    root["day"][model.slas[answer.slas[k]].name] = judgement_json(answer.day[k], model.slas[answer.slas[k]].target);
  for (std::size_t q = 0; q < answer.pools.size(); ++q) {
    const PoolTotals t = totals(model, answer, q);
    root["totals"][model.pools[answer.pools[q]].name] = Json{{"agent_hours", t.agent_hours}, {"cost", number(t.cost)}};
  }
  Json unmet = Json::array();
  for (const auto& [i, k] : answer.unmet)
    unmet.push_back(Json{{"interval", i < static_cast<std::size_t>(model.intervals) ? model::interval_label(model, i)
                                                                                    : std::string("day")},
                         {"sla", model.slas[answer.slas[k]].name}});
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
    row(interval, "sla", name, "attained", j.attained);
    row(interval, "sla", name, "ci_low", j.low);
    row(interval, "sla", name, "ci_high", j.high);
    row(interval, "sla", name, "trials", j.trials);
    row(interval, "sla", name, "judged", j.judged ? 1.0 : 0.0);
    row(interval, "sla", name, "met", j.met ? 1.0 : 0.0);
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
    for (std::size_t k = 0; k < answer.slas.size(); ++k)
      judgement_rows(label, model.slas[answer.slas[k]].name, answer.intervals[i][k]);
  }
  for (std::size_t k = 0; k < answer.slas.size(); ++k)
    judgement_rows("day", model.slas[answer.slas[k]].name, answer.day[k]);
  for (std::size_t q = 0; q < answer.pools.size(); ++q) {
    const PoolTotals t = totals(model, answer, q);
    row("day", "pool", model.pools[answer.pools[q]].name, "agent_hours", t.agent_hours);
    row("day", "pool", model.pools[answer.pools[q]].name, "cost", t.cost);
  }
}

}  // namespace capsim::io
