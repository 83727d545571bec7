import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import workbook, write
from openpyxl import Workbook

from nutri.diary import parse_date, read_diary
from nutri.errors import DiaryFormatError, UnreadableInputError

# the real header lines (Cronometer servings export 2023, MacroFactor food log 2026)
CRONOMETER_HEADER = "Day,Time,Group,Food Name,Amount,Energy (kcal),Oxalate (mg),Water (g),B1 (Thiamine) (mg),B2 (Riboflavin) (mg),B3 (Niacin) (mg),B5 (Pantothenic Acid) (mg),B6 (Pyridoxine) (mg),B12 (Cobalamin) (µg),Alpha-carotene (µg),Beta-carotene (µg),Beta-cryptoxanthin (µg),Choline (mg),Folate (µg),Lutein+Zeaxanthin (µg),Lycopene (µg),Vitamin A (µg),Vitamin C (mg),Vitamin D (IU),Vitamin E (mg),Vitamin K (µg),Calcium (mg),Copper (mg),Iodine (µg),Iron (mg),Magnesium (mg),Manganese (mg),Phosphorus (mg),Potassium (mg),Selenium (µg),Sodium (mg),Zinc (mg),Carbs (g),Fiber (g),Fructose (g),Starch (g),Sucrose (g),Sugars (g),Net Carbs (g),Fat (g),Cholesterol (mg),Monounsaturated (g),Polyunsaturated (g),Saturated (g),Trans-Fats (g),Omega-3 (g),Omega-6 (g),Alanine (g),Arginine (g),Aspartic acid (g),Cystine (g),Glutamic acid (g),Glycine (g),Histidine (g),Hydroxyproline (g),Isoleucine (g),Leucine (g),Lysine (g),Methionine (g),Phenylalanine (g),Proline (g),Protein (g),Serine (g),Threonine (g),Tryptophan (g),Tyrosine (g),Valine (g),Category"
MACROFACTOR_HEADER = 'Date,Time,Food Name,Serving Size,Serving Qty,Serving Weight (g),Calories (kcal),Fat (g),Carbs (g),Protein (g),Alcohol (g),"B12, Cobalamin (mcg)","B1, Thiamine (mg)","B2, Riboflavin (mg)","B3, Niacin (mg)","B5, Pantothenic Acid (mg)","B6, Pyridoxine (mg)",Caffeine (mg),Calcium (mg),Cholesterol (mg),Choline (mg),Copper (mg),Cysteine (g),Monounsaturated Fat (g),Polyunsaturated Fat (g),Saturated Fat (g),Trans Fat (g),Fiber (g),Folate (mcg),Histidine (g),Iron (mg),Isoleucine (g),Leucine (g),Lysine (g),Magnesium (mg),Manganese (mg),Methionine (g),Omega-3 ALA (g),Omega-3 DHA (g),Omega-3 EPA (g),Omega-3 (g),Omega-6 (g),Phenylalanine (g),Phosphorus (mg),Potassium (mg),Selenium (mcg),Sodium (mg),Starch (g),Sugars (g),Sugars Added (g),Threonine (g),Tryptophan (g),Tyrosine (g),Valine (g),Vitamin A (mcg),Vitamin C (mg),Vitamin D (mcg),Vitamin E (mg),Vitamin K (mcg),Water (g),Zinc (mg)'
LOSEIT_HEADER = "Date,Name,Icon,Meal,Quantity,Units,Calories,Deleted,Fat (g),Protein (g),Carbohydrates (g),Saturated Fat (g),Sugars (g),Fiber (g),Cholesterol (mg),Sodium (mg)"


def csv_row(header: str, **values) -> str:
    """One CSV line under ``header`` with the named cells filled (by header name) and the rest blank."""
    names = next(csv.reader([header]))
    cells = [values.get(name, "") for name in names]
    assert len(values) == sum(1 for name in names if name in values), "unknown header in test row"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def cronometer(**values) -> str:
    return csv_row(CRONOMETER_HEADER, **values)


