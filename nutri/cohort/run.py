"""The cohort pipeline: sources -> food rows (engine) -> person-days (engine) -> verdicts (numpy).

Rows never leave the engine: Python sees each distinct combination of cells once, each distinct date
once, one row per person-week and per person (their summaries) and the people.
"""

from __future__ import annotations

import gc
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from nutri import diary as reader
from nutri import forked
from nutri.cache import paused_gc
from nutri.cohort import CohortSettings, engine, sources
from nutri.cohort import days as day_sql
from nutri.cohort.profiles import profiles_for
from nutri.cohort.summary import group_summary
from nutri.cohort.verdicts import period_stats, register_people, representatives, rules_by_profile, verdicts
from nutri.errors import UsageError
from nutri.nutrients import ASSESSED, NUTRIENT_COLUMNS


def days_sql(table: str, people: str = "cohort_people") -> str:
    """A person_days table (``batch_days``) named, dated and in order: person, date, complete, entries,
    energy_kcal, nutrient columns, coverage, counted, bounds, supplements. ``people``: pid -> person (the
    names as written, or as a writer shows them)."""
    counted = [f"{c}_counted" for c in NUTRIENT_COLUMNS]
    upper = [f"{c}_upper" for c in day_sql.BOUND_COLUMNS]
    extra = ["grams", *counted, *upper, *(f"{n.column}_supplemental" for n in ASSESSED)]
    return day_sql.person_days_output_sql(table, people, "cohort_dates", extra)


class CohortResult:
    """person_weeks, people, summary and stats in memory; person_days stay in the engine, one table per
    batch of people (``days_tables``), until asked for (``person_days``), unless the run handed each batch
    to ``on_days`` and let it go."""

    def __init__(
        self, con, days_tables: list[str], person_weeks: pd.DataFrame, people: pd.DataFrame, summary: dict, stats: dict
    ) -> None:
        self.con = con
        self.days_tables = days_tables  # in the people's order
        self.person_weeks = person_weeks
        self.people = people  # one row per person: profile, group, whole-period verdicts
        self.summary = summary  # the group summary (JSON contract)
        self.stats = stats  # rows, distinct keys, files, people

    @property
    def person_days(self) -> pd.DataFrame:
        """person, date, complete, entries, energy_kcal, nutrient columns, coverage, counted, bounds."""
        if not self.days_tables:
            raise ValueError("the person-days were handed to on_days as they were made, and not kept")
        frames = [self.con.execute(days_sql(t)).df() for t in self.days_tables]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def close(self) -> None:
        self.con.close()


def _matcher(settings: CohortSettings):
    from nutri.pipeline import MatchSettings, match_entries

    match = MatchSettings(settings.aliases, settings.foods, settings.nutrients_from, settings.accept_review)
    return (lambda diary: match_entries(diary, match).entries), match


def food_rows(con, inputs: list[str], settings: CohortSettings, say=None) -> tuple[list[pd.DataFrame], dict]:
    """Every input's food rows into the engine: ``food_keys`` (pday, key_id) and ``cohort_keys`` (the
    analysed keys, skipped ones left out); (profile cells per group of files, counts). ``say(text)``: progress."""
    say = say or _silent
    paths = sources.expand_inputs(inputs, settings.outputs)
    # an empty file among others (a participant who never logged) has no rows to lose: it is counted and
    # named, not a reason to stop the study's run; alone, it is the reader's error
    empty = [p for p in paths if _empty(p)] if len(paths) > 1 else []
    paths = [p for p in paths if p not in empty] or paths
    say(f"reading {len(paths):,} file(s)")
    # large text files are read through a copy (sources.load), removed once the rows are numbered: the
    # views over it (cells_<n>, rows_<n>) are not read after that
    with tempfile.TemporaryDirectory(prefix="nutri-cohort-") as workspace, sources.read_errors(paths):
        profile_cells, stats, analysed = _read_and_analyse(con, paths, settings, Path(workspace), say)
    stats["files"] += len(empty)
    stats["empty_files"] = [str(p) for p in empty]
    for number, frame in enumerate(analysed):
        con.register(f"keys_{number}_frame", frame)
        con.execute(f"CREATE TEMP TABLE keys_{number} AS SELECT * FROM keys_{number}_frame")
        con.unregister(f"keys_{number}_frame")
    create_union(
        con, "cohort_keys", [f"SELECT * FROM keys_{n} WHERE status <> 'skipped'" for n in range(len(analysed))]
    )
    return profile_cells, stats


