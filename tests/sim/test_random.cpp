#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "sim/random.h"

using capsim::sim::CounterStream;
using capsim::sim::RandomStream;
using capsim::sim::stream_key;
using capsim::sim::StreamKey;

TEST_CASE("a counter stream is a pure function of (seed, replication, entity name, subject, visit, purpose)") {
  CounterStream a(stream_key(7, 3, "voice"), 41, 2, 1), b(stream_key(7, 3, "voice"), 41, 2, 1);
  for (int i = 0; i < 100; ++i) CHECK(a() == b());
}

TEST_CASE("counter streams differing in any coordinate differ") {
  std::set<std::uint64_t> firsts;
  int streams = 0;
  for (std::uint64_t seed : {1, 2})
    for (std::uint64_t rep : {0, 1})
      for (const char* name : {"voice", "chat"})
        for (std::uint64_t subject : {0, 1})
          for (std::uint32_t visit : {0u, 1u})
            for (std::uint8_t purpose : {1, 2}) {
              firsts.insert(CounterStream(stream_key(seed, rep, name), subject, visit, purpose)());
              ++streams;
            }
  CHECK(firsts.size() == static_cast<std::size_t>(streams));
}

TEST_CASE("the key and counter layout is pinned (changing it changes every published result)") {
  const StreamKey key = stream_key(2026, 5, "tier1");
  CHECK(key.replication == capsim::sim::splitmix64_mix(capsim::sim::splitmix64_mix(2026) ^ std::uint64_t{5}));
  // FNV-1a of the empty name is its offset basis.
  CHECK(capsim::sim::name_key("") == capsim::sim::splitmix64_mix(0xCBF29CE484222325ULL));
  const r123::Philox4x64::ctr_type counter{{77, (std::uint64_t{3} << 8) | 4, 0, 0}};
  const r123::Philox4x64::key_type philox_key{{key.replication, key.entity}};
  const auto block0 = r123::Philox4x64()(counter, philox_key);
  auto next = counter;
  next.v[2] = 1;
  const auto block1 = r123::Philox4x64()(next, philox_key);
  CounterStream stream(key, 77, 3, 4);
  for (int i = 0; i < 4; ++i) CHECK(stream() == block0.v[i]);
  for (int i = 0; i < 4; ++i) CHECK(stream() == block1.v[i]);
}

TEST_CASE("Philox4x64-10 known answer (Random123's kat_vectors: counter and key all ones)") {
  const std::uint64_t ones = ~std::uint64_t{0};
  const auto block = r123::Philox4x64()({{ones, ones, ones, ones}}, {{ones, ones}});
  CHECK(block.v[0] == 0x87b092c3013fe90bULL);
  CHECK(block.v[1] == 0x438c3c67be8d0224ULL);
  CHECK(block.v[2] == 0x9cc7d7c69cd777b6ULL);
  CHECK(block.v[3] == 0xa09caebf594f0ba0ULL);
}

TEST_CASE("uniform01 is in [0, 1) with mean 1/2 and variance 1/12; open_low is in (0, 1]") {
  const int n = 200000;
  double sum = 0, squares = 0;
  const StreamKey key = stream_key(99, 0, "x");
  for (int i = 0; i < n; ++i) {
    CounterStream stream(key, static_cast<std::uint64_t>(i), 0, 1);
    const double u = stream.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    const double v = stream.uniform01_open_low();
    REQUIRE(v > 0.0);
    REQUIRE(v <= 1.0);
    sum += u;
    squares += u * u;
  }
  const double mean = sum / n, variance = squares / n - mean * mean;
  // 4.5 standard errors: a false alarm about once in 150,000 seeds.
  CHECK(std::abs(mean - 0.5) < 4.5 * std::sqrt(1.0 / 12.0 / n));
  CHECK(std::abs(variance - 1.0 / 12.0) < 4.5 * std::sqrt(1.0 / 180.0 / n));
}

TEST_CASE("the sequential xoshiro stream is reproducible from its key") {
  RandomStream a(5), b(5), c(6);
  const std::uint64_t first = a();
  CHECK(b() == first);
  CHECK(c() != first);
}
