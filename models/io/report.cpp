#include "models/io/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <sstream>

#include "models/io/report_parts.h"

namespace capsim::io {

detail::Json detail::manifest_json(const Manifest& m) {
  return Json{{"capsim", m.version},
              {"commit", m.commit},
              {"command", m.command},
              {"scenario_file", m.scenario_file},
              {"scenario_hash", m.scenario_hash},
              {"overrides", m.overrides},
              {"seed", m.seed},
              {"replications", m.replications},
              {"threads", m.threads},
              {"ranks", m.ranks}};
}

std::string detail::format(double x, model::KpiUnit unit, bool with_unit) {
  if (!std::isfinite(x)) return "-";
  char buffer[64];
  switch (unit) {
    case model::KpiUnit::fraction:
      std::snprintf(buffer, sizeof buffer, "%.1f%s", 100.0 * x, with_unit ? "%" : "");
      break;
    case model::KpiUnit::seconds:
      std::snprintf(buffer, sizeof buffer, x < 600 ? "%.1f%s" : "%.0f%s", x, with_unit ? "s" : "");
      break;
    case model::KpiUnit::count: std::snprintf(buffer, sizeof buffer, x < 100 ? "%.1f" : "%.0f", x); break;
    case model::KpiUnit::money: std::snprintf(buffer, sizeof buffer, "%.0f", x); break;
    case model::KpiUnit::hours: std::snprintf(buffer, sizeof buffer, "%.2f", x); break;
    default: std::snprintf(buffer, sizeof buffer, "%.2f", x); break;
  }
  return buffer;
}

void detail::write_wrapped(std::ostream& out, const std::vector<std::string>& words, std::size_t width) {
  std::size_t column = 0;
  for (const auto& word : words) {
    if (column > 0 && column + 1 + word.size() > width) {
      out << "\n ";
      column = 1;
    }
    out << (column > 0 ? " " : "") << word;
    column += (column > 0 ? 1 : 0) + word.size();
  }
  out << '\n';
}

std::string detail::paint_missed(const std::string& text, bool missed, bool colour) {
  return missed && colour ? "\033[31m" + text + "\033[0m" : text;
}

std::string detail::pad(const std::string& text, std::size_t width, bool right) {
  if (text.size() >= width) return text;
  return right ? std::string(width - text.size(), ' ') + text : text + std::string(width - text.size(), ' ');
}

namespace {

using detail::Json;
using detail::manifest_json;
using detail::number;
using model::ScopeKind;

Json summary_json(const sim::Summary& s, bool ratio) {
  Json json{
      {"mean", number(s.mean)}, {"sd", number(s.sd)},   {"ci95", Json::array({number(s.ci_low), number(s.ci_high)})},
      {"p5", number(s.p5)},     {"p50", number(s.p50)}, {"p95", number(s.p95)},
      {"min", number(s.min)},   {"max", number(s.max)}, {"n", s.n}};
  if (ratio) json["pooled"] = number(s.pooled);
  return json;
}

// The KPI's value in each replication (null where undefined).
Json values_json(const model::ExperimentResult& result, std::size_t slot) {
  Json values = Json::array();
  for (const auto& replication : result.replications) values.push_back(number(replication[slot]));
  return values;
}

// KPIs of one scope as {name: summary}, with per-replication values when asked.
Json scope_json(const model::ExperimentResult& result, ScopeKind scope, std::size_t index, bool with_values = false) {
  Json kpis = Json::object();
  const auto& slots = result.layout.slots();
  const auto [first, last] = result.layout.range(scope, index);
  for (std::size_t i = first; i < last; ++i) {
    kpis[slots[i].kpi] = summary_json(result.summaries[i], result.is_ratio[i]);
    if (with_values) kpis[slots[i].kpi]["values"] = values_json(result, i);
  }
  return kpis;
}

using Unit = model::KpiUnit;
using detail::format;
using detail::pad;

}  // namespace

std::string csv_number(double x) {
  if (!std::isfinite(x)) return std::string();
  std::ostringstream s;
  s << std::setprecision(std::numeric_limits<double>::max_digits10) << x;
  return s.str();
}

std::string csv_quoted(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

namespace {
// What each KPI's numbers are (the same name has the same unit in every scope).
Json kpi_info_json(const model::KpiLayout& layout) {
  Json kpi_info = Json::object();
  for (const auto& slot : layout.slots()) {
    const std::string name = slot.kpi.substr(0, slot.kpi.find('.'));
    if (!kpi_info.contains(name))
      kpi_info[name] = Json{{"unit", model::unit_name(slot.unit)}, {"better", model::better_name(slot.better)}};
  }
  return kpi_info;
}
}  // namespace

void write_json(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                const RunInfo& run) {
  Json root;
  root["scenario"] = model.name;
  root["replications"] = result.replications.size();
  root["seed"] = model.seed;
  root["manifest"] = manifest_json(run.manifest);
  root["kpi_info"] = kpi_info_json(result.layout);
  const bool values = run.replication_values;
  root["kpis"] = scope_json(result, ScopeKind::overall, 0, values);
  // Each named scope's section: NAME -> {kpis: ...}, where the KPI-path grammar and the
  // baseline reader look (model::json_section).
  const auto section = [&](ScopeKind kind) {
    Json entries = Json::object();
    const std::vector<std::string> names = model::scope_names(model, kind);
    for (std::size_t e = 0; e < names.size(); ++e)
      entries[names[e]] = Json{{"kpis", scope_json(result, kind, e, values)}};
    root[std::string(model::json_section(kind))] = std::move(entries);
  };
  section(ScopeKind::customer_class);
  section(ScopeKind::pool);
  section(ScopeKind::stage);
  Json slas = Json::object();
  for (std::size_t k = 0; k < model.slas.size(); ++k) {
    const model::SlaRisk& risk = result.risks[k];
    const std::size_t attained = result.layout.of_sla(k, model::SlaKpi::attained);
    Json sla = summary_json(result.summaries[attained], true);
    if (values) sla["values"] = values_json(result, attained);
    sla["target"] = model.slas[k].target;
    sla["risk"] = number(risk.risk);
    sla["risk_ci95"] = Json::array({number(risk.ci_low), number(risk.ci_high)});
    sla["misses"] = risk.misses;
    slas[model.slas[k].name] = sla;
  }
  root[std::string(model::json_section(ScopeKind::sla))] = slas;
  if (!model.systems.empty()) section(ScopeKind::system);
  // Intervals can number 100,000: each is built, written and freed in turn, so memory
  // stays that of one interval whatever the horizon. The layout is exactly dump(2)'s.
  root["intervals"] = Json::array();
  root["run"] =
      Json{{"events", result.events},
           {"wall_seconds", run.wall_seconds},
           {"events_per_second", run.wall_seconds > 0 ? number(result.events / run.wall_seconds) : Json(nullptr)},
           {"threads", run.threads}};
  const auto indented = [](const Json& value, int depth) {
    // Names come from the user: a byte that is not UTF-8 becomes U+FFFD, never an error.
    std::string text = value.dump(2, ' ', false, Json::error_handler_t::replace);
    const std::string margin(static_cast<std::size_t>(depth) * 2, ' ');
    for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1))
      text.insert(at + 1, margin);
    return text;
  };
  out << "{";
  bool first = true;
  for (const auto& [key, value] : root.items()) {
    out << (first ? "\n  " : ",\n  ") << Json(key).dump(-1, ' ', false, Json::error_handler_t::replace) << ": ";
    first = false;
    if (key != "intervals" || model.intervals == 0) {
      out << indented(value, 1);
      continue;
    }
    out << "[";
    for (int i = 0; i < model.intervals; ++i) {
      const auto index = static_cast<std::size_t>(i);
      const Json interval{{"index", i},
                          {"start", model::interval_label(model, index)},
                          {"start_seconds", sim::seconds_from_ticks(model.interval_ticks) * i},
                          {"kpis", scope_json(result, ScopeKind::interval, index)}};
      out << (i == 0 ? "\n    " : ",\n    ") << indented(interval, 2);
    }
    out << "\n  ]";
  }
  out << "\n}\n";
}

