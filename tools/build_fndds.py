"""Build the survey-food table ``nutri/data/fndds_foods.csv`` and ``fndds_portions.csv`` from
USDA FNDDS 2.0 and SR28.

Where the files come from (both public domain, US government works):

* FNDDS 2.0 ASCII tables: the public repository ``sramzel/fndds2Parse``, folder ``assets/`` at
  commit 0e323f14bea84b44d932b7c555a341f44a9a68c6::

      git clone https://github.com/sramzel/fndds2Parse
      git -C fndds2Parse checkout 0e323f14bea84b44d932b7c555a341f44a9a68c6

  (the team's copy is ``../shared/fndds2``; ``$NUTRI_FNDDS_DIR`` also works);
* SR28 ASCII files: see ``tools/build_foods.py`` (``../shared/usda-sr28`` or ``$NUTRI_SR28_DIR``).

    python tools/build_fndds.py [FNDDS_DIR] [SR28_DIR]

Method. FNDDS 2.0 ships no nutrient values in that repository, only each survey food's recipe
(FnddsSRLink: grams of SR foods, or of other survey foods). Per food: the nutrients of its
ingredients summed (SR28 per-100 g values x grams / 100; a nested survey food contributes its own
computed per-100 g values), fat gained or lost in cooking (MoistureFatAdj fatChange, % of the
recipe weight, as grams of its typeOfFat food) added, then the moisture change (% of the recipe
weight) added to water and to the weight, and the totals scaled to 100 g of the food as eaten.
Limits: no retention factors (the files do not carry them): vitamins of cooked dishes are
overestimated by the cooking loss (typically 10-30% for thiamin and B6); minerals are unaffected.
FNDDS 2.0 has no vitamin D of its own: it is SR28's value of the ingredients. A nutrient is left
empty (unknown, never 0) when any ingredient lacks it, and every nutrient is empty when an
ingredient is an SR number retired before SR28 with no reliable successor
(``tools/fndds_sr_successors.csv`` lists the successors we use); the build report counts both.

The output is deterministic (same files -> same bytes); the test suite rebuilds and compares.
Only the standard library and pint are used (portion measures are classified as in
``tools/build_foods.py``).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_foods import NUTRIENT_COLUMNS, classified, number_text, read_sr28
from build_foods import build as build_sr28

ROOT = Path(__file__).resolve().parents[1]
EDITION = "USDA FNDDS 2.0"
ID_PREFIX = "fndds:"
COLUMNS = list(NUTRIENT_COLUMNS.values())
FOOD_HEADER = [
    "food_id",
    "description",
    "food_group",
    "category",
    "additional_descriptions",
    "same_as",
    *COLUMNS,
    "vitamin_d_basis",
]
SAME_AS_SHARE = 0.9  # a survey food whose recipe is at least this share of one SR28 food is that food
JUICE = re.compile(r"\b(?:juice|nectar)\b", re.I)  # drinks: their cup weighs what a liquid does
PORTION_HEADER = ["food_id", "seq", "amount", "measure", "grams", "unit", "kind", "ml"]
NEEDED = (
    "MainFoodDesc.txt",
    "AddFoodDesc.txt",
    "FnddsSRLink.txt",
    "FoodWeights.txt",
    "FoodPortionDesc.txt",
    "MoistureFatAdj.txt",
)
SIGNIFICANT = 4  # digits kept: the recipes are estimates, more would only grow the file

# FNDDS food codes: the first two digits name the group (FNDDS 2.0 documentation); the second
# value is our own category, the vocabulary SR28's food groups are mapped to as well.
CODE_GROUPS = {
    "11": ("Milk and milk drinks", "dairy_eggs"),
    "12": ("Cream and cream substitutes", "dairy_eggs"),
    "13": ("Milk desserts, sauces and gravies", "sweets"),
    "14": ("Cheeses", "dairy_eggs"),
    "20": ("Meat, NS as to type", "meat"),
    "21": ("Beef", "meat"),
    "22": ("Pork", "meat"),
    "23": ("Lamb, veal, game and other meat", "meat"),
    "24": ("Poultry", "poultry"),
    "25": ("Organ meats, sausages and lunchmeats", "cured_meats"),
    "26": ("Fish and shellfish", "fish"),
    "27": ("Meat, poultry, fish with nonmeat items (mixtures, sandwiches)", "mixed_dishes"),
    "28": ("Frozen and shelf-stable plate meals, soups and gravies", "mixed_dishes"),
    "31": ("Eggs", "dairy_eggs"),
    "32": ("Egg mixtures", "dairy_eggs"),
    "33": ("Egg substitutes", "dairy_eggs"),
    "35": ("Egg substitutes", "dairy_eggs"),
    "41": ("Legumes", "legumes"),
    "42": ("Nuts, nut butters and nut mixtures", "nuts_seeds"),
    "43": ("Seeds and seed mixtures", "nuts_seeds"),
    "44": ("Carob products", "sweets"),
    "50": ("Grain products, NFS", "grains"),
    "51": ("Yeast breads and rolls", "baked_goods"),
    "52": ("Quick breads", "baked_goods"),
    "53": ("Cakes, cookies, pies, pastries", "baked_goods"),
    "54": ("Crackers and salty snacks from grain products", "snacks"),
    "55": ("Pancakes, waffles, French toast", "baked_goods"),
    "56": ("Pastas, cooked cereals, rice", "grains"),
    "57": ("Cereals, not cooked or NS as to cooked", "breakfast_cereals"),
    "58": ("Grain mixtures, frozen plate meals, soups", "mixed_dishes"),
    "59": ("Meat substitutes", "legumes"),
    "61": ("Citrus fruits and juices", "fruits"),
    "62": ("Dried fruits", "fruits"),
    "63": ("Other fruits", "fruits"),
    "64": ("Fruit juices and nectars", "fruits"),
    "67": ("Fruits, baby food", "baby_foods"),
    "71": ("White potatoes and Puerto Rican starchy vegetables", "vegetables"),
    "72": ("Dark-green vegetables", "vegetables"),
    "73": ("Deep-yellow vegetables", "vegetables"),
    "74": ("Tomatoes and tomato mixtures", "vegetables"),
    "75": ("Other vegetables", "vegetables"),
    "76": ("Vegetables and mixtures, baby food", "baby_foods"),
    "77": ("Vegetables with meat, poultry, fish", "mixed_dishes"),
    "78": ("Mixtures mostly vegetables without meat", "vegetables"),
    "81": ("Fats", "fats_oils"),
    "82": ("Oils", "fats_oils"),
    "83": ("Salad dressings", "fats_oils"),
    "91": ("Sugars and sweets", "sweets"),
    "92": ("Nonalcoholic beverages", "beverages"),
    "93": ("Alcoholic beverages", "beverages"),
    "94": ("Water", "beverages"),
    "95": ("Formulated nutrition beverages", "beverages"),
}
# Among the mixtures (28xxx, 58xxx): soups, sauces and gravies are their own category, as in SR28;
# plate meals ("Chicken, fried, with potatoes, vegetable (frozen meal)") are a special category, like
# SR28's fast foods: a diary's "fried chicken" is not one unless it says meal or dinner.
SOUP_WORDS = re.compile(r"\b(soup|broth|chowder|gravy|sauce|bisque|stew type)\b", re.IGNORECASE)
# FNDDS pseudo-SR codes for pure additives: none of our nutrients is in them (ascorbic acid,
# cellulose), so they add weight only. Other pseudo codes (42062 "CALCIUM", 99992 "FAT USED IN
# PIZZA RECIPE") carry our nutrients in an unstated form and stay unknown.
ADDITIVES = {"42042": "added vitamin C (ascorbic acid)", "42066": "cellulose"}
LEADING_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?(?:/\d+)?|\d+ \d+/\d+)\s+(.+)$")


def read_fndds(path: Path) -> list[list[str]]:
    """An FNDDS 2.0 table without its first line (field names and types)."""
    return read_sr28(path)[1:]


def category_of(code: str, description: str) -> tuple[str, str]:
    group, category = CODE_GROUPS.get(code[:2], ("Other", "other"))
    if code.startswith(("28", "58")) and SOUP_WORDS.search(description):
        category = "soups_sauces"
    if "(frozen meal" in description.lower() or description.startswith("Frozen dinner"):
        category = "frozen_meals"
    if "baby food" in description.lower():
        category = "baby_foods"
    return group, category


def sr28_values(sr28_dir: Path) -> tuple[dict[str, dict[str, float | None]], frozenset[str]]:
    """SR28 per-100 g values exactly as in foods.csv (vitamin D from IU where SR28 only has IU), and
    the ids of its juices."""
    foods_text, _ = build_sr28(sr28_dir)
    values, juices = {}, set()
    for row in csv.DictReader(io.StringIO(foods_text)):
        values[row["food_id"]] = {c: (float(row[c]) if row[c] != "" else None) for c in COLUMNS}
        if JUICE.search(row["description"]):
            juices.add(row["food_id"])
    return values, frozenset(juices)


def read_successors(path: Path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["retired_sr"].zfill(5): row["sr28_id"].zfill(5) for row in csv.DictReader(handle)}


class Recipes:
    """Per-100 g nutrients of survey foods from their SR links, nested codes resolved recursively."""

    def __init__(self, fndds_dir: Path, sr: dict, successors: dict[str, str], juices: frozenset[str]) -> None:
        self.sr, self.successors, self.juices = sr, successors, juices
        self.links: dict[str, list[tuple[str, float]]] = {}
        for row in sorted(read_fndds(fndds_dir / "FnddsSRLink.txt"), key=lambda r: (r[0], int(r[3]))):
            self.links.setdefault(row[0], []).append((row[4], float(row[11])))
        self.adjust = {
            row[0]: (float(row[3] or 0), float(row[4] or 0), row[5])
            for row in read_fndds(fndds_dir / "MoistureFatAdj.txt")
        }
        self.values: dict[str, dict[str, float | None] | None] = {}
        self.retired = Counter()  # retired SR number -> survey foods left without nutrients by it
        self.retired_grams = 0.0
        self.successor_grams = 0.0

    def ingredient(self, code: str, grams: float, owner: str) -> dict[str, float | None] | None:
        """Per-100 g values of one ingredient code (None: unknown ingredient)."""
        if len(code) == 8 and code in self.links:
            return self.per100(code)
        sr_id = code.zfill(5)
        if sr_id in self.sr:
            return self.sr[sr_id]
        if sr_id in ADDITIVES:
            return dict.fromkeys(COLUMNS, 0.0)
        if sr_id in self.successors:
            self.successor_grams += grams
            return self.sr[self.successors[sr_id]]
        self.retired[sr_id] += 1
        self.retired_grams += grams
        return None

    def per100(self, code: str, stack: tuple[str, ...] = ()) -> dict[str, float | None] | None:
        if code in self.values:
            return self.values[code]
        if code in stack:
            raise ValueError(f"recipe cycle through {' -> '.join((*stack, code))}")
        totals: dict[str, float | None] = dict.fromkeys(COLUMNS, 0.0)
        weight, known = 0.0, True
        parts = [(c, g) for c, g in self.links.get(code, []) if g > 0]
        moisture, fat, fat_code = self.adjust.get(code, (0.0, 0.0, "0"))
        recipe_weight = sum(g for _c, g in parts)
        if fat and fat_code not in ("", "0"):
            parts.append((fat_code, recipe_weight * fat / 100))  # fat taken up (or lost) in cooking
        for part_code, grams in parts:
            values = (
                self.per100(part_code, (*stack, code))
                if part_code in self.links
                else self.ingredient(part_code, grams, code)
            )
            weight += grams
            if values is None:
                known = False
                continue
            for column in COLUMNS:
                if totals[column] is not None:
                    totals[column] = None if values[column] is None else totals[column] + values[column] * grams / 100
        if moisture:
            water_change = recipe_weight * moisture / 100
            weight += water_change
            if totals["water_g"] is not None:
                totals["water_g"] = max(totals["water_g"] + water_change, 0.0)
        if not known or weight <= 0:
            result = None
        else:
            result = {c: (None if v is None else v * 100 / weight) for c, v in totals.items()}
        self.values[code] = result
        return result

    def composition(self, code: str, stack: tuple[str, ...] = ()) -> dict[str, float]:
        """Share of each SR28 food in a survey food's recipe weight, nested survey foods flattened."""
        shares: dict[str, float] = {}
        parts = [(c, g) for c, g in self.links.get(code, []) if g > 0]
        total = sum(g for _c, g in parts) or 1.0
        for part_code, grams in parts:
            if part_code in self.links and part_code not in stack:
                for sr_id, share in self.composition(part_code, (*stack, code)).items():
                    shares[sr_id] = shares.get(sr_id, 0.0) + share * grams / total
            else:
                sr_id = self.successors.get(part_code.zfill(5), part_code.zfill(5))
                shares[sr_id] = shares.get(sr_id, 0.0) + grams / total
        return shares

    def same_as(self, code: str, description: str) -> str:
        """The SR28 food a survey food is: one ingredient making most of it, unchanged by cooking
        (no moisture or fat change: "Cod, baked or broiled" is raw cod made 20% drier), or ''."""
        moisture, fat, _fat_code = self.adjust.get(code, (0.0, 0.0, "0"))
        if moisture or fat:
            return ""
        shares = self.composition(code)
        sr_id, share = max(sorted(shares.items()), key=lambda kv: kv[1], default=("", 0.0))
        if share < SAME_AS_SHARE or sr_id not in self.sr:
            return ""
        # a juice is no whole food: "Watermelon juice" is recipe-linked to raw watermelon (the same per
        # gram) but a cup of it weighs what a liquid does, not the diced fruit's 152 g
        if JUICE.search(description) and sr_id not in self.juices:
            return ""
        # water is what instant coffee, reconstituted milk or gravy are made up with, not what they
        # are: a survey food mostly of water is water only when it brings no energy or caffeine
        water, own = self.sr[sr_id], self.per100(code) or {}
        plain_water = (water["energy_kcal"] or 0) == 0 and (water["water_g"] or 0) >= 99.5
        if plain_water and ((own.get("energy_kcal") or 0) >= 1 or (own.get("caffeine_mg") or 0) > 0):
            return ""
        return sr_id


