"""Read a diary file (CSV/TSV/TXT/XLSX/XLSM/ODS) into one entries DataFrame.

Columns are found by header name, never by position; the header row may sit below title rows
and blank lines. Known app exports (Cronometer servings, MacroFactor food log, Lose It!
food-logs) are recognised by their headers, and the nutrient columns they carry are read by name
and unit. Every non-blank row becomes an entry; rows that cannot be used keep their place with a
status. Things a file decides for all its rows (encoding, delimiter, date style, decimal comma)
are decided once per file, and rows that contradict the decision are flagged, never reread.

The reader runs in four steps, each a function below: read the cells (``_read_cells``), find the
header (``_find_header``), recognise the app layout (``LAYOUTS``), then build the entry columns
(dates, food, amounts, export nutrients) column-wise.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from nutri.errors import DiaryFormatError, UnreadableInputError, UsageError
from nutri.nutrients import NUTRIENT_BY_COLUMN, NUTRIENTS, from_export_header

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
# SAS transport (XPORT v5): how NHANES publishes its files (DR1IFF_J.XPT), read as a dataset (``_xport_frame``)
XPORT_SUFFIXES = {".xpt"}
XPORT_MAGIC = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls", ".xlsb"}
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_CELL_CHARS = 10 * 1024 * 1024  # one cell larger than this is no diary entry, in any row
HEADER_SCAN_ROWS = 30  # non-blank rows searched for the header
HEADER_SCAN_RECORDS = 100_000  # records (blank ones included) read while searching
NULL_TEXT = {"", "n/a", "na", "nan", "none", "null", "-", "#n/a"}
STDIN_NAME = "<stdin>"
# --sheet for every sheet that holds a diary: one person's diary of them all (report, match), or a person
# each (cohort); each sheet is read apart (nutri.pipeline.read_diaries, nutri.cohort.run)
ALL_SHEETS = "*"

# Header synonyms per role, compared after lower-casing and dropping everything but letters/digits.
ROLE_HEADERS = {
    "date": ["date", "day", "datetime", "dateeaten", "when"],
    "meal": ["meal", "group", "mealname", "mealtype", "occasion"],
    "food": [
        *("food", "foodname", "item", "name", "description", "fooditem", "fooddescription", "entry", "what"),
        # as people head a sheet they typed themselves
        *("whatiate", "whatihad", "whatieat", "foodeaten", "foods", "fooddrink", "foodordrink", "foodanddrink"),
        *("foodsanddrinks", "itemname", "dish", "ingredient"),
    ],
    # a food's code in a food table: a survey's USDA food code (ASA24's FoodCode; FNDDS codes) or an SR28 NDB
    # number; a row whose code is a food of nutri's tables is that food (``Matcher.match_code``)
    "food_code": ["foodcode", "fnddscode", "fnddsfoodcode", "usdafoodcode", "ndbno", "ndbnumber"],
    "amount": [
        *("amount", "quantity", "qty", "servingqty", "servings", "numberofservings", "portion"),
        *("howmuch", "serving", "amounteaten", "portionsize"),  # not "howmany": ASA24's HowMany is no amount
    ],
    "unit": ["unit", "units", "measure", "servingsize", "servingunit", "uom"],
    "grams": ["servingweightg", "grams", "weightg", "gramweight", "massg"],
    "deleted": ["deleted"],
    "time": ["time"],
    # a column naming people: one report is for one person (researchers' files hold many)
    "person": [
        "person",
        "personid",
        "participant",
        "participantid",
        "user",
        "username",
        "userid",
        "subject",
        "subjectid",
        "id",
        "seqn",
        "respondent",
        "respondentid",
        "client",
        "patient",
    ],
}

# A person header that may as well number the entries: under it, a column of all-different values is
# entry ids, no people (a Person, Participant or Client column names people whatever its values)
ENTRY_ID_HEADERS = {"id"}

# A column whose header names no role can still name people, by its values (issue 10): short
# identifiers or given names, each on several dates, written in blocks (a person's entries of a day
# sit together). These values and headers never name people: meals, places, yes/no and the like.
NOT_PEOPLE_VALUES = {
    "breakfast", "lunch", "dinner", "supper", "brunch", "snack", "snacks", "tea", "elevenses", "dessert",
    "morning", "afternoon", "evening", "night", "am", "pm", "home", "work", "school", "office", "restaurant",
    "yes", "no", "true", "false", "y", "n", "x", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "raw", "cooked", "fresh", "frozen", "canned", "other", "misc", "unknown",
}  # fmt: skip
NOT_PEOPLE_HEADERS = {
    "brand", "category", "type", "kind", "tag", "tags", "location", "place", "source", "note", "notes",
    "comment", "comments", "status", "weekday", "dayofweek", "foodgroup", "course", "label", "serving",
}  # fmt: skip
PERSON_VALUE_RE = re.compile(
    r"^(?=.{1,40}$)(?:[A-Za-z][\w.'-]*(?: [A-Za-z][\w.'-]*){0,2}|[\w-]*\d[\w-]*|[\w.+-]+@[\w.-]+)$"
)

# Export nutrient headers: "Magnesium (mg)", "B12 (Cobalamin) (µg)", "B12, Cobalamin (mcg)", "Vitamin D (IU)".
# The name part is looked up in the nutrient registry (nutri/nutrients.py); the unit part here.
NUTRIENT_HEADER_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<unit>µg|μg|mcg|ug|mg|g|iu|kcal)\)\s*$", re.IGNORECASE)
UNIT_GRAMS = {"g": 1.0, "mg": 1e-3, "ug": 1e-6, "mcg": 1e-6, "µg": 1e-6, "μg": 1e-6}
# An export value above this (in the column's unit) for ONE entry is a typo or an attack, not food:
# 100 g of a mineral or vitamin, 10 kg of water or alcohol, 50,000 kcal.
MAX_EXPORT_PER_ENTRY = {"mg": 1e5, "ug": 1e5, "g": 1e4, "kcal": 5e4}


def header_key(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower().replace("µ", "u"))


@dataclass(frozen=True)
class Diary:
    """A diary read from one file. entries: one row per non-blank input row, in input order."""

    path: Path
    entries: pd.DataFrame
    layout: str
    encoding: str | None
    sheet: str | None
    header_row: int
    blank_rows: int
    columns: dict[str, str]
    nutrient_headers: dict[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None
    sha256: str | None = None  # of the bytes read (stdin and FIFOs cannot be read twice)
    person_by_values: bool = False  # the person column was recognised by its values, not its header
    files: tuple[tuple[str, str | None], ...] = ()  # (name, SHA-256) of each file when several are one diary
    date_by_values: bool = False  # the date column was recognised by its values, not its header

    @property
    def name(self) -> str:
        """The file's name, or the files' names joined ('servings-2023.csv + servings-2024.csv')."""
        return " + ".join(name for name, _ in self.files) if self.files else self.path.name


# -- reading the cells ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Cells:
    """What a file holds before any header is known. Text files keep their text so the body can
    go to pandas' C parser; workbooks keep their rows."""

    rows: list[list[object]]  # the head (text, a dataset) or every row (workbook)
    sheet: str | None = None
    text: str | None = None
    encoding: str | None = None
    delimiter: str = ","
    size: int = 0
    # a dataset read whole (a SAS transport file): every row below its header, numbers as numbers, columns 0..n-1
    frame: pd.DataFrame | None = None


