// libFuzzer target: --set overrides. The input is split at newlines into key.path=value
// strings applied to the retail example; every outcome must be a diagnostic or a model.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/compiled_model.h"
#include "models/io/scenario_loader.h"

namespace {

const std::string& base_scenario() {
  static const std::string text = [] {
    std::ifstream in(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/retail_support.yaml");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }();
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> overrides;
  std::string current;
  for (std::size_t i = 0; i < size && overrides.size() < 16; ++i) {
    if (data[i] == '\n') {
      overrides.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty()) overrides.push_back(current);
  const auto loaded = capsim::io::load_scenario_text(base_scenario(), "retail_support.yaml", overrides, ".");
  for (const auto& diagnostic : loaded.errors) (void)diagnostic.format();
  if (loaded.scenario) (void)capsim::model::compile(*loaded.scenario);
  return 0;
}
