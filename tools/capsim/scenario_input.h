// Loads and compiles a scenario for a verb, printing every diagnostic to stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/compiled_model.h"
#include "models/scenario.h"

namespace capsim::cli {

std::optional<model::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& overrides);

}  // namespace capsim::cli
