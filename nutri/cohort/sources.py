"""Many diary files into one engine table of food rows, with the single-diary reader's own rules.

Each file's cells land in the engine as text columns c0..cN: small text files and workbooks through
nutri's reader (same decoding, header search and cell text), large CSV/TSV and Parquet through the
engine's own scanner. The rules that turn cells into entries (``diary._entries``: roles, app layouts,
quick-add and deleted rows, decimal commas, export values) and matching, grams and counting
(``intake.analyse``) then run once per distinct combination of the cells they read, never per row;
their results are joined back to the rows in the engine. Dates are parsed once per distinct value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nutri import diary as reader
from nutri.cache import paused_gc
from nutri.cohort.profiles import PROFILE_HEADERS, SURVEY_CODES
from nutri.errors import DiaryFormatError, UnreadableInputError, UsageError
from nutri.nutrients import NUTRIENT_COLUMNS

DIARY_SUFFIXES = reader.TEXT_SUFFIXES | reader.WORKBOOK_SUFFIXES | reader.XPORT_SUFFIXES | {".parquet"}
PAGE_SUFFIXES = {".htm", ".html"}  # in a folder: read when the page is MyFitnessPal's printable diary
PLACEHOLDER_DATE = "2000-01-03"  # the distinct-cells diary needs a valid date; real dates are joined per row
HEAD_BYTES = 4 * 2**20  # read to find the header of a file the engine scans
# Columns of an analysed entry that the cohort keeps per row.
RESULT_COLUMNS = ["status", "uncounted", "supplemental", "grams", "amount", "unit", "food_id", *NUTRIENT_COLUMNS]


@dataclass(frozen=True)
class Source:
    """One input file as an engine relation of text columns c0..c{width-1}, in file order."""

    path: Path
    relation: str  # engine table or view name
    headers: list[str]
    cells: reader._Cells  # delimiter and encoding, for the decimal-comma rule
    person: str = ""  # the one person of a source no column names people for: its sheet's name, else the file's stem

    @property
    def one_person(self) -> str:
        return self.person or self.path.stem


def expand_inputs(inputs: list[str], outputs: Path | None = None) -> list[Path]:
    """Files, folders (their diary files, recursively) and globs, each file once, in a stable order; a
    folder's or pattern's files inside ``outputs`` (the run's output folder) are not inputs."""
    found: list[Path] = []
    skipped = outputs.resolve() if outputs is not None else None

    def wanted(p: Path) -> bool:
        return skipped is None or not p.resolve().is_relative_to(skipped)

    def diary_file(p: Path) -> bool:
        suffix = p.suffix.lower()
        if suffix in PAGE_SUFFIXES:  # a saved page only if it is MyFitnessPal's printable diary
            return _printable_diary_page(p)
        return suffix in DIARY_SUFFIXES

    for given in inputs:
        path = Path(given)
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*") if p.is_file() and diary_file(p) and wanted(p))
            if not matches:
                raise UnreadableInputError(
                    "the folder holds no diary files (.csv, .tsv, .xlsx, .ods, .parquet, MyFitnessPal's printable "
                    "diary page)",
                    file=given,
                )
        elif path.is_file():  # before patterns: a file may be named "week[1].csv"
            matches = [path]
        elif any(ch in given for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(given, recursive=True) if Path(p).is_file() and wanted(Path(p)))
            if not matches:
                raise UnreadableInputError(
                    "no file matches this pattern", file=given, fix="check the pattern (quote it in the shell)"
                )
        else:
            raise UnreadableInputError("no such file or folder", file=given, fix="check the path")
        found.extend(matches)
    return list(dict.fromkeys(found))


def _printable_diary_page(path: Path) -> bool:
    """Whether a saved page is MyFitnessPal's printable diary (the reader's own test on its first bytes): a
    folder of exports may hold other pages (a report, notes), which are not diaries."""
    try:
        with open(path, "rb") as handle:
            return reader._is_printable_diary(handle.read(4096))
    except OSError:
        return False


def load(
    con,
    path: Path,
    index: int,
    sheet: str | None,
    overrides: dict[str, str],
    engine_bytes: int,
    workspace: Path,
    person: str = "",
) -> Source:
    """The file's cells in the engine. Parquet and text files over ``engine_bytes`` are scanned by the engine
    (a text file once, into a Parquet copy in ``workspace``, a folder that lives while the rows are read).
    ``person``: the source's one person when no column names people (``Source.person``)."""
    name, suffix = str(path), path.suffix.lower()
    relation = f"cells_{index}"
    if suffix == ".parquet":
        with read_errors([path]):
            described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quote(name)})").fetchall()
        headers = [row[0] for row in described]
        # a floating-point column's numbers as the reader writes them (93703, not 93703.0: a person or a code
        # in a Parquet file is the same as in a CSV file)
        floating = [str(row[1]).upper() in ("DOUBLE", "FLOAT", "REAL") for row in described]
        columns = ", ".join(
            _as_text(_ident(h), f"c{i}") if is_float else f"TRIM(COALESCE(CAST({_ident(h)} AS STRING), '')) AS c{i}"
            for i, (h, is_float) in enumerate(zip(headers, floating, strict=True))
        )
        con.execute(f"CREATE TEMP VIEW {relation} AS SELECT {columns} FROM read_parquet({_quote(name)})")
        return Source(
            path, relation, [str(h) for h in headers], reader._Cells([], text="", encoding=None, delimiter=","), person
        )
    if suffix in reader.TEXT_SUFFIXES and path.stat().st_size > engine_bytes:
        return dataclasses.replace(_scan_text(con, path, relation, overrides, workspace), person=person)
    data = reader._load_bytes(path)
    cells = reader._read_cells(name, data, suffix, sheet, overrides)
    header_index = reader.header_row(name, cells.rows, overrides)
    headers = [reader._cell_text(c) for c in cells.rows[header_index]]
    frame = reader._body(name, cells, header_index, len(headers)).iloc[:, : len(headers)]
    if cells.frame is None and cells.text is None:  # workbook cells: the reader's own text of each distinct value
        frame = frame.apply(lambda c: reader.per_distinct(c, reader._cell_text))
    frame.columns = [f"c{i}" for i in range(frame.shape[1])]
    for i in range(frame.shape[1], len(headers)):
        frame[f"c{i}"] = ""
    con.register(relation + "_frame", frame)
    # a dataset's numbers are written as text by the engine, as the reader writes them (``_cell_text``)
    columns = "*"
    if cells.frame is not None:
        columns = ", ".join(
            _as_text(c, c) if frame[c].dtype.kind == "f" else f"COALESCE(CAST({c} AS VARCHAR), '') AS {c}"
            for c in frame.columns
        )
    con.execute(f"CREATE TEMP TABLE {relation} AS SELECT {columns} FROM {relation}_frame")
    con.unregister(relation + "_frame")
    return Source(
        path, relation, headers, reader._Cells([], text="", encoding=cells.encoding, delimiter=cells.delimiter), person
    )


