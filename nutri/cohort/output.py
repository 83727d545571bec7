"""Writing a cohort's outputs: person_weeks, person_days and the group summary (md, html, json)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from nutri.cohort.summary import render_html, render_json, render_markdown
from nutri.errors import UnreadableInputError
from nutri.nutrients import ENERGY, ENTRY_NUTRIENT_COLUMNS

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


def _write_table(con, frame: pd.DataFrame, path: Path, parquet: bool) -> Path:
    con.register("out_frame", frame)
    try:
        target = "(FORMAT parquet)" if parquet else "(FORMAT csv, HEADER true)"
        con.execute(f"COPY out_frame TO '{str(path).replace(chr(39), chr(39) * 2)}' {target}")
    finally:
        con.unregister("out_frame")
    return path


def write_outputs(result, folder: Path, parquet: bool = False) -> list[Path]:
    """The tables through the engine (person_days straight from it), the summary in three renderings."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnreadableInputError(f"cannot create the output folder ({exc.strerror})", file=str(folder)) from None
    suffix = ".parquet" if parquet else ".csv"
    days_path = folder / f"person_days{suffix}"
    # person_days (the engine's work, which lets go of Python's lock) is written while this process's
    # Python makes the other files: at 10M rows they overlap about 2 of 9 seconds
    with ThreadPoolExecutor(max_workers=1) as pool:
        others = pool.submit(_write_others, result, folder, suffix, parquet)
        result.write_person_days(str(days_path), DAY_COLUMNS, parquet, {c: DAY_DECIMALS for c in DAY_AMOUNTS})
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
        (folder / name).write_text(render(result.summary), encoding="utf-8")
        summaries.append(folder / name)
    return weeks_path, people_path, summaries
