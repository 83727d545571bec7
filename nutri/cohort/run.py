"""The cohort pipeline: sources -> food rows (engine) -> person-days (engine) -> verdicts (numpy).

Rows never leave the engine: Python sees each distinct combination of cells once, each distinct date
once, one row per person-week and per person (their summaries) and the people.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from nutri.cohort import CohortSettings, engine, sources
from nutri.cohort import days as day_sql
from nutri.cohort.profiles import profiles_for
from nutri.cohort.summary import group_summary
from nutri.cohort.verdicts import period_stats, register_people, representatives, rules_by_profile, verdicts
from nutri.errors import UsageError
from nutri.nutrients import ASSESSED, NUTRIENT_COLUMNS


class CohortResult:
    """person_weeks, people, summary and stats in memory; person_days stay in the engine until asked for
    (``person_days``, or ``write_person_days`` straight to a file)."""

    def __init__(self, con, person_weeks: pd.DataFrame, people: pd.DataFrame, summary: dict, stats: dict) -> None:
        self._con = con
        self.person_weeks = person_weeks
        self.people = people  # one row per person: profile, group, whole-period verdicts
        self.summary = summary  # the group summary (JSON contract)
        self.stats = stats  # rows, distinct keys, files, people

    def _days_sql(self) -> str:
        counted = [f"{c}_counted" for c in NUTRIENT_COLUMNS]
        upper = [f"{c}_upper" for c in day_sql.BOUND_COLUMNS]
        extra = ["grams", *counted, *upper, *(f"{n.column}_supplemental" for n in ASSESSED)]
        return day_sql.person_days_output_sql("person_days", "cohort_people", "cohort_dates", extra)

    @property
    def person_days(self) -> pd.DataFrame:
        """person, date, complete, entries, energy_kcal, nutrient columns, coverage, counted, bounds."""
        return self._con.execute(self._days_sql()).df()

    def write_person_days(
        self, path: str, columns: list[str], parquet: bool, decimals: dict[str, int] | None = None
    ) -> None:
        """``columns`` of the person-days to a file; in CSV, each column of ``decimals`` to that many
        decimals (a value no decimal can hold, an infinity, is left empty as unknown)."""
        decimals = {} if parquet else (decimals or {})
        selected = [f"TRY_CAST({c} AS DECIMAL(18, {decimals[c]})) AS {c}" if c in decimals else c for c in columns]
        query = f"SELECT {', '.join(selected)} FROM ({self._days_sql()})"
        target = "(FORMAT parquet)" if parquet else "(FORMAT csv, HEADER true)"
        self._con.execute(f"COPY ({query}) TO {sources._quote(path)} {target}")

    def close(self) -> None:
        self._con.close()


def _matcher(settings: CohortSettings):
    from nutri.pipeline import MatchSettings, match_entries

    match = MatchSettings(settings.aliases, settings.foods, settings.nutrients_from, settings.accept_review)
    return (lambda diary: match_entries(diary, match).entries), match


def food_rows(con, inputs: list[str], settings: CohortSettings) -> tuple[list[pd.DataFrame], dict]:
    """Every input's food rows into the engine: ``food_keys`` (pid, pday, key_id), ``cohort_keys`` (the
    analysed keys, skipped ones left out) and the view ``food_rows`` joining them; (profile cells per
    file, counts)."""
    paths = sources.expand_inputs(inputs)
    match, _ = _matcher(settings)
    files, profile_cells = [], []
    stats = {"files": len(paths), "rows": 0, "distinct_keys": 0}
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
        cells, keys = sources.key_cells(con, rows, layout, number, stats["distinct_keys"])
        stats["distinct_keys"] += len(keys)
        profile_cells.append(sources.profile_cells(con, rows, layout))
        files.append((source, layout, rows, dates, cells, keys))
    # the engine numbers the rows (its statements let go of Python's lock) while Python analyses the keys,
    # which uses no engine statement: at 10M rows each is seconds
    with ThreadPoolExecutor(max_workers=1) as pool:
        numbering = pool.submit(_number_rows, con, files)
        try:
            analysed = [sources.analyse_keys(source, layout, keys, match) for source, layout, *_, keys in files]
        finally:
            stats["rows"] = numbering.result()
    for number, frame in enumerate(analysed):
        con.register(f"keys_{number}_frame", frame)
        con.execute(f"CREATE TEMP TABLE keys_{number} AS SELECT * FROM keys_{number}_frame")
        con.unregister(f"keys_{number}_frame")
    keys = (f"SELECT * FROM keys_{n} WHERE status <> 'skipped'" for n in range(len(files)))
    con.execute("CREATE TEMP TABLE cohort_keys AS " + " UNION ALL ".join(f"({k})" for k in keys))
    con.execute(f"CREATE TEMP VIEW food_rows AS {day_sql.food_rows_view_sql('food_keys', 'cohort_keys')}")
    return profile_cells, stats


def _number_rows(con, files: list) -> int:
    """``food_keys`` (pid, pday, key_id) of every file's dated rows, the people and dates numbered
    (``_number_people_and_days``); the number of rows read."""
    parts = [sources.food_keys_sql(con, rows, dates, cells, layout) for _, layout, rows, dates, cells, _ in files]
    _number_people_and_days(con, len(files))
    # (person, day, key_id) numbered as they are read: the rows are never held with their names (at 50M
    # rows the named rows and the numbered ones were the peak of memory)
    numbered = (
        f"SELECT p.pid, CAST(p.pid AS BIGINT) * {day_sql.DAY_SPAN} + r.day AS pday, r.key_id FROM ({part}) r "
        "JOIN cohort_person_all p ON p.person = r.person"
        for part in parts
    )
    con.execute("CREATE TEMP TABLE food_keys AS " + " UNION ALL ".join(f"({q})" for q in numbered))
    return _source_rows(con, len(files))


def _number_people_and_days(con, files: int) -> None:
    """``cohort_person_all`` (person, pid) of every file's rows and ``cohort_dates`` (day, date): the rows
    carry integers, which the engine groups and joins several times faster than names and dates as text;
    numbered in the names' order, so that ordering by pid orders by person."""
    names = " UNION ".join(f"SELECT DISTINCT person FROM rows_{n}" for n in range(files))
    con.execute(
        "CREATE TEMP TABLE cohort_person_all AS SELECT person, row_number() OVER (ORDER BY person) - 1 AS pid "
        f"FROM ({names}) p"
    )
    dates = " UNION ".join(f"SELECT day, iso AS date FROM dates_{n} WHERE iso <> ''" for n in range(files))
    con.execute(f"CREATE TEMP TABLE cohort_dates AS {dates}")