def _as_text(column: str, alias: str) -> str:
    """A floating-point column as the reader's text of its cells (``diary._cell_text``): a whole number
    without '.0', another as its shortest repr (the engine's cast is Python's repr), a missing one blank."""
    whole = f"floor({column}) = {column} AND abs({column}) < 9007199254740992"  # floor: trunc is for dates in Spark
    return (
        f"CASE WHEN {column} IS NULL OR isnan({column}) THEN '' WHEN {whole} "
        f"THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) ELSE CAST({column} AS VARCHAR) END AS {alias}"
    )


def _scan_text(con, path: Path, relation: str, overrides: dict[str, str], workspace: Path) -> Source:
    name = str(path)
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    text, encoding = reader._decode(name, head[: head.rfind(b"\n") + 1] or head)
    if encoding not in ("utf-8", "utf-8-sig"):
        raise UnreadableInputError(
            f"a large file in {encoding}: the engine reads large files as UTF-8 only",
            file=name,
            fix="save it as UTF-8, or split it into files under 32 MB",
        )
    delimiter = reader._sniff_delimiter(text, path.suffix.lower())
    rows = reader._head_records(name, text, delimiter)
    header_index = reader.header_row(name, rows, overrides)
    headers = [reader._cell_text(c) for c in rows[header_index]]
    types = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers))) + "}"
    columns = ", ".join(f"TRIM(COALESCE(c{i}, '')) AS c{i}" for i in range(len(headers)))
    # The cells are copied once, in file order, to a Parquet file that the rest reads (people, dates, keys,
    # rows: four scans). The engine knows a Parquet file's row count, where its text scanner (without its
    # sniffer) guessed 42 rows: the joins then built their hash tables on the file's side, and a 10M-row
    # CSV took 30 s against the same rows' 13 s as Parquet, and 36M rows ran out of memory.
    copy = workspace / f"{relation}.parquet"

    def copied(parallel: bool) -> None:
        scan = (
            f"read_csv({_quote(name)}, delim={_quote(delimiter)}, header=false, skip={header_index + 1}, "
            f"columns={types}, quote='\"', escape='\"', null_padding=true, strict_mode=false, auto_detect=false, "
            f"parallel={str(parallel).lower()})"
        )
        con.execute(f"COPY (SELECT {columns} FROM {scan}) TO {_quote(str(copy))} (FORMAT parquet)")

    import duckdb

    with read_errors([path]):
        try:
            copied(parallel=True)
        except duckdb.Error as exc:
            if "parallel=false" not in str(exc):
                raise
            # a quoted line break (a note over two lines) in a file whose rows are of uneven length: only
            # the engine's one-thread scanner reads both
            copied(parallel=False)
    con.execute(f"CREATE TEMP VIEW {relation} AS SELECT * FROM read_parquet({_quote(str(copy))})")
    return Source(path, relation, headers, reader._Cells([], text="", encoding=encoding, delimiter=delimiter))


