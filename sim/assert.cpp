#include "sim/assert.h"

namespace capsim::sim {

void assertion_failed(const char* condition, const std::string& message, const char* file, int line) {
  throw InternalError(std::string(file) + ":" + std::to_string(line) + ": assertion `" + condition +
                      "` failed: " + message);
}

}  // namespace capsim::sim
