// capsim completion bash|zsh: a shell completion script made from the command line's own
// definition (every verb, every option, their descriptions), so it never lags behind it.
// `cmake --install` puts both in the shells' completion folders.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tools/capsim/output_file.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct Verb {
  std::string name, description;
  std::vector<std::string> names;         // every option spelling: -r, --replications
  std::vector<std::string> descriptions;  // per entry of `names`
  std::vector<bool> takes_value;
};

std::vector<Verb> verbs_of(const CLI::App& app) {
  std::vector<Verb> verbs;
  for (const CLI::App* command : app.get_subcommands({})) {
    Verb verb{command->get_name(), command->get_description(), {}, {}, {}};
    for (const CLI::Option* option : command->get_options()) {
      if (option->get_positional()) continue;
      std::vector<std::string> spellings;
      for (const auto& s : option->get_snames()) spellings.push_back("-" + s);
      for (const auto& l : option->get_lnames()) spellings.push_back("--" + l);
      for (const auto& spelling : spellings) {
        verb.names.push_back(spelling);
        verb.descriptions.push_back(option->get_description());
        verb.takes_value.push_back(option->get_type_size() != 0);
      }
    }
    verbs.push_back(std::move(verb));
  }
  return verbs;
}

// Text safe inside a zsh '...' spec: no quote, bracket or colon of its own.
std::string zsh_text(std::string text) {
  for (char& c : text)
    if (c == '\'' || c == '[' || c == ']' || c == ':' || c == '\\' || c == '`' || c == '$') c = ' ';
  return text;
}

std::string bash_script(const std::vector<Verb>& verbs) {
  std::string names, cases;
  for (const Verb& verb : verbs) {
    names += " " + verb.name;
    std::string options;
    for (const auto& n : verb.names) options += " " + n;
    cases += "    " + verb.name + ") options=\"" + options.substr(1) + "\" ;;\n";
  }
  return "# bash completion for capsim (made by `capsim completion bash`)\n"
         "_capsim() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" options=\"\"\n"
         "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
         "    COMPREPLY=($(compgen -W \"" +
         names.substr(1) +
         " --help --version\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n"
         "  case \"${COMP_WORDS[1]}\" in\n" +
         cases +
         "  esac\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$options --help\" -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "  fi\n"
         "}\n"
         "complete -o filenames -F _capsim capsim capsim-mpi\n";
}

std::string zsh_script(const std::vector<Verb>& verbs) {
  std::string described, cases;
  for (const Verb& verb : verbs) {
    described += "    '" + verb.name + ":" + zsh_text(verb.description) + "'\n";
    cases += "    " + verb.name + ")\n      _arguments \\\n";
    for (std::size_t i = 0; i < verb.names.size(); ++i)
      cases += "        '" + verb.names[i] + "[" + zsh_text(verb.descriptions[i]) + "]" +
               (verb.takes_value[i] ? ":value:" : "") + "' \\\n";
    cases += "        '*:file:_files' ;;\n";
  }
  return "#compdef capsim capsim-mpi\n"
         "# zsh completion for capsim (made by `capsim completion zsh`)\n"
         "_capsim() {\n"
         "  local -a verbs\n"
         "  verbs=(\n" +
         described +
         "  )\n"
         "  if (( CURRENT == 2 )); then\n"
         "    _describe 'verb' verbs\n"
         "    return\n"
         "  fi\n"
         "  case $words[2] in\n" +
         cases +
         "  esac\n"
         "}\n"
         "_capsim \"$@\"\n";
}

}  // namespace

VerbRunner add_completion_verb(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  CLI::App* verb = app.add_subcommand("completion", "Print a shell completion script (bash or zsh)");
  verb->add_option("shell", *shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  verb->add_option("-o,--output", *output, "Write to this file instead of stdout");
  const CLI::App* root = &app;
  return [root, shell, output] {
    const auto verbs = verbs_of(*root);
    return write_output(*output, *shell == "bash" ? bash_script(verbs) : zsh_script(verbs)) ? kExitOk : kExitBadInput;
  };
}

}  // namespace capsim::cli
