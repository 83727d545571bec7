"""nutri cohort: many people in one run agree with one report per person; the group summary's method."""

import datetime as dt
import json
import math
import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

duckdb = pytest.importorskip("duckdb")

from nutri.cohort import CohortSettings, EngineMissingError, run_cohort  # noqa: E402
from nutri.cohort.summary import render_html, render_json, render_markdown, shrink  # noqa: E402
from nutri.dri import Profile  # noqa: E402
from nutri.nutrients import ASSESSED, ENERGY, ENTRY_NUTRIENT_COLUMNS  # noqa: E402

GOLDEN = Path(__file__).parent / "data" / "golden"
SHARED_REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"

# Entries of every kind the single-diary path treats differently: matched with grams, a count, a
# supplement dose, a supplement without a dose, an unknown food, no amount, a volume the food has
# no weight for, an empty food cell.
ENTRIES = [
    ("spinach", "1", "cup"),
    ("2% milk", "2", "cup"),
    ("chicken breast", "150", "g"),
    ("brown rice", "1", "cup"),
    ("banana", "1", "medium"),
    ("almonds", "30", "g"),
    ("salmon fillet", "150", "g"),
    ("eggs", "2", ""),
    ("Vitamin D3 1000 IU", "1", "tablet"),
    ("magnesium glycinate 200 mg", "1", "capsule"),
    ("Vitamin B12", "1", "tablet"),
    ("zorblax", "1", "cup"),
    ("cheddar", "", ""),
    ("greek yogurt", "200", "g"),
    ("oatmeal", "1", "cup"),
    ("whole wheat bread", "2", "slice"),
    ("orange juice", "8", "fl oz"),
    ("", "1", "cup"),
    ("pizza", "2", "slice"),
]
START = dt.date(2026, 11, 9)


def _write_cohort(path: Path, rows: list[tuple[str, int, int]], blank_dates: bool) -> Path:
    lines = ["Participant,Date,Meal,Food,Amount,Unit"]
    last = None
    for person, day, entry in rows:
        food, amount, unit = ENTRIES[entry]
        date = (START + dt.timedelta(days=day)).isoformat()
        shown = "" if blank_dates and date == last else date
        last = date
        lines.append(f'{person},{shown},Lunch,"{food}",{amount},{unit}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _report(path: Path, person: str):
    from nutri.pipeline import ReadSettings, match_entries, read_diary, weekly_report

    matched = match_entries(read_diary(path, ReadSettings(person=person)))
    return weekly_report(matched, Profile(assumed=True))


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=2e-3)


def _check_person(result, path: Path, person: str) -> None:
    report = _report(path, person)
    days = result.person_days[result.person_days["person"] == person].set_index("date")
    logged = [d for w in report["weeks"] for d in w["days"] if d["logged"]]
    assert sorted(days.index) == [d["date"] for d in logged]
    for day in logged:
        row = days.loc[day["date"]]
        assert bool(row["complete"]) == day["complete"], day["date"]
        assert int(row["entries"]) == day["entries"]
        for column in ENTRY_NUTRIENT_COLUMNS:
            value = None if np.isnan(row[column]) else float(row[column])
            assert _same(value, day[column]), (person, day["date"], column, value, day[column])
    weeks = result.person_weeks[result.person_weeks["person"] == person].set_index("week")
    for week in (w for w in report["weeks"] if w["days_logged"]):
        row = weeks.loc[week["week"]]
        assert (row["days_logged"], row["days_complete"]) == (week["days_logged"], week["days_complete"])
        for n in ASSESSED:
            item = week["nutrients"][n.key]
            assert row[n.key + "_status"] == item["status"], (person, week["week"], n.key)
            assert _same(row[n.column], item["daily_average"]), (person, week["week"], n.key)
            assert _same(row[n.key + "_coverage"], item["coverage"])
            assert _same(row[n.key + "_probability_adequate"], item["probability_adequate"])
    assert len(weeks) == sum(1 for w in report["weeks"] if w["days_logged"])
    # the whole period, which the cohort combines from the weeks' summaries (days.whole_period_sql)
    # (the report gives none when the diary has one week: the week is the whole period)
    period = report["whole_period"] or next(w for w in report["weeks"] if w["days_logged"])
    whole = result.people.set_index("person").loc[person]
    for n in ASSESSED:
        item = period["nutrients"][n.key]
        assert whole[n.key + "_status"] == item["status"], (person, n.key)
        assert _same(whole[n.column], item["daily_average"]), (person, n.key)
        assert _same(whole[n.key + "_coverage"], item["coverage"])
        assert _same(whole[n.key + "_probability_adequate"], item["probability_adequate"]), (person, n.key)


