// run_until: the event loop. Pops events in (time, rank, seq) order and hands each to the
// model's `handle(const Event&)`, a switch over the model's event kinds known at compile
// time: no virtual call, no std::function, no allocation. The event is the queue's own slot:
// `handle` reads its fields before it schedules anything (EventQueue::take_top). The horizon
// is inclusive: an event at exactly `horizon` is delivered. The clock never goes backwards
// (asserted).
#pragma once

#include <cstdint>
#include <string>

#include "sim/assert.h"
#include "sim/event_queue.h"

namespace capsim::sim {

// A model may handle its sources' events (EventQueue::schedule_source: an arrival process)
// apart from its own: a separate call site, so the source's handler needs no dispatch on the
// event's kind and the kinds left to the switch are fewer (the indirect jump predicts better).
template <class Model>
concept HandlesSources = requires(Model& model, const Event& event) {
  model.handle_source(event);
};

// Returns the number of records delivered (including ones the model finds stale).
template <class Model>
std::uint64_t run_until(Model& model, EventQueue& queue, Time horizon) {
  std::uint64_t delivered = 0;
  [[maybe_unused]] Time last = kStart;  // read only by the checks-build assertion
  if (horizon < kStart) return 0;
  // The horizon is inclusive; one past the clock's range means "until the queue is empty"
  // (the queue holds no time beyond kTimeMax), and must not wrap the packed word.
  const std::uint64_t last_when = Event::pack_when(horizon < kTimeMax ? horizon : kTimeMax, Event::kMaxRank);
  while (!queue.empty() && queue.top().when <= last_when) {
    const Event& event = queue.take_top();  // replace-top: see EventQueue (valid until a schedule)
    CAPSIM_ASSERT(event.time() >= last, "clock went backwards to tick " + std::to_string(event.time().ticks()) +
                                            " from " + std::to_string(last.ticks()));
    last = event.time();
    if constexpr (HandlesSources<Model>) {
      if (queue.taken_from_source())
        model.handle_source(event);
      else
        model.handle(event);
    } else {
      model.handle(event);
    }
    queue.finish_top();
    ++delivered;
  }
  return delivered;
}

}  // namespace capsim::sim
