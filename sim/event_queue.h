// EventQueue: the pending-event set, a 4-ary min-heap of Event records ordered by
// (time, rank, insertion sequence). Deterministic: equal keys cannot occur.
// Cancellation is lazy: a model bumps a generation counter and drops stale records when
// they surface: a stale record costs one pop, an indexed heap would cost every operation.
// Delivery with replace-top (take_top / finish_top, used by run_until): the event being
// handled keeps its slot until the handler's first schedule, which overwrites it and sifts
// down once, instead of a pop and a push; a handler that schedules nothing pops it after.
// Cost: O(log4 n) per operation; allocates only when the heap outgrows its capacity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/assert.h"
#include "sim/event.h"

namespace capsim::sim {

class EventQueue {
 public:
  explicit EventQueue(std::size_t reserve = 256) : heap_(reserve < 16 ? 16 : reserve) {}

  CAPSIM_INLINE void schedule(Time time, std::uint8_t rank, std::uint8_t kind, std::uint32_t subject,
                              std::uint32_t generation = 0) {
    CAPSIM_ASSERT(time >= 0, "event scheduled at negative time");
    CAPSIM_ASSERT(next_seq_ <= Event::kSeqMask, "event sequence number overflow");
    const Event event{time, Event::pack(rank, next_seq_++, kind), subject, generation};
    if (top_taken_) {  // the handled event's slot: replace-top
      top_taken_ = false;
      sift_down_from_root(event);
      return;
    }
    if (size_ == heap_.size()) heap_.resize(2 * size_);  // rare: the heap outgrows its storage
    sift_up(size_++, event);
  }

  // Hands over the earliest event for handling; its slot stays until finish_top().
  Event take_top() noexcept {
    CAPSIM_ASSERT(size_ > 0 && !top_taken_, "take_top from an empty queue or twice");
    top_taken_ = true;
    return heap_[0];
  }
  // Ends the handling of the taken event: removes it unless a schedule replaced it.
  void finish_top() {
    if (!top_taken_) return;
    top_taken_ = false;
    (void)pop();
  }

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  const Event& top() const noexcept { return heap_[0]; }

  Event pop() {
    CAPSIM_ASSERT(size_ > 0 && !top_taken_, "pop from an empty event queue or while an event is taken");
    const Event first = heap_[0];
    --size_;
    if (size_ > 0) {
      const Event last = heap_[size_];  // a copy: the walk below overwrites slots
      sift_down_from_root(last);
    }
    return first;
  }

  // Forgets all events and restarts the sequence; keeps the capacity.
  void clear() noexcept {
    size_ = 0;
    next_seq_ = 0;
    top_taken_ = false;
  }

  std::uint64_t scheduled_count() const noexcept { return next_seq_; }

 private:
  static constexpr std::size_t kArity = 4;

  // Places `moving` by walking a hole up from `index` (one copy per level).
  void sift_up(std::size_t index, const Event& moving) {
    while (index > 0) {
      const std::size_t parent = (index - 1) / kArity;
      if (!precedes(moving, heap_[parent])) break;
      heap_[index] = heap_[parent];
      index = parent;
    }
    heap_[index] = moving;
  }

  // Places `moving` by walking a hole down from the root (one copy per level).
  CAPSIM_INLINE void sift_down_from_root(const Event& moving) {
    const std::size_t size = size_;
    std::size_t index = 0;
    for (;;) {
      const std::size_t first_child = index * kArity + 1;
      if (first_child >= size) break;
      std::size_t best = first_child;
      if (first_child + kArity <= size) {  // the common case: four children, unrolled
        if (precedes(heap_[first_child + 1], heap_[best])) best = first_child + 1;
        if (precedes(heap_[first_child + 2], heap_[best])) best = first_child + 2;
        if (precedes(heap_[first_child + 3], heap_[best])) best = first_child + 3;
      } else {
        for (std::size_t child = first_child + 1; child < size; ++child)
          if (precedes(heap_[child], heap_[best])) best = child;
      }
      if (!precedes(heap_[best], moving)) break;
      heap_[index] = heap_[best];
      index = best;
    }
    heap_[index] = moving;
  }

  std::vector<Event> heap_;  // storage; the heap is heap_[0, size_)
  std::size_t size_ = 0;
  std::uint64_t next_seq_ = 0;
  bool top_taken_ = false;  // heap_[0] is being handled and may be overwritten
};

}  // namespace capsim::sim
