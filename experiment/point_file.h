// The files of a sweep: the checkpoint that finished points are appended to, the shard
// outputs that `capsim merge` joins, and the final output, which are one format: a first
// line naming the sweep, for CSV a column line, then each point's rows together, in point
// order. One reader serves resume and merge: it finds the complete point blocks and where a
// cut (an interrupted write) begins.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capsim::experiment {

// Which points a process runs: points index, index + count, ... (index 0-based here,
// written 1-based as "i/N").
struct Shard {
  std::size_t index = 0, count = 1;
};
// "i/N" with whole numbers 1 <= i <= N <= `most`; nullopt otherwise (never a loop or an
// empty output for absurd N).
std::optional<Shard> parse_shard(const std::string& text, std::size_t most);

// The first line(s) of a sweep file.
struct SweepFileHeader {
  bool jsonl = false;
  std::string hash;
  std::size_t points = 0;
  std::optional<std::size_t> rows_per_point;  // when every point has the same layout
  std::optional<Shard> shard;
  std::string columns;    // CSV: the column line; JSON lines: the keys, as written
  std::size_t bytes = 0;  // length of the header lines
};
std::optional<SweepFileHeader> read_sweep_header(std::string_view content, std::string& problem);

// A point's rows: whole lines, of one point, numbering what the point has (`rows_of`), or
// the one row of a failed point.
struct PointBlock {
  std::size_t point = 0;
  std::size_t begin = 0, end = 0;  // byte range in the content
  bool failed = false;
};
struct PointBlocks {
  std::vector<PointBlock> blocks;
  std::size_t complete_bytes = 0;  // end of the last complete block
  std::string problem;             // why reading stopped before the end ("" when it reached it)
};
// Reads blocks from `offset` on. `fields` > 0: a CSV row must have that many fields.
PointBlocks read_point_blocks(std::string_view content, std::size_t offset, std::size_t fields,
                              const std::function<std::size_t(std::size_t)>& rows_of);

// The point a data line starts with (CSV "p,..." or JSON lines {"point":p,...}).
std::optional<std::size_t> point_of_line(std::string_view line);
// Fields of a CSV line, quotes respected.
std::size_t csv_field_count(std::string_view line);

// An append-only file of point blocks: created exclusively (never over anything), or, on
// resume, cut back to its complete points. Each block is one write(2); sync() makes what
// was appended durable (fdatasync).
class PointFile {
 public:
  PointFile() = default;
  PointFile(const PointFile&) = delete;
  PointFile& operator=(const PointFile&) = delete;
  ~PointFile();
  bool create(const std::string& path, const std::string& first_lines, std::string& problem);
  bool reopen(const std::string& path, std::size_t keep_bytes, std::string& problem);
  bool append(std::string_view text, std::string& problem);
  bool sync(std::string& problem);
  bool close(std::string& problem);
  bool is_open() const { return fd_ >= 0; }

 private:
  std::string path_;
  int fd_ = -1;
};

// A regular file read whole (a FIFO or device, which could block or never end, is
// refused); nullopt with the reason.
std::optional<std::string> read_regular_file(const std::string& path, std::string& problem);

}  // namespace capsim::experiment
