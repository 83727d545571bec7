import csv
import io
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REALISTIC_DAY, ROOT, write
from openpyxl import load_workbook

EXAMPLE = ROOT / "examples" / "two-weeks.csv"


def test_help_and_version(run):
    result = run("--help")
    assert result.exit_code == 0 and "Example:" in result.output
    for command in (["match"], ["report"], ["foods", "search"], ["foods", "show"]):
        assert "Example:" in run(*command, "--help").output
    assert run("--version").output.strip() == "nutri, version 0.1.0"


def test_foods_show_and_search(run):
    result = run("foods", "show", "11457")
    assert result.exit_code == 0
    assert (
        "Spinach, raw" in result.output and "Magnesium      79 mg" in result.output and "1 cup = 30 g" in result.output
    )
    assert "Vitamin D      unknown" in run("foods", "show", "15076").output
    assert run("foods", "search", "pumpkin seeds").output.startswith("12014")
    missing = run("foods", "show", "99999")
    assert missing.exit_code == 2 and missing.stderr.startswith("Error: no food with id '99999'")


def test_match_keeps_every_row_in_order(run, tmp_path):
    out = tmp_path / "m.csv"
    result = run("match", EXAMPLE, "-o", out)
    assert result.exit_code == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    source = list(csv.DictReader(open(EXAMPLE, encoding="utf-8")))
    assert len(rows) == len(source)
    assert [r["input"] for r in rows] == [r["Food"] for r in source]
    assert [int(r["row"]) for r in rows] == list(range(2, len(source) + 2))
    assert list(rows[0])[:22] == [
        "row",
        "date",
        "meal",
        "input",
        "amount",
        "unit",
        "food_id",
        "food",
        "score",
        "status",
        "note",
        "grams",
        "magnesium_mg",
        "calcium_mg",
        "vitamin_d_ug",
        "vitamin_b12_ug",
        "thiamin_mg",
        "vitamin_b6_mg",
        "caffeine_mg",
        "alcohol_g",
        "water_g",
        "energy_kcal",
    ]
    assert result.stderr.strip().startswith(
        "two-weeks.csv: 154 rows read: 154 matched, 0 need review, 0 unmatched, 0 skipped, 0 invalid"
    )
    pasta = next(r for r in rows if r["input"] == "pasta sauce")
    assert pasta["status"] == "matched" and "serving 1/2 cup" in pasta["note"] and float(pasta["grams"]) == 132.0


