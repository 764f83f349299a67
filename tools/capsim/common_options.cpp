#include "tools/capsim/common_options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "models/io/diagnostics.h"
#include "models/io/units.h"
#include "models/limits.h"

namespace capsim::cli {

void add_common_options(CLI::App* verb, CommonOptions& options, const std::string& replications_help) {
  verb->add_option("-r,--replications", options.replications, replications_help)
      ->check(CLI::Range(1, static_cast<int>(model::kMaxReplications)));
  verb->add_option("--seed", options.seed, "Base random seed (overrides the file)");
  verb->add_option("-j,--threads", options.threads, "Worker threads (results do not depend on it)")
      ->check(CLI::Range(1u, 1024u));
  verb->add_option(
      "--set", options.overrides,
      "Override a value: key.path=value; * for every class, pool, stage or SLA "
      "(stages.*.service.mean=5min); *F multiplies what the file has (=*1.2, =*110%); key.path+=value appends "
      "to a list (repeatable)");
  // --scale arrivals=110% is --set 'customers.*.arrivals=*110%'; --scale KEY=F is --set KEY=*F.
  verb->add_option_function<std::vector<std::string>>(
          "--scale",
          [&options](const std::vector<std::string>& scales) {
            for (const auto& scale : scales) {
              const auto equals = scale.find('=');
              if (equals == std::string::npos || equals == 0 || equals + 1 == scale.size())
                throw CLI::ValidationError("--scale",
                                           "expected KEY=FACTOR such as arrivals=110% or "
                                           "stages.phone.service.mean=1.2; got \"" +
                                               io::printable(scale) + "\"");
              const std::string key = scale.substr(0, equals);
              options.overrides.push_back((key == "arrivals" ? std::string("customers.*.arrivals") : key) + "=*" +
                                          scale.substr(equals + 1));
            }
          },
          "Multiply a value: arrivals=110% scales every class's arrivals, KEY=FACTOR any number "
          "with its unit (applied after --set; repeatable)")
      ->type_name("KEY=FACTOR");
}

void add_output_options(CLI::App* verb, CommonOptions& options, const std::vector<std::string>& formats,
                        const std::string& output_help) {
  options.format = formats.front();
  verb->add_option("--format", options.format, "Output format")->check(CLI::IsMember(formats));
  verb->add_option("-o,--output", options.output, output_help);
}

bool apply_common_options(model::Scenario& scenario, const CommonOptions& options) {
  if (options.replications) scenario.replications = *options.replications;
  if (options.seed) {
    const auto parsed = io::parse_seed(*options.seed);
    if (!parsed) {
      std::cerr << "capsim: --seed: expected " << io::kSeedExpected << "; got \"" << io::printable(*options.seed)
                << "\"\n";
      return false;
    }
    scenario.seed = *parsed;
  }
  return true;
}

bool output_spares_inputs(const std::string& option, const std::string& output,
                          const std::vector<std::string>& inputs) {
  if (output.empty()) return true;
  struct stat out {};
  const bool exists = ::stat(output.c_str(), &out) == 0;
  std::error_code error;
  const auto output_path = std::filesystem::weakly_canonical(output, error);
  for (const auto& input : inputs) {
    if (input.empty()) continue;
    struct stat in {};
    const bool same_inode = exists && ::stat(input.c_str(), &in) == 0 && S_ISREG(out.st_mode) &&
                            in.st_dev == out.st_dev && in.st_ino == out.st_ino;
    std::error_code input_error;
    const bool same_path =
        !error && std::filesystem::weakly_canonical(input, input_error) == output_path && !input_error;
    if (same_inode || same_path) {
      std::cerr << "capsim: " << option << " " << io::printable(output, 200) << " is also an input ("
                << io::printable(input, 200) << "); writing it would destroy the input: name another file\n";
      return false;
    }
  }
  return true;
}

bool colour_for(const std::string& output) {
  const char* no_colour = std::getenv("NO_COLOR");
  return (output.empty() || output == "-") && ::isatty(STDOUT_FILENO) != 0 && (!no_colour || !*no_colour);
}

}  // namespace capsim::cli
