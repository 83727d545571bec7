"""Golden files: the report of a small diary in every format, compared byte for byte.

Regenerate after an intended change with NUTRI_UPDATE_GOLDEN=1 and read the diff."""

import os

import pytest
from conftest import DATA
from openpyxl import load_workbook

GOLDEN = DATA / "golden"
FORMATS = {"text": "report.txt", "md": "report.md", "json": "report.json", "html": "report.html"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_report_matches_golden_file(run, tmp_path, fmt):
    out = tmp_path / FORMATS[fmt]
    result = run("report", GOLDEN / "diary.csv", "--sex", "female", "--age", "34", "--format", fmt, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    golden = GOLDEN / FORMATS[fmt]
    if os.environ.get("NUTRI_UPDATE_GOLDEN"):
        golden.write_bytes(out.read_bytes())
    assert out.read_bytes() == golden.read_bytes()


def test_match_matches_golden_file(run, tmp_path):
    out = tmp_path / "matched.csv"
    assert run("match", GOLDEN / "diary.csv", "-o", out, "-q").exit_code == 0
    golden = GOLDEN / "matched.csv"
    if os.environ.get("NUTRI_UPDATE_GOLDEN"):
        golden.write_bytes(out.read_bytes())
    assert out.read_bytes() == golden.read_bytes()


def test_xlsx_report_cells(run, tmp_path):
    """XLSX files carry a timestamp, so the workbook's cell values are compared instead."""
    out = tmp_path / "report.xlsx"
    assert run("report", GOLDEN / "diary.csv", "--sex", "female", "--age", "34", "-o", out).exit_code == 0
    book = load_workbook(out)
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[0] == (
        "week",
        "start",
        "end",
        "days_logged",
        "nutrient",
        "unit",
        "daily_average",
        "ear",
        "rda",
        "ai",
        "ul",
        "percent_rda",
        "days_below",
        "coverage",
        "status",
        "shortfall",
    )
    json_report = __import__("json").loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
    first_week = json_report["weeks"][0]
    magnesium = next(r for r in summary if r[0] == first_week["week"] and r[4] == "Magnesium")
    assert magnesium[6] == first_week["nutrients"]["magnesium"]["daily_average"]
    entries = list(book["Entries"].iter_rows(values_only=True))
    assert len(entries) == 1 + 19 and isinstance(entries[1][11], (int, float)) and not isinstance(entries[1][11], bool)
    days = list(book["Days"].iter_rows(values_only=True))
    assert [d[2] for d in days[1:8]] == ["yes", "yes", "not logged", "yes", "not logged", "not logged", "not logged"]


def test_html_prints_unknown_percentages_as_a_dash_alone():
    html = (GOLDEN / "report.html").read_text(encoding="utf-8")
    assert "-%" not in html and "<td>-</td>" in html