def rounded(value: float | None) -> str:
    if value is None:
        return ""
    return number_text(f"{value:.{SIGNIFICANT}g}") if abs(value) >= 1e-9 else "0"


def portion_rows(fndds_dir: Path, codes: set[str]) -> list[list[str]]:
    """FoodWeights (the food's own portions, subcode 0) with FoodPortionDesc text as amount + measure."""
    described = {row[0]: row[3] for row in read_fndds(fndds_dir / "FoodPortionDesc.txt")}
    rows = []
    for row in read_fndds(fndds_dir / "FoodWeights.txt"):
        code, subcode, seq, portion_code, grams = row[0], row[1], row[2], row[3], row[6]
        if subcode != "0" or code not in codes or float(grams or 0) <= 0:
            continue  # subcodes are brand variants; weight 0 means no default portion
        text = described[portion_code].strip()
        if text.lower().startswith("guideline amount"):
            continue  # how much of this food goes into another one ("per fl oz of beverage"), not a portion of it
        amount, measure = "1", text
        found = LEADING_AMOUNT.match(text)
        if found:
            number = found.group(1)
            whole, _, fraction = number.rpartition(" ")
            top, _, bottom = fraction.partition("/")
            value = float(top) / float(bottom) if bottom else float(top)
            amount, measure = number_text(str(round(float(whole or 0) + value, 4))), found.group(2)
        rows.append([ID_PREFIX + code, seq, amount, measure, number_text(grams), *classified(amount, measure)])
    return sorted(rows, key=lambda r: (r[0], int(r[1])))