def _empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:  # gone since the folder was listed: the reader says so
        return False


def _units(paths: list[Path], settings: CohortSettings) -> list[tuple[Path, str | None, str]]:
    """What is read, in order: (file, sheet, its one person's name when no column names people: '' for the
    file's stem). A sheet names a sheet of the workbooks among the inputs (a folder may hold CSV exports
    beside them; with no workbook at all the reader says what a sheet applies to); --sheet '*' reads every
    sheet of a workbook that holds a diary, each a person named by its sheet (a dietitian's caseload)."""
    workbooks = any(p.suffix.lower() in reader.WORKBOOK_SUFFIXES for p in paths)
    units = []
    for path in paths:
        is_workbook = path.suffix.lower() in reader.WORKBOOK_SUFFIXES
        if is_workbook and settings.sheet == reader.ALL_SHEETS:
            found = reader.diary_sheets_of(path, dict(settings.columns))
            # a workbook with no diary sheet is read as one, for the reader's own error about it
            units += [(path, sheet, sheet) for sheet in found] or [(path, None, "")]
        else:
            units.append((path, settings.sheet if is_workbook or not workbooks else None, ""))
    return _unique_names(units)


def _unique_names(units: list[tuple[Path, str | None, str]]) -> list[tuple[Path, str | None, str]]:
    """Files named alike (each participant's folder holding Cronometer's servings.csv) are different people:
    a file's one person is its stem unless another file has that stem, then its path from the folder the
    files share, without the suffix ('ann/servings', 'bob/servings'), never one person made of two files."""
    stems: dict[str, list[Path]] = {}
    for path, _, person in units:
        if not person:
            stems.setdefault(path.stem, []).append(path)
    named = {}
    for paths in stems.values():
        distinct = list(dict.fromkeys(p.resolve() for p in paths))
        if len(distinct) > 1:
            common = Path(os.path.commonpath([p.parent for p in distinct]))
            named.update({p: p.relative_to(common).with_suffix("").as_posix() for p in distinct})
    return [(path, sheet, person or named.get(path.resolve(), "")) for path, sheet, person in units]


def _load_all(con, units: list, settings: CohortSettings, workspace: Path) -> tuple[dict, dict, list]:
    """Each input's rows in the engine (``sources.rows_relation``): (number -> (source, layout), shape ->
    numbers, the app's other exports set aside as (path, error))."""
    read, groups, companions = {}, {}, []
    for number, (path, sheet, person) in enumerate(units):
        try:
            source = sources.load(
                con, path, number, sheet, dict(settings.columns), settings.engine_bytes, workspace, person
            )
        except reader.CompanionFileError as exc:
            # an app's export saved beside the diaries (an ASA24 study's Totals, Cronometer's day totals) holds
            # no food rows: among other files it is named and counted, not a reason to stop; alone, the error
            if len(units) == 1:
                raise
            companions.append((path, exc))
            continue
        layout = sources.layout_of(source, dict(settings.columns), settings.person, con)
        if settings.person is not None and layout.person is None and len(units) == 1:
            raise UsageError(
                f"no column {settings.person!r}; headers are: {', '.join(h for h in source.headers if h)}",
                file=str(path),
                option="person",
            )
        with sources.read_errors([path]):
            sources.rows_relation(con, source, layout, number, settings.person is not None)
        read[number] = (source, layout)
        groups.setdefault(sources.shape_of(source, layout), []).append(number)
    if not read:  # every file is an app's other export: the first one's error says what it is
        raise companions[0][1]
    return read, groups, companions


