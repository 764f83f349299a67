#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "experiment/replication_run.h"
#include "models/compiled_model.h"
#include "models/io/report.h"
#include "models/io/scenario_loader.h"

using namespace capsim;

namespace {

struct Fixture {
  model::CompiledModel model;
  model::ExperimentResult result;
};

Fixture run_retail() {
  auto loaded =
      io::load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/retail_support.yaml", {"replications=3"});
  REQUIRE(loaded.scenario.has_value());
  auto compiled = model::compile(*loaded.scenario);
  auto result = experiment::run_experiment(compiled, 1);
  return {std::move(compiled), std::move(result)};
}

}  // namespace

TEST_CASE("JSON carries the documented contract") {
  const auto f = run_retail();
  std::ostringstream out;
  io::write_json(out, f.model, f.result, {1, 0.5});
  const auto json = nlohmann::json::parse(out.str());
  CHECK(json["scenario"] == "Retail support, weekday");
  CHECK(json["replications"] == 3);
  CHECK(json["seed"] == 7);
  for (const char* kpi :
       {"offered", "served", "abandoned", "blocked", "abandon_rate", "block_rate", "p_wait", "wait_mean", "wait_p50",
        "wait_p90", "wait_p95", "wait_p99", "sojourn_mean", "queue_len_mean"}) {
    INFO(kpi);
    REQUIRE(json["kpis"].contains(kpi));
    for (const char* field : {"mean", "sd", "ci95", "p5", "p50", "p95", "min", "max"})
      CHECK(json["kpis"][kpi].contains(field));
    CHECK(json["kpis"][kpi]["ci95"].size() == 2);
  }
  CHECK(json["classes"]["voice"]["kpis"].contains("wait_mean"));
  CHECK(json["pools"]["tier1"]["kpis"].contains("utilization"));
  CHECK(json["pools"]["tier1"]["kpis"].contains("cost"));
  CHECK(json["slas"]["answer_20s"].contains("risk"));
  REQUIRE(json["slas"]["answer_20s"]["risk_ci95"].size() == 2);
  CHECK(json["kpi_info"]["wait_mean"]["unit"] == "seconds");
  CHECK(json["kpi_info"]["wait_mean"]["better"] == "lower");
  CHECK(json["kpi_info"]["service_level"]["unit"] == "fraction");
  CHECK(json["slas"]["answer_20s"]["target"] == 0.8);
  CHECK(json["intervals"].size() == 24);
  CHECK(json["intervals"][0]["start"] == "08:00");
  CHECK(json["intervals"][0]["kpis"].contains("service_level.answer_20s"));
  CHECK(json["run"]["events"].get<std::uint64_t>() == f.result.events);
  CHECK(json["run"]["events_per_second"].get<double>() == doctest::Approx(f.result.events / 0.5));
  // Fractions are in [0, 1], durations in seconds.
  const double sl = json["slas"]["answer_20s"]["mean"];
  CHECK(sl >= 0.0);
  CHECK(sl <= 1.0);
}

TEST_CASE("CSV writes one tidy row per scope and KPI") {
  const auto f = run_retail();
  std::ostringstream out;
  io::write_csv(out, f.model, f.result);
  std::istringstream in(out.str());
  std::string header;
  std::getline(in, header);
  CHECK(header ==
        "scope,name,kpi,n,mean,sd,ci95_low,ci95_high,p5,p50,p95,min,max,pooled,interval_index,start_seconds,pool,sla");
  std::size_t rows = 0;
  bool seen_sla = false, seen_pool = false, seen_level = false;
  for (std::string line; std::getline(in, line); ++rows) {
    CHECK(std::count(line.begin(), line.end(), ',') == 17);
    seen_sla = seen_sla || line.rfind("sla,answer_20s,attained,", 0) == 0;
    // Interval rows: their index and start in seconds; a pool's or an SLA's KPI bare, the
    // pool or SLA in its own column (the retail day starts at 08:00 in half hours).
    if (line.rfind("interval,09:00,occupancy,", 0) == 0 && line.ends_with(",2,3600,tier2,")) seen_pool = true;
    if (line.rfind("interval,09:00,service_level,", 0) == 0 && line.ends_with(",2,3600,,answer_20s")) seen_level = true;
    CHECK(line.find(",occupancy.") == std::string::npos);
  }
  CHECK(rows == f.result.layout.size() + f.model.slas.size());  // + one risk row per SLA
  CHECK(seen_sla);
  CHECK(seen_pool);
  CHECK(seen_level);
}

TEST_CASE("the table names the scenario and every SLA") {
  const auto f = run_retail();
  std::ostringstream out;
  io::write_table(out, f.model, f.result, {1, 0.1});
  CHECK(out.str().find("Retail support, weekday") != std::string::npos);
  CHECK(out.str().find("answer_20s") != std::string::npos);
  CHECK(out.str().find("tier2") != std::string::npos);
}

TEST_CASE("intervals respect each KPI's domain and SLA risk carries its exact interval") {
  const auto f = run_retail();
  const auto& slots = f.result.layout.slots();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const auto& s = f.result.summaries[i];
    INFO(slots[i].scope_name << " " << slots[i].kpi);
    if (!std::isfinite(s.ci_low)) continue;
    CHECK(s.ci_low >= 0.0);
    if (slots[i].unit == model::KpiUnit::fraction) CHECK(s.ci_high <= 1.0);
  }
  // 3 replications that all miss: risk 1, and the exact 95% interval is [0.292, 1].
  const auto& risk = f.result.risks[0];
  CHECK(risk.replications == 3);
  if (risk.misses == 3) {
    CHECK(risk.risk == 1.0);
    CHECK(risk.ci_low == doctest::Approx(0.29240).epsilon(1e-4));
    CHECK(risk.ci_high == 1.0);
  }
}

TEST_CASE("ratio KPIs carry the pooled ratio: sum of numerators over sum of denominators") {
  const auto f = run_retail();
  const auto& layout = f.result.layout;
  const std::size_t abandon = layout.overall(model::ClassKpi::abandon_rate);
  const std::size_t abandoned = layout.overall(model::ClassKpi::abandoned);
  const std::size_t offered = layout.overall(model::ClassKpi::offered);
  double numerator = 0, denominator = 0;
  for (const auto& replication : f.result.replications) {
    numerator += replication[abandoned];
    denominator += replication[offered];
  }
  CHECK(f.result.is_ratio[abandon]);
  CHECK_FALSE(f.result.is_ratio[offered]);
  CHECK(f.result.summaries[abandon].pooled == doctest::Approx(numerator / denominator));
  CHECK(std::isnan(f.result.summaries[offered].pooled));
  std::ostringstream out;
  io::write_json(out, f.model, f.result, {1, 0.5});
  const auto json = nlohmann::json::parse(out.str());
  CHECK(json["kpis"]["abandon_rate"].contains("pooled"));
  CHECK_FALSE(json["kpis"]["offered"].contains("pooled"));
  CHECK(json["intervals"][3]["kpis"]["service_level.answer_20s"].contains("pooled"));
}

TEST_CASE("JSON never fails on a name that is not UTF-8 (from a file name): the byte becomes U+FFFD") {
  auto f = run_retail();
  f.model.name = "caf\xE9";
  std::ostringstream out;
  CHECK_NOTHROW(io::write_json(out, f.model, f.result, {1, 0.5}));
  const auto json = nlohmann::json::parse(out.str());
  CHECK(json["scenario"] == "caf\xEF\xBF\xBD");
}
