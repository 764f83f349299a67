#include <doctest/doctest.h>

#include "models/io/units.h"

using namespace capsim::io;

TEST_CASE("durations need a unit, except zero") {
  CHECK(parse_duration("20s") == 20.0);
  CHECK(parse_duration("4.5min") == 270.0);
  CHECK(parse_duration("2h") == 7200.0);
  CHECK(parse_duration("1d") == 86400.0);
  CHECK(parse_duration("250ms") == doctest::Approx(0.25));
  CHECK(parse_duration(" 3 min ") == 180.0);
  CHECK(parse_duration("0") == 0.0);
  CHECK_FALSE(parse_duration("5").has_value());
  CHECK_FALSE(parse_duration("5 minutes").has_value());
  CHECK_FALSE(parse_duration("min").has_value());
  CHECK_FALSE(parse_duration("").has_value());
}

TEST_CASE("clock times run from 00:00 to 24:00") {
  CHECK(parse_clock("08:30") == 8 * 3600.0 + 1800);
  CHECK(parse_clock("8:05") == 8 * 3600.0 + 300);
  CHECK(parse_clock("20:00:30") == 20 * 3600.0 + 30);
  CHECK(parse_clock("24:00") == 86400.0);
  CHECK_FALSE(parse_clock("24:01").has_value());
  CHECK_FALSE(parse_clock("12:60").has_value());
  CHECK_FALSE(parse_clock("noon").has_value());
  CHECK_FALSE(parse_clock("12").has_value());
}

TEST_CASE("rates are a count per unit of time") {
  CHECK(parse_rate("120/h") == doctest::Approx(120.0 / 3600));
  CHECK(parse_rate("18/min") == doctest::Approx(0.3));
  CHECK(parse_rate("2/s") == 2.0);
  CHECK_FALSE(parse_rate("120").has_value());
  CHECK_FALSE(parse_rate("120/week").has_value());
  // Per a word unit, or per a duration (a forecast's count per its interval).
  CHECK(parse_rate("120/hour") == doctest::Approx(120.0 / 3600));
  CHECK(parse_rate("45/30min") == doctest::Approx(45.0 / 1800));
  CHECK(parse_rate("3/2.5min") == doctest::Approx(3.0 / 150));
  CHECK_FALSE(parse_rate("3/0min").has_value());
  CHECK_FALSE(parse_rate("3/-1h").has_value());
  CHECK_FALSE(parse_rate("-1/h").has_value());
}

TEST_CASE("fractions accept percentages and plain numbers") {
  CHECK(parse_fraction("80%") == doctest::Approx(0.8));
  CHECK(parse_fraction("0.8") == 0.8);
  CHECK_FALSE(parse_fraction("80 percent").has_value());
}