def _read_and_analyse(
    con, paths: list[Path], settings: CohortSettings, workspace: Path, say
) -> tuple[list, dict, list]:
    """Each file's rows in the engine, files of one shape together (``sources.group_rows``), each group's
    dates and distinct keys; the rows numbered (``_number_rows``) while the keys are analysed, once per
    group; (profile cells per group, counts, the analysed keys per group)."""
    match, _ = _matcher(settings)
    units = _units(paths, settings)
    read, groups, companions = _load_all(con, units, settings, workspace)
    files, profile_cells = [], []
    stats = {"files": len(paths), "rows": 0, "distinct_keys": 0}
    stats["companion_files"] = [{"file": str(path), "is": exc.companion.what} for path, exc in companions]
    for group, numbers in enumerate(groups.values()):
        source, layout = read[numbers[0]]
        with sources.read_errors([units[n][0] for n in numbers]):
            rows = sources.group_rows(con, numbers, group)
            dates = sources.dates_relation(con, rows, group, settings.dayfirst, len(numbers), settings.first_day)
            shared = sources.shared_day(con, rows, dates) if len(numbers) > 1 else None
            if shared is not None:
                person, day, first, other = shared
                raise UsageError(
                    f"{person}'s {day} is in both {units[first][0]} and {units[other][0]}: "
                    "its rows would be counted twice",
                    fix="give exports of ranges that do not overlap",
                )
            cells, keys = sources.key_cells(con, rows, layout, group, stats["distinct_keys"])
            profile_cells.append(sources.profile_cells(con, rows, layout, source.headers))
        stats["distinct_keys"] += len(keys)
        files.append((source, layout, rows, dates, cells, keys, len(numbers)))
    say(f"matching {stats['distinct_keys']:,} distinct entries")
    # the engine numbers the rows (its statements let go of Python's lock) while Python analyses the keys,
    # which uses no engine statement: at 10M rows each is seconds. Keys never resolved before are shared
    # with forked copies of the process once the numbering is done (nutri/forked.py): the match index is
    # built meanwhile
    with ThreadPoolExecutor(max_workers=1) as pool:
        numbering = pool.submit(_number_rows, con, files)
        try:
            with forked.quiet_before_fork(numbering.result):
                analysed = [sources.analyse_keys(s, layout, keys, match) for s, layout, *_, keys, _ in files]
        finally:
            stats["rows"] = numbering.result()
    return profile_cells, stats, analysed


def _number_rows(con, files: list) -> int:
    """``food_keys`` (pday, key_id) of every group's dated rows, the people and dates numbered
    (``_number_people_and_days``); the number of rows read."""
    parts = [
        sources.food_keys_sql(con, rows, dates, cells, layout, count)
        for _, layout, rows, dates, cells, _, count in files
    ]
    _number_people_and_days(con, [rows for _, _, rows, *_ in files], [dates for _, _, _, dates, *_ in files])
    # (person, day, key_id) numbered as they are read: the rows are never held with their names (at 50M
    # rows the named rows and the numbered ones were the peak of memory); the person's number is pday's
    # high bits, and a key's fits 32 bits: 12 bytes a row, held until the last batch of people
    numbered = [
        f"SELECT CAST(p.pid AS BIGINT) * {day_sql.DAY_SPAN} + r.day AS pday, CAST(r.key_id AS INTEGER) AS key_id "
        f"FROM ({part}) r "
        "JOIN cohort_person_all p ON p.person = r.person"
        for part in parts
    ]
    create_union(con, "food_keys", numbered)
    return sum(con.execute(f"SELECT count(*) FROM {rows}").fetchall()[0][0] for _, _, rows, *_ in files)


# Selects per statement when every group's rows (or names, dates, keys) are put together: one statement
# over 500 files' joins held their 1,500 hash tables at once and ran out of the engine's 1.5 GB at 35k
# rows (files of one shape are now one group: this bounds files of many shapes)
FILES_PER_STATEMENT = 32