def test_cronometer_servings(tmp_path, table, matcher):
    from nutri.intake import analyse

    path = write(
        tmp_path / "servings.csv",
        CRONOMETER_HEADER
        + "\n"
        + cronometer(
            **{
                "Day": "2023-09-17",
                "Time": "9:00 AM",
                "Group": "Staples",
                "Food Name": "Spinach, Raw",
                "Amount": "1.00 cup",
                "Energy (kcal)": "6.9",
                "Water (g)": "27.4",
                "B1 (Thiamine) (mg)": "0.02",
                "B6 (Pyridoxine) (mg)": "0.06",
                "B12 (Cobalamin) (µg)": "0.00",
                "Vitamin D (IU)": "0.00",
                "Calcium (mg)": "29.70",
                "Magnesium (mg)": "23.70",
                "Category": "Vegetables and Vegetable Products",
            }
        )
        + cronometer(
            **{
                "Day": "2023-09-17",
                "Group": "Supplements",
                "Food Name": "Vitamin D3",
                "Amount": "2.00 softgel",
                "Vitamin D (IU)": "2000.00",
            }
        )
        + cronometer(
            **{
                "Day": "2016-9-26",
                "Food Name": "Bear Naked Granola",
                "Amount": "0.52 Serving (22 tsp, whole pieces)",
                "Energy (kcal)": "133.64",
            }
        ),
    )
    diary = read_diary(path)
    assert diary.layout == "cronometer"
    assert list(diary.entries["date"]) == ["2023-09-17", "2023-09-17", "2016-09-26"]
    assert diary.entries.at[1, "export_vitamin_d_ug"] == 50.0  # 2000 IU / 40
    result = analyse(diary, table, matcher)
    assert result.at[0, "food_id"] == "11457" and result.at[0, "grams"] == pytest.approx(30)
    assert result.at[0, "magnesium_mg"] == pytest.approx(23.7)  # the export's own value
    assert result.at[0, "origin"] == "export+table"
    assert result.at[1, "vitamin_d_ug"] == 50.0
    from nutri.intake import daily_totals

    unmatched = result.iloc[2]
    assert unmatched["status"] in ("unmatched", "needs_review") and unmatched["energy_kcal"] == pytest.approx(133.64)
    if unmatched["status"] == "unmatched":  # the app's own values still count toward the day
        assert daily_totals(result).set_index("date").at["2016-09-26", "energy_kcal"] == pytest.approx(133.64)
    table_only = analyse(diary, table, matcher, nutrients_from="table")
    assert table_only.at[0, "magnesium_mg"] == pytest.approx(23.7)
    assert table_only.at[0, "calcium_mg"] == pytest.approx(29.7)


def test_macrofactor_uses_serving_weight(tmp_path, table, matcher):
    from nutri.intake import analyse

    row = csv_row(
        MACROFACTOR_HEADER,
        **{
            "Date": "2026-10-05",
            "Time": "08:01",
            "Food Name": "Almonds",
            "Serving Size": "1 oz",
            "Serving Qty": "1",
            "Serving Weight (g)": "28.35",
            "Calories (kcal)": "164",
            "B12, Cobalamin (mcg)": "0",
            "B1, Thiamine (mg)": "0.06",
            "B6, Pyridoxine (mg)": "0.04",
            "Caffeine (mg)": "0",
            "Calcium (mg)": "76",
            "Magnesium (mg)": "76.5",
            "Water (g)": "1.2",
        },
    )
    path = write(tmp_path / "mf.csv", "\ufeff" + MACROFACTOR_HEADER + "\n" + row)
    diary = read_diary(path)
    assert diary.layout == "macrofactor" and diary.encoding == "utf-8-sig"
    result = analyse(diary, table, matcher)
    assert result.at[0, "grams"] == pytest.approx(28.35)
    assert result.at[0, "magnesium_mg"] == 76.5 and result.at[0, "vitamin_b12_ug"] == 0.0
    assert result.at[0, "vitamin_d_ug"] == pytest.approx(0.0)  # blank in export: filled from the table (almonds 0)


def test_loseit_deleted_rows_are_skipped(tmp_path, table, matcher):
    from nutri.intake import analyse

    path = write(
        tmp_path / "food-logs.csv",
        LOSEIT_HEADER
        + "\n11/20/2026,Banana,Banana,Breakfast,1,Medium,105,false,0.4,1.3,27,n/a,14,3.1,0,1\n11/20/2026,Pizza,Pizza,Dinner,2,Slice,999,true,n/a,n/a,n/a,n/a,n/a,n/a,n/a,n/a\n",
    )
    diary = read_diary(path)
    assert diary.layout == "loseit"
    result = analyse(diary, table, matcher)
    assert list(result["status"]) == ["matched", "skipped"]
    assert result.at[0, "grams"] == pytest.approx(118) and result.at[0, "date"] == "2026-11-20"
    assert "deleted" in result.at[1, "note"]


def test_header_below_title_rows_blank_rows_and_semicolons(tmp_path):
    path = write(
        tmp_path / "diary.csv",
        "Food diary of Ann;;;\n;;;\nDatum;Meal;Food;Amount;Unit\n16.11.2026;Breakfast;milk;0,25;l\n\n17.11.2026;Lunch;spinach;1;cup\n",
        "cp1252",
    )
    diary = read_diary(path)
    assert diary.header_row == 3 and diary.blank_rows == 1
    assert list(diary.entries["amount_text"]) == ["0,25", "1"]


