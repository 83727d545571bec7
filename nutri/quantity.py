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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pint

# One registry for the whole program, from our definitions only (see units.txt for why).
ureg = pint.UnitRegistry(None, case_sensitive=False)
with resources.as_file(resources.files("nutri") / "units.txt") as _units_path:
    ureg.load_definitions(str(_units_path))


UNICODE_FRACTIONS = {"½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅖": 2 / 5, "⅗": 3 / 5, "⅘": 4 / 5, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 1 / 8, "⅜": 3 / 8, "⅝": 5 / 8, "⅞": 7 / 8}
_UF = "".join(UNICODE_FRACTIONS)
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "half": 0.5, "half a": 0.5, "half an": 0.5, "a half": 0.5,
    "quarter": 0.25, "a quarter": 0.25, "a quarter of a": 0.25, "a dozen": 12, "dozen": 12, "a couple of": 2, "a couple": 2, "couple of": 2,
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
]

# Household and count measures: resolved per food from its SR28 portions, never by pint.
HOUSEHOLD_WORDS = frozenset(
    """slice piece container can fillet filet scoop serving handful pinch bar bottle glass mug small medium large
    jumbo whole item packet package pkg stalk clove leaf sprig wedge stick pat bunch head ear spear floret bowl
    box jar pouch tablet capsule softgel pill each square sheet carton shot jigger dash drop envelope link strip
    patty breast thigh drumstick wing fruit portion extra large extra small cube nlea""".split()
) | {"extra large", "extra small"}
SIZE_WORDS = ("medium", "large", "small", "extra large", "extra small", "jumbo")
# Measures people write that no table can weigh: recognised so the row says why it stopped.
VAGUE_WORDS = frozenset("smidgen dollop splash drizzle sprinkle knob bit touch glug hint tad spoonful heap few some little".split())


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
IE_NOUNS = frozenset("cookie pie brownie smoothie veggie calorie rotisserie rookie sweetie pastie prairie quickie".split())


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


def _take_unit(rest: str) -> tuple[str | None, str]:
    """Split a unit word off the front of ``rest`` ("cups spinach" -> ("cups", "spinach"))."""
    rest = rest.lstrip()
    for pattern, _name in UNIT_PHRASES:
        found = pattern.match(rest)
        if found:
            return found.group(0), rest[found.end():]
    found = re.match(r"^([^\W\d_]+)\.?(?=\s|$|,|\()", rest)
    if not found:
        return None, rest
    word = found.group(1)
    _name, kind, _per = resolve_unit(word)
    if kind == "unknown" and word.lower() not in VAGUE_WORDS and singular(word.lower()) not in VAGUE_WORDS:
        return None, rest
    return word, rest[found.end():]


def _clean_food(text: str) -> str:
    text = re.sub(r"^\s*(?:of\b|,|-)\s*", "", text.strip(), flags=re.I)
    text = re.sub(r"\(\s*\)", "", text)
    return text.strip(" ,;-")


@lru_cache(maxsize=65536)
def parse_quantity(text: str) -> Quantity:
    """Read amount and unit from a diary cell: leading ("1 1/2 cups spinach", "250ml milk",
    "a banana", "2 eggs") or trailing ("salmon fillet 150 g", "Vitamin D3, 1000 IU")."""
    text = (text or "").strip()
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
                    return Quantity(inner.amount, inner.unit, inner.kind, inner.per_unit, inner.food_text, f"'{qty_text.strip()} {unit_text or ''}'".replace(" '", "'") + " read with the stated weight")
                return _quantity(number[0], unit_text, food, number[1])
    trailing = re.match(rf"^(?P<food>.*?\S)[\s,(]+(?P<qty>{_RANGE}|{_NUM})\s*(?P<unit>[^\W\d_][\w .]*?)\s*\)?\s*$", text)
    if trailing:
        unit_text, leftover = _take_unit(trailing.group("unit"))
        number = parse_number(trailing.group("qty"))
        if unit_text and not leftover.strip() and number is not None:
            return _quantity(number[0], unit_text, _clean_food(trailing.group("food")), number[1])
    return Quantity(None, None, "none", None, text)


def _quantity(amount: float, unit_text: str | None, food: str, note: str) -> Quantity:
    if unit_text is None:
        return Quantity(amount, None, "count", None, food, note)
    name, kind, per_unit = resolve_unit(unit_text)
    return Quantity(amount, name, kind, per_unit, food, note)


