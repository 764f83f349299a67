// Writers of a roster (`capsim schedule`): a table for a terminal, JSON, and tidy CSV rows.
// Each reports the integer program (columns, rows, cost, LP bound, gap, status), per
// interval and rostered pool the requirement, the agents rostered (present), on duty not on
// a break (what the program covered), and available in the simulation (absenteeism,
// shrinkage and breaks as they fell); per interval and target the judged attainment with
// its interval on the roster; the day; the roster lines; the cost (regular, from the
// templates' rates, and expected overtime from the run).
#pragma once

#include <ostream>
#include <string_view>

#include "experiment/schedule.h"
#include "models/compiled_model.h"
#include "models/io/report.h"

namespace capsim::experiment {

void write_schedule_table(std::ostream& out, const model::CompiledModel& model, const ScheduleRequest& request,
                          const ScheduleAnswer& answer, const io::RunInfo& run);
void write_schedule_json(std::ostream& out, const model::CompiledModel& model, const ScheduleRequest& request,
                         const ScheduleAnswer& answer, const io::RunInfo& run);
// Columns kScheduleColumns (those of `capsim staff --format csv`): rows per (interval,
// pool), per (interval, target), per target over the day, per pool's totals and the
// program's figures (scope "program").
inline constexpr std::string_view kScheduleColumns = "interval,scope,name,kpi,value";
void write_schedule_csv(std::ostream& out, const model::CompiledModel& model, const ScheduleRequest& request,
                        const ScheduleAnswer& answer);

// The status as the reports name it: met, unmet, uncovered, infeasible, no_solution.
const char* status_name(ScheduleStatus status);

}  // namespace capsim::experiment