void write_csv(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result) {
  out << kTidyColumns << '\n';
  write_tidy_rows(out, model, result, "", "");
}

std::vector<RowPlace> row_places(const model::CompiledModel& model, const model::KpiLayout& layout) {
  std::vector<RowPlace> places;
  places.reserve(layout.size());
  for (const auto& slot : layout.slots()) {
    RowPlace place;
    place.kpi = slot.kpi;
    places.push_back(std::move(place));
  }
  const double width = sim::seconds_from_ticks(model.interval_ticks);
  for (std::size_t i = 0; i < layout.size(); ++i)
    if (layout.slots()[i].scope == model::ScopeKind::interval) {
      places[i].interval = true;
      places[i].interval_index = layout.slots()[i].scope_index;
      places[i].start_seconds = width * static_cast<double>(layout.slots()[i].scope_index);
    }
  for (int i = 0; i < model.intervals; ++i) {
    const auto index = static_cast<std::size_t>(i);
    for (std::size_t k = 0; k < model.slas.size(); ++k) {
      RowPlace& place = places[layout.of_interval_sla(index, k)];
      place.kpi = model::kIntervalServiceLevel.name;
      place.sla = model.slas[k].name;
    }
    for (std::size_t p = 0; p < model.pools.size(); ++p)
      for (std::size_t kpi = 0; kpi < model::kIntervalPoolKpis.size(); ++kpi) {
        RowPlace& place = places[layout.of_interval_pool(index, p, static_cast<model::IntervalPoolKpi>(kpi))];
        place.kpi = model::kIntervalPoolKpis[kpi].name;
        place.pool = model.pools[p].name;
      }
  }
  return places;
}

