#include "models/io/html_report.h"

#include <cstdlib>
#include <iterator>
#include <map>
#include <vector>

#include "models/io/report_assets.h"
#include "models/io/report_parts.h"

namespace capsim::io {
namespace {

using detail::Json;

// Each value is kept as three JSON numbers in arrays by point: about 50 bytes.
constexpr std::size_t kMaxReportCells = 2'000'000;
constexpr std::string_view kNotJson = "not valid JSON";

std::string kind_of(const Json& doc) {
  if (!doc.is_object() || !doc.contains("manifest")) return "";
  if (doc.contains("variants") && doc.contains("base")) return "compare";
  if (doc.contains("program") && doc.contains("roster")) return "schedule";
  if (doc.contains("evaluation_cost") && doc.contains("intervals")) return "staff";
  if (doc.contains("kpis") && doc.contains("slas") && doc.contains("intervals")) return "run";
  return "";
}

// One CSV record (RFC 4180: quoted fields may hold commas, quotes and line breaks); false
// at the end of the input.
bool read_record(std::istream& in, std::vector<std::string>& fields) {
  fields.clear();
  if (in.peek() == std::char_traits<char>::eof()) return false;
  std::string field;
  bool quoted = false;
  char c = 0;
  while (in.get(c)) {
    if (quoted) {
      if (c != '"')
        field += c;
      else if (in.peek() == '"')
        field += static_cast<char>(in.get());
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return true;
}

Json csv_number_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return nullptr;
  return detail::number(x);
}

// The unit of a sweep row's KPI, from the layout's own tables.
std::string unit_of(const std::string& scope, const std::string& kpi) {
  const auto find = [&](const auto& table) -> std::string {
    for (const auto& info : table)
      if (info.name == kpi) return std::string(model::unit_name(info.unit));
    return std::string(model::unit_name(model::KpiUnit::plain));
  };
  if (scope == "overall" || scope == "class") return find(model::kClassKpis);
  if (scope == "pool") return find(model::kPoolKpis);
  if (scope == "stage") return find(model::kStageKpis);
  if (scope == "system") return find(model::kSystemKpis);
  if (scope == "sla") return std::string(model::unit_name(model::KpiUnit::fraction));  // attained, met, risk
  return std::string(model::unit_name(model::KpiUnit::plain));
}

// Inside a <script> element only "</" (and "<!--") could end or change the element; in
// JSON text "<" occurs only within strings, where \u003c means the same character.
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (const char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

}  // namespace

struct HtmlReport::Impl {
  Json results = Json::array();
};

HtmlReport::HtmlReport() : impl_(std::make_unique<Impl>()) {}
HtmlReport::~HtmlReport() = default;

std::size_t HtmlReport::results() const { return impl_->results.size(); }

std::optional<std::string> HtmlReport::add_json(std::string_view text, const std::string& origin) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return std::string(kNotJson);
  const std::string kind = kind_of(doc);
  if (kind.empty())
    return "not a capsim result (expected the JSON of capsim run, compare, staff or schedule, with its manifest)";
  impl_->results.push_back(Json{{"kind", kind}, {"origin", origin}, {"data", std::move(doc)}});
  return std::nullopt;
}

std::optional<std::string> HtmlReport::add_sweep_csv(std::istream& in, const std::string& origin) {
  std::string identity;
  if (!std::getline(in, identity) || identity.rfind("# capsim sweep ", 0) != 0)
    return "not a sweep's CSV (its first line is not \"# capsim sweep HASH points N ...\")";
  std::vector<std::string> fields;
  if (!read_record(in, fields) || fields.empty() || fields.front() != "point")
    return "no column line starting with \"point\" after the sweep's first line";
  const std::vector<std::string> header = fields;
  std::size_t scope_column = 0;
  while (scope_column < header.size() && header[scope_column] != "scope") ++scope_column;
  std::map<std::string, std::size_t> column;
  for (std::size_t c = scope_column; c < header.size(); ++c) column[header[c]] = c;
  for (const char* needed : {"scope", "name", "kpi", "mean", "ci95_low", "ci95_high"})
    if (!column.count(needed)) return std::string("the column line has no \"") + needed + "\" column";
  const std::vector<std::string> keys(header.begin() + 1, header.begin() + static_cast<std::ptrdiff_t>(scope_column));

  Json points = Json::array();
  std::map<std::string, std::size_t> point_index;  // the CSV's point number -> position
  std::map<std::string, std::size_t> series_index;
  Json series = Json::array();
  std::size_t cells = 0;
  std::size_t line = 2;
  while (read_record(in, fields)) {
    ++line;
    if (fields.size() == 1 && fields.front().empty()) continue;
    if (fields.size() != header.size())
      return "line " + std::to_string(line) + ": " + std::to_string(fields.size()) + " fields; the column line has " +
             std::to_string(header.size());
    auto [at, added] = point_index.try_emplace(fields[0], points.size());
    if (added) {
      if (points.size() == kMaxReportPoints)
        return "more than " + std::to_string(kMaxReportPoints) +
               " points: too many to draw (report a shard, or merge a slice of the grid)";
      Json values = Json::array();
      for (std::size_t k = 0; k < keys.size(); ++k) values.push_back(fields[1 + k]);
      points.push_back(Json{{"point", fields[0]}, {"values", values}, {"failed", nullptr}});
    }
    const std::size_t p = at->second;
    const std::string& scope = fields[column["scope"]];
    if (scope == "point") {  // a failed point: its message in the mean's place
      points[p]["failed"] = fields[column["mean"]];
      continue;
    }
    if (scope == "interval") continue;
    const std::string name = fields[column["name"]], kpi = fields[column["kpi"]];
    const std::string id = scope + "\x1f" + name + "\x1f" + kpi;
    auto [s, fresh] = series_index.try_emplace(id, series.size());
    if (fresh)
      series.push_back(Json{{"scope", scope},
                            {"name", name},
                            {"kpi", kpi},
                            {"unit", unit_of(scope, kpi)},
                            {"mean", Json::array()},
                            {"low", Json::array()},
                            {"high", Json::array()}});
    if (++cells > kMaxReportCells)
      return "more than " + std::to_string(kMaxReportCells) + " values outside the intervals: too many to draw";
    Json& entry = series[s->second];
    // By the point's position (an array grows with nulls to it: a point without the row).
    entry["mean"][p] = csv_number_or_null(fields[column["mean"]]);
    entry["low"][p] = csv_number_or_null(fields[column["ci95_low"]]);
    entry["high"][p] = csv_number_or_null(fields[column["ci95_high"]]);
  }
  if (points.empty()) return "no rows";
  Json data{{"identity", identity}, {"keys", keys}, {"points", points}, {"series", series}};
  impl_->results.push_back(Json{{"kind", "sweep"}, {"origin", origin}, {"data", std::move(data)}});
  return std::nullopt;
}

std::optional<std::string> HtmlReport::add(std::istream& in, const std::string& origin) {
  constexpr std::string_view sweep_mark = "# capsim sweep ";
  std::string head(sweep_mark.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  if (!in.seekg(0)) return "cannot read the file again from its start";
  if (head == sweep_mark) return add_sweep_csv(in, origin);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto problem = add_json(text, origin);
  if (problem && *problem == kNotJson)
    problem =
        "neither JSON nor a sweep's CSV; expected the result of capsim run, compare, staff or schedule "
        "(--format json) or of capsim sweep (CSV)";
  return problem;
}

void HtmlReport::write(std::ostream& out) const {
  std::string title = "capsim report";
  for (const auto& r : impl_->results)
    if (r["data"].contains("scenario") && r["data"]["scenario"].is_string()) {
      title = r["data"]["scenario"].get<std::string>() + " — capsim report";
      break;
    }
  std::string escaped_title;
  for (const char c : title) {
    switch (c) {
      case '<': escaped_title += "&lt;"; break;
      case '>': escaped_title += "&gt;"; break;
      case '&': escaped_title += "&amp;"; break;
      case '"': escaped_title += "&quot;"; break;
      default: escaped_title += c;
    }
  }
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // Nothing may be fetched: the page is whole as it is, offline and printed.
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
      << "<title>" << escaped_title << "</title>\n<style>\n"
      << assets::kReportCss << "\n</style>\n</head>\n<body>\n"
      << "<main id=\"report\"><noscript>This report draws its charts with JavaScript.</noscript></main>\n"
      << "<script id=\"capsim-data\" type=\"application/json\">"
      << script_safe(impl_->results.dump(-1, ' ', false, Json::error_handler_t::replace)) << "</script>\n"
      << "<script>\n"
      << assets::kChartJs << "\n</script>\n<script>\n"
      << assets::kReportJs << "\n</script>\n</body>\n</html>\n";
}

}  // namespace capsim::io
