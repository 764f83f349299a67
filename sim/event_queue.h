// EventQueue: the pending-event set, ordered by (time, rank, insertion sequence).
// Deterministic: equal keys cannot occur.
//
// Two 4-ary min-heaps share one sequence counter: the internal heap for the events a model
// schedules for itself (service ends, timers, ...), and the source heap for the next event
// of each external source (a customer class's arrival process: at most one pending event
// per source). Delivery takes the earlier of the two tops, so the order is exactly that of
// one heap; the split keeps the source heap as small as the number of sources, and the
// arrival that replaces itself at every arrival never sifts through the internal events.
//
// Cancellation is lazy: a model bumps a generation counter and drops stale records when
// they surface: a stale record costs one pop, an indexed heap would cost every operation.
// Delivery with replace-top (take_top / finish_top, used by run_until): the event being
// handled keeps its slot until the handler's first schedule into the same heap, which
// overwrites it and sifts down once, instead of a pop and a push; a handler that schedules
// nothing there pops it after.
// Cost: O(log4 n) per operation; allocates only when a heap outgrows its capacity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/assert.h"
#include "sim/event.h"

namespace capsim::sim {

class EventQueue {
 public:
  explicit EventQueue(std::size_t reserve = 256) : internal_(reserve), source_(16) {}

  // An event the model schedules for itself.
  CAPSIM_INLINE void schedule(Time time, std::uint8_t rank, std::uint8_t kind, std::uint32_t subject,
                              std::uint32_t generation = 0) {
    insert(internal_, taken_ == Taken::internal, time, rank, kind, subject, generation);
  }
  // The next event of an external source (such as an arrival process); a source has at most
  // one pending event, so this heap stays as small as the number of sources.
  CAPSIM_INLINE void schedule_source(Time time, std::uint8_t rank, std::uint8_t kind, std::uint32_t subject,
                                     std::uint32_t generation = 0) {
    insert(source_, taken_ == Taken::source, time, rank, kind, subject, generation);
  }

  // Hands over the earliest event for handling; its slot stays until finish_top(). The
  // reference is valid until the handler's first schedule, which may overwrite the slot: a
  // handler reads what it needs first (a copy would cost a store-forwarding stall here).
  CAPSIM_INLINE const Event& take_top() noexcept {
    CAPSIM_ASSERT(!empty() && taken_ == Taken::none, "take_top from an empty queue or twice");
    if (from_source()) {
      taken_ = Taken::source;
      return source_.top();
    }
    taken_ = Taken::internal;
    return internal_.top();
  }
  // Whether the taken event is a source's (schedule_source), not the model's own.
  bool taken_from_source() const noexcept { return taken_ == Taken::source; }
  // Ends the handling of the taken event: removes it unless a schedule replaced it.
  CAPSIM_INLINE void finish_top() {
    const Taken taken = taken_;
    taken_ = Taken::none;
    if (taken == Taken::internal) internal_.pop();
    if (taken == Taken::source) source_.pop();
  }

  bool empty() const noexcept { return internal_.size == 0 && source_.size == 0; }
  std::size_t size() const noexcept { return internal_.size + source_.size; }
  std::size_t memory_bytes() const noexcept {
    return sizeof(*this) + (internal_.slots.capacity() + source_.slots.capacity()) * sizeof(Event);
  }
  // The earliest pending event; the queue must not be empty.
  const Event& top() const noexcept { return from_source() ? source_.top() : internal_.top(); }

  Event pop() {
    CAPSIM_ASSERT(!empty() && taken_ == Taken::none, "pop from an empty event queue or while an event is taken");
    Heap& heap = from_source() ? source_ : internal_;
    const Event first = heap.top();
    heap.pop();
    return first;
  }

  // Forgets all events and restarts the sequence; keeps the capacity.
  void clear() noexcept {
    internal_.size = source_.size = 0;
    next_seq_ = 0;
    taken_ = Taken::none;
  }

  std::uint64_t scheduled_count() const noexcept { return next_seq_; }

 private:
  enum class Taken : std::uint8_t { none, internal, source };

  struct Heap {
    static constexpr std::size_t kArity = 4;
    static constexpr std::size_t kSpeculativeFrom = 1 << 15;  // 768 KB of events: beyond L2

    explicit Heap(std::size_t reserve) : slots(reserve < 16 ? 16 : reserve) {}

    const Event& top() const noexcept { return slots[0]; }