namespace {

// The last four tidy fields of a slot's row: interval_index,start_seconds,pool,sla.
std::string place_fields(const RowPlace& place) {
  if (!place.interval) return ",,,,";
  return "," + std::to_string(place.interval_index) + "," + csv_number(place.start_seconds) + "," +
         csv_quoted(place.pool) + "," + csv_quoted(place.sla);
}

}  // namespace

void write_tidy_rows(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                     std::string_view prefix, std::string_view suffix, bool intervals) {
  const auto field = csv_number;
  const auto quote = csv_quoted;
  const auto& slots = result.layout.slots();
  const std::vector<RowPlace> places = row_places(model, result.layout);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!intervals && places[i].interval) continue;
    const auto& s = result.summaries[i];
    out << prefix << model::scope_kind_name(slots[i].scope) << ',' << quote(slots[i].scope_name) << ',' << places[i].kpi
        << ',' << s.n << ',' << field(s.mean) << ',' << field(s.sd) << ',' << field(s.ci_low) << ',' << field(s.ci_high)
        << ',' << field(s.p5) << ',' << field(s.p50) << ',' << field(s.p95) << ',' << field(s.min) << ','
        << field(s.max) << ',' << field(s.pooled) << place_fields(places[i]) << suffix << '\n';
  }
  // SLA risk: the fraction of replications that missed, with its exact interval.
  for (std::size_t k = 0; k < model.slas.size(); ++k) {
    const model::SlaRisk& risk = result.risks[k];
    out << prefix << "sla," << quote(model.slas[k].name) << ",risk," << risk.replications << ',' << field(risk.risk)
        << ",," << field(risk.ci_low) << ',' << field(risk.ci_high) << ",,,,,,,,,," << suffix << '\n';
  }
}

void write_replication_rows(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                            std::string_view prefix, bool intervals) {
  const auto& slots = result.layout.slots();
  const std::vector<RowPlace> places = row_places(model, result.layout);
  std::vector<std::string> tails(places.size());
  for (std::size_t i = 0; i < places.size(); ++i) tails[i] = place_fields(places[i]);
  for (std::size_t r = 0; r < result.replications.size(); ++r)
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (intervals || !places[i].interval)
        out << prefix << result.first_replication + r << ',' << model::scope_kind_name(slots[i].scope) << ','
            << csv_quoted(slots[i].scope_name) << ',' << places[i].kpi << ',' << csv_number(result.replications[r][i])
            << tails[i] << '\n';
}

std::size_t tidy_row_count(const model::CompiledModel& model, bool intervals) {
  const model::KpiLayout layout(model);
  std::size_t rows = layout.size() + model.slas.size();
  if (!intervals)
    for (const auto& slot : layout.slots()) rows -= slot.scope == model::ScopeKind::interval ? 1 : 0;
  return rows;
}

