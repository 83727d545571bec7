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
    """XLSX files carry a timestamp, so the workbook's cells are compared instead: four sheets a
    dietitian can hand out, frozen headers, units in the headers, dates as dates, rounded display."""
    out = tmp_path / "report.xlsx"
    assert run("report", GOLDEN / "diary.csv", "--sex", "female", "--age", "34", "-o", out).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Days", "Entries", "Advice"]
    summary = book["Summary"]
    rows = list(summary.iter_rows(values_only=True))
    assert rows[1][0] == "Data quality: 3 of 19 entries could not be counted: 2 unknown foods, 1 needing review"
    header = rows[2]
    assert header[:10] == (
        "Week",
        "Start",
        "End",
        "Days logged",
        "Complete days",
        "Energy (kcal/day)",
        "Energy logged (kcal)",
        "Nutrient",
        "Answer",
        "Daily average",
    )
    assert summary.freeze_panes == "A4" and summary.column_dimensions["U"].width >= 40
    json_report = __import__("json").loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
    first_week = json_report["weeks"][0]
    magnesium = next(r for r in rows[3:] if r[0] == first_week["week"] and r[7] == "Magnesium")
    assert magnesium[9] == first_week["nutrients"]["magnesium"]["daily_average"]
    assert magnesium[8] == "probably not enough" and magnesium[19] == "possibly inadequate"
    assert magnesium[6] == first_week["energy_kcal_total"]
    assert "supplement" in magnesium[21].lower()  # the UL's scope, also a note on the UL cell
    magnesium_row = 4 + rows[3:].index(magnesium)
    assert "supplement" in summary.cell(magnesium_row, 15).comment.text.lower()
    assert summary.cell(magnesium_row, 2).is_date and summary.cell(magnesium_row, 10).number_format == "#,##0.0"
    assert len(summary.conditional_formatting) == 1  # the status column's fills
    days = book["Days"]
    assert days.freeze_panes == "A2" and days.cell(2, 2).is_date and days.cell(1, 5).value == "Magnesium (mg)"
    day_rows = list(days.iter_rows(values_only=True))
    assert [d[2] for d in day_rows[1:8]] == [
        "yes",
        "yes",
        "not logged",
        "yes",
        "not logged",
        "not logged",
        "not logged",
    ]
    entries = book["Entries"]
    entry_rows = list(entries.iter_rows(values_only=True))
    assert len(entry_rows) == 1 + 19 and entries.freeze_panes == "A2" and entries.cell(2, 2).is_date
    assert isinstance(entry_rows[1][11], (int, float)) and not isinstance(entry_rows[1][11], bool)
    advice = list(book["Advice"].iter_rows(values_only=True))
    closers = [r for r in advice if r[4] == "gap closer"]
    assert closers and all(r[7] and "," not in r[7] for r in closers[:3])  # short names, never table descriptions


def test_html_prints_unknown_percentages_as_a_dash_alone():
    html = (GOLDEN / "report.html").read_text(encoding="utf-8")
    assert "-%" not in html and "<td>-</td>" in html
