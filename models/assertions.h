// Statistical assertions on a scenario's KPIs (`capsim check`): a KPI named by its JSON path
// and a bound, judged on the 95% confidence interval of the KPI's mean over replications:
// pass when the whole interval is on the good side of the bound, fail when the whole
// interval is on the bad side, inconclusive otherwise (more replications may decide). An
// SLA's risk is judged on its exact (Clopper-Pearson) interval.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/kpi_layout.h"

namespace capsim::model {

// What a KPI path names: a slot of the layout, or an SLA's risk.
struct KpiTarget {
  bool risk = false;
  std::size_t slot = 0;  // when !risk
  std::size_t sla = 0;   // when risk
  KpiUnit unit = KpiUnit::plain;
  Better better = Better::neither;
};

// Paths as in the JSON output: kpis.K; classes.C.kpis.K; pools.P.kpis.K; stages.S.kpis.K;
// systems.Y.kpis.K; intervals.LABEL.kpis.K; slas.S (its attainment), slas.S.attained,
// slas.S.met, slas.S.risk. On failure, `problem` says why (callers add a suggestion from
// kpi_paths()).
std::optional<KpiTarget> resolve_kpi_path(const KpiLayout& layout, const std::string& path, std::string& problem);

// Every valid path of the layout (for suggestions and documentation).
std::vector<std::string> kpi_paths(const KpiLayout& layout);

}  // namespace capsim::model