namespace {

// Whether the headline table shows an overall KPI: those of a customer behaviour the model
// does not use (redials, callbacks, balking, blocking, lanes beyond one, failure costs) are
// always zero or undefined there and are left out (JSON and CSV keep them).
bool headline_shows(const model::CompiledModel& model, model::ClassKpi kpi) {
  using K = model::ClassKpi;
  const auto any_class = [&](auto used) { return std::any_of(model.classes.begin(), model.classes.end(), used); };
  const auto any_stage = [&](auto used) { return std::any_of(model.stages.begin(), model.stages.end(), used); };
  switch (kpi) {
    case K::unique_customers:
    case K::redials:
    case K::lost_customers:
    case K::first_attempt_resolution:
      return any_class([](const model::CompiledClass& c) { return c.redial.has_value(); });
    case K::callbacks_offered:
    case K::callbacks_accepted:
    case K::callback_wait_mean: return any_stage([](const model::CompiledStage& s) { return s.callbacks; });
    case K::balked:
    case K::balk_rate: return any_stage([](const model::CompiledStage& s) { return !s.balk_at.empty(); });
    case K::blocked:
    case K::block_rate:
      return model.trunk_lines > 0 || any_stage([](const model::CompiledStage& s) { return !s.unlimited; });
    case K::failure_cost:
      return any_class([](const model::CompiledClass& c) {
        return c.cost.abandoned > 0 || c.cost.blocked > 0 || c.cost.balked > 0 || c.cost.sla_breach > 0;
      });
    case K::lane_time_front:
    case K::lane_time_back:
    case K::lane_time_support: {
      const auto lane = static_cast<model::Lane>(static_cast<int>(kpi) - static_cast<int>(K::lane_time_front));
      const bool this_lane = any_stage([&](const model::CompiledStage& s) { return s.lane == lane; });
      const bool other_lane = any_stage([&](const model::CompiledStage& s) { return s.lane != lane; });
      return this_lane && other_lane;  // one lane only: its time is the sojourn's
    }
    default: return true;
  }
}

// Per interval, within 100 columns: units in the headers (numbers bare), as many SLA columns
// as fit (each named by a short label, S1, S2, ... when a name is longer, with a legend), a
// service level below its target in red when colour is on.
void write_interval_table(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                          bool colour) {
  constexpr std::size_t kWidth = 100, kSlaColumn = 8;
  const auto& layout = result.layout;
  const auto bare = [&](std::size_t slot) {
    return format(result.summaries[slot].mean, layout.slots()[slot].unit, false);
  };
  std::size_t label_width = 8;
  for (int i = 0; i < model.intervals; ++i)
    label_width = std::max(label_width, model::interval_label(model, static_cast<std::size_t>(i)).size() + 1);
  const std::size_t fixed = label_width + 9 + 8 + 8 + 8 + 9 + 8;
  const std::size_t fit = fixed < kWidth ? (kWidth - fixed) / kSlaColumn : 0;
  const std::size_t shown = std::min(model.slas.size(), fit);
  bool short_names = true;
  for (std::size_t k = 0; k < shown; ++k) short_names = short_names && model.slas[k].name.size() < kSlaColumn;
  const auto heading = [&](std::size_t k) { return short_names ? model.slas[k].name : "S" + std::to_string(k + 1); };
  out << '\n';
  if (shown > 0) {  // the legend, wrapped at the table's width
    std::vector<std::string> words{"Service level per SLA in %" + std::string(short_names ? "" : ":")};
    if (!short_names)
      for (std::size_t k = 0; k < shown; ++k)
        words.push_back(heading(k) + ' ' + model.slas[k].name + (k + 1 < shown ? "," : ""));
    if (shown < model.slas.size())
      words.push_back("(" + std::to_string(model.slas.size() - shown) + " more SLAs in --format csv or json)");
    detail::write_wrapped(out, words, kWidth);
  }
  out << pad("Interval", label_width, false) << pad("offered", 9) << pad("served", 8) << pad("aband.", 8)
      << pad("ASA s", 8);
  for (std::size_t k = 0; k < shown; ++k) out << pad(heading(k), kSlaColumn);
  out << pad("staffed", 9) << pad("util %", 8) << '\n';
  for (int i = 0; i < model.intervals; ++i) {
    const auto index = static_cast<std::size_t>(i);
    // An interval that ends within the warm-up has no statistics: not printed.
    if (model.interval_ticks * (i + 1) <= model.warmup_ticks) continue;
    using K = model::IntervalKpi;
    out << pad(model::interval_label(model, index), label_width, false)
        << pad(bare(layout.of_interval(index, K::offered)), 9) << pad(bare(layout.of_interval(index, K::served)), 8)
        << pad(bare(layout.of_interval(index, K::abandoned)), 8) << pad(bare(layout.of_interval(index, K::asa)), 8);
    for (std::size_t k = 0; k < shown; ++k) {
      const std::size_t slot = layout.of_interval_sla(index, k);
      const bool missed = result.summaries[slot].mean < model.slas[k].target;
      out << detail::paint_missed(pad(bare(slot), kSlaColumn), missed, colour);
    }
    out << pad(bare(layout.of_interval(index, K::staffed)), 9)
        << pad(bare(layout.of_interval(index, K::utilization)), 8) << '\n';
  }
}

// Per interval and pool, within 100 columns: the agents available (present, not on a break)
// and their occupancy, which the interval table's `staffed` (every pool, breaks included)
// hides; and the systems down by plan in the interval, whose stages then stop.
void write_pool_interval_table(std::ostream& out, const model::CompiledModel& model,
                               const model::ExperimentResult& result) {
  constexpr std::size_t kWidth = 100, kPoolColumn = 14;
  const auto& layout = result.layout;
  std::size_t label_width = 8;
  for (int i = 0; i < model.intervals; ++i)
    label_width = std::max(label_width, model::interval_label(model, static_cast<std::size_t>(i)).size() + 1);
  bool planned = false;
  for (const auto& system : model.systems) planned = planned || !system.down.empty();
  const std::size_t down_width = planned ? 16 : 0;
  const std::size_t fit = label_width + down_width < kWidth ? (kWidth - label_width - down_width) / kPoolColumn : 0;
  const std::size_t shown = std::min(model.pools.size(), fit);
  if (shown == 0) return;
  out << '\n';
  std::vector<std::string> words{"Agents available per pool (present, not on a break), occupancy in %" +
                                 std::string(planned ? "; down: planned outages" : "")};
  if (shown < model.pools.size())
    words.push_back("(" + std::to_string(model.pools.size() - shown) + " more pools in --format csv or json)");
  detail::write_wrapped(out, words, kWidth);
  out << pad("Interval", label_width, false);
  for (std::size_t p = 0; p < shown; ++p) {
    std::string name = model.pools[p].name;
    if (name.size() > kPoolColumn - 2) name = name.substr(0, kPoolColumn - 3) + "~";
    out << pad(name, kPoolColumn);
  }
  if (planned) out << "  down";
  out << '\n';
  using P = model::IntervalPoolKpi;
  for (int i = 0; i < model.intervals; ++i) {
    const auto index = static_cast<std::size_t>(i);
    if (model.interval_ticks * (i + 1) <= model.warmup_ticks) continue;
    std::string line = pad(model::interval_label(model, index), label_width, false);
    for (std::size_t p = 0; p < shown; ++p) {
      const double available = result.summaries[layout.of_interval_pool(index, p, P::available)].mean;
      const double occupancy = result.summaries[layout.of_interval_pool(index, p, P::occupancy)].mean;
      char cell[64];
      if (std::isfinite(occupancy))
        std::snprintf(cell, sizeof cell, "%.1f %3.0f", available, 100.0 * occupancy);
      else
        std::snprintf(cell, sizeof cell, "%.1f   -", available);
      line += pad(cell, kPoolColumn);
    }
    if (planned) {
      const sim::Time from = sim::kStart + model.interval_ticks * i, to = from + model.interval_ticks;
      std::string down;
      for (const auto& system : model.systems)
        for (const auto& [start, end] : system.down)
          if (start < to && end > from) {
            down += (down.empty() ? "" : ",") + system.name;
            break;
          }
      if (!down.empty()) line += "  " + down;
    }
    out << line << '\n';
  }
}

}  // namespace

