"""Fuzz the quantity parser, the diary reader, the workbook and SAS transport readers and the export-column reader
for minutes (outside CI).

    python benchmarks/fuzz.py --minutes 3

Each target must either succeed with its invariants or raise a NutriError (a one-line message
for the user); anything else is a finding. Findings become regression tests in tests/.

The workbook targets are structure-aware: they build XLSX and ODS files whose parts lie about
their sizes (a cell at XFD1048576, a dimension far away, a shared-string count of billions, ODS
repeats in the millions, zip entries whose directory understates what they inflate to). A reader
that believed them would ask the allocator for gigabytes and be killed, so every target runs in
a worker process under a memory limit: a worker that dies is a finding, with the example that
killed it saved beside the report.
"""

import argparse
import csv
import functools
import io
import json
import math
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import contextlib

from nutri.diary import read_diary  # noqa: E402
from nutri.errors import NutriError  # noqa: E402
from nutri.foods import load_foods  # noqa: E402
from nutri.intake import analyse  # noqa: E402
from nutri.match import Matcher  # noqa: E402
from nutri.quantity import parse_amount_cell, parse_quantity  # noqa: E402

WORDS = [
    "1",
    "½",
    "1/2",
    "1 1/2",
    "2-3",
    "0,5",
    "cup",
    "cups",
    "Tbsp",
    "g",
    "oz",
    "fl oz",
    "kg",
    "IU",
    "mg",
    "mcg",
    "a",
    "half",
    "of",
    "spinach",
    "banana",
    "eggs",
    "milk",
    "2%",
    "x",
    "-",
    "..",
    "(",
    ")",
    ",",
    "large",
    "slice",
    "Vitamin D3",
    "magnesium",
    "1000",
]
text = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
cell = st.one_of(
    text, st.sampled_from(["", "n/a", "#N/A", "2026-02-30", "11/20/2026", "45000", "2026-11-16", "=1+1", "\x00", "\t"])
)
table = load_foods()
matcher = Matcher(table)
findings: list[str] = []
examples: dict[str, int] = {}
STATE = Path(tempfile.gettempdir()) / "nutri-fuzz"
MEMORY_LIMIT = 3 << 30  # a worker asking for more than 3 GB is killed: the finding the limits exist for


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(value=text, unit=text)
def fuzz_quantities(value, unit):
    examples["quantity"] = examples.get("quantity", 0) + 1
    try:
        parse_quantity(value)
        parse_amount_cell(value, unit)
    except Exception:
        findings.append(f"quantity {value!r} {unit!r}: {traceback.format_exc(limit=2)}")
        raise


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(st.lists(cell, min_size=0, max_size=7), max_size=12),
    header=st.booleans(),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def fuzz_reader(rows, header, raw, use_raw):
    examples["reader"] = examples.get("reader", 0) + 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        if use_raw:
            path.write_bytes(raw)
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            if header:
                writer.writerow(["Date", "Food", "Amount", "Unit"])
            writer.writerows(rows)
            path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            diary = read_diary(path)
        except NutriError:
            return
        except Exception:
            findings.append(f"reader {path.read_bytes()[:200]!r}: {traceback.format_exc(limit=3)}")
            raise
        result = analyse(diary, table, matcher)
        assert len(result) == len(diary.entries)


