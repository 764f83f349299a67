// --set key.path=value: applied to the YAML tree before it is read, so a value from the
// command line gets the same checks and messages as one from the file.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "models/io/loader.h"
#include "models/io/units.h"
#include "models/io/yaml_source.h"
#include "sim/time.h"

namespace capsim::io::detail {

namespace {

// `part` as an index of `list` (a whole number below its size), or none.
std::optional<std::size_t> list_index(const YAML::Node& list, const std::string& part) {
  const auto index = parse_number(part);
  if (!index || *index < 0 || *index != std::floor(*index) || *index >= static_cast<double>(list.size()))
    return std::nullopt;
  return static_cast<std::size_t>(*index);
}

// "*1.2" or "*110%": a relative value, the factor it multiplies what the file has by.
std::optional<double> relative_factor(const std::string& value) {
  if (value.size() < 2 || value.front() != '*') return std::nullopt;
  const auto factor = parse_fraction(value.substr(1));
  if (!factor || !(*factor >= 0.0) || !std::isfinite(*factor)) return std::nullopt;
  return factor;
}

// `text` (a number with its unit as the file writes it: 12, 4.5min, 120/h, 80%) times
// `factor`, in the same unit; none when it does not start with a number.
std::optional<std::string> scaled(const std::string& text, double factor) {
  std::size_t end = 0;
  double number = 0.0;
  try {
    number = std::stod(text, &end);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (end == 0 || !std::isfinite(number) || (!text.empty() && (text.front() == ' ' || text.front() == '\t')))
    return std::nullopt;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", number * factor);
  return std::string(buffer) + text.substr(end);
}

}  // namespace

// Multiplies the value at `node` by `factor`: a number with its unit; each of a list's; for
// a class's arrivals (a map), its rate or per_interval. False when there is nothing to scale.
bool Loader::scale_node(YAML::Node node, double factor, const std::string& text, const std::string& path) {
  if (node.IsScalar()) {
    const auto value = scaled(node.Scalar(), factor);
    if (!value) {
      errors_.push_back(
          {"--set " + text, 0, 0, path,
           "holds " + quoted(node.Scalar()) + ", not a number to multiply; expected a number with its unit"});
      return true;  // reported
    }
    node = *value;
    return true;
  }
  if (node.IsSequence()) {
    bool any = false;
    for (std::size_t i = 0; i < node.size(); ++i) {
      YAML::Node item = node[i];
      any = scale_node(item, factor, text, path + "." + std::to_string(i)) || any;
    }
    return any;
  }
  if (node.IsMap()) {  // arrivals: the volume, not its shape (busyness_cv) or replayed times
    bool any = false;
    for (const char* key : {"rate", "per_interval"})
      if (node[key]) any = scale_node(node[key], factor, text, path + "." + key) || any;
    return any;
  }
  return false;
}

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
    // key.path+=value appends to the list the file has there.
    const bool append = equals > 1 && text[equals - 1] == '+';
    std::vector<std::string> parts;
    std::stringstream stream(text.substr(0, append ? equals - 1 : equals));
    for (std::string part; std::getline(stream, part, '.');) parts.push_back(part);
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      errors_.push_back(
          {"--set " + text, 0, 0, text.substr(0, equals), "empty key in the path; expected names joined by dots"});
      continue;
    }
    // customers.*.arrivals, stages.*.service.mean: every class, pool, stage or SLA of the file.
    if (parts.size() >= 2 && parts[1] == "*") {
      const YAML::Node& read_only = root;
      const YAML::Node section = read_only[parts[0]];
      if (!section || !section.IsMap() || section.size() == 0) {  // (a missing key's node throws on IsMap)
        errors_.push_back({"--set " + text, 0, 0, parts[0], "has no entries for * to stand for"});
        continue;
      }
      bool any = false;
      for (const auto& entry : section) {
        std::vector<std::string> named = parts;
        named[1] = entry.first.as<std::string>("");
        any = apply_override(root, named, text.substr(equals + 1), text, true, append) || any;
      }
      if (!any)
        errors_.push_back(
            {"--set " + text, 0, 0, text.substr(0, equals), "matches nothing in any entry of " + parts[0]});
      continue;
    }
    apply_override(root, parts, text.substr(equals + 1), text, false, append);
  }
}