void write_table(std::ostream& out, const model::CompiledModel& model, const model::ExperimentResult& result,
                 const RunInfo& run) {
  const auto& layout = result.layout;
  const auto cell = [&](std::size_t slot) { return format(result.summaries[slot].mean, layout.slots()[slot].unit); };
  const auto ci = [&](std::size_t slot) {
    const auto& s = result.summaries[slot];
    const Unit unit = layout.slots()[slot].unit;
    if (!std::isfinite(s.ci_low)) return std::string("-");
    return format(s.ci_low, unit) + " .. " + format(s.ci_high, unit);
  };
  out << model.name << " — " << result.replications.size() << " replications, seed " << model.seed << "\n\n";

  std::size_t kpi_width = 16;
  for (std::size_t k = 0; k < static_cast<std::size_t>(model::ClassKpi::count_); ++k)
    if (headline_shows(model, static_cast<model::ClassKpi>(k)))
      kpi_width = std::max(kpi_width, layout.slots()[layout.overall(static_cast<model::ClassKpi>(k))].kpi.size() + 1);
  out << pad("KPI", kpi_width, false) << pad("mean", 12) << pad("95% CI", 24) << pad("p5", 11) << pad("p95", 11)
      << '\n';
  for (std::size_t k = 0; k < static_cast<std::size_t>(model::ClassKpi::count_); ++k) {
    if (!headline_shows(model, static_cast<model::ClassKpi>(k))) continue;
    const auto slot = layout.overall(static_cast<model::ClassKpi>(k));
    const auto& s = result.summaries[slot];
    const Unit unit = layout.slots()[slot].unit;
    out << pad(layout.slots()[slot].kpi, kpi_width, false) << pad(cell(slot), 12) << pad(ci(slot), 24)
        << pad(format(s.p5, unit), 11) << pad(format(s.p95, unit), 11) << '\n';
  }

  if (model.classes.size() > 1) {
    out << "\nBy class" << pad("offered", 12) << pad("answered", 10) << pad("abandon", 10) << pad("ASA", 10)
        << pad("p90 wait", 10) << pad("sojourn", 10) << '\n';
    for (std::size_t c = 0; c < model.classes.size(); ++c) {
      using K = model::ClassKpi;
      out << pad(model.classes[c].name, 8, false) << pad(cell(layout.of_class(c, K::offered)), 12)
          << pad(cell(layout.of_class(c, K::answered)), 10) << pad(cell(layout.of_class(c, K::abandon_rate)), 10)
          << pad(cell(layout.of_class(c, K::wait_mean)), 10) << pad(cell(layout.of_class(c, K::wait_p90)), 10)
          << pad(cell(layout.of_class(c, K::sojourn_mean)), 10) << '\n';
    }
  }

  out << "\nPools" << pad("present", 15) << pad("available", 11) << pad("occupancy", 11) << pad("utilization", 13)
      << pad("overtime h", 12) << pad("cost", 10) << '\n';
  for (std::size_t p = 0; p < model.pools.size(); ++p) {
    using K = model::PoolKpi;
    out << pad(model.pools[p].name, 12, false) << pad(cell(layout.of_pool(p, K::staffed_mean)), 8)
        << pad(cell(layout.of_pool(p, K::available)), 11) << pad(cell(layout.of_pool(p, K::occupancy)), 11)
        << pad(cell(layout.of_pool(p, K::utilization)), 13) << pad(cell(layout.of_pool(p, K::overtime_hours)), 12)
        << pad(cell(layout.of_pool(p, K::cost)), 10) << '\n';
  }

  if (!model.systems.empty()) {
    out << "\nSystems" << pad("downtime h", 15) << pad("outages", 10) << '\n';
    for (std::size_t y = 0; y < model.systems.size(); ++y) {
      using K = model::SystemKpi;
      out << pad(model.systems[y].name, 12, false) << pad(cell(layout.of_system(y, K::downtime_hours)), 10)
          << pad(cell(layout.of_system(y, K::outages)), 10) << '\n';
    }
  }

  if (!model.slas.empty()) {
    out << "\nSLA" << pad("target", 19) << pad("attained", 10) << pad("95% CI", 18) << pad("risk", 8)
        << pad("risk 95% CI", 18) << '\n';
    for (std::size_t k = 0; k < model.slas.size(); ++k) {
      const auto attained = layout.of_sla(k, model::SlaKpi::attained);
      const model::SlaRisk& risk = result.risks[k];
      const bool missed = result.summaries[attained].mean < model.slas[k].target;
      out << pad(model.slas[k].name, 14, false) << pad(format(model.slas[k].target, Unit::fraction), 8)
          << detail::paint_missed(pad(cell(attained), 10), missed, run.colour) << pad(ci(attained), 18)
          << pad(format(risk.risk, Unit::fraction), 8)
          << pad(std::isfinite(risk.risk)
                     ? format(risk.ci_low, Unit::fraction) + " .. " + format(risk.ci_high, Unit::fraction)
                     : std::string("-"),
                 18)
          << '\n';
    }
  }

  if (model.intervals > 1 && run.intervals) {
    write_interval_table(out, model, result, run.colour);
    write_pool_interval_table(out, model, result);
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f", run.wall_seconds > 0 ? result.events / run.wall_seconds / 1e6 : 0.0);
  out << "\n"
      << result.events << " events in " << std::fixed << std::setprecision(3) << run.wall_seconds << " s (" << rate
      << " million/s, " << run.threads << (run.threads == 1 ? " thread" : " threads") << ")\n";
  out.unsetf(std::ios::floatfield);
}

namespace {

Json difference_json(const sim::Difference& d) {
  return Json{{"mean", number(d.mean)},
              {"sd", number(d.sd)},
              {"ci95", Json::array({number(d.ci_low), number(d.ci_high)})},
              {"relative", number(d.relative)},
              {"significant", d.significant},
              {"n", d.n}};
}

// The table shows what a planner compares first: every overall and system KPI, SLA
// attainment, and the headline KPIs of classes, stages and pools; JSON and CSV have all.
bool in_table(const model::KpiSlot& slot) {
  const auto one_of = [&](std::initializer_list<std::string_view> names) {
    for (const auto name : names)
      if (slot.kpi == name) return true;
    return false;
  };
  switch (slot.scope) {
    case model::ScopeKind::overall:
    case model::ScopeKind::system: return true;
    case model::ScopeKind::sla: return slot.kpi == "attained";
    case model::ScopeKind::customer_class: return one_of({"abandon_rate", "p_wait", "wait_mean", "wait_p90"});
    case model::ScopeKind::stage: return one_of({"wait_mean", "aht_mean"});
    case model::ScopeKind::pool: return one_of({"available", "occupancy", "utilization", "overtime_hours", "cost"});
    case model::ScopeKind::interval: return false;
  }
  return false;
}

// Per interval, each SLA's service level in the base and the variant, "*" where the paired
// difference's 95% CI excludes 0: most what-ifs are about a time of day. Within 100 columns
// (as many SLAs as fit; all are in the CSV and JSON).
void write_interval_comparison(std::ostream& out, const Comparison& comparison, const ComparedVariant& variant) {
  constexpr std::size_t kWidth = 100, kColumn = 13;
  const std::string prefix = std::string(model::kIntervalServiceLevel.name) + ".";
  std::vector<std::string> slas;                                                       // in layout order
  std::vector<std::pair<std::string, std::vector<const model::KpiComparison*>>> rows;  // label, per SLA
  for (const auto& k : variant.kpis) {
    const auto& slot = comparison.base->layout.slots()[k.base_slot];
    if (slot.scope != model::ScopeKind::interval || slot.kpi.rfind(prefix, 0) != 0) continue;
    const std::string sla = slot.kpi.substr(prefix.size());
    auto at = std::find(slas.begin(), slas.end(), sla);
    if (at == slas.end()) at = slas.insert(slas.end(), sla);
    const auto column = static_cast<std::size_t>(at - slas.begin());
    if (rows.empty() || rows.back().first != slot.scope_name) rows.emplace_back(slot.scope_name, 0);
    auto& cells = rows.back().second;
    if (cells.size() <= column) cells.resize(column + 1, nullptr);
    cells[column] = &k;
  }
  if (rows.size() < 2 || slas.empty()) return;
  std::size_t label_width = 9;
  for (const auto& row : rows) label_width = std::max(label_width, row.first.size() + 1);
  const std::size_t shown = std::min(slas.size(), (kWidth - label_width) / kColumn);
  if (shown == 0) return;
  out << "\nService level per interval in %, base/variant (* the difference's 95% CI excludes 0)\n"
      << pad("Interval", label_width, false);
  for (std::size_t s = 0; s < shown; ++s)
    out << pad(slas[s].size() < kColumn ? slas[s] : slas[s].substr(0, kColumn - 2) + "~", kColumn);
  out << '\n';
  for (const auto& [label, cells] : rows) {
    std::string line = pad(label, label_width, false);
    for (std::size_t s = 0; s < shown; ++s) {
      const model::KpiComparison* k = s < cells.size() ? cells[s] : nullptr;
      const double base = k ? comparison.base->summaries[k->base_slot].mean : std::nan("");
      const double other = k ? variant.result->summaries[k->variant_slot].mean : std::nan("");
      char cell[48] = "-";
      if (std::isfinite(base) && std::isfinite(other))
        std::snprintf(cell, sizeof cell, "%.1f/%.1f%s", 100.0 * base, 100.0 * other,
                      k->difference.significant ? "*" : " ");
      line += pad(cell, kColumn);
    }
    out << line << '\n';
  }
}

}  // namespace

void write_comparison_json(std::ostream& out, const Comparison& comparison, const RunInfo& run) {
  Json root;
  root["base"] = Json{{"scenario", comparison.base_name}, {"file", comparison.base_file}};
  root["manifest"] = manifest_json(run.manifest);
  root["replications"] = comparison.replications;
  root["seed"] = comparison.seed;
  root["paired"] = comparison.paired;
  root["kpi_info"] = kpi_info_json(comparison.base->layout);
  Json variants = Json::array();
  for (const auto& variant : comparison.variants) {
    Json kpis = Json::array();
    for (const auto& k : variant.kpis) {
      const auto& slot = comparison.base->layout.slots()[k.base_slot];
      kpis.push_back(Json{{"scope", model::scope_kind_name(slot.scope)},
                          {"name", slot.scope_name},
                          {"kpi", slot.kpi},
                          {"base", summary_json(comparison.base->summaries[k.base_slot], false)},
                          {"variant", summary_json(variant.result->summaries[k.variant_slot], false)},
                          {"difference", difference_json(k.difference)}});
    }
    variants.push_back(
        Json{{"name", variant.name}, {"file", variant.file}, {"overrides", variant.overrides}, {"kpis", kpis}});
  }
  root["variants"] = variants;
  root["run"] = Json{{"wall_seconds", run.wall_seconds}, {"threads", run.threads}};
  out << root.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void write_comparison_csv(std::ostream& out, const Comparison& comparison) {
  out << "variant,scope,name,kpi,n,base_mean,variant_mean,difference,ci95_low,ci95_high,relative,significant\n";
  const auto field = csv_number;
  const auto quote = csv_quoted;
  for (const auto& variant : comparison.variants) {
    for (const auto& k : variant.kpis) {
      const auto& slot = comparison.base->layout.slots()[k.base_slot];
      const auto& d = k.difference;
      out << quote(variant.name) << ',' << model::scope_kind_name(slot.scope) << ',' << quote(slot.scope_name) << ','
          << slot.kpi << ',' << d.n << ',' << field(comparison.base->summaries[k.base_slot].mean) << ','
          << field(variant.result->summaries[k.variant_slot].mean) << ',' << field(d.mean) << ',' << field(d.ci_low)
          << ',' << field(d.ci_high) << ',' << field(d.relative) << ',' << (d.significant ? 1 : 0) << '\n';
    }
  }
}

void write_comparison_table(std::ostream& out, const Comparison& comparison, const RunInfo& run) {
  out << comparison.base_name << " — base and " << comparison.variants.size()
      << (comparison.variants.size() == 1 ? " variant, " : " variants, ") << comparison.replications
      << " replications, seed " << comparison.seed << ",\n"
      << (comparison.paired ? "paired (common random numbers)" : "independent streams (Welch)") << "\n";
  for (const auto& variant : comparison.variants) {
    out << "\nvariant " << variant.name;
    if (!variant.overrides.empty()) {
      out << " (";
      for (std::size_t i = 0; i < variant.overrides.size(); ++i) out << (i ? ", " : "") << variant.overrides[i];
      out << ")";
    }
    if (variant.file != comparison.base_file) out << " from " << variant.file;
    out << "\n"
        << pad("KPI", 28, false) << pad("base", 11) << pad("variant", 11) << pad("difference", 12)
        << pad("95% CI of difference", 22) << pad("relative", 9) << '\n';
    // A difference of fractions is in percentage points (pp), so it never reads as a
    // relative change, which has its own column.
    const auto difference = [](double x, Unit unit) {
      if (unit != Unit::fraction || !std::isfinite(x)) return format(x, unit);
      char text[32];
      std::snprintf(text, sizeof text, "%.1fpp", 100.0 * x);
      return std::string(text);
    };
    for (const auto& k : variant.kpis) {
      const auto& slot = comparison.base->layout.slots()[k.base_slot];
      if (!in_table(slot)) continue;
      const Unit unit = slot.unit;
      const auto& d = k.difference;
      const std::string label =
          (slot.scope == model::ScopeKind::overall ? std::string() : slot.scope_name + " ") + slot.kpi;
      const std::string ci = std::isfinite(d.ci_low) ? difference(d.ci_low, unit) + " .. " + difference(d.ci_high, unit)
                                                     : std::string("-");
      char change[32] = "-";
      if (std::isfinite(d.relative)) std::snprintf(change, sizeof change, "%+.1f%%", 100.0 * d.relative);
      // Within 100 columns: a label longer than its column is cut.
      out << pad(label.substr(0, 27), 28, false) << pad(format(comparison.base->summaries[k.base_slot].mean, unit), 11)
          << pad(format(variant.result->summaries[k.variant_slot].mean, unit), 11) << pad(difference(d.mean, unit), 12)
          << pad(ci, 22) << pad(change, 9) << (d.significant ? "  *" : "") << '\n';
    }
    if (run.intervals) write_interval_comparison(out, comparison, variant);
  }
  out << "\n* the 95% CI of the difference excludes 0\n";
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", run.wall_seconds);
  out << "run in " << seconds << " s on " << run.threads << (run.threads == 1 ? " thread\n" : " threads\n");
}

}  // namespace capsim::io