def memory_error(file: Path | None = None) -> UnreadableInputError:
    """The engine's memory limit reached (it spills what it can to disk; a statement that cannot spill
    fails): the fix is a larger limit or fewer rows at once."""
    from nutri.cohort import memory_limit

    return UnreadableInputError(
        f"too large for the engine's memory limit ({memory_limit()})",
        file=file,
        fix="set NUTRI_COHORT_MEMORY higher (e.g. NUTRI_COHORT_MEMORY=4GB), or run fewer files at once",
    )


@contextmanager
def read_errors(paths: Sequence[Path]) -> Iterator[None]:
    """The engine's errors while it reads ``paths`` as one line of nutri's (``input_error``); others as
    they are."""
    try:
        yield
    except Exception as exc:
        error = input_error(exc, paths)
        if error is None:
            raise
        raise error from None


def input_error(exc: Exception, paths: Sequence[Path]) -> UnreadableInputError | None:
    """An engine error as the input's fault, naming the file (the one of ``paths`` its text names, or the
    only one): a damaged, truncated or mislabelled file ("No magic bytes found at end of file", a
    decompression failure, a CSV named .parquet), text the scanner cannot read, or more than the engine's
    memory limit holds. None for anything else (a statement nutri got wrong, an interruption, the
    engine's own failure): not the file's fault."""
    try:
        import duckdb
    except ImportError:  # another engine (a cluster's): its errors are its own
        return None
    # what a file can cause: unreadable bytes (the engine's own base class for a damaged Parquet footer),
    # text that is no value, running out of memory; not a statement nutri got wrong (binder, catalog,
    # parser errors are bugs, shown as such), an interruption or the engine's own failure
    read = (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException, duckdb.OutOfMemoryException)
    if not (isinstance(exc, read) or type(exc) is duckdb.Error):
        return None
    text = str(exc)
    named = [p for p in paths if str(p) in text]
    file = named[0] if named else (paths[0] if len(paths) == 1 else None)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return memory_error(file)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    row = None
    at_line = re.match(r"(?:Invalid Input Error: )?CSV Error on Line: (\d+)", lines[0]) if lines else None
    if at_line:  # the scanner's line number, then the line itself, then what is wrong with it
        row = int(at_line.group(1))
        lines = [line for line in lines[1:] if not line.startswith("Original Line:")] or lines
    reason = lines[0] if lines else type(exc).__name__
    for prefix in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: "):
        reason = reason.removeprefix(prefix)
    reason = reason.rstrip(".") if len(reason) <= 160 else reason[:157] + "..."
    if file is not None and file.suffix.lower() == ".parquet":
        fix = "check that the file is whole and is Parquet; export it again"
    else:
        fix = "save the file as UTF-8 text, and correct or remove that row" if row else "export the file again"
    where = "" if file is not None else "one of the inputs: "
    return UnreadableInputError(f"{where}the engine cannot read it: {reason}", file=file, row=row, fix=fix)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


