"""The cohort pipeline: sources -> food rows (engine) -> person-days (engine) -> verdicts (Python)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nutri.cohort import CohortSettings, engine, sources
from nutri.cohort import days as day_sql
from nutri.cohort.profiles import profiles_for
from nutri.cohort.summary import group_summary
from nutri.cohort.verdicts import mark_complete, verdicts
from nutri.errors import UsageError
from nutri.nutrients import ENERGY, NUTRIENT_COLUMNS


@dataclass(frozen=True)
class CohortResult:
    person_days: pd.DataFrame  # person, date, complete, energy_kcal, nutrient columns, coverage ...
    person_weeks: pd.DataFrame
    people: pd.DataFrame  # one row per person: profile, group, whole-period verdicts
    summary: dict  # the group summary (JSON contract)
    stats: dict  # rows, distinct keys, files


def _matcher(settings: CohortSettings):
    from nutri.pipeline import MatchSettings, match_entries

    match = MatchSettings(settings.aliases, settings.foods, settings.nutrients_from, settings.accept_review)
    return (lambda diary: match_entries(diary, match).entries), match


def food_rows(con, inputs: list[str], settings: CohortSettings) -> tuple[list[pd.DataFrame], dict]:
    """Every input's food rows into the engine table ``food_rows``; (profile cells per file, counts)."""
    paths = sources.expand_inputs(inputs)
    match, _ = _matcher(settings)
    parts, profile_cells, stats = [], [], {"files": len(paths), "rows": 0, "distinct_keys": 0}
    for number, path in enumerate(paths):
        source = sources.load(con, path, number, settings.sheet, dict(settings.columns), settings.engine_bytes)
        layout = sources.layout_of(source, dict(settings.columns), settings.person)
        if settings.person is not None and layout.person is None and len(paths) == 1:
            raise UsageError(
                f"no column {settings.person!r}; headers are: {', '.join(h for h in source.headers if h)}",
                file=str(path),
                option="person",
            )
        rows = sources.rows_relation(con, source, layout, number, settings.person is not None)
        dates = sources.dates_relation(con, rows, number, settings.dayfirst)
        keys = sources.keys_relation(con, source, layout, rows, number, match)
        stats["rows"] += con.execute(f"SELECT count(*) FROM {rows}").fetchall()[0][0]
        stats["distinct_keys"] += con.execute(f"SELECT count(*) FROM {keys}").fetchall()[0][0]
        parts.append(sources.food_rows_sql(con, rows, dates, keys, layout))
        profile_cells.append(sources.profile_cells(con, rows, layout))
    con.execute("CREATE TEMP TABLE food_rows AS " + " UNION ALL ".join(f"({p})" for p in parts))
    return profile_cells, stats


def person_days(con, table) -> pd.DataFrame:
    days = con.execute(day_sql.person_days_sql("food_rows")).df()
    foods = day_sql.register_foods(con, table)
    upper = con.execute(day_sql.upper_bounds_sql("food_rows", foods)).df()
    days = days.merge(upper, on=["person", "date"], how="left")
    for c in day_sql.BOUND_COLUMNS:
        days[c + "_upper"] = days[c + "_upper"].fillna(0.0)
    for c in NUTRIENT_COLUMNS:
        days[c + "_counted"] = days[c + "_counted"].astype(int)
    return days.sort_values(["person", "date"], kind="stable").reset_index(drop=True)


def run(inputs: list[str], settings: CohortSettings, progress=None) -> CohortResult:
    from nutri.pipeline import food_table

    con = engine()
    try:
        profile_cells, stats = food_rows(con, inputs, settings)
        _, match = _matcher(settings)
        days = person_days(con, food_table(match))
    finally:
        con.close()
    if days.empty:
        raise UsageError("no dated food entries in the inputs; check the date column", option="columns")
    people_profiles, people = profiles_for(days["person"].unique(), settings.profiles, profile_cells)
    days = mark_complete(days, people_profiles)
    weeks = verdicts(days, people_profiles, "week")
    overall = verdicts(days, people_profiles, "all").drop(columns=["week"])
    people = people.merge(overall, on="person", how="left")
    stats["people"] = len(people)
    summary = group_summary(days, people, stats)
    day_columns = [
        "person",
        "date",
        "complete",
        "entries",
        ENERGY.column,
        *[c for c in NUTRIENT_COLUMNS if c != ENERGY.column],
        *[c + "_coverage" for c in NUTRIENT_COLUMNS],
    ]
    return CohortResult(
        days[day_columns + [c for c in days.columns if c not in day_columns]], weeks, people, summary, stats
    )