def test_columns_override_and_missing_food_column(tmp_path):
    path = write(tmp_path / "d.csv", "When,Consumed,How much\n2026-11-16,banana,1\n")
    with pytest.raises(
        DiaryFormatError, match=r"no food column found \(headers seen: 'When', 'Consumed', 'How much'\)"
    ) as caught:
        read_diary(path)
    # the core names the setting, never a command-line flag; the CLI turns it into --columns
    assert (caught.value.option, caught.value.option_value) == ("columns", "food=HEADER") and "--" not in str(
        caught.value
    )
    diary = read_diary(path, columns={"food": "Consumed", "date": "When", "amount": "How much"})
    assert diary.entries.at[0, "input"] == "banana" and diary.entries.at[0, "date"] == "2026-11-16"


def test_xlsx_with_title_rows_and_datetime_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Notes"
    sheet.append(["nothing here"])
    diary_sheet = book.create_sheet("Diary")
    diary_sheet.append(["My diary"])
    diary_sheet.append(["Date", "Food", "Qty", "Unit"])
    diary_sheet.append([dt.datetime(2026, 11, 16), "banana", 1, "medium"])
    diary_sheet.append([46000, "spinach", 2, "cups"])
    book.save(tmp_path / "d.xlsx")
    diary = read_diary(tmp_path / "d.xlsx")
    assert diary.sheet == "Diary" and diary.header_row == 2
    assert list(diary.entries["date"]) == ["2026-11-16", "2025-12-09"]


@pytest.mark.parametrize(
    "value, dayfirst, expected",
    [
        ("2016-9-26", False, "2016-09-26"),
        ("11/20/2026", False, "2026-11-20"),
        ("20/11/2026", True, "2026-11-20"),
        ("20.11.2026", False, "2026-11-20"),
        (45000, False, "2023-03-15"),
        ("Mon 16 Nov 2026", False, "2026-11-16"),
        # year first, in any separator, and survey exports' basic form
        ("2024/03/04", True, "2024-03-04"),
        ("2024.03.04", False, "2024-03-04"),
        ("20240304", False, "2024-03-04"),
        # SAS's DATE9 and a spreadsheet's d-mmm-yyyy; long dates with the weekday
        ("04MAR2024", False, "2024-03-04"),
        ("4-Mar-2024", True, "2024-03-04"),
        ("Monday, March 4, 2024", False, "2024-03-04"),
        ("Mon Mar 4 2024", False, "2024-03-04"),
        # two-digit years (ASA24's Totals write "1/18/22 0:00")
        ("1/18/22 0:00", False, "2022-01-18"),
        ("4/3/24", True, "2024-03-04"),
        ("04.03.24", False, "2024-03-04"),
        ("12/31/99", False, "1999-12-31"),
    ],
)
def test_dates(value, dayfirst, expected):
    assert parse_date(value, dayfirst) == (expected, "")


def test_impossible_and_unreadable_dates():
    assert parse_date("2026-02-30", False)[1] == "date '2026-02-30' does not exist"
    assert parse_date("next tuesday", False)[0] == ""
    assert parse_date("20241304", False)[1] == "date '20241304' does not exist"
    assert parse_date("12345678", False)[0] == "" and parse_date("2024-03/04", False)[0] == ""


def test_slash_dates_decided_by_the_files_evidence(tmp_path):
    path = write(tmp_path / "d.csv", "Date,Food\n03/04/2026,banana\n25/04/2026,apple\n")
    assert list(read_diary(path).entries["date"]) == ["2026-04-03", "2026-04-25"]
    path = write(tmp_path / "e.csv", "Date,Food\n03/04/2026,banana\n")
    assert list(read_diary(path).entries["date"]) == ["2026-03-04"]
    assert list(read_diary(path, dayfirst=True).entries["date"]) == ["2026-04-03"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "the file is empty"),
        ("binary.csv", bytes(range(256)) * 40, "binary data"),
        ("text.xlsx", b"Date,Food\n2026-01-01,apple\n", "not a real .xlsx workbook"),
        ("workbook.csv", b"PK\x03\x04rest", "rename it to .xlsx"),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(UnreadableInputError, match=message):
        read_diary(tmp_path / name)


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(UnreadableInputError, match="no such file"):
        read_diary(tmp_path / "nope.csv")
    with pytest.raises(UnreadableInputError, match="is a directory"):
        read_diary(tmp_path)


