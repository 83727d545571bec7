"""Read a diary file (CSV/TSV/TXT/XLSX/XLSM/ODS) into one entries DataFrame.

Columns are found by header name, never by position; the header row may sit below title rows.
Known app exports (Cronometer servings, MacroFactor food log, Lose It! food-logs) are recognised
by their headers, and the nutrient columns they carry are read by name and unit.
Every non-blank row becomes an entry; rows that cannot be used keep their place with a status.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from nutri.errors import DiaryFormatError, UnreadableInputError, UsageError
from nutri.nutrients import from_export_header

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls", ".xlsb"}
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # a workbook larger than this unzipped is refused (zip bomb)
MAX_ZIP_RATIO = 200
HEADER_SCAN_ROWS = 30
NULL_TEXT = {"", "n/a", "na", "nan", "none", "null", "-", "#n/a"}

# Header synonyms per role, compared after lower-casing and dropping everything but letters/digits.
ROLE_HEADERS = {
    "date": ["date", "day", "datetime", "dateeaten", "when"],
    "meal": ["meal", "group", "mealname", "mealtype", "occasion"],
    "food": ["food", "foodname", "item", "name", "description", "fooditem", "fooddescription", "entry", "what"],
    "amount": ["amount", "quantity", "qty", "servingqty", "servings", "numberofservings", "portion"],
    "unit": ["unit", "units", "measure", "servingsize", "servingunit", "uom"],
    "grams": ["servingweightg", "grams", "weightg", "gramweight", "massg"],
    "deleted": ["deleted"],
    "time": ["time"],
}

# Export nutrient headers: "Magnesium (mg)", "B12 (Cobalamin) (µg)", "B12, Cobalamin (mcg)", "Vitamin D (IU)".
NUTRIENT_HEADER_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<unit>µg|μg|mcg|ug|mg|g|iu|kcal)\)\s*$", re.IGNORECASE)
UNIT_FACTORS = {("ug", "ug"): 1.0, ("mcg", "ug"): 1.0, ("µg", "ug"): 1.0, ("μg", "ug"): 1.0, ("mg", "ug"): 1000.0, ("mg", "mg"): 1.0, ("g", "mg"): 1000.0, ("ug", "mg"): 0.001, ("mcg", "mg"): 0.001, ("µg", "mg"): 0.001, ("g", "g"): 1.0, ("mg", "g"): 0.001, ("kcal", "kcal"): 1.0}


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


# -- raw cells ------------------------------------------------------------------------------

def _check_path(path: Path) -> None:
    if not path.exists():
        raise UnreadableInputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise UnreadableInputError(f"{path}: is a directory; give a diary file (.csv, .tsv, .xlsx, .ods)")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableInputError(f"{path}: the file is empty; export the diary again")
    if size > MAX_FILE_BYTES:
        raise UnreadableInputError(f"{path}: {size // 2**20} MB is larger than the {MAX_FILE_BYTES // 2**20} MB nutri reads; split the diary")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableInputError(f"{path}: this is a zip/Excel workbook, not text; rename it to .xlsx (or .ods)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableInputError(f"{path}: this is an old binary Excel (.xls) or encrypted workbook; save it as .xlsx or CSV")
    sample = data[:65536]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        nul_share = sample.count(b"\x00") / len(sample)
        if nul_share > 0.01:
            raise UnreadableInputError(f"{path}: binary data, not a text diary; export the diary as CSV or XLSX")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableInputError(f"{path}: starts like UTF-16 text but is not valid UTF-16; save the diary as UTF-8 CSV") from None
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if control / len(sample) > 0.1:
        raise UnreadableInputError(f"{path}: binary data, not a text diary; export the diary as CSV or XLSX")
    try:
        return data.decode("utf-8-sig"), ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str, suffix: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if suffix in (".tsv", ".tab"):
        return "\t"
    counts = {d: sum(line.count(d) for line in lines) for d in (",", ";", "\t")}
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t").delimiter
    except csv.Error:
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_text(path: Path) -> tuple[str, str, str]:
    """(text, encoding, delimiter) of a text diary."""
    text, encoding = _decode(path, path.read_bytes())
    text = text.replace("\x00", "")
    return text, encoding, _sniff_delimiter(text, path.suffix.lower())


def _csv_records(path: Path, text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    csv.field_size_limit(10 * 1024 * 1024)
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limit))
    except csv.Error as exc:
        raise UnreadableInputError(f"{path}: not readable as CSV ({exc}); check the quoting or export again") from None


def _text_body(path: Path, text: str, delimiter: str, header_index: int, width: int) -> pd.DataFrame:
    """The rows below the header as a DataFrame of stripped text, by pandas' C parser.

    The C parser cannot keep rows with more fields than the header (it would raise, or drop
    them with on_bad_lines): such files, and multi-line title rows, go through csv.reader."""
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(width), skiprows=header_index + 1, dtype=str,
                            na_filter=False, skip_blank_lines=False, quotechar='"', engine="c")
        records = None
    except (pd.errors.ParserError, ValueError, csv.Error):
        records = _csv_records(path, text, delimiter)[header_index + 1:]
    if records is not None:
        longest = max(map(len, records), default=width)
        records = [list(r) + [""] * (longest - len(r)) for r in records]  # pad ragged rows, never drop
        frame = pd.DataFrame(records, dtype=object) if records else pd.DataFrame(columns=range(width), dtype=object)
    return frame.apply(lambda c: per_distinct(c, lambda v: "" if v is None or v != v else str(v).strip()))


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_UNZIPPED_BYTES or (total / packed > MAX_ZIP_RATIO and total > 50 * 2**20):
                raise UnreadableInputError(f"{path}: the workbook unpacks to {total // 2**20} MB (a zip bomb?); refusing to open it")
            for info in infos:
                if info.filename.endswith(".xml") and info.file_size < 2**20:
                    head = archive.read(info.filename)[:4096]
                    if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                        raise UnreadableInputError(f"{path}: the workbook's XML declares entities ({info.filename}); refusing a possibly hostile file")
    except zipfile.BadZipFile:
        raise UnreadableInputError(f"{path}: not a valid workbook (bad zip); if it is text, rename it to .csv") from None


def _read_workbook_rows(path: Path, sheet: str | None) -> tuple[list[list[object]], str]:
    from python_calamine import CalamineWorkbook

    data_head = path.read_bytes()[:8]
    if data_head.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() in (".xlsx", ".xlsm"):
        raise UnreadableInputError(f"{path}: the workbook is password-protected (encrypted); save an unprotected copy")
    if data_head.startswith(b"PK"):
        _check_zip(path)
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        raise UnreadableInputError(f"{path}: not a real {path.suffix} workbook; if it is text, rename it to .csv")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        if sheet is not None:
            if sheet not in names:
                raise UsageError(f"{path}: no sheet named {sheet!r}; sheets are: {', '.join(names)}")
            return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False), sheet
        for name in names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if _find_header(rows) is not None:
                return rows, name
        first = names[0] if names else None
        return (workbook.get_sheet_by_name(first).to_python(skip_empty_area=False) if first else []), first
    except (UsageError, UnreadableInputError):
        raise
    except Exception as exc:  # calamine raises its own error types for broken or encrypted files
        raise UnreadableInputError(f"{path}: cannot read the workbook ({type(exc).__name__}: {str(exc)[:120]}); save it again as .xlsx or CSV") from None


# -- header and columns ---------------------------------------------------------------------

def _role_of(header: object) -> str | None:
    key = header_key(header)
    for role, names in ROLE_HEADERS.items():
        if key in names:
            return role
    return None


def _find_header(rows: list[list[object]], overrides: dict[str, str] | None = None) -> int | None:
    food_headers = {header_key(overrides["food"])} if overrides and "food" in overrides else set(ROLE_HEADERS["food"])
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if {header_key(c) for c in row if c not in (None, "")} & food_headers:
            return index
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
            raise UsageError(f"--columns {text!r}: write ROLE=HEADER pairs separated by commas, roles: {', '.join(ROLE_HEADERS)}")
        result[role] = header.strip()
    return result


def _detect_layout(headers: list[str]) -> str:
    keys = {header_key(h) for h in headers}
    if {"day", "foodname", "amount"} <= keys and "energykcal" in keys:
        return "cronometer"
    if {"foodname", "servingsize", "servingqty", "servingweightg"} <= keys:
        return "macrofactor"
    if {"name", "icon", "meal", "quantity", "units", "deleted"} <= keys:
        return "loseit"
    return "generic"


def _nutrient_headers(headers: list[str]) -> dict[str, tuple[int, float]]:
    """nutrient column -> (header index, factor to our unit). Vitamin D IU uses 40 IU = 1 µg."""
    found: dict[str, tuple[int, float]] = {}
    for index, header in enumerate(headers):
        match = NUTRIENT_HEADER_RE.match(str(header).strip())
        if not match:
            continue
        name = re.sub(r"\s+", " ", re.sub(r"[(),]", " ", match.group("name").lower())).strip()
        unit = match.group("unit").lower()
        record = from_export_header(name)
        if record is None or record.column in found:
            continue
        if unit == "iu" and record.iu_per_unit:
            found[record.column] = (index, 1 / record.iu_per_unit)
        elif (unit, record.column_unit) in UNIT_FACTORS:
            found[record.column] = (index, UNIT_FACTORS[(unit, record.column_unit)])
    return found


# -- dates ----------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
SLASH_DATE_RE = re.compile(r"^\s*(\d{1,2})[/](\d{1,2})[/](\d{4})(?:[ T].*)?$")
DOT_DATE_RE = re.compile(r"^\s*(\d{1,2})[.](\d{1,2})[.](\d{4})\.?(?:[ T].*)?$")
ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
NAMED_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%a %d %b %Y", "%A %d %B %Y")


def _slash_evidence(values: list[object]) -> bool | None:
    """True if the file's slash dates must be day-first, False if month-first, None if unclear."""
    for value in values:
        match = SLASH_DATE_RE.match(str(value)) if isinstance(value, str) else None
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
    return None


