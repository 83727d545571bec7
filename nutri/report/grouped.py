"""What a report's periods read from the entries and the day table, computed once for all periods.

A report has a period per logged ISO week and the whole period (104 weeks for two years of entries).
Slicing the entries and grouping them again for every period was most of a large report's time, so
the weeks' sums come from one grouped pass keyed by (week, ...), and each period's days are row
positions into arrays of the day table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PeriodSums:
    """Sums of ``columns`` per period and group (a food, a meal): period ``i``'s groups are rows
    ``bounds[i]:bounds[i + 1]`` of ``keys`` and ``values``, in their order of first appearance in
    the period (as a groupby of the period's own entries would list them)."""

    keys: list
    values: np.ndarray  # groups x columns; NaN where a group has nothing counted
    columns: list[str]
    bounds: np.ndarray

    def period(self, i: int) -> tuple[list, np.ndarray]:
        start, end = self.bounds[i], self.bounds[i + 1]
        return self.keys[start:end], self.values[start:end]


def period_sums(
    frame: pd.DataFrame, keys: Sequence[pd.Series], columns: list[str], periods: np.ndarray | None, count: int = 1
) -> PeriodSums:
    """``frame[columns]`` summed (NaN when nothing is known) per period and value of ``keys``, in one
    grouped pass. ``periods``: each row's period number (0 to ``count`` - 1); None: one period."""
    if frame.empty:
        return PeriodSums([], np.empty((0, len(columns))), columns, np.zeros(count + 1, dtype=int))
    by = list(keys) if periods is None else [pd.Series(periods, index=frame.index), *keys]
    sums = frame[columns].groupby(by, sort=False).sum(min_count=1)
    index = sums.index
    if periods is None:
        level, names = np.zeros(len(sums), dtype=int), index
    else:
        level, names = index.get_level_values(0).to_numpy(), index.droplevel(0)
    # groups of one period together, each period's in its order of first appearance
    order = np.argsort(level, kind="stable")
    bounds = np.searchsorted(level[order], np.arange(count + 1))
    return PeriodSums(names[order].tolist(), sums.to_numpy(dtype=float)[order], columns, bounds)


class DayRows:
    """Some rows of the day table as a mapping of column name to array, what
    ``nutri.assess.period_evidence`` reads, without a DataFrame per period."""

    def __init__(self, arrays: dict[str, np.ndarray], rows: np.ndarray) -> None:
        self.arrays, self.rows = arrays, rows

    def __getitem__(self, column: str) -> np.ndarray:
        return self.arrays[column][self.rows]

    def __len__(self) -> int:
        return len(self.rows)
