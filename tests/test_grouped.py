"""The report's grouped pass (nutri/report/grouped.py) against pandas grouping by the texts themselves."""

import numpy as np
import pandas as pd

from nutri.report.build import NO_MEAL, _food_groups, _meal_groups
from nutri.report.grouped import period_sums

TEXTS = ["", " ", "a", "a ", " a", "b", "Lunch", "lunch", "Lunch ", "x y", None]


def _by_strings(frame, keys, columns, periods, count=1):
    """Sums per (period, key texts) as groupby gives them: the grouping the integer keys stand for."""
    by = list(keys) if periods is None else [pd.Series(periods, index=frame.index), *keys]
    sums = frame[columns].groupby(by, sort=False).sum(min_count=1)
    level = np.zeros(len(sums), dtype=int) if periods is None else sums.index.get_level_values(0).to_numpy()
    names = sums.index if periods is None else sums.index.droplevel(0)
    order = np.argsort(level, kind="stable")
    return names[order].tolist(), sums.to_numpy(dtype=float)[order], np.searchsorted(level[order], np.arange(count + 1))


def _frame(rng, rows, missing):
    def texts():
        return pd.Series(
            [None if rng.random() < missing else TEXTS[int(rng.integers(0, len(TEXTS) - 1))] for _ in range(rows)],
            dtype="str",
        )

    frame = pd.DataFrame({"food_id": texts(), "food": texts(), "input": texts(), "meal": texts()})
    for column in ("x", "y"):
        values = rng.normal(size=rows) * 10.0 ** rng.integers(-3, 6, size=rows)
        values[rng.random(rows) < 0.2] = np.nan
        frame[column] = values
    return frame


def test_integer_groups_give_the_sums_of_grouping_by_the_texts_to_the_bit():
    rng = np.random.default_rng(16)
    for trial in range(60):
        frame = _frame(rng, int(rng.integers(1, 300)), 0.0 if trial % 2 else 0.05)
        count = int(rng.integers(1, 5))
        week = np.sort(rng.integers(0, count, size=len(frame)))
        foods = [frame["food_id"], frame["food"].where(frame["food"] != "", frame["input"])]
        meal = frame["meal"].astype(str).str.strip()
        has_meal = (meal != "").to_numpy(dtype=bool)
        meal_groups, given = _meal_groups(frame)
        assert (given == has_meal).all()
        for periods, n in ((week, count), (None, 1)):
            eaten = (frame["food_id"].to_numpy(dtype=object), frame["food"].to_numpy(dtype=object))
            for keys, groups in ((foods, _food_groups(frame, eaten)), ([meal.where(has_meal, NO_MEAL)], meal_groups)):
                names, values, bounds = _by_strings(frame, keys, ["x", "y"], periods, n)
                got = period_sums(frame, groups, ["x", "y"], periods, n)
                assert got.keys == names
                assert got.values.tobytes() == values.tobytes()
                assert (got.bounds == bounds).all()
