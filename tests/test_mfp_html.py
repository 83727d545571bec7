"""MyFitnessPal's printable diary page read as a diary (issue 11), from a small page of our own."""

import pytest

from nutri.diary import read_diary
from nutri.errors import UnreadableInputError

PAGE = """<!DOCTYPE html><!-- saved from url=(0052)https://www.myfitnesspal.com/reports/printable_diary -->
<html><head><title>Printable Nutrition Report</title></head><body>
<h2 class="main-title-2" id="date">January 2, 2019</h2>
<table class="table0" id="food"><thead><tr><td class="first">Foods</td><td>Calories</td></tr></thead>
<tbody><tr class="title"><td class="first last" colspan="9">Breakfast</td></tr>
<tr><td class="first">Kroger - Milk 2%, 1 cup</td><td>122</td><td>12g</td></tr>
<tr><td class="first">Thompson Raisins - Raisin, 0.5 c</td><td>1,200</td></tr>
<tr class="title"><td class="first last" colspan="9">Dinner</td></tr>
<tr><td class="first">Angus Beef - Hamburger Patty 1/3 lb, 1 patty 151g.</td><td>320</td></tr></tbody>
<tfoot><tr><td class="first">TOTAL:</td><td>1,642</td></tr></tfoot></table>
<table class="table0" id="excercise"><tbody><tr><td class="first">Walking, 3.0 mph</td><td>124</td></tr></tbody></table>
</body></html>"""


def test_printable_diary_rows(tmp_path):
    path = tmp_path / "diary.htm"
    path.write_text(PAGE, encoding="utf-8")
    entries = read_diary(path).entries
    assert list(entries["input"]) == [
        "Kroger - Milk 2%, 1 cup",
        "Thompson Raisins - Raisin, 0.5 c",
        "Angus Beef - Hamburger Patty 1/3 lb, 1 patty 151g.",
    ]
    assert list(entries["meal"]) == ["Breakfast", "Breakfast", "Dinner"]
    assert set(entries["date"].astype(str)) == {"2019-01-02"}


def test_html_without_a_food_table_says_so(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>hello</p></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableInputError, match="no MyFitnessPal food table"):
        read_diary(path)
