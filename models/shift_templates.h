// Shift templates expanded into placements: each start time, length and placement of the
// breaks a template allows, on each day it works, with what one agent on it covers (the
// share of each interval worked, not on a break) and costs. The columns of `capsim
// schedule`'s integer program, and the roster lines its answer is written as. The layout
// of a placement's days is shift_days(), the one compile() uses, so what the program
// counts is what the simulation rosters.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario.h"

namespace capsim::model {

struct Placement {
  std::size_t pool = 0, shape = 0;  // the scenario's pool; the template's index in it
  int weekday = -1;                 // 0 = Monday; -1: every day of the horizon
  double start = 0.0;               // clock seconds after midnight
  double length = 0.0;              // seconds
  std::vector<double> break_after;  // per break rule of the template: seconds after the start
  double paid_hours = 0.0;          // one agent, its time inside the horizon (as pool cost counts)
  double cost = 0.0;                // paid_hours at the template's rate
  // (slot, share of it one agent works and is not on a break), slot = interval x
  // cover_slots() + its slot in the interval; and (interval, share present at all).
  std::vector<std::pair<int, double>> cover, present;
};

// A clock time of day as the format writes it: "07:30", or "07:30:15" off the minute.
std::string clock_text(double seconds);

// The slots each interval is cut into for the cover (`capsim schedule` needs its agents on
// duty through every moment of an interval, not on its average): as many as make every
// template's times (start, start step, lengths, break offsets, steps and lengths, from the
// horizon's start) fall on slot boundaries, so that each slot is worked wholly or not at
// all; at most kMaxCoverSlotsPerInterval (finer templates: slots of whole seconds counting
// the share worked).
int cover_slots(const Scenario& scenario);

// Placements before breaks that overlap or do not fit are dropped, and before days: the
// bound the limit check counts (kMaxTemplateColumns), without expanding.
double placement_bound(const ShiftTemplate& shape);

// The days a template's placements are rostered for: each listed weekday the horizon has
// (-1 alone when it lists none: the same agents every day).
std::vector<int> template_days(const ShiftTemplate& shape, const Horizon& horizon);

// Every placement of pool p's templates, in template, day, start, length, break order,
// its cover counted in `slots_per_interval` slots per interval (cover_slots()); those that
// work no time inside the horizon are left out.
std::vector<Placement> placements(const Scenario& scenario, std::size_t pool, int slots_per_interval);

// The roster line of `agents` agents on a placement: each break's window exactly its length.
Shift roster_line(const Placement& placement, const ShiftTemplate& shape, int agents);

}  // namespace capsim::model
