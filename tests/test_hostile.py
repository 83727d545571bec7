"""Hardening, round two (issue 17): each numbered item of the issue has its regression tests here,
and one test walks the whole hostile corpus through the CLI: no input a user can type or a file
can hold may end in "internal error". Files are generated small in tmp_path."""

import csv
import errno
import io
import json
import os
import re
import signal
import stat
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import DATA
from openpyxl import Workbook, load_workbook

HEADER = "Date,Meal,Food,Amount,Unit\n"
ROW = "2026-11-16,Lunch,banana,1,medium\n"


def _write(path: Path, content) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _rows(result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _strict_json(text: str):
    def refuse(name):
        raise ValueError(f"bare {name} in JSON")

    return json.loads(text, parse_constant=refuse)


# -- item 1: tiny workbooks that ask for huge allocations --------------------------------------


def _rezip(path: Path, changes: dict) -> Path:
    """Rewrite members of a zip: name -> function of the old bytes (or new bytes)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    for name, change in changes.items():
        members[name] = change(members.get(name, b"")) if callable(change) else change
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def far_cell_xlsx(path: Path) -> Path:
    book = Workbook()
    book.active.append(["Date", "Food", "Amount"])
    book.active.append(["2026-11-16", "banana", 1])
    book.active["XFD1048576"] = "x"
    book.save(path)
    return path


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET = (
    f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
    '<c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1</v></c></row></sheetData></worksheet>'
)
STRINGS = f'<sst xmlns="{MAIN}" count="3" uniqueCount="3"><si><t>Food</t></si><si><t>Amount</t></si><si><t>banana</t></si></sst>'


def minimal_xlsx(path: Path, sheet: str = SHEET, strings: str = STRINGS) -> Path:
    """The smallest XLSX calamine reads: one sheet and a shared-string table, parts given as text."""
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
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": strings,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def huge_sst_xlsx(path: Path) -> Path:
    return minimal_xlsx(
        path, strings=STRINGS.replace('count="3" uniqueCount="3"', 'count="4000000000" uniqueCount="4000000000"')
    )


def far_row_xlsx(path: Path) -> Path:
    # a row no spreadsheet has, three cells wide: under the cell budget, yet ten million rows to build
    # (found by fuzzing: 12-17 s and 2.6 GB for a 2 KB file)
    far = '<row r="9999999"><c r="A9999999" t="s"><v>2</v></c><c r="C9999999"><v>1</v></c></row></sheetData>'
    return minimal_xlsx(path, sheet=SHEET.replace('<dimension ref="A1:B2"/>', "").replace("</sheetData>", far))


def test_minimal_xlsx_is_read(run, tmp_path):
    """The honest form of the hand-built workbooks below is a usable diary."""
    rows = _rows(run("match", minimal_xlsx(tmp_path / "ok.xlsx")))
    assert [(r["input"], r["status"]) for r in rows] == [("banana", "matched")]


ODS_ROW_BOMB = (
    b'<table:table-row table:number-rows-repeated="100000000"><table:table-cell office:value-type="string">'
    b"<text:p>x</text:p></table:table-cell></table:table-row>"
)
ODS_COLUMN_BOMB = (
    b'<table:table-row><table:table-cell table:number-columns-repeated="16000000" office:value-type="float" '
    b'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
)

# under the grid budget, yet 17.6 million strings to build (found by fuzzing: 831 bytes, past 3 GB, and a
# process under a memory limit hung)
ODS_VALUES_BOMB = (
    b'<table:table-row table:number-rows-repeated="200000"><table:table-cell table:number-columns-repeated="88" '
    b'office:value-type="string"><text:p>Date</text:p></table:table-cell></table:table-row>'
)


def repeated_ods(path: Path, bomb: bytes) -> Path:
    path.write_bytes((DATA / "diary.ods").read_bytes())
    return _rezip(path, {"content.xml": lambda xml: xml.replace(b"</table:table>", bomb + b"</table:table>", 1)})


def lying_zip_xlsx(path: Path) -> Path:
    """A sheet member that inflates to 20 MB while the zip directory says 1,000 bytes."""
    far_cell_xlsx(path)
    big = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + b"<row/>" * 3_500_000
    )
    _rezip(path, {"xl/worksheets/sheet1.xml": big + b"</sheetData></worksheet>"})
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            name_length = int.from_bytes(
                data[start + offset + 4 - (0 if signature == b"PK\x03\x04" else 0) : start + offset + 6], "little"
            )
            size = int.from_bytes(data[start + offset : start + offset + 4], "little")
            if size > 10_000_000:
                data[start + offset : start + offset + 4] = (1000).to_bytes(4, "little")
            start = name_at + max(name_length, 0)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "builder, message",
    [
        (far_cell_xlsx, "reaches row 1,048,576 and column 16,384"),
        (far_row_xlsx, "names row 9,999,999 (xl/worksheets/sheet1.xml), past the last row"),
        (huge_sst_xlsx, "shared-string table claims 4,000,000,000 strings"),
        (lambda p: repeated_ods(p.with_suffix(".ods"), ODS_ROW_BOMB), "more than the 30,000,000 cells"),
        (lambda p: repeated_ods(p.with_suffix(".ods"), ODS_COLUMN_BOMB), "column 16,000,00"),
        (lambda p: repeated_ods(p.with_suffix(".ods"), ODS_VALUES_BOMB), "into 17,600,0"),
        (lying_zip_xlsx, "not a valid workbook"),
    ],
)
def test_workbook_sizes_are_checked_before_reading(run, tmp_path, builder, message):
    path = builder(tmp_path / "hostile.xlsx")
    assert path.stat().st_size < 200_000
    result = run("match", path)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert result.stderr.startswith(f"Error: {path}") and result.stderr.count("\n") == 1


def test_zip_member_budget_counts_inflated_bytes(tmp_path):
    """The budget runs over what is inflated, not over what the directory claims."""
    from nutri import workbook
    from nutri.errors import UnreadableInputError

    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(40):
            archive.writestr(f"xl/media/m{i}.bin", b"\0" * 2_000_000)
    data = path.read_bytes()
    budget = workbook.MAX_UNZIPPED_BYTES
    try:
        workbook.MAX_UNZIPPED_BYTES = 30_000_000
        with pytest.raises(UnreadableInputError, match="zip bomb"):
            workbook.check_workbook_zip("many.xlsx", data)
    finally:
        workbook.MAX_UNZIPPED_BYTES = budget


# -- item 2: a lone carriage return must not split a CSV row -------------------------------------


def test_lone_cr_cannot_start_a_formula_row(run, tmp_path):
    diary = _write(
        tmp_path / "d.csv",
        HEADER
        + '2026-11-16,Lunch,"salad\r=HYPERLINK(""http://x"")",1,cup\n'
        + '2026-11-16,Lunch,"spinach\r@SUM(1)",1,cup\n',
    )
    review = tmp_path / "review.csv"
    result = run("match", diary, "--review", review)
    assert result.exit_code == 0
    for text in (result.stdout, review.read_bytes().decode()):
        # no bare CR (Excel starts a row there, quoted or not); the line feed that replaces it is quoted
        assert "\r" not in text
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
        assert not [c for r in rows for c in r if c.startswith(("=", "@", "+"))]
    assert [r["input"] for r in _rows(result)] == ['salad\n=HYPERLINK("http://x")', "spinach\n@SUM(1)"]


# -- item 3: control characters in XLSX outputs --------------------------------------------------


def test_control_characters_reach_no_xlsx_as_errors(run, tmp_path):
    diary = _write(
        tmp_path / "d.csv", HEADER + "2026-11-16,Lunch\x01,ban\x01ana\x1b[31m,1,medium\n" + ROW.replace("Lunch", "\x02")
    )
    assert run("match", diary, "-o", tmp_path / "m.xlsx").exit_code == 0
    assert run("report", diary, "-o", tmp_path / "r.xlsx").exit_code == 0
    cells = [c.value for row in load_workbook(tmp_path / "m.xlsx").active.iter_rows() for c in row]
    assert "ban\\x01ana\\x1b[31m" in cells


# -- item 4: export nutrient values are validated ------------------------------------------------

CRONO = "Day,Time,Group,Food Name,Amount,Energy (kcal),Magnesium (mg),Calcium (mg)\n"


@pytest.mark.parametrize("value", ["-500", "inf", "-inf", "1e300", "abc", "2e6"])
def test_implausible_export_values_are_not_trusted(run, tmp_path, value):
    diary = _write(tmp_path / "c.csv", CRONO + f"2026-11-16,,Lunch,Mystery bar,1.00 bar,200,{value},30\n")
    rows = _rows(run("match", diary))
    assert rows[0]["status"] == "needs_review" and "is not a plausible amount; ignored" in rows[0]["note"]
    assert rows[0]["magnesium_mg"] in ("", None) or 0 <= float(rows[0]["magnesium_mg"]) < 1e5
    report = _strict_json(run("report", diary, "--format", "json").stdout)
    magnesium = report["weeks"][0]["nutrients"]["magnesium"]
    assert magnesium["status"] != "above UL" and (magnesium["daily_average"] is None or magnesium["daily_average"] >= 0)


# -- item 5: valid JSON, no "inf", no numpy warnings ----------------------------------------------


def test_overflowing_amount_gives_valid_json_and_no_inf(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + f"2026-11-16,Lunch,spinach,{'9' * 401},g\n" + ROW)
    result = run("match", diary, "-o", tmp_path / "m.json")
    assert result.exit_code == 0 and result.stderr.count("\n") == 1  # the summary, no RuntimeWarning
    rows = _strict_json((tmp_path / "m.json").read_text())
    assert rows[0]["status"] == "invalid" and "too large" in rows[0]["note"]
    for fmt in ("json", "text", "md", "html"):
        result = run("report", diary, "--format", fmt)
        assert result.exit_code == 0 and not re.search(r"\binf\b|Infinity|NaN", result.stdout), fmt
        assert result.stderr.count("\n") == 1
    _strict_json(run("report", diary, "--format", "json").stdout)


def test_custom_food_with_infinite_value_is_refused(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + "2026-11-16,Lunch,Granola bar,1,\n")
    foods = _write(tmp_path / "f.csv", "food_id,description,magnesium_mg\ngranola,Granola bar,1e400\n")
    result = run("report", diary, "--foods", foods, "--format", "json")
    assert result.exit_code == 2 and "not a finite amount" in result.stderr and "line 2" in result.stderr
    foods = _write(tmp_path / "f.csv", "food_id,description,magnesium_mg\ngranola,Granola bar,nan\n")
    result = run("report", diary, "--foods", foods, "--format", "json")
    assert result.exit_code == 0
    _strict_json(result.stdout)


# -- item 7: blank lines above the header ---------------------------------------------------------


def test_many_blank_lines_above_the_header(run, tmp_path):
    diary = _write(tmp_path / "d.csv", "\n" * 35 + HEADER + ROW)
    result = run("match", diary)
    assert result.exit_code == 0 and _rows(result)[0]["row"] == "37"


# -- item 8: silent misreads ----------------------------------------------------------------------


def test_german_thousands_separator(run, tmp_path):
    diary = _write(
        tmp_path / "d.csv",
        "Datum;Lebensmittel;Menge;Einheit\n16.11.2026;milk;1.000;g\n16.11.2026;milk;0,25;l\n"
        "16.11.2026;milk;1.250,5;g\n",
    )
    rows = _rows(run("match", diary, "--columns", "food=Lebensmittel,date=Datum,amount=Menge,unit=Einheit"))
    assert [float(r["grams"]) for r in rows[::2]] == [1000.0, 1250.5]


def test_point_thousands_stay_decimals_in_an_english_file(run, tmp_path):
    rows = _rows(run("match", _write(tmp_path / "d.csv", HEADER + "2026-11-16,Lunch,milk,1.000,g\n")))
    assert float(rows[0]["grams"]) == 1.0


def test_date_style_is_decided_per_file_and_contradictions_flagged(run, tmp_path):
    lines = [
        "11/20/2026,Lunch,banana,1,medium",
        "11/21/2026,Lunch,banana,1,medium",
        "13/11/2026,Lunch,apple,1,medium",
        "11/12/2026,Lunch,pear,1,medium",
    ]
    rows = _rows(run("match", _write(tmp_path / "d.csv", HEADER + "\n".join(lines) + "\n")))
    assert [r["date"] for r in rows] == ["2026-11-20", "2026-11-21", "", "2026-11-12"]
    assert rows[2]["status"] == "invalid" and "contradicts the file's M/D/YYYY dates (11/20/2026" in rows[2]["note"]
    day_first = ["13/11/2026,Lunch,apple,1,medium", "14/11/2026,Lunch,apple,1,medium", "11/12/2026,Lunch,pear,1,medium"]
    rows = _rows(run("match", _write(tmp_path / "e.csv", HEADER + "\n".join(day_first) + "\n")))
    assert [r["date"] for r in rows] == ["2026-11-13", "2026-11-14", "2026-12-11"]


def test_one_cp1252_line_keeps_the_utf8_lines(run, tmp_path):
    data = (HEADER + "2026-11-16,Lunch,crème fraîche,2,tbsp\n").encode() + "2026-11-16,Déjeuner,pâté,1,slice\n".encode(
        "cp1252"
    )
    result = run("match", _write(tmp_path / "d.csv", data))
    assert [r["input"] for r in _rows(result)] == ["crème fraîche", "pâté"]
    assert [r["meal"] for r in _rows(result)] == ["Lunch", "Déjeuner"]
    assert "read as utf-8 with cp1252 lines" in result.stderr


def test_review_and_output_cannot_be_the_same_file(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    result = run("match", diary, "--review", tmp_path / "same.csv", "-o", tmp_path / "same.csv")
    assert result.exit_code == 2 and "name the same file" in result.stderr
    assert not (tmp_path / "same.csv").exists()


# -- item 9: internal errors that are now one-line messages ---------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        ("alias,food_id\ncrème,09040\n".encode("cp1252"), "not UTF-8 text"),
        (bytes(range(256)) * 40, "not"),
        (b"alias,food_id\n" + b"x" * 11_000_000 + b",09040\n", "not readable as CSV"),
    ],
)
def test_bad_aliases_files(run, tmp_path, content, message):
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    aliases = _write(tmp_path / "aliases.csv", content)
    result = run("match", diary, "--aliases", aliases)
    assert result.exit_code == 2 and message in result.stderr and str(aliases) in result.stderr
    assert result.stderr.count("\n") == 1


def test_duplicate_custom_food_id(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    foods = _write(tmp_path / "f.csv", "food_id,description,magnesium_mg\nbar,Bar,10\nbar,Other bar,20\n")
    result = run("match", diary, "--foods", foods)
    assert result.exit_code == 2 and "line 3: food_id 'bar' is already defined on line 2" in result.stderr


@pytest.mark.parametrize(
    "toml, message",
    [
        ('age = "abc"', "age = 'abc' is not a number of years"),
        ("aliases = 5", "aliases = 5 is not a file name in quotes"),
        ("sex = 5", 'sex = 5 is not sex = "female" or sex = "male"'),
        ("foods = [1, 2]", "foods = [1, 2] is not a file name"),
    ],
)
def test_config_values_of_the_wrong_type(run, tmp_path, monkeypatch, toml, message):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "d.csv", HEADER + ROW)
    _write(tmp_path / "nutri.toml", toml + "\n")
    result = run("report", "d.csv")
    assert result.exit_code == 2 and message in result.stderr and "nutri.toml" in result.stderr
    assert result.stderr.count("\n") == 1


def _no_temp_name(stderr: str) -> bool:
    return ".tmp" not in stderr and not re.search(r"/\.\w[^ ]*\.\w{8}", stderr)


def test_output_into_missing_folder_or_empty_name(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    result = run("report", diary, "-o", tmp_path / "missing" / "r.txt")
    assert result.exit_code == 1 and "the folder" in result.stderr and "does not exist" in result.stderr
    result = run("match", diary, "-o", "")
    assert result.exit_code == 2 and "the file name is empty" in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize(
    "code, reason",
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the file system is read-only"),
    ],
)
def test_write_failures_are_one_line_without_temp_names(run, tmp_path, monkeypatch, code, reason):
    from nutri.report import safe

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / ".r.txt.abcd1234.tmp"))

    monkeypatch.setattr(safe.tempfile, "mkstemp", fail)
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    result = run("report", diary, "-o", tmp_path / "r.txt")
    assert result.exit_code == 1 and f"{tmp_path / 'r.txt'}: cannot write it ({reason})" in result.stderr
    assert _no_temp_name(result.stderr) and result.stderr.count("\n") == 1


def test_full_disk_device(run, tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    result = run("report", diary, "-o", "/dev/full")
    assert result.exit_code == 1 and "the disk is full" in result.stderr


# -- item 10: stdin, FIFOs, UTF-16 without BOM, oversized cells -----------------------------------


def test_stdin_for_match_and_report(run, tmp_path):
    result = run("match", "-", input=HEADER + ROW)
    assert result.exit_code == 0 and _rows(result)[0]["status"] == "matched" and result.stderr.startswith("<stdin>:")
    report = _strict_json(run("report", "-", "--format", "json", input=HEADER + ROW).stdout)
    assert report["sources"]["input_file"] == "<stdin>" and len(report["sources"]["input_sha256"]) == 64
    book = Workbook()
    book.active.append(["Date", "Food", "Amount", "Unit"])
    book.active.append(["2026-11-16", "banana", 1, "medium"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _rows(run("match", "-", input=buffer.getvalue()))[0]["input"] == "banana"
    result = run("match", "-", input="")
    assert result.exit_code == 1 and "<stdin>: the file is empty" in result.stderr


def test_fifo_input(run, tmp_path):
    fifo = tmp_path / "diary.csv"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w") as out:
            out.write(HEADER + ROW)

    writer = threading.Thread(target=feed)
    writer.start()
    result = run("match", fifo)
    writer.join()
    assert result.exit_code == 0 and _rows(result)[0]["input"] == "banana"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(run, tmp_path, encoding):
    result = run("match", _write(tmp_path / "d.csv", (HEADER + ROW).encode(encoding)))
    assert result.exit_code == 0 and _rows(result)[0]["input"] == "banana" and f"read as {encoding}" in result.stderr


@pytest.mark.parametrize("row", [2, 42])
def test_oversized_cell_refused_in_any_row(run, tmp_path, monkeypatch, row):
    from nutri import diary as diary_module

    monkeypatch.setattr(diary_module, "MAX_CELL_CHARS", 5_000)
    lines = [ROW] * 60
    lines[row - 2] = "2026-11-16,Lunch," + "x" * 6_000 + ",1,cup\n"
    result = run("match", _write(tmp_path / "d.csv", HEADER + "".join(lines)))
    assert result.exit_code == 1 and f"row {row}: a cell of more than" in result.stderr, result.stderr


def test_oversized_workbook_cell_refused(run, tmp_path, monkeypatch):
    from nutri import diary as diary_module

    monkeypatch.setattr(diary_module, "MAX_CELL_CHARS", 5_000)
    book = Workbook()
    book.active.append(["Date", "Food", "Amount"])
    for _ in range(40):
        book.active.append(["2026-11-16", "banana", 1])
    book.active.append(["2026-11-16", "x" * 6_000, 1])
    book.save(tmp_path / "d.xlsx")
    result = run("match", tmp_path / "d.xlsx")
    assert result.exit_code == 1 and "row 42: a cell of more than" in result.stderr


# -- item 11: risks -------------------------------------------------------------------------------


def test_output_onto_the_input_diary(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    for command in (("report", diary, "-o", diary), ("match", diary, "-o", diary), ("match", diary, "--review", diary)):
        result = run(*command)
        assert result.exit_code == 1 and "is also an input" in result.stderr
        assert diary.read_text() == HEADER + ROW


def test_output_to_a_device_is_written_not_replaced(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    assert run("report", diary, "-o", "/dev/null").exit_code == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_outputs_honour_the_umask(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + ROW)
    old = os.umask(0o022)
    try:
        run("match", diary, "-o", tmp_path / "m.csv")
        run("report", diary, "-o", tmp_path / "r.html")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "m.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "r.html").stat().st_mode) == 0o644


def test_sigterm_during_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from nutri.report import safe

    target = _write(tmp_path / "report.txt", "old report")

    def terminated(fd, mode):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(safe.os, "fchmod", terminated)
    with pytest.raises(SystemExit) as stopped:
        safe.write_atomic(target, b"half a new report")
    assert stopped.value.code == 128 + signal.SIGTERM
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"] and target.read_text() == "old report"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_markdown_report_makes_no_images_or_links(run, tmp_path):
    diary = _write(
        tmp_path / "d.csv",
        HEADER
        + "2026-11-16,Lunch,![pixel](http://evil.example/p.png),1,cup\n"
        + "2026-11-16,Lunch,[click](http://evil.example),1,cup\n2026-11-16,Lunch,<http://evil.example>,1,cup\n"
        + ROW,
    )
    text = run("report", diary, "--format", "md").stdout
    assert "](http" not in text.replace("\\](http", "") and "<http" not in text
    assert "\\[click\\]" in text


def test_terminal_escapes_from_custom_foods_never_reach_the_terminal(run, tmp_path):
    diary = _write(tmp_path / "d.csv", HEADER + "2026-11-16,Lunch,evil bar,1,\n" + ROW)
    foods = _write(tmp_path / "f.csv", "food_id,description,magnesium_mg\nevil,evil bar \x1b]0;owned\x07\x1b[2J,50\n")
    aliases = _write(tmp_path / "a.csv", "alias,food_id\nevil bar,evil\n")
    for command in (("match", diary), ("report", diary), ("report", diary, "--format", "md")):
        result = run(*command, "--foods", foods, "--aliases", aliases)
        assert result.exit_code == 0 and "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[2J" in run("match", diary, "--foods", foods, "--aliases", aliases).stdout


# -- the corpus walk: no input ends in "internal error" -------------------------------------------


def _corpus(tmp_path: Path) -> list[Path]:
    from test_bad_input import UNUSABLE, USABLE

    folder = tmp_path / "corpus"
    folder.mkdir()
    files = [_write(folder / name, content) for name, (content, *_rest) in {**USABLE, **UNUSABLE}.items()]
    files += [
        far_cell_xlsx(folder / "far.xlsx"),
        huge_sst_xlsx(folder / "sst.xlsx"),
        lying_zip_xlsx(folder / "lying.xlsx"),
        repeated_ods(folder / "rows.ods", ODS_ROW_BOMB),
        repeated_ods(folder / "columns.ods", ODS_COLUMN_BOMB),
    ]
    extra = {
        "cr.csv": HEADER + '2026-11-16,Lunch,"x\r=1+1",1,cup\n',
        "control.csv": HEADER + "2026-11-16,Lunch\x01,ban\x1bana,1,medium\n",
        "export.csv": CRONO + "2026-11-16,,Lunch,bar,1.00 bar,inf,-500,nan\n",
        "overflow.csv": HEADER + f"2026-11-16,Lunch,spinach,{'9' * 401},g\n",
        "blank35.csv": "\n" * 35 + HEADER + ROW,
        "german.csv": "Datum;Food;Menge\n16.11.2026;milk;1.000 g\n",
        "dates.csv": HEADER + "13/11/2026,L,apple,1,\n11/20/2026,L,pear,1,\n11/12/2026,L,kiwi,1,\n",
        "mixed.csv": HEADER.encode() + "2026-11-16,é,crème,1,\n".encode() + "2026-11-16,é,pâté,1,\n".encode("cp1252"),
        "utf16le.csv": (HEADER + ROW).encode("utf-16-le"),
        "markdown.csv": HEADER + "2026-11-16,L,![x](http://e/p.png),1,\n",
        "nul_header.csv": "\x00" * 10 + HEADER + ROW,
    }
    files += [_write(folder / name, content) for name, content in extra.items()]
    HOSTILE_NAMES.update(["far.xlsx", "sst.xlsx", "lying.xlsx", "rows.ods", "columns.ods", *extra])
    return files


HOSTILE_NAMES: set[str] = set()


def test_hostile_corpus_never_gives_an_internal_error(run, tmp_path):
    """Every file through match and the JSON report (the paths every format shares); the
    writers of other formats get the files of this issue, which target them."""
    foods = _write(tmp_path / "f.csv", "food_id,description,magnesium_mg\nbar,Bar \x1b[1m,nan\n")
    writers = (("-o", tmp_path / "out.xlsx"), ("-o", tmp_path / "out.json"))
    reports = (("--format", "md"), ("-o", tmp_path / "r.xlsx"))
    for path in _corpus(tmp_path):
        hostile = path.parent.name == "corpus" and path.name in HOSTILE_NAMES
        commands = [("match", path), ("report", path, "--format", "json")]
        commands += [("report", path, "--format", "json", "--foods", foods)] if hostile else []
        commands += [("match", path, *w) for w in writers] + [("report", path, *r) for r in reports] if hostile else []
        for command in commands:
            result = run(*command)
            assert "internal error" not in result.output and "Traceback" not in result.output, (
                path.name,
                command,
                result.output,
            )
            assert result.exit_code in (0, 1, 2), (path.name, command)
            if "json" in command and result.exit_code == 0:
                _strict_json(result.stdout)
