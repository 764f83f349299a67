// Walks tests/io/bad_scenarios/: each file's leading "# expect: ..." lines are the exact
// diagnostics, in order, that loading it must produce.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/io/scenario_loader.h"

TEST_CASE("every bad scenario gives exactly its expected diagnostics") {
  const std::filesystem::path folder = std::filesystem::path(CAPSIM_SOURCE_DIR) / "tests/io/bad_scenarios";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 15);
  for (const auto& file : files) {
    INFO(file.filename().string());
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> expected;
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line) && line.rfind("# expect: ", 0) == 0;)
      expected.push_back(line.substr(10));
    REQUIRE_FALSE(expected.empty());
    const auto result = capsim::io::load_scenario_text(text.str(), file.filename().string(), {}, folder.string());
    std::vector<std::string> got;
    for (const auto& e : result.errors) got.push_back(e.format());
    CHECK(got == expected);
    CHECK_FALSE(result.scenario.has_value());
  }
}
