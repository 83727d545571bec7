"""XLSX report: sheets Summary, Days, Entries, Shortfalls; numbers as numbers, units in headers,
user text neutralised so no formula comes from a diary."""

from __future__ import annotations

import io

import pandas as pd

from nutri.nutrients import ENTRY_NUTRIENT_COLUMNS as day_columns
from nutri.report.safe import spreadsheet_cell


def _sheet(workbook, title: str, headers: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append([spreadsheet_cell(v) for v in row])


def render(report, analysed: pd.DataFrame | None = None) -> bytes:
    from openpyxl import Workbook

    report = report.to_dict()

    workbook = Workbook(write_only=True)
    periods = report["weeks"] + ([report["whole_period"]] if report.get("whole_period") else [])
    summary = []
    for period in periods:
        for n in period["nutrients"].values():
            summary.append(
                [
                    period["week"],
                    period["start"],
                    period["end"],
                    period["days_logged"],
                    n["label"],
                    n["unit"],
                    n["daily_average"],
                    n["ear"],
                    n["rda"],
                    n["ai"],
                    n["ul"],
                    n["percent_rda"],
                    n["days_below"],
                    n["coverage"],
                    n["status"],
                    n["shortfall"],
                ]
            )
    _sheet(
        workbook,
        "Summary",
        [
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
        ],
        summary,
    )
    days = [
        [
            p["week"],
            d["date"],
            "yes" if d["logged"] else "not logged",
            d["entries"],
            *[d.get(c) for c in day_columns],
            _complete(d),
        ]
        for p in report["weeks"]
        for d in p["days"]
    ]
    _sheet(workbook, "Days", ["week", "date", "logged", "entries", *day_columns, "complete"], days)
    from nutri.intake import MATCH_COLUMNS as entry_columns

    if analysed is None:
        analysed = pd.DataFrame(columns=entry_columns)
    entries = analysed[entry_columns].astype(object).where(analysed[entry_columns].notna(), None)
    _sheet(workbook, "Entries", entry_columns, entries.values.tolist())
    shortfalls = []
    for period in periods:
        for n in period["nutrients"].values():
            for source in n["sources"]:
                if source.get("advice"):
                    shortfalls.append(
                        [
                            period["week"],
                            n["label"],
                            n.get("gap"),
                            source["category"],
                            source["advice"],
                            None,
                            None,
                            None,
                            None,
                        ]
                    )
                for f in source["foods"]:
                    shortfalls.append(
                        [
                            period["week"],
                            n["label"],
                            n.get("gap"),
                            source["category"],
                            f["food"],
                            f["food_id"],
                            f["portion"],
                            f["grams"],
                            f["amount"],
                        ]
                    )
    _sheet(
        workbook,
        "Shortfalls",
        [
            "week",
            "nutrient",
            "gap_per_day",
            "category",
            "food",
            "food_id",
            "portion",
            "portion_g",
            "nutrient_in_portion",
        ],
        shortfalls,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _complete(day: dict) -> str:
    """yes, or why the day is left out of the assessment (a likely incomplete log)."""
    if not day["logged"]:
        return ""
    return "yes" if day.get("complete", True) else day.get("incomplete_reason") or "no"
