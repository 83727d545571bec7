"""Amounts and units: parse diary text into (amount, unit, food text), then turn it into grams.

pint is a conversion engine, not a text parser (``"2 1/2 in"`` is 1 inch to pint), so the
numbers and unit words of a diary line are read by the small deterministic parser below
(fractions, mixed numbers, unicode fractions, ranges, number words, glued units such as
``250ml``). Unit names are then resolved by our own pint registry, built only from
``units.txt``. Household measures (slice, medium, can...) and volumes become grams only through
the food's own SR28 portion weights; nothing is ever converted at 1 g = 1 ml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """One registry for the whole program, from our definitions only (see units.txt for why).
    Built on first use: importing pint and building it is a tenth of a small diary's run, and most
    runs need only the unit table below."""
    import pint

    ureg = pint.UnitRegistry(None, case_sensitive=False)
    with resources.as_file(resources.files("nutri") / "units.txt") as units_path:
        ureg.load_definitions(str(units_path))
    return ureg


def __getattr__(name: str):
    # ``from nutri.quantity import ureg`` keeps working; the registry is built when first asked for
    if name == "ureg":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


UNICODE_FRACTIONS = {
    "½": 1 / 2,
    "⅓": 1 / 3,
    "⅔": 2 / 3,
    "¼": 1 / 4,
    "¾": 3 / 4,
    "⅕": 1 / 5,
    "⅖": 2 / 5,
    "⅗": 3 / 5,
    "⅘": 4 / 5,
    "⅙": 1 / 6,
    "⅚": 5 / 6,
    "⅛": 1 / 8,
    "⅜": 3 / 8,
    "⅝": 5 / 8,
    "⅞": 7 / 8,
}
_UF = "".join(UNICODE_FRACTIONS)
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "half": 0.5,
    "half a": 0.5,
    "half an": 0.5,
    "a half": 0.5,
    "quarter": 0.25,
    "a quarter": 0.25,
    "a quarter of a": 0.25,
    "a dozen": 12,
    "dozen": 12,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
}
_NUM = rf"(?:\d+\s+\d+\s*/\s*\d+|\d+\s*/\s*\d+|\d+(?:[.,]\d+)?\s*[{_UF}]|\d*[.,]\d+|\d+|[{_UF}])"
_WORDS = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_RANGE = rf"{_NUM}\s*(?:-|–|to)\s*{_NUM}"
LEADING_RE = re.compile(rf"^\s*(?P<qty>{_RANGE}|{_NUM}|(?:{_WORDS})\b)(?P<rest>.*)$", re.IGNORECASE)

# Multi-word and punctuated unit spellings folded to one registry name before pint sees them.
UNIT_PHRASES = [
    (re.compile(r"^(?:fluid\s+ounces?|fl\.?\s*oz\.?|fl\.?\s*ounces?)\b", re.I), "floz"),
    (re.compile(r"^(?:extra[\s-]+large|x-?large|xl)\b", re.I), "extra large"),
    (re.compile(r"^(?:extra[\s-]+small)\b", re.I), "extra small"),
    (re.compile(r"^(?:international\s+units?|i\.u\.|iu)(?![a-z])", re.I), "iu"),
    (re.compile(r"^(?:µg|μg)(?![a-z])", re.I), "ug"),
    (re.compile(r"^cubic\s+inch(?:es)?\b", re.I), "cubic inch"),
]

# Household and count measures: resolved per food from its SR28 portions, never by pint.
HOUSEHOLD_WORDS = frozenset(
    [
        "slice",
        "piece",
        "container",
        "can",
        "fillet",
        "filet",
        "scoop",
        "serving",
        "handful",
        "pinch",
        "bar",
        "bottle",
        "glass",
        "mug",
        "small",
        "medium",
        "large",
        "jumbo",
        "whole",
        "item",
        "packet",
        "package",
        "pkg",
        "stalk",
        "clove",
        "leaf",
        "sprig",
        "wedge",
        "stick",
        "pat",
        "bunch",
        "head",
        "ear",
        "spear",
        "floret",
        "bowl",
        "box",
        "jar",
        "pouch",
        "tablet",
        "capsule",
        "softgel",
        "pill",
        "each",
        "square",
        "sheet",
        "carton",
        "shot",
        "jigger",
        "dash",
        "drop",
        "envelope",
        "link",
        "strip",
        "patty",
        "breast",
        "thigh",
        "drumstick",
        "wing",
        "fruit",
        "portion",
        "extra",
        "large",
        "extra",
        "small",
        "cube",
        "nlea",
        "plate",
        "bag",
        "order",
        "envelope",
    ]
) | {"extra large", "extra small", "cubic inch"}
# A grams note starting so means the weight is a guess among the food's portions: the row is reviewed.
GRAMS_DOUBT = "check grams:"
# Cronometer's "FDA Serving Size": the FDA reference amount of the food's kind (21 CFR 101.12(b)),
# not the food's own "serving" portion
FDA_SERVING = "fda serving"
# Words of an app's measure description that name no portion ("each - 4\" diameter"), and
# spellings of the tables ("dia" for diameter, "pureed" for mashed).
DETAIL_FILLER = frozenset({"each", "approx", "about", "x", "a", "an", "the", "of", "in", "and", "or"})
DETAIL_SYNONYMS = {"diameter": "dia", "mashed": "pureed", "pieces": "piece"}
# Sizes an app's measure may name ("large slice", "order - from a restaurant") besides the unmarked
# medium: weighed by a portion of no such size, the grams are a guess.
SIZE_QUALIFIERS = frozenset({"small", "large", "extra", "jumbo", "mini", "king", "restaurant"})
# A slice or wedge of a round food (pizza, pie, cake) is what FNDDS calls a "piece (1/8 of ...)".
WEDGE_UNITS = frozenset({"slice", "wedge"})
WEDGE_PIECE = re.compile(r"piece \(1/\d+ of\b", re.I)
# A measure that names one whole item: when the food has no portion called so, it is a count.
COUNT_WORDS = frozenset({"each", "whole", "item", "piece", "ea"})
SIZE_WORDS = ("medium", "large", "small", "extra large", "extra small", "jumbo")
# Portions that are no single item of a food: a default amount, a unit of volume or a pack of many.
NO_ITEM_MEASURE = re.compile(r"(?:quantity not specified|cubic inch|nlea|serving|package|pkg|container|cup)\b", re.I)
# The size a table's unsized portion is ("1 slice" is a medium slice): naming it picks no other portion.
UNMARKED_SIZES = frozenset({"medium", "regular"})
# Measures people write that no table can weigh: recognised so the row says why it stopped.
VAGUE_WORDS = frozenset(
    [
        "smidgen",
        "dollop",
        "splash",
        "drizzle",
        "sprinkle",
        "knob",
        "bit",
        "touch",
        "glug",
        "hint",
        "tad",
        "spoonful",
        "heap",
        "few",
        "some",
        "little",
    ]
)


@dataclass(frozen=True)
class Quantity:
    """What a diary line says about how much: amount (None when not given) and its unit.

    kind: mass | volume | iu | household | count | unknown | none. ``per_unit`` is grams per
    unit for mass, millilitres per unit for volume, otherwise None.
    """

    amount: float | None
    unit: str | None
    kind: str
    per_unit: float | None
    food_text: str
    note: str = ""
    detail: str = ""  # words describing the measure ("chopped", "large", "whole pieces"): pick among portions


def parse_number(text: str) -> tuple[float, str] | None:
    """'1 1/2' -> 1.5; '½' -> 0.5; '0,25' -> 0.25; '2-3' -> 2.5 (midpoint, noted); 'a' -> 1."""
    text = text.strip().lower()
    if not text:
        return None
    if text in NUMBER_WORDS:
        return float(NUMBER_WORDS[text]), ""
    range_match = re.fullmatch(rf"({_NUM})\s*(?:-|–|to)\s*({_NUM})", text)
    if range_match:
        low, high = parse_number(range_match.group(1)), parse_number(range_match.group(2))
        if low and high and high[0] >= low[0]:
            return (low[0] + high[0]) / 2, f"range {range_match.group(0)}: midpoint used"
        return None
    if text[-1] in UNICODE_FRACTIONS:
        whole = parse_number(text[:-1]) if text[:-1].strip() else (0.0, "")
        return (whole[0] + UNICODE_FRACTIONS[text[-1]], "") if whole else None
    mixed = re.fullmatch(r"(\d+)\s+(\d+)\s*/\s*(\d+)", text)
    if mixed:
        if int(mixed.group(3)) == 0:
            return None
        return int(mixed.group(1)) + int(mixed.group(2)) / int(mixed.group(3)), ""
    fraction = re.fullmatch(r"(\d+)\s*/\s*(\d+)", text)
    if fraction:
        if int(fraction.group(2)) == 0:
            return None
        return int(fraction.group(1)) / int(fraction.group(2)), ""
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text) and not text.startswith("0,"):
        return float(text.replace(",", "")), ""  # thousands separator: 1,000 IU
    if re.fullmatch(r"\d*[.,]?\d+|\d+[.,]", text):
        return float(text.replace(",", ".")), ""
    return None


# Nouns ending in -ie whose plural is -ies (not -y): cookies -> cookie, not "cooky".
IE_NOUNS = frozenset(
    [
        "cookie",
        "pie",
        "brownie",
        "smoothie",
        "veggie",
        "calorie",
        "rotisserie",
        "rookie",
        "sweetie",
        "pastie",
        "prairie",
        "quickie",
    ]
)


@lru_cache(maxsize=100_000)
def singular(word: str) -> str:
    if word.endswith("ies") and word[:-1] in IE_NOUNS:
        return word[:-1]
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def resolve_unit(unit_text: str) -> tuple[str, str, float | None]:
    """Unit text as written -> (name, kind, per_unit). Unknown words give kind 'unknown'."""
    text = unit_text.strip().strip(".").lower()
    for pattern, name in UNIT_PHRASES:
        if pattern.fullmatch(text):
            text = name
    if text == "iu":
        return "iu", "iu", None
    word = singular(text)
    if text in VAGUE_WORDS or word in VAGUE_WORDS:
        return text, "unknown", None
    if text in HOUSEHOLD_WORDS or word in HOUSEHOLD_WORDS:
        return (text if text in HOUSEHOLD_WORDS else word), "household", None
    return _unit_table().get(text) or (text, "unknown", None)


def _ask_pint(text: str) -> tuple[str, str, float | None]:
    """What the registry makes of one (lower-case) unit word."""
    import pint

    ureg = registry()
    try:
        name = ureg.get_name(text)
    except (pint.UndefinedUnitError, pint.DefinitionSyntaxError, ValueError, AttributeError, TypeError):
        return text, "unknown", None
    dimensionality = str(ureg.get_dimensionality(name))
    if dimensionality == "[mass]":
        return name, "mass", float(ureg.Quantity(1, name).to("gram").magnitude)
    if dimensionality == "[volume]":
        return name, "volume", float(ureg.Quantity(1, name).to("milliliter").magnitude)
    return text, "unknown", None


@lru_cache(maxsize=1)
def _unit_table() -> dict[str, tuple[str, str, float | None]]:
    """pint's answer (``_ask_pint``) for every word it can resolve, from the user's cache (nutri/cache.py).

    pint finds a unit only for a defined name, symbol or alias, or one with a registry prefix or
    suffix ("cups"); those words are enumerated from the registry, so any other word is unknown to
    pint too, and a run whose units are all in the table never imports pint. The key is units.txt,
    this code and the installed pint."""
    import importlib.util

    from nutri.cache import cached, key_of

    spec = importlib.util.find_spec("pint")
    installed = Path(spec.origin).stat() if spec and spec.origin else None
    pint_id = f"{spec.origin if spec else ''}:{installed.st_mtime_ns if installed else ''}"
    units = resources.files("nutri").joinpath("units.txt").read_bytes()
    key = key_of([units, Path(__file__).read_bytes(), pint_id.encode()])
    return cached("units", key, _build_unit_table)


def _build_unit_table() -> dict[str, tuple[str, str, float | None]]:
    ureg = registry()
    # pint's own lookup: a key of _units as given, or prefix + name + suffix with the name found
    # case-insensitively (resolve_unit passes lower case); private attributes, so the test of this
    # table asks pint directly for many words
    names = {word.lower() for word in ureg._units_casei} | {word.lower() for word in ureg._units}
    words = set(ureg._units) | {"dimensionless"}
    words |= {p.lower() + n + s.lower() for p in ureg._prefixes for n in names for s in ureg._suffixes}
    table = {word: _ask_pint(word) for word in words}
    return {word: answer for word, answer in table.items() if answer[1] != "unknown"}


def _take_unit(rest: str) -> tuple[str | None, str]:
    """Split a unit word off the front of ``rest`` ("cups spinach" -> ("cups", "spinach"))."""
    rest = rest.lstrip()
    for pattern, _name in UNIT_PHRASES:
        found = pattern.match(rest)
        if found:
            return found.group(0), rest[found.end() :]
    found = re.match(r"^([^\W\d_]+)\.?(?=\s|$|,|\()", rest)
    if not found:
        return None, rest
    word = found.group(1)
    _name, kind, _per = resolve_unit(word)
    if kind == "unknown" and word.lower() not in VAGUE_WORDS and singular(word.lower()) not in VAGUE_WORDS:
        return None, rest
    return word, rest[found.end() :]


def _clean_food(text: str) -> str:
    text = re.sub(r"^\s*(?:of\b|,|-)\s*", "", text.strip(), flags=re.I)
    text = re.sub(r"\(\s*\)", "", text)
    return text.strip(" ,;-")


# Words after a measure that say how the food was cut or packed ("2 cup, chopped"): kept as detail.
MEASURE_DETAIL_WORDS = frozenset(
    [
        "chopped",
        "sliced",
        "diced",
        "shredded",
        "whole",
        "pieces",
        "mashed",
        "crumbled",
        "grated",
        "cubed",
        "cubes",
        "pureed",
        "packed",
        "halves",
        "ground",
        "cut",
    ]
)
_DETAIL = rf"(?:,?\s*(?P<detail>(?:(?:{'|'.join(sorted(MEASURE_DETAIL_WORDS))})\b[\s,]*)+))?"
# "<1 TBS", "~2 cups", "about 100 g": an approximate amount is read as the number given.
APPROXIMATE_RE = re.compile(r"^\s*(?:<|~|≈|about\b|approx\.?|approximately\b|around\b|roughly\b)\s*", re.IGNORECASE)
# "glass of milk", "big bowl of cheerios": one measure, no number.
MEASURE_OF_RE = re.compile(
    r"^\s*(?:(?:big|small|large|medium|full|tall)\s+)?(?P<unit>[a-z]+)\s+of\s+(?P<food>.+)$", re.IGNORECASE
)
# "rice (about half a cup)": the amount in brackets.
BRACKETED_RE = re.compile(r"\(\s*(?:about|approx\.?|around|roughly|~)?\s*(?P<inner>[^()]*?\w[^()]*?)\s*\)")


@lru_cache(maxsize=65536)
def parse_quantity(text: str) -> Quantity:
    """Read amount and unit from a diary cell: leading ("1 1/2 cups spinach", "250ml milk",
    "a banana", "2 eggs"), trailing ("salmon fillet 150 g", "Vitamin D3, 1000 IU", MyFitnessPal's
    "Kale, raw, 2 cup, chopped" and "Broccoli, 0.5 cup (78g)"), bracketed ("rice (about half a
    cup)") or a measure without a number ("glass of milk")."""
    text = re.sub(r"(?<=[a-z])\(s\)", "s", (text or "").strip(), flags=re.I)  # MyFitnessPal "serving(s)", "lb(s)"
    approximate = APPROXIMATE_RE.match(text)
    if (
        approximate
        and approximate.end() < len(text)
        and re.match(rf"{_NUM}|(?:{_WORDS})\b", text[approximate.end() :], re.I)
    ):
        found = parse_quantity(text[approximate.end() :])
        if found.amount is not None:
            return _with_note(found, f"approximate amount {text[: approximate.end()].strip()!r} read as given")
    found = _parse_plain(text)
    if found.kind == "count" and not re.search(r"[A-Za-z]{3,}", found.food_text):
        # "7 up", "7-Up": a number naming the food, not a count of "up"
        found = Quantity(None, None, "none", None, text)
    if found.amount is not None:
        return found
    for alternative in (_parse_bracketed, _parse_measure_of, _parse_trailing_count):
        other = alternative(text)
        if other is not None:
            return other
    return found


