// Writers of a staffing answer (`capsim staff`): a table for a terminal, JSON, and tidy
// CSV rows. Each reports, per interval and searched pool, the forecast load, the Erlang C
// and Erlang A answers and the simulated requirement with its occupancy; per interval and
// targeted SLA the attainment with its interval at the requirement; the day; totals. The
// KPIs beside them (ASA, abandonment, occupancy) are the answer's run's, as `run` reports.
#pragma once

#include <ostream>

#include "models/compiled_model.h"
#include "models/io/report.h"
#include "models/staffing.h"

namespace capsim::io {

void write_staffing_table(std::ostream& out, const model::CompiledModel& model, const model::StaffingAnswer& answer,
                          const RunInfo& run);
void write_staffing_json(std::ostream& out, const model::CompiledModel& model, const model::StaffingAnswer& answer,
                         const RunInfo& run);
// Columns kStaffingColumns: one row per (interval, pool) requirement, per (interval, SLA)
// judgement, per SLA over the day ("day" in the interval column) and per pool's totals.
inline constexpr std::string_view kStaffingColumns = "interval,scope,name,kpi,value";
void write_staffing_csv(std::ostream& out, const model::CompiledModel& model, const model::StaffingAnswer& answer);

}  // namespace capsim::io
