// Scenario loading: YAML text -> model::Scenario, with `--set key.path=value` overrides
// applied to the YAML tree first. Every problem in the file (syntax, unknown or duplicate
// keys, values without units, names that do not resolve, routing-graph faults) is collected
// and returned at once with its file:line:col; nothing is partially loaded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/io/diagnostics.h"
#include "models/scenario.h"

namespace capsim::io {

struct LoadResult {
  std::optional<model::Scenario> scenario;  // set only when there are no errors
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;     // about a scenario that loads: printed, never fatal
  std::vector<std::string> data_files;  // data files it read (empirical values), resolved paths
};

// `overrides` are "key.path=value" strings, as given to --set.
LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides = {});
// `origin` names the text in diagnostics; relative data files resolve against `base_dir`.
LoadResult load_scenario_text(const std::string& text, const std::string& origin,
                              const std::vector<std::string>& overrides = {}, const std::string& base_dir = ".");

// `message` about `key` (a key path such as pools.tier1.templates) of the scenario file as
// loaded with `overrides`, at the key's line and column (or its deepest parent's the file
// has): for problems found after loading (`capsim schedule`'s templates against the
// requirement).
Diagnostic diagnostic_at(const std::string& path, const std::vector<std::string>& overrides, const std::string& key,
                         std::string message);

// A file of assertions for `capsim check --assertions`: `assert: [...]` as in a scenario.
struct AssertionsResult {
  std::vector<model::Assertion> assertions;
  std::vector<Diagnostic> errors;
};
AssertionsResult load_assertions_file(const std::string& path);

}  // namespace capsim::io