@dataclass(frozen=True)
class Layout:
    """Where the roles of one source are, and which cells the entry rules read (the distinct key)."""

    role_index: dict[str, int]
    app: reader.AppLayout
    nutrients: list
    key: list[int]  # cell indices read by the entry rules, besides the date and the person
    person: int | None
    profile: dict[str, int]


def layout_of(source: Source, overrides: dict[str, str], person_column: str | None, con=None) -> Layout:
    """The roles' columns of a source (``diary.header_columns``; with ``con``, a date column under a header of
    its own is found by its values, as the reader finds it)."""
    name, headers = str(source.path), source.headers
    role_index, app, nutrients = reader.header_columns(
        name, headers, {k: v for k, v in overrides.items() if k != "person"}
    )
    if "date" not in role_index and con is not None:
        found = reader.date_column_by_values(headers, role_index, nutrients, lambda i: _distinct(con, source, i))
        if found is not None:
            role_index["date"] = found
    keys = [reader.header_key(h) for h in headers]
    person = None
    if person_column is not None:
        person = keys.index(reader.header_key(person_column)) if reader.header_key(person_column) in keys else None
    elif "person" in role_index:
        person = role_index["person"]
    role_index.pop("person", None)
    if person is not None and person in role_index.values():
        raise UsageError(
            f"the person column {headers[person]!r} is also the {_role_at(role_index, person)} column",
            file=name,
            option="person",
        )
    if "date" not in role_index and not app.recall_day:  # a day of a food record (NHANES) is dated by its file
        raise DiaryFormatError(
            f"no date column (headers: {', '.join(h for h in headers if h)})",
            file=name,
            fix="name it Date",
            option="columns",
            option_value="date=HEADER",
        )
    # the cells the entry rules read: the food, its amount, and what an app's row rules ask (deleted, a recall's status)
    rule_roles = ("food", "food_code", "amount", "unit", "grams", "deleted", "recall_status")
    used = {role_index[r] for r in rule_roles if r in role_index}
    key = sorted(used | {n.index for n in nutrients})
    profile = {field: keys.index(k) for field, names in PROFILE_HEADERS.items() for k in keys if k in names}
    profile = {f: i for f, i in profile.items() if i not in role_index.values() and i != person}
    return Layout(role_index, app, nutrients, key, person, profile)


def _distinct(con, source: Source, index: int) -> list[str]:
    query = f"SELECT DISTINCT c{index} FROM {source.relation} WHERE c{index} <> '' LIMIT {reader.DATE_SAMPLE}"
    return [row[0] for row in con.execute(query).fetchall()]


def _role_at(role_index: dict[str, int], index: int) -> str:
    return next(role for role, i in role_index.items() if i == index)


def _names_people(con, source: Source, index: int, non_blank: str) -> bool:
    """``pipeline.people``: a column of all-different values under an "ID" header (entry ids) names no people."""
    if reader.header_key(source.headers[index]) not in reader.ENTRY_ID_HEADERS:
        return True
    named, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT c{index}) FROM {source.relation} WHERE ({non_blank}) AND c{index} <> ''"
    ).fetchall()[0]
    return not (distinct > 1 and distinct == named)


def rows_relation(con, source: Source, layout: Layout, number: int, chosen: bool) -> str:
    """The source's non-blank rows as person, date_raw, profile cells and the key cells k<i> (a view: the
    engine reads the file again where it is used, rather than holding its cells). Without a person column
    (or ``chosen`` by the user, one that names people) the file is one person, named by its stem (a sheet
    read with --sheet '*': by the sheet)."""
    width = len(source.headers)
    non_blank = " OR ".join(f"c{i} <> ''" for i in range(width)) or "false"
    person = _quote(source.one_person)
    if layout.person is not None and (chosen or _names_people(con, source, layout.person, non_blank)):
        person = f"COALESCE(NULLIF(c{layout.person}, ''), {_quote(source.one_person)})"
    profile = ", ".join(f"c{i} AS p_{field}" for field, i in layout.profile.items())
    keys = ", ".join(f"c{i} AS k{i}" for i in layout.key)
    relation = f"rows_{number}"
    con.execute(
        f"CREATE TEMP VIEW {relation} AS SELECT {person} AS person, {_date_cell(layout)} AS date_raw"
        f"{', ' + profile if profile else ''}, {keys} FROM {source.relation} WHERE {non_blank}"
    )
    return relation


