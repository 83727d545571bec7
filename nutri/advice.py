"""Shortfall advice from the source document: its food-source categories, each tied to a rule
that selects foods of foods.csv, ranked by nutrient per common portion, and gap closers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from nutri.dri import Profile, child_portion_factor, safety_ul
from nutri.tables.base import SPECIAL_CATEGORIES, FoodTable, data_file

COUNT_PER_CATEGORY = 4
# No gap closer for an average daily gap under this share of the RDA (or AI): a few percent is within
# what a week of records can tell apart, and "eat 3 oz of clams for 0.1 µg" is no advice (README).
MIN_GAP_SHARE = 0.05
# A gap closer is at most this many household portions of one food a day; a bigger gap is shared.
MAX_PORTIONS = 3.0
# Measures that halve sensibly ("1/2 cup"); a count ("1 large", "1 slice") is whole portions only.
COUNT_NOUNS = ("cup", "slice", "can", "block", "piece", "leaf", "stalk", "spear", "fillet", "patty", "bar", "link")
DIVISIBLE = re.compile(r"^(cup|tbsp|tsp|oz|fl oz|ml|g)\b", re.I)
CATEGORY_HEADS = frozenset(
    {
        "nuts",
        "seeds",
        "fish",
        "beverages",
        "cheese",
        "spices",
        "crustaceans",
        "mollusks",
        "cereals ready-to-eat",
        "cereals",
        "alcoholic beverage",
    }
)


class _Sections(dict):
    """The document's sections by nutrient; a registered nutrient it does not name (zinc, say) has an
    empty section: no food sources, symptoms or advice are invented for it."""

    def __missing__(self, key: str) -> dict:
        return {"sources": [], "symptoms": [], "advice": []}


@lru_cache(maxsize=1)
def document() -> dict:
    data = json.loads(data_file("document.json").read_text(encoding="utf-8"))
    data["nutrients"] = _Sections(data["nutrients"])
    return data


@dataclass(frozen=True)
class Suggestion:
    food_id: str
    food: str
    portion: str  # "1 oz (28 g)"
    grams: float
    amount: float  # nutrient in that portion
    in_diary: bool
    caution: str = ""  # advice-safety note (advice_safety.csv); a food with one is listed last, never a gap closer
    measure: str = (
        ""  # the household measure of ``portion`` ("cup, chopped"); "" once a safety cap or child portion reshaped it
    )
    measure_amount: float = 1.0  # how many of ``measure`` one portion is (0.5 for "1/2 cup")


def category_foods(table: FoodTable, rule: dict) -> pd.DataFrame:
    """Foods selected by a document category rule: our categories plus description patterns.
    Branded foods (capitalised brand words) and special categories are left out of advice."""
    # the rules' patterns are written against one table's descriptions (document.json names it)
    foods = table.only(document().get("food_table", "sr28"))
    if not rule.get("include"):
        return foods.iloc[0:0]
    if rule.get("categories"):
        foods = foods[foods["category"].isin(rule["categories"])]
    foods = foods[~foods["category"].isin(SPECIAL_CATEGORIES)]
    include = re.compile(rule["include"], re.I)
    exclude = re.compile(rule["exclude"], re.I) if rule.get("exclude") else None
    brand = re.compile(r"\b[A-Z][A-Z'&]{2,}\b")
    keep = [
        bool(include.search(d)) and not (exclude and exclude.search(d)) and not brand.search(d)
        for d in foods["description"]
    ]
    return foods[keep]


def household_portion(table: FoodTable, food_id: str, category: str) -> tuple[float, str, float]:
    """(amount, measure, grams): the food's own household portion closest in ratio to a serving of its
    kind (serving_sizes.csv, FDA reference amounts), as `nutri foods top` shows it; the serving weight
    itself when no own portion is near."""
    from nutri.food_finder import closest_household, household_grams

    reference = household_grams(str(table.description(food_id)), category)
    best = closest_household(table.portions_of(food_id), reference)
    if best is not None:
        return float(best["amount"]), str(best["measure"]), float(best["grams"])
    return reference, "g", reference


FRACTIONS = {0.25: "1/4", 0.33: "1/3", 0.5: "1/2", 0.67: "2/3", 0.75: "3/4"}


def amount_text(amount: float) -> str:
    """1 -> '1', 0.5 -> '1/2', 1.5 -> '1 1/2', 0.2 -> '0.2'."""
    whole, part = int(amount), round(amount - int(amount), 2)
    if part == 0:
        return str(whole)
    if part in FRACTIONS:
        return f"{whole} {FRACTIONS[part]}" if whole else FRACTIONS[part]
    return f"{amount:g}"


def portion_label(amount: float, measure: str, grams: float) -> str:
    """'1/2 cup (126 g)', '1 oz (23 whole kernels) (28 g)', '30 g'."""
    if measure == "g":
        return f"{grams:.0f} g"
    return f"{amount_text(amount)} {measure} ({grams:.0f} g)"


def common_portion(table: FoodTable, food_id: str, category: str) -> tuple[str, float]:
    """A household portion for display, with its grams (see :func:`household_portion`)."""
    amount, measure, grams = household_portion(table, food_id, category)
    return portion_label(amount, measure, grams), grams


def category_suggestions(table: FoodTable, nutrient_column: str, rule: dict) -> list[Suggestion]:
    """Every food of a category with a known, non-zero value, as a common portion and its amount.
    Independent of the diary, so a report computes it once per nutrient and category; for the shipped
    tables it is kept in the cache (keyed by nutri's code and data): a small report spent a third of its
    report building here."""
    from nutri.foods import load_foods

    if table is load_foods():
        from nutri.cache import cached, key_of, package_digest

        key = key_of([package_digest(), nutrient_column.encode(), json.dumps(rule, sort_keys=True).encode()])
        return cached("suggestions", key, lambda: _category_suggestions(table, nutrient_column, rule))
    return _category_suggestions(table, nutrient_column, rule)


def _category_suggestions(table: FoodTable, nutrient_column: str, rule: dict) -> list[Suggestion]:
    foods = category_foods(table, rule)
    foods = foods[foods[nutrient_column].notna() & (foods[nutrient_column] > 0)]
    suggestions = []
    for food_id, category, description, per100 in zip(
        foods.index, foods["category"], foods["description"], foods[nutrient_column], strict=False
    ):
        amount, measure, grams = household_portion(table, food_id, category)
        portion = portion_label(amount, measure, grams)
        suggestions.append(
            Suggestion(food_id, description, portion, grams, per100 * grams / 100.0, False, "", measure, amount)
        )
    return suggestions


def everyday_food_ids(table: FoodTable) -> frozenset[str]:
    """Foods people actually eat and buy: the targets of the curated aliases (milk, almonds,
    cooked spinach...). Advice shows these before rarities such as emu or nonfat mozzarella."""
    from nutri.foods import load_foods

    if table is load_foods():  # the shipped tables: kept in the cache (a report need not load the matcher's module)
        from nutri.cache import cached, key_of, package_digest

        return cached("everyday", key_of([package_digest()]), lambda: _curated_targets(table))
    return _curated_targets(table)


def _curated_targets(table: FoodTable) -> frozenset[str]:
    from nutri.match import read_aliases

    return frozenset(alias.food_id for alias in read_aliases(data_file("aliases.csv"), table, "curated").values())


def ranked_sources(
    suggestions: list[Suggestion],
    diary_food_ids: set[str],
    everyday: frozenset[str] = frozenset(),
    count: int = COUNT_PER_CATEGORY,
) -> list[Suggestion]:
    """Foods already in the diary first, then everyday foods, then the rest; within each by
    nutrient per portion; one per food head. A food with an advice-safety note (spinach for
    calcium, Brazil nuts) never takes one of those places: the best of them follows, with its note."""
    suggestions = sorted(
        (replace(s, in_diary=s.food_id in diary_food_ids) for s in suggestions),
        key=lambda s: (not s.in_diary, s.food_id not in everyday, -s.amount, s.food_id),
    )
    picked = _one_per_food([s for s in suggestions if not s.caution], count)
    return picked + _one_per_food([s for s in suggestions if s.caution], 1)


def _one_per_food(suggestions: list[Suggestion], count: int) -> list[Suggestion]:
    # one entry per food (its first comma segment, or two after a category word: "Nuts, almonds"),
    # so four kinds of nut, and not raw, cooked and frozen spinach side by side
    seen, picked = set(), []
    for s in suggestions:
        if len(picked) == count:
            break
        segments = s.food.split(",")
        head = ",".join(segments[:2]) if segments[0].strip().lower() in CATEGORY_HEADS else segments[0]
        if head in seen:
            continue
        if not s.in_diary:  # the diary's own form of a food does not hide a better form of it
            seen.add(head)
        picked.append(s)
    return picked


def portions_needed(s: Suggestion, gap: float) -> float:
    """The fewest household portions (halves of a divisible measure, else whole ones) that close the
    gap, at most MAX_PORTIONS."""
    steps = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0) if s.measure and DIVISIBLE.match(s.measure) else (1.0, 2.0, 3.0)
    steps = tuple(k for k in steps if k <= MAX_PORTIONS)
    return next((k for k in steps if k * s.amount >= gap), steps[-1])


def amount_said(s: Suggestion, portions: float) -> str:
    """The amount as people say it: '1/4 cup (63 g)' for half of a 1/2-cup portion, never '0.5 x 0.5 cup'."""
    if not s.measure:  # a capped or child portion keeps its own words
        return s.portion if portions == 1 else f"{amount_text(portions)} x {s.portion}"
    grams = portions * s.grams
    if s.measure == "g":
        return f"{grams:.0f} g"
    measure = re.sub(r"\s*\([^)]*\)", "", s.measure).strip()
    total = portions * s.measure_amount
    if total > 1:  # "1 1/2 cups", "2 slices"; units (oz, tbsp) and sizes (large) stay as they are
        measure = re.sub(rf"^({'|'.join(COUNT_NOUNS)})\b", r"\1s", measure)
    return f"{amount_text(total)} {measure} ({grams:.0f} g)"


def gap_closers(
    suggestions: list[Suggestion],
    gap: float,
    count: int = 2,
    target: float | None = None,
    everyday: frozenset[str] = frozenset(),
) -> list[dict]:
    """Household amounts of one food that close the average daily gap: foods that close it within
    MAX_PORTIONS first, the person's own foods first among them, then everyday foods, then the fewest
    portions. None for a gap under MIN_GAP_SHARE of the target. Foods with an advice-safety note are
    left out: a gap closer is eaten every day."""
    if gap <= 0 or (target and gap < MIN_GAP_SHARE * target):
        return []
    from nutri.short_names import short_name

    ranked = []
    for s in {s.food_id: s for s in suggestions if not s.caution and s.amount > 0}.values():
        portions = portions_needed(s, gap)
        closes = portions * s.amount >= gap
        ranked.append(((not closes, not s.in_diary, s.food_id not in everyday, portions, -s.amount), s, portions))
    out = []
    for _key, s, portions in sorted(ranked, key=lambda r: r[0])[:count]:
        out.append(
            {
                "food_id": s.food_id,
                "food": s.food,
                "portions": portions,
                "portion": s.portion,
                "grams": round(portions * s.grams, 1),
                "adds": round(portions * s.amount, 2),
                "name": short_name(s.food_id),
                "amount_text": amount_said(s, portions),
                "in_diary": s.in_diary,
            }
        )
    return out


@dataclass(frozen=True)
class SafetyRule:
    """A row of advice_safety.csv: a food pattern, the concern, whom it applies to and what to do."""

    rule: str
    pattern: re.Pattern[str]
    category: str  # one of our food categories (nutri/tables/base.py); empty for any
    advising: str  # the nutrient whose advice the rule is about; empty for every nutrient
    concern: str
    concern_per_100g: float | None
    who: tuple[str, ...]  # everyone | pregnancy | lactation | age<N
    action: str  # exclude | cap | note
    max_grams: float | None
    max_label: str
    why: str
    source: str

    def applies(self, profile: Profile) -> bool:
        for who in self.who:
            if who == "everyone" or who == profile.life_stage:
                return True
            if who.startswith("age<") and profile.age < float(who[4:]):
                return True
        return False

    def matches(self, food: str, category: str, nutrient: str) -> bool:
        if (self.advising and self.advising != nutrient) or (self.category and self.category != category):
            return False
        return bool(self.pattern.search(food))


SAFETY_ACTIONS = ("exclude", "cap", "note")


@lru_cache(maxsize=1)
def safety_rules() -> tuple[SafetyRule, ...]:
    frame = pd.read_csv(data_file("advice_safety.csv"), dtype=str, keep_default_na=False)
    rules = []
    for row in frame.itertuples(index=False):
        if row.action not in SAFETY_ACTIONS:
            raise ValueError(f"advice_safety.csv rule {row.rule}: action {row.action!r} is not one of {SAFETY_ACTIONS}")
        rules.append(
            SafetyRule(
                row.rule,
                re.compile(row.pattern, re.IGNORECASE),
                row.category,
                row.advising,
                row.concern,
                float(row.concern_per_100g) if row.concern_per_100g else None,
                tuple(row.who.split(";")),
                row.action,
                float(row.max_grams) if row.max_grams else None,
                row.max_label,
                row.why,
                row.source,
            )
        )
    return tuple(rules)


@dataclass(frozen=True)
class Withheld:
    food_id: str
    food: str
    rule: str
    reason: str


def _concern_text(rule: SafetyRule, grams: float, profile: Profile) -> tuple[str, bool]:
    """'85 g holds at least 3,381 µg preformed vitamin A; UL 3,000 µg/day', and whether it is above the UL."""
    ul = safety_ul(rule.concern, profile)
    if rule.concern_per_100g is None or ul is None:
        return "", False
    amount = rule.concern_per_100g * grams / 100.0
    return f"{grams:.0f} g holds about {amount:,.0f} µg {rule.concern} (your UL {ul:,.0f} µg/day)", amount > ul


def screen(
    suggestions: list[Suggestion], profile: Profile, nutrient: str, categories: dict[str, str]
) -> tuple[list[Suggestion], list[Withheld]]:
    """Apply the advice-safety table for a profile: excluded foods are withheld (with why), capped
    foods are offered at their cap, noted foods carry the note; neither is ever a gap closer. Young
    children get child portions (CACFP)."""
    factor = child_portion_factor(profile)
    rules = [r for r in safety_rules() if r.applies(profile)]
    kept, withheld = [], []
    for s in suggestions:
        hits = [r for r in rules if r.matches(s.food, categories.get(s.food_id, ""), nutrient)]
        exclude = next((r for r in hits if r.action == "exclude"), None)
        if exclude is not None:
            reason = f"{exclude.concern}: {exclude.why} ({exclude.source})"
            withheld.append(Withheld(s.food_id, s.food, exclude.rule, reason))
            continue
        if factor != 1.0:
            grams = s.grams * factor
            portion = f"child portion {factor:g} x {s.portion} = {grams:.0f} g"
            s = replace(s, portion=portion, grams=grams, amount=s.amount * factor, measure="")
        notes = []
        for rule in hits:
            if rule.action == "cap" and rule.max_grams is not None and s.grams > rule.max_grams:
                amount = s.amount * rule.max_grams / s.grams
                s = replace(s, portion=f"at most {rule.max_label}", amount=amount, grams=rule.max_grams, measure="")
            detail, above = _concern_text(rule, s.grams, profile)
            if above and rule.action == "cap":
                withheld.append(Withheld(s.food_id, s.food, rule.rule, f"{rule.concern}: {detail} ({rule.source})"))
                break
            notes.append(f"{rule.why}{'; ' + detail if detail else ''} ({rule.source})")
        else:
            kept.append(replace(s, caution="; ".join(notes)) if notes else s)
    return kept, withheld
