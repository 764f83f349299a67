"""capsim from Python: simulate service scenarios and get pandas DataFrames.

    import capsim
    result = capsim.run("scenarios/contact_center_day.yaml", replications=30, seed=7,
                        set={"pools.tier2.agents": 5})
    result.kpis()          # one row per (scope, name, kpi): the CSV of `capsim run --format csv`
    result.intervals()     # the interval rows of the same table
    result.replications()  # one row per (replication, scope, name, kpi)

A scenario is a YAML file's path or a dict of the same structure. Every number equals what
the command line prints for the same scenario and seed, bit for bit. A scenario with problems
raises ScenarioError with each problem's file, line, column and key. Simulation runs with the
GIL released, on `threads` threads (all cores by default).
"""
import io
import itertools
import json
import os

import pandas

from . import _capsim

__all__ = ["ScenarioError", "Result", "run", "compare", "sweep", "staff", "erlang_c"]


class ScenarioError(ValueError):
    """A scenario that cannot run. `problems` lists them all, each a dict of file, line,
    column, key and message; the attributes are the first one's."""

    def __init__(self, problems):
        self.problems = list(problems)
        first = self.problems[0] if self.problems else {"file": "", "line": 0, "column": 0, "key": "", "message": ""}
        self.file, self.line, self.column = first["file"], first["line"], first["column"]
        self.key, self.message = first["key"], first["message"]
        super().__init__("\n".join(p["text"] for p in self.problems))


def _frame(csv_text):
    # round_trip: the same doubles the command line printed, not a faster approximation.
    return pandas.read_csv(io.StringIO(csv_text), float_precision="round_trip", keep_default_na=False,
                           na_values=[""], dtype={"scope": str, "name": str, "kpi": str})


def _value_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def _overrides(settings):
    return [f"{key}={_value_text(value)}" for key, value in (settings or {}).items()]


def _source(scenario):
    """(text or path, is_text, origin) of a path or a dict."""
    if isinstance(scenario, dict):
        # JSON is YAML: the reader sees the dict as a file would hold it.
        return json.dumps(scenario, indent=1), True, "<dict>"
    path = os.fspath(scenario)
    return path, False, path


def _threads(threads):
    return int(threads) if threads else (os.cpu_count() or 1)


def _seed(seed):
    return None if seed is None else str(seed)


def _checked(answer):
    if "problems" in answer:
        raise ScenarioError(answer["problems"])
    return answer


class Result:
    """A run's KPI distributions (see README "Output" for every KPI's definition)."""

    def __init__(self, answer):
        self._csv = answer["csv"]
        self._replications = answer["replications"]
        self.json = json.loads(answer["json"])
        self.events = answer["events"]

    def table(self):
        """Every row of `capsim run --format csv`."""
        return _frame(self._csv)

    def kpis(self):
        """The rows of every scope but intervals."""
        table = self.table()
        return table[table["scope"] != "interval"].reset_index(drop=True)

    def intervals(self):
        """The interval rows (name: the interval's clock start)."""
        table = self.table()
        return table[table["scope"] == "interval"].reset_index(drop=True)

    def replications(self):
        """One row per (replication, scope, name, kpi) with its value."""
        return _frame(self._replications)


def run(scenario, replications=None, seed=None, threads=None, set=None):
    """Simulates `scenario` (a path or a dict) and returns its Result."""
    text, is_text, origin = _source(scenario)
    return Result(_checked(_capsim.run(text, is_text, origin, _overrides(set), replications, _seed(seed),
                                       _threads(threads))))


def compare(scenario, variants, replications=None, seed=None, threads=None, set=None, independent=False):
    """Each variant ({name: {key.path: value}}) against the base under common random numbers:
    the rows of `capsim compare --format csv` (paired differences and their CIs)."""
    text, is_text, origin = _source(scenario)
    pairs = [(name, _overrides(settings)) for name, settings in variants.items()]
    answer = _checked(_capsim.compare(text, is_text, origin, _overrides(set), replications, _seed(seed), pairs,
                                      _threads(threads), bool(independent)))
    return _frame(answer["csv"])


def sweep(scenario, grid, replications=None, seed=None, threads=None, set=None):
    """The scenario at every point of `grid` ({key.path: [values]}, every combination, the
    last key varying fastest), with the same seed at every point: one DataFrame with a
    column `point`, one per key, then the columns of Result.table()."""
    keys = list(grid)
    frames = []
    for point, values in enumerate(itertools.product(*(grid[k] for k in keys))):
        settings = dict(set or {})
        settings.update(zip(keys, values))
        table = run(scenario, replications, seed, threads, settings).table()
        for position, (key, value) in enumerate(zip(keys, values)):
            table.insert(position, key, _value_text(value))
        table.insert(0, "point", point)
        frames.append(table)
    return pandas.concat(frames, ignore_index=True)


def staff(scenario, confidence=0.95, max_agents=1000, replications=None, seed=None, threads=None, set=None):
    """The fewest agents per interval that meet every target (`capsim staff`): the rows of its
    CSV (interval, scope, name, kpi, value). `met` in the frame's attrs says whether every
    target was met."""
    text, is_text, origin = _source(scenario)
    answer = _checked(_capsim.staff(text, is_text, origin, _overrides(set), replications, _seed(seed),
                                    float(confidence), int(max_agents), _threads(threads)))
    frame = _frame(answer["csv"])
    frame.attrs["met"] = answer["met"]
    return frame


def erlang_c(rate, aht, agents=None, within="20s", target=None):
    """Erlang C (M/M/c): P(wait), ASA (s), service level within `within`, occupancy, for
    `agents`, or for the fewest agents whose service level reaches `target`. Rates and
    durations are strings with units ("18/min", "4.5min") or numbers per second / in seconds."""
    return _capsim.erlang_c(rate, aht, agents, within, target)