// One key.path=value (the path split at its dots), or key.path+=value (`append`). `optional_target`: a
// wildcard's entry, which may lack the key (a relative value then passes it by). True when it applied.
bool Loader::apply_override(YAML::Node& root, const std::vector<std::string>& parts, const std::string& value_text,
                            const std::string& text, bool optional_target, bool append) {
  std::string path;
  for (const auto& part : parts) path += (path.empty() ? "" : ".") + part;
  Override o{path, value_text, text};
  const std::optional<double> factor = relative_factor(value_text);
  if (append && !value_text.empty() && value_text.front() == '*') {
    errors_.push_back(
        {"--set " + text, 0, 0, path, "+= appends an entry to a list; a relative value (*) multiplies: use = with it"});
    return false;
  }
  if (!factor && value_text.size() > 1 && value_text.front() == '*') {
    errors_.push_back(
        {"--set " + text, 0, 0, path, "expected a factor after *, such as *1.2 or *110%; got " + quoted(value_text)});
    return false;
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
  if (!names_entity(read_only[parts[0]])) return false;
  if (factor || append) {  // relative, or appending: changes what is there, adds no key
    YAML::Node current;
    current.reset(root);
    for (const auto& part : parts) {
      YAML::Node next;
      if (current.IsSequence()) {
        if (const auto index = list_index(current, part)) next = current[*index];
      } else if (current.IsMap() && current[part]) {
        next = current[part];
      }
      if (!next.IsDefined() || next.IsNull()) {
        if (!optional_target)
          errors_.push_back({"--set " + text, 0, 0, path,
                             append ? "is not in the file; += appends to a list the file has"
                                    : "is not in the file; a relative value (*) multiplies what is"});
        return false;
      }
      current.reset(next);
    }
    if (append) {
      if (!current.IsSequence()) {
        errors_.push_back(
            {"--set " + text, 0, 0, path, "is not a list; += appends to a list (use = to set a single value)"});
        return false;
      }
      // A list value appends each of its entries: shifts+=[{...}, {...}] adds two lines.
      if (value.IsSequence())
        for (const auto& entry : value) current.push_back(entry);
      else
        current.push_back(value);
      overrides_.push_back(std::move(o));
      return true;
    }
    if (!scale_node(current, *factor, text, path)) {
      if (!optional_target)
        errors_.push_back(
            {"--set " + text, 0, 0, path, "holds no number to multiply (arrivals: rate or per_interval)"});
      return false;
    }
    overrides_.push_back(std::move(o));
    return true;
  }
  YAML::Node current;
  current.reset(root);
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    walked += (walked.empty() ? "" : ".") + parts[i];
    if (current.IsSequence()) {
      const auto index = list_index(current, parts[i]);
      if (!index) {
        errors_.push_back({"--set " + text, 0, 0, walked, "no such list index"});
        return false;
      }
      YAML::Node next = current[*index];
      current.reset(next);
    } else if (current.IsMap() || current.IsNull()) {
      if (!current[parts[i]]) current[parts[i]] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = current[parts[i]];
      current.reset(next);
    } else {
      errors_.push_back({"--set " + text, 0, 0, walked, "is a single value; cannot descend into it"});
      return false;
    }
  }
  if (current.IsSequence()) {
    const auto index = list_index(current, parts.back());
    if (!index) {
      errors_.push_back({"--set " + text, 0, 0, path, "no such list index"});
      return false;
    }
    current[*index] = value;
  } else if (current.IsMap() || current.IsNull()) {
    current[parts.back()] = value;
  } else {
    errors_.push_back({"--set " + text, 0, 0, path, "the parent is a single value; cannot add a key to it"});
    return false;
  }
  overrides_.push_back(std::move(o));
  return true;
}

}  // namespace capsim::io::detail