def _with_note(quantity: Quantity, note: str) -> Quantity:
    return Quantity(
        quantity.amount,
        quantity.unit,
        quantity.kind,
        quantity.per_unit,
        quantity.food_text,
        "; ".join(x for x in (quantity.note, note) if x),
        quantity.detail,
    )


def _parse_bracketed(text: str) -> Quantity | None:
    for bracket in BRACKETED_RE.finditer(text):
        inner = _parse_plain(bracket.group("inner"))
        if inner.amount is not None and inner.unit and not inner.food_text:
            food = _clean_food(text[: bracket.start()] + " " + text[bracket.end() :])
            if food:
                return Quantity(inner.amount, inner.unit, inner.kind, inner.per_unit, food, inner.note, inner.detail)
    return None


# "hard boiled eggs 2", "tacos, 3", "eggs x2", "bananas (2)": a small whole number after the food is
# how many. Only after a plain word: "vitamin B12", "V8", "coke zero 330", "zinc 15" keep their numbers.
TRAILING_COUNT_RE = re.compile(
    r"^(?P<food>.*?\b(?P<last>[A-Za-z]{3,}))(?:\s*,\s*|\s+x\s*|\s*\(\s*|\s+)(?P<count>[1-9]|1[0-9]|2[0-4])\s*\)?\s*$",
    re.IGNORECASE,
)
# words after which a number is part of a name, a label or a dose, not a count ("omega 3", "week 2",
# "iron 2"); the names of tracked nutrients and of the salts table's minerals are the supplement
# reader's (nutri.supplements), asked below rather than listed again here
NOT_COUNTED_AFTER = frozenset(
    {
        "vitamin",
        "iron",
        "selenium",
        "potassium",
        "sodium",
        "omega",
        "zero",
        "number",
        "size",
        "grade",
        "type",
        "level",
        "step",
        "day",
        "days",
        "week",
        "weeks",
        "meal",
        "snack",
        "serving",
        "servings",
        "percent",
    }
)


