"""The one XLSX writer: the report workbook a dietitian can hand out (sheets Summary, Days, Entries,
Advice) and the matched-entries workbook of `nutri match -o FILE.xlsx`.

Every sheet has a frozen header row, column widths, number formats with the unit in the header,
dates as date cells and rounded display (the stored numbers keep their precision). Status cells are
coloured by conditional formatting, so the colour follows the word if someone edits it. User text
goes through the output-safety layer (nutri/report/safe.py): a cell starting with = + - @ is stored
as text with a leading apostrophe, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from nutri.nutrients import ENTRY_NUTRIENTS, NUTRIENT_BY_KEY, NUTRIENT_COLUMNS
from nutri.report.model import NutrientAssessment, Period, Report
from nutri.report.safe import spreadsheet_cell
from nutri.report.summary import ANSWERS

DATE_FORMAT = "yyyy-mm-dd"
# conditional fills of the status column: the report's colours (bad, ok, warn)
FILLS = {"bad": "F4CCCC", "ok": "D9EAD3", "warn": "FFF2CC"}
STATUS_WORDS = {
    "bad": ("likely inadequate", "above UL"),
    "ok": ("likely adequate", "adequate (at or above AI)"),
    "warn": ("possibly inadequate", "cannot tell", "insufficient data", "too variable", "possibly above UL"),
}


@dataclass(frozen=True)
class Column:
    header: str  # with its unit: "Magnesium (mg)"
    width: float
    number_format: str | None = None


def decimals_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def _cell(sheet, value, number_format: str | None = None, bold: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=spreadsheet_cell(value))
    if number_format and not isinstance(cell.value, str):
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_sheet(workbook, title: str, columns: list[Column], rows: Iterable[list], top: Iterable[str] = ()):
    """A sheet: optional lines above the table (a title, the data-quality line), a bold header row
    frozen with them, then the rows; each column's width and number format."""
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    top = list(top)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{len(top) + 2}"
    for line in top:
        sheet.append([_cell(sheet, line, bold=True)])
    sheet.append([_cell(sheet, c.header, bold=True) for c in columns])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, v, c.number_format) for v, c in zip(row, columns, strict=True)])
        count += 1
    return sheet, len(top) + 2, len(top) + 1 + count


def _status_fills(sheet, column: int, first: int, last: int) -> None:
    """Colour a status column by its words (conditional formatting: the colour follows an edit)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    if last < first:
        return
    letter = get_column_letter(column)
    cells = f"{letter}{first}:{letter}{last}"
    for kind, words in STATUS_WORDS.items():
        test = ",".join(f'{letter}{first}="{w}"' for w in words)
        fill = PatternFill(start_color=FILLS[kind], end_color=FILLS[kind], fill_type="solid")
        sheet.conditional_formatting.add(cells, FormulaRule(formula=[f"OR({test})"], fill=fill))


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_date(value):
    """An ISO date text as a date cell; anything else as it is."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# -- the report workbook ---------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    Column("Week", 13),
    Column("Start", 11, DATE_FORMAT),
    Column("End", 11, DATE_FORMAT),
    Column("Days logged", 8, "0"),
    Column("Complete days", 9, "0"),
    Column("Energy (kcal/day)", 10, "#,##0"),
    Column("Energy logged (kcal)", 11, "#,##0"),
    Column("Nutrient", 14),
    Column("Answer", 18),
    Column("Daily average", 10),
    Column("Unit", 6),
    Column("EAR", 8),
    Column("RDA", 8),
    Column("AI", 8),
    Column("UL", 8),
    Column("% of RDA/AI", 9, '0"%"'),
    Column("Coverage", 9, "0%"),
    Column("Probability adequate", 11, "0%"),
    Column("Days below target", 9, "0"),
    Column("Status", 22),
    Column("Why", 70),
    Column("UL applies to", 40),
]
STATUS_COLUMN = 20
VALUE_COLUMNS = range(10, 16)  # daily average to UL: each nutrient's own rounding
UL_COLUMN = 15