# -- workbooks with lying sizes ----------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
far = st.one_of(st.integers(1, 40), st.integers(1, 1_048_576), st.sampled_from([1_048_576, 1_048_577, 9_999_999]))
wide = st.one_of(st.integers(1, 8), st.integers(1, 16_384), st.sampled_from([16_384, 17_000]))
workbook_value = st.one_of(
    st.sampled_from(["Food", "Date", "Amount", "banana", "2026-11-16", "1", "1e308", "-1", "inf"]), st.text(max_size=12)
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _zip(members: dict[str, bytes], lie: int | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = bytearray(buffer.getvalue())
    if lie is not None:  # every size field, local and central, says ``lie`` bytes
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = data.find(signature)
            while start != -1:
                data[start + offset : start + offset + 4] = lie.to_bytes(4, "little")
                start = data.find(signature, start + 4)
    return bytes(data)


def xlsx_bytes(cells, dimension, strings_claim, refs: bool, lie: int | None) -> bytes:
    strings = sorted({str(v) for _r, _c, v in cells})
    index = {v: i for i, v in enumerate(strings)}
    by_row: dict[int, list] = {}
    for row, column, value in cells:
        by_row.setdefault(row, []).append((column, str(value)))
    rows = []
    for row in sorted(by_row):
        refs_of = {c: (f' r="{column_letters(c)}{row}"' if refs else "") for c, _v in by_row[row]}
        tags = [f'<c{refs_of[c]} t="s"><v>{index[v]}</v></c>' for c, v in sorted(by_row[row])]
        rows.append(f'<row r="{row}">' + "".join(tags) + "</row>")
    dim = f'<dimension ref="A1:{column_letters(dimension[1])}{dimension[0]}"/>' if dimension else ""
    count = strings_claim if strings_claim is not None else len(strings)
    sst = (
        f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
        + "".join(f"<si><t>{_xml(v)}</t></si>" for v in strings)
        + "</sst>"
    )
    members = {
        "[Content_Types].xml": f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        f'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Diary" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}">{dim}<sheetData>'
        + "".join(rows)
        + "</sheetData></worksheet>",
        "xl/sharedStrings.xml": sst,
    }
    return _zip({k: v.encode("utf-8") for k, v in members.items()}, lie)


def ods_bytes(rows, lie: int | None) -> bytes:
    body = []
    for rows_repeated, cells in rows:
        tags = []
        for columns_repeated, value in cells:
            repeat = f' table:number-columns-repeated="{columns_repeated}"' if columns_repeated > 1 else ""
            if value is None:
                tags.append(f"<table:table-cell{repeat}/>")
            else:
                tags.append(
                    f'<table:table-cell{repeat} office:value-type="string"><text:p>{_xml(str(value))}</text:p></table:table-cell>'
                )
        repeat = f' table:number-rows-repeated="{rows_repeated}"' if rows_repeated > 1 else ""
        body.append(f"<table:table-row{repeat}>" + "".join(tags) + "</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Diary">'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content.encode("utf-8"),
            "META-INF/manifest.xml": manifest.encode(),
        },
        lie,
    )


def _xml(text: str) -> str:
    text = "".join(
        ch
        for ch in text
        if ch in "\t\n" or (ord(ch) >= 32 and not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "\ufffe\uffff")
    )
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _read_workbook(name: str, data: bytes, kind: str) -> None:
    (STATE / "current.bin").write_bytes(data)  # what a worker that dies was reading
    try:
        diary = read_diary(name, data=data)
    except NutriError:
        return
    except Exception:
        findings.append(f"{kind} ({len(data)} bytes, saved as example): {traceback.format_exc(limit=3)}")
        (STATE / f"finding-{kind}-{len(findings)}.bin").write_bytes(data)
        raise
    assert len(diary.entries) <= 2_000_000


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    cells=st.lists(st.tuples(far, wide, workbook_value), max_size=8),
    dimension=st.one_of(st.none(), st.tuples(far, wide)),
    strings_claim=st.one_of(st.none(), st.integers(0, 2**32 - 1)),
    refs=st.booleans(),
    lie=st.one_of(st.none(), st.none(), st.integers(0, 5000)),
)
def fuzz_xlsx(cells, dimension, strings_claim, refs, lie):
    examples["xlsx"] = examples.get("xlsx", 0) + 1
    header = [(1, 1, "Date"), (1, 2, "Food"), (1, 3, "Amount"), (2, 1, "2026-11-16"), (2, 2, "banana"), (2, 3, "1")]
    _read_workbook("fuzz.xlsx", xlsx_bytes(header + cells, dimension, strings_claim, refs, lie), "xlsx")


