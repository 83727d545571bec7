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


@dataclass(frozen=True)
class Groups:
    """Each row's group (-1 where a key is missing: groupby leaves such rows out) and each group's
    label (a key's value, or a tuple of the keys' values), groups numbered in order of first appearance."""

    codes: np.ndarray
    labels: list


def key_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, list]:
    """Each row's code into the distinct values (in order of first appearance; -1 for a missing one)."""
    codes, distinct = pd.factorize(values)
    return codes, distinct.tolist()


def combine(keys: Sequence[tuple[np.ndarray, list]]) -> Groups:
    """The groups of rows by several keys, each given as ``key_codes``: the strings are hashed once per
    report (here), not again by every grouped sum of the weeks and the whole period."""
    rows = len(keys[0][0])
    combined, present = np.zeros(rows, dtype=np.int64), np.ones(rows, dtype=bool)
    for codes, values in keys:
        combined = combined * max(len(values), 1) + codes
        present &= codes >= 0
    group = np.full(rows, -1, dtype=np.int64)
    group[present], distinct = pd.factorize(combined[present])
    parts = []
    for _, values in reversed(keys):  # each group's position in each key's values, from the last key
        size = max(len(values), 1)
        parts.append([values[i] for i in (distinct % size).tolist()])
        distinct = distinct // size
    labels = parts[0] if len(keys) == 1 else list(zip(*reversed(parts), strict=True))
    return Groups(group, labels)


def period_sums(frame: pd.DataFrame, groups: Groups, columns: list[str], periods: np.ndarray | None, count: int = 1):
    """``frame[columns]`` summed (NaN when nothing is known) per period and group, in one grouped pass.
    ``periods``: each row's period number (0 to ``count`` - 1); None: one period.

    Grouping by one integer per (period, group) numbered in order of first appearance gives groupby
    the same group of every row, in the same order, as grouping by the period and the keys' strings
    (so the same sums, to the bit); a row with a missing key is left out as groupby leaves out NaN."""
    if frame.empty:
        return PeriodSums([], np.empty((0, len(columns))), columns, np.zeros(count + 1, dtype=int))
    size = max(len(groups.labels), 1)
    key = groups.codes if periods is None else np.asarray(periods, dtype=np.int64) * size + groups.codes
    present = groups.codes >= 0
    if not present.all():  # NaN keys, as groupby drops them (a float key is exact up to 2**53)
        key = np.where(present, key, np.nan)
    sums = frame[columns].groupby(key, sort=False).sum(min_count=1)
    number = sums.index.to_numpy().astype(np.int64)
    level = number // size if periods is not None else np.zeros(len(number), dtype=np.int64)
    # groups of one period together, each period's in its order of first appearance
    order = np.argsort(level, kind="stable")
    bounds = np.searchsorted(level[order], np.arange(count + 1))
    labels = groups.labels
    return PeriodSums(
        [labels[g] for g in (number[order] % size).tolist()], sums.to_numpy(dtype=float)[order], columns, bounds
    )


class DayRows:
    """Some rows of the day table as a mapping of column name to array, what
    ``nutri.assess.period_evidence`` reads, without a DataFrame per period."""

    def __init__(self, arrays: dict[str, np.ndarray], rows: np.ndarray) -> None:
        self.arrays, self.rows = arrays, rows

    def __getitem__(self, column: str) -> np.ndarray:
        return self.arrays[column][self.rows]

    def __len__(self) -> int:
        return len(self.rows)
