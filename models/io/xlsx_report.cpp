#include "models/io/xlsx_report.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "models/io/report_parts.h"

namespace capsim::io {
namespace {

using detail::Json;

constexpr std::size_t kMaxRows = 1'048'576;
constexpr std::size_t kMaxColumns = 16'384;
constexpr std::size_t kMaxCellText = 32'767;
// The tidy columns of a summary, as the CSV names them.
constexpr std::array<const char*, 11> kSummaryFields{"n",   "mean", "sd",  "ci95_low", "ci95_high", "p5",
                                                     "p50", "p95",  "min", "max",      "pooled"};

class Book {
 public:
  explicit Book(const std::string& path) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;  // charts and frozen panes need the sheets whole
    book_ = workbook_new_opt(path.c_str(), &options);
    if (!book_) return;
    bold_ = workbook_add_format(book_);
    format_set_bold(bold_);
    format_set_text_wrap(bold_);
    format_set_bottom(bold_, LXW_BORDER_THIN);
    for (const auto& [unit, pattern] : std::map<std::string, const char*>{{"fraction", "0.0%"},
                                                                          {"seconds", "#,##0.0"},
                                                                          {"hours", "#,##0.00"},
                                                                          {"money", "#,##0.00"},
                                                                          {"agents", "#,##0.00"},
                                                                          {"count", "#,##0.0"},
                                                                          {"number", "#,##0.000"},
                                                                          {"whole", "0"}}) {
      lxw_format* format = workbook_add_format(book_);
      format_set_num_format(format, pattern);
      formats_[unit] = format;
    }
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;
  ~Book() {
    if (book_) workbook_close(book_);
  }
  bool opened() const { return book_ != nullptr; }
  // Closing writes the file; the reason when it failed.
  std::optional<std::string> close() {
    const lxw_error error = workbook_close(book_);
    book_ = nullptr;
    if (error != LXW_NO_ERROR) return std::string("cannot write the workbook: ") + lxw_strerror(error);
    return problem_;
  }

  lxw_worksheet* sheet(const char* name) { return workbook_add_worksheet(book_, name); }
  lxw_chart* chart(std::uint8_t type) { return workbook_add_chart(book_, type); }

  // A header row (bold, wrapped, frozen beneath) with each column's width.
  void header(lxw_worksheet* ws, const std::vector<std::string>& titles, lxw_col_t frozen_columns = 1) {
    if (!fits(titles.size(), 1)) return;
    for (std::size_t c = 0; c < titles.size(); ++c) {
      text(ws, 0, c, titles[c], bold_);
      const double width = std::clamp(static_cast<double>(titles[c].size()) * 0.9 + 2.0, 9.0, 28.0);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width, nullptr);
    }
    worksheet_set_row(ws, 0, 45, nullptr);
    worksheet_freeze_panes(ws, 1, frozen_columns);
  }
  void text(lxw_worksheet* ws, std::size_t row, std::size_t column, const std::string& value,
            lxw_format* format = nullptr) {
    const std::string cut = value.size() > kMaxCellText ? value.substr(0, kMaxCellText) : value;
    worksheet_write_string(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column), cut.c_str(), format);
  }
  // A JSON number in the unit's format; null (undefined) stays an empty cell.
  void number(lxw_worksheet* ws, std::size_t row, std::size_t column, const Json& value, const std::string& unit) {
    if (!value.is_number()) return;
    const auto format = formats_.find(unit);
    worksheet_write_number(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column), value.get<double>(),
                           format == formats_.end() ? nullptr : format->second);
  }
  // False (once, remembered for close()) when a sheet would be larger than Excel allows.
  bool fits(std::size_t columns, std::size_t rows) {
    if (columns <= kMaxColumns && rows <= kMaxRows) return true;
    if (!problem_)
      problem_ = "a sheet of " + std::to_string(rows) + " rows and " + std::to_string(columns) +
                 " columns is larger than Excel allows (1,048,576 rows, 16,384 columns); use --format csv";
    return false;
  }

 private:
  lxw_workbook* book_ = nullptr;
  lxw_format* bold_ = nullptr;
  std::map<std::string, lxw_format*> formats_;
  std::optional<std::string> problem_;
};

std::string unit_header(const std::string& name, const std::string& unit) {
  static const std::map<std::string, std::string> shown{{"fraction", "%"},    {"seconds", "s"},
                                                        {"hours", "h"},       {"money", "currency"},
                                                        {"agents", "agents"}, {"count", "per replication"}};
  const auto found = shown.find(unit);
  return found == shown.end() ? name : name + " (" + found->second + ")";
}

std::string unit_of(const Json& run, const std::string& kpi) {
  const std::string base = kpi.substr(0, kpi.find('.'));
  const Json& info = run["kpi_info"];
  return info.contains(base) ? info[base]["unit"].get<std::string>() : std::string("number");
}