ods_cell = st.tuples(st.one_of(st.integers(1, 3), st.integers(1, 20_000_000)), st.one_of(st.none(), workbook_value))


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(
        st.tuples(st.one_of(st.integers(1, 3), st.integers(1, 200_000_000)), st.lists(ods_cell, max_size=4)), max_size=6
    ),
    lie=st.one_of(st.none(), st.none(), st.integers(0, 5000)),
)
def fuzz_ods(rows, lie):
    examples["ods"] = examples.get("ods", 0) + 1
    header = [(1, [(1, "Date"), (1, "Food"), (1, "Amount")]), (1, [(1, "2026-11-16"), (1, "banana"), (1, "1")])]
    _read_workbook("fuzz.ods", ods_bytes(header + rows, lie), "ods")


# -- SAS transport files (NHANES's .XPT) ------------------------------------------------------


@functools.cache
def xport_base() -> bytes:
    """A valid DR1IFF-like transport file (pyreadstat, of the test extra, writes it; nutri reads it with pandas)."""
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        {
            "SEQN": [93703.0, 93704.0],
            "DR1IFDCD": [11111000.0, 92410310.0],
            "DR1IGRMS": [244.0, 355.0],
            "DR1IMAGN": [24.4, 0],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "DR1IFF_J.xpt"
        pyreadstat.write_xport(frame, str(path), table_name="DR1IFF_J", file_format_version=5)
        return path.read_bytes()


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    edits=st.lists(st.tuples(st.integers(0, 4096), st.integers(0, 255)), max_size=8),
    digits=st.lists(st.tuples(st.integers(0, 4096), st.sampled_from(b"0123456789 ")), max_size=4),
    cut=st.one_of(st.none(), st.none(), st.integers(0, 4096)),
)
def fuzz_xport(edits, digits, cut):
    """Damaged transport files: bytes changed anywhere, the headers' counts and lengths (ASCII digits)
    changed, the file cut short. The reader reads it or says it cannot, never anything else."""
    examples["xport"] = examples.get("xport", 0) + 1
    data = bytearray(xport_base())
    for at, value in [*edits, *digits]:
        data[at % len(data)] = value
    _read_workbook("fuzz.xpt", bytes(data[:cut] if cut is not None else data), "xport")


# -- export nutrient columns ------------------------------------------------------------------

EXPORT_HEADERS = [
    "Magnesium (mg)",
    "Calcium (mg)",
    "Vitamin D (IU)",
    "Vitamin D (µg)",
    "B12 (Cobalamin) (µg)",
    "B12, Cobalamin (mcg)",
    "Thiamin (mg)",
    "B6 (Pyridoxine) (mg)",
    "Caffeine (mg)",
    "Alcohol (g)",
    "Water (g)",
    "Energy (kcal)",
    "Magnesium (g)",
    "Calcium (ug)",
    "Sodium (mg)",
]
export_value = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**9), 10**9).map(str),
    st.sampled_from(["", "n/a", "nan", "inf", "-inf", "1e999", "-0", "1,5", "1.000,5", "abc", "9" * 400, " 12 "]),
    st.text(max_size=8),
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    headers=st.lists(st.sampled_from(EXPORT_HEADERS), min_size=1, max_size=5),
    values=st.lists(st.lists(export_value, min_size=5, max_size=5), min_size=1, max_size=6),
)
def fuzz_export_columns(headers, values):
    """Export nutrient values are used only when they are plausible amounts: never negative,
    infinite or absurd in the entries, the analysis or the report's totals."""
    examples["export"] = examples.get("export", 0) + 1
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Day", "Group", "Food Name", "Amount", *headers])
    for row in values:
        writer.writerow(["2026-11-16", "Lunch", "banana", "1.00 medium", *row[: len(headers)]])
    data = buffer.getvalue().encode("utf-8")
    (STATE / "current.bin").write_bytes(data)
    try:
        diary = read_diary("export.csv", data=data)
        result = analyse(diary, table, matcher)
        for column in [c for c in diary.entries if c.startswith("export_")]:
            exported = diary.entries[column].dropna()
            assert ((exported >= 0) & exported.map(math.isfinite)).all(), f"{column} kept {exported.tolist()}"
            nutrient = result[column[len("export_") :]].dropna() if column[len("export_") :] in result else exported
            assert ((nutrient >= 0) & nutrient.map(math.isfinite)).all(), f"{column}: analysis gave {nutrient.tolist()}"
    except NutriError:
        return
    except Exception:
        findings.append(f"export columns {data[:300]!r}: {traceback.format_exc(limit=3)}")
        raise