@lru_cache(maxsize=65536)
def parse_amount_cell(amount: str, unit: str = "") -> Quantity:
    """Amount and unit from their own columns ("1.5" + "cups", or Cronometer's "1.00 cup")."""
    amount = (amount or "").strip()
    unit = re.sub(r"\s*\(.*\)\s*$", "", (unit or "").strip())  # "Serving (22 tsp, whole pieces)"
    combined = f"{amount} {unit}".strip()
    combined = re.sub(r"\s*\(.*\)\s*$", "", combined)
    if re.match(rf"^-\s*{_NUM}", combined):  # a negative amount is kept, so the row can say so
        positive = parse_amount_cell(combined.lstrip("-").strip())
        if positive.amount is not None:
            return Quantity(-positive.amount, positive.unit, positive.kind, positive.per_unit, "", "negative amount")
    number_match = re.match(rf"^\s*({_RANGE}|{_NUM})\s*(.*)$", combined)
    if not number_match:
        return Quantity(None, None, "unknown" if combined else "none", None, "", f"amount {combined!r} is not a number" if combined else "")
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
        name, kind, per_unit = resolve_unit(multiple.group(2))
        return Quantity(number[0] * factor, name, kind, per_unit, "", number[1])
    name, kind, per_unit = resolve_unit(unit_text)
    if kind == "unknown" and " " in unit_text:
        # "large egg", "medium banana": a size or household word leads the unit text
        first_name, first_kind, first_per_unit = resolve_unit(unit_text.split()[0])
        if first_kind == "household":
            return Quantity(number[0], first_name, first_kind, first_per_unit, "", number[1])
    word = unit_text.lower().strip(". ")
    if kind == "unknown" and re.fullmatch(r"[a-z]+", word) and word not in VAGUE_WORDS and singular(word) not in VAGUE_WORDS:
        # A unit column may name the item itself ("1.00 olive", "2 bar"): the food's own SR28
        # portions decide whether such a measure exists, and the row says so if not.
        return Quantity(number[0], singular(word), "household", None, "", number[1])
    return Quantity(number[0], name, kind, per_unit, "", number[1])


def _fmt(value: float) -> str:
    return f"{value:.4g}"


