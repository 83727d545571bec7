"""Which foods are rich in a nutrient (`nutri foods top`): both shipped tables ranked per typical
portion and per 100 kcal, optionally within a food group or one of the source document's food-source
categories, screened by the advice-safety table for a profile (nutri/advice.py).

A food's typical portion is its own portion (an SR28 or FNDDS measure) closest in ratio to a
household serving of its kind (nutri/data/serving_sizes.csv, FDA reference amounts): "1 oz (6
kernels) (28 g)", "1 cup (30 g)", never a multiple of a portion. Unknown values are left out of a
ranking, never counted as zero.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import asdict, dataclass, field, replace

import pandas as pd

from nutri.advice import (  # amount_text lives in advice: a report's gap closers need no food finder
    SafetyRule,
    Suggestion,
    Withheld,
    amount_text,
    category_foods,
    document,
    safety_rules,
    screen,
)
from nutri.dri import Profile
from nutri.errors import UsageError
from nutri.nutrients import ENERGY, NUTRIENTS, Nutrient
from nutri.quantity import reference_serving
from nutri.tables.base import CATEGORIES, SPECIAL_CATEGORIES, FoodTable

PER_CHOICES = ("portion", "100kcal")
PER_TITLES = {"portion": "per typical portion", "100kcal": "per 100 kcal"}
# Below this energy density 100 kcal is more than a litre or a kilogram (black coffee, tea, water,
# broth): "per 100 kcal" would rank drinks nobody eats 100 kcal of, so such foods are left out of
# that ranking (they stay in the per-portion one).
MIN_KCAL_PER_100G = 10.0
# Portions that are no household serving: package sizes, label servings, geometric sizes, and the
# survey's "Quantity not specified" (used only when a food has no other portion).
NOT_HOUSEHOLD = re.compile(
    r"^(quantity not specified|nlea|package|pkg|container|lb\b|quart|gallon)|cubic inch|surface inch|linear inch",
    re.I,
)
# Ingredients nobody eats as they are (powders, concentrates, leavening, flours, crude bran): per
# portion or per 100 kcal they would top every ranking and answer no "what should I eat?".
NOT_AS_EATEN = re.compile(
    r"\b(?:powder(?:ed)?|concentrated?|undiluted|leavening|unprepared|tablets|flour|crude|dehydrated)\b"
    r"|(?<!frozen )\bmeal\b(?! replacement)|\bmix(?:es)?\b.*\bdry\b|\bdry\b.*\bmix\b|\binstant\b(?!.*\bprepared\b)"
    r"|^(?:milk|whey|buttermilk|egg|cream)\b.*\bdr(?:y|ied)\b",
    re.I,
)
# A food whose closest own portion is more than this factor above a serving of its kind is shown
# at the serving weight itself (35 g of dry beans, not the 1 cup = 196 g its only portion holds).
# A smaller own portion stays: a teaspoon is how a concentrated form is used.
MAX_PORTION_RATIO = 2.0


def slug(text: str) -> str:
    """'Vitamin D' -> 'vitamin-d', 'vitamin_d' -> 'vitamin-d', 'Thiamin (B1)' -> 'thiamin-b1'."""
    return "-".join(re.findall(r"[a-z0-9]+", str(text).lower()))


def nutrient_names() -> dict[str, Nutrient]:
    """Every name a nutrient may be given by: its key, label, column and short heading, as slugs."""
    names: dict[str, Nutrient] = {}
    for n in NUTRIENTS:
        for name in filter(None, (n.key, n.label, n.column, n.short)):
            names.setdefault(slug(name), n)
    return names


def resolve_nutrient(text: str) -> Nutrient:
    found = nutrient_names().get(slug(text))
    if found is None:
        valid = ", ".join(slug(n.key) for n in NUTRIENTS)
        raise UsageError(f'unknown nutrient {text!r}; use one of {valid} (or its label, e.g. "vitamin D")')
    return found


# -- filters ----------------------------------------------------------------------------------


def document_categories() -> dict[str, list[tuple[str, dict]]]:
    """The source document's food-source categories by slug ("nuts", "oily-fish"), each with the
    (nutrient key, rule) pairs of the sections naming it; rules without foods (sunlight) are left out."""
    found: dict[str, list[tuple[str, dict]]] = {}
    for key, section in document()["nutrients"].items():
        for rule in section["sources"]:
            if rule.get("include"):
                found.setdefault(slug(rule["category"]), []).append((key, rule))
    return found


def category_ids(table: FoodTable, name: str, nutrient: Nutrient) -> set[str]:
    """Foods of a document category; the rule of the nutrient's own section when it names the
    category, else every section's rule of that name ("seeds" for magnesium and for thiamin)."""
    categories = document_categories()
    rules = categories.get(slug(name))
    if rules is None:
        raise UsageError(
            f"unknown category {name!r}; the source document's food categories are {', '.join(sorted(categories))}"
        )
    own = [rule for key, rule in rules if key == nutrient.key]
    ids: set[str] = set()
    for rule in own or [rule for _key, rule in rules]:
        ids.update(category_foods(table, rule).index)
    return ids