TARGETS = {
    "quantity": fuzz_quantities,
    "reader": fuzz_reader,
    "xlsx": fuzz_xlsx,
    "ods": fuzz_ods,
    "export": fuzz_export_columns,
    "xport": fuzz_xport,
}


def run_for(target, seconds: float) -> int:
    runs = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            target()
        runs += 1
    return runs


def worker(name: str, seconds: float) -> None:
    """One target in this process, under the memory limit; the result as one JSON line."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    run_for(TARGETS[name], seconds)
    print(json.dumps({"examples": examples, "findings": list(dict.fromkeys(findings))}))


HANG_SECONDS = 60  # a worker still running this long after its time is hung


def _save_current(file_name: str) -> Path:
    """The example a dead or hung worker was reading (``_read_workbook`` writes it), kept under a name."""
    saved = STATE / file_name
    if (STATE / "current.bin").exists():
        saved.write_bytes((STATE / "current.bin").read_bytes())
    return saved


def supervise(name: str, seconds: float) -> tuple[dict, list[str]]:
    """Run a target's workers until its time is up; a worker that dies is a finding."""
    counted: dict[str, int] = {}
    found: list[str] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 1:
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--worker", name, "--seconds", f"{left:.0f}"],
                capture_output=True,
                text=True,
                timeout=left + HANG_SECONDS,
            )
        except subprocess.TimeoutExpired:
            # a worker stuck in native code (calamine under the memory limit hung on an ODS bomb): the
            # example it was reading is the finding, and the run goes on
            saved = _save_current(f"hang-{name}-{len(found)}.bin")
            found.append(f"{name}: worker hung past its time on the example saved as {saved}")
            continue
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode == 0 and lines:
            result = json.loads(lines[-1])
            for key, n in result["examples"].items():
                counted[key] = counted.get(key, 0) + n
            found += result["findings"]
            continue
        saved = _save_current(f"crash-{name}-{len(found)}.bin")
        found.append(
            f"{name}: worker died (exit {done.returncode}) on the example saved as {saved}: {done.stderr[-400:]}"
        )
    return counted, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--worker")
    parser.add_argument("--seconds", type=float)
    args = parser.parse_args()
    STATE.mkdir(exist_ok=True)
    if args.worker:
        worker(args.worker, args.seconds)
        return
    names = args.targets.split(",")
    started = time.monotonic()
    counted: dict[str, int] = {}
    found: list[str] = []
    for name in (
        names
    ):  # each call runs up to a few hundred examples (and stops at a failure); calls repeat until the time is up
        target_counts, target_findings = supervise(name, args.minutes * 60 / len(names))
        counted.update(target_counts)
        found += target_findings
    print(
        f"command: python benchmarks/fuzz.py --minutes {args.minutes:g} --targets {args.targets}; ran {time.monotonic() - started:.0f} s; "
        f"examples {counted}; findings: {len(set(found))}"
    )
    for finding in dict.fromkeys(found):
        print("---", finding)


if __name__ == "__main__":
    main()
