#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/simulator.h"

using capsim::sim::Duration;
using capsim::sim::Event;
using capsim::sim::EventQueue;
using capsim::sim::Time;

TEST_CASE("events come out in time order") {
  EventQueue queue;
  capsim::sim::RandomStream rng(1);
  std::vector<Time> times;
  for (int i = 0; i < 5000; ++i) {
    const auto t = static_cast<Time>(rng() % 100000);
    times.push_back(t);
    queue.schedule(t, 0, 0, static_cast<std::uint32_t>(i));
  }
  std::sort(times.begin(), times.end());
  for (const Time expected : times) CHECK(queue.pop().time() == expected);
  CHECK(queue.empty());
}

TEST_CASE("ties within a tick are delivered by rank, then FIFO") {
  EventQueue queue;
  queue.schedule(Time{10}, 3, 7, 1);
  queue.schedule(Time{10}, 1, 7, 2);
  queue.schedule(Time{10}, 3, 7, 3);
  queue.schedule(Time{5}, 7, 7, 4);
  queue.schedule(Time{10}, 1, 7, 5);
  std::vector<std::uint32_t> order;
  while (!queue.empty()) order.push_back(queue.pop().subject);
  CHECK(order == std::vector<std::uint32_t>{4, 2, 5, 1, 3});
}

TEST_CASE("the event record packs time, rank, sequence and kind without mixing them") {
  const Event event{Event::pack_when(Time{987654321}, 5), Event::pack_order(123456789, 42), 0, 0};
  CHECK(event.time() == Time{987654321});
  CHECK(event.rank() == 5);
  CHECK(event.seq() == 123456789);
  CHECK(event.kind() == 42);
  // The clock's whole range fits above the rank, and the largest rank and sequence number too.
  const Event last{Event::pack_when(capsim::sim::kTimeMax, Event::kMaxRank), Event::pack_order(Event::kSeqMask, 255), 0,
                   0};
  CHECK(last.time() == capsim::sim::kTimeMax);
  CHECK(last.rank() == Event::kMaxRank);
  CHECK(last.seq() == Event::kSeqMask);
  CHECK(last.kind() == 255);
  // Time first, then rank, then sequence.
  const Event early{Event::pack_when(Time{10}, 7), Event::pack_order(9, 0), 0, 0};
  const Event later_rank{Event::pack_when(Time{11}, 0), Event::pack_order(1, 0), 0, 0};
  const Event later_seq{Event::pack_when(Time{11}, 0), Event::pack_order(2, 0), 0, 0};
  CHECK(capsim::sim::precedes(early, later_rank));
  CHECK(capsim::sim::precedes(later_rank, later_seq));
  CHECK_FALSE(capsim::sim::precedes(later_seq, later_rank));
}

TEST_CASE("an event past the clock's range is held at its end, after every horizon") {
  EventQueue queue;
  queue.schedule(capsim::sim::kTimeMax + Duration(1000), 0, 0, 1);
  queue.schedule(Time{5}, 0, 0, 2);
  CHECK(queue.pop().subject == 2);
  const Event held = queue.pop();
  CHECK(held.subject == 1);
  CHECK(held.time() == capsim::sim::kTimeMax);
}

TEST_CASE("interleaved schedule and pop keep the heap ordered (hold model)") {
  EventQueue queue;
  capsim::sim::RandomStream rng(7);
  for (int i = 0; i < 1000; ++i) queue.schedule(static_cast<Time>(rng() % 1000), 0, 0, 0);
  Time last{};
  for (int i = 0; i < 100000; ++i) {
    const Event e = queue.pop();
    CHECK_GE(e.time(), last);
    last = e.time();
    queue.schedule(e.time() + static_cast<Duration>(rng() % 1000), static_cast<std::uint8_t>(rng() % 4), 0, 0);
  }
  CHECK(queue.size() == 1000);
}

TEST_CASE("clear forgets events and restarts the sequence") {
  EventQueue queue;
  queue.schedule(Time{1}, 0, 0, 0);
  queue.clear();
  CHECK(queue.empty());
  CHECK(queue.scheduled_count() == 0);
}

namespace {
struct CountingModel {
  std::vector<Time> seen;
  void handle(const Event& e) { seen.push_back(e.time()); }
};
}  // namespace

TEST_CASE("run_until treats the horizon as inclusive and leaves later events pending") {
  EventQueue queue;
  for (const Time t : {Time{5}, Time{10}, Time{10}, Time{11}}) queue.schedule(t, 0, 0, 0);
  CountingModel model;
  CHECK(capsim::sim::run_until(model, queue, Time{10}) == 3);
  CHECK(model.seen == std::vector<Time>{Time{5}, Time{10}, Time{10}});
  CHECK(queue.size() == 1);
}

TEST_CASE("run_until with a horizon beyond the clock runs the queue empty; a negative one runs nothing") {
  EventQueue queue;
  for (const Time t : {Time{5}, capsim::sim::kTimeMax - Duration(1), capsim::sim::kTimeMax}) queue.schedule(t, 7, 0, 0);
  CountingModel model;
  CHECK(capsim::sim::run_until(model, queue, Time{-1}) == 0);
  CHECK(queue.size() == 3);
  CHECK(capsim::sim::run_until(model, queue, Time{capsim::sim::Ticks{1} << 62}) == 3);  // 2^62 << 3 would wrap to 0
  CHECK(model.seen == std::vector<Time>{Time{5}, capsim::sim::kTimeMax - Duration(1), capsim::sim::kTimeMax});
  CHECK(queue.empty());
  queue.schedule(Time{9}, 0, 0, 0);
  CHECK(capsim::sim::run_until(model, queue, Time{std::numeric_limits<capsim::sim::Ticks>::max()}) == 1);
}

