// libFuzzer target: any bytes as a scenario file. Loading, validation and compilation must
// answer with diagnostics or a model, never crash, hang or grow without bound; small
// models that load are also simulated for one replication.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/compiled_model.h"
#include "models/io/scenario_loader.h"
#include "models/kpi_layout.h"
#include "models/scenario_check.h"
#include "models/service_system.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto loaded = capsim::io::load_scenario_text(text, "fuzz.yaml", {}, CAPSIM_FUZZ_DATA_DIR);
  for (const auto& diagnostic : loaded.errors) (void)diagnostic.format();
  if (!loaded.scenario) return 0;
  const auto model = capsim::model::compile(*loaded.scenario);
  // Simulate only what finishes quickly: a few thousand arrivals, little rework.
  double arrivals = 0.0;
  for (const auto& customer : loaded.scenario->customers)
    arrivals += capsim::model::expected_arrivals(customer, loaded.scenario->horizon);
  if (arrivals > 2000.0 || loaded.scenario->horizon.length_seconds > 30.0 * 86400.0) return 0;
  const capsim::model::KpiLayout layout(model);
  try {
    (void)capsim::model::run_replication(model, layout, 0);
  } catch (const capsim::model::PopulationLimitExceeded&) {
  }
  return 0;
}
