// An HTML report of capsim results: one self-contained file that opens offline in any
// browser. Chart.js (from Debian's libjs-chart.js, embedded at build time), the report's
// script and its styles are inlined; the page makes no request of its own. The charts are
// drawn in the browser from the results' own documents (the JSON the writers of run,
// compare, staff and schedule produce; a sweep's tidy CSV), embedded as written, so no KPI
// is defined a second time. What it shows: README "capsim report".
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace capsim::io {

// A sweep larger than this is refused: its page would be too heavy to draw or read (a
// shard, or a merge of a slice of the grid, still makes a report).
inline constexpr std::size_t kMaxReportPoints = 20'000;

class HtmlReport {
 public:
  HtmlReport();
  ~HtmlReport();
  HtmlReport(const HtmlReport&) = delete;
  HtmlReport& operator=(const HtmlReport&) = delete;

  // A JSON result of run, compare, staff or schedule; the reason when `text` is none of
  // them. `origin` names it in the report (a file name, or the verb).
  std::optional<std::string> add_json(std::string_view text, const std::string& origin);
  // A sweep's tidy CSV (of `capsim sweep` or `capsim merge`); the reason when it is not one.
  // Interval rows are left out: the report charts a point's overall, class, pool, stage,
  // system and SLA KPIs along the grid.
  std::optional<std::string> add_sweep_csv(std::istream& in, const std::string& origin);

  // Either of the above, told apart by the content; the reason when it is neither.
  std::optional<std::string> add(std::istream& in, const std::string& origin);

  std::size_t results() const;
  void write(std::ostream& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsim::io
