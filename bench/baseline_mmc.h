// The speed baseline: a hand-written M/M/c(+M) loop specialised for that one model, the
// yardstick the full engine is measured against. Written for this purpose only, as lean as
// a specialist would: a 4-ary min-heap of 16-byte POD events with replace-top (a handler
// that schedules one event overwrites the event it handles and sifts once), xoshiro256++
// (sim::RandomStream) with Boost's ziggurat exponential sampler, a ring buffer of callers
// as the FIFO, no allocation in the loop.
// Abandonment: each queued caller gets a timer; an agent skips callers who already left,
// and a timer for a caller already answered is dropped (the usual lazy cancellation).
#pragma once

#include <boost/random/exponential_distribution.hpp>
#include <cstdint>
#include <vector>

#include "sim/random.h"

namespace capsim::bench {

struct BaselineResult {
  std::uint64_t events = 0;  // arrivals + service ends + abandonments (stale timers excluded)
  std::uint64_t arrivals = 0, answered = 0, abandoned = 0;
  double total_wait = 0.0;  // of answered callers, in the model's time unit
};

class BaselineMmc {
 public:
  // Rates per time unit; patience_mean <= 0 means callers never give up.
  BaselineMmc(double arrival_rate, double service_rate, int agents, double patience_mean, std::uint64_t seed)
      : arrival_rate_(arrival_rate),
        service_rate_(service_rate),
        patience_rate_(patience_mean > 0.0 ? 1.0 / patience_mean : 0.0),
        agents_(agents),
        random_(seed) {
    heap_.reserve(1 << 12);
    waiting_.resize(kRing);
    state_.resize(kRing);
  }

  BaselineResult run(std::uint64_t customers) {
    BaselineResult result;
    push({exponential() / arrival_rate_, kArrival});
    while (!heap_.empty()) {
      const Event event = heap_.front();  // handled in place: replaced or popped below
      now_ = event.time;
      const std::uint32_t kind = event.tag & 3u, id = event.tag >> 2;
      if (kind == kArrival) {
        ++result.events;
        ++result.arrivals;
        if (result.arrivals < customers)
          replace_top({now_ + exponential() / arrival_rate_, kArrival});
        else
          pop_top();
        if (busy_ < agents_) {
          ++busy_;
          ++result.answered;
          push({now_ + exponential() / service_rate_, kDeparture});
        } else {
          const std::uint32_t caller = next_id_++ & (kRing - 1);
          state_[caller] = {now_, true};
          waiting_[tail_++ & (kRing - 1)] = caller;
          if (patience_rate_ > 0.0) push({now_ + exponential() / patience_rate_, kAbandon | (caller << 2)});
        }
      } else if (kind == kDeparture) {
        ++result.events;
        while (head_ != tail_ && !state_[waiting_[head_ & (kRing - 1)]].waiting) ++head_;  // skip leavers
        if (head_ != tail_) {
          Caller& caller = state_[waiting_[head_++ & (kRing - 1)]];
          caller.waiting = false;
          ++result.answered;
          result.total_wait += now_ - caller.arrival;
          replace_top({now_ + exponential() / service_rate_, kDeparture});
        } else {
          --busy_;
          pop_top();
        }
      } else {
        pop_top();
        if (state_[id].waiting) {  // abandonment of a caller still in the queue
          ++result.events;
          ++result.abandoned;
          state_[id].waiting = false;
        }
      }
    }
    return result;
  }

 private:
  static constexpr std::uint32_t kArrival = 0, kDeparture = 1, kAbandon = 2;
  static constexpr std::uint32_t kRing = 1u << 16;  // far beyond any queue length or timer lifetime here

  struct Event {
    double time;
    std::uint32_t tag;  // kind in the low 2 bits, caller index above
  };
  struct Caller {
    double arrival;
    bool waiting;
  };

  double exponential() { return exponential_(random_); }

  void push(Event event) {
    std::size_t index = heap_.size();
    heap_.push_back(event);
    while (index > 0) {
      const std::size_t parent = (index - 1) / 4;
      if (heap_[parent].time <= event.time) break;
      heap_[index] = heap_[parent];
      index = parent;
    }
    heap_[index] = event;
  }

  // Puts `event` where the top was and sifts it down: one pass instead of pop + push.
  void replace_top(Event event) { sift_down(event, heap_.size()); }

  void pop_top() {
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last, heap_.size());
  }

  void sift_down(Event event, std::size_t size) {
    std::size_t index = 0;
    for (;;) {
      const std::size_t child = index * 4 + 1;
      if (child >= size) break;
      std::size_t best = child;
      const std::size_t end = child + 4 < size ? child + 4 : size;
      for (std::size_t c = child + 1; c < end; ++c)
        if (heap_[c].time < heap_[best].time) best = c;
      if (event.time <= heap_[best].time) break;
      heap_[index] = heap_[best];
      index = best;
    }
    heap_[index] = event;
  }

  double arrival_rate_, service_rate_, patience_rate_;
  int agents_;
  int busy_ = 0;
  double now_ = 0.0;
  sim::RandomStream random_;
  boost::random::exponential_distribution<double> exponential_{1.0};
  std::vector<Event> heap_;
  std::vector<std::uint32_t> waiting_;
  std::vector<Caller> state_;
  std::uint64_t head_ = 0, tail_ = 0;
  std::uint32_t next_id_ = 0;
};

}  // namespace capsim::bench