def group_mask(foods: pd.DataFrame, name: str) -> pd.Series:
    """Foods of one of our categories ("nuts_seeds", "nuts-seeds") or of table food groups whose
    name contains the text ("Nut and Seed", "poultry")."""
    key = slug(name).replace("-", "_")
    if key in CATEGORIES:
        return foods["category"] == key
    mask = foods["food_group"].str.lower().str.contains(name.strip().lower(), regex=False)
    if not name.strip() or not mask.any():
        raise UsageError(
            f"unknown food group {name!r}; use one of {', '.join(CATEGORIES)} "
            "or part of a table's food group name (e.g. 'Nut and Seed')"
        )
    return mask


# -- portions ---------------------------------------------------------------------------------


def household_grams(description: str, category: str) -> float:
    """The reference serving of a food's kind in grams (serving_sizes.csv; a drink's ml taken as grams,
    only to pick the closest household portion)."""
    return reference_serving(description, category).amount


def closest_household(portions: list[dict], reference: float) -> dict | None:
    """The household portion (no container or package) closest in ratio to a reference serving, a
    single measure and the table's order breaking ties; None when there is none or it is more than
    MAX_PORTION_RATIO times the serving. The report's advice and `nutri foods top` both use it."""
    household = [p for p in portions if float(p["grams"]) > 0 and not NOT_HOUSEHOLD.search(str(p["measure"]))]
    if not household:
        return None
    best = min(
        household,
        key=lambda p: (round(abs(math.log(float(p["grams"]) / reference)), 3), float(p["amount"]) != 1, int(p["seq"])),
    )
    return best if float(best["grams"]) <= reference * MAX_PORTION_RATIO else None


def typical_portion(table: FoodTable, food_id: str, description: str, category: str) -> tuple[str, float]:
    """(label with grams, grams): the food's own household portion closest to a serving of its kind,
    else the survey's usual amount ("Quantity not specified"), else the reference weight itself."""
    reference = household_grams(description, category)
    portions = [p for p in table.portions_of(food_id) if float(p["grams"]) > 0]
    household = [p for p in portions if not NOT_HOUSEHOLD.search(str(p["measure"]))]
    best = closest_household(portions, reference)
    if best is not None:
        grams = float(best["grams"])
        return f"{amount_text(float(best['amount']))} {best['measure']} ({grams:.0f} g)", grams
    usual = [p for p in portions if str(p["measure"]).lower().startswith("quantity not specified")]
    if usual and not household:
        return f"a usual serving ({float(usual[0]['grams']):.0f} g)", float(usual[0]["grams"])
    return f"{reference:g} g", reference


# -- ranking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopQuery:
    nutrient: Nutrient
    profile: Profile = field(default_factory=Profile)
    per: tuple[str, ...] = PER_CHOICES
    group: str | None = None
    category: str | None = None
    limit: int = 10
    all_forms: bool = False  # every preparation of a food, not only its best one


@dataclass(frozen=True)
class RankedFood:
    rank: int
    food_id: str
    food: str
    table: str  # "SR28", "FNDDS 2.0"
    food_group: str  # as the table names it
    portion: str  # "1 oz (6 kernels) (28 g)", or the advice-safety cap "at most 1-2 nuts (10 g)"
    grams: float
    amount: float  # nutrient in that portion
    per_100kcal: float | None  # None: energy unknown or too low to rank (MIN_KCAL_PER_100G)
    kcal: float | None  # energy of the portion
    note: str = ""  # advice-safety note for this profile
    rules: tuple[str, ...] = ()  # the advice-safety rules behind the note


@dataclass(frozen=True)
class TopFoods:
    nutrient: Nutrient
    profile: Profile
    rankings: dict[str, list[RankedFood]]
    left_out: list[Withheld]
    considered: int  # foods with a known, non-zero value after the filters
    filters: dict[str, str]