@pytest.mark.parametrize(
    "text, column, amount",
    [
        ("Vitamin D3, 1000 IU", "vitamin_d_ug", 25.0),
        ("magnesium glycinate 200 mg", "magnesium_mg", 200.0),
        ("vitamin B12 500 mcg", "vitamin_b12_ug", 500.0),
        ("calcium carbonate 600 mg", "calcium_mg", 600.0),
        ("Vitamin B6 25mg", "vitamin_b6_mg", 25.0),
        ("thiamine 100 mg", "thiamin_mg", 100.0),
    ],
)
def test_supplement_doses(tmp_path, table, matcher, text, column, amount):
    from nutri.intake import analyse, daily_totals

    path = write(tmp_path / "d.csv", f'Date,Food\n2026-11-16,"{text}"\n2026-11-16,spinach 100 g\n')
    result = analyse(read_diary(path), table, matcher)
    row = result.iloc[0]
    assert row["food_id"] == "supplement:" + column.rsplit("_", 1)[0] and row["status"] == "matched"
    assert row[column] == pytest.approx(amount) and bool(row["supplemental"]) and "supplemental intake" in row["note"]
    assert pd.isna(row["grams"])
    day = daily_totals(result).iloc[0]
    assert day["magnesium_mg_supplemental"] == (200.0 if column == "magnesium_mg" else 0.0)
    assert day[column + "_coverage"] == 1.0  # coverage is about food grams; the dose is known


def test_supplement_words_in_foods_are_foods(tmp_path, table, matcher):
    from nutri.intake import analyse

    path = write(
        tmp_path / "d.csv",
        "Date,Food,Amount,Unit\n2026-11-16,calcium fortified orange juice,250,ml\n2026-11-16,vitamin d,2,softgel\n",
    )
    result = analyse(read_diary(path), table, matcher)
    assert result.at[0, "food_id"] == "09210" and not result.at[0, "supplemental"]
    assert result.at[1, "status"] == "needs_review" and result.at[1, "food_id"] == ""  # no dose given: never a guess
    assert "names a supplement but gives no dose" in result.at[1, "note"]


def test_cronometer_quick_add_rows(tmp_path, table, matcher):
    from nutri.intake import analyse, daily_totals

    path = write(
        tmp_path / "servings.csv",
        CRONOMETER_HEADER
        + "\n"
        + cronometer(
            **{
                "Day": "2023-09-17",
                "Group": "Notes",
                "Food Name": "Calorie",
                "Amount": "800.00 1",
                "Energy (kcal)": "800.0",
            }
        ),
    )
    result = analyse(read_diary(path), table, matcher)
    assert (
        result.at[0, "status"] == "unmatched" and "quick-add" in result.at[0, "note"] and result.at[0, "food_id"] == ""
    )
    assert daily_totals(result).at[0, "energy_kcal"] == 800.0  # the app's energy still counts


def test_ods_and_named_sheet(tmp_path):
    book = Workbook()
    book.active.title = "Summary"
    book.active.append(["Totals only"])
    sheet = book.create_sheet("Week 47")
    sheet.append(["Date", "Food", "Amount", "Unit"])
    sheet.append(["2026-11-16", "banana", 1, "medium"])
    book.save(tmp_path / "d.xlsx")
    assert read_diary(tmp_path / "d.xlsx", sheet="Week 47").entries.at[0, "input"] == "banana"
    with pytest.raises(Exception, match="no sheet named 'Week 48'; sheets are: Summary, Week 47"):
        read_diary(tmp_path / "d.xlsx", sheet="Week 48")
    ods = Path(__file__).parent / "data" / "diary.ods"
    diary = read_diary(ods)
    assert diary.sheet == "Diary" and list(diary.entries["input"]) == ["1 1/2 cups spinach", "banana", "2% milk"]
    assert list(diary.entries["date"]) == ["2026-11-16", "2026-11-16", "2026-11-17"]


def test_asa24_items_file_is_read_by_its_own_headers_and_variables(tmp_path, table, matcher):
    """NCI's ASA24 Items file: the respondent, the recall's day, the FNDDS description, the grams eaten and
    ASA24's own nutrients (MAGN, VITD, ...: the registry's asa24_variable, in its units)."""
    from conftest import asa24_items

    from nutri.intake import analyse

    milk = {"KCAL": "149", "MOIS": "215.6", "CALC": "276", "MAGN": "24.4", "VITD": "3.2", "VB12": "1.1"}
    path = write(
        tmp_path / "Study_2025-02-24_30731_Items.csv",
        asa24_items(
            [
                {"UserName": "P01", "IntakeStartDateTime": "01/31/2025 0:00", "FoodCode": "11111000"}
                | {"FoodAmt": "244.0", "Food_Description": "Milk, whole", "ALC": "0.0", "CAFF": "0.0"}
                | milk,
                {"UserName": "P01", "IntakeStartDateTime": "02/16/2025 0:00", "FoodCode": "92101000"}
                | {"FoodAmt": "240", "Food_Description": "Coffee, brewed", "CAFF": "96", "MAGN": "7.2"},
            ]
        ),
    )
    diary = read_diary(path)
    assert diary.layout == "asa24"
    assert diary.columns == {
        "date": "IntakeStartDateTime",
        "person": "UserName",
        "food": "Food_Description",
        "food_code": "FoodCode",
        "grams": "FoodAmt",
    }
    assert diary.nutrient_headers["magnesium_mg"] == "MAGN" and diary.nutrient_headers["vitamin_d_ug"] == "VITD"
    assert diary.nutrient_headers["water_g"] == "MOIS" and diary.nutrient_headers["energy_kcal"] == "KCAL"
    result = analyse(diary, table, matcher)
    assert list(result["date"]) == ["2025-01-31", "2025-02-16"]
    assert list(result["grams"]) == [244.0, 240.0]
    milk_row = result.iloc[0]
    assert milk_row["magnesium_mg"] == 24.4 and milk_row["vitamin_d_ug"] == 3.2 and milk_row["water_g"] == 215.6
    assert milk_row["origin"].startswith("export")
    assert result.iloc[1]["caffeine_mg"] == 96.0 and result.iloc[1]["magnesium_mg"] == 7.2