def _parse_trailing_count(text: str) -> Quantity | None:
    from nutri.supplements import names_a_mineral_or_vitamin  # it reads quantities: imported when used

    found = TRAILING_COUNT_RE.match(text.strip())
    if not found or found.group("last").lower() in NOT_COUNTED_AFTER or names_a_mineral_or_vitamin(text):
        return None
    food = _clean_food(found.group("food"))
    if not food:
        return None
    count = float(found.group("count"))
    return Quantity(count, None, "count", None, food, f"count after the food read as {count:g}")


def _parse_measure_of(text: str) -> Quantity | None:
    found = MEASURE_OF_RE.match(text)
    if not found:
        return None
    name, kind, per_unit = resolve_unit(found.group("unit"))
    if kind not in ("household", "volume"):
        return None
    return Quantity(1.0, name, kind, per_unit, _clean_food(found.group("food")), "no number: one measure")


def _parse_plain(text: str) -> Quantity:  # noqa: C901 - one branch per amount form people write
    leading = LEADING_RE.match(text)
    if leading and not re.match(r"^\s*%", leading.group("rest")):
        qty_text, rest = leading.group("qty"), leading.group("rest")
        is_word = re.fullmatch(_WORDS, qty_text.strip(), re.I) is not None
        # A number glued to letters is a unit only when the letters are one ("250ml", not "7up").
        glued = bool(re.match(r"^[^\W\d_]", rest))
        number = parse_number(qty_text)
        if number is not None and (not glued or is_word or _take_unit(rest)[0]):
            if is_word and not re.match(r"^\s", rest):
                number = None  # "apple" starts with "a": not a number word
        else:
            number = None
        if number is not None:
            unit_text, food = _take_unit(rest)
            food = _clean_food(food)
            if unit_text and not food and resolve_unit(unit_text)[1] == "household":
                unit_text, food = None, _clean_food(rest)  # "2 eggs": the noun is the food, not a measure
            if food or unit_text:
                # "1 can tuna 142 g": a trailing weight or volume is more precise than the count
                inner = parse_quantity(food) if re.search(r"\d", food) else None
                if inner is not None and inner.kind in ("mass", "volume") and inner.food_text:
                    return Quantity(
                        inner.amount,
                        inner.unit,
                        inner.kind,
                        inner.per_unit,
                        inner.food_text,
                        f"'{qty_text.strip()} {unit_text or ''}'".replace(" '", "'") + " read with the stated weight",
                    )
                found = _quantity(number[0], unit_text, food, number[1])
                cut = re.match(
                    r"^((?:(?:chopped|sliced|diced|shredded|crumbled|grated|cubed|packed)\b[\s,]*)+)(.+)$", food, re.I
                )
                if cut and found.kind in ("volume", "household"):
                    # "1 cup chopped broccoli": how it was cut picks the portion; the food is broccoli
                    return Quantity(
                        found.amount,
                        found.unit,
                        found.kind,
                        found.per_unit,
                        cut.group(2).strip(),
                        found.note,
                        cut.group(1).strip(" ,").lower(),
                    )
                return found
    trailing = re.match(
        rf"^(?P<food>.*?\S)[\s,(]+(?P<qty>{_RANGE}|{_NUM})\s*"
        rf"(?P<unit>[^\W\d_]+(?:[ .]+[^\W\d_]+)*?){_DETAIL}\s*\)?\s*\.?\s*$",
        text,
    )
    if trailing:
        unit_text, leftover = _take_unit(trailing.group("unit"))
        number = parse_number(trailing.group("qty"))
        if unit_text and not leftover.strip() and number is not None:
            food, note = _clean_food(trailing.group("food")), number[1]
            found = _quantity(number[0], unit_text, food, note)
            # MyFitnessPal "Broccoli, 0.5 cup (78g)", "Patty 1/3 lb, 1 patty 151g.": the weight is
            # of the serving before it, which leaves the food name
            serving = re.search(rf",\s*(?:{_NUM})\s*[^\W\d_][\w .]*$", food)
            if found.kind == "mass" and serving:
                food = _clean_food(food[: serving.start()])
                food = _clean_food(re.sub(rf"\s(?:{_NUM})\s*(?:lbs?|oz|g)\b\.?", " ", food))
                note = "; ".join(x for x in (note, "the serving's stated weight used") if x)
            detail = " ".join(re.findall(r"[a-z]+", (trailing.group("detail") or "").lower()))
            return Quantity(found.amount, found.unit, found.kind, found.per_unit, food, note, detail)
        item = re.fullmatch(r"[a-z]+", trailing.group("unit").lower())
        if (
            number is not None
            and item
            and "," in text[trailing.end("food") : trailing.start("qty")]
            and item.group(0) not in VAGUE_WORDS
        ):
            # MyFitnessPal "Crackers, 16 crackers", "Eggs, 1 egg": the serving names the item
            return Quantity(
                number[0], singular(item.group(0)), "household", None, _clean_food(trailing.group("food")), number[1]
            )
    return Quantity(None, None, "none", None, text)


def _quantity(amount: float, unit_text: str | None, food: str, note: str) -> Quantity:
    if unit_text is None:
        return Quantity(amount, None, "count", None, food, note)
    name, kind, per_unit = resolve_unit(unit_text)
    return Quantity(amount, name, kind, per_unit, food, note)