def parse_date(value: object, dayfirst: bool) -> tuple[str, str]:
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
        if (m := ISO_DATE_RE.match(text)):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), ""
        if (m := DOT_DATE_RE.match(text)):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat(), ""
        if (m := SLASH_DATE_RE.match(text)):
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            day, month = (a, b) if dayfirst else (b, a)
            return dt.date(year, month, day).isoformat(), ""
        if re.fullmatch(r"\d{5}(\.0+)?", text):
            return parse_date(float(text), dayfirst)
    except ValueError:
        return "", f"date {text!r} does not exist"
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(",", " "))
    cleaned = re.sub(r"\s+", " ", cleaned)
    for fmt in NAMED_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date().isoformat(), ""
        except ValueError:
            continue
    return "", f"date {text!r} is not a date nutri reads (use YYYY-MM-DD)"


# -- the reader -----------------------------------------------------------------------------

def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def read_diary(path: str | Path, sheet: str | None = None, columns: dict[str, str] | None = None, dayfirst: bool | None = None) -> Diary:
    path = Path(path)
    _check_path(path)
    suffix = path.suffix.lower()
    encoding = None
    if suffix in WORKBOOK_SUFFIXES:
        rows, sheet_used = _read_workbook_rows(path, sheet)
    else:
        if sheet is not None:
            raise UsageError(f"--sheet applies to workbooks (.xlsx, .ods); {path.name} is a text file")
        text, encoding, delimiter = _read_text(path)
        rows = _csv_records(path, text, delimiter, HEADER_SCAN_ROWS + 1)  # enough to find the header
        sheet_used = None
    overrides = columns or {}
    if not any(any(_cell_text(c) for c in row) for row in rows):
        raise UnreadableInputError(f"{path}: the file has no data; export the diary again")
    header_index = _find_header(rows, overrides)
    if header_index is None:
        first = next((r for r in rows if any(_cell_text(c) for c in r)), [])
        seen = ", ".join(repr(_cell_text(c)) for c in first[:12] if _cell_text(c)) or "none"
        if "food" in overrides:
            raise UsageError(f"{path}: --columns food={overrides['food']}: no such header (headers seen: {seen})")
        raise DiaryFormatError(f"{path}: no food column found (headers seen: {seen}); name it Food, or pass --columns food=HEADER")
    headers = [_cell_text(c) for c in rows[header_index]]
    role_index: dict[str, int] = {}
    for role, header in overrides.items():
        keys = [header_key(h) for h in headers]
        if header_key(header) not in keys:
            raise UsageError(f"{path}: --columns {role}={header}: no such header; headers are: {', '.join(h for h in headers if h)}")
        role_index[role] = keys.index(header_key(header))
    for index, header in enumerate(headers):
        role = _role_of(header)
        if role and role not in role_index and index not in role_index.values():
            role_index[role] = index
    layout = _detect_layout(headers)
    if layout == "cronometer":
        role_index.pop("unit", None)  # Cronometer's Amount holds "1.00 cup": number and unit in one cell
    nutrient_cols = _nutrient_headers(headers)

    width = len(headers)
    # Column-wise from here: each needed column becomes one text Series, so a 100k-row diary
    # costs a few vectorised passes instead of a Python loop per row.
    text_file = encoding is not None
    if text_file:
        frame = _text_body(path, text, delimiter, header_index, width)
    else:
        body = rows[header_index + 1:]
        longest = max(map(len, body), default=width)
        body = [list(r) + [None] * (longest - len(r)) for r in body]  # ragged rows: pad, never drop
        frame = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)
    non_empty = (frame != "") if text_file else (frame.notna() & (frame != ""))
    keep = non_empty.any(axis=1).to_numpy()
    blank_rows = int((~keep).sum())
    frame = frame[keep].reset_index(drop=True)
    row_numbers = (np.flatnonzero(keep) + header_index + 2).astype(int)
    n = len(frame)

    def text(index: int | None) -> pd.Series:
        if index is None or index >= frame.shape[1]:
            return pd.Series([""] * n, dtype=object)
        column = frame[index]
        return column if text_file else per_distinct(column, _cell_text)

    def pick(role: str) -> pd.Series:
        values = text(role_index.get(role))
        return values if role == "food" else per_distinct(values, lambda v: "" if v.lower() in NULL_TEXT else v)

    notes: list[pd.Series] = []
    status = pd.Series([""] * n, dtype=object)
    if frame.shape[1] > width:
        extra = non_empty[keep].reset_index(drop=True).iloc[:, width:].sum(axis=1)
        notes.append(pd.Series(np.where(extra > 0, extra.astype(str) + " more field(s) than the header; extra values ignored", ""), dtype=object))

    date_text = pd.Series([""] * n, dtype=object)
    if "date" in role_index and n:
        raw = frame[role_index["date"]] if role_index["date"] < frame.shape[1] else pd.Series([None] * n, dtype=object)
        raw_text = text(role_index["date"])
        blank = (raw_text == "").to_numpy()
        distinct = pd.unique(raw[~blank]) if (~blank).any() else []
        evidence = _slash_evidence([v for v in distinct if isinstance(v, str)])
        use_dayfirst = evidence if evidence is not None else bool(dayfirst)
        parsed = {value: parse_date(value, use_dayfirst) for value in distinct}
        iso = per_distinct(raw, lambda v: parsed[v][0] if v in parsed else "").where(~blank, "")
        reason = per_distinct(raw, lambda v: parsed[v][1] if v in parsed else "").where(~blank, "")
        # a blank date continues the last good date above it (diaries write the day once)
        carried = iso.where(iso != "").ffill().fillna("")
        carried = carried.where(blank | (iso != ""), "")  # a broken date is not replaced
        date_text = carried.where(blank, iso)
        carried_note = blank & (date_text != "").to_numpy()
        no_date = blank & (date_text == "").to_numpy()
        notes.append(pd.Series(np.where(carried_note, "date carried from the row above", np.where(no_date, "no date", reason)), dtype=object))
        status = status.mask((reason != "") | pd.Series(no_date), "invalid")
    else:
        use_dayfirst = bool(dayfirst)

    food = pick("food")
    no_food = food.eq("") | food.str.lower().isin(NULL_TEXT)
    status = status.mask(no_food & (status == ""), "invalid")
    notes.append(pd.Series(np.where(no_food, "no food text", ""), dtype=object))
    if layout == "cronometer":
        # Quick-add rows ("Calorie", "800.00 1") carry only energy or a macronutrient: no food
        quick = food.str.lower().isin(["calorie", "calories", "protein", "carbs", "fat", "quick add"]) & pick("amount").str.fullmatch(r"[\d.,]+ 1")
        status = status.mask(quick & (status == ""), "unmatched")
        notes.append(pd.Series(np.where(quick, "Cronometer quick-add entry: the app's own values only, no food to match", ""), dtype=object))
    if layout == "loseit":
        deleted = pick("deleted").str.lower().isin(["true", "1", "yes", "y"])
        status = status.mask(deleted, "skipped")
        notes.insert(0, pd.Series(np.where(deleted, "deleted in Lose It!", ""), dtype=object))
    grams_text = pick("grams")
    grams_value = pd.to_numeric(grams_text.str.replace(",", ".", regex=False), errors="coerce")
    bad_grams = (grams_text != "") & grams_value.isna()
    notes.append(pd.Series(np.where(bad_grams, "grams " + grams_text + " is not a number", ""), dtype=object))

    entries = pd.DataFrame({
        "row": row_numbers, "date": date_text.to_numpy(), "meal": pick("meal").to_numpy(), "input": food.to_numpy(),
        "amount_text": pick("amount").to_numpy(), "unit_text": pick("unit").to_numpy(), "grams_export": grams_value.to_numpy(dtype=float),
        "pre_status": status.to_numpy(), "pre_note": join_notes(*notes) if notes else [""] * n,
    })
    for column, (index, factor) in nutrient_cols.items():
        values = text(index)
        entries["export_" + column] = (pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce") * factor).to_numpy(dtype=float)
    columns_used = {role: headers[i] for role, i in role_index.items()}
    return Diary(path, entries, layout, encoding, sheet_used, header_index + 1, blank_rows, columns_used, {c: headers[i] for c, (i, _f) in nutrient_cols.items()}, use_dayfirst)


def per_distinct(values: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct value, results spread back by index. Diary columns
    repeat the same few hundred strings (foods, units, dates), so this is the cheap way to run
    Python code on a column of any length."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return pd.Series(mapped[codes] if len(codes) else np.array([], dtype=object), dtype=object)


def join_notes(*parts) -> np.ndarray:
    """Row-wise '; '.join of the non-empty parts, on whole columns (object arrays)."""
    arrays = [np.asarray(pd.Series(p, dtype=object).fillna(""), dtype=object) for p in parts]
    out = arrays[0] if arrays else np.array([], dtype=object)
    for part in arrays[1:]:
        out = np.where(out == "", part, np.where(part == "", out, out + "; " + part))
    return out