def test_review_file_feeds_back_as_aliases(run, tmp_path):
    diary = write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n2026-11-16,qwxzv,100,g\n2026-11-16,lentil curry,200,g\n")
    review = tmp_path / "review.csv"
    result = run("match", diary, "--review", review, "-o", tmp_path / "m.csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(open(review, encoding="utf-8")))
    assert [r["alias"] for r in rows] == ["lentil curry"] and rows[0]["food_id"] == ""
    rows[0]["food_id"] = "16070"
    with open(review, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    again = run("match", diary, "--aliases", review)
    out = list(csv.DictReader(io.StringIO(again.stdout)))
    assert out[1]["food_id"] == "16070" and out[1]["status"] == "matched" and "your alias" in out[1]["note"]
    assert out[0]["status"] == "unmatched"


def test_custom_foods_and_config(run, tmp_path):
    write(
        tmp_path / "foods.csv",
        "food_id,description,magnesium_mg,calcium_mg,portions\nmy-bar,Granola bar (homemade),120,50,1 bar=45\n",
    )
    write(tmp_path / "aliases.csv", "alias,food_id\nmy bar,my-bar\n")
    write(tmp_path / "nutri.toml", 'aliases = "aliases.csv"\nfoods = "foods.csv"\n')
    diary = write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n2026-11-16,my bar,2,bar\n")
    result = run("match", diary, "--config", tmp_path / "nutri.toml")
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["food_id"] == "custom:my-bar" and float(row["grams"]) == 90 and float(row["magnesium_mg"]) == 108
    assert row["vitamin_d_ug"] == ""  # unknown in the custom food stays unknown
    bad = write(tmp_path / "bad.csv", "alias,food_id\nmy bar,12\n")
    result = run("match", diary, "--aliases", bad)
    assert result.exit_code == 2 and result.stderr.startswith(
        f"Error: {bad}, line 2: food_id '12' for 'my bar' is not in the food tables"
    )


def test_errors_are_one_line(run, tmp_path):
    for args, code, start in [
        (("match", tmp_path / "missing.csv"), 1, "Error: "),
        (("match", write(tmp_path / "x.csv", "a,b\n1,2\n")), 1, "Error: "),
        (("report", EXAMPLE, "--week", "2026-47"), 2, "Error: --week '2026-47'"),
        (("report", EXAMPLE, "--format", "xlsx"), 2, "Error: --format xlsx needs -o"),
        (("match", EXAMPLE, "-o", tmp_path / "m.txt"), 2, "Error: -o "),
    ]:
        result = run(*args)
        assert result.exit_code == code, (args, result.output)
        assert result.stderr.startswith(start) and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_outputs_neutralise_formulas_and_escape_html(run, tmp_path):
    diary = write(
        tmp_path / "d.csv",
        'Date,Meal,Food,Amount,Unit\n2026-11-16,=HYPERLINK("x"),<script>alert(1)</script>,100,g\n2026-11-16,@SUM(A1),spinach,1,cup\n',
    )
    out = tmp_path / "m.csv"
    run("match", diary, "-o", out)
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    html = tmp_path / "r.html"
    assert run("report", diary, "-o", html).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = run("report", diary, "--format", "md").stdout
    assert "<script>" not in markdown and "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    book = tmp_path / "r.xlsx"
    assert run("report", diary, "-o", book).exit_code == 0
    workbook = load_workbook(book)
    assert workbook.sheetnames == ["Summary", "Days", "Entries", "Advice"]
    meals = [row[2] for row in workbook["Entries"].iter_rows(min_row=2, values_only=True)]
    assert meals == ['\'=HYPERLINK("x")', "'@SUM(A1)"]
    grams = [row[11] for row in workbook["Entries"].iter_rows(min_row=2, values_only=True)]
    assert grams[1] == pytest.approx(30)  # numbers stored as numbers


def test_report_json_contract(run, tmp_path):
    result = run("report", EXAMPLE, "--sex", "female", "--age", "34", "--format", "json")
    report = json.loads(result.stdout)
    assert report["profile"]["sex"] == "female" and report["profile"]["assumed"] is False
    week = report["weeks"][0]
    assert (week["week"], week["start"], week["end"], week["days_logged"]) == (
        "2026-W46",
        "2026-11-09",
        "2026-11-15",
        6,
    )
    assert [d["date"] for d in week["days"]][0] == "2026-11-09" and len(week["days"]) == 7
    not_logged = [d for d in week["days"] if not d["logged"]]
    assert [d["date"] for d in not_logged] == ["2026-11-14"] and not_logged[0]["magnesium_mg"] is None
    calcium = week["nutrients"]["calcium"]
    assert calcium["unit"] == "mg" and (calcium["ear"], calcium["rda"], calcium["ul"]) == (800, 1000, 2500)
    assert calcium["shortfall"] is True and calcium["status"] == "possibly inadequate"
    assert calcium["uncounted"] == 0 and calcium["coverage"] == 1 and 0.15 < calcium["probability_adequate"] < 0.5
    vitamin_d = week["nutrients"]["vitamin_d"]  # three foods without a vitamin D value (lentil soup has one)
    assert vitamin_d["uncounted"] == 3 and vitamin_d["coverage"] == pytest.approx(1 - 3 / 80, abs=0.01)
    # 91 mg below the EAR is within one SD of requirement: no number of days at this average settles it
    assert calcium["days_needed"] is None and "would not settle" in calcium["reason"]
    assert all({"energy_kcal", "complete", "incomplete_reason", "above_ul"} <= set(d) for d in week["days"])
    assert [s["category"] for s in calcium["sources"]] == [
        "Dairy products",
        "Sardines",
        "Leafy greens",
        "Fortified foods",
    ]
    assert calcium["gap_closers"] and calcium["top_foods"]
    logged_total = sum(d["calcium_mg"] for d in week["days"] if d["logged"])
    assert calcium["daily_average"] == pytest.approx(logged_total / 6, abs=0.01)
    assert set(week["nutrients"]) == {"magnesium", "calcium", "vitamin_d", "vitamin_b12", "thiamin", "vitamin_b6"}
    assert report["whole_period"]["week"] == "whole period"
    assert len(report["sources"]["input_sha256"]) == 64
    default = json.loads(run("report", EXAMPLE, "--format", "json", "--week", "2026-W47").stdout)
    assert default["profile"]["assumed"] is True and len(default["weeks"]) == 1 and default["whole_period"] is None


def test_text_and_markdown_reports(run):
    text = run("report", EXAMPLE, "--sex", "female", "--age", "34").stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    summary = lines[: lines.index("Week 2026-W46 (2026-11-09 to 2026-11-15)")]
    assert len(summary) <= 40  # the summary fits one screen
    first_lines = "\n".join(summary[:20])
    assert first_lines in readme  # the README shows the real first screen
    assert "Seeds, pumpkin" in text or "Sardines" in text
    md = run("report", EXAMPLE, "--format", "md").stdout
    assert md.startswith("# nutri intake report") and "| Nutrient | Daily avg |" in md


@pytest.mark.slow
def test_wheel_installs_and_serves_foods_outside_the_checkout(tmp_path):
    wheel_dir = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(ROOT)], check=True
    )
    wheel = next(wheel_dir.glob("nutri_diary-*.whl"))
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    # dependencies come from this environment; nutri itself only from the wheel
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "deps.pth").write_text("\n".join(deps) + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # nothing of the checkout may leak in (a PYTHONPATH set by the developer would)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(target / "bin" / "nutri"), "foods", "show", "11457"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Magnesium      79 mg" in result.stdout
    where = subprocess.run(
        [str(python), "-c", "import nutri.foods as f; print(f.foods_csv_path())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert where.startswith(str(target))


def test_unknown_values_are_not_reported_as_zero(run, tmp_path):
    aliases = write(tmp_path / "aliases.csv", "alias,food_id\nwild salmon raw,15076\n")
    diary = write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n2026-11-16,wild salmon raw,100,g\n")
    report = json.loads(run("report", diary, "--aliases", aliases, "--format", "json").stdout)
    vitamin_d = report["weeks"][0]["nutrients"]["vitamin_d"]
    assert vitamin_d["daily_average"] is None and vitamin_d["coverage"] == 0
    assert (
        vitamin_d["status"] == "insufficient data" and vitamin_d["days_below"] == 0 and vitamin_d["shortfall"] is False
    )
    day = report["weeks"][0]["days"][0]
    assert day["vitamin_d_ug"] is None and day["magnesium_mg"] == 29
    # 100 g of salmon is no day's eating: the day is shown, marked incomplete, and not judged
    assert day["complete"] is False and "likely incomplete" in day["incomplete_reason"]


def test_profile_file_and_config(run, tmp_path):
    profile = write(tmp_path / "me.toml", 'sex = "male"\nage = 75\n')
    report = json.loads(run("report", EXAMPLE, "--profile", profile, "--format", "json").stdout)
    assert report["profile"]["description"] == "male, age 75" and report["profile"]["assumed"] is False
    assert report["weeks"][0]["nutrients"]["vitamin_d"]["rda"] == 20
    write(tmp_path / "nutri.toml", 'sex = "female"\nage = 30\nlife_stage = "pregnancy"\n')
    report = json.loads(run("report", EXAMPLE, "--config", tmp_path / "nutri.toml", "--format", "json").stdout)
    assert report["profile"]["life_stage"] == "pregnancy" and report["weeks"][0]["nutrients"]["magnesium"]["rda"] == 350
    assert report["weeks"][0]["lifestyle"]["alcohol"]["limit_g"] == 0
    bad = write(tmp_path / "bad.toml", "sex = \n")
    result = run("report", EXAMPLE, "--profile", bad)
    assert result.exit_code == 2 and result.stderr.startswith(f"Error: {bad}: cannot read the profile")


def test_progress_is_reported_per_distinct_text(table, matcher):
    from nutri.diary import read_diary
    from nutri.intake import analyse

    calls = []
    analyse(read_diary(EXAMPLE), table, matcher, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[0][0] == 0 and calls[0][1] < 154  # distinct texts, fewer than rows


def test_magnesium_ul_counts_supplements_only(run, tmp_path):
    food = write(tmp_path / "food.csv", "Date,Food,Amount,Unit\n2026-11-16,pumpkin seeds,250,g\n")
    pills = write(
        tmp_path / "pills.csv",
        "Date,Food,Amount,Unit\n2026-11-16,magnesium citrate 400 mg,,\n2026-11-16,spinach,1,cup\n",
    )
    from_food = json.loads(run("report", food, "--format", "json").stdout)["weeks"][0]["nutrients"]["magnesium"]
    assert from_food["daily_average"] > 1000 and from_food["status"] == "likely adequate"
    week = json.loads(run("report", pills, "--format", "json").stdout)["weeks"][0]
    assert week["days"][0]["above_ul"] == ["magnesium"]  # that day, whatever the period's verdict
    assert (
        week["nutrients"]["magnesium"]["status"] == "insufficient data"
    )  # a pill and a cup of spinach: no day's eating
    with_meals = write(
        tmp_path / "meals.csv", pills.read_text() + "".join(f"2026-11-16,{row}\n" for row in REALISTIC_DAY)
    )
    from_pills = json.loads(run("report", with_meals, "--format", "json").stdout)["weeks"][0]["nutrients"]["magnesium"]
    assert from_pills["supplemental_average"] == 400 and from_pills["status"] == "above UL"
    calcium = write(tmp_path / "calcium.csv", "Date,Food,Amount,Unit\n2026-11-16,cheddar,800,g\n")
    assert (
        json.loads(run("report", calcium, "--format", "json").stdout)["weeks"][0]["nutrients"]["calcium"]["status"]
        == "above UL"
    )  # total intake


def test_summary_names_encoding_and_blank_rows(run, tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes("Date,Food,Amount,Unit\n2026-11-16,crème fraîche,2,tbsp\n\n,,,\n".encode("cp1252"))
    result = run("match", path)
    assert result.stderr.strip().endswith("(2 blank rows ignored; read as cp1252)")


def test_custom_foods_errors_name_file_line_and_fix(run, tmp_path):
    diary = write(tmp_path / "d.csv", "Date,Food\n2026-11-16,banana\n")
    for content, message in [
        (
            "food_id,description\n11457,My spinach\n",
            "line 2: food_id '11457' is empty or looks like a USDA id; give custom foods a name",
        ),
        (
            "food_id,description,magnesium_mg\nbar,Bar,lots\n",
            "line 2: magnesium_mg is 'lots', not a number; leave it empty if unknown",
        ),
        ("food_id,description,portions\nbar,Bar,one bar\n", "line 2: portion 'one bar' is not MEASURE=GRAMS"),
        ("food_id,description,iron_mg\nbar,Bar,3\n", "unknown column 'iron_mg'"),
    ]:
        foods = write(tmp_path / "foods.csv", content)
        result = run("match", diary, "--foods", foods)
        assert result.exit_code == 2 and result.stderr.startswith(f"Error: {foods}") and message in result.stderr


def test_a_closed_pipe_is_no_internal_error(tmp_path):
    """`nutri foods show 11457 | head -1`: the reader leaves early; nutri stops without a message."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m nutri foods search milk --limit 100 | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.stdout.count("\n") == 1 and "internal error" not in done.stderr


def test_alias_errors_name_the_file_line_after_comments(run, tmp_path):
    aliases = write(
        tmp_path / "aliases.csv", "# my aliases\n# two comment lines\nalias,food_id\nspinach,11457\nbad,99999\n"
    )
    diary = write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n2026-11-16,spinach,1,cup\n")
    result = run("match", diary, "--aliases", aliases)
    assert result.exit_code != 0 and "line 5" in result.output


def test_several_files_of_one_person_are_one_diary(run, tmp_path):
    """A history exported a year (here a week) at a time: the report of the files is the report of the
    whole diary, the match output names each row's file, and exports of overlapping ranges are refused
    rather than counting a day twice."""
    lines = (ROOT / "examples" / "two-weeks.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    first = write(tmp_path / "week-1.csv", "\n".join([header, *(r for r in body if r < "2026-11-16")]) + "\n")
    second = write(tmp_path / "week-2.csv", "\n".join([header, *(r for r in body if r >= "2026-11-16")]) + "\n")
    whole = json.loads(run("report", ROOT / "examples" / "two-weeks.csv", "-f", "json", "-q").output)
    result = run("report", first, second, "-f", "json", "-q")
    assert result.exit_code == 0, result.output
    both = json.loads(result.output)
    assert both["weeks"] == whole["weeks"] and both["whole_period"] == whole["whole_period"]
    assert both["sources"]["input_file"] == "week-1.csv; week-2.csv"
    assert len(both["sources"]["input_sha256"].split("; ")) == 2
    matched = run("match", first, second, "-o", tmp_path / "m.csv")
    assert matched.exit_code == 0 and "week-1.csv + week-2.csv:" in matched.output
    rows = list(csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert list(rows[0])[:2] == ["file", "row"] and len(rows) == len(body)
    assert (rows[0]["file"], rows[0]["row"]) == ("week-1.csv", "2") and rows[-1]["file"] == "week-2.csv"
    overlap = run("report", first, ROOT / "examples" / "two-weeks.csv")
    assert overlap.exit_code == 2
    days = len({r.split(",")[0] for r in body if r < "2026-11-16"})
    assert f"week-1.csv and two-weeks.csv both hold 2026-11-09 and {days - 1} more day(s)" in overlap.output
    twice = run("report", "-", "-")
    assert twice.exit_code == 2 and "standard input (-) can be read once" in twice.output


def test_an_asa24_respondents_items_and_supplements_are_one_report(run, tmp_path):
    """ASA24's Items and INS files share their recalls' days by design: one report, the INS file's
    magnesium counted as supplemental."""
    from conftest import ASA24_INS_HEADER, asa24_items

    recall = {"UserName": "P01", "IntakeStartDateTime": "01/31/2025 0:00"}
    items = write(
        tmp_path / "S_Items.csv",
        asa24_items([recall | {"FoodAmt": "244", "Food_Description": "Milk, whole", "MAGN": "24.4", "KCAL": "149"}]),
    )
    pill = recall | {"SupplUnit": "Dose(s)", "SupplAmount": "1", "Suppl_Description": "MAGNESIUM 400 MG"}
    supplements = write(tmp_path / "S_INS.csv", asa24_items([pill | {"MAGN": "400"}], ASA24_INS_HEADER))
    result = run("report", items, supplements, "-f", "json", "-q")
    assert result.exit_code == 0, result.output
    day = next(d for d in json.loads(result.output)["weeks"][0]["days"] if d["logged"])
    # 400 mg of supplemental magnesium: above its UL (350 mg, supplements only); the milk's 24 mg is not
    assert day["magnesium_mg"] == pytest.approx(424.4) and day["above_ul"] == ["magnesium"]


def test_a_workbook_of_weeks_is_one_diary_with_sheet_star(run, tmp_path):
    """A week a sheet: refused without --sheet; --sheet '*' reads every diary sheet as one person's diary,
    each row with its file and sheet."""
    from conftest import workbook

    header = ["Date", "Food", "Amount", "Unit"]
    weeks = {
        "Week 46": [header, ["2026-11-09", "banana", 1, "medium"]],
        "Week 47": [header, ["2026-11-16", "apple", 1, "medium"]],
    }
    workbook(tmp_path / "weeks.xlsx", weeks)
    assert run("report", tmp_path / "weeks.xlsx").exit_code == 2
    result = run("match", tmp_path / "weeks.xlsx", "--sheet", "*", "-o", tmp_path / "m.csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert [(r["file"], r["date"]) for r in rows] == [
        ("weeks.xlsx [Week 46]", "2026-11-09"),
        ("weeks.xlsx [Week 47]", "2026-11-16"),
    ]


def test_a_persons_logs_of_different_columns_share_their_days(run, tmp_path):
    """A food log and a drinks log laid out apart are one diary on the same days; only files of one kind
    (the same columns) that share a day are overlapping exports."""
    food = write(tmp_path / "food.csv", "Date,Food,Amount,Unit\n2026-11-16,banana,1,medium\n")
    drinks = write(tmp_path / "drinks.csv", "Date,Food,Amount,Unit,Meal\n2026-11-16,milk,1,cup,Breakfast\n")
    result = run("match", food, drinks, "-o", tmp_path / "m.csv")
    assert result.exit_code == 0, result.output
    assert [r["input"] for r in csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8"))] == ["banana", "milk"]