@lru_cache(maxsize=65536)
def parse_amount_cell(amount: str, unit: str = "") -> Quantity:  # noqa: C901 - one branch per amount-cell form of the apps
    """Amount and unit from their own columns ("1.5" + "cups", or Cronometer's "1.00 cup")."""
    described = _described_measure(f"{(amount or '').strip()} {(unit or '').strip()}".strip())
    if described is not None:
        return described
    amount = (amount or "").strip()
    unit = re.sub(r"\s*\(.*\)\s*$", "", (unit or "").strip())  # "Serving (22 tsp, whole pieces)"
    combined = f"{amount} {unit}".strip()
    combined = re.sub(r"\s*\(.*\)\s*$", "", combined)
    if re.match(rf"^-\s*{_NUM}", combined):  # a negative amount is kept, so the row can say so
        positive = parse_amount_cell(combined.lstrip("-").strip())
        if positive.amount is not None:
            return Quantity(-positive.amount, positive.unit, positive.kind, positive.per_unit, "", "negative amount")
    number_match = re.match(rf"^\s*({_RANGE}|{_NUM})\s*(.*)$", combined)
    worded = None if number_match else re.match(rf"({_WORDS})\b\s*(.*)$", combined, re.I)
    if worded and (worded.group(2) or worded.group(1).lower() not in ("a", "an")):
        # an amount in words, as typed into a sheet ("a handful", "half", "two slices"): its number, then
        # the cell read as if written so ("1 handful"); "a" alone is no amount
        return parse_amount_cell(f"{NUMBER_WORDS[worded.group(1).lower()]:g} {worded.group(2)}".strip())
    if not number_match:
        return Quantity(
            None,
            None,
            "unknown" if combined else "none",
            None,
            "",
            f"amount {combined!r} is not a number" if combined else "",
        )
    number = parse_number(number_match.group(1))
    if number is None:
        return Quantity(None, None, "unknown", None, "", f"amount {combined!r} is not a number")
    unit_text = number_match.group(2).strip()
    if unit_text[:1] and not (unit_text[0].isalpha() or unit_text[0] in "µμ" or unit_text.isdigit()):
        return Quantity(None, None, "unknown", None, "", f"amount {combined!r} is not a number")
    if not unit_text:
        return Quantity(number[0], None, "count", None, "", number[1])
    # Cronometer writes multiples: "3.00 x 1000.0 IU" is 3,000 IU
    multiple = re.match(rf"^x\s*({_NUM})\s*(.+)$", unit_text, re.I)
    if multiple and parse_number(multiple.group(1)):
        factor = parse_number(multiple.group(1))[0]
        inner = parse_amount_cell(f"{number[0] * factor:g} {multiple.group(2)}")
        if inner.amount is not None:
            return inner if not number[1] else _with_note(inner, number[1])
    name, kind, per_unit = resolve_unit(unit_text)
    if kind == "unknown" and " " in unit_text and (several := _unit_of_words(number[0], unit_text, number[1])):
        return several
    word = unit_text.lower().strip(". ")
    if (
        kind == "unknown"
        and re.fullmatch(r"[a-z]+", word)
        and word not in VAGUE_WORDS
        and singular(word) not in VAGUE_WORDS
    ):
        # A unit column may name the item itself ("1.00 olive", "2 bar"): the food's own SR28
        # portions decide whether such a measure exists, and the row says so if not.
        return Quantity(number[0], singular(word), "household", None, "", number[1])
    return Quantity(number[0], name, kind, per_unit, "", number[1])


_STATED_MEASURE = re.compile(
    # (an abbreviation's full stop is no end of the measure: "Can (12 fl. oz.)" was read as 0.6 oz)
    rf"(?:\beach|\()\s*(?P<n>{_NUM})\s*(?P<unit>fl\.?\s*oz|fluid\s+ounces?|oz|ounces?|g|grams?|ml|lbs?)\.?(?=[\s),-]|$)",
    re.I,
)


# "2.00 12 oz bottle", "1.00 16.9 fl oz bottle": so many containers, each of the stated size
_SIZED_CONTAINER = re.compile(
    rf"(?P<n>{_NUM})\s*(?P<unit>fl\.?\s*oz|fluid\s+ounces?|oz|ounces?|g|grams?|ml|lbs?)\.?(?:\s+[^\W\d_]+)+", re.I
)


@lru_cache(maxsize=16384)
def _described_measure(combined: str) -> Quantity | None:
    """Cronometer's described measures: "1.40 can - each 12 fl oz", "1.00 bar (1.55 oz)",
    "2.81 cup, whole pieces", "0.50 medium - 4\" diameter", "2.00 large slice - 6\" x 2\"",
    "3.80 Serving (2 medium slice - ...)", "5.00 1 small (14cm long)", "1.00 FDA Serving Size".
    None when the text is no such measure (the plain reader then handles it)."""
    found = re.match(rf"^\s*(?P<n>{_NUM})\s+(?P<rest>[^\W\d_].*|\d.*)$", combined)
    if not found or re.match(r"^x\s", found.group("rest"), re.I) or parse_number(found.group("n")) is None:
        return None
    number, rest = parse_number(found.group("n"))[0], found.group("rest").strip()
    stated = _STATED_MEASURE.search(rest) or _SIZED_CONTAINER.fullmatch(rest)
    if stated and parse_number(stated.group("n")):
        name, kind, per_unit = resolve_unit(stated.group("unit"))
        if kind in ("mass", "volume"):
            size = parse_number(stated.group("n"))[0]
            return Quantity(
                number * size, name, kind, per_unit, "", f"'{rest}' read as {_fmt(size)} {stated.group('unit')} each"
            )
    inner = re.match(rf"^serving\s*\(\s*(?P<n>{_NUM})\s+(?P<what>[^)]+)\)", rest, re.I)
    if inner and parse_number(inner.group("n")):
        return parse_amount_cell(f"{number * parse_number(inner.group('n'))[0]:g} {inner.group('what')}")
    if rest.lower().startswith("fda serving"):
        return Quantity(number, FDA_SERVING, "household", None, "", "FDA serving size: its kind's reference amount")
    counted = _counted_measure(number, rest)
    if counted is not None:
        return counted
    if not re.search(r"\s-\s|,|\(", rest):
        return None
    flat = re.sub(r"\(([^)]*)\)", r" \1 ", rest)
    head, _sep, tail = (
        re.split(r"(\s-\s|,)", flat, maxsplit=1) + ["", ""]
        if not re.search(r"\s-\s|,", flat)
        else re.split(r"(\s-\s|,)", flat, maxsplit=1)
    )
    leading = re.match(rf"^\s*(?P<n>{_NUM})\s+(?P<head>.+)$", head)
    if leading and parse_number(leading.group("n")):
        number, head = number * parse_number(leading.group("n"))[0], leading.group("head")
    words = head.lower().split()
    found = _unit_among(words)
    if found is not None:
        at, (name, kind, per_unit) = found
        size = parse_number(words[at - 1]) if at and kind in ("mass", "volume") else None
        if size:  # "serving 4 oz, raw": so many servings of the weight stated, not 4 oz in all
            return Quantity(
                number * size[0], name, kind, per_unit, "", f"'{rest}' read as {_fmt(size[0])} {words[at]} each"
            )
        # sizes written as numbers ("slice - 3 1/2\" diameter") pick among portions too
        detail = " ".join(re.findall(r"[a-z]+|\d+", " ".join(words[:at] + words[at + 1 :]) + " " + tail.lower()))
        return Quantity(number, name, kind, per_unit, "", "", detail)
    if len(words) == 1 and re.fullmatch(r"[a-z]+", words[0]) and singular(words[0]) not in VAGUE_WORDS:
        # Cronometer names the item, then how it is cut or sized: "date, pitted", "cookie, medium",
        # "croissant, large": the item is the measure (the food's own portions decide if it has one)
        detail = " ".join(re.findall(r"[a-z]+|\d+", tail.lower()))
        return Quantity(number, singular(words[0]), "household", None, "", "", detail)
    return None