def _date_cell(layout: Layout) -> str:
    """A row's date cell: its date column's, or a food record's day of its file (NHANES's DR1IFF: 'Day 1')."""
    if "date" in layout.role_index:
        return f"c{layout.role_index['date']}"
    return _quote(f"Day {layout.app.recall_day}")


def shape_of(source: Source, layout: Layout) -> tuple:
    """What the entry rules read of a file besides its cells: files of one shape (the same headers and
    text format, so the same layout) are read as one (``group_rows``), their distinct keys analysed once."""
    return (
        tuple(source.headers),
        source.cells.delimiter,
        source.cells.encoding,
        repr(layout),
    )


def group_rows(con, numbers: list[int], group: int) -> str:
    """One relation of the rows of files ``numbers`` (``rows_relation``'s, all of one shape), each row
    with its file's number (``file``), file after file in file order; a file alone is its own rows (no
    file number: nothing is joined by it). A folder of 500 exports was 500 of each statement below,
    28-40 ms a file, and the analysis of each file's keys apart."""
    if len(numbers) == 1:
        return f"rows_{numbers[0]}"
    relation = f"group_rows_{group}"
    union = " UNION ALL ".join(f"(SELECT {n} AS file, * FROM rows_{n})" for n in numbers)
    con.execute(f"CREATE TEMP VIEW {relation} AS {union}")
    return relation


def shared_day(con, rows: str, dates: str) -> tuple[str, str, int, int] | None:
    """A person's day in two files of one group (``group_rows``): (person, ISO date, file, other file), or
    None. Exports of one kind that overlap (January-February and February-March) would count it twice."""
    found = con.execute(
        f"SELECT r.person, d.iso, min(r.file), max(r.file) FROM {rows} r "
        f"JOIN {dates} d ON d.file = r.file AND d.date_raw = r.date_raw WHERE d.iso <> '' "
        "GROUP BY r.person, d.iso HAVING min(r.file) <> max(r.file) ORDER BY d.iso, r.person LIMIT 1"
    ).fetchall()
    return tuple(found[0]) if found else None


def dates_relation(
    con, rows: str, number: int, dayfirst: bool | None, files: int = 1, first_day: dt.date | None = None
) -> str:
    """ISO date per file (of ``files``) and distinct raw date, by the reader's own style vote within each file (one
    export's "03/04/2026" may be March, another's April) and its parser ('' when invalid), and ``day``,
    its day number (0 when invalid): rows are grouped by the number, the date is joined back once per
    person-day."""
    by = "file, date_raw" if files > 1 else "date_raw"  # ``group_rows``: a file alone has no file number
    file = "file" if files > 1 else "0 AS file"
    counts = con.execute(f"SELECT {file}, date_raw, count(*) FROM {rows} WHERE date_raw <> '' GROUP BY {by}").fetchall()
    by_file: dict[int, dict[str, int]] = {}
    for file, value, n in counts:
        by_file.setdefault(file, {})[value] = n
    parsed = []
    for file, values in by_file.items():
        series = pd.Series(values, dtype="int64")
        style = reader._date_style(series, dayfirst)
        for value in series.index:
            iso = "" if value.strip() in style.contradicting else reader.parse_day(value, style.dayfirst, first_day)[0]
            parsed.append((file, value, iso, dt.date.fromisoformat(iso).toordinal() if iso else 0))
    frame = pd.DataFrame(parsed, columns=["file", "date_raw", "iso", "day"])
    frame = frame.astype({"file": np.int64, "date_raw": object, "iso": object, "day": np.int64})
    relation = f"dates_{number}"
    con.register(relation + "_frame", frame)
    con.execute(f"CREATE TEMP TABLE {relation} AS SELECT * FROM {relation}_frame")
    con.unregister(relation + "_frame")
    return relation


def key_cells(con, rows: str, layout: Layout, number: int, first_id: int) -> tuple[str, pd.DataFrame]:
    """Every distinct combination of key cells, numbered from ``first_id`` (``key_id``) in the engine, so
    that the rows can be numbered (``food_keys_sql``) while Python analyses the keys (``analyse_keys``):
    (the engine table of key_id and cells, the same as a frame in key_id order)."""
    names = ", ".join(f"k{i}" for i in layout.key)
    relation = f"key_cells_{number}"
    con.execute(
        f"CREATE TEMP TABLE {relation} AS SELECT row_number() OVER (ORDER BY {names}) - 1 + {first_id} AS key_id, "
        f"{names} FROM (SELECT DISTINCT {names} FROM {rows}) d"
    )
    return relation, con.execute(f"SELECT * FROM {relation} ORDER BY key_id").df()


