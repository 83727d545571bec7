"""MyFitnessPal's printable diary (the "Printable Nutrition Report" page saved as HTML) as rows.

The page holds, per day, an ``<h2 id="date">January 2, 2019</h2>`` and a food table
(``<table id="food">``) whose title rows name the meal and whose rows hold the food cell ("Brand -
Food, 1 cup") and the calories; totals, notes and exercise tables are left out. The rows go through
the diary reader like a sheet: Date, Meal, Food, Calories.
"""

from __future__ import annotations

from html.parser import HTMLParser

from nutri.errors import UnreadableInputError

HEADER = ["Date", "Meal", "Food", "Calories"]


class _DiaryPage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[object]] = [HEADER]
        self.date = self.meal = ""
        self.in_date = self.in_food_table = self.in_body = False
        self.row: list[str] | None = None
        self.row_class = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "h2" and attributes.get("id") == "date":
            self.in_date, self.date = True, ""
        elif tag == "table":
            self.in_food_table = attributes.get("id") == "food"
        elif tag == "tbody" and self.in_food_table:
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.row, self.row_class = [], attributes.get("class") or ""
        elif tag == "td" and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self.in_date = False
        elif tag == "td" and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if "title" in self.row_class and self.row:
                self.meal = self.row[0]
            elif self.row and self.row[0]:
                calories = self.row[1].replace(",", "") if len(self.row) > 1 else ""
                self.rows.append([self.date.strip(), self.meal, self.row[0], calories])
            self.row = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_food_table = self.in_body = False

    def handle_data(self, data: str) -> None:
        if self.in_date:
            self.date += data
        elif self.cell is not None:
            self.cell.append(data)


def read_printable_diary(name: str, data: bytes) -> list[list[object]]:
    """Rows (header first) of a MyFitnessPal printable diary page."""
    page = _DiaryPage()
    try:
        page.feed(data.decode("utf-8", errors="replace"))
        page.close()
    except (ValueError, AssertionError) as exc:  # html.parser gives up on some broken markup
        raise UnreadableInputError(
            f"not readable as a MyFitnessPal printable diary ({exc})",
            file=name,
            fix="save the page again from MyFitnessPal (Reports > Printable Diary)",
        ) from None
    if len(page.rows) == 1:
        raise UnreadableInputError(
            "an HTML page with no MyFitnessPal food table",
            file=name,
            fix="save the Printable Diary page, or export the diary as CSV",
        )
    return page.rows