def create_union(con, name: str, selects: list[str], distinct: bool = False, outer: str = "{rows}") -> None:
    """Temp table ``name``: ``outer`` over the rows of ``selects`` (UNION ALL, or UNION with ``distinct``),
    made ``FILES_PER_STATEMENT`` selects at a time and then put together when there are more."""
    glue = " UNION " if distinct else " UNION ALL "
    parts = []
    if len(selects) > FILES_PER_STATEMENT:
        parts = [f"{name}_part{k}" for k in range(0, len(selects), FILES_PER_STATEMENT)]
        for part, start in zip(parts, range(0, len(selects), FILES_PER_STATEMENT), strict=True):
            chunk = selects[start : start + FILES_PER_STATEMENT]
            con.execute(f"CREATE TEMP TABLE {part} AS " + glue.join(f"({q})" for q in chunk))
        selects = [f"SELECT * FROM {p}" for p in parts]
    union = glue.join(f"({q})" for q in selects)
    con.execute(f"CREATE TEMP TABLE {name} AS " + outer.format(rows=union))
    for part in parts:
        con.execute(f"DROP TABLE {part}")


def _number_people_and_days(con, rows: list[str], dates: list[str]) -> None:
    """``cohort_person_all`` (person, pid) of every group's rows and ``cohort_dates`` (day, date): the rows
    carry integers, which the engine groups and joins several times faster than names and dates as text;
    numbered in the names' order, so that ordering by pid orders by person."""
    numbered = "SELECT person, row_number() OVER (ORDER BY person) - 1 AS pid FROM ({rows}) p"
    names = [f"SELECT DISTINCT person FROM {r}" for r in rows]
    create_union(con, "cohort_person_all", names, True, numbered)
    days = [f"SELECT DISTINCT day, iso AS date FROM {d} WHERE iso <> ''" for d in dates]
    create_union(con, "cohort_dates", days, True)


def people_and_bounds(con, table) -> None:
    """``cohort_person_ids`` (person, pid, food_rows: the people with a dated food row; the others are read
    but have nothing to assess) and ``key_bounds`` (what each key's rows' upper bounds are made of)."""
    pid = day_sql._pid_of("r.pday")
    counts = f"SELECT {pid} AS pid FROM food_keys r JOIN cohort_keys k ON k.key_id = r.key_id"
    con.execute(
        "CREATE TEMP TABLE cohort_person_ids AS SELECT a.person, a.pid, c.food_rows FROM cohort_person_all a "
        f"JOIN (SELECT pid, count(*) AS food_rows FROM ({counts}) r GROUP BY pid) c ON c.pid = a.pid"
    )
    con.execute("DROP TABLE cohort_person_all")
    foods = day_sql.register_foods(con, table)
    con.execute(f"CREATE TEMP TABLE key_bounds AS {day_sql.key_bounds_sql('cohort_keys', foods)}")


def batches(food_rows: np.ndarray, pids: np.ndarray, batch_rows: int) -> list[tuple[int, int]]:
    """People (``pids`` in order, each with its ``food_rows``) in consecutive batches [first, last] of at
    most ``batch_rows`` food rows each (a person with more is a batch alone): every figure is per person,
    so a batch is computed on its own, and the engine holds one batch's rows and days at a time."""
    out, total = [], 0
    for pid, rows in zip(pids.tolist(), food_rows.tolist(), strict=True):
        if out and total + rows <= batch_rows:
            out[-1], total = (out[-1][0], pid), total + rows
        else:
            out.append((pid, pid))
            total = rows
    return out


