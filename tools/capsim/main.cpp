// capsim: the command-line front end. Parses the verb, runs it, and maps failures to exit
// codes: 1 a check failed, 2 usage and input errors or output that cannot be written, 70 an
// internal error (a bug: please report).
#include <csignal>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "capsim_build_info.h"
#include "models/io/diagnostics.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

int main(int argc, char** argv) {
  using namespace capsim::cli;
  // A closed pipe (`capsim ... | head`) is a failed write with a reason and exit 2, never a
  // silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"capsim: discrete-event simulation for service capacity planning", "capsim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("capsim ") + CAPSIM_VERSION + " (" + CAPSIM_GIT_COMMIT + ")");
  capsim::cli::set_command_line(argc, argv);

  // The verb table: name is given by each verb's own subcommand.
  const std::vector<VerbRunner (*)(CLI::App&)> verbs{
      add_run_verb,      add_compare_verb, add_check_verb,    add_sweep_verb,  add_merge_verb,  add_staff_verb,
      add_schedule_verb, add_report_verb,  add_validate_verb, add_erlang_verb, add_schema_verb, add_completion_verb};
  std::vector<std::pair<CLI::App*, VerbRunner>> runners;
  for (const auto add : verbs) {
    const std::size_t before = app.get_subcommands({}).size();
    VerbRunner runner = add(app);
    runners.emplace_back(app.get_subcommands({})[before], std::move(runner));
  }

  // A first word that is neither an option nor a verb gets a plain answer, not CLI11's
  // "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    std::string verbs_known;
    bool known = false;
    for (const auto& [command, runner] : runners) {
      known = known || command->get_name() == argv[1];
      verbs_known += (verbs_known.empty() ? "" : ", ") + command->get_name();
    }
    if (!known) {
      std::cerr << "capsim: unknown verb \"" << capsim::io::printable(argv[1]) << "\"; expected one of " << verbs_known
                << " (capsim --help describes them)\n";
      return kExitBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }

  try {
    for (auto& [command, runner] : runners) {
      if (!command->parsed()) continue;
      const int code = runner();
      // Every verb's output must have reached its destination, or the command failed.
      return flush_standard_output() ? code : kExitBadInput;
    }
  } catch (const std::bad_alloc&) {
    // An input too large for the memory available (a huge baseline, a limit set by ulimit):
    // bad input with its reason, never a crash.
    std::cerr << "capsim: out of memory: the input needs more memory than this process may use (ulimit -v, "
                 "the machine); nothing was written\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "capsim: internal error: " << e.what() << '\n';
    return kExitInternalError;
  } catch (...) {
    std::cerr << "capsim: internal error: unknown exception\n";
    return kExitInternalError;
  }
  return kExitBadInput;
}
