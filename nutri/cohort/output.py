"""Writing a cohort's outputs: person_weeks, person_days and the group summary (md, html, json)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from nutri.cohort import sources
from nutri.cohort.summary import render_html, render_json, render_markdown
from nutri.errors import OutputError, UnreadableInputError
from nutri.nutrients import ENERGY, ENTRY_NUTRIENT_COLUMNS
from nutri.report import safe

# person_days.csv: what other tools read (the names are a contract)
DAY_COLUMNS = [
    "person",
    "date",
    "complete",
    "entries",
    ENERGY.column,
    *[c for c in ENTRY_NUTRIENT_COLUMNS if c != ENERGY.column],
    *[c + "_coverage" for c in ENTRY_NUTRIENT_COLUMNS],
]
# person_days.csv writes its amounts and coverages to this many decimals (0.0001 mg, µg, g or kcal; the
# Parquet file keeps the engine's doubles): printing 1.7 million days x 20 doubles in full
# ("1.7999999999999998") was most of a 10M-row run's largest statement, and no intake is known that well
DAY_DECIMALS = 4
DAY_AMOUNTS = [c for c in DAY_COLUMNS if c not in ("person", "date", "complete", "entries")]


# The names ``shown_names`` may change, as the engine's regular expression: safe.FORMULA_START at the start,
# or any of safe.CONTROL_RE's characters
CHANGED = r"^[=+@\t\r-]|[\x00-\x08\x0b-\x1f\x7f-\x9f]"


def shown_names(names: pd.Series, parquet: bool) -> pd.Series:
    """People's names as the report's writers show any text from a diary (nutri/report/safe.py): control
    characters as visible escapes, and in CSV text a spreadsheet would run as a formula ("=HYPERLINK(..."
    as a person's name) with a leading apostrophe. Once per distinct name."""
    show = safe.clean_text if parquet else (lambda name: safe.neutralise(safe.clean_text(name)))
    return names.map({name: show(name) for name in pd.unique(names) if isinstance(name, str)})


def _replaced(path: Path, write) -> Path:
    """``write(temporary)`` then the temporary file renamed over ``path``: never half a file (the
    report's rule, ``safe.write_atomic``); the temporary file removed on any failure."""
    try:
        # a name of its own beside the target (two runs writing into one folder do not share it)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"cannot write it ({safe._os_problem(exc)})", file=path) from None
    temporary = Path(name)
    try:
        write(temporary)  # over the empty file (the engine's COPY, a rename, or an open for writing)
        os.chmod(temporary, 0o666 & ~safe._umask())  # as any program's output, not mkstemp's 0600
        os.replace(temporary, path)
    except OSError as exc:
        raise OutputError(f"cannot write it ({safe._os_problem(exc)})", file=path) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return path


def _write_table(con, frame: pd.DataFrame, path: Path, parquet: bool) -> Path:
    frame = frame.assign(person=shown_names(frame["person"], parquet))

    def write(target: Path) -> None:
        con.register("out_frame", frame)
        try:
            style = "(FORMAT parquet)" if parquet else "(FORMAT csv, HEADER true)"
            con.execute(f"COPY out_frame TO {sources._quote(str(target))} {style}")
        finally:
            con.unregister("out_frame")

    return _replaced(path, write)


def _folder(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnreadableInputError(f"cannot create the output folder ({exc.strerror})", file=str(folder)) from None
    return folder


class DaysWriter:
    """person_days written batch by batch (``run_cohort``'s ``on_days``, or a result's kept tables): each
    batch's days in order to a part beside the file, then the parts joined by ``finish``, CSV byte for
    byte, Parquet read in order by the engine. One sort of all the days at once spilled at 50M rows; a
    batch's fits in memory. In CSV each amount and coverage to ``DAY_DECIMALS`` decimals (a value no
    decimal holds, an infinity, is left empty as unknown)."""

    def __init__(self, folder: Path, parquet: bool = False) -> None:
        self.path = _folder(folder) / f"person_days{'.parquet' if parquet else '.csv'}"
        self.parquet = parquet
        self.parts: list[Path] = []
        self.names = None  # the engine table of pid -> the person's name as shown (``shown_names``)

    def __call__(self, con, table: str) -> None:
        from nutri.cohort.run import days_sql

        if self.names is None:
            self.names = self._shown(con)
        decimals = {} if self.parquet else {c: DAY_DECIMALS for c in DAY_AMOUNTS}
        selected = [f"TRY_CAST({c} AS DECIMAL(18, {decimals[c]})) AS {c}" if c in decimals else c for c in DAY_COLUMNS]
        part = self.path.with_name(f".{self.path.name}.part{len(self.parts)}")
        header = "true" if not self.parts else "false"
        target = "(FORMAT parquet)" if self.parquet else f"(FORMAT csv, HEADER {header})"
        self.parts.append(part)
        days = days_sql(table, self.names)
        con.execute(f"COPY (SELECT {', '.join(selected)} FROM ({days})) TO {sources._quote(str(part))} {target}")

    def _shown(self, con) -> str:
        """pid -> the name as ``shown_names`` shows it: the engine finds the few names it changes (none in
        most studies; 60k names fetched and mapped were 0.1 s of a 10M-row run's critical path)."""
        changed = con.execute(
            f"SELECT pid, person FROM cohort_people WHERE regexp_matches(person, {sources._quote(CHANGED)})"
        ).df()
        if changed.empty:
            return "cohort_people"
        changed["person"] = shown_names(changed["person"], self.parquet)
        con.register("days_names_frame", changed)
        con.execute("CREATE OR REPLACE TEMP TABLE days_names AS SELECT * FROM days_names_frame")
        con.unregister("days_names_frame")
        return (
            "(SELECT p.pid, COALESCE(n.person, p.person) AS person FROM cohort_people p "
            "LEFT JOIN days_names n ON n.pid = p.pid)"
        )

    def finish(self, con) -> Path:
        """The parts joined into the file, and removed."""
        parts = ", ".join(sources._quote(str(p)) for p in self.parts)

        def join(target: Path) -> None:
            if self.parquet:
                con.execute(
                    f"COPY (SELECT * FROM read_parquet([{parts}])) TO {sources._quote(str(target))} (FORMAT parquet)"
                )
                return
            with open(target, "wb") as out:
                for part in self.parts:
                    with open(part, "rb") as handle:
                        shutil.copyfileobj(handle, out, 2**22)

        try:
            _replaced(self.path, self.parts[0].replace if len(self.parts) == 1 else join)
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        for part in self.parts:
            part.unlink(missing_ok=True)


def write_outputs(result, folder: Path, parquet: bool = False, days: DaysWriter | None = None) -> list[Path]:
    """The tables through the engine, the summary in three renderings; person_days from ``days`` (the
    writer the run handed each batch to), else from the result's kept tables."""
    _folder(folder)
    suffix = ".parquet" if parquet else ".csv"
    if days is None:
        days = DaysWriter(folder, parquet)
        for table in result.days_tables:
            days(result.con, table)
    # the parts are joined (the engine's work, which lets go of Python's lock, or the disk's) while this
    # process's Python makes the other files
    with ThreadPoolExecutor(max_workers=1) as pool:
        others = pool.submit(_write_others, result, folder, suffix, parquet)
        days_path = days.finish(result.con)
        weeks_path, people_path, summaries = others.result()
    return [weeks_path, days_path, people_path, *summaries]


def _write_others(result, folder: Path, suffix: str, parquet: bool) -> tuple[Path, Path, list[Path]]:
    """person_weeks and people (through an engine of their own) and the summary in three renderings."""
    import duckdb

    weeks = result.person_weeks.merge(result.people[["person", "profile_from"]], on="person", how="left")
    # beside the main engine's writing (at its memory limit): one thread and a small limit, so that the
    # overlap adds little to the run's peak memory (a frame is written as it is read)
    con = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": "256MB"})
    try:
        weeks_path = _write_table(con, weeks, folder / f"person_weeks{suffix}", parquet)
        people_path = _write_table(con, result.people, folder / f"people{suffix}", parquet)
    finally:
        con.close()
    summaries = []
    for name, render in (("summary.md", render_markdown), ("summary.html", render_html), ("summary.json", render_json)):
        safe.write_atomic(folder / name, render(result.summary).encode("utf-8"))
        summaries.append(folder / name)
    return weeks_path, people_path, summaries