cohort_rows = st.lists(
    st.tuples(st.sampled_from(["ann", "bob", "cy"]), st.integers(0, 16), st.integers(0, len(ENTRIES) - 1)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=cohort_rows, blank_dates=st.booleans(), engine_scan=st.booleans(), batch_rows=st.sampled_from([8, 10**7]))
def test_cohort_agrees_with_one_report_per_person(tmp_path_factory, rows, blank_dates, engine_scan, batch_rows):
    """For any person, per-day, per-week and whole-period figures of `nutri cohort` are those of `nutri
    report --person`, whether nutri's reader or the engine's scanner reads the file, and whether the
    people are computed in one batch or several."""
    rows = sorted(
        rows + rows[:1], key=lambda r: r[1]
    )  # in date order, people interleaved; a repeated name names people
    path = _write_cohort(tmp_path_factory.mktemp("cohort") / "study.csv", rows, blank_dates)
    settings = CohortSettings(engine_bytes=0 if engine_scan else 2**30, batch_rows=batch_rows)
    result = run_cohort([str(path)], settings)
    assert sorted(result.people["person"]) == sorted({r[0] for r in rows})
    for person in result.people["person"]:
        _check_person(result, path, person)


def test_cohort_regular_diary_many_days(tmp_path):
    """Several weeks with full days: verdicts other than 'insufficient data' agree too."""
    rows = [(p, d, e) for d in range(15) for p in ("ann", "bob") for e in (0, 1, 2, 3, 4, 5, 6, 13, 14, 15, 16, 8)]
    path = _write_cohort(tmp_path / "study.csv", rows, blank_dates=False)
    result = run_cohort([str(path)], CohortSettings(engine_bytes=0))
    assert (result.person_weeks["magnesium_status"] != "insufficient data").any()
    for person in ("ann", "bob"):
        _check_person(result, path, person)


def test_person_days_csv_writes_amounts_to_four_decimals_and_parquet_keeps_them(tmp_path):
    """person_days.csv: each amount and coverage to 4 decimals (the engine's doubles printed in full were
    most of writing it); unknown stays empty; the Parquet file keeps the doubles."""
    import duckdb

    from nutri.cohort.output import write_outputs

    rows = [(p, d, e) for d in range(3) for p in ("ann", "bob") for e in (0, 1, 2, 13, 8)]
    path = _write_cohort(tmp_path / "study.csv", rows, blank_dates=False)
    result = run_cohort([str(path)], CohortSettings(engine_bytes=0))
    days = result.person_days.sort_values(["person", "date"]).reset_index(drop=True)
    write_outputs(result, tmp_path / "csv")
    write_outputs(result, tmp_path / "parquet", parquet=True)
    text = (tmp_path / "csv" / "person_days.csv").read_text(encoding="utf-8").splitlines()
    written = pd.read_csv(tmp_path / "csv" / "person_days.csv", dtype={"date": str})
    kept = duckdb.sql(f"SELECT * FROM read_parquet('{tmp_path / 'parquet' / 'person_days.parquet'}')").df()
    for column in ("magnesium_mg", "energy_kcal", "magnesium_mg_coverage"):
        expected = days[column].to_numpy(dtype=float)
        assert np.allclose(written[column], expected.round(4), atol=5e-5, equal_nan=True)
        assert np.array_equal(
            kept.sort_values(["person", "date"])[column].to_numpy(dtype=float), expected, equal_nan=True
        )
    assert all(len(cell.split(".")[1]) == 4 for cell in text[1].split(",")[4:] if cell)


def test_batches_of_people_write_the_same_files_as_one(tmp_path):
    """People computed in batches (each batch's days written as soon as made, the command's way) give the
    files of one batch kept to the end, in the people's and dates' order, CSV and Parquet; no part is
    left behind."""
    import duckdb

    from nutri.cohort.output import DaysWriter, write_outputs

    people = [f"p{i:02d}" for i in range(7)]
    rows = [(p, d, e) for d in range(9) for p in people for e in (0, 2, 8, 13, (d + len(p)) % len(ENTRIES))]
    path = _write_cohort(tmp_path / "study.csv", rows, blank_dates=False)
    one = run_cohort([str(path)], CohortSettings(engine_bytes=0))
    assert len(one.days_tables) == 1
    for parquet in (False, True):
        name = "person_days.parquet" if parquet else "person_days.csv"
        write_outputs(one, tmp_path / f"one-{parquet}", parquet)
        days = DaysWriter(tmp_path / f"batched-{parquet}", parquet)
        batched = run_cohort([str(path)], CohortSettings(engine_bytes=0, batch_rows=100), on_days=days)
        write_outputs(batched, tmp_path / f"batched-{parquet}", parquet, days)
        assert not batched.days_tables and len(days.parts) == 4  # 45 rows a person: 2, 2, 2 and 1 people
        assert sorted(p.name for p in (tmp_path / f"batched-{parquet}").iterdir()) == sorted(
            p.name for p in (tmp_path / f"one-{parquet}").iterdir()
        )
        if not parquet:
            assert (tmp_path / f"batched-{parquet}" / name).read_bytes() == (
                tmp_path / f"one-{parquet}" / name
            ).read_bytes()
            continue
        a, b = (
            duckdb.sql(f"SELECT * FROM read_parquet('{tmp_path / d / name}')").df()
            for d in ("one-True", "batched-True")
        )
        assert list(b["person"]) == sorted(b["person"]) and len(b) == len(people) * 9
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
    weeks = pd.read_csv(tmp_path / "batched-False" / "person_weeks.csv")
    assert np.allclose(
        weeks.select_dtypes("number"),
        pd.read_csv(tmp_path / "one-False" / "person_weeks.csv").select_dtypes("number"),
        rtol=1e-12,
        equal_nan=True,
    )


def test_shrinkage_hand_checked():
    """Three people, two days each (mg/day). By hand: person means 200, 300, 266 (grand mean 255.33);
    pooled within variance (5000 + 800 + 968) / 3 = 2256; variance of the means 2585.33; between
    variance 2585.33 - 2256 / 2 = 1457.33; shrink factor sqrt(1457.33 / (1457.33 + 1128)) = 0.75079;
    usual intakes 213.79, 288.87, 263.34. Below the EAR of 265: raw means 1 of 3, usual intakes 2 of 3."""
    values = [np.array([150.0, 250.0]), np.array([280.0, 320.0]), np.array([244.0, 288.0])]
    usual, within, between = shrink(values)
    assert within == pytest.approx(2256.0)
    assert between == pytest.approx(1457.333, abs=1e-3)
    assert usual == pytest.approx([213.79, 288.87, 263.34], abs=0.01)
    assert (usual < 265).sum() == 2


def test_shrinkage_needs_repeat_days():
    usual, within, _ = shrink([np.array([100.0]), np.array([300.0])])
    assert within is None and list(usual) == [100.0, 300.0]


def _summary_cohort(tmp_path: Path) -> Path:
    """Magnesium from the export's own column, 2,000 kcal a day: the shrinkage example above."""
    days = {"A": [150, 250], "B": [280, 320], "C": [244, 288]}
    lines = ["Person,Date,Food,Magnesium (mg),Energy (kcal)"]
    for person, values in days.items():
        for i, mg in enumerate(values):
            lines.append(f"{person},2026-11-{16 + i},usual day,{mg},2000")
    path = tmp_path / "study.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_group_summary_golden(tmp_path):
    result = run_cohort([str(_summary_cohort(tmp_path))], CohortSettings())
    magnesium = next(g for g in result.summary["groups"] if g["nutrient"] == "magnesium")
    assert magnesium["people"] == 3 and magnesium["people_with_data"] == 3 and magnesium["adjusted"]
    assert magnesium["prevalence_inadequate"] == pytest.approx(2 / 3, abs=1e-4)
    assert magnesium["median"] == pytest.approx(263.34, abs=0.01)
    assert magnesium["prevalence_above_ul"] == 0.0  # no supplements: the magnesium UL covers only them
    assert magnesium["assumed_profiles"] == 3
    calcium = next(g for g in result.summary["groups"] if g["nutrient"] == "calcium")
    assert calcium["insufficient_data_share"] == 1.0 and calcium["people_with_data"] == 0
    rendered = {
        "cohort-summary.md": render_markdown(result.summary),
        "cohort-summary.html": render_html(result.summary),
        "cohort-summary.json": render_json(result.summary),
    }
    for name, text in rendered.items():
        if os.environ.get("NUTRI_UPDATE_GOLDEN"):
            (GOLDEN / name).write_text(text, encoding="utf-8")
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), name


def test_profiles_file_and_groups(tmp_path):
    path = _summary_cohort(tmp_path)
    profiles = tmp_path / "profiles.csv"
    profiles.write_text("person,sex,age,pregnant,lactating\nA,male,25,,\nB,female,30,yes,\n", encoding="utf-8")
    result = run_cohort([str(path)], CohortSettings(profiles=profiles))
    people = result.people.set_index("person")
    assert (people.loc["A", "sex"], people.loc["B", "life_stage"], people.loc["C", "profile_from"]) == (
        "male",
        "pregnancy",
        "assumed",
    )
    groups = {g["group"] for g in result.summary["groups"] if g["nutrient"] == "magnesium"}
    assert groups == {"male 19-30 y general", "female 19-30 y pregnancy", "female 31-50 y general"}
    # the summary says whose profile is assumed: C's group is the default's, and says so
    assumed = {g["group"]: g["assumed_profiles"] for g in result.summary["groups"] if g["nutrient"] == "magnesium"}
    assert assumed == {"male 19-30 y general": 0, "female 19-30 y pregnancy": 0, "female 31-50 y general": 1}
    table = render_markdown(result.summary)
    assert "| Profile assumed |" in table and "| magnesium | female 31-50 y general | 1 | 1 |" in table


