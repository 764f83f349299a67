// Names a scenario gives its entities, and the "did you mean" hint for a misspelt one: used
// by the readers for keys and values and by the checks for cross-references alike.
#pragma once

#include <string>
#include <vector>

namespace capsim::model {

// Closest candidate within a small edit distance, for "did you mean" hints; empty if none.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace capsim::model
