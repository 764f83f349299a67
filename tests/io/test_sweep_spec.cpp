// Sweep points: lists and ranges with units, zipped keys, point numbering.
#include <doctest/doctest.h>

#include "models/io/sweep_spec.h"

using capsim::io::parse_grid_option;
using capsim::io::parse_sweep_values;
using capsim::io::parse_zip_option;
using capsim::io::SweepSpec;
using Values = std::vector<std::string>;

TEST_CASE("sweep values: lists, ranges, steps and units") {
  std::string problem;
  CHECK(*parse_sweep_values("10..13", problem) == Values{"10", "11", "12", "13"});
  CHECK(*parse_sweep_values("10..20:4", problem) == Values{"10", "14", "18"});
  CHECK(*parse_sweep_values("80%..95%:5%", problem) == Values{"80%", "85%", "90%", "95%"});
  CHECK(*parse_sweep_values("0.1..0.3:0.1", problem) == Values{"0.1", "0.2", "0.3"});  // no 0.30000000000000004
  CHECK(*parse_sweep_values("4min..5min:30s", problem) == Values{"240s", "270s", "300s"});
  CHECK(*parse_sweep_values("2min,5min,120/h", problem) == Values{"2min", "5min", "120/h"});
  CHECK_FALSE(parse_sweep_values("5..3", problem));
  CHECK(problem.find("is empty") != std::string::npos);
  CHECK_FALSE(parse_sweep_values("1..5:0", problem));
  CHECK_FALSE(parse_sweep_values("1..5%", problem));
  CHECK_FALSE(parse_sweep_values("1,,2", problem));
}

TEST_CASE("sweep points: grid dimensions multiply, zipped keys move together, last dimension fastest") {
  std::string problem;
  SweepSpec spec;
  spec.dimensions.push_back(*parse_grid_option("a=1,2", problem));
  spec.dimensions.push_back(*parse_zip_option("b=x,y,z,c=7..9", problem));
  CHECK(spec.keys() == Values{"a", "b", "c"});
  REQUIRE(spec.points() == 6);
  CHECK(spec.point(0) == Values{"1", "x", "7"});
  CHECK(spec.point(1) == Values{"1", "y", "8"});
  CHECK(spec.point(5) == Values{"2", "z", "9"});
  CHECK_FALSE(parse_zip_option("b=x,y,c=1..3", problem));
  CHECK(problem.find("as many values") != std::string::npos);
  CHECK_FALSE(parse_grid_option("=1,2", problem));
}
