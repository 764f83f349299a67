// The HTML report's inlined assets, embedded at build time (cmake/embed_text.cmake): Chart.js
// from Debian's libjs-chart.js (MIT licence, its notice kept), and the report's own script
// and styles from models/io/report_assets/.
#pragma once

#include <string_view>

namespace capsim::io::assets {

extern const std::string_view kChartJs;
extern const std::string_view kReportJs;
extern const std::string_view kReportCss;

}  // namespace capsim::io::assets
