#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "experiment/replication_run.h"
#include "models/compiled_model.h"
#include "models/io/html_report.h"
#include "models/io/report.h"
#include "models/io/scenario_loader.h"

using namespace capsim;

namespace {

std::string run_json(const std::vector<std::string>& overrides, bool values) {
  auto loaded = io::load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/retail_support.yaml", overrides);
  REQUIRE(loaded.scenario.has_value());
  const auto compiled = model::compile(*loaded.scenario);
  const auto result = experiment::run_experiment(compiled, 1);
  std::ostringstream out;
  io::RunInfo info{1, 0.5};
  info.replication_values = values;
  io::write_json(out, compiled, result, info);
  return out.str();
}

std::string page_of(const io::HtmlReport& report) {
  std::ostringstream out;
  report.write(out);
  return out.str();
}

// The results the page embeds, read back as the browser reads them.
nlohmann::json embedded(const std::string& page) {
  const std::string open = "<script id=\"capsim-data\" type=\"application/json\">";
  const auto from = page.find(open);
  REQUIRE(from != std::string::npos);
  const auto to = page.find("</script>", from);
  REQUIRE(to != std::string::npos);
  return nlohmann::json::parse(page.substr(from + open.size(), to - from - open.size()));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the page embeds the run's JSON as written, with Chart.js and no external reference") {
  const std::string json = run_json({"replications=3"}, true);
  io::HtmlReport report;
  REQUIRE_FALSE(report.add_json(json, "retail.json").has_value());
  CHECK(report.results() == 1);
  const std::string page = page_of(report);
  const auto data = embedded(page);
  REQUIRE(data.size() == 1);
  CHECK(data[0]["kind"] == "run");
  CHECK(data[0]["origin"] == "retail.json");
  // Not one number is recomputed: the embedded document is the writer's, value for value.
  CHECK(data[0]["data"] == nlohmann::json::parse(json));
  CHECK(data[0]["data"]["slas"]["answer_20s"]["values"].size() == 3);
  CHECK(page.find("Chart.js v") != std::string::npos);  // the library, inlined with its notice
  CHECK(page.find("<title>Retail support, weekday — capsim report</title>") != std::string::npos);
  // Nothing for the browser to fetch: no src or href attribute, and a policy forbidding it.
  CHECK(page.find(" src=") == std::string::npos);
  CHECK(page.find(" href=") == std::string::npos);
  CHECK(page.find("default-src 'none'") != std::string::npos);
}

TEST_CASE("text from the scenario cannot end the data's script element or enter the markup") {
  const std::string hostile = "</script><script>alert(1)</script><!--";
  const std::string json = run_json({"replications=2", "name=" + hostile}, false);
  io::HtmlReport report;
  REQUIRE_FALSE(report.add_json(json, "<b>origin</b>").has_value());
  const std::string page = page_of(report);
  // The page's own three script elements close; the name's "</script>" never reaches it.
  CHECK(count(page, "</script>") == 3);
  CHECK(page.find("alert(1)</script>") == std::string::npos);
  CHECK(page.find("<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- — capsim report</title>") !=
        std::string::npos);
  // The browser still reads the name back exactly.
  const auto data = embedded(page);
  CHECK(data[0]["data"]["scenario"] == hostile);
  CHECK(data[0]["origin"] == "<b>origin</b>");
}

TEST_CASE("each verb's JSON is recognised by its keys, and anything else is refused with the reason") {
  io::HtmlReport report;
  CHECK(report.add_json("{\"manifest\": {}, \"base\": {}, \"variants\": []}", "c").value_or("") == "");
  CHECK(report.add_json("{\"manifest\": {}, \"program\": {}, \"roster\": [], \"intervals\": []}", "s").value_or("") ==
        "");
  CHECK(report.add_json("{\"manifest\": {}, \"evaluation_cost\": 1, \"intervals\": []}", "f").value_or("") == "");
  CHECK(report.add_json("{not json", "x").value_or("") == "not valid JSON");
  CHECK(report.add_json("{\"kpis\": {}, \"slas\": {}, \"intervals\": []}", "x")
            .value_or("")
            .find("not a capsim result") == 0);  // no manifest
  CHECK(report.add_json("[1, 2]", "x").value_or("").find("not a capsim result") == 0);
  CHECK(report.results() == 3);
  const auto data = embedded(page_of(report));
  CHECK(data[0]["kind"] == "compare");
  CHECK(data[1]["kind"] == "schedule");
  CHECK(data[2]["kind"] == "staff");
}

TEST_CASE("a sweep's CSV becomes one series per KPI along the points, intervals left out") {
  const std::string csv =
      "# capsim sweep abc points 3 rows 4\n"
      "point,pools.a.agents,name.x,scope,name,kpi,n,mean,sd,ci95_low,ci95_high,p5,p50,p95,min,max,pooled\n"
      "0,3,\"a,b\",overall,overall,wait_mean,4,12.5,1,10,15,,,,,,\n"
      "0,3,\"a,b\",sla,answer_20s,attained,4,0.75,0.1,0.7,0.8,,,,,,0.74\n"
      "0,3,\"a,b\",interval,08:00,asa,4,3,1,2,4,,,,,,\n"
      "1,4,\"say \"\"hi\"\"\",overall,overall,wait_mean,4,8,1,6,,,,,,,\n"
      "2,5,x,point,failed,error,0,\"the point does not load, see above\",,,,,,,,,\n";
  std::istringstream in(csv);
  io::HtmlReport report;
  REQUIRE_FALSE(report.add_sweep_csv(in, "grid.csv").has_value());
  const auto data = embedded(page_of(report));
  const auto& sweep = data[0]["data"];
  CHECK(data[0]["kind"] == "sweep");
  CHECK(sweep["keys"] == nlohmann::json::array({"pools.a.agents", "name.x"}));
  REQUIRE(sweep["points"].size() == 3);
  CHECK(sweep["points"][0]["values"] == nlohmann::json::array({"3", "a,b"}));
  CHECK(sweep["points"][1]["values"][1] == "say \"hi\"");
  CHECK(sweep["points"][2]["failed"] == "the point does not load, see above");
  REQUIRE(sweep["series"].size() == 2);  // no interval series
  const auto& wait = sweep["series"][0];
  CHECK(wait["kpi"] == "wait_mean");
  CHECK(wait["unit"] == "seconds");  // from the layout's own table
  CHECK(wait["mean"][0] == 12.5);
  CHECK(wait["mean"][1] == 8.0);
  CHECK(wait["high"][1].is_null());  // an empty field
  CHECK(sweep["series"][1]["unit"] == "fraction");
  CHECK(sweep["series"][1]["mean"].size() == 1);  // point 0 only: the rows of points 1 and 2 have no SLA
}

TEST_CASE("a file that is not a sweep's CSV is refused with what was expected") {
  const auto problem = [](const std::string& text) {
    std::istringstream in(text);
    io::HtmlReport report;
    return report.add_sweep_csv(in, "x").value_or("");
  };
  CHECK(problem("scope,name\n").find("not a sweep's CSV") == 0);
  CHECK(problem("# capsim sweep h points 1\nscope,name\n").find("no column line") == 0);
  CHECK(problem("# capsim sweep h points 1\npoint,k,scope,name,kpi,n\n").find("has no \"mean\" column") !=
        std::string::npos);
  CHECK(problem("# capsim sweep h points 1\npoint,scope,name,kpi,mean,ci95_low,ci95_high\n0,overall\n") ==
        "line 3: 2 fields; the column line has 7");
  CHECK(problem("# capsim sweep h points 1\npoint,scope,name,kpi,mean,ci95_low,ci95_high\n") == "no rows");
}
