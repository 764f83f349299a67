// The sweep file reader behind resume and merge: complete point blocks, where a cut begins,
// failed points, shard text.
#include <doctest/doctest.h>

#include <string>

#include "experiment/point_file.h"

using namespace capsim::experiment;

namespace {
const std::string kHeader = "# capsim sweep 0123456789abcdef points 3 rows 2\npoint,k,scope,name\n";
const std::string kBody = "0,a,overall,x\n0,a,overall,y\n1,b,overall,x\n1,b,overall,y\n2,c,overall,x\n2,c,overall,y\n";
std::size_t two(std::size_t) { return 2; }
}  // namespace

TEST_CASE("the header names the sweep, its points, rows per point and shard") {
  std::string problem;
  const auto h = read_sweep_header(kHeader + kBody, problem);
  REQUIRE_MESSAGE(h, problem);
  CHECK(h->hash == "0123456789abcdef");
  CHECK(h->points == 3);
  CHECK(h->rows_per_point == 2);
  CHECK_FALSE(h->shard);
  CHECK(h->columns == "point,k,scope,name");
  CHECK(h->bytes == kHeader.size());
  const auto shard = read_sweep_header("# capsim sweep ab points 3 shard 2/3\ncols\n", problem);
  REQUIRE(shard);
  CHECK(shard->shard->index == 1);
  CHECK(shard->shard->count == 3);
  CHECK_FALSE(read_sweep_header("# capsim sweep ab points 3 shard 4/3\ncols\n", problem));
  CHECK_FALSE(read_sweep_header("# capsim sweep ab points 3", problem));  // cut in the header
  const auto json = read_sweep_header("{\"capsim_sweep\":\"ab\",\"points\":2,\"rows\":5,\"keys\":[\"k\"]}\n", problem);
  REQUIRE(json);
  CHECK(json->jsonl);
  CHECK(json->columns == "[\"k\"]");
}

TEST_CASE("complete blocks are kept; a cut line or a short point ends them") {
  const std::string whole = kHeader + kBody;
  auto blocks = read_point_blocks(whole, kHeader.size(), 4, two);
  CHECK(blocks.blocks.size() == 3);
  CHECK(blocks.complete_bytes == whole.size());
  CHECK(blocks.problem.empty());
  // Cut mid-line in point 2: points 0 and 1 stand.
  const std::string cut = whole.substr(0, whole.size() - 5);
  blocks = read_point_blocks(cut, kHeader.size(), 4, two);
  CHECK(blocks.blocks.size() == 2);
  CHECK(blocks.complete_bytes == kHeader.size() + 28 + 28);
  // Point 1 missing a row.
  std::string holed = kHeader + "0,a,overall,x\n0,a,overall,y\n1,b,overall,x\n2,c,overall,x\n2,c,overall,y\n";
  blocks = read_point_blocks(holed, kHeader.size(), 4, two);
  CHECK(blocks.blocks.size() == 1);
  CHECK(blocks.problem.find("point 1 has 1 rows; expected 2") != std::string::npos);
  // A row with a field missing is no row.
  blocks = read_point_blocks(kHeader + "0,a,overall\n0,a,overall,y\n", kHeader.size(), 4, two);
  CHECK(blocks.blocks.empty());
}

TEST_CASE("a failed point is one row and counts as complete") {
  const std::string text = kHeader + "0,a,point,failed,error\n1,b,overall,x,1\n1,b,overall,y,2\n";
  const auto blocks = read_point_blocks(text, kHeader.size(), 5, two);
  REQUIRE(blocks.blocks.size() == 2);
  CHECK(blocks.blocks[0].failed);
  CHECK_FALSE(blocks.blocks[1].failed);
}

TEST_CASE("shards are i/N in whole numbers within range, never huge or fractional") {
  CHECK(parse_shard("3/8", 100)->index == 2);
  CHECK_FALSE(parse_shard("0/8", 100));
  CHECK_FALSE(parse_shard("9/8", 100));
  CHECK_FALSE(parse_shard("1/1e30", 100));
  CHECK_FALSE(parse_shard("1/18446744073709551616", 1'000'000));
  CHECK_FALSE(parse_shard("1e30/1e30", 1'000'000));
  CHECK_FALSE(parse_shard("1/200", 100));
  CHECK_FALSE(parse_shard("1.5/3", 100));
}

TEST_CASE("CSV fields are counted with quotes respected") {
  CHECK(csv_field_count("a,b,c") == 3);
  CHECK(csv_field_count("a,\"b,c\",d") == 3);
  CHECK(point_of_line("12,a") == 12u);
  CHECK(point_of_line("{\"point\":7,\"x\":1}") == 7u);
  CHECK_FALSE(point_of_line("x,12"));
}
