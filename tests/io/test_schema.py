"""The scenario schema (`capsim schema`) checked by an independent validator (Debian's
python3-jsonschema, draft 2020-12) on YAML read by PyYAML: every file in scenarios/ is
valid, and every file of the bad-input corpus whose problem is structural (an unknown key,
a value of the wrong kind or unit, a missing key, a number out of its range) is not.
Run by ctest: python3 -m pytest tests/io/test_schema.py --capsim PATH."""
import json
import pathlib
import re
import subprocess

import jsonschema
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Messages of problems a schema can see in one value or one map, whatever the rest of the
# file says. Other problems (names that refer to each other, sums, horizons, files) are the
# reader's alone.
STRUCTURAL = re.compile(
    r"unknown key|expected a duration such as|expected a rate such as|expected a fraction between|"
    r"unknown distribution|expected fifo or priority|expected true or false|"
    r"missing key \"(arrivals|entry|service|pools|target|dist|horizon|customers|stages|kpi)\"|"
    r"expected a whole number of (agents|replications|waiting places|days|phases|customers one agent serves at once) from|"
    r"expected a priority|expected a skill level|expected a cost per hour|expected a seed|expected abandon_rate or asa|"
    r"expected a fraction from 0 up to|expected a list of shift templates|expected a factor above 0|"
    r"expected a map of keys|expected a clock time such as")


@pytest.fixture(scope="module")
def validator(request):
    capsim = request.config.getoption("--capsim")
    text = subprocess.run([capsim, "schema"], check=True, capture_output=True, text=True).stdout
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_scenario_is_valid(validator, path):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(load(path))]
    assert not errors, "\n".join(errors)


def structural(path):
    expected = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                if line.startswith("# expect:")]
    return any(STRUCTURAL.search(line) for line in expected)


BAD = sorted((ROOT / "tests/io/bad_scenarios").glob("*.yaml"))
STRUCTURAL_BAD = [p for p in BAD if structural(p)]


def test_the_corpus_has_structural_problems():
    assert len(STRUCTURAL_BAD) >= 14


@pytest.mark.parametrize("path", STRUCTURAL_BAD, ids=lambda p: p.name)
def test_a_structural_problem_fails_the_schema(validator, path):
    try:
        document = load(path)
    except yaml.YAMLError:
        pytest.skip("not YAML that PyYAML reads")
    assert not validator.is_valid(document)
