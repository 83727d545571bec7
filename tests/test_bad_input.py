"""A corpus of malformed and hostile diaries: each is either used (exit 0, every non-blank row
in the output with a status and a reason) or refused with one line naming the file and the fix."""

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from conftest import DATA
from openpyxl import Workbook

HEADER = "Date,Meal,Food,Amount,Unit\n"
STATUSES = {"matched", "needs_review", "unmatched", "skipped", "invalid"}


def _xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _zip_xlsx(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


BILLION_LAUGHS = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><workbook>&lol3;</workbook>'

# name -> (file contents or a builder, expected exit code, text the stdout/stderr must hold, rows expected in the output)
USABLE = {
    "header_only.csv": (HEADER, 0),
    "duplicate_headers.csv": ("Date,Food,Food,Amount\n2026-11-16,banana,apple,1\n", 1),
    "title_rows.csv": ("My diary\nweek 47\n\n" + HEADER + "2026-11-16,Lunch,spinach,1,cup\n", 1),
    "blank_lines.csv": (
        HEADER + "\n\n2026-11-16,Lunch,spinach,1,cup\n,,,,\n   ,  ,,,\n2026-11-16,Lunch,banana,1,medium\n",
        2,
    ),
    "more_fields.csv": (HEADER + "2026-11-16,Lunch,spinach,1,cup,EXTRA,MORE\n", 1),
    "fewer_fields.csv": (HEADER + "2026-11-16,Lunch,spinach\n2026-11-16\n", 2),
    "word_amount.csv": (HEADER + "2026-11-16,Lunch,spinach,some,cup\n", 1),
    "double_dot.csv": (HEADER + "2026-11-16,Lunch,spinach,1..5,cup\n", 1),
    "na_amount.csv": (HEADER + "2026-11-16,Lunch,spinach,#N/A,cup\n", 1),
    "zero_amount.csv": (HEADER + "2026-11-16,Lunch,spinach,0,cup\n", 1),
    "negative_amount.csv": (HEADER + "2026-11-16,Lunch,spinach,-3,cup\n", 1),
    "absurd_amount.csv": (HEADER + "2026-11-16,Lunch,salt,10,kg\n", 1),
    "unknown_unit.csv": (HEADER + "2026-11-16,Lunch,salt,3,smidgen\n", 1),
    "impossible_date.csv": (HEADER + "2026-02-30,Lunch,banana,1,medium\n", 1),
    "mixed_dates.csv": (
        HEADER
        + "2026-11-16,Lunch,banana,1,medium\n11/17/2026,Lunch,apple,1,medium\n18.11.2026,Lunch,pear,1,\nyesterday,Lunch,kiwi,1,\n",
        4,
    ),
    "big_cell.csv": (HEADER + "2026-11-16,Lunch," + "spinach " * 12_500 + ",1,cup\n", 1),
    "nul_bytes.csv": (HEADER + "2026-11-16,Lunch,spin\x00ach,1,cup\n" + "2026-11-16,Lunch,banana,1,medium\n" * 50, 51),
    "cp1252.csv": ((HEADER + "2026-11-16,Déjeuner,crème fraîche,2,tbsp\n").encode("cp1252"), 1),
    "utf16.csv": ((HEADER + "2026-11-16,Lunch,banana,1,medium\n").encode("utf-16"), 1),
    "bom_and_spacing.csv": ("\ufeff  DATE , meal,  FOOD  ,Qty , Units\n2026-11-16,Lunch,banana,1,medium\n", 1),
    "semicolon_decimal_comma.csv": ("Date;Food;Amount;Unit\n16.11.2026;milk;0,25;l\n", 1),
    "embedded_newline.csv": (HEADER + '2026-11-16,Lunch,"spinach\nsalad",1,cup\n', 1),
    "unterminated_quote.csv": (HEADER + '2026-11-16,Lunch,"spinach,1,cup\n2026-11-16,Lunch,banana,1,medium\n', 1),
    "formula_text.csv": (
        HEADER + '2026-11-16,=cmd|"/c calc"!A1,+spinach,1,cup\n2026-11-16,@SUM(1),-banana,1,medium\n',
        2,
    ),
    "unicode_food.csv": (HEADER + "2026-11-16,Lunch,🍣 寿司,2,piece\n", 1),
    "excel_serial_dates.csv": (HEADER + "46000,Lunch,banana,1,medium\n", 1),
    "only_food_column.csv": ("Food\nbanana\n2 eggs\n", 2),
    "loseit_na.csv": (
        "Date,Name,Icon,Meal,Quantity,Units,Calories,Deleted,Fat (g),Protein (g),Carbohydrates (g),Saturated Fat (g),Sugars (g),Fiber (g),Cholesterol (mg),Sodium (mg)\n11/20/2026,n/a,Banana,Breakfast,n/a,n/a,n/a,false,n/a,n/a,n/a,n/a,n/a,n/a,n/a,n/a\n",
        1,
    ),
    "whitespace_cells.csv": (HEADER + "2026-11-16,   ,  banana  ,  1 , medium \n", 1),
    "tsv_file.tsv": ("Date\tFood\tAmount\tUnit\n2026-11-16\tbanana\t1\tmedium\n", 1),
}

UNUSABLE = {
    "empty.csv": (b"", 1, "the file is empty"),
    "blank_only.csv": ("\n\n   \n,,,\n", 1, "has no data"),
    "no_food_column.csv": (
        "When,Qty\n2026-11-16,1\n",
        1,
        "no food column found (headers seen: 'When', 'Qty'); name it Food, or pass --columns food=HEADER",
    ),
    "binary.csv": (bytes(range(256)) * 64, 1, "binary data"),
    "text.xlsx": (HEADER.encode() + b"2026-11-16,Lunch,banana,1,medium\n", 1, "not a real .xlsx workbook"),
    "workbook_named.csv": (b"PK\x03\x04" + b"\x00" * 100, 1, "rename it to .xlsx"),
    "broken_utf16.csv": (b"\xfe\xff\x00\x00\x00\x00\xf6", 1, "not valid UTF-16"),  # found by benchmarks/fuzz.py
    "truncated.xlsx": (b"PK\x03\x04" + b"\x14" * 200, 1, "not a valid workbook"),
}


def _write(path: Path, content) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize("name", sorted(USABLE))
def test_usable_diaries_keep_every_row(run, tmp_path, name):
    content, rows = USABLE[name]
    path = _write(tmp_path / name, content)
    result = run("match", path)
    assert result.exit_code == 0, result.output
    out = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(out) == rows
    assert all(r["status"] in STATUSES for r in out)
    assert all(r["note"] for r in out if r["status"] != "matched")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("name", sorted(UNUSABLE))
def test_unusable_files_get_one_line(run, tmp_path, name):
    content, code, message = UNUSABLE[name]
    path = _write(tmp_path / name, content)
    result = run("match", path)
    assert result.exit_code == code
    assert result.stderr.startswith(f"Error: {path}") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_specific_reasons(run, tmp_path):
    path = _write(
        tmp_path / "d.csv",
        HEADER
        + "".join(
            f"2026-11-16,Lunch,{food},{amount},{unit}\n"
            for food, amount, unit in [
                ("spinach", "-3", "cup"),
                ("salt", "10", "kg"),
                ("salt", "3", "smidgen"),
                ("spinach", "some", "cup"),
                ("banana", "0", "medium"),
            ]
        ),
    )
    rows = list(csv.DictReader(io.StringIO(run("match", path).stdout)))
    assert rows[0]["status"] == "invalid" and "negative amount" in rows[0]["note"]
    assert rows[1]["status"] == "needs_review" and "implausible: 10,000 g" in rows[1]["note"]
    assert rows[2]["status"] == "needs_review" and "unknown unit 'smidgen'" in rows[2]["note"]
    assert rows[3]["status"] == "needs_review" and "amount 'some cup' is not a number" in rows[3]["note"]
    assert rows[4]["status"] == "matched" and float(rows[4]["grams"]) == 0.0


def test_workbook_cells(run, tmp_path):
    path = _xlsx(
        tmp_path / "f.xlsx",
        [
            ["Date", "Food", "Amount", "Unit"],
            ["2026-11-16", "banana", "=1/0", "medium"],
            ["2026-11-16", '=HYPERLINK("http://x","click")', "=2+3", "g"],
            ["2026-11-16", "#DIV/0!", 1, "cup"],
        ],
    )
    rows = list(csv.DictReader(io.StringIO(run("match", path).stdout)))
    # formulas without a cached value and Excel error cells are empty: never a made-up value
    assert [r["status"] for r in rows] == ["needs_review", "invalid", "invalid"]
    assert "no food text" in rows[1]["note"] and "no food text" in rows[2]["note"]


def test_no_header_in_any_sheet(run, tmp_path):
    path = _xlsx(tmp_path / "f.xlsx", [["a", "b"], [1, 2]])
    result = run("match", path)
    assert result.exit_code == 1 and "no food column found" in result.stderr


def test_password_protected_workbook(run):
    result = run("match", DATA / "bad" / "protected.xlsx")
    assert result.exit_code == 1 and "password-protected" in result.stderr


def test_billion_laughs_is_refused(run, tmp_path):
    path = _zip_xlsx(tmp_path / "lol.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": BILLION_LAUGHS})
    started = time.perf_counter()
    result = run("match", path)
    assert time.perf_counter() - started < 5
    assert result.exit_code == 1 and "declares entities" in result.stderr


