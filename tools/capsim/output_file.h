// Where a report goes: standard output, or a file written so that nothing is ever lost.
// A regular file (or a new name) is replaced atomically through a unique temporary beside
// it, keeping its mode and owner; anything else that exists (a device such as /dev/null, a
// FIFO, a link to one) is written through in place, never replaced. Reports are streamed
// to their destination as they are written (no copy of the whole report in memory), every
// write is checked, and a failed write is an error the caller must turn into a non-zero
// exit; the previous file is then left as it was.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace capsim::cli {

class OutputFile {
 public:
  explicit OutputFile(std::string path);  // "" or "-": standard output
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();  // an uncommitted temporary is removed
  // False (after printing why) when the destination cannot be opened for writing.
  bool open();
  std::ostream& stream();
  // Flushes, checks every write, and puts the file in place; false after printing why.
  bool commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The whole `content` to `path`, as OutputFile does.
bool write_output(const std::string& path, std::string_view content);

// Moves a finished file (a sweep's checkpoint) to `path`: renamed into place when `path`
// is a regular file or a new name in the same file system (taking the old file's mode and
// owner), else copied through in streaming fashion; false after printing why.
bool move_output(const std::string& from, const std::string& path, bool keep_from);

// Flushes standard output; false (after printing why) when it could not be written, e.g.
// `capsim ... > /dev/full`.
bool flush_standard_output();

}  // namespace capsim::cli
