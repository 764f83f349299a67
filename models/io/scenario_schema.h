// The scenario format as a JSON Schema (draft 2020-12): for editors with a YAML language
// server (completion, hover help and checks as one types, with the header line
// `# yaml-language-server: $schema=capsim.schema.json`) and for other tools. Generated from
// the key tables the reader itself uses (models/io/loader.h): every map of the format lists
// exactly the keys the reader accepts, each with the kind of value it reads (units as
// patterns, names of distributions and disciplines as enums, bounds from models/limits.h),
// and a key without a described value, or a described value for a key the reader does not
// accept, is a bug the schema's tests catch. What only the whole scenario can tell (names
// that refer to each other, probabilities that sum to 1, a horizon the intervals divide) is
// left to `capsim validate`.
#pragma once

#include <string>
#include <vector>

namespace capsim::io {

// The schema as JSON text (two-space indented).
std::string scenario_schema();

// Each map of the format: where it stands in the schema (a JSON pointer) and the keys the
// reader accepts there, for the test that the two agree.
struct SchemaMap {
  std::string pointer;
  std::vector<std::string> reader_keys;
};
std::vector<SchemaMap> scenario_schema_maps();

}  // namespace capsim::io