def test_short_survey_variables_are_nutrients_only_in_their_layout(tmp_path):
    """'CALC' or 'ALC' in a hand-made sheet is whatever its author meant, not ASA24's calcium or alcohol."""
    path = write(tmp_path / "diary.csv", "Date,Food,Amount,Unit,CALC,ALC,MAGN\n2026-11-16,milk,1,cup,1,2,3\n")
    diary = read_diary(path)
    assert diary.layout == "generic" and diary.nutrient_headers == {}


@pytest.mark.parametrize(
    "header, what",
    [
        ("conftest:ASA24_TOTALS_HEADER", "ASA24 analysis file other than Items"),
        ("Date,Energy (kcal),Water (g),Magnesium (mg),Calcium (mg),Completed", "Daily Nutrition"),
        (
            "Date,Meal,Calories,Fat (g),Saturated Fat,Polyunsaturated Fat,Monounsaturated Fat,Trans Fat,Cholesterol,"
            "Sodium (mg),Potassium,Carbohydrates (g),Fiber,Sugar,Protein (g),Vitamin A,Vitamin C,Calcium,Iron,Note",
            "Nutrition Summary",
        ),
        ("Date,Food cals,Exercise cals,Budget cals,EER", "daily calorie summary"),
        ("Day,Group,Exercise,Minutes,Calories Burned", "exercises"),
        ("Day,Group,Metric,Unit,Amount", "biometrics"),
        ("Day,Group,Note", "notes"),
        ("SEQN,WTDRD1,DR2TKCAL,DR2TMAGN", "NHANES total nutrients file (DR2TOT"),
        ("Date,Value,Secondary Value,Last Updated", "water intake"),
        (
            "Name,UniqueId,Brand,Image,Quantity,Measure,Calories,Fat (g),Protein (g),Carbohydrates (g)",
            "custom foods",
        ),
    ],
)
def test_an_apps_other_exports_are_named_for_what_they_are(tmp_path, header, what):
    """Files an app exports beside its diary (day totals, supplements, custom foods) are no diary: the error
    says which file it is and where the diary is, rather than 'no food column' or 'no date column'."""
    from conftest import ASA24_TOTALS_HEADER

    from nutri.diary import CompanionFileError

    header = ASA24_TOTALS_HEADER if header.startswith("conftest:") else header
    width = len(header.split(","))
    path = write(tmp_path / "export.csv", header + "\n" + ",".join(["11/16/2026"] + ["1"] * (width - 1)) + "\n")
    with pytest.raises(CompanionFileError) as error:
        read_diary(path)
    assert what in str(error.value) and "export.csv" in str(error.value)


def test_a_diary_with_a_food_column_is_no_companion_whatever_else_it_holds(tmp_path):
    path = write(tmp_path / "diary.csv", "Date,Food,Energy (kcal),Completed\n2026-11-16,banana,105,true\n")
    assert read_diary(path).entries["input"].tolist() == ["banana"]