def _ul_scope(n: NutrientAssessment) -> str:
    """What the UL counts: the DRI row's note (magnesium: supplements and medicines only), else all intake."""
    if n.ul is None:
        return "no UL set"
    return n.ul_note or "total intake from food, water and supplements"


def _summary_rows(report: Report) -> list[list]:
    why = {item.nutrient: item.why for item in report.summary.items} if report.summary else {}
    rows = []
    for period in report.periods:
        for key, n in period.nutrients.items():
            value_format = decimals_format(NUTRIENT_BY_KEY[key].decimals)
            rows.append(
                (
                    value_format,
                    [
                        period.week,
                        period.start,
                        period.end,
                        period.days_logged,
                        period.days_complete,
                        period.energy_kcal,
                        period.energy_kcal_total,
                        n.label,
                        ANSWERS[n.status],
                        n.daily_average,
                        n.unit,
                        n.ear,
                        n.rda,
                        n.ai,
                        n.ul,
                        n.percent_rda,
                        n.coverage,
                        n.probability_adequate,
                        n.days_below,
                        n.status.value,
                        why.get(key) if period is _summary_period(report) else n.reason,
                        _ul_scope(n),
                    ],
                )
            )
    return rows


def _summary_period(report: Report) -> Period | None:
    return report.whole_period or (report.weeks[0] if report.weeks else None)


def _summary_sheet(workbook, report: Report) -> None:
    """One row per period and nutrient; the data-quality line above the table."""
    from openpyxl.comments import Comment

    p = report.profile
    quality = report.data_quality.uncounted.sentence
    top = [
        f"nutri intake report: {p.description}{' (assumed)' if p.assumed else ''}, "
        f"{report.period.start} to {report.period.end}",
        f"Data quality: {quality}" if quality else "Data quality: every entry was counted",
    ]
    rows = _summary_rows(report)
    # the value columns take each nutrient's own rounding: one sheet, written row by row
    sheet, first, last = write_sheet(workbook, "Summary", SUMMARY_COLUMNS, [], top)
    for value_format, row in rows:
        cells = []
        for index, (value, column) in enumerate(zip(row, SUMMARY_COLUMNS, strict=True), start=1):
            number_format = value_format if index in VALUE_COLUMNS else column.number_format
            cell = _cell(sheet, value, number_format)
            if index == UL_COLUMN and value is not None:
                cell.comment = Comment(row[-1], "nutri")  # the UL's scope (magnesium: supplements only) on the UL
            cells.append(cell)
        sheet.append(cells)
    _status_fills(sheet, STATUS_COLUMN, first, first + len(rows) - 1)


def _days_sheet(workbook, report: Report) -> None:
    nutrients = [Column(f"{n.label} ({n.unit})", 10, decimals_format(n.decimals)) for n in ENTRY_NUTRIENTS]
    columns = [
        Column("Week", 13),
        Column("Date", 11, DATE_FORMAT),
        Column("Logged", 10),
        Column("Entries", 8, "0"),
        *nutrients,
        Column("Complete", 40),
    ]
    rows = (
        [
            p.week,
            d.date,
            "yes" if d.logged else "not logged",
            d.entries,
            *[d.value(n.column) for n in ENTRY_NUTRIENTS],
            ("yes" if d.complete else d.incomplete_reason or "no") if d.logged else "",
        ]
        for p in report.weeks
        for d in p.days
    )
    write_sheet(workbook, "Days", columns, rows)


ENTRY_HEADERS = {
    "file": Column("File", 24),
    "row": Column("Row", 6, "0"),
    "date": Column("Date", 11, DATE_FORMAT),
    "meal": Column("Meal", 12),
    "input": Column("Diary text", 36),
    "amount": Column("Amount", 8, "#,##0.##"),
    "unit": Column("Unit", 10),
    "food_id": Column("Food id", 12),
    "food": Column("Food", 45),
    "score": Column("Match score", 8, "0"),
    "status": Column("Status", 13),
    "note": Column("Note", 50),
    "grams": Column("Grams (g)", 9, "#,##0.0"),
}


