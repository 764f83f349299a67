// Input diagnostics: every problem found in a scenario file or a `--set` override, collected
// all at once and printed one a line as
//   file:line:col: key.path: problem; expected ...
// (lines and columns 1-based), sorted by position. Input errors never throw past the loader.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "models/names.h"

namespace capsim::io {

struct Diagnostic {
  std::string origin;  // file name, or "--set key=value"
  int line = 0;        // 1-based; 0 when there is no position (whole file, --set)
  int column = 0;
  std::string path;  // key path, may be empty
  std::string message;

  std::string format() const;
};

void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

// `text` made safe to print inside a message: control characters and invisible Unicode
// (zero-width spaces, bidirectional controls, soft hyphens, byte-order marks) are escaped as
// \xNN or \u{NNNN}, and anything past `max_characters` is cut with a note of how much was.
std::string printable(std::string_view text, std::size_t max_characters = 60);

using model::closest_match;

}  // namespace capsim::io