// A tidy field of a JSON summary: its CI's ends by name; null when it has none (pooled).
Json summary_field(const Json& summary, const std::string& field) {
  if (field == "ci95_low") return summary["ci95"][0];
  if (field == "ci95_high") return summary["ci95"][1];
  return summary.contains(field) ? summary[field] : Json(nullptr);
}

// Summary rows (scope, name, KPI, unit, then the tidy fields) of one scope's KPIs.
void tidy_rows(Book& book, lxw_worksheet* ws, std::size_t& row, const Json& run, const std::string& scope,
               const std::string& name, const Json& kpis) {
  for (const auto& [kpi, summary] : kpis.items()) {
    const std::string unit = unit_of(run, kpi);
    book.text(ws, row, 0, scope);
    book.text(ws, row, 1, name);
    book.text(ws, row, 2, kpi);
    book.text(ws, row, 3, unit);
    for (std::size_t f = 0; f < kSummaryFields.size(); ++f) {
      const std::string field = kSummaryFields[f];
      book.number(ws, row, 4 + f, summary_field(summary, field), field == "n" ? "whole" : unit);
    }
    ++row;
  }
}

std::vector<std::string> tidy_header() {
  std::vector<std::string> titles{"scope", "name", "kpi", "unit"};
  for (const char* field : kSummaryFields) titles.emplace_back(field);
  return titles;
}

void summary_sheet(Book& book, const Json& run) {
  lxw_worksheet* ws = book.sheet("Summary");
  book.header(ws, tidy_header(), 3);
  std::size_t row = 1;
  tidy_rows(book, ws, row, run, "overall", "overall", run["kpis"]);
  // As the CSV orders its scopes.
  for (const auto& [section, scope] : {std::pair{"classes", "class"}, {"stages", "stage"}, {"systems", "system"}}) {
    if (!run.contains(section)) continue;
    for (const auto& [name, entry] : run[section].items()) tidy_rows(book, ws, row, run, scope, name, entry["kpis"]);
  }
}

void pools_sheet(Book& book, const Json& run) {
  lxw_worksheet* ws = book.sheet("Pools");
  book.header(ws, tidy_header(), 3);
  std::size_t row = 1;
  for (const auto& [name, entry] : run["pools"].items()) tidy_rows(book, ws, row, run, "pool", name, entry["kpis"]);
}

void slas_sheet(Book& book, const Json& run) {
  lxw_worksheet* ws = book.sheet("SLAs");
  std::vector<std::string> titles{"sla", "target (%)"};
  for (const char* field : kSummaryFields)
    titles.push_back(std::string("attained ") + field + (field == std::string("n") ? "" : " (%)"));
  for (const char* extra : {"risk (%)", "risk ci95_low (%)", "risk ci95_high (%)", "misses (replications)"})
    titles.emplace_back(extra);
  book.header(ws, titles);
  std::size_t row = 1;
  for (const auto& [name, sla] : run["slas"].items()) {
    book.text(ws, row, 0, name);
    book.number(ws, row, 1, sla["target"], "fraction");
    for (std::size_t f = 0; f < kSummaryFields.size(); ++f) {
      const std::string field = kSummaryFields[f];
      book.number(ws, row, 2 + f, summary_field(sla, field), field == "n" ? "whole" : "fraction");
    }
    const std::size_t c = 2 + kSummaryFields.size();
    book.number(ws, row, c, sla["risk"], "fraction");
    book.number(ws, row, c + 1, sla["risk_ci95"][0], "fraction");
    book.number(ws, row, c + 2, sla["risk_ci95"][1], "fraction");
    book.number(ws, row, c + 3, sla["misses"], "whole");
    ++row;
  }
}

// One row per interval, one column per interval KPI (its mean); returns the KPI columns.
std::vector<std::string> intervals_sheet(Book& book, const Json& run) {
  lxw_worksheet* ws = book.sheet("Intervals");
  const Json& intervals = run["intervals"];
  std::vector<std::string> kpis;
  if (!intervals.empty())
    for (const auto& [kpi, summary] : intervals[0]["kpis"].items()) kpis.push_back(kpi);
  if (!book.fits(kpis.size() + 1, intervals.size() + 1)) return {};
  std::vector<std::string> titles{"interval"};
  for (const auto& kpi : kpis) titles.push_back(unit_header(kpi, unit_of(run, kpi)));
  book.header(ws, titles);
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const Json& iv = intervals[i];
    book.text(ws, i + 1, 0, iv["start"].get<std::string>());
    for (std::size_t k = 0; k < kpis.size(); ++k)
      if (iv["kpis"].contains(kpis[k]))
        book.number(ws, i + 1, k + 1, iv["kpis"][kpis[k]]["mean"], unit_of(run, kpis[k]));
  }
  return kpis;
}

