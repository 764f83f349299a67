// The pending-event set under the classic hold model (Vaucher & Duval): the queue holds n
// events; each operation pops the earliest and schedules one at that time plus an
// exponential increment, so the size stays n. Reported: hold operations per second.
// Compared with std::priority_queue over the same Event records, the obvious alternative.
#include <benchmark/benchmark.h>

#include <boost/random/exponential_distribution.hpp>
#include <cstdint>
#include <queue>
#include <vector>

#include "sim/event_queue.h"
#include "sim/random.h"

namespace {

using capsim::sim::Duration;
using capsim::sim::Event;
using capsim::sim::EventQueue;
using capsim::sim::RandomStream;
using capsim::sim::Time;

constexpr double kMeanIncrementTicks = 1e6;

Duration increment(RandomStream& random) {
  static const boost::random::exponential_distribution<double> unit(1.0);
  return Duration(static_cast<capsim::sim::Ticks>(unit(random) * kMeanIncrementTicks));
}

void BM_EventQueueHold(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  RandomStream random(42);
  EventQueue queue(size + 1);
  for (std::size_t i = 0; i < size; ++i)
    queue.schedule(capsim::sim::kStart + increment(random), 0, 0, static_cast<std::uint32_t>(i));
  for (auto _ : state) {
    const Event event = queue.pop();
    queue.schedule(event.time() + increment(random), event.rank(), event.kind(), event.subject);
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(state.iterations());
}

struct Later {
  bool operator()(const Event& a, const Event& b) const noexcept { return capsim::sim::precedes(b, a); }
};

void BM_StdPriorityQueueHold(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  RandomStream random(42);
  std::vector<Event> storage;
  storage.reserve(size + 1);
  std::priority_queue<Event, std::vector<Event>, Later> queue(Later{}, std::move(storage));
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < size; ++i)
    queue.push(Event{Event::pack_when(capsim::sim::kStart + increment(random), 0), Event::pack_order(seq++, 0),
                     static_cast<std::uint32_t>(i), 0});
  for (auto _ : state) {
    const Event event = queue.top();
    queue.pop();
    queue.push(
        Event{Event::pack_when(event.time() + increment(random), 0), Event::pack_order(seq++, 0), event.subject, 0});
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_EventQueueHold)->RangeMultiplier(10)->Range(100, 1'000'000);
BENCHMARK(BM_StdPriorityQueueHold)->RangeMultiplier(10)->Range(100, 1'000'000);

}  // namespace

BENCHMARK_MAIN();
