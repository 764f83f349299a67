// The random layout of the service model, in one place: what each random number is for (its
// purpose), which Philox block and word of it a quantity takes, and how an agent is known to
// its draws. sim/random.h gives the key and counter; models/service_system.cpp draws through
// these helpers only, and tests/models/test_common_random_numbers.cpp pins the promises.
#pragma once

#include <cstddef>
#include <cstdint>

namespace capsim::model {

// What a random number is for: the `purpose` of its counter (sim/random.h gives the key and
// counter layout). Customers' numbers are keyed by their class's name and counted by
// (arrival index k, visit v), so a customer's arrival time, and its handling time, patience
// and route at each visit, depend on nothing else in the scenario. Each is one word:
//   word k % 4 of block (k / 4, v, purpose),
// with v = 0 for the gap before arrival k. Four consecutive arrivals share a block per
// purpose, so a block drawn for one serves the next three (arrivals enter in order), and a
// quantity nobody needs (a route out of a stage with one exit, a wrap-up where there is
// none, the patience of a customer answered at once) costs nothing.
// A sampler that needs more than its word continues with SplitMix64 seeded by it
// (sim::LeadWordStream). Workforce and systems are keyed by the pool's or system's name: an
// agent is known by its identity (shift line l, index j in the line; line 0 for shorthand
// pools), never by its place in the pool, so a change to one line leaves every other line's
// draws: its absence on shift day d is word j % 4 of (l << 32 | j / 4, d, absence)
// (kDayBeforeHorizon for the night before the horizon), its shrinkage in interval t word
// j % 4 of (l << 32 | j / 4, t, shrinkage); a system's k-th failure gap and repair are the
// streams (k, 0, failure) and (k, 0, repair).
enum class StreamPurpose : std::uint8_t {
  interarrivals = 1,  // customers' purposes first, 1..kCustomerPurposes
  service = 2,
  patience = 3,
  routing = 4,
  wrap_up = 5,
  balking = 6,           // drawn only when the line found reaches the stage's first threshold
  redial = 7,            // whether a failed attempt is followed by another (drawn only then)
  redial_delay = 8,      // and after how long
  callback = 9,          // whether a customer offered a callback takes it (drawn only then)
  busyness = 10,         // a class's day factor: block (0, 0) of its key
  shared_busyness = 11,  // the factor all classes share: block (0, 0) of the key named "busyness_cv"
  absence = 16,
  shrinkage = 17,
  failure = 18,
  repair = 19,
};

inline constexpr std::size_t kCustomerPurposes = 9;

// A class's backlog customer j (waiting when the horizon starts) is known by the arrival
// index kBacklogIndex + j, beyond any real arrival's: its age is its interarrivals word.
inline constexpr std::uint64_t kBacklogIndex = std::uint64_t{1} << 62;

// Four quantities share a block: quantity k takes word k % 4 of block k / 4.
inline constexpr std::uint64_t kWordsPerBlock = 4;
inline constexpr std::uint64_t block_of(std::uint64_t k) noexcept { return k / kWordsPerBlock; }
inline constexpr std::size_t word_of(std::uint64_t k) noexcept { return static_cast<std::size_t>(k % kWordsPerBlock); }

// An agent's stable identity: its shift line in the pool and its index in the line.
struct AgentIdentity {
  std::uint32_t line = 0, index = 0;
};
// The block subject of an agent's draws (its word is word_of(index)).
inline constexpr std::uint64_t agent_subject(AgentIdentity agent) noexcept {
  return static_cast<std::uint64_t>(agent.line) << 32 | block_of(agent.index);
}

}  // namespace capsim::model
