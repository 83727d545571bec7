"""Writing a cohort's outputs: person_weeks, person_days and the group summary (md, html, json)."""

from __future__ import annotations

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


def _write_table(frame: pd.DataFrame, path: Path, parquet: bool) -> Path:
    if not parquet:
        frame.to_csv(path, index=False, lineterminator="\n")
        return path
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.register("out_frame", frame)
        con.execute(f"COPY out_frame TO '{str(path).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    finally:
        con.close()
    return path


def write_outputs(result, folder: Path, parquet: bool = False) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnreadableInputError(f"cannot create the output folder ({exc.strerror})", file=str(folder)) from None
    suffix = ".parquet" if parquet else ".csv"
    weeks = result.person_weeks.merge(result.people[["person", "profile_from"]], on="person", how="left")
    written = [
        _write_table(weeks, folder / f"person_weeks{suffix}", parquet),
        _write_table(result.person_days[DAY_COLUMNS], folder / f"person_days{suffix}", parquet),
        _write_table(result.people, folder / f"people{suffix}", parquet),
    ]
    for name, render in (("summary.md", render_markdown), ("summary.html", render_html), ("summary.json", render_json)):
        (folder / name).write_text(render(result.summary), encoding="utf-8")
        written.append(folder / name)
    return written