// Each replication's values of the overall KPIs, each SLA's attainment and each pool's cost.
void distribution_sheet(Book& book, const Json& run) {
  lxw_worksheet* ws = book.sheet("Distribution");
  std::vector<std::pair<std::string, const Json*>> columns;  // header, values
  std::vector<std::string> units;
  for (const auto& [kpi, summary] : run["kpis"].items())
    if (summary.contains("values")) {
      columns.emplace_back(unit_header(kpi, unit_of(run, kpi)), &summary["values"]);
      units.push_back(unit_of(run, kpi));
    }
  for (const auto& [name, sla] : run["slas"].items())
    if (sla.contains("values")) {
      columns.emplace_back(unit_header("slas." + name + ".attained", "fraction"), &sla["values"]);
      units.emplace_back("fraction");
    }
  for (const auto& [name, pool] : run["pools"].items())
    if (pool["kpis"]["cost"].contains("values")) {
      columns.emplace_back(unit_header("pools." + name + ".cost", "money"), &pool["kpis"]["cost"]["values"]);
      units.emplace_back("money");
    }
  const std::size_t replications = run["replications"].get<std::size_t>();
  if (!book.fits(columns.size() + 1, replications + 1)) return;
  std::vector<std::string> titles{"replication"};
  for (const auto& column : columns) titles.push_back(column.first);
  book.header(ws, titles);
  for (std::size_t r = 0; r < replications; ++r) {
    book.number(ws, r + 1, 0, Json(r + 1), "whole");
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (r < columns[c].second->size()) book.number(ws, r + 1, c + 1, (*columns[c].second)[r], units[c]);
  }
}

// A line chart of some of the Intervals sheet's columns (or another sheet's), by interval.
void line_chart(Book& book, lxw_worksheet* at, std::size_t row, const std::string& title, const std::string& y_title,
                const char* sheet, std::size_t intervals,
                const std::vector<std::pair<std::string, std::size_t>>& series, const char* y_format = nullptr) {
  if (series.empty() || intervals == 0) return;
  lxw_chart* chart = book.chart(LXW_CHART_LINE);
  for (const auto& [name, column] : series) {
    lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
    chart_series_set_categories(s, sheet, 1, 0, static_cast<lxw_row_t>(intervals), 0);
    chart_series_set_values(s, sheet, 1, static_cast<lxw_col_t>(column), static_cast<lxw_row_t>(intervals),
                            static_cast<lxw_col_t>(column));
    chart_series_set_name(s, name.c_str());
  }
  chart_title_set_name(chart, title.c_str());
  chart_axis_set_name(chart->x_axis, "interval start");
  chart_axis_set_name(chart->y_axis, y_title.c_str());
  if (y_format) chart_axis_set_num_format(chart->y_axis, y_format);
  chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
  lxw_chart_options options{};
  options.x_scale = 2.0;
  options.y_scale = 1.4;
  worksheet_insert_chart_opt(at, static_cast<lxw_row_t>(row), 1, chart, &options);
}

// staff: required, Erlang C and A and the load per pool; schedule: required, rostered, on
// duty and available. Returns the columns of "required" per pool.
std::vector<std::pair<std::string, std::size_t>> requirement_sheet(Book& book, const Json& plan, bool schedule) {
  lxw_worksheet* ws = book.sheet("Requirement");
  const std::vector<std::pair<std::string, std::string>> fields =
      schedule ? std::vector<std::pair<std::string, std::string>>{{"required", "agents"},
                                                                  {"rostered", "agents"},
                                                                  {"on_duty", "agents"},
                                                                  {"available", "agents"}}
               : std::vector<std::pair<std::string, std::string>>{{"required", "agents"},
                                                                  {"erlang_c", "agents"},
                                                                  {"erlang_a", "agents"},
                                                                  {"load_erlangs", "number"},
                                                                  {"occupancy", "fraction"}};
  std::vector<std::string> titles{"interval"};
  std::vector<std::pair<std::string, std::size_t>> required;
  for (const auto& pool : plan["pools"])
    for (const auto& [field, unit] : fields) {
      if (field == "required") required.emplace_back(pool.get<std::string>(), titles.size());
      titles.push_back(unit_header(pool.get<std::string>() + " " + field, unit));
    }
  const Json& intervals = plan["intervals"];
  if (!book.fits(titles.size(), intervals.size() + 1)) return {};
  book.header(ws, titles);
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    book.text(ws, i + 1, 0, intervals[i]["start"].get<std::string>());
    std::size_t c = 1;
    for (const auto& pool : plan["pools"])
      for (const auto& [field, unit] : fields) {
        const Json& entry = intervals[i]["pools"][pool.get<std::string>()];
        if (entry.contains(field)) book.number(ws, i + 1, c, entry[field], unit);
        ++c;
      }
  }
  return required;
}

