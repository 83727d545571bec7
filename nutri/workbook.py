"""Workbook cells (XLSX/XLSM/ODS/XLS) through python-calamine, with every size checked first.

calamine allocates what a workbook claims: a dense grid up to the last used cell (one value at
XFD1048576 asks for 17 billion cells), a vector as long as the shared-string table's count, every
ODS cell as often as ``number-columns-repeated`` says. A process that asks for that much is killed
by the allocator, with no chance to say why. So before calamine sees a file, its zip members are
inflated here as a stream with one running byte budget (the directory's sizes may lie), and the
XML is scanned on the way for what calamine would allocate: the sheet's extent, the shared-string
count, ODS repeats, and entity declarations (billion laughs).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from nutri.errors import UnreadableInputError, UsageError

MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # a workbook larger than this unzipped is refused (zip bomb)
MAX_ZIP_RATIO = 200  # inflated bytes per byte of the file, once past RATIO_FLOOR: real workbooks stay near 10
RATIO_FLOOR = 50 * 1024 * 1024
MAX_SHEET_CELLS = 30_000_000  # rows x columns of the dense grid calamine builds for one sheet
MAX_SHEET_COLUMNS = 2_000  # diaries have tens of columns; 16,384 only comes from a stray cell
XLSX_LAST_ROW = 1_048_576  # Excel's last row: a row past it was written by no spreadsheet program
MAX_SHARED_STRINGS = 20_000_000
MAX_ODS_VALUES = 5_000_000  # cells with a value after ODS repeats (a 250,000-row diary of 20 columns)
CHUNK = 1 << 20
HOSTILE_FIX = "save the sheet again as .xlsx or CSV"

# One pattern per kind of tag that sizes calamine's allocations. A tag is matched whole: the
# scanner keeps any tag cut by a chunk boundary for the next chunk.
XLSX_TAG_RE = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
XLSX_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
XLSX_ROW_RE = re.compile(rb'\br="(\d{1,7})"')
XLSX_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="(?:[A-Z]+\d+:)?([A-Z]{1,3})(\d{1,7})"')
SST_COUNT_RE = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\b(?:uniqueCount|count)="(\d+)"')
ODS_TAG_RE = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>")
ODS_ROWS_RE = re.compile(rb'number-rows-repeated="(\d+)"')
ODS_COLUMNS_RE = re.compile(rb'number-columns-repeated="(\d+)"')
ODS_VALUE_RE = re.compile(rb"value-type=")


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _Extent:
    """The dense grid a sheet needs: last used row and column (1-based)."""

    rows: int = 0
    columns: int = 0

    def include(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


@dataclass
class _OdsCursor:
    """Where the ODS scan is: the current row (after repeats) and column within it."""

    row: int = 0
    row_repeat: int = 1
    column: int = 0
    extent: _Extent = field(default_factory=_Extent)
    values: int = 0  # cells holding a value, as often as the repeats say: calamine makes each one

    def tag(self, closing: bytes, name: bytes, attributes: bytes, empty: bytes) -> None:
        if name == b"table" and not closing:
            self.row = 0  # each sheet starts its own grid
        elif name == b"table-row" and not closing:
            repeat = ODS_ROWS_RE.search(attributes)
            self.row_repeat = int(repeat.group(1)) if repeat else 1
            self.row += self.row_repeat
            self.column = 0
        elif name in (b"table-cell", b"covered-table-cell") and not closing:
            repeat = ODS_COLUMNS_RE.search(attributes)
            columns = int(repeat.group(1)) if repeat else 1
            self.column += columns
            if ODS_VALUE_RE.search(attributes) or not empty:  # a value or text: part of the grid
                self.extent.include(self.row, self.column)
                self.values += columns * self.row_repeat


@dataclass
class _XlsxCursor:
    """Where the XLSX sheet scan is: cells without an ``r`` reference follow the one before."""

    row: int = 0
    column: int = 0
    extent: _Extent = field(default_factory=_Extent)

    def tag(self, name: bytes, attributes: bytes, empty: bytes) -> None:
        if name == b"row":
            number = XLSX_ROW_RE.search(attributes)
            self.row = int(number.group(1)) if number else self.row + 1
            self.column = 0
            return
        ref = XLSX_REF_RE.search(attributes)
        if ref:
            self.row, self.column = int(ref.group(2)), column_number(ref.group(1))
        else:
            self.column += 1
        if not empty:  # a cell with a value or formula: part of the grid
            self.extent.include(max(self.row, 1), self.column)


class _MemberScan:
    """Feeds one member's inflated bytes to the pattern scan that fits its name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.kind = (
            "sheet"
            if re.match(r"xl/worksheets/.*\.xml$", name)
            else "sst"
            if name.endswith("sharedStrings.xml")
            else "ods"
            if name == "content.xml"
            else ""
        )
        self.extent = _Extent()
        self.ods = _OdsCursor(extent=self.extent)
        self.xlsx = _XlsxCursor(extent=self.extent)
        self.tail = b""
        self.head = b""
        self.strings_claimed = 0
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < 4096:
            self.head += chunk[: 4096 - len(self.head)]
        self.size += len(chunk)
        if not self.kind:
            return
        data = self.tail + chunk
        cut = data.rfind(b"<")
        if cut == -1 or data.find(b">", cut) != -1:
            cut = len(data)
        self.tail = data[cut:][-65536:]  # a tag longer than 64 KB is not one we size by
        self._scan(data[:cut])

    def _scan(self, data: bytes) -> None:
        if self.kind == "sheet":
            if dimension := XLSX_DIMENSION_RE.search(data):
                self.extent.include(int(dimension.group(2)), column_number(dimension.group(1)))
            for name, attributes, empty in XLSX_TAG_RE.findall(data):
                self.xlsx.tag(name, attributes, empty)
        elif self.kind == "sst":
            for count in SST_COUNT_RE.findall(data):
                self.strings_claimed = max(self.strings_claimed, int(count))
        elif self.kind == "ods":
            for closing, name, attributes, empty in ODS_TAG_RE.findall(data):
                self.ods.tag(closing, name, attributes, empty)

    def problem(self) -> str | None:
        """Why calamine must not see this member, or None."""
        if b"<!ENTITY" in self.head or b"<!DOCTYPE" in self.head:
            return f"the workbook's XML declares entities ({self.name}); refusing a possibly hostile file"
        if self.kind == "sheet" and self.extent.rows > XLSX_LAST_ROW:
            # a 2 KB file naming row 9,999,999 made calamine build ten million rows (2.6 GB, fuzzing)
            return (
                f"a sheet names row {self.extent.rows:,} ({self.name}), past the last row of an .xlsx sheet "
                f"({XLSX_LAST_ROW:,}); the file is damaged or hostile: {HOSTILE_FIX}"
            )
        if self.extent.columns > MAX_SHEET_COLUMNS or self.extent.cells > MAX_SHEET_CELLS:
            return (
                f"a sheet reaches row {self.extent.rows:,} and column {self.extent.columns:,} ({self.name}), "
                f"more than the {MAX_SHEET_CELLS:,} cells nutri reads; delete stray cells far from the diary"
            )
        if self.ods.values > MAX_ODS_VALUES:
            # 831 bytes repeating one cell 88 times in 200,000 rows made calamine build 17.6 million
            # strings: past 3 GB, and the process hung (fuzzing); an empty grid costs little, values do
            return (
                f"the sheets repeat their cells into {self.ods.values:,} values ({self.name}), more than the "
                f"{MAX_ODS_VALUES:,} nutri reads from a workbook; the file is damaged or hostile: {HOSTILE_FIX}"
            )
        # each shared string takes at least "<si><t/></si>" (13 bytes) of the member
        if self.strings_claimed > min(MAX_SHARED_STRINGS, self.size // 13 + 16):
            return (
                f"the shared-string table claims {self.strings_claimed:,} strings in {self.size:,} bytes; "
                f"the file is damaged or hostile: {HOSTILE_FIX}"
            )
        return None


def _bomb(name: str, claimed: int | None) -> UnreadableInputError:
    size = f"to {claimed // 2**20} MB" if claimed is not None else "to more than its directory claims"
    return UnreadableInputError(
        f"the workbook unpacks {size} (a zip bomb?); refusing to open it", file=name, fix=HOSTILE_FIX
    )


def check_workbook_zip(name: str, data: bytes) -> None:
    """Inflate every member with one running budget and refuse what calamine could not survive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = min(MAX_UNZIPPED_BYTES, max(RATIO_FLOOR, len(data) * MAX_ZIP_RATIO))
            claimed = sum(info.file_size for info in archive.infolist())
            if claimed > budget:  # honest sizes: refuse before inflating anything
                raise _bomb(name, claimed)
            for info in archive.infolist():
                scan = _MemberScan(info.filename)
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        budget -= len(chunk)
                        if budget < 0:  # the directory lied about the sizes
                            raise _bomb(name, None)
                        scan.feed(chunk)
                scan.feed(b"")
                if problem := scan.problem():
                    raise UnreadableInputError(problem, file=name)
    except UnreadableInputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise UnreadableInputError(
            f"not a valid workbook ({str(exc)[:80] or 'bad zip'})", file=name, fix="if it is text, rename it to .csv"
        ) from None
    except (RuntimeError, OSError, zlib.error) as exc:  # encrypted members, CRC errors, broken deflate streams
        raise UnreadableInputError(f"not a valid workbook ({str(exc)[:80]})", file=name, fix=HOSTILE_FIX) from None


def read_workbook_rows(
    name: str, data: bytes, suffix: str, sheet: str | None, has_header, holds_diary=None
) -> tuple[list[list[object]], str | None]:
    """(rows of one sheet, its name): the named sheet, else the one that ``holds_diary``, else the first
    whose rows ``has_header``. Two or more sheets that each ``holds_diary`` (weeks, or people, one a sheet)
    and no sheet named is a usage error naming them: reading the first alone would leave the others out
    unsaid."""
    workbook = _open(name, data, suffix)
    try:
        names = workbook.sheet_names
        if sheet is not None:
            if sheet not in names:
                raise UsageError(f"no sheet named {sheet!r}; sheets are: {', '.join(names)}", file=name)
            return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False), sheet
        return _chosen_sheet(name, workbook, has_header, holds_diary)
    except (UsageError, UnreadableInputError):
        raise
    except Exception as exc:  # calamine raises its own error types for broken or encrypted files
        raise _unreadable(name, exc) from None


def _chosen_sheet(name: str, workbook, has_header, holds_diary) -> tuple[list[list[object]], str | None]:
    """``read_workbook_rows`` with no sheet named."""
    names = workbook.sheet_names
    found, diaries = None, []
    for sheet_name in names:
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        if found is None and has_header(rows):
            found = rows, sheet_name
            if holds_diary is None:
                break
        if holds_diary is not None and holds_diary(rows):
            if not diaries:  # the one diary sheet goes before a sheet that only names foods
                found = rows, sheet_name
            diaries.append(sheet_name)
    if len(diaries) > 1:
        raise UsageError(
            f"sheets {', '.join(repr(d) for d in diaries)} each hold a diary",
            file=name,
            fix="pass --sheet NAME to read one, or --sheet '*' for all (one person's; in nutri cohort, a person each)",
        )
    if found is not None:
        return found
    first = names[0] if names else None
    return (workbook.get_sheet_by_name(first).to_python(skip_empty_area=False) if first else []), first


def diary_sheets(name: str, data: bytes, suffix: str, holds_diary) -> list[str]:
    """The sheets of a workbook that each ``holds_diary``, in order."""
    workbook = _open(name, data, suffix)
    try:
        sheets = workbook.sheet_names
        return [n for n in sheets if holds_diary(workbook.get_sheet_by_name(n).to_python(skip_empty_area=False))]
    except Exception as exc:  # calamine's own error types, as in read_workbook_rows
        raise _unreadable(name, exc) from None


def _unreadable(name: str, exc: Exception) -> UnreadableInputError:
    return UnreadableInputError(
        f"cannot read the workbook ({type(exc).__name__}: {str(exc)[:120]})",
        file=name,
        fix="save it again as .xlsx or CSV",
    )


def _open(name: str, data: bytes, suffix: str):
    """The workbook (calamine's), after the checks that refuse what is no workbook or a hostile one."""
    from python_calamine import CalamineWorkbook

    if data.startswith(b"\xd0\xcf\x11\xe0") and suffix in (".xlsx", ".xlsm"):
        raise UnreadableInputError(
            "the workbook is password-protected (encrypted)", file=name, fix="save an unprotected copy"
        )
    if data.startswith(b"PK"):
        check_workbook_zip(name, data)
    elif suffix in (".xlsx", ".xlsm", ".ods"):
        raise UnreadableInputError(f"not a real {suffix} workbook", file=name, fix="if it is text, rename it to .csv")
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for broken or encrypted files
        raise _unreadable(name, exc) from None
