#include "models/io/scenario_writer.h"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "models/io/loader.h"
#include "models/io/yaml_source.h"
#include "models/shift_templates.h"

namespace capsim::io {
namespace {

const char* const kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// Roster lines as the format reads them, one flow map per line.
YAML::Node shift_lines(const std::vector<model::Shift>& shifts) {
  YAML::Node lines(YAML::NodeType::Sequence);
  for (const model::Shift& shift : shifts) {
    YAML::Node line(YAML::NodeType::Map);
    line["start"] = model::clock_text(shift.start);
    line["end"] = model::clock_text(shift.end);
    line["agents"] = shift.agents;
    if (!shift.breaks.empty()) {
      YAML::Node breaks(YAML::NodeType::Sequence);
      for (const model::Break& pause : shift.breaks) {
        YAML::Node entry(YAML::NodeType::Map), window(YAML::NodeType::Sequence);
        window.push_back(model::clock_text(pause.window_start));
        window.push_back(model::clock_text(pause.window_end));
        entry["window"] = window;
        const long long seconds = std::llround(pause.length_seconds);
        entry["length"] = seconds % 60 == 0 ? std::to_string(seconds / 60) + "min" : std::to_string(seconds) + "s";
        breaks.push_back(entry);
      }
      line["breaks"] = breaks;
    }
    if (!shift.weekdays.empty()) {
      YAML::Node days(YAML::NodeType::Sequence);
      for (const int day : shift.weekdays) days.push_back(kWeekdays[day]);
      line["days"] = days;
    }
    line.SetStyle(YAML::EmitterStyle::Flow);
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

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
      if (!p.agents.empty()) {
        YAML::Node list(YAML::NodeType::Sequence);
        for (const int a : p.agents) list.push_back(a);
        list.SetStyle(YAML::EmitterStyle::Flow);
        pool["staffing"] = list;
      } else {
        pool["shifts"] = shift_lines(p.shifts);
      }
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
