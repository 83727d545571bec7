"""Per person-week (and per person over the whole period): the single-diary verdicts, all at once.

The engine summarises each period's judged days (``days.week_stats_sql``, ``days.whole_period_sql``:
what ``assess.period_evidence`` would give, as ``assess.PeriodStats``); ``assess.assess_many`` then
judges every period of every person in one call per nutrient, with each person's DRI row and variation
as arrays. It is the same code that ``assess.assess`` runs for one period of one report.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from nutri.assess import STATUSES, PeriodStats, Rules, assess_many, energy_floor_kcal, variation
from nutri.cohort import days as day_sql
from nutri.cohort.profiles import dri_rows
from nutri.dri import Profile
from nutri.nutrients import ASSESSED


def iso_week(date: str) -> str:
    year, week, _ = dt.date.fromisoformat(date).isocalendar()
    return f"{year}-W{week:02d}"


def register_people(con, people: list[str], profiles: list[Profile], index: np.ndarray, pids: np.ndarray) -> str:
    """Engine table of pid, person, profile number and energy floor (``assess.energy_floor_kcal``);
    ``profiles`` as ``representatives`` gives them; ``pids``: each person's number in the rows."""
    known = {id(p): energy_floor_kcal(p)[0] for p in profiles}
    floors = np.array([known[id(p)] for p in profiles], dtype=float)
    frame = pd.DataFrame({"person": people, "profile": index.astype(np.int32), "floor_kcal": floors[index]})
    frame.insert(0, "pid", pids)
    con.register("cohort_people_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE cohort_people AS SELECT * FROM cohort_people_frame")
    con.unregister("cohort_people_frame")
    return "cohort_people"


def register_week_labels(con, week_stats: str) -> str:
    """Engine table monday -> ISO week label ('2026-W47') of every week of ``week_stats``
    (``days.week_stats_sql``), by ``iso_week`` once per distinct week."""
    mondays = con.execute(
        f"SELECT DISTINCT pweek - {day_sql._pid_of('pweek')} * {day_sql.DAY_SPAN} FROM {week_stats}"
    ).fetchall()
    days = np.array([m for (m,) in mondays], dtype=np.int64)
    labels = [iso_week(dt.date.fromordinal(int(m)).isoformat()) for m in days]
    frame = pd.DataFrame({"monday": days, "week": pd.Series(labels, dtype=object)})
    con.register("cohort_weeks_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE cohort_weeks AS SELECT * FROM cohort_weeks_frame")
    con.unregister("cohort_weeks_frame")
    return "cohort_weeks"


def _age_edges() -> np.ndarray:
    """Every age at which a row of the DRI, variation or energy floor tables begins or ends."""
    from nutri.assess import _energy_floors, _variation_tables
    from nutri.dri import dri_table

    edges = set()
    for table in (dri_table(), _variation_tables()[0], _energy_floors()):
        edges |= set(table["age_min_years"].dropna().tolist())
        edges |= {x + 1 for x in table["age_max_years"].dropna().tolist()}
    return np.array(sorted(edges), dtype=float)


def _band(profile: Profile, edges: np.ndarray) -> tuple:
    """Profiles with the same band share every DRI row, variation and energy floor: each looks rows up by
    sex, life stage and completed years within [age_min, age_max] (``dri.references``,
    ``assess.variation``, ``assess.energy_floor_kcal``)."""
    if profile.age < 1:
        return profile.sex, profile.life_stage, profile.age
    return profile.sex, profile.life_stage, int(np.searchsorted(edges, math.floor(profile.age), side="right"))


def representatives(profiles: list[Profile]) -> list[Profile]:
    """For each profile, the first profile of its band: the tables are read once per band, not per age."""
    edges = _age_edges()
    first: dict[tuple, Profile] = {}
    return [first.setdefault(_band(p, edges), p) for p in profiles]


def rules_by_profile(profiles: list[Profile]) -> dict[str, Rules]:
    """Per assessed nutrient, the rules of every profile as arrays indexed by profile number (``profiles``
    as ``representatives`` gives them)."""
    out = {}
    for n in ASSESSED:
        known = {id(p): Rules.of(dri_rows(p)[n.key], variation(n.key, p)) for p in profiles}
        rows = [known[id(p)] for p in profiles]
        out[n.key] = Rules(*(np.array([getattr(r, f) for r in rows]) for f in Rules.__dataclass_fields__))
    return out


def _take(rules: Rules, index: np.ndarray) -> Rules:
    return Rules(*(getattr(rules, f)[index] for f in Rules.__dataclass_fields__))


def period_stats(con, week_stats: str, people: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engine's summary of each period's judged days: one row per person and ISO week (``week_stats``:
    ``days.week_stats_sql``'s table), and one per person over the whole period (week 'all'), combined from
    the weeks (``days.whole_period_sql``)."""
    labels = register_week_labels(con, week_stats)
    weeks = _stats_frame(con, day_sql.period_frame_sql(week_stats, people, labels))
    whole = _stats_frame(con, day_sql.period_frame_sql(f"({day_sql.whole_period_sql(week_stats)})", people, None))
    con.execute(f"DROP TABLE {week_stats}")  # 430 MB at 50M rows, beside the person-days still written
    return weeks, whole


def _stats_frame(con, sql: str) -> pd.DataFrame:
    frame = con.execute(sql).df()
    for n in ASSESSED:
        for name in ("sd", "dose_sd"):  # one judged day: no spread (the engine gives NULL)
            frame[f"{n.column}__{name}"] = frame[f"{n.column}__{name}"].fillna(0.0)
    return frame


def verdicts(stats: pd.DataFrame, rules: dict[str, Rules]) -> pd.DataFrame:
    """Days, and per assessed nutrient the daily average, coverage, probability of adequacy and status, as
    the report gives them for the same period."""
    index = stats["profile"].to_numpy(dtype=np.int64)
    food_rows = stats["food_rows"].to_numpy(dtype=float)
    out = {c: stats[c].to_numpy() for c in ("person", "week", "days_logged", "days_complete")}
    names = np.array([s.value for s in STATUSES], dtype=object)
    for n in ASSESSED:
        c = n.column
        column = {name: stats[f"{c}__{name}"].to_numpy(dtype=float) for name in day_sql.STATS}
        period = PeriodStats(
            column["days"], column["mean"], column["upper"], column["sd"], column["dose"], column["dose_sd"]
        )
        verdict = assess_many(period, _take(rules[n.key], index))
        out[c] = column["mean"]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[n.key + "_coverage"] = np.where(food_rows > 0, column["counted"] / food_rows, np.nan)
        out[n.key + "_probability_adequate"] = verdict.probability
        out[n.key + "_status"] = names[verdict.status]
    frame = pd.DataFrame(out)
    for c in ("days_logged", "days_complete"):
        frame[c] = frame[c].astype(int)
    return frame
