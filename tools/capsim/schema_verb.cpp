// capsim schema: the scenario format as a JSON Schema (draft 2020-12), for editors with a
// YAML language server and for other tools (models/io/scenario_schema.h makes it from the
// reader's own key tables).
#include <memory>
#include <string>

#include "models/io/scenario_schema.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

int schema(const std::string& output) { return write_output(output, io::scenario_schema()) ? kExitOk : kExitBadInput; }

}  // namespace

VerbRunner add_schema_verb(CLI::App& app) {
  auto output = std::make_shared<std::string>();
  CLI::App* verb = app.add_subcommand(
      "schema", "Print the scenario format as a JSON Schema (for editors: # yaml-language-server: $schema=FILE)");
  verb->add_option("-o,--output", *output, "Write to this file instead of stdout");
  return [output] { return schema(*output); };
}

}  // namespace capsim::cli