def _counted_measure(number: float, rest: str) -> Quantity | None:
    """A measure that is itself a number of something, with no other words: "0.94 14\" diameter" is
    0.94 of the food's item 14 inches across (its portion of those inches: "pizza (14\" dia)"), and
    "3.00 1 floweret", "0.50 2 Pieces", "1.00 1/2 cup" are 3 florets, 1 piece, 1/2 cup. Cronometer
    writes them so; they were "not a number". None for anything else: a number before words that are
    no measure ("0.50 365 WF Can", a brand) is not multiplied."""
    sized = re.fullmatch(rf"{_NUM}\s*(?:\"|''|\bin\b|\binch(?:es)?\b)\s*(?:dia|diam|diameter)\.?", rest, re.I)
    if sized:  # no size word: the unmarked size, as "regular - 4\" diameter" is read (UNMARKED_SIZES)
        return Quantity(number, "medium", "household", None, "", "", " ".join(re.findall(r"[a-z]+|\d+", rest.lower())))
    counted = re.fullmatch(rf"(?P<m>{_NUM})\s+(?P<what>[^\W\d_][^\d]*)", rest)
    if not counted or parse_number(counted.group("m")) is None:
        return None
    what = counted.group("what").strip()
    first = what.split()[0].lower().strip(".,")
    is_measure = resolve_unit(first)[1] in ("mass", "volume", "household")
    names_item = re.fullmatch(r"[a-z]+", what.lower()) is not None and singular(what.lower()) not in VAGUE_WORDS
    if not (is_measure or names_item):
        return None
    inner = parse_amount_cell(f"{number * parse_number(counted.group('m'))[0]:g} {what}")
    return inner if inner.amount is not None and inner.kind != "unknown" else None


def _unit_of_words(amount: float, unit_text: str, note: str) -> Quantity | None:
    """A unit cell of several words: "medium slice", "cup slices", "large egg". One word is the unit,
    the others pick its portion (``detail``); None when no word is a unit."""
    words = unit_text.lower().split()
    # with a number inside ("serving 1/2 cup", "container shelf stable 3.5 oz") the measure is the first
    # word, of the size the rest states: the words after it pick the portion so described
    first = resolve_unit(words[0])
    numbered = first[1] == "household" and re.search(r"\d", unit_text)
    found = (0, first) if numbered else _unit_among(words)
    if found is None:
        return None
    at, (name, kind, per_unit) = found
    detail = " ".join(re.findall(r"[a-z]+|\d+", " ".join(words[:at] + words[at + 1 :])))
    return Quantity(amount, name, kind, per_unit, "", note, detail)


def _unit_among(words: list[str]) -> tuple[int, tuple[str, str, float | None]] | None:
    """(position, ``resolve_unit``) of the word of a diary's measure that is its unit: a weight or volume first
    ("cup slices" is a cup of slices), then a household word other than a size ("medium slice" is a
    slice of medium size), then a size ("large egg"); the last of its rank. None when no word is one."""
    ranked = []
    for at, word in enumerate(words):
        # Cronometer's "regular - 4\" diameter" is the unmarked size, which the tables call medium (a
        # table's own "regular slice" portion stays as it was classified: tools/build_*.py)
        name, kind, per_unit = ("medium", "household", None) if word in UNMARKED_SIZES else resolve_unit(word)
        if kind in ("mass", "volume"):
            ranked.append((2, at, (name, kind, per_unit)))
        elif kind == "household":
            ranked.append((0 if name in SIZE_WORDS else 1, at, (name, kind, per_unit)))
    if not ranked:
        return None
    _rank, at, resolved = max(ranked)
    return at, resolved


def _fmt(value: float) -> str:
    return f"{value:.4g}"


@dataclass(frozen=True)
class GenericMeasure:
    """What one everyday measure holds for a food category (nutri/data/generic_measures.csv)."""

    measure: str
    category: str
    amount: float
    unit: str
    why: str


def _data_rows(name: str) -> list[dict]:
    """The rows of one of nutri's data CSVs, its "#" comment lines left out."""
    import csv

    with (
        resources.as_file(resources.files("nutri") / "data" / name) as path,
        open(path, newline="", encoding="utf-8") as handle,
    ):
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@lru_cache(maxsize=1)
def generic_measures() -> tuple[dict[tuple[str, str], GenericMeasure], tuple[tuple[str, re.Pattern | None, str], ...]]:
    """The generic-measure table keyed by (measure, category), and the category rules in order."""
    measures = {
        (r["measure"], r["category"]): GenericMeasure(
            r["measure"], r["category"], float(r["amount"]), r["unit"], r["why"]
        )
        for r in _data_rows("generic_measures.csv")
    }
    rules = tuple(
        (r["category"], re.compile(r["pattern"], re.I) if r["pattern"] else None, r["table_category"])
        for r in _data_rows("generic_measure_categories.csv")
    )
    return measures, rules


@dataclass(frozen=True)
class ReferenceAmount:
    """A serving of a kind of food (nutri/data/serving_sizes.csv): ``amount`` in grams, or in ml when
    ``basis`` is "ml"; ``basis`` "g" or "ml" marks an FDA reference amount (21 CFR 101.12(b)), empty
    a serving with none (a standard drink, an estimate), which an "FDA Serving Size" cannot be."""

    amount: float
    basis: str
    why: str


@lru_cache(maxsize=1)
def serving_sizes() -> tuple[tuple[str, re.Pattern | None, ReferenceAmount], ...]:
    """The serving rules in order: (table category or "", description pattern or None, serving)."""
    return tuple(
        (
            r["category"],
            re.compile(r["pattern"], re.I) if r["pattern"] else None,
            ReferenceAmount(float(r["grams"]), r["basis"], r["why"]),
        )
        for r in _data_rows("serving_sizes.csv")
    )


def reference_serving(description: str, category: str) -> ReferenceAmount:
    """The serving of a food's kind: the first rule whose category and pattern both fit (the
    table's last row fits every food)."""
    for rule_category, pattern, serving in serving_sizes():
        if (not rule_category or rule_category == category) and (pattern is None or pattern.search(description)):
            return serving
    raise ValueError("serving_sizes.csv needs a last row for any food (empty category and pattern)")


def measure_category(description: str, table_category: str) -> str | None:
    """The generic-measure category of a food: the first rule matching its description and category."""
    for category, pattern, rule_category in generic_measures()[1]:
        if (pattern is None or pattern.search(description)) and (not rule_category or rule_category == table_category):
            return category
    return None


@lru_cache(maxsize=65536)
def classify_measure(amount: float, measure: str) -> tuple[str, str, float | None]:
    """(unit, kind, ml) of a table's portion measure ("cup, chopped", "can or bottle (12 fl oz)",
    "slice"): ``ml`` when its volume is known, also for a household measure naming its volume
    ("serving 1 cup"). The food tables carry this from their build (tools/build_*.py); custom
    foods get it when read."""
    amount = float(amount) or 1.0
    unit_text, _rest = _take_unit(measure)
    name, kind, per_unit = (
        resolve_unit(unit_text)
        if unit_text
        else (singular(measure.split(",")[0].split("(")[0].strip().lower()), "household", None)
    )
    ml = amount * per_unit if kind == "volume" else None
    inner = (
        re.search(r"(?:^|[\s(])(\d+(?:/\d+|\.\d+)?)?\s*(cups?|tbsp|tsp|fl oz)\b", measure)
        if kind == "household"
        else None
    )
    if inner:
        # "serving 1 cup", "can or bottle (12 fl oz)": a household measure of known volume
        size = parse_number(inner.group(1))[0] if inner.group(1) else 1.0
        ml = amount * size * resolve_unit(inner.group(2))[2]
    return name, kind, ml


DIMENSION_WORDS = re.compile(r'"|\b(?:dia|diameter|long|wide|thick|high|inch|inches)\b', re.I)


def _dimensions(measure: object) -> tuple[str, ...]:
    """The digits of a measure's size in inches, in order: "2 1/8\" diameter", "fruit (2-1/8\" dia)"
    and a described measure's detail, which has lost its marks ("2 1 8 diameter"), all give
    (2, 1, 8); empty for a measure naming no size."""
    text = str(measure)
    return tuple(re.findall(r"\d+", text)) if DIMENSION_WORDS.search(text) else ()


