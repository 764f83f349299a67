// Writes a finished report to stdout, or atomically to a file (temporary + rename) so that
// a failed run never leaves a half-written output behind.
#pragma once

#include <string>

namespace capsim::cli {

// Returns false (after printing why to stderr) when the file cannot be written.
bool write_output(const std::string& path, const std::string& content);

}  // namespace capsim::cli