def test_zip_bomb_is_refused(run, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"<c/>" * (1 << 18)  # 1 MB
            for _ in range(450):
                member.write(block)
    assert path.stat().st_size < 5 * 2**20
    started = time.perf_counter()
    result = run("match", path)
    assert time.perf_counter() - started < 5
    assert result.exit_code == 1 and "zip bomb" in result.stderr


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("match", "MISSING.csv"), 1, "no such file"),
        (("match", "."), 1, "is a directory"),
        (
            ("match", "DIARY", "--sheet", "Diary"),
            2,
            "a sheet applies to workbooks (.xlsx, .ods); diary.csv is a text file; check --sheet",
        ),
        (("match", "DIARY", "--columns", "food"), 2, "write ROLE=HEADER pairs"),
        (("match", "DIARY", "--columns", "food=Nope"), 2, "no such header"),
        (("report", "DIARY", "--from", "2026-11-20", "--to", "2026-11-01"), 2, "is after --to"),
        (("report", "DIARY", "--pregnant", "--lactating"), 2, "exclude each other"),
        (("report", "DIARY", "--sex", "male", "--pregnant"), 2, "pregnancy and lactation DRIs exist for females"),
    ],
)
def test_usage_errors(run, tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "diary.csv", HEADER + "2026-11-16,Lunch,banana,1,medium\n")
    result = run(*[("diary.csv" if a == "DIARY" else a) for a in args])
    assert result.exit_code == code and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    from click.testing import CliRunner

    from nutri.cli import cli

    result = CliRunner().invoke(cli, ["--debug", "match", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1 and "Traceback" in result.stderr


def test_interrupted_write_leaves_the_old_report(tmp_path, monkeypatch):
    from nutri.report import safe

    target = tmp_path / "report.html"
    target.write_text("good old report")

    def broken_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(safe.os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        safe.write_atomic(target, b"half a new rep")
    assert target.read_text() == "good old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_no_network(monkeypatch, run, tmp_path):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("nutri opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    diary = _write(tmp_path / "d.csv", HEADER + "2026-11-16,Lunch,banana,1,medium\n")
    for fmt in ("text", "html", "json", "md"):
        assert run("report", diary, "--format", fmt).exit_code == 0
    assert run("report", diary, "-o", tmp_path / "r.xlsx").exit_code == 0