def build(fndds_dir: Path, sr28_dir: Path, successors_path: Path) -> tuple[str, str, list[str]]:
    sr, juices = sr28_values(sr28_dir)
    recipes = Recipes(fndds_dir, sr, read_successors(successors_path), juices)
    extra: dict[str, list[str]] = {}
    for row in sorted(read_fndds(fndds_dir / "AddFoodDesc.txt"), key=lambda r: (r[0], int(r[1]))):
        if row[4].strip() and row[4].strip() not in extra.get(row[0], []):
            extra.setdefault(row[0], []).append(row[4].strip())
    foods = io.StringIO()
    writer = csv.writer(foods, lineterminator="\n")
    writer.writerow(FOOD_HEADER)
    unknown = Counter()
    mains = sorted(read_fndds(fndds_dir / "MainFoodDesc.txt"), key=lambda r: r[0])
    for code, _start, _end, description, *_rest in mains:
        values = recipes.per100(code)
        group, category = category_of(code, description)
        if values is None:
            unknown["every nutrient (an ingredient is a retired SR number)"] += 1
            values = dict.fromkeys(COLUMNS)
        else:
            for column in COLUMNS:
                unknown[f"{column} (an SR28 ingredient has no value)"] += values[column] is None
        basis = "sr28_ingredients" if values["vitamin_d_ug"] is not None else ""
        writer.writerow(
            [
                ID_PREFIX + code,
                description,
                group,
                category,
                "; ".join(extra.get(code, [])),
                recipes.same_as(code, description),
                *(rounded(values[c]) for c in COLUMNS),
                basis,
            ]
        )
    portions = io.StringIO()
    writer = csv.writer(portions, lineterminator="\n")
    writer.writerow(PORTION_HEADER)
    writer.writerows(portion_rows(fndds_dir, {r[0] for r in mains}))
    total_grams = sum(g for parts in recipes.links.values() for _c, g in parts)
    report = [
        f"{EDITION}: {len(mains)} survey foods",
        (
            f"retired SR numbers without a reliable SR28 successor: {len(recipes.retired)} "
            f"({recipes.retired_grams / total_grams:.1%} of all ingredient weight); "
            f"mapped to a successor: {recipes.successor_grams / total_grams:.1%} of the weight"
        ),
        *(f"  foods with unknown {name}: {count}" for name, count in unknown.items() if count),
    ]
    return foods.getvalue(), portions.getvalue(), report