def test_asa24_ins_file_rows_are_supplements_taken_with_asa24s_values(tmp_path, table, matcher):
    """ASA24's INS file: every row is a supplement (its magnesium counts toward the UL's supplemental
    magnesium) whatever nutri makes of its name, and ASA24's values are the ones counted and said to be."""
    from conftest import ASA24_INS_HEADER, asa24_items

    from nutri.intake import analyse

    day = {"UserName": "P01", "IntakeStartDateTime": "01/31/2025 0:00", "SupplUnit": "Dose(s)", "SupplAmount": "1.0"}
    rows = [
        day | {"Suppl_Description": "GENERIC PRENATAL VITAMINS", "VITD": "20.1", "CALC": "200", "MAGN": "0.0"},
        day | {"Suppl_Description": "MAGNESIUM 250 MG", "SupplAmount": "2.0", "MAGN": "500", "VITD": "0.0"},
        day | {"Suppl_Description": "ELDERBERRY GUMMIES", "MAGN": "0.0", "VITD": "0.0"},
    ]
    diary = read_diary(write(tmp_path / "S_INS.csv", asa24_items(rows, ASA24_INS_HEADER)))
    assert diary.layout == "asa24-supplements"
    assert diary.columns["food"] == "Suppl_Description" and diary.columns["amount"] == "SupplAmount"
    result = analyse(diary, table, matcher)
    assert result["supplemental"].tolist() == [True, True, True]
    assert result["vitamin_d_ug"].tolist() == [20.1, 0.0, 0.0]  # ASA24's, not the generic prenatal's 15
    assert result["magnesium_mg"].tolist() == [0.0, 500.0, 0.0]
    assert set(result["origin"]) == {"export+supplement"} and set(result["uncounted"]) == {""}
    assert all(note.endswith("counted: the app's own values where it gives them") for note in result["note"])


def test_a_workbook_with_several_diary_sheets_is_refused_naming_them(tmp_path):
    """Weeks (or people) one a sheet: reading the first alone would leave the others out unsaid."""
    from nutri.errors import UsageError

    diary = [["Date", "Food", "Amount", "Unit"], ["2026-11-16", "banana", 1, "medium"]]
    path = workbook(tmp_path / "d.xlsx", {"Week 46": diary, "Week 47": diary, "Notes": [["nothing"]]})
    with pytest.raises(UsageError, match="sheets 'Week 46', 'Week 47' each hold a diary") as error:
        read_diary(path)
    assert "--sheet NAME" in str(error.value) and "--sheet '*'" in str(error.value)
    assert read_diary(path, sheet="Week 47").entries.at[0, "input"] == "banana"
    with pytest.raises(UsageError, match="names every sheet with a diary, not one"):
        read_diary(path, sheet="*")  # the reader reads one sheet; nutri.read_diaries reads each
    # a sheet of favourite foods (no date) or a header with no rows is no second diary
    favourites = [["Food", "Amount", "Unit"], ["almonds", 1, "oz"]]
    path = workbook(tmp_path / "e.xlsx", {"Favourites": favourites, "Diary": diary, "Template": diary[:1]})
    assert read_diary(path).sheet == "Diary"


def test_rows_without_a_readable_date_say_so(tmp_path, run):
    """A food record of day numbers ("Day 1", 2, 3) has no calendar dates: each row's reason is its date,
    not its amount, and the report's refusal shows what the date cells hold."""
    path = write(tmp_path / "record.csv", "Participant,Day,Food,Grams\n001,1,banana,118\n001,2,apple,182\n")
    assert run("match", path, "-o", tmp_path / "m.csv").exit_code == 0
    rows = pd.read_csv(tmp_path / "m.csv")
    assert rows["uncounted"].tolist() == ["invalid date", "invalid date"]
    report = run("report", path)
    assert report.exit_code == 2
    assert "no dated entries to report; row 2: date '1' is not a date nutri reads" in report.output
    cohort_folder = tmp_path / "cohort"
    cohort_folder.mkdir()
    (cohort_folder / "record.csv").write_bytes(path.read_bytes())
    pytest.importorskip("duckdb")
    cohort = run("cohort", cohort_folder, "-o", tmp_path / "out")
    assert cohort.exit_code == 2 and "the date cells read '1', '2': date '1' is not a date" in cohort.output


def test_negative_export_grams_are_said_to_be_ignored(tmp_path):
    path = write(tmp_path / "d.csv", "Date,Food,Grams\n2026-11-16,banana,-5\n2026-11-16,apple,abc\n")
    notes = read_diary(path).entries["pre_note"].astype(str).tolist()
    assert "grams -5 is negative; ignored" in notes[0] and "grams abc is not a number" in notes[1]


def test_a_date_column_under_a_header_of_its_own_is_found_by_its_values(tmp_path, run):
    """'Timestamp', 'Logged at', 'Fecha': a column of dates is the date column whatever its header; a
    column of amounts, ids or notes is not (bare numbers are no dates)."""
    path = write(
        tmp_path / "log.csv",
        "Entry,Logged at,Food,Amount,Unit,Notes\n"
        "45001,2026-11-16 08:30,banana,1,medium,at work\n"
        "45002,16.11.2026,milk,1,cup,\n"
        "45003,Nov 17 2026,apple,1,medium,snack 2026\n",
    )
    diary = read_diary(path)
    assert diary.columns["date"] == "Logged at" and diary.date_by_values
    assert diary.entries["date"].tolist() == ["2026-11-16", "2026-11-16", "2026-11-17"]
    matched = run("match", path, "-o", tmp_path / "m.csv")
    assert "dates from column 'Logged at', recognised by its values" in matched.output
    undated = write(tmp_path / "undated.csv", "Entry,Food,Amount,Unit\n45001,banana,1,medium\n45002,milk,1,cup\n")
    assert "date" not in read_diary(undated).columns
    refused = run("report", undated)
    assert refused.exit_code == 2 and "no column holds dates; name it Date" in refused.output
    assert read_diary(write(tmp_path / "d.csv", "Date,Food\n2026-11-16,banana\n")).date_by_values is False