def candidate_foods(table: FoodTable, query: TopQuery) -> pd.DataFrame:
    """Foods of both tables with a known, non-zero value, after the group and category filters.
    A survey food that is one SR28 food (same_as) is that food again and is left out, and so are
    ingredients not eaten as they are (NOT_AS_EATEN); the special
    categories (baby, fast-food, restaurant, native, frozen meals) only when --group asks for them."""
    foods = table.foods
    column = query.nutrient.column
    # the group is looked up in the whole table: a group without this nutrient is empty, not unknown
    wanted = group_mask(foods, query.group) if query.group else ~foods["category"].isin(SPECIAL_CATEGORIES)
    foods = foods[wanted & foods[column].notna() & (foods[column] > 0) & (foods["same_as"] == "")]
    foods = foods[~foods["description"].str.contains(NOT_AS_EATEN)]
    if query.category:
        foods = foods[foods.index.isin(category_ids(table, query.category, query.nutrient))]
    return foods


def top_foods(table: FoodTable, query: TopQuery) -> TopFoods:
    nutrient = query.nutrient
    if nutrient is ENERGY:  # energy per 100 kcal is 100 for every food
        if query.per == ("100kcal",):
            raise UsageError("energy per 100 kcal is 100 kcal for every food; rank energy per portion")
        query = replace(query, per=("portion",))
    foods = candidate_foods(table, query)
    suggestions = []
    for food_id, description, category, per100 in zip(
        foods.index, foods["description"], foods["category"], foods[nutrient.column], strict=True
    ):
        portion, grams = typical_portion(table, food_id, description, category)
        suggestions.append(Suggestion(food_id, description, portion, grams, per100 * grams / 100.0, False))
    kept, withheld = screen(suggestions, query.profile, nutrient.key, foods["category"].to_dict())
    energy = foods[ENERGY.column]
    rows = []
    for s in kept:
        kcal_100g = energy.at[s.food_id]
        known = kcal_100g == kcal_100g
        dense = known and kcal_100g >= MIN_KCAL_PER_100G and nutrient is not ENERGY
        per_100kcal = foods.at[s.food_id, nutrient.column] / kcal_100g * 100.0 if dense else None
        rows.append((s, per_100kcal, kcal_100g * s.grams / 100.0 if known else None))
    rankings = {}
    for per in query.per:
        if per == "portion":
            ordered = sorted(rows, key=lambda r: (-r[0].amount, r[0].food_id))
        else:
            ordered = sorted((r for r in rows if r[1] is not None), key=lambda r: (-r[1], r[0].food_id))
        picked = _distinct(ordered, query.limit, query.all_forms)
        rankings[per] = [_ranked(table, foods, query, i, *r) for i, r in enumerate(picked, start=1)]
    filters = {k: v for k, v in (("group", query.group), ("category", query.category)) if v}
    return TopFoods(nutrient, query.profile, rankings, withheld, len(foods), filters)


# Words of a description segment that only say how a food is prepared or kept: "Nuts, almonds, dry
# roasted, without salt added", "Nuts, almonds, blanched" and "Nuts, almonds" are one food, almonds.
PREPARATION_WORDS = frozenset(
    """raw cooked boiled drained with without salt salted unsalted no added dry roasted toasted lightly blanched
    unblanched braised pan-fried fried simmered steamed poached baked broiled or grilled roast moist heat dried ns
    as to cooking method frozen canned solids and liquids unprepared prepared stewed microwaved regular plain
    whole fresh heated""".split()  # noqa: SIM905 - a word list reads better as text
)


def food_kind(description: str) -> str:
    """A description without its preparation segments: 'Spinach, cooked, boiled' -> 'spinach'."""
    segments = [seg.strip().lower() for seg in description.split(",")]
    kept = [seg for seg in segments if not set(re.findall(r"[a-z-]+", seg)) <= PREPARATION_WORDS]
    return ", ".join(kept or segments[:1])


def _distinct(ordered: list[tuple], limit: int, all_forms: bool) -> list[tuple]:
    """The first ``limit`` rows, one per food kind (its best preparation) unless ``all_forms``; even
    then one of foods differing only in a detail with no effect on the values (with or without salt)."""
    seen, picked = set(), []
    for row in ordered:
        s, per_100kcal = row[0], row[1]
        key = (
            (s.food.split(",")[0], f"{s.amount:.4g}", s.portion, None if per_100kcal is None else f"{per_100kcal:.4g}")
            if all_forms
            else food_kind(s.food)
        )
        if key not in seen:
            seen.add(key)
            picked.append(row)
        if len(picked) == limit:
            break
    return picked


