// Where a report goes: standard output, or a file written so that nothing is ever lost.
// A regular file (or a new name) is replaced atomically through a unique temporary beside
// it, keeping its mode and owner; anything else that exists (a device such as /dev/null, a
// FIFO, a link to one) is written through in place, never replaced. A failed write is an
// error the caller must turn into a non-zero exit.
#pragma once

#include <string>

namespace capsim::cli {

// Returns false (after printing why to stderr) when the output cannot be written.
bool write_output(const std::string& path, const std::string& content);

// Flushes standard output; false (after printing why) when it could not be written, e.g.
// `capsim ... > /dev/full`.
bool flush_standard_output();

}  // namespace capsim::cli
