#include "models/io/scenario_loader.h"

#include <filesystem>
#include <fstream>

#include "models/io/loader.h"
#include "models/io/yaml_source.h"
#include "models/scenario_check.h"

namespace capsim::io {
namespace detail {

void Loader::check_semantics(const Scenario& scenario) {
  std::vector<std::string> failed;
  bool horizon_failed = false;
  for (const auto& e : errors_) {
    if (e.path.empty()) continue;
    failed.push_back(e.path);
    horizon_failed = horizon_failed || e.path.rfind("horizon", 0) == 0;
  }
  const auto within = [](const std::string& inner, const std::string& outer) {
    return inner.rfind(outer, 0) == 0 && (inner.size() == outer.size() || inner[outer.size()] == '.');
  };
  const auto follows_from_reported = [&](const std::string& path) {
    for (const auto& f : failed)
      if (within(path, f) || within(f, path)) return true;
    if (missing_sections_.count(path.substr(0, path.find('.')))) return true;
    const auto ends_with = [&](const std::string& tail) {
      return path.size() >= tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
    };
    return horizon_failed && (ends_with(".per_interval") || ends_with(".staffing"));
  };
  for (const auto& problem : model::check_scenario(scenario)) {
    if (follows_from_reported(problem.path)) continue;
    error(mark_of(problem.path), problem.path, problem.message);
  }
}

std::vector<Diagnostic> Loader::warnings(const Scenario& scenario) {
  std::vector<Diagnostic> result;
  for (const auto& problem : model::assess_load(scenario)) {
    const YAML::Mark mark = mark_of(problem.path);
    result.push_back({origin_, mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0, problem.path,
                      "warning: " + problem.message});
  }
  return result;
}

// The position of the deepest key of the path that the file has.

}  // namespace detail

namespace {

LoadResult load(const std::string& text, const std::string& origin, const std::vector<std::string>& overrides,
                const std::string& base_dir) {
  LoadResult result;
  YamlSource source = parse_yaml_source(text, origin, result.errors);
  if (!source.ok) return result;
  YAML::Node root = source.root;
  detail::Loader loader(origin, base_dir, result.errors);
  loader.apply_overrides(root, overrides);
  model::Scenario scenario = loader.read(root);
  loader.check_semantics(scenario);
  sort_diagnostics(result.errors);
  if (result.errors.empty()) {
    result.warnings = loader.warnings(scenario);
    if (scenario.name.empty()) scenario.name = std::filesystem::path(origin).stem().string();
    result.scenario = std::move(scenario);
    result.data_files = loader.data_files();
  }
  return result;
}

}  // namespace

LoadResult load_scenario_text(const std::string& text, const std::string& origin,
                              const std::vector<std::string>& overrides, const std::string& base_dir) {
  try {
    return load(text, origin, overrides, base_dir);
  } catch (const YAML::Exception& e) {
    // Guard: yaml-cpp throws on some malformed inputs outside the parser (e.g. bad escapes).
    LoadResult result;
    result.errors.push_back(
        {origin, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.line >= 0 ? e.mark.column + 1 : 0, "", e.msg});
    return result;
  }
}

AssertionsResult load_assertions_file(const std::string& path) {
  AssertionsResult result;
  const auto read = read_yaml_file(path, "YAML file of assertions", result.errors);
  if (!read) return result;
  const std::string& text = *read;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    result.errors.push_back({path, 0, 0, "",
                             "the file is empty; expected an assert: list such as assert: [{kpi: slas.answer_20s, "
                             "at_least: 80%}]"});
    return result;
  }
  try {
    YamlSource source = parse_yaml_source(text, path, result.errors);
    if (!source.ok) return result;
    detail::Loader loader(path, ".", result.errors);
    static const detail::Keys kAssertKey{"assert"};
    bool found = false;
    for (auto& [key, node] : loader.top_entries(source.root, kAssertKey)) {
      loader.read_assertions(node, key, result.assertions);
      found = true;
    }
    if (!found && result.errors.empty())
      result.errors.push_back({path, 1, 1, "", "expected a top-level key \"assert\" holding a list of assertions"});
  } catch (const YAML::Exception& e) {
    result.errors.push_back(
        {path, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.line >= 0 ? e.mark.column + 1 : 0, "", e.msg});
  }
  sort_diagnostics(result.errors);
  return result;
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  LoadResult unread;
  const auto text = read_yaml_file(path, "scenario YAML file", unread.errors);
  if (!text) return unread;
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  return load_scenario_text(*text, path, overrides, base_dir.empty() ? "." : base_dir);
}

Diagnostic diagnostic_at(const std::string& path, const std::vector<std::string>& overrides, const std::string& key,
                         std::string message) {
  Diagnostic located{path, 0, 0, key, std::move(message)};
  std::vector<Diagnostic> errors;
  const auto text = read_yaml_file(path, "scenario YAML file", errors);
  if (!text) return located;
  try {
    YamlSource source = parse_yaml_source(*text, path, errors);
    if (!source.ok) return located;
    YAML::Node root = source.root;
    detail::Loader loader(path, ".", errors);
    loader.apply_overrides(root, overrides);
    loader.read(root);  // records where each key is
    located = loader.located(key, std::move(located.message));
  } catch (const YAML::Exception&) {
    // Unlocated: the file changed under us; the message still names the key.
  }
  return located;
}

}  // namespace capsim::io
