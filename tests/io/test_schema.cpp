// The scenario schema (capsim schema) and the reader are one source: every map of the schema
// lists exactly the keys the reader's table for it accepts, and nothing else may stand there.
// tests/io/test_schema.py validates scenarios/ and the bad-input corpus with an independent
// validator (Debian's python3-jsonschema).
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "models/io/scenario_schema.h"

using namespace capsim;

TEST_CASE("every map of the schema lists exactly the keys the reader accepts there, and no others") {
  const auto schema = nlohmann::json::parse(io::scenario_schema());
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  const auto maps = io::scenario_schema_maps();
  CHECK(maps.size() >= 20);
  std::set<std::string> pointers;
  for (const io::SchemaMap& map : maps) {
    CAPTURE(map.pointer);
    CHECK(pointers.insert(map.pointer).second);
    const auto& object = schema.at(nlohmann::json::json_pointer(map.pointer));
    CHECK(object["type"] == "object");
    CHECK(object["additionalProperties"] == false);
    std::set<std::string> in_schema;
    for (const auto& item : object["properties"].items()) {
      const std::string key = item.key();
      in_schema.insert(key);
      const bool explained = item.value().contains("description") || item.value().contains("$ref");
      CHECK_MESSAGE(explained, "no description for " << key);
    }
    CHECK(in_schema == std::set<std::string>(map.reader_keys.begin(), map.reader_keys.end()));
    for (const auto& required : object.value("required", nlohmann::json::array()))
      CHECK(in_schema.count(required.get<std::string>()) == 1);
  }
  // The sections a scenario must have, and the reader's distribution families as the enum.
  CHECK(schema["required"] == nlohmann::json({"horizon", "customers", "pools", "stages"}));
  const auto families = schema["$defs"]["distribution"]["properties"]["dist"]["enum"];
  CHECK(std::find(families.begin(), families.end(), "lognormal") != families.end());
  CHECK(families.size() == 11);
}

TEST_CASE("every reference of the schema resolves") {
  const auto schema = nlohmann::json::parse(io::scenario_schema());
  std::size_t refs = 0;
  const auto walk = [&](const auto& self, const nlohmann::json& node) -> void {
    if (node.is_object()) {
      if (node.contains("$ref")) {
        ++refs;
        const std::string ref = node["$ref"];
        REQUIRE(ref.rfind("#/$defs/", 0) == 0);
        CHECK_MESSAGE(schema["$defs"].contains(ref.substr(8)), "unresolved " << ref);
      }
      for (const auto& [key, value] : node.items()) self(self, value);
    } else if (node.is_array()) {
      for (const auto& value : node) self(self, value);
    }
  };
  walk(walk, schema);
  CHECK(refs > 50);
}