void roster_sheet(Book& book, const Json& plan) {
  lxw_worksheet* ws = book.sheet("Roster");
  book.header(ws,
              {"pool", "template", "start", "end", "breaks", "weekday (-1: every day)", "agents", "cost (currency)"});
  std::size_t row = 1;
  for (const auto& line : plan["roster"]) {
    book.text(ws, row, 0, line["pool"].get<std::string>());
    book.text(ws, row, 1, line["template"].get<std::string>());
    book.text(ws, row, 2, line["start"].get<std::string>());
    book.text(ws, row, 3, line["end"].get<std::string>());
    std::string breaks;
    for (const auto& b : line["breaks"]) breaks += (breaks.empty() ? "" : ", ") + b.get<std::string>();
    book.text(ws, row, 4, breaks);
    book.number(ws, row, 5, line["weekday"], "whole");
    book.number(ws, row, 6, line["agents"], "whole");
    book.number(ws, row, 7, line["cost"], "money");
    ++row;
  }
}

void about_sheet(Book& book, const Json& run, const Json& plan) {
  lxw_worksheet* ws = book.sheet("About");
  book.header(ws, {"what", "value"});
  worksheet_set_column(ws, 1, 1, 100, nullptr);
  std::size_t row = 1;
  const auto add = [&](const std::string& what, const std::string& value) {
    book.text(ws, row, 0, what);
    book.text(ws, row, 1, value);
    ++row;
  };
  add("scenario", run["scenario"].get<std::string>());
  for (const Json* doc : {&run, &plan}) {
    if (!doc->is_object() || !doc->contains("manifest")) continue;
    const Json& m = (*doc)["manifest"];
    add("command", m["command"].get<std::string>());
    add("capsim", m["capsim"].get<std::string>() + " (commit " + m["commit"].get<std::string>() + ")");
    add("scenario file", m["scenario_file"].get<std::string>() + " (" + m["scenario_hash"].get<std::string>() + ")");
    add("seed", std::to_string(m["seed"].get<std::uint64_t>()));
    add("replications", std::to_string(m["replications"].get<std::size_t>()));
  }
  add("units",
      "durations in seconds; fractions as % (the cell holds the fraction); counts per replication; cost in "
      "the scenario's currency per replication; KPI definitions: README \"Output\"");
}

}  // namespace

std::optional<std::string> write_xlsx(const std::string& path, std::string_view run_json, std::string_view plan_json) {
  const Json run = Json::parse(run_json.begin(), run_json.end(), nullptr, false);
  if (run.is_discarded() || !run.contains("intervals") || !run.contains("slas"))
    return "internal error: not a run's JSON";
  Json plan = nullptr;
  if (!plan_json.empty()) {
    plan = Json::parse(plan_json.begin(), plan_json.end(), nullptr, false);
    if (plan.is_discarded() || !plan.contains("intervals")) return "internal error: not a staffing result's JSON";
  }
  Book book(path);
  if (!book.opened()) return "cannot create the workbook";
  summary_sheet(book, run);
  const std::vector<std::string> interval_kpis = intervals_sheet(book, run);
  pools_sheet(book, run);
  slas_sheet(book, run);
  distribution_sheet(book, run);
  std::vector<std::pair<std::string, std::size_t>> required;
  const bool schedule = plan.is_object() && plan.contains("roster");
  if (plan.is_object()) required = requirement_sheet(book, plan, schedule);
  if (schedule) roster_sheet(book, plan);

  lxw_worksheet* charts = book.sheet("Charts");
  const std::size_t intervals = run["intervals"].size();
  std::vector<std::pair<std::string, std::size_t>> levels, available;
  for (std::size_t k = 0; k < interval_kpis.size(); ++k) {
    const std::string& kpi = interval_kpis[k];
    if (kpi.rfind("service_level.", 0) == 0) levels.emplace_back(kpi.substr(14), k + 1);
    if (kpi.rfind("available.", 0) == 0) available.emplace_back(kpi.substr(10), k + 1);
  }
  line_chart(book, charts, 1, "Service level per interval", "attained", "Intervals", intervals, levels, "0%");
  line_chart(book, charts, 23, "Agents available per interval (time-average)", "agents", "Intervals", intervals,
             available);
  if (!required.empty() && plan["intervals"].size() == intervals)
    line_chart(book, charts, 45, "Agents required per interval", "agents", "Requirement", intervals, required);
  about_sheet(book, run, plan);
  return book.close();
}

}  // namespace capsim::io