def batch_days(con, table: str, first: int, last: int) -> str:
    """``table``: person_days of the people numbered first..last (day totals, upper bounds and
    completeness, as ``days.complete_days_sql``); returns the name of the table of its week summaries
    (``days.week_stats_sql``)."""
    span = day_sql.DAY_SPAN
    con.execute(
        f"CREATE TEMP TABLE batch_keys AS SELECT {day_sql._pid_of('pday')} AS pid, pday, key_id FROM food_keys "
        f"WHERE pday >= {first * span} AND pday < {(last + 1) * span}"
    )
    con.execute(f"CREATE TEMP TABLE bound_needs AS {day_sql.needs_sql('batch_keys', 'key_bounds')}")
    wanted = con.execute("SELECT bit_or(need) FROM bound_needs").fetchall()[0][0] or 0
    quantiles = {}
    for column in day_sql.BOUND_COLUMNS:
        for kind in day_sql.KINDS:
            if wanted & day_sql.need_bit(column, kind):  # no person reads it: no table, read as unbounded
                name = f"q_{kind}_{column}"
                sql = day_sql.quantile_sql("batch_keys", "key_bounds", "bound_needs", column, kind)
                con.execute(f"CREATE TEMP TABLE {name} AS {sql}")
                quantiles[(column, kind)] = name
    con.execute(f"CREATE TEMP TABLE person_q AS {day_sql.person_quantiles_sql('bound_needs', quantiles)}")
    # sums, bounds and completeness in one statement: a table of each was 3.3 GB at 50M rows in one batch
    upper = f"({day_sql.upper_bounds_sql('batch_keys', 'key_bounds', 'person_q', quantiles)})"
    rows = day_sql.food_rows_view_sql("batch_keys", "cohort_keys")
    sums = f"({day_sql.person_days_sql(f'({rows})')})"
    con.execute(f"CREATE TEMP TABLE {table} AS {day_sql.complete_days_sql(sums, upper, 'cohort_people')}")
    for name in ["batch_keys", "bound_needs", "person_q", *quantiles.values()]:
        con.execute(f"DROP TABLE {name}")
    con.execute(f"CREATE TEMP TABLE {table}_weeks AS {day_sql.week_stats_sql(table)}")
    return f"{table}_weeks"


def _food_rows_frozen(con, inputs: list[str], settings: CohortSettings, freeze: bool, say) -> tuple[list, dict]:
    """``food_rows``. What its analysis builds (the food tables, the match index, the resolutions) lives to
    the end of the run: frozen (``freeze``), out of the collector's sight, the collections after the
    analysis do not walk it again and again (10M cold: 0.9 -> 0.06 s of collections); ``run`` gives it
    back at its end, so that a caller's own objects frozen with it are not kept from the collector for
    good. Frozen before the collector is back on: the full collection that settles a paused block's
    objects (``paused_gc``) would walk them all once more (10M cold: 0.3 s)."""
    with paused_gc():
        read = food_rows(con, inputs, settings, say)
        if freeze:
            gc.freeze()
    return read


def _unread_dates(con, groups: int) -> str:
    """What the date cells held, when no row has a date: "; the date cells read '1', '2': ..." and why the
    first is no date (a food record's day numbers, a text nutri does not read)."""
    raw = []
    for group in range(groups):
        raw += [r[0] for r in con.execute(f"SELECT date_raw FROM dates_{group} WHERE iso = '' LIMIT 3").fetchall()]
    if not raw:
        return ""
    shown = ", ".join(repr(v) for v in raw[:3])
    return f"; the date cells read {shown}: {reader.parse_day(raw[0], False)[1]}"


def _silent(text: str) -> None:
    pass


def run(inputs: list[str], settings: CohortSettings, progress=None, con=None, on_days=None) -> CohortResult:
    """``progress(text)``: called with each step as it starts ('matching 124,358 distinct entries').
    ``con``: the engine connection (DuckDB's by default; anything that runs the same SQL, such as the
    PySpark adapter in benchmarks/cohort_spark.py). ``on_days(con, table)``: called with each batch's
    person_days table as soon as it is made (in the people's order), which is then let go rather than
    kept for ``CohortResult.person_days`` (the command writes them so: kept, 50M rows' days spilled).
    The engine's memory limit reached anywhere is one line of nutri's (``sources.memory_error``)."""
    con = con if con is not None else engine()
    freeze = gc.get_freeze_count() == 0  # a caller's own frozen objects would be given back with ours
    try:
        return _run(con, inputs, settings, freeze, on_days, progress or _silent)
    except Exception as exc:
        if _out_of_memory(exc):
            raise sources.memory_error() from None
        raise


