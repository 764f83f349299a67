// Random numbers as pure functions of what they are for (common random numbers).
//
// Every random quantity of a replication is drawn from a CounterStream: Philox4x64-10
// (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011;
// Debian's Random123) evaluated at a counter that names the quantity. Nothing depends on the
// order in which events consume numbers, on thread count, or on which other draws a variant
// of the scenario happens to need.
//
// Key and counter layout (the one place it is written down; pinned by tests/sim/test_random.cpp):
//   key     = { replication_key(seed, replication), name_key(entity name) }
//             the entity is what the quantity belongs to: a customer class, a pool, a system,
//             always by its *name*, so adding, removing or reordering other entities changes
//             nothing for it;
//   counter = { subject, (visit << 8) | purpose, block, 0 }
//             subject: the entity's own index of the thing drawn for (a customer's arrival
//             index within its class, an agent's index, ...); visit: the customer's stage
//             visit number (0 for the entry stage, +1 per routing step); purpose: what the
//             number is for (the model's StreamPurpose); block: 0, 1, ... as a sampler
//             needs more than the four 64-bit words a Philox block holds.
// replication_key and name_key are SplitMix64-finalised hashes (name_key: FNV-1a first).
// A model may share one block among several quantities (one word each); a quantity whose
// sampler needs more words continues with SplitMix64 seeded by its own word (LeadWordStream),
// so it stays a pure function of its counter. The model documents which word is which.
//
// Cost: one Philox4x64-10 block (four 64-bit words, ~13 ns here) per four words drawn; no
// state besides the 32-byte block buffer; constructing a stream computes nothing until the
// first draw.
#pragma once

#include <Random123/philox.h>

#include <cstdint>
#include <limits>
#include <string_view>

#include "sim/assert.h"

namespace capsim::sim {

inline constexpr std::uint64_t splitmix64_mix(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline constexpr std::uint64_t replication_key(std::uint64_t seed, std::uint64_t replication) noexcept {
  return splitmix64_mix(splitmix64_mix(seed) ^ replication);
}

// FNV-1a 64 (Fowler, Noll, Vo): capsim's one hash of bytes, for names, files and a
// sweep's identity. Incremental: pass the previous value to go on.
inline constexpr std::uint64_t kFnv1aBasis = 0xCBF29CE484222325ULL;
inline constexpr std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = kFnv1aBasis) noexcept {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;  // FNV-1a prime
  }
  return hash;
}

inline constexpr std::uint64_t name_key(std::string_view name) noexcept { return splitmix64_mix(fnv1a64(name)); }

struct StreamKey {
  std::uint64_t replication = 0;
  std::uint64_t entity = 0;
};

inline constexpr StreamKey stream_key(std::uint64_t seed, std::uint64_t replication, std::string_view entity) noexcept {
  return {replication_key(seed, replication), name_key(entity)};
}

// A UniformRandomBitGenerator over the blocks of one (key, subject, visit, purpose): a
// finite-looking but in practice unbounded sequence of 64-bit words (2^64 blocks).
class CounterStream {
 public:
  using result_type = std::uint64_t;

  CounterStream(const StreamKey& key, std::uint64_t subject, std::uint32_t visit, std::uint8_t purpose) noexcept
      : key_{{key.replication, key.entity}},
        counter_{{subject, (static_cast<std::uint64_t>(visit) << 8) | purpose, 0, 0}} {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  result_type operator()() noexcept {
    if (used_ == 4) {
      block_ = r123::Philox4x64()(counter_, key_);
      ++counter_.v[2];
      used_ = 0;
    }
    return block_.v[used_++];
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform01() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe to take the logarithm of.
  double uniform01_open_low() noexcept { return (static_cast<double>((*this)() >> 11) + 1.0) * 0x1.0p-53; }

 private:
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::ctr_type block_{};
  unsigned used_ = 4;
};

using Block = r123::Philox4x64::ctr_type;

// The block at (key, subject, visit, purpose, block 0): four words for four quantities.
CAPSIM_INLINE Block philox_block(const StreamKey& key, std::uint64_t subject, std::uint32_t visit,
                                 std::uint8_t purpose) noexcept {
  return r123::Philox4x64()({{subject, (static_cast<std::uint64_t>(visit) << 8) | purpose, 0, 0}},
                            {{key.replication, key.entity}});
}

// One word taken from a shared Philox block, then, only if the sampler asks for more (a
// rejection step, a second phase), the SplitMix64 sequence seeded by that word (Steele, Lea &
// Flood 2014; it passes BigCrush): a few nanoseconds per extra word instead of a Philox block,
// and still a pure function of the quantity's counter. Distinct words seed sequences that
// overlap only with probability ~ n^2 / 2^64.
class LeadWordStream {
 public:
  using result_type = std::uint64_t;

  explicit LeadWordStream(std::uint64_t lead) noexcept : lead_(lead), state_(lead) {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  result_type operator()() noexcept {
    if (!lead_used_) {
      lead_used_ = true;
      return lead_;
    }
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t lead_, state_;
  bool lead_used_ = false;
};

// xoshiro256++ (Blackman & Vigna 2021): a small sequential generator, kept for the
// hand-written benchmark baseline and for tests that need a plain stream of numbers. The
// model itself draws only from CounterStream.
class RandomStream {
 public:
  using result_type = std::uint64_t;

  explicit RandomStream(std::uint64_t key = 0) noexcept {
    for (auto& word : state_) {  // SplitMix64 sequence: never the all-zero state
      word = splitmix64_mix(key);
      key += 0x9E3779B97F4A7C15ULL;
    }
  }

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  result_type operator()() noexcept {
    const std::uint64_t result = rotl(state_[0] + state_[3], 23) + state_[0];
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  double uniform01() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace capsim::sim