def test_profile_columns_in_the_diary(tmp_path):
    path = tmp_path / "study.csv"
    path.write_text(
        "Person,Sex,Age,Date,Food,Amount,Unit\nA,M,70,2026-11-16,banana,1,medium\nA,,,2026-11-16,apple,1,medium\n"
        "B,,,2026-11-16,banana,1,medium\n",
        encoding="utf-8",
    )
    people = run_cohort([str(path)], CohortSettings()).people.set_index("person")
    assert (people.loc["A", "sex"], people.loc["A", "age"], people.loc["A", "profile_from"]) == ("male", 70.0, "diary")
    assert people.loc["B", "profile_assumed"]


def test_profiles_file_in_a_dietitians_words(tmp_path):
    """The headers that name people and profile fields in a diary name them in a profiles file too
    (Client, Gender, Breastfeeding), and an age may carry its unit ("51 years"; "18 months" is 1.5)."""
    profiles = tmp_path / "clients.csv"
    profiles.write_text(
        "Client;Gender;Age;Breastfeeding\nA;M;51 years;\nB;F;29 y;yes\nC;f;18 months;\n", encoding="utf-8"
    )
    people = run_cohort([str(_summary_cohort(tmp_path))], CohortSettings(profiles=profiles)).people
    found = {p: (r["sex"], r["age"], r["life_stage"]) for p, r in people.set_index("person").iterrows()}
    assert found == {
        "A": ("male", 51.0, "general"),
        "B": ("female", 29.0, "lactation"),
        "C": ("female", 1.5, "general"),
    }


