// The scenario file as YAML: the checks that come before any key is read. The text must be
// at most kMaxScenarioBytes of UTF-8 (CR, CRLF and LF line endings all accepted) holding
// one YAML document with no tags, no merge keys and no unterminated quotes; each violation
// is a diagnostic with its position. yaml-cpp stays inside capsim_io.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/io/diagnostics.h"

namespace capsim::io {

inline constexpr std::size_t kMaxScenarioBytes = 2u << 20;  // yaml-cpp needs ~150 bytes of memory per byte

struct YamlSource {
  YAML::Node root;  // null when the file holds nothing usable
  bool ok = false;  // false: `errors` says why, and nothing should be read from `root`
};

// Offset of the first byte of `text` that is not well-formed UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view text);

// The bytes of a YAML file, at most one past kMaxScenarioBytes (so /dev/zero or a huge file
// cannot exhaust memory; parse_yaml_source then reports the size); nullopt, after a
// diagnostic "cannot read the file; expected a readable `what`", when it cannot be read.
std::optional<std::string> read_yaml_file(const std::string& path, const std::string& what,
                                          std::vector<Diagnostic>& errors);

// Parses `text` named `origin`; appends a diagnostic per problem found.
YamlSource parse_yaml_source(std::string text, const std::string& origin, std::vector<Diagnostic>& errors);

}  // namespace capsim::io