def test_a_food_records_day_numbers_are_dates_from_its_first_day(tmp_path, run):
    """A 3-day food record dated 'Day 1', 'Day 2' (or 1, 2, 'D3'): with --first-day, day n is n-1 days on;
    without it, no row has a date and the refusal says what the cells hold."""
    from nutri.diary import parse_day

    first = dt.date(2026, 11, 16)
    assert [parse_day(v, False, first)[0] for v in ("Day 1", "day 2", "D3", 4, "5.0", "day #6")] == [
        "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21"
    ]  # fmt: skip
    assert parse_day("Day 400", False, first)[0] == "" and parse_day("2026-11-16", False, first)[0] == "2026-11-16"
    assert parse_day("Day 1", False)[0] == ""  # no first day: no date
    record = write(
        tmp_path / "record.csv", "Day,Food,Amount,Unit\nDay 1,banana,1,medium\nDay 1,milk,1,cup\nDay 3,apple,1,medium\n"
    )
    report = json.loads(run("report", record, "--first-day", "2026-11-16", "-f", "json", "-q").output)
    logged = [d["date"] for week in report["weeks"] for d in week["days"] if d["logged"]]
    assert logged == ["2026-11-16", "2026-11-18"]
    refused = run("report", record)
    assert (
        refused.exit_code == 2
        and "row 2: date 'Day 1' is a day number: give the date of day 1 with --first-day" in refused.output
    )
    wrong = run("report", record, "--first-day", "16/11/2026")
    assert wrong.exit_code == 2 and "--first-day '16/11/2026': give a date as YYYY-MM-DD" in wrong.output


def test_an_nhanes_individual_foods_file_is_one_day_of_each_persons_recalls(tmp_path):
    """NHANES's DR2IFF: each SEQN's day-2 foods as food codes with grams and the survey's own nutrients
    (DR2IMAGN, DR2IVD, DR2IALCO: ``nhanes_variable``); no dates, so the day is dated by --first-day."""
    from conftest import nhanes_foods

    row = {"SEQN": "93704", "IFDCD": "11111000", "IGRMS": "244", "IMAGN": "24.4", "IVD": "3.2", "IALCO": "0"}
    path = write(tmp_path / "DR2IFF_J.csv", nhanes_foods(2, [row]))
    diary = read_diary(path, first_day=dt.date(2018, 1, 1))
    entries = diary.entries
    assert diary.layout == "nhanes-day2"
    assert entries["date"].tolist() == ["2018-01-02"] and entries["person"].tolist() == ["93704"]
    assert entries["input"].tolist() == ["11111000"] and entries["food_code"].tolist() == ["11111000"]
    assert entries["grams_export"].tolist() == [244.0]
    assert entries[["export_magnesium_mg", "export_vitamin_d_ug", "export_alcohol_g"]].iloc[0].tolist() == [
        24.4,
        3.2,
        0,
    ]
    undated = read_diary(path).entries
    assert undated["date"].tolist() == [""]
    assert "date 'Day 2' is a day number: give the date of day 1 with --first-day" in undated["pre_note"].iloc[0]


def test_a_food_record_dated_by_day_numbers_says_to_give_its_first_day(tmp_path):
    path = write(tmp_path / "record.csv", "Date,Food,Grams\nDay 1,milk,200\n3,milk,200\n")
    notes = read_diary(path).entries["pre_note"].tolist()
    assert "'Day 1' is a day number: give the date of day 1 with --first-day YYYY-MM-DD" in notes[0]
    assert "--first-day" not in notes[1]  # a bare number may be anything: the general reason


