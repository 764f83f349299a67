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

void write_judgement_table(std::ostream& out, const model::CompiledModel& model,
                           const std::vector<model::StaffingTarget>& targets,
                           const std::vector<std::vector<model::Judgement>>& intervals,
                           const std::vector<LeadingColumn>& leading, bool colour) {
  constexpr std::size_t kWidth = 100, kLabel = 9, kLeading = 8, kTarget = 14;
  std::vector<std::size_t> shown;  // the per-interval targets
  for (std::size_t k = 0; k < targets.size(); ++k)
    if (targets[k].per_interval) shown.push_back(k);
  if (shown.empty()) return;
  // The legend, wrapped at the table's width.
  std::vector<std::string> words{"Targets:"};
  for (std::size_t n = 0; n < shown.size(); ++n) {
    const auto& t = targets[shown[n]];
    words.push_back("T" + std::to_string(n + 1) + " " + t.name + " " + bound_text(t) +
                    (n + 1 < shown.size() ? "," : ""));
  }
  for (const char* word :
       {"(each: value and the CI end that decides, in % or s;", "!", "missed,", "?", "too", "few", "to", "judge)"})
    words.emplace_back(word);
  write_wrapped(out, words, kWidth);
  const std::size_t fixed = kLabel + kLeading * leading.size();
  const std::size_t per_block = std::max<std::size_t>(1, (kWidth - std::min(fixed, kWidth - kTarget)) / kTarget);
  for (std::size_t first = 0; first < shown.size(); first += per_block) {
    const std::size_t last = std::min(shown.size(), first + per_block);
    if (first > 0) out << '\n';
    out << pad("Interval", kLabel, false);
    for (const auto& c : leading) out << pad(c.header, kLeading);
    for (std::size_t n = first; n < last; ++n)
      out << pad("T" + std::to_string(n + 1), 7) << pad(targets[shown[n]].rule.at_least ? "low" : "high", 6) << ' ';
    out << '\n';
    for (std::size_t i = 0; i < static_cast<std::size_t>(model.intervals); ++i) {
      out << pad(model::interval_label(model, i), kLabel, false);
      for (const auto& c : leading) out << pad(c.cell(i), kLeading);
      for (std::size_t n = first; n < last; ++n) {
        const auto& t = targets[shown[n]];
        const model::Judgement& j = intervals[i][shown[n]];
        if (j.trials <= 0.0) {
          out << pad("-", 7) << pad("", 7);
          continue;
        }
        const double end = t.rule.at_least ? j.low : j.high;
        const bool missed = j.judged && !j.met;
        const std::string cell = pad(format(j.value, t.unit, false), 7) + pad(format(end, t.unit, false), 6) +
                                 (!j.judged ? "?"
                                  : missed  ? "!"
                                            : " ");
        out << paint_missed(cell, missed, colour);
      }
      out << '\n';
    }
  }
}

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

  out << "\nAt the requirement\n";
  detail::write_judgement_table(
      out, model, answer.targets, answer.intervals,
      {{"ASA s",
        [&](std::size_t i) {
          return detail::format(mean_of(answer, layout.of_interval(i, model::IntervalKpi::asa)), Unit::seconds, false);
        }},
       {"aband %", [&](std::size_t i) { return detail::format(abandon_rate(answer, i), Unit::fraction, false); }}},
      run.colour);
  out << "\nDay" << detail::pad("bound", 31) << detail::pad("value", 10) << detail::pad("CI", 20) << "  verdict\n";
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
