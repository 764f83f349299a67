// CAPSIM_ASSERT: invariant checks for bugs (never for bad input). Compiled in when
// CAPSIM_CHECKS is defined (debug, test and sanitizer builds); free otherwise.
#pragma once

#include <stdexcept>
#include <string>

namespace capsim::sim {

// CAPSIM_INLINE: for the few hot-path functions the inliner gives up on once their callers
// grow; measured in bench/ (each is called once or twice per event).
#define CAPSIM_INLINE [[gnu::always_inline]] inline

// Thrown by a failed CAPSIM_ASSERT; main() reports it as an internal error.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void assertion_failed(const char* condition, const std::string& message, const char* file, int line);

}  // namespace capsim::sim

#ifdef CAPSIM_CHECKS
#define CAPSIM_ASSERT(cond, msg)                                                    \
  do {                                                                              \
    if (!(cond)) ::capsim::sim::assertion_failed(#cond, (msg), __FILE__, __LINE__); \
  } while (false)
#else
#define CAPSIM_ASSERT(cond, msg) \
  do {                           \
  } while (false)
#endif
