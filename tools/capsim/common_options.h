// The options every simulating verb shares, registered once with one range each:
// -r/--replications, --seed, -j/--threads, --set, and (where the verb writes a report)
// --format and -o/--output.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "models/scenario.h"

namespace capsim::cli {

struct CommonOptions {
  std::optional<int> replications;
  std::optional<std::string> seed;  // parsed exactly, as in the file (io::parse_seed)
  // Worker threads: all cores by default; as asked with -j (more than the cores only
  // oversubscribes: results never depend on it).
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> overrides;
  std::string format;
  std::string output;
};

// -r, --seed, -j and --set. `replications_help` says what -r means for the verb.
void add_common_options(CLI::App* verb, CommonOptions& options, const std::string& replications_help);
// --format (the first of `formats` is the default) and -o.
void add_output_options(CLI::App* verb, CommonOptions& options, const std::vector<std::string>& formats,
                        const std::string& output_help = "Write to this file instead of stdout");

// Whether a table written to `output` ("" or "-": standard output) shows a missed SLA in
// colour: standard output is a terminal and NO_COLOR (https://no-color.org) is unset or empty.
bool colour_for(const std::string& output);

// -r and --seed over the file's values; false after printing what is wrong.
bool apply_common_options(model::Scenario& scenario, const CommonOptions& options);

// False (after printing why) when an output path names one of the command's inputs (the
// same file, by device and inode, or the same path): writing it would destroy the input.
bool output_spares_inputs(const std::string& option, const std::string& output, const std::vector<std::string>& inputs);

}  // namespace capsim::cli
