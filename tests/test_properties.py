"""Invariants as hypothesis property tests."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nutri.diary import read_diary
from nutri.intake import analyse, daily_totals, food_rows

FOODS = [
    "spinach",
    "2 eggs",
    "1 cup milk",
    "almonds",
    "salmon fillet 150 g",
    "xyzzy",
    "",
    "½ cup black beans",
    "coffee",
    "Vitamin D3 1000 IU",
    "=cmd()",
    "tofu",
]
AMOUNTS = ["", "1", "2.5", "0", "-3", "some", "1 1/2", "0,5", "#N/A", "100"]
UNITS = ["", "g", "cup", "Tbsp", "smidgen", "oz", "fl oz", "slice", "medium"]
DATES = ["2026-11-16", "2026-11-17", "", "2026-02-30", "11/18/2026", "garbage", "2026-11-20"]

row = st.tuples(
    st.sampled_from(DATES),
    st.sampled_from(FOODS),
    st.sampled_from(AMOUNTS),
    st.sampled_from(UNITS),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=5),
)
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


dated_row = st.tuples(
    st.sampled_from(["2026-11-16", "2026-11-17", "11/18/2026"]),
    st.sampled_from(FOODS),
    st.sampled_from(AMOUNTS),
    st.sampled_from(UNITS),
    st.just(""),
)


@SETTINGS
@given(rows=st.lists(row, min_size=1, max_size=20))
def test_day_totals_are_the_sums_of_their_entries(tmp_path, table, matcher, rows):
    if not any(any(str(c).strip() for c in r) for r in rows):
        return
    whole = analyse(read_diary(_diary(tmp_path, rows)), table, matcher)
    for _, day in daily_totals(whole).iterrows():
        entries = food_rows(whole)
        entries = entries[entries["date"] == day["date"]]
        for column in ("magnesium_mg", "calcium_mg", "vitamin_d_ug", "caffeine_mg"):
            assert day[column] == pytest.approx(entries[column].sum(min_count=1), nan_ok=True)
        assert day["entries"] == len(entries)


def _day_table(result):
    return daily_totals(result).set_index("date")[["entries", "magnesium_mg", "calcium_mg", "vitamin_d_ug", "grams"]]


@SETTINGS
@given(a=st.lists(dated_row, min_size=1, max_size=10), b=st.lists(dated_row, min_size=1, max_size=10))
def test_diaries_reported_separately_and_together_agree(tmp_path, table, matcher, a, b):
    """Per day, diary A + diary B = the diary holding both (every row carries its own date)."""
    day_a = _day_table(analyse(read_diary(_diary(tmp_path, a, "a.csv")), table, matcher))
    day_b = _day_table(analyse(read_diary(_diary(tmp_path, b, "b.csv")), table, matcher))
    together = _day_table(analyse(read_diary(_diary(tmp_path, a + b, "ab.csv")), table, matcher))
    separate = day_a.add(day_b, fill_value=0) if not (day_a.empty or day_b.empty) else (day_b if day_a.empty else day_a)
    assert sorted(together.index) == sorted(separate.index)
    for date in together.index:
        for column in together.columns:
            expected, got = separate.at[date, column], together.at[date, column]
            if pd.isna(got):
                assert pd.isna(expected) or expected == 0
            else:
                assert got == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(amount=st.floats(min_value=0.01, max_value=500), factor=st.floats(min_value=0.1, max_value=10))
def test_nutrients_scale_linearly(table, matcher, amount, factor):
    import pandas as pd

    from nutri.diary import Diary

    def run(value):
        entries = pd.DataFrame(
            {
                "row": [2],
                "date": ["2026-11-16"],
                "meal": [""],
                "input": ["spinach"],
                "amount_text": [repr(value)],
                "unit_text": ["g"],
                "grams_export": [float("nan")],
                "pre_status": [""],
                "pre_note": [""],
            }
        )
        return analyse(Diary(None, entries, "generic", None, None, 1, 0, {}), table, matcher)

    one, scaled = run(amount), run(amount * factor)
    assert scaled.at[0, "magnesium_mg"] == pytest.approx(one.at[0, "magnesium_mg"] * factor, rel=1e-9)


@given(
    value=st.floats(min_value=1e-3, max_value=1e6),
    unit=st.sampled_from(["gram", "ounce", "pound", "kilogram", "milligram"]),
)
def test_mass_units_round_trip(value, unit):
    from nutri.quantity import ureg

    there = ureg.Quantity(value, unit).to("gram")
    assert there.to(unit).magnitude == pytest.approx(value, rel=1e-12)


@given(
    value=st.floats(min_value=1e-3, max_value=1e5),
    unit=st.sampled_from(["cup", "tablespoon", "teaspoon", "fluid_ounce", "liter", "milliliter"]),
)
def test_volume_units_round_trip(value, unit):
    from nutri.quantity import ureg

    assert ureg.Quantity(value, unit).to("milliliter").to(unit).magnitude == pytest.approx(value, rel=1e-12)


# -- the report's JSON writer (nutri.report.safe.indented_json) --------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)  # control characters, quotes, backslashes, line separators, astral planes
)
JSON_KEYS = st.text(max_size=6) | st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False) | st.none()
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(JSON_KEYS, inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON_VALUES, indent=st.sampled_from([0, 1, 2, 4]))
def test_the_report_json_writer_writes_what_json_dumps_writes(value, indent):
    import json

    from nutri.report.safe import indented_json

    assert indented_json(value, indent) == json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)


@pytest.mark.parametrize("value", [float("nan"), {"a": [1, float("inf")]}, {"a": {"b": [{"c": float("-inf")}]}}])
def test_the_report_json_writer_refuses_what_is_not_json(value):
    from nutri.report.safe import indented_json

    with pytest.raises(ValueError):
        indented_json(value, 2)
    with pytest.raises(TypeError):
        indented_json({"a": [1, {"b": object()}]}, 2)