@lru_cache(maxsize=65536)
def _measure_words_of(text: str) -> tuple[str, ...]:
    """The words and numbers of a text as portions are matched on: once per text, not per diary key
    (a cohort asks for each of a text's amounts and units)."""
    return tuple(re.findall(r"[a-z]+|\d+", text.lower()))


# Words of a survey food's name that say nothing of the food itself ("Turkey, ground, NS as to fat added")
SURVEY_NAME_FILLER = frozenset({"ns", "nfs", "as", "to", "or", "and", "in", "of", "the", "a"})


# A survey food's name's segments that leave something open or say how little it was changed: "Chicken,
# breast, NS as to cooking method", "Red kidney beans, dry, cooked, fat not added in cooking"
SURVEY_OPEN_SEGMENT = re.compile(r"\s*(?:ns as to\b|nfs\b|fat (?:not )?added in cooking)", re.IGNORECASE)


def _said(description: str) -> str:
    """A survey food's name without the segments that leave something open (``SURVEY_OPEN_SEGMENT``)."""
    return ",".join(part for part in description.split(",") if not SURVEY_OPEN_SEGMENT.match(part))


def _name_words(description: str) -> set[str]:
    """A food name's words, singular ("Seeds, sunflower" and "Sunflower seeds" share "seed", "sunflower")."""
    return {singular(w) for w in re.findall(r"[a-z]+", description.lower())}