@paused_gc()  # tens of thousands of entries and resolutions, kept to the end (cache.paused_gc)
def analyse_keys(source: Source, layout: Layout, keys: pd.DataFrame, match) -> pd.DataFrame:
    """The key cells (``key_cells``) turned into entries and analysed once each (Python only: no engine
    statement, so the engine can number the rows meanwhile): key_id and ``RESULT_COLUMNS``."""
    # the dates are the engine's (dates_relation): each key is read under a placeholder date, in a column of
    # its own where the file has none (a day of a food record)
    roles = layout.role_index if "date" in layout.role_index else {**layout.role_index, "date": len(source.headers)}
    width = max(len(source.headers), roles["date"] + 1)
    frame = pd.DataFrame({i: [""] * len(keys) for i in range(width)}, dtype=object)
    for i in layout.key:
        frame[i] = keys[f"k{i}"].astype(object).to_numpy()
    frame[roles["date"]] = PLACEHOLDER_DATE
    entries, _blank, _dayfirst = reader._entries(
        frame, source.cells, 0, width, roles, layout.app, layout.nutrients, None
    )
    diary = reader.Diary(
        source.path,
        entries,
        layout.app.name,
        source.cells.encoding,
        None,
        1,
        0,
        {role: source.headers[i] for role, i in layout.role_index.items()},
        {n.column: n.header for n in layout.nutrients},
    )
    analysed = match(diary)
    result = analysed[RESULT_COLUMNS].copy()
    result["supplemental"] = result["supplemental"].astype(bool)
    result.insert(0, "key_id", keys["key_id"].to_numpy(dtype=np.int64))
    return result


def food_keys_sql(con, rows: str, dates: str, keys: str, layout: Layout, files: int) -> str:
    """(person, day, key_id) of the dated rows of one group of ``files`` files (``group_rows``; ``keys``:
    ``key_cells``; rows of skipped keys are left out where the rows join the analysed keys). A blank date
    continues the last valid date above it in its file, as the reader does (the rows are held in file
    order only when needed). Dates are joined by file only where the group has several."""
    using = ", ".join(f"k{i}" for i in layout.key)
    blanks = con.execute(f"SELECT count(*) FROM {rows} WHERE date_raw = ''").fetchall()[0][0]
    valid = "CASE WHEN d.iso <> '' THEN d.day END"
    day = valid
    by_file = "PARTITION BY r.file " if files > 1 else ""
    if blanks:
        con.execute(f"CREATE TEMP TABLE {rows}_held AS SELECT * FROM {rows}")
        rows = f"{rows}_held"
        day = (
            f"CASE WHEN r.date_raw = '' THEN last_value({valid} IGNORE NULLS) OVER "
            f"({by_file}ORDER BY r.rowid ROWS UNBOUNDED PRECEDING) ELSE {valid} END"
        )
    same_file = "r.file = d.file AND " if files > 1 else ""
    dated = f"SELECT r.*, {day} AS day FROM {rows} r LEFT JOIN {dates} d ON {same_file}r.date_raw = d.date_raw"
    return f"SELECT r.person, r.day, k.key_id FROM ({dated}) r JOIN {keys} k USING ({using}) WHERE r.day IS NOT NULL"


def profile_cells(con, rows: str, layout: Layout, headers: list[str]) -> pd.DataFrame:
    """person -> the first non-blank sex/age/pregnant/lactating cell of the person's rows (a survey's coded
    answers as words: ``profiles.SURVEY_CODES``, by the column's header)."""
    if not layout.profile:
        return pd.DataFrame(columns=["person"])
    parts = ", ".join(f"first(NULLIF(p_{f}, '')) AS {f}" for f in layout.profile)
    cells = con.execute(f"SELECT person, {parts} FROM {rows} GROUP BY person").df()
    for field, index in layout.profile.items():
        codes = SURVEY_CODES.get(reader.header_key(headers[index]))
        if codes is not None:
            cells[field] = [codes.get(str(c).strip(), c) for c in cells[field].tolist()]
    return cells
