// Event: the pending-event record. 24 bytes, trivially copyable, no pointers.
// Order is (time, rank, seq). `when` packs time and rank (time << 3 | rank), so one unsigned
// 64-bit compare orders by time, then rank; `order` packs the insertion sequence number
// (56 bits) and the kind (8 bits), and decides only between equal `when`s, which are rare:
// FIFO among events of one tick and rank. The kind rides in the low bits and never decides
// (seq is unique).
#pragma once

#include <cstdint>
#include <type_traits>

#include "sim/time.h"

namespace capsim::sim {

struct Event {
  std::uint64_t when;        // time << kRankBits | rank
  std::uint64_t order;       // seq << 8 | kind
  std::uint32_t subject;     // model-defined: a customer slot, a class index, ...
  std::uint32_t generation;  // model-defined: lets a handler recognise a cancelled timer

  static constexpr int kRankBits = 3;
  static constexpr std::uint8_t kMaxRank = (1u << kRankBits) - 1;
  static constexpr int kSeqBits = 56;
  static constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << kSeqBits) - 1;
  // Times up to kTimeMax = 2^61 - 1 fill the 61 bits above the rank exactly.
  static_assert(static_cast<std::uint64_t>(kTicksMax) <= (~std::uint64_t{0} >> kRankBits));

  static constexpr std::uint64_t pack_when(Time time, std::uint8_t rank) noexcept {
    return (static_cast<std::uint64_t>(time.ticks()) << kRankBits) | rank;
  }
  static constexpr std::uint64_t pack_order(std::uint64_t seq, std::uint8_t kind) noexcept {
    return ((seq & kSeqMask) << 8) | kind;
  }
  constexpr Time time() const noexcept { return Time(static_cast<Ticks>(when >> kRankBits)); }
  constexpr std::uint8_t rank() const noexcept { return static_cast<std::uint8_t>(when & kMaxRank); }
  constexpr std::uint8_t kind() const noexcept { return static_cast<std::uint8_t>(order); }
  constexpr std::uint64_t seq() const noexcept { return order >> 8; }
};

static_assert(std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Event) == 24);

// Whether a is delivered before b. Equal `when`s are rare, so their branch is predicted
// and the time-and-rank compare is one integer compare the heap can select on without a
// branch.
constexpr bool precedes(const Event& a, const Event& b) noexcept {
  if (a.when != b.when) [[likely]]
    return a.when < b.when;
  return a.order < b.order;
}

}  // namespace capsim::sim