class PortionWeights:
    """Grams per unit for a food, from its own portion weights, else a generic everyday measure.

    Each food's portions are classified once (volume in ml, household word, count noun) and
    the answer for a (food, unit) pair is cached, so a diary of any length costs one lookup
    per distinct pair.
    """

    def __init__(self, foods_table) -> None:
        self._table = foods_table
        self._classified: dict[str, list[dict]] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._cache: dict[tuple, tuple[float | None, str]] = {}

    @staticmethod
    def _classify(portion: dict) -> dict:
        """The portion with its measure's unit, kind and ``ml`` (classified when its table was built:
        tools/build_*.py, or when custom foods are read) and ``grams_each`` per one measure."""
        amount = float(portion["amount"]) or 1.0
        if portion.get("kind"):
            unit, kind, ml = portion["unit"], portion["kind"], portion.get("ml")
            ml = None if ml is None or ml != ml or ml == "" else float(ml)
        else:  # a table without the classification (an older custom table): classified here
            unit, kind, ml = classify_measure(amount, str(portion["measure"]))
        return {**portion, "unit": unit, "kind": kind, "ml": ml, "grams_each": float(portion["grams"]) / amount}

    def grams_per_unit(
        self,
        food_id: str,
        quantity: Quantity,
        food_text: str = "",
        alike: Callable[[], tuple[str, ...]] | None = None,
        nearby: Callable[[], tuple[str, ...]] | None = None,
    ) -> tuple[float | None, str]:
        """(grams per one unit of ``quantity``, how it was found) or (None, why not). ``alike`` gives
        the other foods the text could equally mean (Matcher.alike; asked only for a bare household
        measure): when they weigh the measure differently, the grams are a guess."""
        found, how = self._grams_per_unit(food_id, quantity, food_text)
        guessed = (
            found is not None
            and how.startswith(GRAMS_DOUBT)
            and not quantity.detail
            and not any(p["unit"] == quantity.unit for p in self._portions(food_id))
        )
        if (found is None or guessed) and quantity.kind != "mass":
            # the food's own weight is none, or a guess for a measure it lacks ("2 small" green olives by
            # its one olive); not a choice among its own differing portions of the measure (SR28's pineapple
            # slices, 56-166 g), nor a measure the app described ("large slice - 6\" x 2 1/2\"")
            twin, twin_how = self._by_same_food(food_id, quantity, food_text, how)
            if twin is not None:
                found, how = twin, twin_how
        if found is None and quantity.kind == "volume" and nearby is not None:
            return self._by_nearby_volume(food_id, quantity, food_text, nearby(), how)
        # only a bare household measure ("2 slices"): a volume or a described measure ("cup,
        # chopped", "piece - 3\" x 3\"") picks its portion by those words, which the other foods'
        # portions may not have
        bare = quantity.kind == "household" and not quantity.detail
        if alike is not None and bare and found is not None and not how.startswith(GRAMS_DOUBT):
            how = self._among_alike(found, how, alike(), quantity, food_text)
        return found, how

    def _by_same_food(self, food_id: str, quantity: Quantity, food_text: str, why_not: str) -> tuple[float | None, str]:
        """A measure the food's own portions lack, weighed by the same measure of the same food in another
        table (``FoodTable.same_foods``): FNDDS's survey food "Broccoli, raw" is SR28's 11090 and weighs
        "1 floweret", which SR28 does not. Only a twin whose name says nothing the food's does not: FNDDS
        codes "Sardines, skinless, boneless" and "Cucumber, cooked" with SR28's kippered herring and raw
        cucumber (the same nutrients, not the same food: a cooked slice weighs 4 g, a raw one 7 g). Only a
        portion of the measure asked (not a default such as "Quantity not specified"), and no weight that
        is itself a doubt."""
        if not self._table.has(food_id):
            return None, why_not
        named = _name_words(self._table.description(food_id))
        for other in self._table.same_foods(food_id):
            twin = self._table.description(other)
            if not _name_words(_said(twin)) - SURVEY_NAME_FILLER <= named or not self._weighs(other, quantity):
                continue
            grams, how = self._grams_per_unit(other, quantity, food_text)
            if grams is not None and not how.startswith(GRAMS_DOUBT):
                return grams, f"{how} of {twin!r} ({other}), the same food"
        return None, why_not

    def _weighs(self, food_id: str, quantity: Quantity) -> bool:
        """Whether the food has a portion of the quantity's own measure, or of one item of it (any volume
        for a volume; a default amount such as "Quantity not specified" is no item)."""
        portions = self._portions(food_id)
        if quantity.kind == "volume":
            return any(p["ml"] for p in portions)
        return any(
            p["unit"] == quantity.unit or (p["kind"] == "household" and not NO_ITEM_MEASURE.match(str(p["measure"])))
            for p in portions
        )

    def _by_nearby_volume(
        self, food_id: str, quantity: Quantity, food_text: str, nearby: tuple[str, ...], why_not: str
    ) -> tuple[None, str]:
        """A volume of a food with no volume weight ("1 cup" of canned kidney beans) gets no grams:
        another food's weight per cup is not this food's. The note names the next food of its kind the
        text could mean that has one (``nearby``, best first: the rinsed canned beans), for the user to
        weigh or to choose."""
        category = self._table.category(food_id) if self._table.has(food_id) else ""
        for other in nearby:
            if other == food_id or not self._table.has(other) or self._table.category(other) != category:
                continue
            grams, how = self._grams_per_unit(other, quantity, food_text)
            if grams is not None:
                return None, (
                    f"{why_not}; {self._table.description(other)} ({other}), the next food of its kind the "
                    f"text could mean, has {how}"
                )
        return None, why_not

    def _among_alike(self, found: float, how: str, alike: tuple[str, ...], quantity: Quantity, food_text: str) -> str:
        # "2 slices" of "gluten free bread": four breads fit the text alike, their slices weigh 25-35 g
        # another food's weight that is itself a guess ("no 'large' portion, 1 olive taken") is no evidence
        others = (self._grams_per_unit(a, quantity, food_text) for a in alike)
        weights = [found] + [w for w, other_how in others if w and not other_how.startswith(GRAMS_DOUBT)]
        if len(weights) < 2 or max(weights) <= 1.3 * min(weights):
            return how
        return (
            f"{GRAMS_DOUBT} the {len(weights)} foods this text could equally mean weigh 1 {quantity.unit} "
            f"{_fmt(min(weights))}-{_fmt(max(weights))} g; {how}; name the product or give grams"
        )

    def _grams_per_unit(self, food_id: str, quantity: Quantity, food_text: str) -> tuple[float | None, str]:
        # Only the text's words that occur in this food's measures can change the answer
        # ("chopped", "sliced"), so texts differing elsewhere share one lookup.
        words, unmatched = frozenset(), ""
        if quantity.kind in ("volume", "household", "count"):
            # sizes written as numbers ("slice - 3 1/2\" diameter") also pick among portions
            measure_words = self._measure_words(food_id)
            written = {v for w in _measure_words_of(quantity.detail) for v in (w, DETAIL_SYNONYMS.get(w, w))}
            words = frozenset((*_measure_words_of(food_text), *written)) & measure_words if measure_words else words
            # "medium slice" of a bread with a plain "slice": the unmarked portion is the medium one
            described = {w for w in written if w.isalpha()} - DETAIL_FILLER - UNMARKED_SIZES
            if described and not described & measure_words:
                unmatched = quantity.detail  # "cup, whole pieces" where the food has a plain "cup"
        key = (food_id, quantity.unit, quantity.kind, words, unmatched, _dimensions(quantity.detail))
        if key not in self._cache:
            found, how = self._resolve(food_id, quantity, " ".join(sorted(words)))
            if (
                unmatched
                and found is not None
                and how
                and not how.startswith(GRAMS_DOUBT)
                and (self._differ(food_id, quantity) or set(unmatched.split()) & SIZE_QUALIFIERS)
            ):
                # the app named its measure in words none of this food's portions has, and its
                # portions of that measure differ, or it named a size the food's portions do not
                # ("large slice" of a bread weighed by the unsized slice, "order - from a restaurant"):
                # the one taken may not be the one it weighed (a third to half off in real exports)
                kind = "differing portions" if self._differ(food_id, quantity) else "portions (none of that size)"
                how = f"{GRAMS_DOUBT} '{quantity.unit}, {unmatched}' is none of its {kind}; {how} taken"
            self._cache[key] = (found, how)
        return self._cache[key]

    def _differ(self, food_id: str, quantity: Quantity) -> bool:
        """Whether the food's portions of this measure (by volume: all with a volume) differ by more than 30%."""
        portions = self._portions(food_id)
        if quantity.kind == "volume":
            weights = [float(p["grams"]) / p["ml"] for p in portions if p["ml"]]
        else:
            weights = [p["grams_each"] for p in portions if p["unit"] == quantity.unit]
        return len(weights) > 1 and max(weights) > 1.3 * min(weights)

    def _measure_words(self, food_id: str) -> frozenset[str]:
        """Words of the food's measures that tell them apart ("chopped", "curly"); the food's own
        name is not one ("fries" of "1 cup, curly fries" for French fries)."""
        if food_id not in self._words:
            named = (
                set(re.findall(r"[a-z]+", self._table.description(food_id).lower()))
                if self._table.has(food_id)
                else set()
            )
            self._words[food_id] = (
                frozenset(
                    w
                    for p in self._table.portions_of(food_id)
                    for w in re.findall(r"[a-z]+|\d+", str(p["measure"]).lower())
                )
                - named
            )
        return self._words[food_id]

    def _one(self, food_id: str, portion: dict) -> str:
        """How one measure was weighed: "1 slice = 29 g (SR28 portion)"."""
        return f"1 {portion['measure']} = {_fmt(portion['grams_each'])} g ({self._source(food_id)} portion)"

    def _source(self, food_id: str) -> str:
        """The table a portion weight comes from, for the note ("SR28 portion", "FNDDS 2.0 portion")."""
        return self._table.edition(food_id).short if self._table.has(food_id) else "table"

    def _portions(self, food_id: str) -> list[dict]:
        if food_id not in self._classified:
            self._classified[food_id] = [self._classify(p) for p in self._table.portions_of(food_id)]
        return self._classified[food_id]

    def _resolve(self, food_id: str, quantity: Quantity, food_text: str) -> tuple[float | None, str]:
        description = self._table.description(food_id) if self._table.has(food_id) else food_id
        text_words = set(re.findall(r"[a-z]+|\d+", food_text))
        if quantity.kind == "mass":
            return quantity.per_unit, ""
        if quantity.kind == "volume":
            return self._by_volume(food_id, quantity.unit, quantity.per_unit, text_words, description)
        if quantity.unit == FDA_SERVING:
            return self._by_reference_amount(food_id, text_words, description)
        if quantity.kind == "household":
            return self._by_household(food_id, quantity.unit, text_words, description, quantity.detail)
        if quantity.kind == "count":
            return self._by_count(food_id, text_words, description)
        if quantity.kind == "iu":
            return None, f"IU is a dose unit for vitamin supplements, not a food amount; give grams for {description}"
        if quantity.kind == "unknown":
            return None, f"unknown unit '{quantity.unit}'" if quantity.unit else (
                quantity.note or "amount is not a number"
            )
        return None, "no amount given"

    @staticmethod
    def _overlap(portion: dict, text_words: set[str]) -> int:
        return len(text_words & set(re.findall(r"[a-z]+|\d+", str(portion["measure"]).lower())))

    def _by_volume(
        self, food_id: str, unit: str, ml_per_unit: float, text_words: set[str], description: str
    ) -> tuple[float | None, str]:
        volumes = [p for p in self._portions(food_id) if p["ml"]]
        if not volumes:
            return None, f"no volume weight for {description}; give the amount in grams or a household measure"
        best = max(
            volumes,
            key=lambda p: (
                self._overlap(p, text_words),
                p["unit"] == unit,
                p["kind"] == "volume",
                # the plain "cup" before "cup, with hulls, edible yield": the unmarked measure is the usual
                str(p["measure"]).strip().lower() == unit,
                -int(p["seq"]),
            ),
        )
        grams_per_ml = float(best["grams"]) / best["ml"]
        return (
            grams_per_ml * ml_per_unit,
            f"{_fmt(best['amount'])} {best['measure']} = {_fmt(best['grams'])} g ({self._source(food_id)} portion)",
        )

    def _by_household(
        self, food_id: str, unit: str, text_words: set[str], description: str, detail: str = ""
    ) -> tuple[float | None, str]:
        if unit in SIZE_WORDS and (by_inches := self._by_inches(food_id, detail)):
            return by_inches
        candidates = self._household_candidates(food_id, unit)
        if candidates:

            def usual(p: dict) -> bool:  # the unmarked size: "1 slice, regular", "1 medium slice"
                return bool(re.search(r"\b(?:regular|medium)\b", str(p["measure"]).lower()))

            best = max(
                candidates,
                key=lambda p: (
                    # the words the measure was described by first: "large slice" is the "slice, large"
                    self._overlap(p, text_words),
                    str(p["measure"]).lower() == unit,
                    usual(p),
                    -int(p["seq"]),
                ),
            )
            how = self._one(food_id, best)
            weights = [p["grams_each"] for p in candidates]
            # the unit's own word ("Pineapple Slice", 1 slice) chooses none of its slices
            chosen_by_text = (
                str(best["measure"]).lower() == unit or self._overlap(best, text_words - {unit}) or usual(best)
            )
            if not chosen_by_text and max(weights) > 1.3 * min(weights):
                # "slice" of a food with slices of 28 to 120 g, and nothing in the text to choose by
                return (
                    best["grams_each"],
                    f"{GRAMS_DOUBT} {how}, one of its '{unit}' portions "
                    f"({_fmt(min(weights))}-{_fmt(max(weights))} g); say which",
                )
            return best["grams_each"], how
        names_item = unit in {singular(w) for w in re.findall(r"[a-z]+", description.lower())}
        # a size in inches no portion has is none of them; when no portion states inches at all, the
        # inches cannot tell its items apart, and the size word is read alone ("regular - 4\" diameter"
        # of rice cakes, whose one portion is "1 cake")
        if unit in SIZE_WORDS and not (_dimensions(detail) and self._has_inches(food_id)):
            return self._by_other_size(food_id, unit, text_words, description)
        if unit in COUNT_WORDS or names_item:
            grams, how = self._by_count(food_id, text_words, description)
            if unit == "piece" and grams is not None and not names_item:
                # a piece of salmon or of chicken is a part of one, of no size the tables know
                return grams, f"{GRAMS_DOUBT} no 'piece' portion, {how} taken; say the grams"
            return grams, how
        generic = self._by_generic(food_id, unit, text_words, description)
        if generic is not None:
            return generic
        return self._no_portion(food_id, unit, description)

    def _household_candidates(self, food_id: str, unit: str) -> list[dict]:
        """The food's portions of a household measure: named so, else named inside another measure."""
        portions = self._portions(food_id)
        starts = [
            p
            for p in portions
            if p["kind"] == "household" and (p["unit"] == unit or str(p["measure"]).lower().startswith(unit))
        ]
        # "0.5 cup slices" is a cup, not a slice: a measure only named inside a volume does not count
        contains = [
            p
            for p in portions
            if p["kind"] != "volume" and re.search(rf"\b{re.escape(unit)}s?\b", str(p["measure"]).lower())
        ]
        candidates = starts or contains
        if unit in WEDGE_UNITS and not candidates:
            # FNDDS weighs a slice of pizza, pie or cake as "piece (1/8 of 12" dia)": a wedge of the whole
            candidates = [p for p in portions if p["kind"] == "household" and WEDGE_PIECE.match(str(p["measure"]))]
        if unit == "serving" and not candidates:
            candidates = [p for p in portions if "serving" in str(p["measure"]).lower()]
        return candidates

    def _no_portion(self, food_id: str, unit: str, description: str) -> tuple[None, str]:
        listed = ", ".join(sorted({str(p["measure"]) for p in self._portions(food_id)})[:6]) or "none"
        return None, f"no '{unit}' portion for {description} (its portions: {listed}); give grams or another measure"

    def _by_other_size(
        self, food_id: str, unit: str, text_words: set[str], description: str
    ) -> tuple[float | None, str]:
        """A size the food's portions do not have ("2 medium" of green olives weighed by "1 olive", of a
        fried egg weighed by "large"): its single item. Medium is the unsized item's size; any other
        size, or an item of another size, is a guess the row says it took."""
        item = self._single_item(food_id, text_words, description)
        if item is None or NO_ITEM_MEASURE.match(str(item["measure"])):
            return self._no_portion(food_id, unit, description)
        how = self._one(food_id, item)
        items = [
            p["grams_each"]
            for p in self._portions(food_id)
            if p["kind"] == "household" and not NO_ITEM_MEASURE.match(str(p["measure"]))
        ]
        sized = set(re.findall(r"[a-z]+", str(item["measure"]).lower())) & SIZE_QUALIFIERS
        if unit in UNMARKED_SIZES and not sized and max(items) <= 1.3 * min(items):
            return item["grams_each"], how
        return item["grams_each"], f"{GRAMS_DOUBT} no '{unit}' portion, {how} taken; say the grams"

    def _by_reference_amount(self, food_id: str, text_words: set[str], description: str) -> tuple[float | None, str]:
        """One FDA serving: the reference amount of the food's kind, by weight, or by volume through
        the food's own volume weights (never 1 ml = 1 g); a kind without one falls back to the
        food's own "serving" portion."""
        category = self._table.category(food_id) if self._table.has(food_id) else ""
        serving = reference_serving(description, category)
        if serving.basis == "g":
            return serving.amount, f"1 FDA serving = {_fmt(serving.amount)} g: {serving.why}, 21 CFR 101.12(b)"
        if serving.basis == "ml":
            per_ml, how = self._by_volume(food_id, "ml", 1.0, text_words, description)
            if per_ml is None:
                return None, f"1 FDA serving of {description} is {_fmt(serving.amount)} ml; {how}"
            return (
                per_ml * serving.amount,
                f"1 FDA serving = {_fmt(serving.amount)} ml: {serving.why}, 21 CFR 101.12(b); {how}",
            )
        grams, how = self._by_household(food_id, "serving", text_words, description)
        if grams is None:
            return None, f"no FDA reference amount for {serving.why.split(' (')[0]}; {how}"
        return grams, how

    def _has_inches(self, food_id: str) -> bool:
        """Whether any of the food's portions states a size in inches."""
        return any(_dimensions(p["measure"]) for p in self._portions(food_id) if p["kind"] == "household")

    def _by_inches(self, food_id: str, detail: str) -> tuple[float, str] | None:
        """A size named with inches ("0.50 medium - 2 1/8\" diameter") is the food's item of the
        same inches ("fruit (2-1/8\" dia)"), whatever the size word; None when no portion has them."""
        inches = _dimensions(detail)
        same = [p for p in self._portions(food_id) if p["kind"] == "household" and _dimensions(p["measure"]) == inches]
        if not inches or not same:
            return None
        best = min(same, key=lambda p: int(p["seq"]))
        how = self._one(food_id, best)
        return best["grams_each"], how

    def _by_generic(
        self, food_id: str, unit: str, text_words: set[str], description: str
    ) -> tuple[float | None, str] | None:
        """An everyday measure the food's own portions lack, from the generic table by category."""
        category = measure_category(description, self._table.category(food_id) if self._table.has(food_id) else "")
        measure = generic_measures()[0].get((unit, category or ""))
        if measure is None:
            return None
        name, kind, per_unit = resolve_unit(measure.unit)
        if kind == "mass":
            grams, how = measure.amount * per_unit, ""
        else:
            per_ml, how = self._by_volume(food_id, name, per_unit, text_words, description)
            if per_ml is None:
                return None
            grams = per_ml * measure.amount
        estimate = (
            f"estimated portion: 1 {unit} taken as {_fmt(measure.amount)} {measure.unit} ({measure.why}) "
            f"= {_fmt(grams)} g"
        )
        return grams, estimate + (f"; {how}" if how else "")

    def _by_count(self, food_id: str, text_words: set[str], description: str) -> tuple[float | None, str]:
        best = self._single_item(food_id, text_words, description)
        if best is None:
            return None, f"no single-item portion for {description}; give grams or a measure (cup, slice, medium...)"
        return best["grams_each"], self._one(food_id, best)

    def _single_item(self, food_id: str, text_words: set[str], description: str) -> dict | None:
        """The portion that is one of the food's items, or None when no portion is one."""
        items = [p for p in self._portions(food_id) if p["kind"] == "household"]
        description_words = {singular(w) for w in re.findall(r"[a-z]+", description.lower())} | {
            singular(w) for w in text_words
        }
        named = [p for p in items if p["unit"] in description_words and p["unit"] not in SIZE_WORDS]
        # A measure named after the item itself ("bagel", "sardines") is its single item;
        # otherwise the medium (or "regular") size, then a whole fruit or item, then large. Eggs are the
        # exception the USDA itself makes: its standard egg is the large egg.
        order = (
            ("large", "medium")
            if description.lower().startswith("egg,")
            else ("medium", "regular", "fruit", "whole", "item", "large")
        )

        def first_word(p: dict) -> str:
            return str(p["measure"]).lower().split(" ")[0].strip(",")

        sized = sorted(
            (p for p in items if first_word(p) in order), key=lambda p: (order.index(first_word(p)), int(p["seq"]))
        )
        if named:
            # the size the text names ("4\" diameter"), else medium, else the middle of the sizes
            # (FNDDS lists pancakes from 1" to 7": the first is no usual pancake)
            middle = sorted(named, key=lambda p: p["grams_each"])[len(named) // 2]
            best = min(
                named,
                key=lambda p: (
                    -self._overlap(p, text_words),
                    "medium" not in str(p["measure"]).lower(),
                    any(w in str(p["measure"]).lower() for w in ("mini", "small", "large")),
                    int(p["seq"]),
                ),
            )
            if not self._overlap(best, text_words) and best["grams_each"] < 0.25 * middle["grams_each"]:
                best = middle
        elif sized:
            best = sized[0]
        else:
            nouns = [
                p
                for p in items
                if not str(p["measure"])
                .lower()
                .startswith(("nlea", "serving", "package", "pkg", "container", "bunch", "head", "cup", "lb", "oz"))
            ]
            if not nouns:
                return None
            best = max(nouns, key=lambda p: (self._overlap(p, text_words), -int(p["seq"])))
        return best
