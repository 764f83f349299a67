#include "models/io/scenario_writer.h"

#include <yaml-cpp/yaml.h>

#include "models/io/loader.h"
#include "models/io/yaml_source.h"

namespace capsim::io {

std::optional<std::string> restaffed_scenario_text(const std::string& path, const std::vector<std::string>& overrides,
                                                   const std::vector<PoolStaffing>& staffing, std::uint64_t seed,
                                                   int replications, std::vector<Diagnostic>& errors) {
  const auto text = read_yaml_file(path, "scenario YAML file", errors);
  if (!text) return std::nullopt;
  try {
    YamlSource source = parse_yaml_source(*text, path, errors);
    if (!source.ok) return std::nullopt;
    YAML::Node root = source.root;
    detail::Loader loader(path, ".", errors);
    loader.apply_overrides(root, overrides);
    if (!errors.empty()) return std::nullopt;
    root["seed"] = seed;
    root["replications"] = replications;
    for (const PoolStaffing& p : staffing) {
      YAML::Node pool = root["pools"][p.pool];
      for (const char* key : {"agents", "staffing", "shifts"}) pool.remove(key);
      YAML::Node list(YAML::NodeType::Sequence);
      for (const int a : p.agents) list.push_back(a);
      list.SetStyle(YAML::EmitterStyle::Flow);
      pool["staffing"] = list;
    }
    YAML::Emitter out;
    out << root;
    if (!out.good()) {
      errors.push_back({path, 0, 0, "", std::string("cannot write the scenario: ") + out.GetLastError()});
      return std::nullopt;
    }
    return std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    errors.push_back({path, 0, 0, "", e.msg});
    return std::nullopt;
  }
}

}  // namespace capsim::io
