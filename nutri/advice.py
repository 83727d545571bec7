"""Shortfall advice from the source document: its food-source categories, each tied to a rule
that selects foods of foods.csv, ranked by nutrient per common portion, and gap closers."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from nutri.dri import Profile, child_portion_factor, safety_ul
from nutri.tables.base import SPECIAL_CATEGORIES, FoodTable, data_file

COUNT_PER_CATEGORY = 4
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


def common_portion(table: FoodTable, food_id: str, category: str) -> tuple[str, float]:
    """A household portion for display: SR28's own (1 oz for nuts and seeds, 3 oz for meat and fish)."""
    rows = table.portions_of(food_id)

    def label(p) -> str:
        return f"{float(p['amount']):g} {p['measure']} ({float(p['grams']):.0f} g)"

    if category == "nuts_seeds" or str(table.description(food_id)).startswith("Cheese"):
        for prefix in ("oz", "tbsp"):
            for p in rows:
                if str(p["measure"]).startswith(prefix) and float(p["amount"]) <= 3:
                    return label(p), float(p["grams"])
    if category in ("fish", "meat", "poultry"):
        for p in rows:
            if str(p["measure"]).startswith("oz") and float(p["amount"]) == 3:
                return label(p), float(p["grams"])
    for p in rows:
        if 15 <= float(p["grams"]) <= 300 and not str(p["measure"]).lower().startswith(("oz", "lb", "package", "nlea")):
            return label(p), float(p["grams"])
    return "100 g", 100.0


def category_suggestions(table: FoodTable, nutrient_column: str, rule: dict) -> list[Suggestion]:
    """Every food of a category with a known, non-zero value, as a common portion and its amount.
    Independent of the diary, so a report computes it once per nutrient and category."""
    foods = category_foods(table, rule)
    foods = foods[foods[nutrient_column].notna() & (foods[nutrient_column] > 0)]
    suggestions = []
    for food_id, category, description, per100 in zip(
        foods.index, foods["category"], foods["description"], foods[nutrient_column], strict=False
    ):
        portion, grams = common_portion(table, food_id, category)
        suggestions.append(Suggestion(food_id, description, portion, grams, per100 * grams / 100.0, False))
    return suggestions


def everyday_food_ids(table: FoodTable) -> frozenset[str]:
    """Foods people actually eat and buy: the targets of the curated aliases (milk, almonds,
    cooked spinach...). Advice shows these before rarities such as emu or nonfat mozzarella."""
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


def gap_closers(suggestions: list[Suggestion], gap: float, count: int = 2) -> list[dict]:
    """Portions of one food that close the average daily gap, rounded up to half portions. Foods
    with an advice-safety note are left out: a gap closer is eaten every day."""
    out = []
    for s in sorted((s for s in suggestions if not s.caution), key=lambda s: -s.amount)[:count]:
        if s.amount <= 0:
            continue
        portions = math.ceil(gap / s.amount * 2) / 2
        out.append(
            {
                "food_id": s.food_id,
                "food": s.food,
                "portions": portions,
                "portion": s.portion,
                "grams": round(portions * s.grams, 1),
                "adds": round(portions * s.amount, 2),
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
            s = replace(s, portion=portion, grams=grams, amount=s.amount * factor)
        notes = []
        for rule in hits:
            if rule.action == "cap" and rule.max_grams is not None and s.grams > rule.max_grams:
                amount = s.amount * rule.max_grams / s.grams
                s = replace(s, portion=f"at most {rule.max_label}", amount=amount, grams=rule.max_grams)
            detail, above = _concern_text(rule, s.grams, profile)
            if above and rule.action == "cap":
                withheld.append(Withheld(s.food_id, s.food, rule.rule, f"{rule.concern}: {detail} ({rule.source})"))
                break
            notes.append(f"{rule.why}{'; ' + detail if detail else ''} ({rule.source})")
        else:
            kept.append(replace(s, caution="; ".join(notes)) if notes else s)
    return kept, withheld
