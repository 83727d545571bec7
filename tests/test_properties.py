"""Invariants as hypothesis property tests."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nutri.diary import read_diary
from nutri.intake import analyse, daily_totals

FOODS = ["spinach", "2 eggs", "1 cup milk", "almonds", "salmon fillet 150 g", "xyzzy", "", "½ cup black beans", "coffee", "Vitamin D3 1000 IU", "=cmd()", "tofu"]
AMOUNTS = ["", "1", "2.5", "0", "-3", "some", "1 1/2", "0,5", "#N/A", "100"]
UNITS = ["", "g", "cup", "Tbsp", "smidgen", "oz", "fl oz", "slice", "medium"]
DATES = ["2026-11-16", "2026-11-17", "", "2026-02-30", "11/18/2026", "garbage", "2026-11-20"]

row = st.tuples(st.sampled_from(DATES), st.sampled_from(FOODS), st.sampled_from(AMOUNTS), st.sampled_from(UNITS), st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=5))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _diary(tmp_path, rows, name="d.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Date", "Food", "Amount", "Unit", "Stray"])
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@SETTINGS
@given(rows=st.lists(row, min_size=1, max_size=25))
def test_rows_in_equal_rows_out(tmp_path, table, matcher, rows):
    non_blank = [r for r in rows if any(str(c).strip() for c in r)]
    if not non_blank:
        return
    diary = read_diary(_diary(tmp_path, rows))
    result = analyse(diary, table, matcher)
    assert len(result) == len(non_blank) == len(diary.entries)
    assert result["status"].isin(["matched", "needs_review", "unmatched", "skipped", "invalid"]).all()
    assert (result.loc[result["status"] != "matched", "note"].str.len() > 0).all()
    assert result["row"].is_monotonic_increasing


@SETTINGS
@given(rows=st.lists(row, min_size=1, max_size=20))
def test_day_totals_are_sums_and_diaries_combine(tmp_path, table, matcher, rows):
    half = len(rows) // 2
    parts = [rows[:half], rows[half:]]
    results = []
    for i, part in enumerate(parts):
        if any(any(str(c).strip() for c in r) for r in part):
            results.append(analyse(read_diary(_diary(tmp_path, part, f"p{i}.csv")), table, matcher))
    if not any(any(str(c).strip() for c in r) for r in rows):
        return
    whole = analyse(read_diary(_diary(tmp_path, [r for r in rows if r[0] or True], "all.csv")), table, matcher)
    totals = daily_totals(whole)
    for _, day in totals.iterrows():
        entries = whole[(whole["date"] == day["date"]) & whole["status"].isin(["matched", "needs_review"]) & (whole["grams"].notna() | whole["supplemental"])]
        assert day["magnesium_mg"] == pytest.approx(entries["magnesium_mg"].sum(min_count=1), nan_ok=True)
    # each part read alone gives the same per-entry numbers as the whole (dates carried within a part only)
    if len(results) == 2 and parts[1] and parts[1][0][0]:
        separate = list(results[0]["magnesium_mg"]) + list(results[1]["magnesium_mg"])
        assert separate == pytest.approx(list(whole["magnesium_mg"]), nan_ok=True)


@settings(max_examples=60, deadline=None)
@given(amount=st.floats(min_value=0.01, max_value=500), factor=st.floats(min_value=0.1, max_value=10))
def test_nutrients_scale_linearly(table, matcher, amount, factor):
    import pandas as pd

    from nutri.diary import Diary

    def run(value):
        entries = pd.DataFrame({"row": [2], "date": ["2026-11-16"], "meal": [""], "input": ["spinach"], "amount_text": [repr(value)], "unit_text": ["g"], "grams_export": [float("nan")], "pre_status": [""], "pre_note": [""]})
        return analyse(Diary(None, entries, "generic", None, None, 1, 0, {}), table, matcher)

    one, scaled = run(amount), run(amount * factor)
    assert scaled.at[0, "magnesium_mg"] == pytest.approx(one.at[0, "magnesium_mg"] * factor, rel=1e-9)


@given(value=st.floats(min_value=1e-3, max_value=1e6), unit=st.sampled_from(["gram", "ounce", "pound", "kilogram", "milligram"]))
def test_mass_units_round_trip(value, unit):
    from nutri.quantity import ureg

    there = ureg.Quantity(value, unit).to("gram")
    assert there.to(unit).magnitude == pytest.approx(value, rel=1e-12)


@given(value=st.floats(min_value=1e-3, max_value=1e5), unit=st.sampled_from(["cup", "tablespoon", "teaspoon", "fluid_ounce", "liter", "milliliter"]))
def test_volume_units_round_trip(value, unit):
    from nutri.quantity import ureg

    assert ureg.Quantity(value, unit).to("milliliter").to(unit).magnitude == pytest.approx(value, rel=1e-12)