namespace {
// Sees a source's events apart: each re-schedules the source 3 ticks on (replace-top in the
// source heap), the model's own events at ticks 4 and 7 go to handle.
struct SourceModel {
  EventQueue& queue;
  std::vector<std::pair<char, Time>> seen;
  void handle(const Event& e) { seen.emplace_back('m', e.time()); }
  void handle_source(const Event& e) {
    seen.emplace_back('s', e.time());
    if (e.time() < Time{9}) queue.schedule_source(e.time() + Duration(3), 0, 1, 0);
  }
};
}  // namespace

TEST_CASE("run_until hands a source's events to handle_source, in time order with the model's own") {
  EventQueue queue;
  queue.schedule_source(Time{0}, 0, 1, 0);
  queue.schedule(Time{4}, 0, 0, 0);
  queue.schedule(Time{6}, 1, 0, 0);  // at a source's tick, rank 1 after the source's rank 0
  SourceModel model{queue, {}};
  CHECK(capsim::sim::run_until(model, queue, Time{100}) == 6);
  const std::vector<std::pair<char, Time>> expected{{'s', Time{0}}, {'s', Time{3}}, {'m', Time{4}},
                                                    {'s', Time{6}}, {'m', Time{6}}, {'s', Time{9}}};
  CHECK(model.seen == expected);
  CHECK(queue.empty());
}

TEST_CASE("replace-top delivery (take_top, schedule, finish_top) gives exactly the pop-and-push order") {
  // The same hold model twice: handlers that schedule 0, 1 or 2 events, with ties.
  const auto run = [](bool replace_top) {
    EventQueue queue;
    capsim::sim::RandomStream rng(3);
    for (std::uint32_t i = 0; i < 50; ++i) queue.schedule(static_cast<Time>(rng() % 100), 1, 0, i);
    std::vector<std::pair<Time, std::uint32_t>> delivered;
    for (int step = 0; step < 20000 && !queue.empty(); ++step) {
      const Event event = replace_top ? queue.take_top() : queue.pop();
      delivered.emplace_back(event.time(), event.subject);
      const auto children = rng() % 3;  // 0, 1 or 2 new events, some at the same tick
      for (std::uint64_t c = 0; c < children; ++c)
        queue.schedule(event.time() + static_cast<Duration>(rng() % 4), static_cast<std::uint8_t>(rng() % 3), 0,
                       static_cast<std::uint32_t>(rng() % 1000));
      if (replace_top) queue.finish_top();
    }
    return delivered;
  };
  CHECK(run(true) == run(false));
}

TEST_CASE("source events interleave with internal ones exactly as in one heap, replace-top included") {
  // The same hold model with each handled event's children sent to one heap or split over
  // both (a source event's first child replaces it in the source heap).
  const auto run = [](bool split) {
    EventQueue queue;
    capsim::sim::RandomStream rng(11);
    for (std::uint32_t i = 0; i < 8; ++i) {
      if (split)
        queue.schedule_source(static_cast<Time>(rng() % 100), 5, 1, i);
      else
        queue.schedule(static_cast<Time>(rng() % 100), 5, 1, i);
    }
    for (std::uint32_t i = 0; i < 30; ++i) queue.schedule(static_cast<Time>(rng() % 100), 3, 0, 100 + i);
    std::vector<std::tuple<Time, std::uint32_t, std::uint64_t>> delivered;
    for (int step = 0; step < 20000 && !queue.empty(); ++step) {
      const Event event = queue.take_top();
      delivered.emplace_back(event.time(), event.subject, event.seq());
      if (event.kind() == 1) {  // a source: its next event, then maybe an internal one
        if (split)
          queue.schedule_source(event.time() + static_cast<Duration>(rng() % 7), 5, 1, event.subject);
        else
          queue.schedule(event.time() + static_cast<Duration>(rng() % 7), 5, 1, event.subject);
        if (rng() % 2) queue.schedule(event.time() + static_cast<Duration>(rng() % 20), 3, 0, 100);
      } else if (rng() % 3) {
        queue.schedule(event.time() + static_cast<Duration>(rng() % 20), static_cast<std::uint8_t>(rng() % 4), 0, 100);
      }
      queue.finish_top();
    }
    return delivered;
  };
  const auto one_heap = run(false), split = run(true);
  CHECK(one_heap.size() == 20000);
  CHECK(split == one_heap);
}

TEST_CASE("a heap past the cache-size switch keeps the exact (time, rank, sequence) order") {
  // 70,000 pending events (above the 2^15 where sift-down changes its compare), with many
  // ties in time and rank, drained while new events keep arriving.
  EventQueue queue;
  capsim::sim::RandomStream rng(5);
  for (std::uint32_t i = 0; i < 70000; ++i)
    queue.schedule(static_cast<Time>(rng() % 500), static_cast<std::uint8_t>(rng() % 3), 0, i);
  Event last = queue.pop();
  std::size_t out_of_order = 0;
  for (int i = 0; i < 140000 && !queue.empty(); ++i) {
    const Event event = queue.pop();
    if (capsim::sim::precedes(event, last)) ++out_of_order;
    last = event;
    if (i < 70000)
      queue.schedule(event.time() + Duration(1) + static_cast<Duration>(rng() % 50),
                     static_cast<std::uint8_t>(rng() % 3), 0, 0);
  }
  CHECK(out_of_order == 0);
  CHECK(queue.empty());
}