def test_bad_profiles_file_names_the_row(tmp_path):
    from nutri.errors import DataFileError

    profiles = tmp_path / "profiles.csv"
    profiles.write_text("person,sex,age\nA,female,abc\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="row 2.*age 'abc'|age 'abc'"):
        run_cohort([str(_summary_cohort(tmp_path))], CohortSettings(profiles=profiles))


def test_a_person_with_two_profiles_is_refused_and_profile_errors_name_no_flag(tmp_path):
    from nutri.cli import error_line
    from nutri.errors import DataFileError

    profiles = tmp_path / "profiles.csv"
    profiles.write_text("person,sex,age\nA,female,30\nB,male,40\nA,F,30.0\nA,male,30\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:  # the same profile written twice is one; another is refused
        run_cohort([str(_summary_cohort(tmp_path))], CohortSettings(profiles=profiles))
    assert (caught.value.row, caught.value.message) == (5, "person 'A' has another profile on row 2")
    profiles.write_text("person,sex,age,pregnant\nA,male,30,yes\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        run_cohort([str(_summary_cohort(tmp_path))], CohortSettings(profiles=profiles))
    line = error_line(caught.value)
    assert "row 2" in line and "females aged 14-50" in line and "--" not in line and "leave pregnancy" in line


def test_a_sheet_names_the_workbooks_sheet_in_a_folder_with_text_files(tmp_path):
    from conftest import workbook

    from nutri.errors import UsageError

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "ann.csv").write_text("Date,Food,Amount,Unit\n2026-11-16,banana,1,medium\n", encoding="utf-8")
    diary = [["Date", "Food", "Amount", "Unit"], ["2026-11-17", "spinach", 1, "cup"]]
    workbook(folder / "bob.xlsx", {"Notes": [["nothing here"]], "Diary": diary})
    result = run_cohort([str(folder)], CohortSettings(sheet="Diary"))
    assert sorted(result.person_days["person"]) == ["ann", "bob"]
    with pytest.raises(UsageError, match="a sheet applies to workbooks"):  # no workbook at all: said so
        run_cohort([str(folder / "ann.csv")], CohortSettings(sheet="Diary"))


def test_profiles_are_read_as_diaries_are_semicolons_cp1252_and_workbooks(tmp_path):
    """A profiles file saved by a spreadsheet: semicolons, cp1252, a title row above the header, or a
    workbook; rows keep their own numbers in errors."""
    from openpyxl import Workbook

    from nutri.errors import DataFileError

    cohort = [str(_summary_cohort(tmp_path))]
    expected = {"A": ("male", 30.0), "B": ("female", 61.0), "C": ("female", 40.0)}
    semicolons = tmp_path / "profiles.csv"
    semicolons.write_bytes("Study profiles\nperson;sex;age;note\nA;male;30;caf\xe9\n\nB;female;61;\n".encode("cp1252"))
    book = Workbook()
    book.active.append(["person", "sex", "age"])
    book.active.append(["A", "male", 30])
    book.active.append(["B", "female", 61])
    book.save(tmp_path / "profiles.xlsx")
    for profiles in (semicolons, tmp_path / "profiles.xlsx"):
        people = run_cohort(cohort, CohortSettings(profiles=profiles)).people.set_index("person")
        assert {p: (r["sex"], r["age"]) for p, r in people.iterrows()} == expected, profiles.name
        assert list(people["profile_from"]) == ["file", "file", "assumed"]
    semicolons.write_text("Study profiles\nperson;sex;age\nA;male;30\nB;female;old\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        run_cohort(cohort, CohortSettings(profiles=semicolons))
    assert caught.value.row == 4 and "age 'old'" in caught.value.message


def test_folder_of_files_one_person_each_and_parquet(tmp_path, run):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "ann.csv").write_text(
        "Date,Food,Amount,Unit\n2026-11-16,banana,1,medium\n2026-11-16,spinach,1,cup\n", encoding="utf-8"
    )
    import duckdb

    duckdb.sql("SELECT '2026-11-17' AS Date, 'greek yogurt' AS Food, 200 AS Amount, 'g' AS Unit").write_parquet(
        str(folder / "bob.parquet")
    )
    out = tmp_path / "out"
    result = run("cohort", folder, "-o", out, "--parquet", "-q")
    assert result.exit_code == 0, result.output
    weeks = duckdb.sql(
        f"SELECT person, week, days_logged FROM read_parquet('{out / 'person_weeks.parquet'}') ORDER BY person"
    ).fetchall()
    assert weeks == [("ann", "2026-W47", 1), ("bob", "2026-W47", 1)]
    assert {p.name for p in out.iterdir()} >= {"person_days.parquet", "summary.md", "summary.html", "summary.json"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["inputs"]["people"] == 2


def test_many_files_are_put_together_a_few_at_a_time_with_the_same_results(tmp_path, monkeypatch):
    """Every file's rows, names, dates and keys are put together FILES_PER_STATEMENT files a statement (500
    small files in one statement ran out of the engine's memory): a folder of one file per person gives
    what one file with a person column gives."""
    from nutri.cohort import run as cohort_run

    monkeypatch.setattr(cohort_run, "FILES_PER_STATEMENT", 2)
    folder = tmp_path / "exports"
    folder.mkdir()
    combined = ["Participant,Date,Food,Amount,Unit"]
    for number, person in enumerate(["ann", "bob", "cy", "dee", "eve"]):
        lines = ["Date,Food,Amount,Unit"]
        for day in range(3):
            for food, amount, unit in ENTRIES[number : number + 4]:
                date = (START + dt.timedelta(days=day + number)).isoformat()
                lines.append(f'{date},"{food}",{amount},{unit}')
                combined.append(f'{person},{date},"{food}",{amount},{unit}')
        (folder / f"{person}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "all.csv").write_text("\n".join(combined) + "\n", encoding="utf-8")
    apart = run_cohort([str(folder)], CohortSettings())
    together = run_cohort([str(tmp_path / "all.csv")], CohortSettings(person="Participant"))
    assert apart.stats["files"] == 5 and apart.stats["rows"] == together.stats["rows"] == 60
    pd.testing.assert_frame_equal(apart.person_days, together.person_days)
    pd.testing.assert_frame_equal(apart.person_weeks, together.person_weeks, check_exact=False, rtol=1e-12)


def test_files_read_as_one_keep_their_own_date_style_and_blank_dates(tmp_path):
    """Files of one shape are read as one relation, but each file keeps its own date-style vote (one
    export's 03/11 is 3 November, the other's 11/03) and a blank date continues only its own file's
    last date (the second file's leading blank rows have none): as each file run alone."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "ann.csv").write_text(
        "Date,Food,Amount,Unit\n13/11/2026,banana,1,medium\n03/11/2026,spinach,1,cup\n,almonds,30,g\n",
        encoding="utf-8",
    )
    (folder / "bob.csv").write_text(
        "Date,Food,Amount,Unit\n,oatmeal,1,cup\n11/13/2026,banana,1,medium\n11/03/2026,2% milk,2,cup\n",
        encoding="utf-8",
    )
    together = run_cohort([str(folder)], CohortSettings())
    days = together.person_days.set_index(["person", "date"])
    assert sorted(days.index) == [
        ("ann", "2026-11-03"),
        ("ann", "2026-11-13"),
        ("bob", "2026-11-03"),
        ("bob", "2026-11-13"),
    ]
    assert days.loc[("ann", "2026-11-03"), "entries"] == 2  # the blank-dated almonds: ann's 03/11
    assert days.loc[("bob", "2026-11-13"), "entries"] == 1  # bob's blank first row: no date, not ann's
    for name in ("ann", "bob"):
        alone = run_cohort([str(folder / f"{name}.csv")], CohortSettings()).person_days
        mine = together.person_days[together.person_days["person"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)


def test_an_output_folder_inside_the_input_folder_is_not_read_again(tmp_path, run):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "ann.csv").write_text("Date,Food,Amount,Unit\n2026-11-16,banana,1,medium\n", encoding="utf-8")
    out = folder / "results"
    for _ in range(2):  # the second run finds the first run's CSV files inside the folder it reads
        result = run("cohort", folder, "-o", out)
        assert result.exit_code == 0, result.output
        assert "1 people, 1 rows from 1 file(s)" in result.output
    assert run("cohort", str(folder / "**" / "*.csv"), "-o", out).exit_code == 0


def test_people_named_like_formulas_or_with_control_characters_are_written_safely(tmp_path, run):
    """The names come from the diary: in CSV a name a spreadsheet would run gets a leading apostrophe, and
    control characters are visible escapes in every file (nutri/report/safe.py, the report's rules)."""
    import duckdb

    names = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "bell\x07\x1b[31mred", "plain"]
    lines = ["Person,Date,Food,Amount,Unit"]
    lines += ['"' + name.replace('"', '""') + '",2026-11-16,banana,1,medium' for name in names]
    path = tmp_path / "study.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shown = ['\'=HYPERLINK("http://x","y")', "'+1", "'@SUM(A1)", "bell\\x07\\x1b[31mred", "plain"]
    out = tmp_path / "out"
    assert run("cohort", path, "--person", "Person", "-o", out).exit_code == 0
    for name in ("person_days.csv", "person_weeks.csv", "people.csv"):
        written = pd.read_csv(out / name, keep_default_na=False)
        assert sorted(written["person"]) == sorted(shown), name
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left
    umask = os.umask(0o022)
    os.umask(umask)
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o666 & ~umask}  # as any program's output
    assert run("cohort", path, "--person", "Person", "-o", out, "--parquet").exit_code == 0
    for name in ("person_days.parquet", "person_weeks.parquet", "people.parquet"):
        written = duckdb.sql(f"SELECT person FROM read_parquet('{out / name}')").fetchall()
        assert sorted(p for (p,) in written) == sorted(["bell\\x07\\x1b[31mred", *names[:3], "plain"]), name
    result = run_cohort([str(path)], CohortSettings(person="Person"))  # the data itself keeps the names
    assert sorted(result.person_weeks["person"]) == sorted(names)


def test_a_messy_text_file_reads_the_same_through_the_engine(tmp_path):
    """A preamble, a byte-order mark, CRLF line ends, a quoted line break in a note, rows longer and
    shorter than the header, a blank date and a blank person: the engine's scan (large files) gives
    the reader's days (the quoted line break with uneven rows needs its one-thread scanner)."""
    text = (
        "\ufeffMy food diary export\r\nGenerated 2026\r\n\r\nPerson,Date,Food,Amount,Unit,Note\r\n"
        'ann,2026-11-16,"Cheese, cheddar",30,g,"line one\r\nline two"\r\n'
        "ann,2026-11-16,banana,1,medium\r\nann,,spinach,1,cup,x,extra,cells\r\n"
        'bob,16/11/2026,"2% milk",2,cup,\r\nbob,17/11/2026,oatmeal,1,cup,\r\nbob,18/11/2026,Vitamin D3 1000 IU,1,tablet\r\n'
        ",2026-11-18,apple,1,medium,\r\n"
    )
    path = tmp_path / "messy.csv"
    path.write_bytes(text.encode("utf-8"))
    scanned = run_cohort([str(path)], CohortSettings(person="Person", engine_bytes=0)).person_days
    read = run_cohort([str(path)], CohortSettings(person="Person", engine_bytes=2**30)).person_days
    pd.testing.assert_frame_equal(scanned, read)
    assert list(read[["person", "entries"]].itertuples(index=False, name=None)) == [
        ("ann", 3),
        ("bob", 1),
        ("bob", 1),
        ("bob", 1),
        ("messy", 1),
    ]


def test_every_row_read_is_accounted_for(tmp_path, run):
    """Rows no day can hold (no valid date, none above in the file) and rows the app marks deleted are
    counted and said, not dropped silently: counted + skipped + without a date = rows read."""
    lines = ["Date,Name,Icon,Meal,Quantity,Units,Deleted"]
    lines += [
        "not a date,Banana,,Breakfast,1,medium,false",  # nothing above it to continue: no day
        "2026-11-16,Banana,,Breakfast,1,medium,false",
        "2026-11-16,Spinach,,Lunch,1,cup,true",  # deleted in Lose It!
        ",Almonds,,Snack,30,g,false",  # blank: continues 2026-11-16
        "2026-11-17,Oatmeal,,Breakfast,1,cup,false",
    ]
    path = tmp_path / "loseit.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cohort([str(path)], CohortSettings())
    stats = result.stats
    assert (stats["rows"], stats["rows_counted"], stats["rows_skipped"], stats["rows_without_date"]) == (5, 3, 1, 1)
    assert int(result.person_days["entries"].sum()) == 3
    said = run("cohort", path, "-o", tmp_path / "out")
    assert said.exit_code == 0
    assert (
        "5 rows from 1 file(s); 1 without a valid date, left out; 1 marked deleted in the app, skipped" in said.output
    )
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert "1 without a valid date, left out" in summary


def test_progress_names_each_step_as_it_starts(tmp_path):
    said = []
    run_cohort([str(_summary_cohort(tmp_path))], CohortSettings(batch_rows=2), progress=said.append)
    assert said == [
        "reading 1 file(s)",
        "matching 6 distinct entries",
        "day totals of 3 people (batch 1 of 3)",
        "day totals of 3 people (batch 2 of 3)",
        "day totals of 3 people (batch 3 of 3)",
        "verdicts and the group summary",
    ]


def test_a_folder_reads_myfitnesspal_printable_pages_and_no_other_page(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>Printable Nutrition Report</title></head><body>"
        '<h2 class="main-title-2" id="date">January 2, 2019</h2><table class="table0" id="food"><thead><tr>'
        '<td class="first">Foods</td><td>Calories</td></tr></thead><tbody><tr class="title">'
        '<td class="first last" colspan="9">Breakfast</td></tr><tr><td class="first">Kroger - Milk 2%, 1 cup</td>'
        '<td>122</td></tr><tr><td class="first">Banana, 1 medium</td><td>105</td></tr>'
        '<tr><td class="first">Oatmeal, 1 cup</td><td>166</td></tr></tbody></table></body></html>'
    )
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "ann.csv").write_text("Date,Food,Amount,Unit\n2026-11-16,banana,1,medium\n", encoding="utf-8")
    (folder / "bob.htm").write_text(page, encoding="utf-8")
    (folder / "notes.html").write_text("<html><body><p>shopping list</p></body></html>", encoding="utf-8")
    result = run_cohort([str(folder)], CohortSettings())
    assert result.stats["files"] == 2
    days = result.person_days.set_index("person")
    assert days.loc["bob", "date"] == "2019-01-02" and days.loc["bob", "entries"] == 3


def test_an_empty_file_among_others_is_counted_and_named_not_fatal(tmp_path, run):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "ann.csv").write_text("Date,Food,Amount,Unit\n2026-11-16,banana,1,medium\n", encoding="utf-8")
    (folder / "[bob](x).csv").write_bytes(b"")  # a participant who never logged; a name that is no link
    result = run("cohort", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "1 empty file(s) skipped ([bob](x).csv)" in result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["inputs"]["files"] == 2 and summary["inputs"]["empty_files"] == [str(folder / "[bob](x).csv")]
    assert "skipped (\\[bob\\](x).csv)" in (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    alone = run("cohort", folder / "[bob](x).csv", "-o", tmp_path / "out")  # alone: nothing to run on
    assert alone.exit_code == 1 and "the file is empty" in alone.output


def test_cli_errors_are_one_line(tmp_path, run):
    result = run("cohort", tmp_path / "missing.csv", "-o", tmp_path / "out")
    assert result.exit_code == 1 and "no such file" in result.output and "internal error" not in result.output
    path = tmp_path / "study.csv"
    path.write_text("Food,Amount\nbanana,1\n", encoding="utf-8")
    result = run("cohort", path, "-o", tmp_path / "out")
    assert result.exit_code != 0 and "no date column" in result.output
    result = run("cohort", _summary_cohort(tmp_path), "--person", "Nobody", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "no column 'Nobody'" in result.output


def test_damaged_and_mislabelled_files_are_one_line_naming_the_file(tmp_path, run, monkeypatch):
    """What the engine cannot read is the input's fault, named: a truncated Parquet file, a CSV named
    .parquet, a large text file with a line that is not UTF-8 (its row), never an internal error."""
    import duckdb

    good = tmp_path / "good.parquet"
    duckdb.sql("SELECT 'ann' AS Person, '2026-11-17' AS Date, 'banana' AS Food, 1 AS Amount").write_parquet(str(good))
    (tmp_path / "cut.parquet").write_bytes(good.read_bytes()[:200])
    (tmp_path / "text.parquet").write_text("Date,Food\n2026-11-17,banana\n", encoding="utf-8")
    late = tmp_path / "late.csv"
    late.write_bytes(
        b"Date,Food,Amount,Unit\n" + b"2026-11-17,banana,1,medium\n" * 50 + b"2026-11-18,\xff\xfe pear,1,medium\n"
    )
    for name, said in (
        ("cut.parquet", "cut.parquet: the engine cannot read it"),
        ("text.parquet", "text.parquet: the"),
    ):
        result = run("cohort", tmp_path / name, "-o", tmp_path / "out")
        assert result.exit_code == 1 and said in result.output and "internal error" not in result.output, result.output
        assert "export it again" in result.output and len(result.output.strip().splitlines()) == 1
    from nutri.cohort import sources
    from nutri.errors import UnreadableInputError

    monkeypatch.setattr(sources, "HEAD_BYTES", 256)  # the bad line past the part read to find the header
    with pytest.raises(UnreadableInputError) as caught:
        run_cohort([str(late)], CohortSettings(engine_bytes=0))
    assert caught.value.file == str(late) and caught.value.row == 52 and "utf-8" in caught.value.message.lower()
    # a statement nutri got wrong is a bug, shown as one, not the file's fault
    assert sources.input_error(duckdb.BinderException("Binder Error: no such column"), [late]) is None
    assert sources.input_error(duckdb.InterruptException("INTERRUPT"), [late]) is None
    assert sources.input_error(duckdb.IOException("IO Error: cannot open"), [late]).file == str(late)
    # a damaged file among several is still named
    with pytest.raises(UnreadableInputError) as caught:
        run_cohort([str(good), str(tmp_path / "cut.parquet")], CohortSettings())
    assert caught.value.file == str(tmp_path / "cut.parquet")


def test_memory_limit_reached_or_misspelt_is_one_line(tmp_path, monkeypatch, run):
    import duckdb

    from nutri.cohort import run as cohort_run
    from nutri.errors import UnreadableInputError, UsageError

    monkeypatch.setenv("NUTRI_COHORT_MEMORY", "lots")
    result = run("cohort", _summary_cohort(tmp_path), "-o", tmp_path / "out")
    assert result.exit_code == 2 and "NUTRI_COHORT_MEMORY='lots' is not an amount of memory" in result.output
    with pytest.raises(UsageError):
        run_cohort([str(_summary_cohort(tmp_path))])
    monkeypatch.setenv("NUTRI_COHORT_MEMORY", "900MB")

    def full(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")

    monkeypatch.setattr(cohort_run, "batch_days", full)
    with pytest.raises(UnreadableInputError) as caught:
        run_cohort([str(_summary_cohort(tmp_path))])
    assert "memory limit (900MB)" in str(caught.value) and "NUTRI_COHORT_MEMORY" in str(caught.value)


def test_large_text_files_are_read_through_a_parquet_copy_that_is_removed(tmp_path, monkeypatch):
    """A text file the engine scans is copied once to Parquet (whose row count the engine knows: with a
    guessed count its joins built their hash tables on the file's side) in a folder of its own, gone
    after the run; the results are the reader's."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = _summary_cohort(tmp_path)
    seen = []
    from nutri.cohort import sources

    scan = sources._scan_text

    def watched(con, path, relation, overrides, workspace):
        source = scan(con, path, relation, overrides, workspace)
        seen.append(sorted(p.name for p in workspace.iterdir()))
        seen.append(con.execute(f"SELECT sql FROM duckdb_views() WHERE view_name = '{relation}'").fetchall()[0][0])
        return source

    monkeypatch.setattr(sources, "_scan_text", watched)
    scanned = run_cohort([str(path)], CohortSettings(engine_bytes=0))
    read = run_cohort([str(path)], CohortSettings(engine_bytes=2**30))
    assert seen[0] == ["cells_0.parquet"] and "read_parquet" in seen[1]
    assert [p.name for p in (tmp_path / "tmp").iterdir() if p.name.startswith("nutri-cohort-")] == []
    pd.testing.assert_frame_equal(scanned.person_days, read.person_days)
    pd.testing.assert_frame_equal(scanned.person_weeks, read.person_weeks, check_exact=False, rtol=1e-12)


def test_missing_engine_message(monkeypatch):
    import sys

    from nutri.cli import error_line
    from nutri.cohort import engine

    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(EngineMissingError) as caught:
        engine()
    assert (
        error_line(caught.value)
        == 'nutri cohort needs DuckDB, which is not installed; install it with pip install "nutri-diary[cohort]"'
    )


def test_workbook_input(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Person", "Date", "Food", "Amount", "Unit"])
    sheet.append(["ann", dt.datetime(2026, 11, 16), "banana", 1, "medium"])
    sheet.append(["bob", dt.datetime(2026, 11, 16), "spinach", 1, "cup"])
    sheet.append(["bob", dt.datetime(2026, 11, 17), "spinach", 1, "cup"])
    book.save(tmp_path / "study.xlsx")
    result = run_cohort([str(tmp_path / "study.xlsx")], CohortSettings())
    days = result.person_days.set_index("person")
    assert days.loc["ann", "date"] == "2026-11-16"
    assert list(days.loc["bob", "magnesium_mg"]) == pytest.approx(
        [23.7, 23.7], abs=0.1
    )  # 30 g raw spinach, 79 mg/100 g


@pytest.mark.skipif(not (SHARED_REAL / "dev").is_dir(), reason="the team's real exports are not on this machine")
def test_real_cronometer_exports_as_three_people(tmp_path):
    files = [
        SHARED_REAL / "cronometer-servings-2023-2024.csv",
        SHARED_REAL / "dev" / "cronometer-servings-2011.csv",
        SHARED_REAL / "dev" / "cronometer-servings-uk-2020.csv",
    ]
    result = run_cohort([str(f) for f in files], CohortSettings())
    assert len(result.people) == 3
    assert result.person_weeks["days_logged"].sum() == len(result.person_days)
    assert set(result.person_days.columns) >= {"person", "date", "complete", ENERGY.column}


def test_many_periods_at_once_are_judged_as_one_at_a_time():
    """assess.assess_many over mixed profiles and nutrients (EAR, AI-only, supplement-only UL) gives, period
    by period, what assess.assess gives for that period alone."""
    import dataclasses

    from nutri.assess import STATUSES, Evidence, PeriodStats, Rules, assess, assess_many, variation
    from nutri.dri import references

    rng = np.random.default_rng(7)
    cases = []
    for profile in (Profile("female", 40), Profile("male", 25), Profile("female", 75)):
        for key in ("magnesium", "calcium", "vitamin_d", "vitamin_b12"):
            reference, var = references(profile)[key], variation(key, profile)
            cases.append((reference, var))
            cases.append((dataclasses.replace(reference, ear=None, rda=None), var))  # AI-only row
    periods, rules, expected = [], [], []
    for _ in range(300):
        reference, var = cases[rng.integers(len(cases))]
        days = int(rng.integers(0, 6))
        scale = reference.ear or reference.ai or 10.0
        counted = tuple(float(x) for x in rng.gamma(2.0, scale / 2.0, days))
        upper = tuple(float(x) for x in rng.choice([0.0, 0.0, scale * 0.3, math.inf], days))
        doses = tuple(float(x) for x in rng.choice([0.0, 400.0], days))
        evidence = Evidence(counted, upper, doses, days + 2, days)
        expected.append(assess(evidence, reference, var))
        if days:
            periods.append(PeriodStats.of(evidence))
        else:
            nan = np.array([np.nan])
            periods.append(PeriodStats(np.array([0]), nan, nan, np.array([0.0]), nan, np.array([0.0])))
        rules.append(Rules.of(reference, var))
    stacked = PeriodStats(*(np.concatenate([getattr(p, f) for p in periods]) for f in PeriodStats.__dataclass_fields__))
    stacked_rules = Rules(*(np.array([getattr(r, f) for r in rules]) for f in Rules.__dataclass_fields__))
    many = assess_many(stacked, stacked_rules)
    for i, one in enumerate(expected):
        assert STATUSES[many.status[i]] is one.status, i
        probability = None if np.isnan(many.probability[i]) else float(many.probability[i])
        assert probability == one.probability_adequate, i
    assert len({s for s in many.status}) >= 4  # the periods reach several verdicts


def test_day_totals_are_compensated_sums_as_the_reports(tmp_path):
    """A day's totals are the compensated sums pandas gives the report (0.1 + 0.2 + 0.3 is 0.6, not
    0.6000000000000001 as added in that order): a plain sum's last bit followed the order the engine's
    threads met the rows, and a day exactly on its completeness floor flipped between runs."""
    lines = ["Participant,Date,Food,Amount,Unit,Energy (kcal)"]
    lines += [f"ann,2026-11-09,food {i},1,g,{kcal}" for i, kcal in enumerate(["0.1", "0.2", "0.3"])]
    path = tmp_path / "study.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    days = run_cohort([str(path)], CohortSettings()).person_days
    report = _report(path, "ann")
    day = next(d for w in report["weeks"] for d in w["days"] if d["logged"])
    assert days[ENERGY.column].tolist() == [day[ENERGY.column]] == [0.6]


def test_keys_resolved_in_forked_copies_agree_and_fork_after_the_engine_numbered_the_rows(tmp_path, monkeypatch):
    """A first run's keys shared with a forked copy (nutri/forked.py) give the same figures as one report
    per person, and the copy is made only once the engine has numbered the rows (no engine statement at
    work while the process is copied)."""
    from nutri import forked
    from nutri.cohort import run as cohort_run

    monkeypatch.setenv("NUTRI_CACHE_DIR", "off")
    monkeypatch.setenv("NUTRI_WORKERS", "2")
    monkeypatch.setattr(forked, "MIN_ITEMS_PER_WORKER", 1)
    numbered, forks = [], []
    number_rows, forked_map, resolving = cohort_run._number_rows, forked.forked_map, threading.Event()

    def numbering(*args):  # ends only once the keys are being resolved: a fork beside it would come first
        rows = number_rows(*args)
        resolving.wait(30)
        numbered.append(1)
        return rows

    def resolve(*args):
        resolving.set()
        return forked_map(*args)

    monkeypatch.setattr(cohort_run, "_number_rows", numbering)
    monkeypatch.setattr(forked, "forked_map", resolve)
    start = forked._Child.__init__
    monkeypatch.setattr(forked._Child, "__init__", lambda self, *a: forks.append(len(numbered)) or start(self, *a))
    rows = [(p, d, e) for d in range(8) for p in ("ann", "bob") for e in range(len(ENTRIES))]
    path = _write_cohort(tmp_path / "study.csv", rows, blank_dates=False)
    result = run_cohort([str(path)], CohortSettings(engine_bytes=0))
    assert forks == [1]  # one copy, made after the numbering ended
    for person in ("ann", "bob"):
        _check_person(result, path, person)


def test_an_asa24_study_folder_reads_the_items_and_names_the_other_files(tmp_path, run):
    """An ASA24 download: the Items file is the diary (respondents by UserName, ASA24's own nutrients), the
    INS file adds their supplements; the Totals beside them is named and counted, not read as foods and not
    a reason to stop."""
    from conftest import ASA24_INS_HEADER, ASA24_TOTALS_HEADER, asa24_items

    folder = tmp_path / "asa24"
    folder.mkdir()
    recall = {"IntakeStartDateTime": "01/31/2025 0:00", "FoodCode": "11111000", "Food_Description": "Milk, whole"}
    rows = [
        recall | {"UserName": person, "FoodAmt": grams, "MAGN": magnesium, "KCAL": energy}
        for person, grams, magnesium, energy in [("P01", 244, 24.4, 149), ("P02", 122, 12.2, 74.5)] * 2
    ]
    (folder / "S_Items.csv").write_text(asa24_items(rows), encoding="utf-8")
    pill = {"UserName": "P01", "IntakeStartDateTime": "01/31/2025 0:00", "SupplUnit": "Dose(s)", "SupplAmount": "1"}
    pill |= {"Suppl_Description": "MAGNESIUM 250 MG", "MAGN": "250"}
    (folder / "S_INS.csv").write_text(asa24_items([pill], ASA24_INS_HEADER), encoding="utf-8")
    (folder / "S_Totals.csv").write_text(ASA24_TOTALS_HEADER + "\n" + ",".join(["x"] * 23) + "\n", encoding="utf-8")
    result = run("cohort", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "1 file(s) without food rows skipped (S_Totals.csv: an ASA24 analysis file other than Items" in result.output
    days = pd.read_csv(tmp_path / "out" / "person_days.csv").set_index("person")
    assert days.loc["P01", "magnesium_mg"] == 298.8 and days.loc["P02", "energy_kcal"] == 149  # foods + INS
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [c["file"] for c in summary["inputs"]["companion_files"]] == [str(folder / "S_Totals.csv")]
    alone = run("cohort", folder / "S_Totals.csv", "-o", tmp_path / "out2")  # alone: the reader's error
    assert alone.exit_code == 1 and "Items file" in alone.output and "internal error" not in alone.output


def test_a_caseload_workbook_is_read_a_person_a_sheet_with_sheet_star(tmp_path, run):
    """A dietitian's workbook, one client a sheet: refused without --sheet (the reader would have read the
    first sheet alone), every diary sheet with --sheet '*', each person named by the sheet."""
    from conftest import workbook

    header = ["Date", "Food", "Amount", "Unit"]
    ann = [header, [dt.datetime(2026, 11, 16), "banana", 1, "medium"]]
    bob = [header, [dt.datetime(2026, 11, 17), "spinach", 1, "cup"]]
    workbook(tmp_path / "caseload.xlsx", {"Ann": ann, "Bob": bob, "Notes": [["Food ideas"]]})
    refused = run("cohort", tmp_path / "caseload.xlsx", "-o", tmp_path / "out")
    assert refused.exit_code == 2 and "sheets 'Ann', 'Bob' each hold a diary" in refused.output
    result = run("cohort", tmp_path / "caseload.xlsx", "--sheet", "*", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    days = pd.read_csv(tmp_path / "out" / "person_days.csv")
    assert days[["person", "date"]].values.tolist() == [["Ann", "2026-11-16"], ["Bob", "2026-11-17"]]


def test_a_date_column_under_a_header_of_its_own_is_found_by_its_values(tmp_path):
    """As the reader finds it: the cohort's engine samples the column's distinct values."""
    path = tmp_path / "study.csv"
    path.write_text(
        "Participant,Logged at,Food,Amount,Unit\n"
        + "".join(f"{p},2026-11-{d} 08:30,banana,1,medium\n" for p in ("ann", "bob") for d in (16, 17)),
        encoding="utf-8",
    )
    days = run_cohort([str(path)], CohortSettings()).person_days
    assert days[["person", "date"]].values.tolist() == [
        ["ann", "2026-11-16"],
        ["ann", "2026-11-17"],
        ["bob", "2026-11-16"],
        ["bob", "2026-11-17"],
    ]


def test_files_named_alike_in_participants_folders_are_different_people(tmp_path):
    """Cronometer names every export servings.csv: a folder a participant, each with its servings.csv, is
    as many people, named by their paths; two files were one person 'servings' before (their days summed)."""
    for person, food in (("ann", "banana"), ("bob", "apple")):
        (tmp_path / "study" / person).mkdir(parents=True)
        (tmp_path / "study" / person / "servings.csv").write_text(
            f"Date,Food,Amount,Unit\n2026-11-16,{food},1,medium\n", encoding="utf-8"
        )
    (tmp_path / "study" / "cat.csv").write_text("Date,Food,Amount,Unit\n2026-11-16,milk,1,cup\n", encoding="utf-8")
    for cohort_settings in (CohortSettings(), CohortSettings(engine_bytes=1)):  # read by the reader, or scanned
        days = run_cohort([str(tmp_path / "study")], cohort_settings).person_days
        assert days["person"].tolist() == ["ann/servings", "bob/servings", "cat"]
        assert days["entries"].tolist() == [1, 1, 1]


def test_one_persons_day_in_two_exports_of_one_kind_is_refused(tmp_path, run):
    """Exports of overlapping ranges (January-February, February-March) would count the shared day twice:
    the run stops naming the person, the day and both files, as the report does for one person."""
    folder = tmp_path / "exports"
    folder.mkdir()
    header = "Person,Date,Food,Amount,Unit\n"
    (folder / "jan.csv").write_text(header + "ann,2026-11-16,banana,1,medium\nann,2026-11-17,milk,1,cup\n")
    bob = "bob,2026-11-16,milk,1,cup\nbob,2026-11-17,milk,1,cup\n"
    (folder / "feb.csv").write_text(header + "ann,2026-11-17,apple,1,medium\nann,2026-11-19,milk,1,cup\n" + bob)
    result = run("cohort", folder, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "ann's 2026-11-17 is in both" in result.output
    assert "feb.csv" in result.output and "jan.csv" in result.output and "counted twice" in result.output
    (folder / "feb.csv").write_text(header + "ann,2026-11-18,apple,1,medium\nann,2026-11-19,milk,1,cup\n" + bob)
    assert run("cohort", folder, "-o", tmp_path / "out").exit_code == 0  # another person's same day is fine


def test_food_records_dated_by_day_numbers_take_the_first_day(tmp_path, run):
    path = tmp_path / "records.csv"
    rows = "".join(f"{p},Day {d},banana,1,medium\n{p},Day {d},milk,1,cup\n" for p in ("ann", "bob") for d in (1, 2))
    path.write_text("Client,Day,Food,Amount,Unit\n" + rows, encoding="utf-8")
    result = run("cohort", path, "--first-day", "2026-11-16", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    days = pd.read_csv(tmp_path / "out" / "person_days.csv")
    assert days[["person", "date"]].values.tolist() == [
        ["ann", "2026-11-16"],
        ["ann", "2026-11-17"],
        ["bob", "2026-11-16"],
        ["bob", "2026-11-17"],
    ]


def test_nhanes_day_1_and_day_2_files_are_each_persons_two_recalls(tmp_path, run):
    """NHANES's DR1IFF and DR2IFF: people by SEQN, foods by their codes (one no table has: counted by the
    survey's own values), each file a day dated by --first-day; a person's figures are the report's on the
    same two files; without --first-day the refusal says to give it."""
    from conftest import nhanes_foods, write

    from nutri.pipeline import ReadSettings, match_entries, read_diaries, weekly_report

    def foods(person: str, scale: float) -> list[dict]:
        milk = {"IFDCD": "11111000", "IGRMS": 488 * scale, "IKCAL": 299 * scale, "IMAGN": 49 * scale}
        bread = {"IFDCD": "51101000", "IGRMS": 300 * scale, "IKCAL": 800 * scale, "IMAGN": 70 * scale}
        unknown = {"IFDCD": "99999999", "IGRMS": 100, "IKCAL": 250, "IMAGN": 30, "ICALC": 40}
        return [{"SEQN": person} | food for food in (milk, bread, unknown)]

    # 93705's first day NHANES marks not reliable: left out by both, saying so
    unreliable = [food | {"SEQN": "93705", "DRSTZ": 2} for food in foods("x", 1)]
    day1 = write(tmp_path / "DR1IFF_J.csv", nhanes_foods(1, foods("93703", 1) + foods("93704", 1.5) + unreliable))
    day2 = write(tmp_path / "DR2IFF_J.csv", nhanes_foods(2, foods("93703", 0.5) + foods("93704", 2)))
    first = dt.date(2018, 1, 1)
    # NHANES's demographics file as the profiles: its coded answers (RIAGENDR 1 male 2 female, RIDEXPRG 1 pregnant)
    demo = write(tmp_path / "DEMO_J.csv", "SEQN,SDDSRVYR,RIAGENDR,RIDAGEYR,RIDEXPRG\n93703,10,2,34,1\n93704,10,1,2,\n")
    result = run_cohort([str(day1), str(day2)], CohortSettings(first_day=first, profiles=demo))
    people = result.people.set_index("person")
    assert people.loc["93703", ["sex", "age", "life_stage"]].tolist() == ["female", 34.0, "pregnancy"]
    assert people.loc["93704", ["sex", "age", "life_stage", "profile_from"]].tolist() == [
        "male",
        2.0,
        "general",
        "file",
    ]
    days = result.person_days.set_index(["person", "date"])
    assert list(days.index) == [(p, d) for p in ("93703", "93704") for d in ("2018-01-01", "2018-01-02")]
    assert result.stats["rows_skipped"] == 3 and "93705" not in set(result.people["person"])
    assert days.loc[("93704", "2018-01-02"), "magnesium_mg"] == pytest.approx(49 * 2 + 70 * 2 + 30)
    result_profiles = {"93703": Profile("female", 34, "pregnancy"), "93704": Profile("male", 2)}
    for person in ("93703", "93704"):
        matched = match_entries(read_diaries([day1, day2], ReadSettings(person=person, first_day=first)))
        report = weekly_report(matched, result_profiles[person])
        logged = [d for w in report["weeks"] for d in w["days"] if d["logged"]]
        for day in logged:
            row = days.loc[(person, day["date"])]
            assert bool(row["complete"]) == day["complete"] and int(row["entries"]) == day["entries"]
            assert all(_same(row[c], day[c]) for c in ENTRY_NUTRIENT_COLUMNS), (person, day["date"])
    result.close()
    refused = run("cohort", day1, day2, "-o", tmp_path / "out")
    assert (
        refused.exit_code == 2 and "'Day 1' is a day number: give the date of day 1 with --first-day" in refused.output
    )


def test_nhanes_transport_files_give_the_cohort_of_their_csv(tmp_path):
    """DR1IFF_J.XPT as published, as CSV and as Parquet of floating-point columns: the same person-days (the
    engine writes numbers as the reader does: SEQN 93703, not 93703.0; SAS's stand-in for zero as 0)."""
    pyreadstat = pytest.importorskip("pyreadstat")
    from conftest import nhanes_foods, write

    rows = [
        {"SEQN": "93703", "IFDCD": "11111000", "IGRMS": "488", "IKCAL": "299", "IMAGN": "48.8", "ICAFF": "0"},
        {"SEQN": "93704", "IFDCD": "51101000", "IGRMS": "300", "IKCAL": "800", "IMAGN": "70.1", "ICAFF": "0"},
    ]
    csv_path = write(tmp_path / "DR1IFF_J.csv", nhanes_foods(1, rows))
    frame = pd.read_csv(csv_path)[["SEQN", "DR1IFDCD", "DR1IGRMS", "DR1IKCAL", "DR1IMAGN", "DR1ICAFF"]].astype(float)
    xpt_path = tmp_path / "DR1IFF_J.XPT"
    pyreadstat.write_xport(frame, str(xpt_path), table_name="DR1IFF_J", file_format_version=5)
    parquet_path = tmp_path / "DR1IFF_J.parquet"  # the same numbers as DOUBLE columns of a Parquet file
    with duckdb.connect() as con:
        con.register("frame", frame)
        con.execute(f"COPY (SELECT * FROM frame) TO '{parquet_path}' (FORMAT parquet)")
    settings = CohortSettings(first_day=dt.date(2018, 1, 1))
    from_csv = run_cohort([str(csv_path)], settings)
    columns = ["person", "date", "entries", "energy_kcal", "magnesium_mg", "caffeine_mg", "vitamin_d_ug"]
    for path in (xpt_path, parquet_path):
        other = run_cohort([str(path)], settings)
        pd.testing.assert_frame_equal(other.person_days[columns], from_csv.person_days[columns])
        assert other.person_days["person"].tolist() == ["93703", "93704"]  # not 93703.0: the same people as CSV's
        other.close()
    from_csv.close()
