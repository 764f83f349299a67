#include "experiment/point_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <new>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/io/diagnostics.h"

namespace capsim::experiment {
namespace {

std::optional<std::size_t> whole(std::string_view text) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Shard> parse_shard(const std::string& text, std::size_t most) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto i = whole(std::string_view(text).substr(0, slash));
  const auto n = whole(std::string_view(text).substr(slash + 1));
  if (!i || !n || *n < 1 || *n > most || *i < 1 || *i > *n) return std::nullopt;
  return Shard{*i - 1, *n};
}

std::optional<std::size_t> point_of_line(std::string_view line) {
  std::size_t at = 0;
  if (line.rfind("{\"point\":", 0) == 0) at = 9;
  std::size_t end = at;
  while (end < line.size() && line[end] >= '0' && line[end] <= '9') ++end;
  if (end == at || end - at > 18) return std::nullopt;
  return whole(line.substr(at, end - at));
}

std::size_t csv_field_count(std::string_view line) {
  std::size_t fields = 1;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      ++fields;
  }
  return fields;
}

std::optional<SweepFileHeader> read_sweep_header(std::string_view content, std::string& problem) {
  SweepFileHeader header;
  const auto first_end = content.find('\n');
  if (first_end == std::string_view::npos) {
    problem = "has no complete first line (expected the line naming a capsim sweep)";
    return std::nullopt;
  }
  const std::string first(content.substr(0, first_end));
  std::string shard_text;
  if (first.rfind("# capsim sweep ", 0) == 0) {
    std::istringstream words(first.substr(15));
    std::string word;
    words >> header.hash;
    while (words >> word) {
      std::string value;
      words >> value;
      if (word == "points")
        header.points = whole(value).value_or(0);
      else if (word == "rows")
        header.rows_per_point = whole(value);
      else if (word == "shard")
        shard_text = value;
    }
    const auto second_end = content.find('\n', first_end + 1);
    if (second_end == std::string_view::npos) {
      problem = "has no complete column line";
      return std::nullopt;
    }
    header.columns = std::string(content.substr(first_end + 1, second_end - first_end - 1));
    header.bytes = second_end + 1;
  } else if (first.rfind("{\"capsim_sweep\":", 0) == 0) {
    header.jsonl = true;
    const auto meta = nlohmann::json::parse(first, nullptr, false);
    if (meta.is_discarded() || !meta.is_object() || !meta.contains("capsim_sweep") ||
        !meta["capsim_sweep"].is_string() || !meta.contains("points") || !meta["points"].is_number_unsigned()) {
      problem = "is not a capsim sweep output (its first line does not name a sweep)";
      return std::nullopt;
    }
    header.hash = meta["capsim_sweep"].get<std::string>();
    header.points = meta["points"].get<std::size_t>();
    if (meta.contains("rows") && meta["rows"].is_number_unsigned())
      header.rows_per_point = meta["rows"].get<std::size_t>();
    if (meta.contains("shard") && meta["shard"].is_string()) shard_text = meta["shard"].get<std::string>();
    if (meta.contains("keys")) header.columns = meta["keys"].dump();
    header.bytes = first_end + 1;
  } else {
    problem = "is not a capsim sweep output (its first line names the sweep)";
    return std::nullopt;
  }
  if (header.hash.empty() || header.points == 0) {
    problem = "is not a capsim sweep output (its first line names no sweep or no points)";
    return std::nullopt;
  }
  if (!shard_text.empty()) {
    header.shard = parse_shard(shard_text, header.points);
    if (!header.shard) {
      problem = "names a shard \"" + io::printable(shard_text) + "\" that is not i/N";
      return std::nullopt;
    }
  }
  return header;
}

PointBlocks read_point_blocks(std::string_view content, std::size_t offset, std::size_t fields,
                              const std::function<std::size_t(std::size_t)>& rows_of) {
  PointBlocks result;
  result.complete_bytes = offset;
  while (offset < content.size()) {
    PointBlock block;
    block.begin = offset;
    std::optional<std::size_t> point;
    std::size_t rows = 0;
    bool failed = false;
    for (;;) {  // the whole lines of one point
      const auto end = content.find('\n', offset);
      if (end == std::string_view::npos) break;  // a cut line: not part of any block
      const std::string_view line = content.substr(offset, end - offset);
      const auto p = point_of_line(line);
      if (!p || (point && *p != *point)) break;
      if (fields > 0 && csv_field_count(line) != fields) break;
      point = p;
      failed = failed || line.find(",point,failed,") != std::string_view::npos ||
               line.find("\"scope\":\"point\",\"name\":\"failed\"") != std::string_view::npos;
      ++rows;
      offset = end + 1;
    }
    if (!point) {
      result.problem = offset < content.size() ? "a line without its point, or cut" : "";
      return result;
    }
    const std::size_t expected = failed ? 1 : rows_of(*point);
    if (rows != expected) {
      result.problem = "point " + std::to_string(*point) + " has " + std::to_string(rows) + " rows; expected " +
                       std::to_string(expected) + " (cut, or rows missing)";
      return result;
    }
    block.point = *point;
    block.end = offset;
    block.failed = failed;
    result.blocks.push_back(block);
    result.complete_bytes = offset;
  }
  return result;
}

PointFile::~PointFile() {
  if (fd_ >= 0) ::close(fd_);
}

// Two capsim processes must never append to one checkpoint: an exclusive lock, held while
// the file is open (released by the kernel if the process dies).
bool lock(int fd, const std::string& path, std::string& problem) {
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
  problem = io::printable(path, 200) + " is in use by another capsim (" + std::strerror(errno) +
            "); wait for it to finish, or stop it";
  return false;
}

bool PointFile::create(const std::string& path, const std::string& first_lines, std::string& problem) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    problem =
        "cannot create " + io::printable(path, 200) + ": " + std::strerror(errno) +
        (errno == EEXIST ? " (an interrupted sweep's checkpoint? run the same command with --resume, or remove it)"
                         : "");
    return false;
  }
  return lock(fd_, path, problem) && append(first_lines, problem);
}

bool PointFile::reopen(const std::string& path, std::size_t keep_bytes, std::string& problem) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ >= 0 && !lock(fd_, path, problem)) return false;
  if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0 || ::lseek(fd_, 0, SEEK_END) < 0) {
    problem = "cannot resume " + io::printable(path, 200) + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool PointFile::append(std::string_view text, std::string& problem) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      problem = "cannot write " + io::printable(path_, 200) + ": " + std::strerror(n < 0 ? errno : ENOSPC);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool PointFile::sync(std::string& problem) {
  if (::fdatasync(fd_) == 0) return true;
  problem = "cannot write " + io::printable(path_, 200) + ": " + std::strerror(errno);
  return false;
}

bool PointFile::close(std::string& problem) {
  const bool ok = ::fsync(fd_) == 0 && ::close(fd_) == 0;
  if (!ok) problem = "cannot write " + io::printable(path_, 200) + ": " + std::strerror(errno);
  fd_ = -1;
  return ok;
}

std::optional<std::string> read_regular_file(const std::string& path, std::string& problem) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    problem = "cannot read " + io::printable(path, 200) + "; expected a regular file written by capsim sweep";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = "cannot read " + io::printable(path, 200) + ": " + std::strerror(errno);
    return std::nullopt;
  }
  try {
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  } catch (const std::bad_alloc&) {
    problem = io::printable(path, 200) + " is too large to read into the memory available";
    return std::nullopt;
  }
}

}  // namespace capsim::experiment