def _ranked(
    table: FoodTable, foods: pd.DataFrame, query: TopQuery, rank: int, s: Suggestion, per_100kcal, kcal
) -> RankedFood:
    return RankedFood(
        rank,
        s.food_id,
        s.food,
        table.edition(s.food_id).short,
        str(foods.at[s.food_id, "food_group"]),
        s.portion,
        round(s.grams, 1),
        s.amount,
        per_100kcal,
        kcal,
        s.caution,
        tuple(r.rule for r in _noting_rules(s, foods, query)) if s.caution else (),
    )


def _noting_rules(s: Suggestion, foods: pd.DataFrame, query: TopQuery) -> list[SafetyRule]:
    """The rules that put a note or a cap on a food for this profile (screen() joined their texts)."""
    category = str(foods.at[s.food_id, "category"])
    return [
        r
        for r in safety_rules()
        if r.action != "exclude" and r.applies(query.profile) and r.matches(s.food, category, query.nutrient.key)
    ]


# -- output -----------------------------------------------------------------------------------


def _number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.{decimals}f}"


def records(result: TopFoods) -> list[dict]:
    """One flat record per ranked food and ranking (the CSV rows)."""
    out = []
    for per, foods in result.rankings.items():
        for f in foods:
            out.append({"ranking": per, **asdict(f), "unit": result.nutrient.unit})
    return out


CSV_COLUMNS = [
    "ranking",
    "rank",
    "food_id",
    "food",
    "table",
    "food_group",
    "portion",
    "grams",
    "amount",
    "unit",
    "per_100kcal",
    "kcal",
    "note",
]


def render_csv(result: TopFoods) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for record in records(result):
        for key in ("amount", "per_100kcal", "kcal"):
            record[key] = "" if record[key] is None else round(record[key], 3)
        writer.writerow(record)
    return buffer.getvalue()


def render_json(result: TopFoods) -> str:
    n = result.nutrient
    data = {
        "nutrient": {"key": n.key, "label": n.label, "unit": n.unit},
        "profile": result.profile.describe(),
        "filters": result.filters,
        "considered": result.considered,
        "rankings": {per: [{**asdict(f), "unit": n.unit} for f in foods] for per, foods in result.rankings.items()},
        "left_out": [asdict(w) for w in result.left_out],
        "min_kcal_per_100g": MIN_KCAL_PER_100G,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(result: TopFoods) -> str:
    n = result.nutrient
    where = "".join(f", {k} {v!r}" for k, v in result.filters.items())
    lines = [f"Foods richest in {n.label}{where}", f"Profile: {result.profile.describe()}"]
    if result.profile.assumed:
        lines[-1] += " (assumed: give --sex/--age for safety notes that fit you)"
    marks: list[str] = []  # advice-safety rules in order of first use; "*", "**", ...
    for per, foods in result.rankings.items():
        lines += ["", f"{n.label} {PER_TITLES[per]}:"]
        if not foods:
            lines.append("  (no food with a known value)")
        for f in foods:
            marks += [r for r in f.rules if r not in marks]
            mark = "".join(" " + "*" * (marks.index(r) + 1) for r in f.rules)
            value = f.amount if per == "portion" else f.per_100kcal
            extra = f.portion if per == "portion" else f"{_number(f.amount)} {n.unit} in {f.portion}"
            lines.append(f"{f.rank:>3}. {_number(value):>7} {n.unit:<4} {f.food}{mark}  [{f.table}]  {extra}")
    rules = {r.rule: r for r in safety_rules()}
    if marks:
        lines.append("")
        lines += [f"{'*' * (i + 1)} {rules[r].why} ({rules[r].source})" for i, r in enumerate(marks)]
    if result.left_out:
        names = ", ".join(sorted({w.rule for w in result.left_out}))
        lines += ["", f"Left out for this profile: {len(result.left_out)} foods (advice-safety rules: {names})."]
    if "100kcal" in result.rankings:
        lines.append(f"Per 100 kcal ranks foods of at least {MIN_KCAL_PER_100G:g} kcal per 100 g.")
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "csv": render_csv, "json": render_json}
