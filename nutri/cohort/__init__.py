"""Many people's diaries in one run, on an embedded engine (DuckDB) that spills to disk.

    from nutri.cohort import CohortSettings, run_cohort
    result = run_cohort(["diaries/"], CohortSettings(person="Participant"))
    result.person_weeks, result.person_days, result.summary

Rows stay in the engine; Python sees each distinct combination of cells once (the single-diary
reader's rules and ``intake.analyse``), the per-person days, and the verdicts per person-week.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nutri.errors import NutriError, UsageError

INSTALL_HINT = 'pip install "nutri-diary[cohort]"'


class EngineMissingError(NutriError):
    """The optional engine is not installed."""

    def __init__(self) -> None:
        super().__init__("nutri cohort needs DuckDB, which is not installed", fix=f"install it with {INSTALL_HINT}")


def memory_limit() -> str:
    """The engine's memory limit: NUTRI_COHORT_MEMORY, default 1.5GB."""
    return os.environ.get("NUTRI_COHORT_MEMORY", "1.5GB")


def engine():
    """A DuckDB connection with bounded memory (``memory_limit``) and a spill folder."""
    try:
        import duckdb
    except ImportError:
        raise EngineMissingError() from None
    con = duckdb.connect(":memory:")
    spill = Path(tempfile.gettempdir()) / "nutri-cohort-spill"
    try:
        con.execute(f"SET memory_limit = '{memory_limit().replace(chr(39), '')}'")
    except duckdb.Error:
        con.close()
        raise UsageError(
            f"NUTRI_COHORT_MEMORY={memory_limit()!r} is not an amount of memory",
            fix="set it as a number and a unit, e.g. NUTRI_COHORT_MEMORY=4GB",
        ) from None
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")  # the CLI prints its own one-line summary
    return con


@dataclass(frozen=True)
class CohortSettings:
    person: str | None = None  # header of the person column; None: the reader's person column, else the file name
    profiles: Path | None = None  # CSV: person, sex, age, pregnant, lactating
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None
    aliases: Path | None = None
    foods: Path | None = None
    nutrients_from: str = "export"
    accept_review: bool = False
    engine_bytes: int = 32 * 2**20  # text files larger than this are scanned by the engine itself
    # People are computed in batches of at most this many food rows: a batch's rows, bounds and days fit
    # the engine's memory (10M rows, 1.7M person-days, ran in 1.6 GB without spilling; 50M in one batch
    # spilled 8 GB and took most of its time reading it back)
    batch_rows: int = 10_000_000
    # A folder whose files are not inputs when a folder or pattern is expanded: the run's own output folder,
    # which a second run into a folder inside the inputs would otherwise read as diaries
    outputs: Path | None = None
    first_day: dt.date | None = None  # the date of day 1 of food records dated by day numbers (Day 1, Day 2)


def run_cohort(
    inputs: list[str], settings: CohortSettings = CohortSettings(), progress=None, connection=None, on_days=None
):
    """``connection``: an engine other than the default DuckDB one, running the same SQL; ``on_days``: see
    ``nutri.cohort.run.run`` (``nutri.cohort.output.DaysWriter`` writes each batch of person-days)."""
    from nutri.cohort.run import run

    return run(inputs, settings, progress, connection, on_days)