    void pop() noexcept {
      --size;
      if (size > 0) {
        const Event last = slots[size];  // a copy: the walk below overwrites slots
        sift_down_from_root(last);
      }
    }

    // Places `moving` by walking a hole up from `index` (one copy per level).
    void sift_up(std::size_t index, const Event moving) noexcept {
      while (index > 0) {
        const std::size_t parent = (index - 1) / kArity;
        if (!precedes(moving, slots[parent])) break;
        slots[index] = slots[parent];
        index = parent;
      }
      slots[index] = moving;
    }

    // Places `moving` by walking a hole down from the root (one copy per level). Small heaps
    // (in cache) select the earliest child without a branch; large ones branch on `when`,
    // so that speculation runs ahead of the cache misses (2.3 -> 3.5 M hold operations/s at
    // 10^6 events).
    CAPSIM_INLINE void sift_down_from_root(const Event moving) noexcept {
      if (size < kSpeculativeFrom) [[likely]]
        sift_down_from_root<false>(moving);
      else
        sift_down_from_root<true>(moving);
    }
    template <bool kBranch>
    CAPSIM_INLINE void sift_down_from_root(const Event moving) noexcept {
      const std::size_t n = size;
      std::size_t index = 0;
      for (;;) {
        const std::size_t first_child = index * kArity + 1;
        if (first_child >= n) break;
        const std::size_t best = first_child + kArity <= n
                                     ? earliest<kBranch>(first_child, first_child + kArity)  // unrolled
                                     : earliest<kBranch>(first_child, n);
        if (!precedes(slots[best], moving)) break;
        slots[index] = slots[best];
        index = best;
      }
      slots[index] = moving;
    }
    // The earliest of slots [first, end), by `when` (one compare each) and, on the rare
    // equal `when`, by order.
    template <bool kBranch>
    CAPSIM_INLINE std::size_t earliest(std::size_t first, std::size_t end) const noexcept {
      std::size_t best = first;
      if constexpr (kBranch) {  // a branch per child: the next level's loads start on its prediction
        for (std::size_t child = first + 1; child < end; ++child) {
          const Event& a = slots[child];
          const Event& b = slots[best];
          if (a.when < b.when || (a.when == b.when && a.order < b.order)) best = child;
        }
      } else {  // selects on `when` held in a register
        std::uint64_t best_when = slots[first].when;
        for (std::size_t child = first + 1; child < end; ++child) {
          const std::uint64_t when = slots[child].when;
          if (when == best_when) [[unlikely]] {
            if (slots[child].order < slots[best].order) best = child;
            continue;
          }
          const bool earlier = when < best_when;
          best = earlier ? child : best;
          best_when = earlier ? when : best_when;
        }
      }
      return best;
    }

    std::vector<Event> slots;  // storage; the heap is slots[0, size)
    std::size_t size = 0;
  };

  CAPSIM_INLINE void insert(Heap& heap, bool replace_top, Time time, std::uint8_t rank, std::uint8_t kind,
                            std::uint32_t subject, std::uint32_t generation) {
    CAPSIM_ASSERT(time >= kStart, "event scheduled at negative time");
    CAPSIM_ASSERT(rank <= Event::kMaxRank, "event rank beyond its three bits");
    CAPSIM_ASSERT(next_seq_ <= Event::kSeqMask, "event sequence number overflow");
    // A time past the clock's range (a sum of two huge durations, ~73,000 years) is held at
    // kTimeMax, later than any horizon a model can have but a drain's, which delivers it.
    const Time at = time < kTimeMax ? time : kTimeMax;
    const Event event{Event::pack_when(at, rank), Event::pack_order(next_seq_++, kind), subject, generation};
    if (replace_top) {  // the handled event's slot: replace-top
      taken_ = Taken::none;
      heap.sift_down_from_root(event);
      return;
    }
    if (heap.size == heap.slots.size()) heap.slots.resize(2 * heap.size);  // rare: the heap outgrows its storage
    heap.sift_up(heap.size++, event);
  }

  // Whether the earliest event is the source heap's top.
  bool from_source() const noexcept {
    if (source_.size == 0) return false;
    if (internal_.size == 0) return true;
    return precedes(source_.top(), internal_.top());
  }

  Heap internal_;
  Heap source_;
  std::uint64_t next_seq_ = 0;
  Taken taken_ = Taken::none;  // the heap whose top is being handled and may be overwritten
};

}  // namespace capsim::sim
