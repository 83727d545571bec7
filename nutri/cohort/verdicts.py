"""Per person-week (and per person over the whole period): the single-diary verdicts, by the same calls.

Day completeness is ``assess.mark_days`` run once per distinct profile over all of its people's days;
each verdict is ``assess.assess`` on the ``Evidence`` that ``assess.period_evidence`` would build from
that person's days of that period.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nutri.assess import Evidence, assess, mark_days, variation
from nutri.cohort.profiles import dri_rows
from nutri.dri import Profile
from nutri.nutrients import ASSESSED


def iso_week(date: str) -> str:
    year, week, _ = dt.date.fromisoformat(date).isocalendar()
    return f"{year}-W{week:02d}"


def mark_complete(days: pd.DataFrame, profiles: dict[str, Profile]) -> pd.DataFrame:
    """``complete`` and ``incomplete_reason`` per person-day, by each person's profile."""
    keys = days["person"].map(lambda p: profiles[p])
    parts = []
    for profile, index in days.groupby(keys, sort=False).groups.items():
        parts.append(mark_days(days.loc[index], profile))
    marked = pd.concat(parts) if parts else days.assign(complete=pd.Series(dtype=bool))
    return marked.loc[days.index]


def _groups(keys: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of equal keys in a sorted array."""
    if len(keys) == 0:
        return []
    edges = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(keys)]])
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


class _Judge:
    """The DRI rows and variation of each profile, looked up once."""

    def __init__(self) -> None:
        self._cache: dict[Profile, dict] = {}

    def __call__(self, profile: Profile) -> dict:
        if profile not in self._cache:
            refs = dri_rows(profile)
            self._cache[profile] = {n.key: (refs[n.key], variation(n.key, profile)) for n in ASSESSED}
        return self._cache[profile]


def verdicts(days: pd.DataFrame, profiles: dict[str, Profile], period: str) -> pd.DataFrame:
    """One row per person and period ('week' or 'all') with days and, per assessed nutrient, the daily
    average, coverage, probability of adequacy and status, as the report gives them."""
    days = days.sort_values(["person", "date"], kind="stable")
    if period == "week":
        mondays = {d: iso_week(d) for d in days["date"].unique()}
        label = days["date"].map(mondays).to_numpy(dtype=object)
    else:
        label = np.full(len(days), "all", dtype=object)
    person = days["person"].to_numpy(dtype=object)
    combined = pd.factorize(pd.Series(person + "\x00" + label))[0] if len(days) else np.array([], dtype=int)
    complete = days["complete"].to_numpy(dtype=bool)
    entries = days["entries"].to_numpy(dtype=int)
    arrays = {}
    for n in ASSESSED:
        c = n.column
        arrays[c] = tuple(days[x].to_numpy(dtype=float) for x in (c, c + "_upper", c + "_supplemental", c + "_counted"))
    judge, out = _Judge(), []
    for start, stop in _groups(combined):
        who = person[start]
        profile = profiles[who]
        row = {
            "person": who,
            "week": label[start],
            "days_logged": stop - start,
            "days_complete": int(complete[start:stop].sum()),
        }
        food_rows = int(entries[start:stop].sum())
        for n in ASSESSED:
            value, upper, supplemental, counted = (a[start:stop] for a in arrays[n.column])
            judged = complete[start:stop] & (counted > 0)
            evidence = Evidence(
                tuple(value[judged]), tuple(upper[judged]), tuple(supplemental[judged]), food_rows, int(counted.sum())
            )
            reference, var = judge(profile)[n.key]
            verdict = assess(evidence, reference, var)
            row[n.column] = verdict.mean
            row[n.key + "_coverage"] = evidence.coverage
            row[n.key + "_probability_adequate"] = verdict.probability_adequate
            row[n.key + "_status"] = verdict.status.value
        out.append(row)
    columns = ["person", "week", "days_logged", "days_complete"]
    for n in ASSESSED:
        columns += [n.column, n.key + "_coverage", n.key + "_probability_adequate", n.key + "_status"]
    return pd.DataFrame(out, columns=columns)
