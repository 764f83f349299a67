// capsim validate: check a scenario without running it: the file, and what `check` and
// `sweep` would refuse later (its assert: paths and bounds, its sweep: keys and values).
#include <iostream>
#include <memory>

#include "experiment/check.h"
#include "experiment/sweep.h"
#include "models/compiled_model.h"
#include "models/io/diagnostics.h"
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
      // What other verbs would refuse later: its assert: paths and bounds, its sweep: points.
      std::vector<std::string> problems;
      const model::KpiLayout layout(compiled);
      (void)experiment::resolve_assertions(scenario->assertions, model::KpiIndex(layout), problems);
      if (!scenario->sweep.grid.empty() || !scenario->sweep.zip.empty())
        for (const auto& p : experiment::check_sweep_points(experiment::points_from_section(scenario->sweep, file),
                                                            file, options->overrides))
          problems.push_back(p.format());
      if (!problems.empty()) {
        for (const auto& p : problems) std::cerr << p << '\n';
        std::cerr << "capsim: " << problems.size() << (problems.size() == 1 ? " problem" : " problems") << " in "
                  << io::printable(file, 200) << '\n';
        code = kExitBadInput;
        continue;
      }
      std::cout << file << ": ok (" << compiled.classes.size() << " customer classes, " << compiled.stages.size()
                << " stages, " << compiled.pools.size() << " pools, " << compiled.slas.size() << " SLAs, "
                << compiled.intervals << " intervals, " << compiled.replications << " replications)\n";
    }
    return code;
  };
}

}  // namespace capsim::cli
