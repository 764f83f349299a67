"""The Python module `capsim` (pybind11) checked against the command line: every number of
its DataFrames equals what `capsim` prints for the same scenario and seed, bit for bit; a
bad scenario raises ScenarioError at its file, line, column and key; the GIL is released
while simulating. Run by ctest with PYTHONPATH at the built module:
python3 -m pytest tests/python/test_module.py --capsim PATH."""
import csv
import io
import json
import math
import pathlib
import subprocess
import threading
import time

import pandas
import pytest
import yaml

import capsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
RETAIL = str(ROOT / "scenarios/retail_support.yaml")
NUMBERS = ["n", "mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95", "min", "max", "pooled"]


@pytest.fixture(scope="module")
def cli(request):
    program = request.config.getoption("--capsim")

    def call(*args):
        return subprocess.run([program, *args], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return call


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def exactly(frame_value, text):
    """A DataFrame cell against the CLI's CSV field: the same double, or both empty."""
    if text == "":
        return frame_value is None or (isinstance(frame_value, float) and math.isnan(frame_value))
    return float(frame_value) == float(text)


def assert_same_table(frame, rows, columns):
    assert len(frame) == len(rows)
    for record, row in zip(frame.to_dict("records"), rows):
        for column in columns:
            if column in ("scope", "name", "kpi", "interval", "variant"):
                assert str(record[column]) == row[column], column
            else:
                assert exactly(record[column], row[column]), (row, column)


def test_run_equals_the_cli_csv_bit_for_bit(cli):
    result = capsim.run(RETAIL, replications=3, seed=5, threads=2)
    rows = csv_rows(cli("run", RETAIL, "-r", "3", "--seed", "5", "--format", "csv"))
    assert_same_table(result.table(), rows, ["scope", "name", "kpi", *NUMBERS])
    assert len(result.kpis()) + len(result.intervals()) == len(rows)
    assert set(result.intervals()["scope"]) == {"interval"}
    assert "interval" not in set(result.kpis()["scope"])


def test_a_dict_runs_as_its_file_does_and_set_overrides_as_on_the_cli(cli):
    scenario = yaml.safe_load(open(RETAIL, encoding="utf-8"))
    from_dict = capsim.run(scenario, replications=2, seed=9, set={"pools.tier2.agents": 6}).table()
    rows = csv_rows(cli("run", RETAIL, "-r", "2", "--seed", "9", "--set", "pools.tier2.agents=6", "--format", "csv"))
    assert_same_table(from_dict, rows, ["scope", "name", "kpi", *NUMBERS])


def test_replications_equal_the_json_values(cli):
    result = capsim.run(RETAIL, replications=3, seed=5)
    doc = json.loads(cli("run", RETAIL, "-r", "3", "--seed", "5", "--format", "json", "--replication-values"))
    per = result.replications()
    assert list(per.columns) == ["replication", "scope", "name", "kpi", "value", "interval_index", "start_seconds",
                                 "pool", "sla"]
    waits = per[(per["scope"] == "overall") & (per["kpi"] == "wait_mean")]["value"].tolist()
    assert waits == doc["kpis"]["wait_mean"]["values"]
    attained = per[(per["scope"] == "sla") & (per["kpi"] == "attained")]["value"].tolist()
    assert attained == doc["slas"]["answer_20s"]["values"]


def test_interval_rows_pivot_by_pool_and_sort_by_index():
    # What a researcher does at once: occupancy per pool along the day, with no parsing.
    intervals = capsim.run(RETAIL, replications=2, seed=5).intervals()
    occupancy = intervals[intervals["kpi"] == "occupancy"]
    by_pool = occupancy[occupancy["pool"].notna() & (occupancy["pool"] != "")].pivot(
        index="interval_index", columns="pool", values="mean")
    assert sorted(by_pool.columns) == ["tier1", "tier2"]
    assert list(by_pool.index) == list(range(24))
    starts = intervals.drop_duplicates("interval_index").sort_values("start_seconds")
    assert list(starts["interval_index"]) == list(range(24))
    assert list(starts["start_seconds"].astype(float))[:2] == [0.0, 1800.0]


def test_a_bad_scenario_raises_with_its_position():
    bad = ROOT / "tests/io/bad_scenarios/001-unknown-key.yaml"
    with pytest.raises(capsim.ScenarioError) as caught:
        capsim.run(str(bad))
    error = caught.value
    assert error.file.endswith("001-unknown-key.yaml")
    assert (error.line, error.column, error.key) == (11, 5, "stages.agent.queu")
    assert "unknown key" in error.message
    assert isinstance(error, ValueError)


def test_a_bad_override_and_a_bad_dict_raise_too():
    with pytest.raises(capsim.ScenarioError) as caught:
        capsim.run(RETAIL, set={"pools.tier2.agents": "x"})
    assert caught.value.key == "pools.tier2.agents"
    assert "expected a whole number" in caught.value.message
    with pytest.raises(capsim.ScenarioError) as caught:
        capsim.run({"name": "x"})
    assert caught.value.file == "<dict>"
    with pytest.raises(capsim.ScenarioError):
        capsim.run(RETAIL, replications=0)


def test_compare_equals_the_cli(cli):
    frame = capsim.compare(RETAIL, {"more": {"pools.tier2.agents": 6}}, replications=4, seed=3)
    rows = csv_rows(cli("compare", RETAIL, "-r", "4", "--seed", "3", "--variant", "more:pools.tier2.agents=6",
                        "--format", "csv"))
    numbers = [c for c in rows[0] if c not in ("variant", "scope", "name", "kpi", "significant")]
    assert_same_table(frame, rows, ["variant", "scope", "name", "kpi", *numbers])
    with pytest.raises(capsim.ScenarioError) as caught:
        capsim.compare(RETAIL, {"bad": {"seed": 4}}, replications=2)
    assert caught.value.key == "seed"


def test_sweep_is_one_frame_of_runs(cli):
    frame = capsim.sweep(RETAIL, {"pools.tier2.agents": [3, 5]}, replications=2, seed=4)
    assert list(frame.columns[:5]) == ["point", "pools.tier2.agents", "scope", "name", "kpi"]
    second = frame[frame["point"] == 1].reset_index(drop=True)
    assert set(second["pools.tier2.agents"]) == {"5"}
    rows = csv_rows(cli("run", RETAIL, "-r", "2", "--seed", "4", "--set", "pools.tier2.agents=5", "--format", "csv"))
    assert_same_table(second, rows, ["scope", "name", "kpi", *NUMBERS])


def test_staff_equals_the_cli(cli):
    frame = capsim.staff(RETAIL, replications=8, seed=2)
    rows = csv_rows(cli("staff", RETAIL, "-r", "8", "--seed", "2", "--quiet", "--format", "csv"))
    assert list(frame.columns) == list(rows[0])
    assert len(frame) == len(rows)
    for record, row in zip(frame.to_dict("records"), rows):
        assert [str(record[c]) for c in ("interval", "scope", "name", "kpi")] == [row[c] for c in
                                                                                ("interval", "scope", "name", "kpi")]
        assert exactly(record["value"], row["value"])
    assert frame.attrs["met"] in (True, False)


def test_erlang_c_equals_the_closed_form_and_the_cli(cli):
    answer = capsim.erlang_c("18/min", "1min", agents=20, within="20s")
    printed = cli("erlang", "c", "--rate", "18/min", "--aht", "1min", "--agents", "20", "--format", "json")
    expected = json.loads(printed)
    assert answer["p_wait"] == pytest.approx(0.55077, abs=1e-5)  # C(20, 18 erlangs)
    for key in ("p_wait", "asa", "service_level", "occupancy"):
        assert answer[key] == expected[key], key
    assert capsim.erlang_c(0.3, 60.0, agents=20)["p_wait"] == answer["p_wait"]  # per second, seconds
    fewest = capsim.erlang_c("18/min", "1min", target=0.8)
    assert fewest["service_level"] >= 0.8
    assert capsim.erlang_c("18/min", "1min", agents=fewest["agents"] - 1)["service_level"] < 0.8
    with pytest.raises(ValueError):
        capsim.erlang_c("fast", "1min", agents=3)


def test_the_gil_is_released_while_simulating():
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    time.sleep(0.01)
    start = time.monotonic()
    capsim.run(str(ROOT / "scenarios/contact_center_day.yaml"), replications=200, threads=1)
    end = time.monotonic()
    done.set()
    thread.join()
    during = [t for t in ticks if start < t < end]
    # Held, the GIL would stop the ticker for the whole run (a tick at most at each end).
    assert end - start > 0.2
    assert len(during) > 20, (len(during), end - start)
