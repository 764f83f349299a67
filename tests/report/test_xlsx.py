"""capsim's Excel workbooks read back by a library that did not write them (Debian's
python3-openpyxl): every value equals what the CSV (or, where the CSV has none, the JSON) of
the same run holds, to the 16 significant digits libxlsxwriter writes (Excel itself shows
15); headers are frozen and carry units; fractions are shown as
percentages; the native charts are there. Run by ctest:
python3 -m pytest tests/report/test_xlsx.py --capsim PATH."""
import csv
import io
import json
import math
import pathlib
import subprocess

import openpyxl
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RETAIL = str(ROOT / "scenarios/retail_support.yaml")
FIELDS = ["n", "mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95", "min", "max", "pooled"]


@pytest.fixture(scope="module")
def capsim(request):
    return request.config.getoption("--capsim")


def run(capsim, *args, stdout=None):
    return subprocess.run([capsim, *args], cwd=ROOT, check=True, stdout=stdout or subprocess.PIPE).stdout


def number(text):
    return None if text == "" else float(text)


def same(got, want):
    """Equal to the 16 significant digits libxlsxwriter writes (printf's %.16G)."""
    if got is None or want is None:
        return got is None and want is None
    return math.isclose(got, want, rel_tol=1e-15, abs_tol=0.0)


def same_list(got, want):
    return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))


@pytest.fixture(scope="module")
def retail(capsim, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "retail.xlsx"
    common = [RETAIL, "-r", "5", "--seed", "11"]
    run(capsim, "run", *common, "--format", "xlsx", "-o", str(path))
    rows = list(csv.DictReader(io.StringIO(run(capsim, "run", *common, "--format", "csv").decode())))
    doc = json.loads(run(capsim, "run", *common, "--format", "json", "--replication-values"))
    return openpyxl.load_workbook(path), rows, doc


def sheet_rows(sheet):
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]


def test_sheets_and_frozen_headers(retail):
    book, _, _ = retail
    assert book.sheetnames == ["Summary", "Intervals", "Pools", "SLAs", "Distribution", "Charts", "About"]
    for name in ["Summary", "Intervals", "Pools", "SLAs", "Distribution"]:
        assert book[name].freeze_panes is not None and book[name].freeze_panes.endswith("2"), name
    assert len(book["Charts"]._charts) == 2  # service level and agents per interval


@pytest.mark.parametrize("sheet, scopes", [("Summary", {"overall", "class", "stage", "system"}), ("Pools", {"pool"})])
def test_tidy_sheets_equal_the_csv(retail, sheet, scopes):
    book, rows, _ = retail
    _, cells = sheet_rows(book[sheet])
    expected = [r for r in rows if r["scope"] in scopes]
    assert len(cells) == len(expected)
    for got, want in zip(cells, expected):
        assert (got["scope"], got["name"], got["kpi"]) == (want["scope"], want["name"], want["kpi"])
        for field in FIELDS:
            assert same(got[field], number(want[field])), (want["scope"], want["name"], want["kpi"], field)


def test_fractions_are_shown_as_percent_and_counts_are_not(retail):
    book, _, _ = retail
    summary = book["Summary"]
    formats = {row[2].value: row[5].number_format for row in summary.iter_rows(min_row=2) if row[0].value == "overall"}
    assert formats["abandon_rate"] == "0.0%"
    assert formats["offered"] == "#,##0.0"
    assert formats["wait_mean"] == "#,##0.0"


def test_slas_equal_the_csv(retail):
    book, rows, _ = retail
    _, cells = sheet_rows(book["SLAs"])
    for got in cells:
        attained = next(r for r in rows if r["scope"] == "sla" and r["name"] == got["sla"] and r["kpi"] == "attained")
        risk = next(r for r in rows if r["scope"] == "sla" and r["name"] == got["sla"] and r["kpi"] == "risk")
        for field in FIELDS:
            header = f"attained {field}" + ("" if field == "n" else " (%)")
            assert same(got[header], number(attained[field])), field
        assert same(got["risk (%)"], number(risk["mean"]))
        assert same(got["risk ci95_low (%)"], number(risk["ci95_low"]))
        assert same(got["risk ci95_high (%)"], number(risk["ci95_high"]))


def test_intervals_equal_the_csv_means(retail):
    book, rows, _ = retail
    header, cells = sheet_rows(book["Intervals"])
    assert header[0] == "interval" and all("(" in h for h in header[1:] if not h.startswith("queue")), header
    # A pool's or an SLA's interval KPI has it in a column of its own; the sheet's header
    # joins them as the JSON does (occupancy.tier1).
    interval_rows = {(r["name"], ".".join(x for x in (r["kpi"], r["pool"], r["sla"]) if x)): r
                     for r in rows if r["scope"] == "interval"}
    checked = 0
    for got in cells:
        for h in header[1:]:
            kpi = h.split(" (")[0]
            want = interval_rows[(got["interval"], kpi)]
            assert same(got[h], number(want["mean"])), (got["interval"], kpi)
            checked += 1
    assert checked == len(interval_rows)


def test_distribution_equals_the_json_values(retail):
    book, _, doc = retail
    header, cells = sheet_rows(book["Distribution"])
    assert [c["replication"] for c in cells] == [1, 2, 3, 4, 5]
    for kpi, summary in doc["kpis"].items():
        column = next(h for h in header if h.split(" (")[0] == kpi)
        assert same_list([c[column] for c in cells], summary["values"]), kpi
    for name, sla in doc["slas"].items():
        assert same_list([c[f"slas.{name}.attained (%)"] for c in cells], sla["values"])
    for name, pool in doc["pools"].items():
        assert same_list([c[f"pools.{name}.cost (currency)"] for c in cells], pool["kpis"]["cost"]["values"])


def test_staff_adds_the_requirement(capsim, tmp_path):
    path = tmp_path / "staff.xlsx"
    with open(path, "wb") as out:
        run(capsim, "staff", RETAIL, "-r", "8", "--quiet", "--format", "xlsx", stdout=out)
    doc = json.loads(run(capsim, "staff", RETAIL, "-r", "8", "--quiet", "--format", "json"))
    book = openpyxl.load_workbook(path)
    assert "Requirement" in book.sheetnames and "Roster" not in book.sheetnames
    _, cells = sheet_rows(book["Requirement"])
    for pool in doc["pools"]:
        assert [c[f"{pool} required (agents)"] for c in cells] == [iv["pools"][pool]["required"] for iv in doc["intervals"]]
    assert len(book["Charts"]._charts) == 3


def test_schedule_adds_the_roster(capsim, tmp_path):
    scenario = str(ROOT / "scenarios/help_desk_templates.yaml")
    path = tmp_path / "schedule.xlsx"
    with open(path, "wb") as out:
        run(capsim, "schedule", scenario, "--quiet", "--format", "xlsx", stdout=out)
    doc = json.loads(run(capsim, "schedule", scenario, "--quiet", "--format", "json"))
    _, cells = sheet_rows(openpyxl.load_workbook(path)["Roster"])
    assert [(c["template"], c["start"], c["end"], c["agents"], c["cost (currency)"]) for c in cells] == \
        [(r["template"], r["start"], r["end"], r["agents"], r["cost"]) for r in doc["roster"]]


def test_a_workbook_is_not_written_to_a_full_disk(capsim):
    result = subprocess.run([capsim, "run", RETAIL, "-r", "2", "--format", "xlsx", "-o", "/dev/full"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert "capsim:" in result.stderr