def _source_rows(con, files: int) -> int:
    return sum(con.execute(f"SELECT count(*) FROM rows_{n}").fetchall()[0][0] for n in range(files))


def day_totals(con, table) -> None:
    """Engine tables ``day_totals`` (per person-day sums and counts) and ``day_upper`` (upper bounds)."""
    con.execute(f"CREATE TEMP TABLE day_totals AS {day_sql.person_days_sql('food_rows')}")
    # people with a dated food row only (the others are read but have nothing to assess)
    con.execute(
        "CREATE TEMP TABLE cohort_person_ids AS SELECT a.person, a.pid FROM cohort_person_all a "
        "WHERE a.pid IN (SELECT pid FROM day_totals)"
    )
    con.execute("DROP TABLE cohort_person_all")
    foods = day_sql.register_foods(con, table)
    con.execute(f"CREATE TEMP TABLE key_bounds AS {day_sql.key_bounds_sql('cohort_keys', foods)}")
    con.execute(f"CREATE TEMP TABLE bound_needs AS {day_sql.needs_sql('food_keys', 'key_bounds')}")
    wanted = con.execute("SELECT bit_or(need) FROM bound_needs").fetchall()[0][0] or 0
    quantiles = {}
    for column in day_sql.BOUND_COLUMNS:
        for kind in day_sql.KINDS:
            if wanted & day_sql.need_bit(column, kind):  # no person reads it: no table, read as unbounded
                name = f"q_{kind}_{column}"
                sql = day_sql.quantile_sql("food_keys", "key_bounds", "bound_needs", column, kind)
                con.execute(f"CREATE TEMP TABLE {name} AS {sql}")
                quantiles[(column, kind)] = name
    con.execute(f"CREATE TEMP TABLE person_q AS {day_sql.person_quantiles_sql('bound_needs', quantiles)}")
    sql = day_sql.upper_bounds_sql("food_keys", "key_bounds", "person_q", quantiles)
    con.execute(f"CREATE TEMP TABLE day_upper AS {sql}")


def run(inputs: list[str], settings: CohortSettings, progress=None, con=None) -> CohortResult:
    """``con``: the engine connection (DuckDB's by default; anything that runs the same SQL, such as the
    PySpark adapter in benchmarks/cohort_spark.py)."""
    from nutri.pipeline import food_table

    con = con if con is not None else engine()
    try:
        profile_cells, stats = food_rows(con, inputs, settings)
        _, match = _matcher(settings)
        day_totals(con, food_table(match))
        # every numbered person has a dated food row, so a day of totals
        numbered = con.execute("SELECT person, pid FROM cohort_person_ids ORDER BY pid").fetchall()
        names = [r[0] for r in numbered]
        if not names:
            raise UsageError("no dated food entries in the inputs; check the date column", option="columns")
        people_profiles, people = profiles_for(names, settings.profiles, profile_cells)
        distinct = list(dict.fromkeys(people_profiles[p] for p in names))
        number = {p: i for i, p in enumerate(distinct)}
        index = np.array([number[people_profiles[p]] for p in names], dtype=np.int64)
        distinct = representatives(distinct)  # the rules of each profile, read once per age band
        register_people(con, names, distinct, index, np.array([r[1] for r in numbered], dtype=np.int64))
        sql = day_sql.complete_days_sql("day_totals", "day_upper", "cohort_people")
        con.execute(f"CREATE TEMP TABLE person_days AS {sql}")
        con.execute("DROP TABLE day_totals")
        con.execute("DROP TABLE day_upper")
        rules = rules_by_profile(distinct)
        weeks = verdicts(period_stats(con, "person_days", "cohort_people", "cohort_dates", "week"), rules)
        overall_stats = period_stats(con, "person_days", "cohort_people", "cohort_dates", "all")
    except BaseException:
        con.close()
        raise
    overall = verdicts(overall_stats, rules).drop(columns=["week"])
    people = people.merge(overall, on="person", how="left")
    stats["people"] = len(people)
    summary = group_summary(people, overall_stats, distinct, stats)
    return CohortResult(con, weeks, people, summary, stats)