def _load_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what is no diary before reading it. FIFOs and process
    substitution (``<(cat diary.csv)``) have no size until read, so they are read, bounded."""
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UnreadableInputError("no such file", file=name, fix="check the path") from None
    except OSError as exc:
        raise UnreadableInputError(
            f"cannot read it ({exc.strerror})", file=name, fix="check the path and permissions"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableInputError("is a directory", file=name, fix="give a diary file (.csv, .tsv, .xlsx, .ods)")
    regular = stat.S_ISREG(info.st_mode)
    if regular and info.st_size > MAX_FILE_BYTES:
        raise UnreadableInputError(
            f"{info.st_size // 2**20} MB is larger than the {MAX_FILE_BYTES // 2**20} MB nutri reads",
            file=name,
            fix="split the diary",
        )
    try:
        with open(path, "rb") as handle:
            return read_bounded(handle, name)
    except UnreadableInputError:
        raise
    except OSError as exc:
        raise UnreadableInputError(
            f"cannot read it ({exc.strerror})", file=name, fix="check the path and permissions"
        ) from None


def read_bounded(handle, name: str) -> bytes:
    """At most MAX_FILE_BYTES from a binary stream (a file, a pipe, stdin)."""
    data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableInputError(
            f"more than the {MAX_FILE_BYTES // 2**20} MB nutri reads", file=name, fix="split the diary"
        )
    if not data:
        raise UnreadableInputError("the file is empty", file=name, fix="export the diary again")
    return data


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL, as in ASCII text saved as UTF-16."""
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decoding error handler: bytes that are not UTF-8 are read as Windows-1252 (Latin-1 for the
    five bytes cp1252 leaves undefined), so one cp1252 line does not turn the UTF-8 ones to mojibake."""
    chunk = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in chunk), error.end


codecs.register_error("nutri-cp1252", _cp1252_fallback)


CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))  # control characters, but tab and line ends


def _decode(name: str, data: bytes) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableInputError(
            "this is a zip/Excel workbook, not text", file=name, fix="rename it to .xlsx (or .ods)"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableInputError(
            "this is an old binary Excel (.xls) or encrypted workbook", file=name, fix="save it as .xlsx or CSV"
        )
    sample = data[:65536]
    utf16 = "utf-16" if sample.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(sample)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            raise UnreadableInputError(
                "starts like UTF-16 text but is not valid UTF-16", file=name, fix="save the diary as UTF-8 CSV"
            ) from None
    control = len(sample) - len(sample.translate(None, CONTROL_BYTES))  # in C: a loop per byte took 5-10 ms
    if b"\x00" in sample and sample.count(b"\x00") / len(sample) > 0.01 or control / len(sample) > 0.1:
        raise UnreadableInputError("binary data, not a text diary", file=name, fix="export the diary as CSV or XLSX")
    try:
        return data.decode("utf-8-sig"), ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = data.decode("utf-8-sig", errors="nutri-cp1252")
    if mixed == data.decode("cp1252", errors="nutri-cp1252"):
        return mixed, "cp1252"
    return mixed, "utf-8 with cp1252 lines"


def _first_lines(text: str, count: int) -> list[str]:
    """``text.splitlines()[:count]`` without splitting the whole text (a million lines is 100 MB):
    a prefix holding more than ``count`` pieces has its first ``count`` complete."""
    size = 65536
    while True:
        pieces = text[:size].splitlines()
        if len(pieces) > count or size >= len(text):
            return pieces[:count]
        size *= 4


def _lines(text: str):
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them (ending kept; \n, \r or
    \r\n), one at a time: a StringIO copies the text at four bytes a character."""
    return (m.group() for m in _LINE.finditer(text))


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _parser_input(text: str):
    """The text for pandas' C parser, which reads UTF-8 bytes (a text handle is encoded to them
    anyway): bytes cost a quarter of a StringIO's copy. Text that cannot be encoded goes as text."""
    try:
        return io.BytesIO(text.encode("utf-8"))
    except UnicodeEncodeError:
        return io.StringIO(text)


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    lines = [line for line in _first_lines(text, 200) if line.strip()][:50]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", ";", "\t")}
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t").delimiter
    except csv.Error:
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _cell_too_large(name: str, row: int | None, column: str | None = None) -> UnreadableInputError:
    where = f" (column {column})" if column else ""
    return UnreadableInputError(
        f"a cell of more than {MAX_CELL_CHARS // 2**20} MB{where}, which is no diary entry",
        file=name,
        row=row,
        fix="check that this is the diary file, or remove the cell",
    )


