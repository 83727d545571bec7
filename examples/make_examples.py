"""Regenerate examples/two-weeks.xlsx from examples/two-weeks.csv (same rows, as a workbook
with a title row above the header, the way people keep diaries in Excel)."""

import contextlib
import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

here = Path(__file__).parent
rows = list(csv.reader(open(here / "two-weeks.csv", newline="", encoding="utf-8")))
workbook = Workbook()
sheet = workbook.active
sheet.title = "Diary"
sheet.append(["Food diary, November 2026"])
sheet.append([])
sheet.append(rows[0])
for row in rows[1:]:
    cells = list(row)
    if cells[0]:
        cells[0] = dt.datetime.fromisoformat(cells[0])  # real date cells, as Excel stores them
    if cells[3]:
        with contextlib.suppress(ValueError):
            cells[3] = float(cells[3])
    sheet.append(cells)
workbook.save(here / "two-weeks.xlsx")
