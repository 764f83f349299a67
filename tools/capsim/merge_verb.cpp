// capsim merge: the shards of one sweep, in any order, into its single-machine output
// (experiment::merge_shards checks them; nothing is written unless all are there and whole).
#include <memory>
#include <string>
#include <vector>

#include "experiment/sweep.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> shards;
  std::string output;
};

int merge(const MergeOptions& options) {
  if (!output_spares_inputs("-o", options.output, options.shards)) return kExitBadInput;
  OutputFile out(options.output);
  bool opened = false;
  std::string problem;
  const bool merged = experiment::merge_shards(
      options.shards,
      [&](std::string_view piece) {
        if (!opened && !(opened = out.open())) return false;
        out.stream().write(piece.data(), static_cast<std::streamsize>(piece.size()));
        return static_cast<bool>(out.stream());
      },
      problem);
  if (!merged) {
    if (!problem.empty()) std::cerr << "capsim: " << problem << '\n';
    if (opened) (void)out.commit();  // says why the write failed (and puts nothing in place)
    return kExitBadInput;
  }
  return out.commit() ? kExitOk : kExitBadInput;
}

}  // namespace

VerbRunner add_merge_verb(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* verb = app.add_subcommand("merge", "Join the shards of one sweep into its single-machine output");
  verb->add_option("shards", options->shards, "Shard outputs of capsim sweep --shard i/N")->required();
  verb->add_option("-o,--output", options->output, "Write to this file instead of stdout");
  return [options] { return merge(*options); };
}

}  // namespace capsim::cli
