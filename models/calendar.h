// The replication's calendar: its event kinds with their same-tick ranks, the pending-event
// set and the clock. Every part of the service model (customers, workforce, support
// systems) schedules through it, so that rank and kind can never disagree.
//
// Same-tick precedence (kRank) is part of the model's definition and pinned by tests
// (tests/models/test_workforce.cpp, "same-tick precedence").
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "sim/event_queue.h"

namespace capsim::model {

enum class EventKind : std::uint8_t {
  interval_boundary,
  warmup_end,
  roster,     // a shift line's next step (subject: the line, numbered over all pools)
  break_end,  // (subject: agent, generation: the agent's)
  system,     // a support system goes down or comes up (subject: system, generation: SystemChange)
  service_end,
  wrap_end,  // an agent's after-contact work ends (subject: agent)
  abandon,
  arrival,
  redial,    // a customer's next attempt (subject: customer, generation: the customer's)
  overflow,  // a waiting customer reaches its stage's overflow time (subject, generation: the customer's)
};

// Rank of each kind among events at the same tick (lower first).
inline constexpr std::array<std::uint8_t, 11> kRank{
    0,  // interval_boundary: staffing changes and interval statistics close before anything else
    1,  // warmup_end: the statistics window opens before the tick's events are judged
    2,  // roster: agents come and go, and breaks fall due, before the tick's work is handed out
    3,  // break_end: after the roster, so a shift ending now ends the break with it
    4,  // system: after agents came and went (their services may start first), an outage
        //   starting now holds the services the rest of the tick would start
    5,  // service_end: frees an agent before an abandonment at the same tick is judged
    5,  // wrap_end: likewise
    6,  // abandon: a customer whose patience ends as an agent frees is answered, not lost
    7,  // arrival: a newcomer queues behind everyone already waiting at that tick
    7,  // redial: likewise (a redial and an arrival at one tick: in scheduling order)
    5,  // overflow: with the service ends, before an abandonment at the same tick (its
        //   eligibility is by the clock, so its order among service ends changes nothing)
};
inline constexpr std::uint8_t rank_of(EventKind kind) { return kRank[static_cast<std::size_t>(kind)]; }
static_assert(*std::max_element(kRank.begin(), kRank.end()) <= sim::Event::kMaxRank, "a rank beyond the event's bits");

struct Calendar {
  sim::EventQueue events{256};
  sim::Time now = sim::kStart;
  int interval = 0;  // the current interval (boundaries rank first, so an arrival's own)
  // Timers delivered after what they timed was over (an answered customer's patience, a
  // break ended by its shift): work, but nothing happens.
  std::uint64_t stale_timers = 0;

  // Every event is scheduled through these two: the rank comes from the kind.
  CAPSIM_INLINE void schedule(EventKind kind, sim::Time at, std::uint32_t subject, std::uint32_t generation = 0) {
    events.schedule(at, rank_of(kind), static_cast<std::uint8_t>(kind), subject, generation);
  }
  CAPSIM_INLINE void schedule_source(EventKind kind, sim::Time at, std::uint32_t subject) {
    events.schedule_source(at, rank_of(kind), static_cast<std::uint8_t>(kind), subject);
  }
};

}  // namespace capsim::model