class PortionWeights:
    """Grams per unit for a food, from its own SR28 (or custom) portion weights.

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
        measure = str(portion["measure"])
        unit_text, _rest = _take_unit(measure)
        name, kind, per_unit = resolve_unit(unit_text) if unit_text else (singular(measure.split(",")[0].split("(")[0].strip().lower()), "household", None)
        amount = float(portion["amount"]) or 1.0
        inner = re.search(r"(?:^|[\s(])(\d+(?:/\d+|\.\d+)?)?\s*(cups?|tbsp|tsp|fl oz)\b", measure) if kind != "volume" else None
        if inner and kind == "household" and name in ("serving", "nlea", "container", "bottle", "can", "glass"):
            # "serving 1 cup" is a volume measure in disguise
            _n, kind, per_unit = resolve_unit(inner.group(2))
            name = _n
            amount = amount * (parse_number(inner.group(1))[0] if inner.group(1) else 1.0)
        return {**portion, "unit": name, "kind": kind, "ml": amount * per_unit if kind == "volume" else None, "grams_each": float(portion["grams"]) / amount}

    def grams_per_unit(self, food_id: str, quantity: Quantity, food_text: str = "") -> tuple[float | None, str]:
        """(grams per one unit of ``quantity``, how it was found) or (None, why not)."""
        # Only the text's words that occur in this food's measures can change the answer
        # ("chopped", "sliced"), so texts differing elsewhere share one lookup.
        words = frozenset(re.findall(r"[a-z]+", food_text.lower())) & self._measure_words(food_id) if quantity.kind in ("volume", "household", "count") else frozenset()
        key = (food_id, quantity.unit, quantity.kind, words)
        if key not in self._cache:
            self._cache[key] = self._resolve(food_id, quantity, " ".join(sorted(words)))
        return self._cache[key]

    def _measure_words(self, food_id: str) -> frozenset[str]:
        if food_id not in self._words:
            self._words[food_id] = frozenset(w for p in self._table.portions_of(food_id) for w in re.findall(r"[a-z]+", str(p["measure"]).lower()))
        return self._words[food_id]

    def _source(self, food_id: str) -> str:
        """The table a portion weight comes from, for the note ("SR28 portion", "FNDDS 2.0 portion")."""
        return self._table.edition(food_id).short if self._table.has(food_id) else "table"

    def _resolve(self, food_id: str, quantity: Quantity, food_text: str) -> tuple[float | None, str]:
        if quantity.kind == "mass":
            return quantity.per_unit, ""
        description = self._table.description(food_id) if self._table.has(food_id) else food_id
        if food_id not in self._classified:
            self._classified[food_id] = [self._classify(p) for p in self._table.portions_of(food_id)]
        portions = self._classified[food_id]
        text_words = set(re.findall(r"[a-z]+", food_text))

        def overlap(portion: dict) -> int:
            return len(text_words & set(re.findall(r"[a-z]+", str(portion["measure"]).lower())))

        if quantity.kind == "volume":
            volumes = [p for p in portions if p["kind"] == "volume"]
            if not volumes:
                return None, f"no volume weight for {description}; give the amount in grams or a household measure"
            best = max(volumes, key=lambda p: (overlap(p), p["unit"] == quantity.unit, -int(p["seq"])))
            grams_per_ml = float(best["grams"]) / best["ml"]
            return grams_per_ml * quantity.per_unit, f"{_fmt(best['amount'])} {best['measure']} = {_fmt(best['grams'])} g ({self._source(food_id)} portion)"
        if quantity.kind == "household":
            unit = quantity.unit
            starts = [p for p in portions if p["kind"] == "household" and (p["unit"] == unit or str(p["measure"]).lower().startswith(unit))]
            contains = [p for p in portions if re.search(rf"\b{re.escape(unit)}s?\b", str(p["measure"]).lower())]
            candidates = starts or contains
            if unit == "serving" and not candidates:
                candidates = [p for p in portions if "serving" in str(p["measure"]).lower()]
            if not candidates:
                listed = ", ".join(sorted({str(p["measure"]) for p in portions})[:6]) or "none"
                return None, f"no '{unit}' portion for {description} (its portions: {listed}); give grams or another measure"
            best = max(candidates, key=lambda p: (str(p["measure"]).lower() == unit, overlap(p), -int(p["seq"])))
            return best["grams_each"], f"1 {best['measure']} = {_fmt(best['grams_each'])} g ({self._source(food_id)} portion)"
        if quantity.kind == "count":
            items = [p for p in portions if p["kind"] == "household"]
            description_words = {singular(w) for w in re.findall(r"[a-z]+", description.lower())} | {singular(w) for w in text_words}
            named = [p for p in items if p["unit"] in description_words and p["unit"] not in SIZE_WORDS]
            # A measure named after the item itself ("bagel", "sardines") is its single item;
            # otherwise the medium size, then a whole fruit or item, then large. Eggs are the
            # exception the USDA itself makes: its standard egg is the large egg.
            order = ("large", "medium") if description.lower().startswith("egg,") else ("medium", "fruit", "whole", "item", "large")
            sized = sorted((p for p in items if str(p["measure"]).lower().split(" ")[0].strip(",") in order), key=lambda p: (order.index(str(p["measure"]).lower().split(" ")[0].strip(",")), int(p["seq"])))
            if named:
                best = min(named, key=lambda p: ("medium" not in str(p["measure"]).lower(), any(w in str(p["measure"]).lower() for w in ("mini", "small", "large")), int(p["seq"])))
            elif sized:
                best = sized[0]
            else:
                nouns = [p for p in items if not str(p["measure"]).lower().startswith(("nlea", "serving", "package", "pkg", "container", "bunch", "head", "cup", "lb", "oz"))]
                if not nouns:
                    return None, f"no single-item portion for {description}; give grams or a measure (cup, slice, medium...)"
                best = max(nouns, key=lambda p: (overlap(p), -int(p["seq"])))
            return best["grams_each"], f"1 {best['measure']} = {_fmt(best['grams_each'])} g ({self._source(food_id)} portion)"
        if quantity.kind == "iu":
            return None, f"IU is a dose unit for vitamin supplements, not a food amount; give grams for {description}"
        if quantity.kind == "unknown":
            return None, f"unknown unit '{quantity.unit}'" if quantity.unit else (quantity.note or "amount is not a number")
        return None, "no amount given"
