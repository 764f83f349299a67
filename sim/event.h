// Event: the pending-event record. 24 bytes, trivially copyable, no pointers.
// Order is (time, rank, seq): `order` packs rank (8 bits), the insertion sequence number
// (48 bits) and the kind (8 bits), so one integer compare after the time decides ties:
// rank first, then FIFO. The kind rides in the low bits and never decides (seq is unique).
#pragma once

#include <cstdint>
#include <type_traits>

#include "sim/time.h"

namespace capsim::sim {

struct Event {
  Time time;
  std::uint64_t order;
  std::uint32_t subject;     // model-defined: a customer slot, a class index, ...
  std::uint32_t generation;  // model-defined: lets a handler recognise a cancelled timer

  static constexpr int kSeqBits = 48;
  static constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << kSeqBits) - 1;

  static constexpr std::uint64_t pack(std::uint8_t rank, std::uint64_t seq, std::uint8_t kind) noexcept {
    return (std::uint64_t{rank} << 56) | ((seq & kSeqMask) << 8) | kind;
  }
  constexpr std::uint8_t kind() const noexcept { return static_cast<std::uint8_t>(order); }
  constexpr std::uint8_t rank() const noexcept { return static_cast<std::uint8_t>(order >> 56); }
  constexpr std::uint64_t seq() const noexcept { return (order >> 8) & kSeqMask; }
};

static_assert(std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Event) == 24);

// One unsigned 128-bit compare of (time, order): branch-free, where the two-field compare
// costs a mispredicted branch in the heap's child selection. Times are never negative.
__extension__ typedef unsigned __int128 EventKey;
constexpr EventKey key_of(const Event& e) noexcept {
  return (static_cast<EventKey>(static_cast<std::uint64_t>(e.time)) << 64) | e.order;
}
constexpr bool precedes(const Event& a, const Event& b) noexcept { return key_of(a) < key_of(b); }
// The same order by two compares, branching on the time: in a heap too large for the cache a
// predicted branch lets the next level's loads start early (see EventQueue).
constexpr bool precedes_speculative(const Event& a, const Event& b) noexcept {
  return a.time < b.time || (a.time == b.time && a.order < b.order);
}

}  // namespace capsim::sim
