// The capsim verbs. Each registers its CLI11 subcommand and returns the exit code:
// 0 success, 1 a check failed, 2 bad input or usage. One file per verb.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

namespace capsim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternalError = 70;  // EX_SOFTWARE

// Adds the verb to `app`; the returned function runs it after parsing.
using VerbRunner = std::function<int()>;
VerbRunner add_run_verb(CLI::App& app);
VerbRunner add_validate_verb(CLI::App& app);
VerbRunner add_erlang_verb(CLI::App& app);
VerbRunner add_compare_verb(CLI::App& app);
VerbRunner add_check_verb(CLI::App& app);
VerbRunner add_sweep_verb(CLI::App& app);
VerbRunner add_merge_verb(CLI::App& app);
VerbRunner add_staff_verb(CLI::App& app);
VerbRunner add_schedule_verb(CLI::App& app);
VerbRunner add_report_verb(CLI::App& app);
VerbRunner add_schema_verb(CLI::App& app);
VerbRunner add_completion_verb(CLI::App& app);

}  // namespace capsim::cli