def _out_of_memory(exc: Exception) -> bool:
    try:
        import duckdb
    except ImportError:
        return False
    return isinstance(exc, duckdb.OutOfMemoryException)


def account_for_rows(stats: dict, dated: int, numbered: pd.DataFrame) -> None:
    """Where every row read went (nothing is dropped unsaid): ``rows_counted``, the food rows assessed;
    ``rows_skipped``, dated rows the reader's rules skip (marked deleted in the app);
    ``rows_without_date``, rows with no valid date and none above them in their file to continue, which
    no day can hold. ``dated``: the rows numbered with a day."""
    counted = int(numbered["food_rows"].sum())
    stats["rows_counted"] = counted
    stats["rows_skipped"] = int(dated) - counted
    stats["rows_without_date"] = stats["rows"] - int(dated)


def _run(con, inputs: list[str], settings: CohortSettings, freeze: bool, on_days, say) -> CohortResult:
    """``run`` on the engine ``con``."""
    from nutri.pipeline import food_table

    try:
        profile_cells, stats = _food_rows_frozen(con, inputs, settings, freeze, say)
        _, match = _matcher(settings)
        people_and_bounds(con, food_table(match))
        numbered = con.execute("SELECT person, pid, food_rows FROM cohort_person_ids ORDER BY pid").df()
        account_for_rows(stats, con.execute("SELECT count(*) FROM food_keys").fetchall()[0][0], numbered)
        names = numbered["person"].tolist()
        if not names:
            raise UsageError(
                f"no dated food entries in the inputs{_unread_dates(con, len(profile_cells))}",
                fix="check the date column",
                option="columns",
            )
        people_profiles, people = profiles_for(names, settings.profiles, profile_cells)
        distinct = list(dict.fromkeys(people_profiles[p] for p in names))
        number = {p: i for i, p in enumerate(distinct)}
        index = np.array([number[people_profiles[p]] for p in names], dtype=np.int64)
        distinct = representatives(distinct)  # the rules of each profile, read once per age band
        pids = numbered["pid"].to_numpy(dtype=np.int64)
        register_people(con, names, distinct, index, pids)
        parts = batches(numbered["food_rows"].to_numpy(dtype=np.int64), pids, settings.batch_rows)
        tables, weeks = [], []
        for k, (first, last) in enumerate(parts):
            of = f" (batch {k + 1} of {len(parts)})" if len(parts) > 1 else ""
            say(f"day totals of {len(names):,} people{of}")
            weeks.append(batch_days(con, f"person_days_{k}", first, last))
            if on_days is None:
                tables.append(f"person_days_{k}")
            else:
                on_days(con, f"person_days_{k}")
                con.execute(f"DROP TABLE person_days_{k}")
        for name in ("food_keys", "key_bounds"):  # 600 MB at 50M rows
            con.execute(f"DROP TABLE {name}")
        con.execute(
            "CREATE TEMP TABLE cohort_week_stats AS " + " UNION ALL ".join(f"(SELECT * FROM {w})" for w in weeks)
        )
        for name in weeks:
            con.execute(f"DROP TABLE {name}")
        rules = rules_by_profile(distinct)
        say("verdicts and the group summary")
        week_stats, overall_stats = period_stats(con, "cohort_week_stats", "cohort_people")
        weeks = verdicts(week_stats, rules)
    except BaseException:
        con.close()
        raise
    finally:
        if freeze:
            gc.unfreeze()
    overall = verdicts(overall_stats, rules).drop(columns=["week"])
    people = people.merge(overall, on="person", how="left")
    stats["people"] = len(people)
    summary = group_summary(people, overall_stats, distinct, stats)
    return CohortResult(con, tables, weeks, people, summary, stats)
