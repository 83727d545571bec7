"""The 1M-row memory work (issue 16) keeps results the same: sums column by column are pandas' sums of one
frame to the bit, and the food rows are a slice of the entries when nothing between them is left out."""

import numpy as np
import pandas as pd

from nutri import intake
from nutri.diary import same_text
from nutri.intake import GroupSums, food_rows, sum_per_group


def test_a_column_summed_alone_is_the_sum_pandas_gives_it_in_the_wide_frame():
    rng = np.random.default_rng(7)
    codes = np.sort(rng.integers(0, 30, 5000))  # sorted days: pandas may take its reduceat path
    codes = pd.factorize(codes, sort=True)[0]
    full = rng.exponential(50, 5000) * 10.0 ** rng.integers(-4, 5, 5000)
    gappy = full.copy()
    gappy[rng.random(5000) < 0.2] = np.nan
    wide = pd.DataFrame({"full": full, "gappy": gappy}).groupby(codes, sort=True).sum(min_count=1)
    for column, values in (("full", full), ("gappy", gappy)):
        alone = sum_per_group(values, codes, min_count=1, beside_nan=True)
        assert np.array_equal(alone, wide[column].to_numpy(), equal_nan=True), column
    # a frame without NaN anywhere: the column alone, as pandas sums it
    no_nan = pd.DataFrame({"full": full}).groupby(codes, sort=True).sum(min_count=1)["full"].to_numpy()
    assert np.array_equal(sum_per_group(full, codes, min_count=1), no_nan)


def test_columns_summed_in_batches_are_each_summed_as_alone(monkeypatch):
    """GroupSums groups several columns in one frame; each column's sums stay sum_per_group's to the bit
    (a batch mixing a column with NaN and one without, or lacking the NaN beside_nan asks for, differs)."""
    rng = np.random.default_rng(11)
    for _ in range(150):
        rows = int(rng.choice([5, 60, 2000]))
        codes = rng.integers(0, int(rng.integers(1, 30)), rows)
        codes = pd.factorize(np.sort(codes) if rng.random() < 0.7 else codes, sort=True)[0]
        columns = {}
        for j in range(int(rng.integers(1, 10))):
            values = rng.exponential(50, rows) * 10.0 ** rng.integers(-4, 5, rows)
            if rng.random() < 0.4:
                values[rng.random(rows) < 0.2] = np.nan
            columns[f"c{j}"] = values
        beside_nan, min_count = bool(rng.random() < 0.5), int(rng.integers(0, 2))
        monkeypatch.setattr(intake, "SUM_BATCH_CELLS", int(rng.choice([1, rows * 3, 10**9])))
        sums = GroupSums(codes, min_count, beside_nan=beside_nan)
        for name, values in columns.items():
            sums.add(name, values)
        result = sums.result()
        assert list(result) == list(columns)
        for name, values in columns.items():
            alone = sum_per_group(values, codes, min_count, beside_nan=beside_nan)
            assert np.array_equal(result[name], alone, equal_nan=True), name


def test_food_rows_after_undated_rows_share_the_entries_memory():
    entries = pd.DataFrame(
        {
            "date": ["", "", "2026-01-01", "2026-01-01", "2026-01-02"],
            "status": ["matched"] * 5,
            "grams": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    rows = food_rows(entries)
    pd.testing.assert_frame_equal(rows, entries[entries["date"] != ""])
    assert np.shares_memory(rows["grams"].to_numpy(), entries["grams"].to_numpy())
    entries.loc[3, "status"] = "skipped"  # a gap: a copy of the rows around it
    pd.testing.assert_frame_equal(food_rows(entries), entries.iloc[[2, 4]])


def test_np_where_with_same_text_shares_one_object():
    picked = np.where(np.array([True, False, True]), same_text("no date"), np.array(["a", "b", "c"], dtype=object))
    assert picked.tolist() == ["no date", "b", "no date"]
    assert picked[0] is picked[2]
