// capsim validate: check a scenario without running it.
#include <iostream>
#include <memory>

#include "models/compiled_model.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {

VerbRunner add_validate_verb(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::vector<std::string> overrides;
  };
  auto options = std::make_shared<Options>();
  CLI::App* verb = app.add_subcommand("validate", "Check scenario files; report every problem with its position");
  verb->add_option("files", options->files, "Scenario YAML files")->required();
  verb->add_option("--set", options->overrides, "Override a scalar: key.path=value (repeatable)");
  return [options] {
    int code = kExitOk;
    for (const auto& file : options->files) {
      const auto scenario = load_or_report(file, options->overrides);
      if (!scenario) {
        code = kExitBadInput;
        continue;
      }
      const auto compiled = model::compile(*scenario);
      std::cout << file << ": ok (" << compiled.classes.size() << " customer classes, " << compiled.stages.size()
                << " stages, " << compiled.pools.size() << " pools, " << compiled.slas.size() << " SLAs, "
                << compiled.intervals << " intervals, " << compiled.replications << " replications)\n";
    }
    return code;
  };
}

}  // namespace capsim::cli
