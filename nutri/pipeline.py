"""The pipeline as four calls: read a diary, match its entries, report on them, render the report.

The command line, the README and the cohort path all go through these functions, so the wiring of
reader, food tables, matcher, assessment and renderers lives in one place. Settings are small frozen
dataclasses; everything has a default, so ``nutri.match_entries(nutri.read_diary(path))`` works.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from nutri.errors import UsageError

if TYPE_CHECKING:  # the heavy modules load only when a call needs them (nutri --help stays fast)
    import pandas as pd

    from nutri.diary import Diary
    from nutri.dri import Profile
    from nutri.foods import FoodTable
    from nutri.match import Matcher


@dataclass(frozen=True)
class ReadSettings:
    """How to read a diary file."""

    sheet: str | None = None  # workbook sheet (default: the first with a food header)
    columns: dict[str, str] = field(default_factory=dict)  # role -> header overrides, e.g. {"food": "Item"}
    dayfirst: bool | None = None  # ambiguous slash dates as D/M/YYYY (the file's own evidence wins)
    person: str | None = None  # the one person to read from a file naming several
    first_day: dt.date | None = None  # the date of day 1 of a food record dated by day numbers


@dataclass(frozen=True)
class MatchSettings:
    """How entries become foods, grams and nutrients."""

    aliases: Path | None = None  # the user's alias,food_id file; wins over everything
    foods: Path | None = None  # the user's custom foods file
    nutrients_from: str = "export"  # "export": an app's own nutrient columns first; "table": all from food tables
    accept_review: bool = False  # count rows needing review at nutri's best guess


@dataclass(frozen=True)
class ReportSettings:
    """Whom the report is for and which dates it covers."""

    profile: Profile | None = None  # None: an adult woman aged 31-50, marked as assumed
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Matched:
    """Matched entries: one row per diary row, in input order, with status, note, grams and nutrients."""

    diary: Diary
    entries: pd.DataFrame
    table: FoodTable
    # rows needing review were counted at nutri's best guess (MatchSettings.accept_review): their
    # candidate foods are then what was counted, and the report names them so
    accepted_review: bool = False

    def counts(self) -> dict[str, int]:
        """Rows per status: matched, needs_review, unmatched, skipped, invalid."""
        from nutri.intake import summary_counts

        return summary_counts(self.entries)

    def date_problem(self) -> str:
        """Why the first row without a date has none ('row 2: date '1' is not a date nutri reads ...'), or ''."""
        from nutri.diary import recall_days

        if "date" not in self.diary.columns and not recall_days(self.diary.layout):
            return "no column holds dates; name it Date, or pass --columns date=HEADER"
        undated = self.entries[(self.entries["date"] == "") & (self.entries["status"] != "skipped")]
        if undated.empty:
            return ""
        row = undated.iloc[0]
        reason = next((part for part in str(row["note"]).split("; ") if "date" in part), "no date")
        return f"row {row['row']}: {reason}"


class ManyPeopleError(UsageError):
    """A file names several people and no one person was chosen."""

    def __init__(self, path: Path, column: str, people: list[str], by_values: bool = False) -> None:
        shown = ", ".join(people[:5]) + (", ..." if len(people) > 5 else "")
        how = " (recognised by its values: several names, each on several dates)" if by_values else ""
        super().__init__(
            f"{path}: column {column!r}{how} names {len(people)} people ({shown}); a report is for one person: pick one"
        )
        # after the base class, whose own ``column`` (where an error is) is None here: the people's column is apart
        self.path, self.person_column, self.people, self.by_values = path, column, people, by_values


def read_diary(path: str | Path, settings: ReadSettings = ReadSettings(), data: bytes | None = None) -> Diary:
    """Read a diary file (CSV, TSV, XLSX, ODS; hand-made or an app's export) for one person.
    ``data``: the file's bytes when they come from elsewhere (stdin); ``path`` then only names them."""
    from nutri.diary import read_diary as read_file

    diary = read_file(
        path,
        sheet=settings.sheet,
        columns=dict(settings.columns) or None,
        dayfirst=settings.dayfirst,
        data=data,
        first_day=settings.first_day,
    )
    return select_person(diary, settings.person)


def read_diaries(paths: list[str | Path], settings: ReadSettings = ReadSettings(), stdin: bytes | None = None) -> Diary:
    """Several files of one person as one diary (``diary.combine``), each read and its person picked as
    ``read_diary`` does; ``stdin``: the bytes of the one path that is standard input. With the sheet
    '*', every sheet of a workbook that holds a diary is a part (a week a sheet)."""
    from nutri.diary import ALL_SHEETS, STDIN_NAME, WORKBOOK_SUFFIXES, combine, diary_sheets_of

    parts = []
    for path in paths:
        if str(path) == STDIN_NAME:
            parts.append(read_diary(path, settings, data=stdin))
        elif settings.sheet == ALL_SHEETS and Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = diary_sheets_of(Path(path), dict(settings.columns)) or [None]  # none: the reader's error
            parts += [read_diary(path, dataclasses.replace(settings, sheet=sheet)) for sheet in sheets]
        else:
            parts.append(read_diary(path, settings))
    return combine(parts)


def people(diary: Diary) -> list[str]:
    """The people a diary's person column names, in order of appearance; [] when it has none.

    A column of all-different values under an "ID" header (``diary.ENTRY_ID_HEADERS``) numbers the
    entries and names no people; under a Person or Client header it names people, one row each."""
    from nutri.diary import ENTRY_ID_HEADERS, header_key

    if "person" not in diary.columns:
        return []
    values = diary.entries["person"]
    named = values[values != ""]
    distinct = list(dict.fromkeys(named))
    entry_ids = header_key(diary.columns["person"]) in ENTRY_ID_HEADERS
    if entry_ids and len(distinct) > 1 and len(distinct) == len(named):
        return []
    return distinct


def select_person(diary: Diary, person: str | None) -> Diary:
    """The diary of one person. Several people and no choice is a usage error naming the column."""
    names = people(diary)
    if person is None:
        if len(names) > 1:
            raise ManyPeopleError(diary.path, diary.columns["person"], names, diary.person_by_values)
        return diary
    if not names:
        raise UsageError(
            f"{diary.path}: no column names people (such as Person, Participant or SEQN), so there is no one to pick"
        )
    if person not in names:
        raise UsageError(
            f"{diary.path}: {person!r} is not in column {diary.columns['person']!r}; it names {', '.join(names[:10])}"
        )
    rows = diary.entries[diary.entries["person"] == person].reset_index(drop=True)
    return dataclasses.replace(diary, entries=rows)


@lru_cache(maxsize=4)
def _tables_and_matcher(aliases: Path | None, foods: Path | None) -> tuple[FoodTable, Matcher]:
    from nutri.foods import load_custom_foods, load_foods

    table = load_foods()
    if foods:
        table = table.with_custom(load_custom_foods(Path(foods)))
    user_aliases = {}
    if aliases:
        from nutri.match import read_aliases

        user_aliases = read_aliases(Path(aliases), table, str(aliases))
    return table, _LazyMatcher(table, user_aliases)


class _LazyMatcher:
    """The Matcher, built (its index loaded) when first used: a diary whose texts were all resolved
    by an earlier run (nutri/intake.py) never needs it, and loading it is a good part of a small
    report. ``table`` and ``user_aliases`` are there without building; everything else is the Matcher's."""

    def __init__(self, table: FoodTable, user_aliases: dict) -> None:
        self.table, self.user_aliases, self._matcher = table, user_aliases, None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            from nutri.match import Matcher

            self._matcher = Matcher(self.table, self.user_aliases)
        return self._matcher

    def __getattr__(self, name: str):  # only for names not set in __init__
        if name.startswith("__") or name == "_matcher":
            raise AttributeError(name)
        return getattr(self.matcher, name)


def food_table(settings: MatchSettings = MatchSettings()) -> FoodTable:
    """The food tables the settings name (SR28 and FNDDS, plus the user's custom foods)."""
    return _tables_and_matcher(settings.aliases, settings.foods)[0]


def food_matcher(settings: MatchSettings = MatchSettings()) -> Matcher:
    """The matcher over those tables, with the user's aliases (what `match_entries` uses per row)."""
    return _tables_and_matcher(settings.aliases, settings.foods)[1].matcher


def match_entries(
    diary: Diary, settings: MatchSettings = MatchSettings(), progress: Callable[[int, int], None] | None = None
) -> Matched:
    """Every diary row matched, weighed and valued; rows that cannot be counted say why."""
    from nutri.intake import analyse

    if settings.nutrients_from not in ("export", "table"):
        raise UsageError(f"nutrients from {settings.nutrients_from!r}: use 'export' or 'table'")
    table, matcher = _tables_and_matcher(settings.aliases, settings.foods)
    entries = analyse(
        diary, table, matcher, settings.nutrients_from, progress=progress, accept_review=settings.accept_review
    )
    return Matched(diary, entries, table, settings.accept_review)


def analyse(matched: Matched) -> pd.DataFrame:
    """Day totals: per date the counted sums, counted rows and coverage of every nutrient."""
    from nutri.intake import daily_totals

    return daily_totals(matched.entries)


def weekly_report(matched: Matched, settings: ReportSettings | Profile | None = None) -> dict:
    """The report: per ISO week and the whole period, each nutrient judged against the DRIs."""
    from nutri.diary import STDIN_NAME
    from nutri.dri import Profile
    from nutri.report.build import build_report
    from nutri.report.safe import clean

    if settings is None or isinstance(settings, Profile):
        settings = ReportSettings(profile=settings)
    profile = settings.profile or Profile(assumed=True)
    diary = matched.diary
    # no file to name or hash again (standard input, several files): the bytes read were hashed
    read_hashed = str(diary.path) == STDIN_NAME or bool(diary.files)
    report = build_report(
        matched.entries,
        profile,
        matched.table,
        None if read_hashed else diary.path,
        settings.start,
        settings.end,
        matched.accepted_review,
    )
    if diary.files:
        names, hashes = zip(*diary.files, strict=True)
        report["sources"].update(input_file="; ".join(names), input_sha256="; ".join(h or "-" for h in hashes))
    elif read_hashed:
        report["sources"].update(input_file=diary.path.name, input_sha256=diary.sha256)
    # every renderer gets the report through the output-safety layer (no NaN/inf, no control characters)
    return clean(report)


def render(report, fmt: str = "text", matched: Matched | None = None, colour: bool = False) -> bytes:
    """The report (the model, or its JSON dict) in one format: text, md, html, json or xlsx; one
    renderer per format, each ``render(report) -> bytes`` (xlsx also lists the matched entries)."""
    from nutri.report import renderers
    from nutri.report.model import Report

    if fmt == "json" and not isinstance(report, Report):
        from nutri.report.json_report import render_dict

        return render_dict(report)
    if not isinstance(report, Report):
        report = Report.from_dict(report)
    if fmt not in renderers.FORMATS:
        raise UsageError(f"format {fmt!r}: use text, md, html, json or xlsx")
    if fmt == "xlsx":
        from nutri.report.xlsx import render as render_xlsx

        return render_xlsx(report, matched.entries if matched is not None else None)
    if fmt == "text":
        from nutri.report.text import render as render_text

        return render_text(report, colour=colour)
    return renderers.FORMATS[fmt]()(report)
