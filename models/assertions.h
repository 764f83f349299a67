// Statistical assertions on a scenario's KPIs (`capsim check`): a KPI named by its JSON path
// and a bound, judged on the 95% confidence interval of the KPI's mean over replications:
// pass when the whole interval is on the good side of the bound, fail when the whole
// interval is on the bad side, inconclusive otherwise (more replications may decide). An
// SLA's risk is judged on its exact (Clopper-Pearson) interval.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
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

// The one grammar of KPI paths, as in the JSON output: kpis.K; classes.C.kpis.K;
// pools.P.kpis.K; stages.S.kpis.K; systems.Y.kpis.K; intervals.LABEL.kpis.K; slas.S (its
// attainment), slas.S.attained, slas.S.met, slas.S.risk. Built once per layout, then each
// path is a hash look-up (an interval path two), whatever the layout's size: a baseline of
// every KPI of 100,000 intervals resolves in linear time.
class KpiIndex {
 public:
  explicit KpiIndex(const KpiLayout& layout);
  // On failure, `problem` says why (callers add a suggestion from paths()).
  std::optional<KpiTarget> resolve(const std::string& path, std::string& problem) const;
  // Every valid path (for suggestions and documentation).
  std::vector<std::string> paths() const;
  const KpiLayout& layout() const { return *layout_; }

 private:
  const KpiLayout* layout_;
  std::unordered_map<std::string, KpiTarget> paths_;                  // all but per-interval KPIs
  std::unordered_map<std::string, std::size_t> interval_of_label_;    // LABEL -> interval
  std::unordered_map<std::string, std::size_t> interval_kpi_offset_;  // K -> offset within an interval
  std::size_t interval_base_ = 0, interval_stride_ = 0;
};

}  // namespace capsim::model