def _csv_records(name: str, text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    try:
        return list(itertools.islice(reader, limit))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_large(name, reader.line_num) from None
        raise UnreadableInputError(
            f"not readable as CSV ({exc})", file=name, row=reader.line_num, fix="check the quoting or export again"
        ) from None


def _head_records(name: str, text: str, delimiter: str) -> list[list[str]]:
    """Records up to the HEADER_SCAN_ROWS-th non-blank one: enough to find the header below
    title rows and any number of blank lines."""
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    records: list[list[str]] = []
    non_blank = 0
    try:
        for record in itertools.islice(reader, HEADER_SCAN_RECORDS):
            records.append(record)
            non_blank += any(c.strip() for c in record)
            if non_blank > HEADER_SCAN_ROWS:
                break
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_large(name, reader.line_num) from None
        raise UnreadableInputError(
            f"not readable as CSV ({exc})", file=name, row=reader.line_num, fix="check the quoting or export again"
        ) from None
    return records


def _is_printable_diary(data: bytes) -> bool:
    head = data[:4096].lower()
    return (b"<html" in head or b"<!doctype html" in head) and b"printable" in head


def _read_cells(name: str, data: bytes, suffix: str, sheet: str | None, overrides: dict[str, str]) -> _Cells:
    # the readers of pages and workbooks (html.parser, zipfile) load only for such a file
    if suffix in (".htm", ".html") or _is_printable_diary(data):  # MyFitnessPal's printable diary page
        from nutri.mfp_html import read_printable_diary

        return _Cells(read_printable_diary(name, data), size=len(data))
    if suffix in XPORT_SUFFIXES or data.startswith(XPORT_MAGIC):
        if sheet is not None:
            raise UsageError("a sheet applies to workbooks (.xlsx, .ods), not a SAS transport file", file=name)
        frame = _xport_frame(name, data)
        head = [list(frame.columns), *frame.head(HEAD_DATASET_ROWS).astype(object).to_numpy().tolist()]
        frame.columns = range(frame.shape[1])
        return _Cells(head, frame=frame, size=len(data))
    if suffix in WORKBOOK_SUFFIXES or (suffix not in TEXT_SUFFIXES and data.startswith(b"PK\x03\x04")):
        from nutri.workbook import read_workbook_rows

        if sheet == ALL_SHEETS:
            raise UsageError("--sheet '*' names every sheet with a diary, not one", file=name)

        workbook_suffix = (
            suffix if suffix in WORKBOOK_SUFFIXES else (".ods" if b"opendocument" in data[:200] else ".xlsx")
        )
        rows, used = read_workbook_rows(
            name,
            data,
            workbook_suffix,
            sheet,
            lambda r: _find_header(r, overrides) is not None,
            lambda r: holds_diary(r, overrides),
        )
        return _Cells(rows, sheet=used, size=len(data))
    if sheet is not None:
        raise UsageError(
            f"a sheet applies to workbooks (.xlsx, .ods); {Path(name).name} is a text file", option="sheet"
        )
    text, encoding = _decode(name, data)
    if "\x00" in text:  # a scan, not a copy of the whole text
        text = text.replace("\x00", "")
    delimiter = _sniff_delimiter(text, suffix)
    return _Cells(
        _head_records(name, text, delimiter), text=text, encoding=encoding, delimiter=delimiter, size=len(text)
    )


# SAS's smallest IBM float, which NHANES's transport files hold for zero (pandas reads 5.397605e-79)
XPORT_ZERO = 1e-70


HEAD_DATASET_ROWS = 100  # rows of a dataset read whole that the header search sees


def _xport_frame(name: str, data: bytes) -> pd.DataFrame:
    """A SAS transport file's one dataset, its numbers kept as numbers (each cell is written as text where
    it is read, as a workbook's are: ``_cell_text``, a whole number without '.0') and SAS's stand-in for
    zero as 0."""
    try:
        with warnings.catch_warnings():  # "xport file may be corrupted" (cut short): refused, not read in part
            warnings.simplefilter("error")
            frame = pd.read_sas(io.BytesIO(data), format="xport", encoding="latin-1")
    except Exception as exc:  # the reader's errors are of many kinds (ValueError, struct.error, EOFError...)
        reason = "it looks cut short or damaged" if isinstance(exc, UserWarning) else f"{type(exc).__name__}: {exc}"
        raise UnreadableInputError(
            f"not a SAS transport file nutri can read ({reason})".replace("\n", " "),
            file=name,
            fix="export the dataset as CSV",
        ) from None
    for column in frame.columns:
        if frame[column].dtype.kind == "f":
            frame[column] = frame[column].mask(frame[column].abs() < XPORT_ZERO, 0.0)
    return frame


# -- header and columns ---------------------------------------------------------------------


def _role_of(header: object) -> str | None:
    key = header_key(header)
    for role, names in ROLE_HEADERS.items():
        if key in names:
            return role
    return None


def _find_header(rows: list[list[object]], overrides: dict[str, str] | None = None) -> int | None:
    """Index of the first row naming the food column, among the first HEADER_SCAN_ROWS non-blank rows."""
    food_headers = {header_key(overrides["food"])} if overrides and "food" in overrides else APP_FOOD_HEADERS
    seen = 0
    for index, row in enumerate(rows):
        keys = {header_key(c) for c in row if c not in (None, "")}
        if keys & food_headers:
            return index
        seen += any(_cell_text(c) for c in row)
        if seen >= HEADER_SCAN_ROWS:
            break
    return None


def parse_column_overrides(text: str | None) -> dict[str, str]:
    """'food=Item,date=When' -> {'food': 'Item', 'date': 'When'}."""
    if not text:
        return {}
    result = {}
    for part in text.split(","):
        role, sep, header = part.partition("=")
        role = role.strip().lower()
        if not sep or role not in ROLE_HEADERS or not header.strip():
            raise UsageError(
                f"column overrides {text!r}: write ROLE=HEADER pairs separated by commas, "
                f"roles: {', '.join(ROLE_HEADERS)}",
                option="columns",
            )
        result[role] = header.strip()
    return result


def _role_columns(name: str, headers: list[str], overrides: dict[str, str]) -> dict[str, int]:
    """role -> header index: the user's overrides first, then the first header of each role."""
    role_index: dict[str, int] = {}
    keys = [header_key(h) for h in headers]
    taken = set()  # roles the user settled, found or not
    for role, header in overrides.items():
        taken.add(role)
        if role == "person" and header_key(header) == "none" and "none" not in keys:
            continue  # --columns person=none: no column names people, whatever its header or values
        if header_key(header) not in keys:
            raise UsageError(
                f"column override {role}={header}: no such header; headers are: {', '.join(h for h in headers if h)}",
                file=name,
                option="columns",
            )
        role_index[role] = keys.index(header_key(header))
    for index, header in enumerate(headers):
        role = _role_of(header)
        if role and role not in taken and role not in role_index and index not in role_index.values():
            role_index[role] = index
    return role_index


@dataclass(frozen=True)
class _Nutrient:
    """An export's nutrient column: where it is, its header, and the factor to our unit."""

    column: str
    index: int
    header: str
    factor: float


def _nutrient_headers(headers: list[str], layout: AppLayout | None = None) -> list[_Nutrient]:
    """The export nutrient columns, first header per nutrient. Vitamin D IU uses the registry's IU factor.
    A layout whose app names nutrients by its own variables (ASA24's MAGN, VITD) is read by those, in the
    registry's units; such short names are read in that layout only ("ALC" means nothing elsewhere)."""
    found: dict[str, _Nutrient] = {}
    if layout is not None and layout.variables is not None:
        field, header_of = layout.variables
        by_variable = {header_of.format(getattr(n, field)): n for n in NUTRIENTS if getattr(n, field)}
        for index, header in enumerate(headers):
            record = by_variable.get(str(header).strip().upper())
            if record is not None and record.column not in found:
                found[record.column] = _Nutrient(record.column, index, str(header), 1.0)
        return list(found.values())
    for index, header in enumerate(headers):
        match = NUTRIENT_HEADER_RE.match(str(header).strip())
        if not match:
            continue
        name = re.sub(r"\s+", " ", re.sub(r"[(),]", " ", match.group("name").lower())).strip()
        unit = match.group("unit").lower().replace("μ", "µ")
        record = from_export_header(name)
        if record is None or record.column in found:
            continue
        target = record.column_unit
        if unit == "iu" and record.iu_per_unit:
            factor = 1 / record.iu_per_unit
        elif unit == target == "kcal":
            factor = 1.0
        elif unit in UNIT_GRAMS and target in UNIT_GRAMS:
            factor = UNIT_GRAMS[unit] / UNIT_GRAMS[target]
        else:
            continue
        found[record.column] = _Nutrient(record.column, index, str(header), factor)
    return list(found.values())


# -- app layouts ----------------------------------------------------------------------------

RowRule = Callable[[Callable[[str], pd.Series]], list[tuple[pd.Series, str, str]]]


def _cronometer_rows(pick) -> list[tuple[pd.Series, str, str]]:
    # Quick-add rows ("Calorie", "800.00 1") carry only energy or a macronutrient: no food
    food = pick("food").str.lower()
    quick = food.isin(["calorie", "calories", "protein", "carbs", "fat", "quick add"]) & pick("amount").str.fullmatch(
        r"[\d.,]+ 1"
    )
    return [(quick, "unmatched", "Cronometer quick-add entry: the app's own values only, no food to match")]


def _loseit_rows(pick) -> list[tuple[pd.Series, str, str]]:
    deleted = pick("deleted").str.lower().isin(["true", "1", "yes", "y"])
    return [(deleted, "skipped", "deleted in Lose It!")]


def _nhanes_rows(pick) -> list[tuple[pd.Series, str, str]]:
    # DR1DRSTZ: 1 reliable and complete, 4 breast milk reported (the other foods are complete); any other
    # (2: not reliable or not complete): the survey's own analyses leave such a day out, and so does nutri, saying so
    status = pick("recall_status")
    unreliable = ~status.isin(["", "1", "4"])
    return [(unreliable, "skipped", "NHANES marks this recall day not reliable or not complete (status not 1 or 4)")]


# NHANES's eating occasions (DR1_030Z, 2003-2004 on), Spanish names as the survey gives them
NHANES_OCCASIONS = (
    ("1", "Breakfast"), ("2", "Lunch"), ("3", "Dinner"), ("4", "Supper"), ("5", "Brunch"), ("6", "Snack"),
    ("7", "Drink"), ("8", "Infant feeding"), ("9", "Extended consumption"), ("10", "Desayuno"),
    ("11", "Almuerzo"), ("12", "Comida"), ("13", "Merienda"), ("14", "Cena"), ("15", "Entre comida"),
    ("16", "Botana"), ("17", "Bocadillo"), ("18", "Tentempie"), ("19", "Bebida"), ("91", "Other"),
    ("99", ""),
)  # fmt: skip


@dataclass(frozen=True)
class AppLayout:
    """An app's export, recognised by header keys it always has."""

    name: str
    headers: frozenset[str]
    ignore_roles: tuple[str, ...] = ()  # roles whose header the app uses for something else
    row_rules: RowRule | None = None  # rows the app marks as no food or deleted: (mask, status, note)
    roles: tuple[tuple[str, str], ...] = ()  # (role, header key) where the app's header is its own word
    # nutrients under the app's own variables: (the registry's field, the header it makes), e.g.
    # ("asa24_variable", "{}") for ASA24's MAGN, ("nhanes_variable", "DR1I{}") for NHANES's DR1IMAGN
    variables: tuple[str, str] | None = None
    supplements: bool = False  # every row is a supplement taken (the magnesium UL applies to its doses)
    # a file of one day of a food record, with no date column: NHANES's DR1IFF is day 1 and DR2IFF day 2 of
    # each person's recalls, dated by --first-day (the survey publishes no calendar dates)
    recall_day: int | None = None
    meal_names: tuple[tuple[str, str], ...] = ()  # (the app's meal code, its name)


# NCI's ASA24 researcher analysis files (2016 to 2024 versions): the Items file is one row per food or
# drink of a recall, with the respondent (UserName), the recall's day (IntakeStartDateTime, "01/01/2025
# 0:00"; ReportingDate is the day after, when it was reported), the FNDDS description and the grams
# eaten (FoodAmt), and the nutrients ASA24 computed from FNDDS for those grams.
ASA24_ROLES = (("date", "intakestartdatetime"), ("person", "username"))

LAYOUTS = (
    # Cronometer's Amount holds "1.00 cup": number and unit in one cell
    AppLayout("cronometer", frozenset({"day", "foodname", "amount", "energykcal"}), ("unit",), _cronometer_rows),
    AppLayout("macrofactor", frozenset({"foodname", "servingsize", "servingqty", "servingweightg"})),
    AppLayout("loseit", frozenset({"name", "icon", "meal", "quantity", "units", "deleted"}), (), _loseit_rows),
    AppLayout(
        "asa24",
        frozenset({"username", "intakestartdatetime", "foodcode", "foodamt", "fooddescription"}),
        roles=(*ASA24_ROLES, ("food", "fooddescription"), ("food_code", "foodcode"), ("grams", "foodamt")),
        variables=("asa24_variable", "{}"),
    ),
    # ASA24's INS file: the recall's supplements, one row per product taken (SupplAmount of SupplUnit,
    # "Dose(s)"), with the nutrients ASA24 gives for that amount
    AppLayout(
        "asa24-supplements",
        frozenset({"username", "intakestartdatetime", "supplcode", "suppldescription", "supplamount"}),
        roles=(*ASA24_ROLES, ("food", "suppldescription"), ("amount", "supplamount"), ("unit", "supplunit")),
        variables=("asa24_variable", "{}"),
        supplements=True,
    ),
    # NHANES's individual foods files (What We Eat in America): one row per food of a person's (SEQN) day 1
    # (DR1IFF) or day 2 (DR2IFF) recall, as its USDA food code (DR1IFDCD) with the grams eaten (DR1IGRMS) and
    # the nutrients the survey computed for them; no food text and no date
    *(
        AppLayout(
            f"nhanes-day{day}",
            frozenset({"seqn", f"dr{day}ifdcd", f"dr{day}igrms"}),
            row_rules=_nhanes_rows,
            roles=(
                ("person", "seqn"),
                ("food", f"dr{day}ifdcd"),
                ("food_code", f"dr{day}ifdcd"),
                ("grams", f"dr{day}igrms"),
                ("meal", f"dr{day}030z"),
                ("recall_status", f"dr{day}drstz"),
            ),
            variables=("nhanes_variable", f"DR{day}I{{}}"),
            recall_day=day,
            meal_names=NHANES_OCCASIONS,
        )
        for day in (1, 2)
    ),
)
GENERIC = AppLayout("generic", frozenset())


def recall_days(layout_name: str) -> list[int]:
    """The days of a food record files of this layout hold (NHANES's DR2IFF: [2]; a diary of several files,
    layouts joined by "+": each one's), where they have no date column."""
    days = {layout.name: layout.recall_day for layout in LAYOUTS if layout.recall_day}
    return [days[name] for name in layout_name.split("+") if name in days]


# a header row names the food column by a synonym or by an app's own word for it (ASA24's Suppl_Description)
APP_FOOD_HEADERS = set(ROLE_HEADERS["food"]) | {key for app in LAYOUTS for role, key in app.roles if role == "food"}


def _detect_layout(headers: list[str]) -> AppLayout:
    keys = {header_key(h) for h in headers}
    return next((layout for layout in LAYOUTS if layout.headers <= keys), GENERIC)


def header_columns(
    name: str, headers: list[str], overrides: dict[str, str]
) -> tuple[dict[str, int], AppLayout, list[_Nutrient]]:
    """What a header row says: role -> column index (the user's overrides, then the app's own headers, then
    the first header of each role's synonyms), the app layout, and the export nutrient columns."""
    role_index = _role_columns(name, headers, overrides)
    layout = _detect_layout(headers)
    for role in layout.ignore_roles:
        role_index.pop(role, None)
    keys = [header_key(h) for h in headers]
    own: set[str] = set()  # roles the layout gave: two may share a column (NHANES's food code is its food)
    for role, key in layout.roles:
        if role not in overrides and key in keys:
            index = keys.index(key)
            role_index = {r: i for r, i in role_index.items() if i != index or r in own}
            role_index[role] = index
            own.add(role)
    return role_index, layout, _nutrient_headers(headers, layout)


# -- columns as codes ------------------------------------------------------------------


class _Col:
    """A column as codes into its values (``values[codes]`` is the column). Diary columns repeat a few
    thousand strings, so Python runs once per value, and a row's text, mask or note is taken by its
    code: never compared, built or hashed again row by row."""

    def __init__(self, codes: np.ndarray, values: np.ndarray) -> None:
        self.codes, self.values = codes, values

    @classmethod
    def of(cls, column) -> _Col:
        if getattr(column, "dtype", None) is not None and column.dtype.kind == "f":
            # a dataset's numbers (a SAS transport file) hashed as numbers, a Python float made per distinct one
            codes, uniques = pd.factorize(column, use_na_sentinel=False)
            return cls(codes, np.asarray(uniques, dtype=float).astype(object))
        column = pd.Series(column, dtype=object)
        # a column without missing cells (every text file's) is factorized as it is: asked to keep a
        # missing value as a value of its own, pandas first looks for one in every cell (2 of 6 ms a
        # column at 100k rows); a workbook's empty cells (None) take that way, as codes of their own
        codes, uniques = pd.factorize(column)
        if len(codes) and codes.min() < 0:
            codes, uniques = pd.factorize(column, use_na_sentinel=False)
        return cls(codes, np.asarray(uniques, dtype=object))

    @classmethod
    def constant(cls, n: int, value: object = "") -> _Col:
        return cls(np.zeros(n, dtype=np.intp), _objects([value]))

    @classmethod
    def concat(cls, parts) -> _Col:
        """One column of consecutive parts (chunks of rows), each value once."""
        offsets = np.cumsum([0] + [len(p.values) for p in parts[:-1]])
        codes = np.concatenate([p.codes + offset for p, offset in zip(parts, offsets, strict=True)])
        return cls(codes, np.concatenate([p.values for p in parts])).distinct()

    def map(self, func) -> _Col:
        return _Col(self.codes, _objects([func(v) for v in self.values]))

    def mask(self, test) -> np.ndarray:
        return np.array([bool(test(v)) for v in self.values], dtype=bool)[self.codes]

    def take(self, rows: np.ndarray) -> _Col:
        return _Col(self.codes[rows], self.values)

    def distinct(self) -> _Col:
        """The same column with each value once (in order of first appearance among the values)."""
        codes, uniques = pd.factorize(self.values, use_na_sentinel=False)
        return _Col(codes[self.codes] if len(self.codes) else self.codes, np.asarray(uniques, dtype=object))

    def present(self) -> list:
        """The distinct non-empty values in order of first appearance in the rows (``pd.unique``)."""
        _, used = pd.factorize(self.codes)
        return list(dict.fromkeys(v for v in self.values[used] if v != ""))

    def array(self) -> np.ndarray:
        return self.values[self.codes] if len(self.codes) else np.array([], dtype=object)

    def series(self) -> pd.Series:
        return pd.Series(self.array(), dtype=object)

    def categorical(self) -> pd.Categorical:
        """As ``pd.factorize`` of the column makes it: categories in order of first appearance, NaN missing."""
        column = self.distinct()
        codes, used = pd.factorize(column.codes)
        categories = column.values[used]
        if pd.isna(categories).any():
            codes, categories = pd.factorize(self.array())
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def _objects(values: list) -> np.ndarray:
    """A list as a 1-d object array (``np.array`` would make tuples a second dimension)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _joined(parts: list[_Col]) -> _Col:
    """Row-wise '; '.join of the non-empty notes of ``parts``, once per distinct combination of them."""
    if not parts:
        return _Col(np.zeros(0, dtype=np.intp), _objects([]))
    out = parts[0].map(_note)
    for part in parts[1:]:
        width = len(part.values)
        codes, pairs = pd.factorize(out.codes.astype(np.int64) * width + part.codes)
        first, second = out.values[pairs // width], part.values[pairs % width]
        out = _Col(codes, _objects([_join_two(a, _note(b)) for a, b in zip(first, second, strict=True)]))
    return out


def _note(value: object) -> str:
    return value if isinstance(value, str) else ""


def _join_two(first: str, second: str) -> str:
    return f"{first}; {second}" if first and second else first or second


def per_distinct(values: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct value, results spread back by index. Diary columns
    repeat the same few hundred strings (foods, units, dates), so this is the cheap way to run
    Python code on a column of any length."""
    return _Col.of(values).map(func).series()


# -- dates ----------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
# A two-digit year (ASA24's "1/18/22 0:00", a US "3/4/24") is read as Python's %y reads it: 69-99 the 1900s,
# 00-68 the 2000s.
SLASH_DATE_RE = re.compile(r"^\s*(\d{1,2})[/](\d{1,2})[/](\d{4}|\d{2})(?:[ T].*)?$")
DOT_DATE_RE = re.compile(r"^\s*(\d{1,2})[.](\d{1,2})[.](\d{4}|\d{2})\.?(?:[ T].*)?$")
# year first is year-month-day in every convention: 2024-03-04, 2024/03/04 (East Asian spreadsheets),
# 2024.03.04, and 20240304 (survey and SAS exports' basic form)
ISO_DATE_RE = re.compile(r"^\s*(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T].*)?$")
BASIC_DATE_RE = re.compile(r"^\s*((?:19|20)\d{2})(\d{2})(\d{2})\s*$")
# "04MAR2024" (SAS's DATE9, in research files) and "04-Mar-2024" (a spreadsheet's d-mmm-yyyy) as "04 Mar 2024"
GLUED_NAMED_RE = re.compile(r"^(\d{1,2})[- ]?([A-Za-z]{3,9})[- ]?(\d{4})$")
NAMED_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")
# A weekday before a named date says nothing the date does not, in any spelling ("Monday 5 Jan 2026",
# "Thurs, January 8, 2026")
WEEKDAY_RE = re.compile(r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?\s+", re.I)


def _full_year(year: str) -> int:
    return int(year) if len(year) == 4 else dt.datetime.strptime(year, "%y").year


def _slash_order(value: object) -> bool | None:
    """True if a slash date can only be day-first (13/11/2026), False if only month-first."""
    match = SLASH_DATE_RE.match(value) if isinstance(value, str) else None
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            return True
        if second > 12 >= first:
            return False
    return None


@dataclass(frozen=True)
class DateStyle:
    """The file's slash-date order, decided once from its unambiguous dates (by row count)."""

    dayfirst: bool
    evidence: str  # "13/11/2026 and 2 more day-first dates", or "" when nothing decided it
    contradicting: frozenset[str] = frozenset()


def _date_style(counts: pd.Series, dayfirst: bool | None) -> DateStyle:
    """``counts``: rows per distinct raw date value. The majority of unambiguous slash dates
    decides; the minority contradicts it and is flagged (the user's setting breaks a tie)."""
    votes: dict[bool, list[str]] = {True: [], False: []}
    rows = {True: 0, False: 0}
    for value, n in counts.items():
        order = _slash_order(value)
        if order is not None:
            votes[order].append(str(value).strip())
            rows[order] += int(n)
    if not rows[True] and not rows[False]:
        return DateStyle(bool(dayfirst), "")
    chosen = bool(dayfirst) if rows[True] == rows[False] else rows[True] > rows[False]
    shown = votes[chosen][0] if votes[chosen] else ""
    evidence = f"{shown} and {rows[chosen] - 1} more row(s)" if rows[chosen] > 1 else shown
    return DateStyle(chosen, evidence, frozenset(votes[not chosen]))


def parse_date(value: object, dayfirst: bool) -> tuple[str, str]:  # noqa: C901 - one branch per date style people write (ISO, slashes, dots, names, Excel serials)
    """(ISO date, '') or ('', reason)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:
            return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat(), ""
        return "", f"date {value!r} is a number but not an Excel date"
    text = str(value).strip()
    if not text:
        return "", "no date"
    try:
        if m := ISO_DATE_RE.match(text):
            return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4))).isoformat(), ""
        if m := BASIC_DATE_RE.match(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), ""
        if m := DOT_DATE_RE.match(text):
            return dt.date(_full_year(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat(), ""
        if m := SLASH_DATE_RE.match(text):
            a, b, year = int(m.group(1)), int(m.group(2)), _full_year(m.group(3))
            day, month = (a, b) if dayfirst else (b, a)
            return dt.date(year, month, day).isoformat(), ""
        if re.fullmatch(r"\d{5}(\.0+)?", text):
            return parse_date(float(text), dayfirst)
    except ValueError:
        return "", f"date {text!r} does not exist"
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(",", " "))
    cleaned = re.sub(r"\s+", " ", cleaned)
    cleaned = WEEKDAY_RE.sub("", cleaned)
    if m := GLUED_NAMED_RE.match(cleaned):
        cleaned = " ".join(m.groups())
    for fmt in NAMED_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date().isoformat(), ""
        except ValueError:
            continue
    return "", f"date {text!r} is not a date nutri reads (use YYYY-MM-DD)"


# A food record's day number ("1", "Day 2", "D3", "day #4"), a date once the record's first day is given
DAY_NUMBER_RE = re.compile(r"^\s*(day|d)?\s*#?\s*(\d{1,3})(?:\.0+)?\s*$", re.IGNORECASE)


def parse_day(value: object, dayfirst: bool, first_day: dt.date | None = None) -> tuple[str, str]:
    """``parse_date``; with ``first_day`` (a food record's day 1), a day number is that many days on."""
    found = DAY_NUMBER_RE.match(str(value)) if isinstance(value, (str, int, float)) else None
    if found and 1 <= int(found.group(2)) <= 366 and not isinstance(value, bool):
        if first_day is not None:
            return (first_day + dt.timedelta(days=int(found.group(2)) - 1)).isoformat(), ""
        if found.group(1):  # "Day 2": no date until the record's first day is given
            return (
                "",
                f"date {str(value).strip()!r} is a day number: give the date of day 1 with --first-day YYYY-MM-DD",
            )
    return parse_date(value, dayfirst)


def _parse_dates(
    raw: _Col, raw_text: _Col, dayfirst: bool | None, first_day: dt.date | None = None
) -> tuple[_Col, _Col, np.ndarray, bool]:
    """(ISO dates, notes, invalid mask, day-first used), each date parsed once (``parse_day``). ``raw`` and
    ``raw_text`` (the cells and their text) share codes. A blank date continues the last good date above it
    (diaries write the day once); a broken or contradicting date is not replaced."""
    blank = (raw_text.values == "")[raw.codes] if len(raw.values) else np.zeros(len(raw.codes), dtype=bool)
    # rows per distinct date cell, in order of first appearance (value_counts(sort=False))
    order, used = pd.factorize(raw.codes[~blank])
    counts = pd.Series(np.bincount(order, minlength=len(used)), index=pd.Index(raw.values[used], dtype=object))
    style = _date_style(counts, dayfirst)
    text = "D/M/YYYY" if style.dayfirst else "M/D/YYYY"
    iso, reason = np.full(len(raw.values), "", dtype=object), np.full(len(raw.values), "", dtype=object)
    for code in used:
        value = raw.values[code]
        if isinstance(value, str) and value.strip() in style.contradicting:
            reason[code] = (
                f"date {value.strip()!r} contradicts the file's {text} dates ({style.evidence}); check this row"
            )
        else:
            iso[code], reason[code] = parse_day(value, style.dayfirst, first_day)
    carried = no_date = np.zeros(len(raw.codes), dtype=bool)
    codes = raw.codes
    if blank.any():
        valid = (iso != "")[raw.codes]
        last = np.maximum.accumulate(np.where(valid, np.arange(len(valid)), -1))  # last good date at or above
        carried, no_date = blank & (last >= 0), blank & (last < 0)
        codes = np.where(carried, raw.codes[np.maximum(last, 0)], raw.codes)
    end = len(raw.values)
    notes = _Col(
        np.where(carried, end, np.where(no_date, end + 1, raw.codes)),
        _objects([*reason, "date carried from the row above", "no date"]),
    )
    return _Col(codes, iso), notes, (reason != "")[raw.codes] | no_date, style.dayfirst


# -- amounts --------------------------------------------------------------------------------

THOUSANDS_DOT_RE = re.compile(r"^(\d{1,3}(?:\.\d{3})+)(,\d+)?(?=\s|$|[^\d.,])")
DECIMAL_COMMA_RE = re.compile(r"^\d*,\d+(?=\s|$|[^\d.,])")


def _decimal_comma_file(delimiter: str, amounts: _Col, dates: _Col) -> bool:
    """The file writes numbers the German/European way: decimal commas in amounts, or
    semicolon-separated with D.M.YYYY dates."""
    if any(DECIMAL_COMMA_RE.match(str(v)) and not re.match(r"^\d{1,3},\d{3}\b", str(v)) for v in amounts.present()):
        return True
    return delimiter == ";" and any(DOT_DATE_RE.match(str(v)) for v in dates.present()[:50])


def _european_amount(text: str) -> str:
    """'1.000 g' -> '1000 g', '1.250,5 g' -> '1250.5 g' in a decimal-comma file."""
    match = THOUSANDS_DOT_RE.match(text)
    if not match:
        return text
    number = match.group(1).replace(".", "") + (match.group(2) or "").replace(",", ".")
    return number + text[match.end() :]


# -- export nutrient values -----------------------------------------------------------------


def _export_values(values: _Col, nutrient: _Nutrient) -> tuple[np.ndarray, _Col]:
    """An export column as floats in our unit; a value that is not a plausible amount (negative,
    infinite, not a number, absurdly large) becomes unknown with a note: never trusted. Once per
    distinct cell."""
    cells = pd.Series(values.values, dtype=object)
    number = (
        pd.to_numeric(cells.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float) * nutrient.factor
    )
    limit = MAX_EXPORT_PER_ENTRY.get(NUTRIENT_BY_COLUMN[nutrient.column].column_unit, 1e5)
    given = ~cells.str.lower().isin(NULL_TEXT).to_numpy()
    with np.errstate(invalid="ignore"):
        bad = given & (np.isnan(number) | ~np.isfinite(number) | (number < 0) | (number > limit))
    notes = np.where(
        bad, f"export {nutrient.header} " + cells.str.slice(0, 40) + " is not a plausible amount; ignored", ""
    )
    return np.where(bad, np.nan, number)[values.codes], _Col(values.codes, _objects(list(notes)))


# -- the reader -----------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value in (float("inf"), float("-inf")):
            return repr(value)
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def _text_columns(name: str, cells: _Cells, header_index: int, width: int) -> list[_Col]:
    """The rows below the header as columns of stripped text, by pandas' C parser.

    The C parser cannot keep rows with more fields than the header (it would raise, or drop
    them with on_bad_lines): such files, and multi-line title rows, go through csv.reader.
    A large file is parsed in chunks of rows, each made codes into its distinct strings before the next
    is parsed: read whole, every cell of a 1M-row diary was a string of its own at once (the peak of its run)."""
    options = {
        "sep": cells.delimiter,
        "header": None,
        "names": range(width),
        "skiprows": header_index + 1,
        "dtype": object,  # Python str cells, which _Col factorizes as they are (str columns were copied first)
        "na_filter": False,
        "skip_blank_lines": False,
        "quotechar": '"',
        "engine": "c",
    }
    try:
        if len(cells.text) <= TEXT_CHUNK_CHARS:
            return _stripped_columns(pd.read_csv(_parser_input(cells.text), **options))
        chunks = pd.read_csv(_parser_input(cells.text), chunksize=TEXT_CHUNK_ROWS, **options)
        parts = [_stripped_columns(chunk) for chunk in chunks]
        if parts:
            return [_Col.concat(column) for column in zip(*parts, strict=True)] if len(parts) > 1 else parts[0]
        return _stripped_columns(pd.read_csv(_parser_input(cells.text), **options))
    except (pd.errors.ParserError, ValueError, csv.Error):
        records = _csv_records(name, cells.text, cells.delimiter)[header_index + 1 :]
    longest = max(map(len, records), default=width)
    records = [list(r) + [""] * (longest - len(r)) for r in records]  # pad ragged rows, never drop
    frame = pd.DataFrame(records, dtype=object) if records else pd.DataFrame(columns=range(width), dtype=object)
    return _stripped_columns(frame)


# Files over this many characters are parsed TEXT_CHUNK_ROWS rows at a time (_text_columns).
TEXT_CHUNK_CHARS = 8_000_000
TEXT_CHUNK_ROWS = 100_000


def _stripped_columns(frame: pd.DataFrame) -> list[_Col]:
    return [
        _Col.of(frame[c]).map(lambda v: "" if v is None or v != v else str(v).strip()).distinct() for c in frame.columns
    ]


def _workbook_frame(cells: _Cells, header_index: int, width: int) -> pd.DataFrame:
    if cells.frame is not None:  # a dataset: rows[0] is its header, rows[k + 1] its row k
        return cells.frame.iloc[header_index:].reset_index(drop=True)
    body = cells.rows[header_index + 1 :]
    longest = max(map(len, body), default=width)
    body = [list(r) + [None] * (longest - len(r)) for r in body]  # ragged rows: pad, never drop
    return pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)


def _body_columns(name: str, cells: _Cells, header_index: int, width: int) -> list[_Col]:
    """The cells below the header, column by column: stripped text (text files) or the cells as read."""
    if cells.text is not None:
        columns = _text_columns(name, cells, header_index, width)
    else:
        frame = _workbook_frame(cells, header_index, width)
        columns = [_Col.of(frame[c]) for c in frame.columns]
    _refuse_large_cells(name, cells, header_index, columns)
    return columns


def _refuse_large_cells(name: str, cells: _Cells, header_index: int, columns: list[_Col]) -> None:
    if cells.size > MAX_CELL_CHARS:  # only a source this large can hold a cell this large
        for index, column in enumerate(columns):
            lengths = np.array([len(v) if isinstance(v, str) else 0 for v in column.values], dtype=np.int64)
            if len(column.codes) and lengths.max() > MAX_CELL_CHARS:
                row = int(lengths[column.codes].argmax())
                raise _cell_too_large(name, row + header_index + 2, str(index + 1))


def _body(name: str, cells: _Cells, header_index: int, width: int) -> pd.DataFrame:
    """The cells below the header as a frame of object columns (the cohort reader's engine reads it)."""
    if cells.text is None:
        frame = _workbook_frame(cells, header_index, width)
        if cells.size > MAX_CELL_CHARS:
            _refuse_large_cells(name, cells, header_index, [_Col.of(frame[c]) for c in frame.columns])
        return frame
    columns = _body_columns(name, cells, header_index, width)
    return pd.DataFrame({i: c.array() for i, c in enumerate(columns)}, dtype=object)


@dataclass(frozen=True)
class Companion:
    """A file an app or a survey exports beside its diary that holds no food rows nutri can read,
    recognised by header keys it always has (and no food header besides them): named for what it is,
    with where the diary is."""

    headers: frozenset[str]
    what: str
    instead: str


COMPANIONS = (
    Companion(
        frozenset({"username", "recallno", "intakestartdatetime"}),
        "an ASA24 analysis file other than Items and INS (Totals, TNS, TS or Responses)",
        "nutri reads a recall's foods from its Items file (..._Items.csv) and supplements from its INS file",
    ),
    # NHANES's total nutrients files: each recall's day totals (its foods are in the individual foods files)
    *(
        Companion(
            frozenset({"seqn", f"dr{day}tkcal"}),
            f"an NHANES total nutrients file (DR{day}TOT: each recall's day totals, no foods)",
            "nutri reads foods: the individual foods files (DR1IFF, DR2IFF)",
        )
        for day in (1, 2)
    ),
    Companion(
        frozenset({"date", "energykcal", "completed"}),
        "Cronometer's Daily Nutrition export (day totals, no foods)",
        "export the Servings instead (Settings > Export Data > Food & Recipe Entries)",
    ),
    Companion(
        frozenset({"day", "group", "exercise", "minutes", "caloriesburned"}),
        "Cronometer's exercises export",
        "nutri reads the Servings export (servings.csv)",
    ),
    Companion(
        frozenset({"day", "group", "metric", "unit", "amount"}),
        "Cronometer's biometrics export",
        "nutri reads the Servings export (servings.csv)",
    ),
    Companion(
        frozenset({"day", "group", "note"}),
        "Cronometer's notes export",
        "nutri reads the Servings export (servings.csv)",
    ),
    Companion(
        frozenset({"date", "meal", "calories", "fatg", "carbohydratesg", "proteing"}),
        "MyFitnessPal's Nutrition Summary (meal totals, no foods)",
        "save the Printable Diary (Reports > Printable Diary) as a web page",
    ),
    Companion(
        frozenset({"date", "foodcals", "exercisecals", "budgetcals"}),
        "Lose It!'s daily calorie summary",
        "nutri reads food-logs.csv of the same export",
    ),
    Companion(
        frozenset({"date", "value", "secondaryvalue", "lastupdated"}),
        "Lose It!'s water intake",
        "nutri reads food-logs.csv of the same export",
    ),
    Companion(
        frozenset({"name", "uniqueid", "quantity", "measure"}),
        "Lose It!'s custom foods or recipes (what a food is, not what was eaten)",
        "nutri reads food-logs.csv of the same export",
    ),
)


class CompanionFileError(DiaryFormatError):
    """The file is an app's export of something other than its diary (``COMPANIONS``)."""

    def __init__(self, name: str, companion: Companion) -> None:
        super().__init__(f"this is {companion.what}", file=name, fix=companion.instead)
        self.companion = companion


def companion_of(headers: list[object]) -> Companion | None:
    """The companion file a header row is, if it is one and no app diary (``LAYOUTS``)."""
    keys = {header_key(h) for h in headers if _cell_text(h)}
    if _detect_layout(list(keys)) is not GENERIC:
        return None
    foods = set(ROLE_HEADERS["food"])
    return next((c for c in COMPANIONS if c.headers <= keys and not (keys - c.headers) & foods), None)


def holds_diary(rows: list[list[object]], overrides: dict[str, str]) -> bool:
    """Whether a sheet's rows are a diary: a header naming a food and a date, and a row below it (a sheet of
    favourite foods, or a report's advice, names no date)."""
    index = _find_header(rows, overrides)
    if index is None:
        return False
    try:
        role_index, _, _ = header_columns("", [_cell_text(c) for c in rows[index]], overrides)
    except UsageError:  # an overridden header this sheet lacks: not the diary the user means
        return False
    return "date" in role_index and any(any(_cell_text(c) for c in row) for row in rows[index + 1 :])


def header_row(name: str, rows: list[list[object]], overrides: dict[str, str]) -> int:
    """The index of the header row; a file without data, a companion file (``companion_of``, read in its
    first non-blank row unless the user named the food column) or no food column is an error."""
    first = next((r for r in rows if any(_cell_text(c) for c in r)), None)
    if first is None:
        raise UnreadableInputError("the file has no data", file=name, fix="export the diary again")
    companion = None if "food" in overrides else companion_of(first)
    if companion is not None:
        raise CompanionFileError(name, companion)
    index = _find_header(rows, overrides)
    if index is None:
        raise _no_header_error(name, rows, overrides)
    return index


def _no_header_error(name: str, rows: list[list[object]], overrides: dict[str, str]) -> Exception:
    first = next((r for r in rows if any(_cell_text(c) for c in r)), [])
    seen = ", ".join(repr(_cell_text(c)) for c in first[:12] if _cell_text(c)) or "none"
    if "food" in overrides:
        return UsageError(
            f"column override food={overrides['food']}: no such header (headers seen: {seen})",
            file=name,
            option="columns",
        )
    return DiaryFormatError(
        f"no food column found (headers seen: {seen})",
        file=name,
        fix="name it Food",
        option="columns",
        option_value="food=HEADER",
    )


# Headers of a sheet with a column per meal ("Date, Breakfast, Lunch, Dinner"): each cell lists that
# meal's foods, read as rows of their own
MEAL_COLUMN_HEADERS = frozenset(
    {"breakfast", "lunch", "dinner", "supper", "brunch", "snack", "snacks", "dessert", "drinks", "elevenses"}
    | {"morningsnack", "afternoonsnack", "eveningsnack", "amsnack", "pmsnack", "lunchsnack"}
)
MEAL_COLUMN_MAX_BYTES = 5_000_000  # a sheet typed by hand; larger files are exports, read as they are
# a meal cell's foods: one per line or separated by ";" or ", " ("2 eggs, toast, coffee")
MEAL_CELL_SPLIT = re.compile(r"\s*(?:[;\n]|,\s)\s*")


def _meal_columns(cells: _Cells) -> tuple[_Cells, int, np.ndarray] | None:
    """A sheet with a column per meal and no food column, as rows of (date, meal, food): the new cells, the
    header's row in the file (0-based) and each new row's row in the file (1-based, as entries count them).
    None if the sheet is not one."""
    if cells.frame is not None or cells.size > MEAL_COLUMN_MAX_BYTES:
        return None
    try:
        rows = (
            list(csv.reader(io.StringIO(cells.text, newline=""), delimiter=cells.delimiter))
            if cells.text is not None
            else cells.rows
        )
    except csv.Error:  # not a sheet of meal columns either: the file's own error stands
        return None
    keyed = [[header_key(c) if c not in (None, "") else "" for c in row] for row in rows[:HEADER_SCAN_ROWS]]
    index = next((i for i, keys in enumerate(keyed) if sum(k in MEAL_COLUMN_HEADERS for k in keys) >= 2), None)
    if index is None:
        return None
    keys = keyed[index]
    meals = [i for i, k in enumerate(keys) if k in MEAL_COLUMN_HEADERS]
    date = next((i for i, k in enumerate(keys) if k in ROLE_HEADERS["date"]), None)
    long: list[list[object]] = [["Date", "Meal", "Food"]]
    source = [index + 1]
    for number, row in enumerate(rows[index + 1 :], start=index + 2):
        day = row[date] if date is not None and date < len(row) else ""
        foods = [
            [day, _cell_text(rows[index][meal]), food]
            for meal in meals
            for food in filter(None, MEAL_CELL_SPLIT.split((_cell_text(row[meal]) if meal < len(row) else "").strip()))
        ]
        if not foods and any(_cell_text(c) for c in row):
            foods = [[day, "", ""]]  # a row with no food is kept, as a food column's would be ("no food text")
        long += foods
        source += [number] * len(foods)
    reshaped = _Cells(long, sheet=cells.sheet, encoding=cells.encoding, size=cells.size)
    return reshaped, index, np.asarray(source, dtype=int)


def _header_or_meal_columns(
    name: str, cells: _Cells, overrides: dict[str, str]
) -> tuple[_Cells, int, tuple[_Cells, int, np.ndarray] | None]:
    """(the cells to read, their header row, ``_meal_columns`` if the sheet has a column per meal instead
    of a food column): ``header_row``'s error stands when it has neither."""
    try:
        return cells, header_row(name, cells.rows, overrides), None
    except DiaryFormatError as exc:
        by_meal = None if overrides or isinstance(exc, CompanionFileError) else _meal_columns(cells)
        if by_meal is None:
            raise
        return by_meal[0], header_row(name, by_meal[0].rows, overrides), by_meal


def read_diary(
    path: str | Path,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    dayfirst: bool | None = None,
    data: bytes | None = None,
    first_day: dt.date | None = None,
) -> Diary:
    """Read a diary. ``data``: the file's bytes when they come from elsewhere (stdin); ``path`` then only names
    it. ``first_day``: the date of day 1 of a food record whose dates are day numbers."""
    path = Path(path)
    name = str(path)
    if data is None:
        data = _load_bytes(path)
    overrides = columns or {}
    cells = _read_cells(name, data, path.suffix.lower(), sheet, overrides)
    cells, header_index, by_meal = _header_or_meal_columns(name, cells, overrides)
    headers = [_cell_text(c) for c in cells.rows[header_index]]
    role_index, layout, nutrients = header_columns(name, headers, overrides)
    body = _body_columns(name, cells, header_index, len(headers))
    if "date" not in role_index:  # a date column under a header of its own ("Timestamp", "Logged at")
        found = date_column_by_values(headers, role_index, nutrients, lambda i: body[i].values[:DATE_SAMPLE])
        if found is not None:
            role_index["date"] = found
    date_by_values = (
        "date" in role_index and "date" not in overrides and _role_of(headers[role_index["date"]]) != "date"
    )
    date_by_values &= all(role != "date" for role, _ in layout.roles)
    fields, blank_rows, use_dayfirst = _entry_columns(
        body, cells, header_index, len(headers), role_index, layout, nutrients, dayfirst, first_day
    )
    if "person" not in role_index and "person" not in overrides and "date" in role_index:
        taken = set(role_index.values()) | {n.index for n in nutrients}
        candidates = [i for i, h in enumerate(headers) if i not in taken and header_key(h) not in NOT_PEOPLE_HEADERS]
        found = _person_column_by_values(body, cells.text is not None, fields, header_index, candidates)
        if found is not None:
            role_index["person"], fields["person"] = found
    person_by_values = "person" in role_index and _role_of(headers[role_index["person"]]) != "person"
    if by_meal is not None:  # each food's row is its meal cell's row in the file
        header_index = by_meal[1]
        fields["row"] = by_meal[2][fields["row"] - 1]
    return Diary(
        path,
        _entry_frame(fields, compact=True),
        layout.name,
        cells.encoding,
        cells.sheet,
        header_index + 1,
        blank_rows,
        {role: headers[i] for role, i in role_index.items()},
        {n.column: n.header for n in nutrients},
        use_dayfirst,
        hashlib.sha256(data).hexdigest(),
        person_by_values and "person" not in overrides,
        date_by_values=date_by_values,
    )


def diary_sheets_of(path: Path, overrides: dict[str, str]) -> list[str]:
    """The sheets of a workbook that hold a diary (``holds_diary``), in order."""
    from nutri.workbook import diary_sheets

    return diary_sheets(str(path), _load_bytes(path), path.suffix.lower(), lambda rows: holds_diary(rows, overrides))


def _part_name(diary: Diary, diaries: list[Diary]) -> str:
    """A part's name in a combined diary: its file's, with its sheet when the file gives several parts."""
    shared = sum(d.path == diary.path for d in diaries) > 1
    return f"{diary.path.name} [{diary.sheet}]" if shared and diary.sheet else diary.path.name


def combine(diaries: list[Diary]) -> Diary:
    """Several files of one person as one diary: a history exported a year at a time, or ASA24's Items and
    INS files of the same recalls. Entries in file order, each with its file's name (``file``). Two files
    of one kind (one app layout and the same columns, as ``nutri cohort`` groups files by shape) that share
    a day are refused: exports of overlapping ranges would count that day twice (foods and supplements,
    or a food log and a drinks log laid out apart, share their days by design)."""
    if len(diaries) == 1:
        return diaries[0]
    days: dict[tuple, tuple[Diary, set]] = {}
    for diary in diaries:
        dated = set(diary.entries["date"][diary.entries["date"] != ""])
        kind = (diary.layout, frozenset(diary.columns.items()), frozenset(diary.nutrient_headers.items()))
        earlier = days.get(kind)
        if earlier is not None and dated & earlier[1]:
            shared = sorted(dated & earlier[1])
            raise UsageError(
                f"{_part_name(earlier[0], diaries)} and {_part_name(diary, diaries)} both hold {shared[0]}"
                + (f" and {len(shared) - 1} more day(s)" if len(shared) > 1 else "")
                + ": their days would be counted twice",
                fix="give exports of ranges that do not overlap",
            )
        days[kind] = (diary, dated | (earlier[1] if earlier else set()))
    entries = pd.concat([d.entries.assign(file=_part_name(d, diaries)) for d in diaries], ignore_index=True)
    for column in COMPACT_COLUMNS:  # categories differ per file: the joined column is made one again
        if column in entries:
            entries[column] = entries[column].astype("category")
    first = diaries[0]
    layouts = list(dict.fromkeys(d.layout for d in diaries))
    return Diary(
        first.path,
        entries,
        layouts[0] if len(layouts) == 1 else "+".join(layouts),
        first.encoding,
        first.sheet,
        first.header_row,
        sum(d.blank_rows for d in diaries),
        first.columns,
        {k: v for d in diaries for k, v in d.nutrient_headers.items()},
        first.dayfirst,
        None,
        any(d.person_by_values for d in diaries),
        tuple((_part_name(d, diaries), d.sha256) for d in diaries),
    )


# Columns that matching reads once (and picking a person filters on): as categoricals, codes into
# their few distinct texts, they cost a byte or two a row for the whole run, not an 8-byte reference.
# date, meal and input stay text: the matched entries take them as they are, sharing their memory.
COMPACT_COLUMNS = ("amount_text", "unit_text", "food_code", "pre_status", "pre_note", "person")


def _entry_frame(fields: dict[str, _Col | np.ndarray], compact: bool) -> pd.DataFrame:
    """The entries table; ``compact``: COMPACT_COLUMNS as categoricals (made from their codes)."""
    columns = {
        name: (value.categorical() if compact and name in COMPACT_COLUMNS else text_array(value.values, value.codes))
        if isinstance(value, _Col)
        else value
        for name, value in fields.items()
    }
    return pd.DataFrame(columns)


def _entries(
    frame: pd.DataFrame,
    cells: _Cells,
    header_index: int,
    width: int,
    role_index: dict[str, int],
    layout: AppLayout,
    nutrients: list[_Nutrient],
    dayfirst: bool | None,
) -> tuple[pd.DataFrame, int, bool]:
    """The entries table of a frame of cells (``_entry_columns``), text columns as text."""
    columns = [_Col.of(frame[c]) for c in frame.columns]
    fields, blank_rows, use_dayfirst = _entry_columns(
        columns, cells, header_index, width, role_index, layout, nutrients, dayfirst
    )
    return _entry_frame(fields, compact=False), blank_rows, use_dayfirst


def _entry_columns(
    columns: list[_Col],
    cells: _Cells,
    header_index: int,
    width: int,
    role_index: dict[str, int],
    layout: AppLayout,
    nutrients: list[_Nutrient],
    dayfirst: bool | None,
    first_day: dt.date | None = None,
) -> tuple[dict[str, _Col | np.ndarray], int, bool]:
    """The entries' columns, each worked on once per distinct cell (codes into distinct values), so a
    100k-row diary costs a few passes of integer codes instead of string work per row."""
    text_file = cells.text is not None
    filled = [c.mask(_filled_text if text_file else _filled_cell) for c in columns]
    keep = np.logical_or.reduce(filled) if filled else np.zeros(0, dtype=bool)
    if not keep.all():
        columns, filled = [c.take(keep) for c in columns], [f[keep] for f in filled]
    n = int(keep.sum())
    texts: dict[int, _Col] = {}

    def text(index: int | None) -> _Col:
        if index is None or index >= len(columns):
            return _Col.constant(n)
        if index not in texts:
            texts[index] = columns[index] if text_file else columns[index].map(_cell_text)
        return texts[index]

    def pick(role: str) -> _Col:
        values = text(role_index.get(role))
        return values if role == "food" else values.map(lambda v: "" if v.lower() in NULL_TEXT else v)

    notes: list[_Col] = []
    status = _Status(n)
    if len(columns) > width:
        extra = np.sum(filled[width:], axis=0, dtype=np.intp)
        notes.append(
            _Col(
                extra,
                _objects(
                    [""]
                    + [
                        f"{k} more field(s) than the header; extra values ignored"
                        for k in range(1, int(extra.max(initial=0)) + 1)
                    ]
                ),
            )
        )
    dates = _Col.constant(n)
    use_dayfirst = bool(dayfirst)
    if ("date" in role_index or layout.recall_day) and n:
        index = role_index.get("date")
        if index is None:  # one day of a food record (NHANES's DR1IFF): its day number, dated by --first-day
            raw = raw_text = _Col.constant(n, f"Day {layout.recall_day}")
        else:
            raw, raw_text = (columns[index] if index < len(columns) else _Col.constant(n, None)), text(index)
        dates, date_notes, invalid, use_dayfirst = _parse_dates(raw, raw_text, dayfirst, first_day)
        notes.append(date_notes)
        status.set(invalid, "invalid")
    food = pick("food")
    no_food = food.mask(lambda v: v == "" or v.lower() in NULL_TEXT)
    status.set(no_food & status.eq(""), "invalid")
    notes.append(_Col(no_food.astype(np.intp), _objects(["", "no food text"])))
    for mask, rule_status, note in layout.row_rules(lambda role: pick(role).series()) if layout.row_rules else []:
        mask = np.asarray(mask, dtype=bool)
        status.set(mask & status.eq("") if rule_status != "skipped" else mask, rule_status)
        notes.insert(0 if rule_status == "skipped" else len(notes), _Col(mask.astype(np.intp), _objects(["", note])))
    amount = pick("amount")
    if _decimal_comma_file(cells.delimiter, amount, text(role_index.get("date"))):
        amount = amount.map(_european_amount)
    grams_value, grams_note = _grams_values(pick("grams"))
    notes.append(grams_note)
    export = {}
    for nutrient in nutrients:
        export["export_" + nutrient.column], export_note = _export_values(text(nutrient.index), nutrient)
        notes.append(export_note)
        status.set(export_note.mask(bool) & status.eq(""), "needs_review")
    fields = {
        "row": (np.flatnonzero(keep) + header_index + 2).astype(int),
        "date": dates,
        "meal": _meal_names(pick("meal"), dict(layout.meal_names)),
        "input": food,
        "food_code": pick("food_code"),
        "amount_text": amount,
        "unit_text": pick("unit"),
        "grams_export": grams_value,
        "pre_status": status.column(),
        "pre_note": _joined(notes),
        "person": pick("person"),
        # a row of a file of supplements taken (ASA24's INS) is a supplement whatever nutri reads in its text
        "as_supplement": np.full(n, layout.supplements, dtype=bool),
        **export,
    }
    return fields, int((~keep).sum()), use_dayfirst


def _meal_names(meal: _Col, names: dict[str, str]) -> _Col:
    """An app's meal codes as their names (NHANES's 1 is Breakfast); a code it does not list as written."""
    return meal.map(lambda code: names.get(code, code)) if names else meal


def _filled_text(value: str) -> bool:
    return value != ""


def _filled_cell(value: object) -> bool:
    return not pd.isna(value) and bool(value != "")


def _grams_values(grams_text: _Col) -> tuple[np.ndarray, _Col]:
    """A grams column as numbers (a decimal comma read as a point), and a note where one is not a number or
    is negative (taken as no grams, not as the amount eaten)."""
    cells = pd.Series(grams_text.values, dtype=object)
    number = pd.to_numeric(cells.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float)
    notes = [
        f"grams {v} is not a number" if v != "" and np.isnan(x) else f"grams {v} is negative; ignored" if x < 0 else ""
        for v, x in zip(grams_text.values, number, strict=True)
    ]
    return number[grams_text.codes], _Col(grams_text.codes, _objects(notes))


class _Status:
    """The reader's status of each row, as codes into its few texts ("" while nothing is wrong)."""

    def __init__(self, n: int) -> None:
        self.codes, self.labels = np.zeros(n, dtype=np.intp), [""]

    def eq(self, label: str) -> np.ndarray:
        return self.codes == (self.labels.index(label) if label in self.labels else -1)

    def set(self, mask: np.ndarray, label: str) -> None:
        if label not in self.labels:
            self.labels.append(label)
        self.codes = np.where(mask, self.labels.index(label), self.codes)

    def column(self) -> _Col:
        return _Col(self.codes, _objects(self.labels))


DATE_SAMPLE = 500  # distinct values of a column looked at to tell whether it holds dates
# a date as text has its parts apart (2026-11-16, 16.11.2026, 11/16/2026) or a month's name: a bare number
# (an amount, a count, an id) is no date, whatever Excel would make of it
DATE_LIKE_RE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|[A-Za-z]{3,}.*\d{4}|\d{1,2}[- ]?[A-Za-z]{3,9}[- ]?\d{2,4}")


def date_column_by_values(headers: list[str], role_index: dict[str, int], nutrients: list, values) -> int | None:
    """The first column no role or export nutrient has taken whose values are dates (nine in ten of its
    distinct non-blank values, ``values(index)``, read as dates in either day order): the date column of a
    diary that names it its own way ("Timestamp", "Logged at", "Fecha")."""
    taken = set(role_index.values()) | {n.index for n in nutrients}
    for index in range(len(headers)):
        if index in taken:
            continue
        cells = [v for v in values(index) if _cell_text(v)]
        if not cells:
            continue
        dated = sum(
            1
            for v in cells
            if isinstance(v, dt.date)
            or (isinstance(v, str) and DATE_LIKE_RE.search(v) and (parse_date(v, False)[0] or parse_date(v, True)[0]))
        )
        if dated >= 0.9 * len(cells):
            return index
    return None


def _person_column_by_values(
    body: list[_Col], text_file: bool, fields: dict[str, _Col | np.ndarray], header_index: int, candidates: list[int]
) -> tuple[int, _Col] | None:
    """The first candidate column whose values name people: (its index, its values per entry)."""
    positions = fields["row"] - header_index - 2  # the body rows the entries came from
    if len(positions) < 4 or not candidates:
        return None
    dates = pd.Series(fields["date"].array())
    for index in candidates:
        if index >= len(body):
            continue
        column = body[index].take(positions)
        values = (column if text_file else column.map(_cell_text)).map(
            lambda v: "" if str(v).strip().lower() in NULL_TEXT else str(v).strip()
        )
        if _names_people(values.series(), dates):
            return index, values
    return None


def _names_people(values: pd.Series, dates: pd.Series) -> bool:
    """Several people's diaries in one column: most rows name someone; two to n/4 short names or ids
    (no meal, place or yes/no words); at least two of them on several dates, and some date carries
    two of them (a value that follows the date, such as a week label, is no person); and written
    in blocks, as a person's entries of a day are (a food category changes from row to row)."""
    named = (values != "").to_numpy()
    if named.mean() < 0.9:
        return False
    values, dates = values[named].reset_index(drop=True), dates[named].reset_index(drop=True)
    distinct = values.unique()
    if not 2 <= len(distinct) <= len(values) // 4:
        return False
    if any(v.lower() in NOT_PEOPLE_VALUES or not PERSON_VALUE_RE.match(v) for v in distinct):
        return False
    dated = pd.DataFrame({"value": values, "date": dates})[dates != ""]
    if (dated.groupby("value")["date"].nunique() >= 2).sum() < 2:
        return False
    if dated.groupby("date")["value"].nunique().max() < 2:
        return False
    array = values.to_numpy()
    runs = 1 + int((array[1:] != array[:-1]).sum())
    return runs <= len(values) / 2


def text_array(values: np.ndarray, codes: np.ndarray):
    """``values[codes]`` as the str column a frame makes of it, its text checked once per value rather
    than per row (2-3 ms a column of 100k rows); other values, or no rows, as the object array."""
    if len(codes) and all(isinstance(v, str) for v in values):
        return pd.array(values, dtype="str").take(codes)
    return values[codes] if len(codes) else np.array([], dtype=object)


def same_text(text: str) -> np.ndarray:
    """``text`` as a 0-d object array for np.where: given a str, np.where makes a text array of 4 bytes
    a character a row, then a str object of its own for every row it fills (tens of MB at 1M rows);
    this one object is shared by every row."""
    value = np.empty((), dtype=object)
    value[()] = text
    return value
