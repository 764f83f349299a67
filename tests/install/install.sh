#!/usr/bin/env bash
# cmake --install of a build into a fresh prefix, then what a user finds there: the program,
# a man page per verb, bash and zsh completion, the example scenarios, and the CMake package
# with which a program outside the tree builds (tests/install/consumer) and runs a scenario,
# giving the installed capsim's number.
# Usage: install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$prefix" >/dev/null
[ -x "$prefix/bin/capsim" ] || fail "no bin/capsim"
for verb in run compare check sweep merge staff schedule report validate erlang schema completion; do
  page="$prefix/share/man/man1/capsim-$verb.1"
  [ -s "$page" ] || fail "no man page for $verb"
  grep -q "^\.SH OPTIONS" "$page" || fail "the man page of $verb has no options"
done
grep -q "^\.SH DESCRIPTION" "$prefix/share/man/man1/capsim-run.1" || fail "capsim-run.1 is not a man page"
grep -q -- "replications" "$prefix/share/man/man1/capsim-run.1" || fail "capsim-run.1 lacks run's options"
[ -s "$prefix/share/capsim/scenarios/contact_center_day.yaml" ] || fail "no example scenarios"
[ -s "$prefix/share/zsh/site-functions/_capsim" ] || fail "no zsh completion"
grep -q "^#compdef capsim" "$prefix/share/zsh/site-functions/_capsim" || fail "the zsh completion has no #compdef"
# bash completion: verbs at the first word, a verb's options after it.
completion=$prefix/share/bash-completion/completions/capsim
words=$(bash -c "source '$completion'; COMP_WORDS=(capsim ru); COMP_CWORD=1; _capsim; echo \${COMPREPLY[*]}")
[ "$words" = "run" ] || fail "bash completion of 'capsim ru' gave '$words'"
words=$(bash -c "source '$completion'; COMP_WORDS=(capsim staff --max-a); COMP_CWORD=2; _capsim; echo \${COMPREPLY[*]}")
[ "$words" = "--max-agents" ] || fail "bash completion of 'capsim staff --max-a' gave '$words'"
# The package: a consumer outside the tree builds against the prefix alone and agrees with
# the installed program.
cmake -S "$source/tests/install/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/consumer" >/dev/null
scenario=$prefix/share/capsim/scenarios/retail_support.yaml
got=$("$work/consumer/consumer" "$scenario")
[ "${got%% *}" = wait_mean ] || fail "the consumer printed '$got'"
want=$("$prefix/bin/capsim" run "$scenario" --format csv -j2 | awk -F, '$2 == "overall" && $3 == "wait_mean" {print $5}')
[ -n "$want" ] || fail "capsim run gave no overall wait_mean"
awk -v a="${got#* }" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-9 * (b < 0 ? -b : b) + 1e-12) }' ||
  fail "the consumer's wait_mean ${got#* } differs from capsim run's $want"
# The Python module, from the prefix alone (when it was built).
if [ -d "$build/python/capsim" ]; then
  py=$(PYTHONPATH="$prefix/lib/python3/dist-packages" /usr/bin/python3 -c "
import capsim
kpis = capsim.run('$scenario', threads=2).kpis()
print(repr(float(kpis.query(\"scope == 'overall' and kpi == 'wait_mean'\")['mean'].iloc[0])))") ||
    fail "import capsim from the prefix failed"
  [ "$(/usr/bin/python3 -c "print(repr(float('$want')))")" = "$py" ] ||
    fail "the installed module's wait_mean $py differs from capsim run's $want"
fi
echo "install: program, $(ls "$prefix/share/man/man1" | wc -l) man pages, completions, scenarios, a consumer of find_package(capsim)${py:+ and the Python module} work"
