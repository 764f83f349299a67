// --set key.path=value: applied to the YAML tree before it is read, so a value from the
// command line gets the same checks and messages as one from the file.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/io/loader.h"
#include "models/io/units.h"
#include "models/io/yaml_source.h"
#include "sim/time.h"

namespace capsim::io::detail {

void Loader::apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides) {
  for (const auto& text : overrides) {
    if (first_invalid_utf8(text) != std::string::npos) {
      errors_.push_back({"--set " + text, 0, 0, "", "not valid UTF-8; expected key.path=value in UTF-8"});
      continue;
    }
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
      errors_.push_back({"--set " + text, 0, 0, "", "expected key.path=value, e.g. pools.tier1.agents=12"});
      continue;
    }
    Override o{text.substr(0, equals), text.substr(equals + 1), text};
    std::vector<std::string> parts;
    std::stringstream stream(o.path);
    for (std::string part; std::getline(stream, part, '.');) parts.push_back(part);
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      errors_.push_back({"--set " + text, 0, 0, o.path, "empty key in the path; expected names joined by dots"});
      continue;
    }
    YAML::Node value;
    try {
      value = YAML::Load(o.value);
    } catch (const YAML::Exception&) {
      value = YAML::Node(o.value);
    }
    if (!value.IsDefined() || value.IsNull()) value = YAML::Node(o.value);

    // Walk with reset(): assigning one yaml-cpp Node to another copies the value into the
    // tree instead of moving the handle.
    // A --set changes what exists; it may add an optional key, never a class, pool, stage
    // or SLA: a misspelt name would otherwise add an unused one and the what-if would
    // silently not happen.
    const auto names_entity = [&](const YAML::Node& section) -> bool {
      static const std::map<std::string, std::string> kEntity{
          {"customers", "customer class"}, {"pools", "pool"}, {"stages", "stage"}, {"sla", "SLA"}};
      const auto kind = kEntity.find(parts[0]);
      if (kind == kEntity.end() || parts.size() < 2) return true;
      const std::string& name = parts[1];
      if (section.IsMap() && section[name]) return true;
      Keys known;
      if (section.IsMap())
        for (const auto& entry : section) known.push_back(entry.first.as<std::string>(""));
      const std::string suggestion = closest_match(name, known);
      errors_.push_back({"--set " + text, 0, 0, parts[0] + "." + name,
                         "no " + kind->second + " named " + quoted(name) +
                             (suggestion.empty() ? "; a --set can change only what the file has"
                                                 : "; did you mean " + quoted(suggestion) + "?")});
      return false;
    };
    const YAML::Node& read_only = root;  // operator[] of a const node adds nothing
    if (!names_entity(read_only[parts[0]])) continue;
    YAML::Node current;
    current.reset(root);
    bool ok = true;
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size() && ok; ++i) {
      walked += (walked.empty() ? "" : ".") + parts[i];
      if (current.IsSequence()) {
        const auto index = parse_number(parts[i]);
        if (!index || *index < 0 || *index != std::floor(*index) || *index >= static_cast<double>(current.size())) {
          errors_.push_back({"--set " + text, 0, 0, walked, "no such list index"});
          ok = false;
          break;
        }
        YAML::Node next = current[static_cast<std::size_t>(*index)];
        current.reset(next);
      } else if (current.IsMap() || current.IsNull()) {
        if (!current[parts[i]]) current[parts[i]] = YAML::Node(YAML::NodeType::Map);
        YAML::Node next = current[parts[i]];
        current.reset(next);
      } else {
        errors_.push_back({"--set " + text, 0, 0, walked, "is a single value; cannot descend into it"});
        ok = false;
      }
    }
    if (!ok) continue;
    if (current.IsSequence()) {
      const auto index = parse_number(parts.back());
      if (!index || *index < 0 || *index != std::floor(*index) || *index >= static_cast<double>(current.size())) {
        errors_.push_back({"--set " + text, 0, 0, o.path, "no such list index"});
        continue;
      }
      current[static_cast<std::size_t>(*index)] = value;
    } else if (current.IsMap() || current.IsNull()) {
      current[parts.back()] = value;
    } else {
      errors_.push_back({"--set " + text, 0, 0, o.path, "the parent is a single value; cannot add a key to it"});
      continue;
    }
    overrides_.push_back(std::move(o));
  }
}

}  // namespace capsim::io::detail