def _entries_sheet(workbook, entries: pd.DataFrame | None) -> None:
    from nutri.intake import MATCH_COLUMNS

    units = {n.column: Column(f"{n.label} ({n.unit})", 10, decimals_format(n.decimals)) for n in ENTRY_NUTRIENTS}
    if entries is None:
        entries = pd.DataFrame(columns=MATCH_COLUMNS)
    shown = (["file"] if "file" in entries else []) + MATCH_COLUMNS  # several files: each row's, first
    columns = [ENTRY_HEADERS.get(c) or units.get(c) or Column(c, 12) for c in shown]
    values = entries[shown].astype(object).where(entries[shown].notna(), None)
    dates = shown.index("date")
    rows = ([_as_date(v) if i == dates else v for i, v in enumerate(row)] for row in values.itertuples(index=False))
    write_sheet(workbook, "Entries", columns, rows)


ADVICE_COLUMNS = [
    Column("Week", 13),
    Column("Nutrient", 14),
    Column("Gap per day", 10, "#,##0.0"),
    Column("Unit", 6),
    Column("Kind", 14),
    Column("Category", 20),
    Column("Food", 50),
    Column("Short name", 24),
    Column("Amount", 24),
    Column("Grams (g)", 9, "#,##0"),
    Column("Adds", 9, "#,##0.0"),
    Column("In your diary", 8),
    Column("Note", 60),
]


def _advice_rows(period: Period) -> Iterable[list]:
    for n in period.nutrients.values():
        advice = n.advice
        start = [period.week, n.label, advice.gap, n.unit]
        for c in advice.gap_closers:
            own = "yes" if c.in_diary else ""
            amount = c.amount_text or c.portion
            yield [*start, "gap closer", "", c.food, c.name, amount, c.grams, c.adds, own, ""]
        for source in advice.sources:
            if source.advice:
                yield [*start, "advice", source.category, "", None, "", None, None, "", source.advice]
            for f in source.foods:
                own = "yes" if f.in_diary else ""
                yield [*start, "source", source.category, f.food, f.name, f.portion, f.grams, f.amount, own, f.note]
        for w in advice.withheld:
            yield [*start, "left out", "", "; ".join(w.foods), None, "", None, None, "", w.reason]
        if advice.closer_note:
            yield [*start, "note", "", "", None, "", None, None, "", advice.closer_note]


def _advice_sheet(workbook, report: Report) -> None:
    rows = (row for period in report.periods for row in _advice_rows(period))
    write_sheet(workbook, "Advice", ADVICE_COLUMNS, rows)


def render(report: Report, entries: pd.DataFrame | None = None) -> bytes:
    """The report workbook: Summary, Days, Entries (the matched diary rows), Advice."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, report)
    _days_sheet(workbook, report)
    _entries_sheet(workbook, entries)
    _advice_sheet(workbook, report)
    return _save(workbook)


def frame_xlsx(frame: pd.DataFrame, title: str = "Entries") -> bytes:
    """A frame as a one-sheet workbook with its own column names (`nutri match -o FILE.xlsx`):
    the same writer, frozen header and widths; numbers stay numbers, dates become date cells."""
    from openpyxl import Workbook

    nutrients = set(NUTRIENT_COLUMNS)
    columns = [
        Column(str(c), ENTRY_HEADERS[c].width if c in ENTRY_HEADERS else 12, "#,##0.0##" if c in nutrients else None)
        for c in frame.columns
    ]
    values = frame.astype(object).where(frame.notna(), None)
    dates = list(frame.columns).index("date") if "date" in frame.columns else -1
    rows = ([_as_date(v) if i == dates else v for i, v in enumerate(row)] for row in values.itertuples(index=False))
    workbook = Workbook(write_only=True)
    write_sheet(workbook, title, columns, rows)
    return _save(workbook)