def test_an_nhanes_sas_transport_file_is_read_as_the_csv_it_would_be(tmp_path):
    """NHANES publishes DR1IFF_J.XPT (SAS transport): read as the spreadsheet shows it, a whole number
    without '.0' (SEQN, the food code) and SAS's stand-in for zero (5.4e-79 as pandas reads it) as 0."""
    pyreadstat = pytest.importorskip("pyreadstat")  # the test extra: it writes the file nutri reads
    from conftest import nhanes_foods

    row = {"SEQN": "93704", "IFDCD": "11111000", "IGRMS": "244", "IMAGN": "24.4", "ICAFF": "0"}
    frame = pd.read_csv(io.StringIO(nhanes_foods(1, [row])))[["SEQN", "DR1IFDCD", "DR1IGRMS", "DR1IMAGN", "DR1ICAFF"]]
    path = tmp_path / "DR1IFF_J.XPT"
    pyreadstat.write_xport(frame.astype(float), str(path), table_name="DR1IFF_J", file_format_version=5)
    assert pd.read_sas(path, format="xport")["DR1ICAFF"].iloc[0] != 0  # SAS's stand-in, as the file holds it
    entries = read_diary(path, first_day=dt.date(2018, 1, 1)).entries
    assert entries[["person", "input", "date"]].iloc[0].tolist() == ["93704", "11111000", "2018-01-01"]
    assert entries[["export_magnesium_mg", "export_caffeine_mg", "grams_export"]].iloc[0].tolist() == [24.4, 0, 244]
    (tmp_path / "broken.xpt").write_bytes(b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000")
    with pytest.raises(UnreadableInputError, match="not a SAS transport file nutri can read"):
        read_diary(tmp_path / "broken.xpt")
    (tmp_path / "cut.xpt").write_bytes(path.read_bytes()[:-20])  # pandas would warn and read what is left
    with pytest.raises(UnreadableInputError, match="it looks cut short or damaged"):
        read_diary(tmp_path / "cut.xpt")


@pytest.mark.parametrize(
    "header",
    ["Day,What I ate,How much", "when,food eaten,portion", "Date,Foods,Serving", "Date,Dish,Amount eaten"],
)
def test_a_sheet_headed_as_people_head_their_own_is_read(tmp_path, header):
    path = write(tmp_path / "mine.csv", f"{header}\nMonday 5 Jan 2026,banana,1 medium\n2026-01-06,oatmeal,a cup\n")
    diary = read_diary(path)
    assert list(diary.entries["input"]) == ["banana", "oatmeal"]
    assert list(diary.entries["amount_text"]) == ["1 medium", "a cup"]
    assert list(diary.entries["date"]) == ["2026-01-05", "2026-01-06"]


@pytest.mark.parametrize(
    "text", ["Monday 5 Jan 2026", "Mon 5 January 2026", "Thurs, January 8, 2026", "Tue. 6 Jan 2026"]
)
def test_a_weekday_before_a_named_date_in_any_spelling(text):
    iso, why = parse_date(text, False)
    assert iso.startswith("2026-01-0") and not why, (iso, why)


def test_a_sheet_with_a_column_per_meal_is_read_as_a_row_per_food(tmp_path):
    # "Date, Breakfast, Lunch, Dinner": each cell lists its meal's foods (one a line, or ";" or ", ")
    path = workbook(
        tmp_path / "week.xlsx",
        {
            "Diary": [
                ["My food diary"],
                ["Date", "Breakfast", "Lunch", "Dinner", "Notes"],
                [dt.date(2026, 1, 5), "oatmeal; banana", "turkey sandwich", "salmon, rice", "tired"],
                [dt.date(2026, 1, 6), "2 eggs\ntoast", None, "pasta", ""],
            ]
        },
    )
    entries = read_diary(path).entries
    assert list(entries["input"]) == [
        "oatmeal",
        "banana",
        "turkey sandwich",
        "salmon",
        "rice",
        "2 eggs",
        "toast",
        "pasta",
    ]
    assert list(entries["meal"]) == ["Breakfast"] * 2 + ["Lunch"] + ["Dinner"] * 2 + ["Breakfast"] * 2 + ["Dinner"]
    assert list(entries["date"]) == ["2026-01-05"] * 5 + ["2026-01-06"] * 3
    assert list(entries["row"]) == [3] * 5 + [4] * 3  # the file's rows, for the match output


def test_a_food_column_wins_over_meal_columns(tmp_path):
    path = write(tmp_path / "d.csv", "Date,Food,Breakfast,Lunch\n2026-01-05,banana,x,y\n")
    assert list(read_diary(path).entries["input"]) == ["banana"]


def test_a_sheet_of_no_food_column_that_csv_cannot_split_keeps_its_own_error(tmp_path):
    # looking for meal columns reads the whole text with the csv module, which refuses a field over 128 KB
    path = write(tmp_path / "notes.csv", "Day,Notes\n2026-01-05," + "x" * 200_000 + "\n")
    with pytest.raises(DiaryFormatError, match="no food column found"):
        read_diary(path)


def test_a_row_of_a_meal_column_sheet_with_no_food_is_not_lost(tmp_path):
    # every input row appears in the output: a day with a note and no meal filled is a row with no food text
    path = write(tmp_path / "m.csv", "Date,Breakfast,Lunch,Notes\n2026-01-05,banana,,\n2026-01-06,,,tired\n\n")
    entries = read_diary(path).entries
    assert list(entries["input"]) == ["banana", ""] and list(entries["row"]) == [2, 3]