def first_dir(given: Path | None, variable: str, shared: str, marker: str) -> Path | None:
    candidates = [
        given,
        Path(os.environ[variable]) if os.environ.get(variable) else None,
        ROOT.parent / "shared" / shared,
        Path("/work/shared") / shared,
    ]
    return next((c for c in candidates if c is not None and (c / marker).is_file()), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "fndds_dir", type=Path, nargs="?", help="FNDDS 2.0 folder (default $NUTRI_FNDDS_DIR or ../shared/fndds2)"
    )
    parser.add_argument(
        "sr28_dir", type=Path, nargs="?", help="SR28 ASCII folder (default $NUTRI_SR28_DIR or ../shared/usda-sr28)"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "nutri" / "data", help="folder for fndds_foods.csv and fndds_portions.csv"
    )
    parser.add_argument("--successors", type=Path, default=Path(__file__).resolve().parent / "fndds_sr_successors.csv")
    args = parser.parse_args(argv)
    fndds_dir = first_dir(args.fndds_dir, "NUTRI_FNDDS_DIR", "fndds2", "MainFoodDesc.txt")
    sr28_dir = first_dir(args.sr28_dir, "NUTRI_SR28_DIR", "usda-sr28", "FOOD_DES.txt")
    if fndds_dir is None or sr28_dir is None:
        print(
            "error: no FNDDS 2.0 or SR28 folder; pass FNDDS_DIR SR28_DIR "
            "or set NUTRI_FNDDS_DIR and NUTRI_SR28_DIR (see --help)",
            file=sys.stderr,
        )
        return 1
    missing = [n for n in NEEDED if not (fndds_dir / n).is_file()]
    if missing:
        print(f"error: {fndds_dir} lacks {', '.join(missing)}; point to the FNDDS 2.0 ASCII folder", file=sys.stderr)
        return 1
    foods, portions, report = build(fndds_dir, sr28_dir, args.successors)
    (args.out / "fndds_foods.csv").write_text(foods, encoding="utf-8", newline="")
    (args.out / "fndds_portions.csv").write_text(portions, encoding="utf-8", newline="")
    print("\n".join(report))
    print(
        f"wrote {args.out / 'fndds_foods.csv'} and {args.out / 'fndds_portions.csv'} "
        f"({portions.count(chr(10)) - 1} portions)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
