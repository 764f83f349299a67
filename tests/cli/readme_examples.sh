#!/usr/bin/env bash
# The README's examples are what capsim does: each example below is taken from README.md
# itself (not copied here), run, and compared with what the README says it gives.
set -euo pipefail
capsim="$1"
root="$2"
readme="$root/README.md"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The `sweep:` section example, appended to the default day, sweeps the points it says.
block="$(awk '/^  ```yaml$/ {inside=1; text=""; next} inside && /^  ```$/ {if (text ~ /^  sweep:/) {print text; exit} inside=0; next} inside {text = text $0 "\n"}' "$readme" | sed 's/^  //')"
[ -n "$block" ] || fail "no sweep: example found in the README"
points="$(grep -o 'sweeps [0-9 ×]* = [0-9]* points' "$readme" | head -1 | grep -o '[0-9]* points' | grep -o '[0-9]*')"
[ -n "$points" ] || fail "the README does not say how many points its sweep example has"
cp -r "$root/scenarios/." "$work/"
{ cat "$root/scenarios/contact_center_day.yaml"; printf '%s\n' "$block"; } > "$work/swept.yaml"
"$capsim" sweep "$work/swept.yaml" -r 2 --format csv -o "$work/swept.csv"
header="$(head -1 "$work/swept.csv")"
echo "$header" | grep -q "points $points " || fail "the sweep example: README says $points points, capsim: $header"

# 2. The help-desk example's figures: answer_60s attained and risk, as the README prints them.
claim="$(tr '\n' ' ' < "$readme" | grep -o '`answer_60s` [0-9.]*% attained, risk [0-9.]*%' | head -1)"
[ -n "$claim" ] || fail "no help-desk figures found in the README"
attained="$(echo "$claim" | awk '{print $2}')"
risk="$(echo "$claim" | awk '{print $5}')"
"$capsim" run "$root/scenarios/help_desk.yaml" -o "$work/help_desk.txt"
row="$(grep '^answer_60s' "$work/help_desk.txt")"
set -- $row
[ "$3" = "$attained" ] || fail "help desk: README says answer_60s $attained attained, capsim prints $3 ($row)"
[ "$7" = "$risk" ] || fail "help desk: README says risk $risk, capsim prints $7 ($row)"
# 3. Every output block the README shows after a `$ capsim ...` line (indented as a list
# item's code block) is what that command prints.
shown=0
while IFS= read -r line_number; do
  command="$(sed -n "${line_number}p" "$readme" | sed 's/^ *\$ capsim //')"
  expected="$(awk -v start="$line_number" 'NR > start && /^ *```$/ {exit} NR > start {sub(/^  /, ""); print}' "$readme")"
  # shellcheck disable=SC2086 # the command's words, as the README writes them
  actual="$(cd "$root" && "$capsim" $command)"
  [ "$actual" = "$expected" ] || fail "README line $line_number: capsim $command printed
$actual
but the README shows
$expected"
  shown=$((shown + 1))
done < <(grep -n '^ *\$ capsim ' "$readme" | cut -d: -f1)
[ "$shown" -gt 0 ] || fail "no \$ capsim output blocks found in the README"

# 4. The counts the README gives of the repository's own files.
corpus="$(tr '\n' ' ' < "$readme" | grep -o '`tests/io/bad_scenarios/`, *[0-9]* files' | grep -o '[0-9]* files' | grep -o '[0-9]*')"
[ -n "$corpus" ] || fail "the README does not say how many files the bad-input corpus has"
have="$(find "$root/tests/io/bad_scenarios" -name '*.yaml' | wc -l)"
[ "$corpus" -eq "$have" ] || fail "the README says the bad-input corpus has $corpus files; it has $have"

echo "README examples: $shown output blocks, sweep of $points points, help desk $attained attained, risk $risk"
