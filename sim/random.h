// Random streams. RandomStream is xoshiro256++ (Blackman & Vigna, "Scrambled linear
// pseudorandom number generators", 2021): 32 bytes of state, period 2^256-1, passes
// BigCrush. Boost 1.74 ships no xoshiro; its small state is what makes one stream per
// (seed, replication, purpose, index) cheap. It models UniformRandomBitGenerator, so
// Boost.Random distributions draw from it directly.
//
// Stream derivation (documented contract, pinned by tests):
//   key = mix(mix(mix(mix(seed) ^ replication) ^ purpose) ^ index)
// where mix is the SplitMix64 finaliser applied after adding the golden gamma; the four
// state words are the next four outputs of SplitMix64 started at key. Results therefore do
// not depend on thread count or scheduling, and two variants of a scenario that use the
// same purposes see the same numbers (common random numbers).
#pragma once

#include <cstdint>
#include <limits>

namespace capsim::sim {

inline constexpr std::uint64_t splitmix64_mix(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline constexpr std::uint64_t derive_stream_key(std::uint64_t seed, std::uint64_t replication, std::uint64_t purpose,
                                                 std::uint64_t index) noexcept {
  std::uint64_t key = splitmix64_mix(seed);
  key = splitmix64_mix(key ^ replication);
  key = splitmix64_mix(key ^ purpose);
  return splitmix64_mix(key ^ index);
}

class RandomStream {
 public:
  using result_type = std::uint64_t;

  explicit RandomStream(std::uint64_t key = 0) noexcept { reseed(key); }
  RandomStream(std::uint64_t seed, std::uint64_t replication, std::uint64_t purpose, std::uint64_t index) noexcept {
    reseed(derive_stream_key(seed, replication, purpose, index));
  }

  void reseed(std::uint64_t key) noexcept {
    // SplitMix64 sequence: never yields the all-zero state xoshiro must avoid.
    for (auto& word : state_) {
      key += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = key;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
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

  // Uniform on [0, 1) with 53 random bits.
  double uniform01() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace capsim::sim
