#include "models/io/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace capsim::io {

std::string Diagnostic::format() const {
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on chained std::string operator+.
  std::string text = origin;
  if (line > 0) {
    text.append(":").append(std::to_string(line));
    text.append(":").append(std::to_string(column));
  }
  text.append(": ");
  if (!path.empty()) text.append(path).append(": ");
  text.append(message);
  return text;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    // File positions first, in order; --set problems after them.
    const bool a_set = a.origin.rfind("--set", 0) == 0, b_set = b.origin.rfind("--set", 0) == 0;
    return std::tie(a_set, a.line, a.column) < std::tie(b_set, b.line, b.column);
  });
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(),
                                [](const Diagnostic& a, const Diagnostic& b) { return a.format() == b.format(); }),
                    diagnostics.end());
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace capsim::io
