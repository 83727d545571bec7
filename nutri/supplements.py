"""Supplements read the way labels write them: doses, mineral salts and common products.

A supplement row is read from three places: the food text ("Vitamin D3 2000 IU", "Calcium 600 + D3
400 IU"), the amount and unit cells ("2" tablets, "1.00 1000mcg tablet", "3.00 x 1000.0 IU") and the
product table (Tums, milk of magnesia, multivitamins, B-complex; data/supplement_products.csv).
Nutrient names, units and IU factors come from the registry (nutri/nutrients.py), units are converted
by the project's pint registry (nutri/units.txt), and a mineral's salts are rows of
data/supplement_salts.csv: a nutrient added to the registry with a supplement pattern parses here
with no change to this module.

Mineral doses are elemental or the compound's weight (README, "Supplements"):
1. "elemental", or the salt named after "as"/"from" ("Magnesium (as magnesium oxide) 250 mg"): the
   dose is elemental (Supplement Facts panels declare the element and name the salt after "as").
2. A salt named without those, at a dose that is a common tablet size of the compound ("calcium
   carbonate 1250 mg"): the dose is the compound's weight; the element is dose x elemental fraction.
3. Any other salt named ("magnesium citrate 200 mg"): elemental, the label convention.
4. No salt named ("magnesium 400 mg"): elemental.
Rules 2 and 3 are a choice between two readings: the note shows both, and the entry carries the
other reading's amount (``SupplementRead.alternative``) so a report can say when it changes a verdict.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from nutri import nutrients as registry  # read at call time: the registry is the one list of nutrients
from nutri.foods import data_file
from nutri.nutrients import Nutrient
from nutri.quantity import Quantity, parse_number, resolve_unit
from nutri.quantity import registry as unit_registry  # built on first use (pint loads only then)

# IUPAC 2021 standard atomic weights (abridged to 3-5 significant figures), for the salts' formulas.
ATOMIC_WEIGHTS = {
    "H": 1.008,
    "C": 12.011,
    "N": 14.007,
    "O": 15.999,
    "Na": 22.990,
    "Mg": 24.305,
    "P": 30.974,
    "S": 32.06,
    "Cl": 35.45,
    "K": 39.098,
    "Ca": 40.078,
    "Fe": 55.845,
    "Zn": 65.38,
    "Se": 78.971,
}

_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d*\.\d+|\d+"
_DOSE_UNIT = r"mcg|µg|μg|ug|mg|milligrams?|micrograms?|grams?|gm|g|iu|i\.u\.|international\s+units?"
# "2000 IU", "1000mcg", "0.4 g", "1,000 IU": a number and a dose unit, not part of a longer word
DOSE_RE = re.compile(rf"(?<![\w.,])(?P<number>{_NUMBER})\s*(?P<unit>{_DOSE_UNIT})(?![a-zµμ])", re.IGNORECASE)
# "Calcium 600 + D3 400 IU": a bare number right after a nutrient's name, not followed by a word
BARE_RE = re.compile(rf"^[\s:,-]*(?P<number>{_NUMBER})(?![\w.,%])(?!\s*[^\W\d_])")
ELEMENTAL_RE = re.compile(r"\belemental\b", re.IGNORECASE)
# Words that make a text a food that happens to name a nutrient ("calcium fortified orange juice").
FOOD_WORDS = re.compile(
    r"milk\b|\b(juice|cereal|yogh?urt|tofu|water|bar|cheese|bread|shake|fortified|enriched|added|"
    r"with added|cookie|cracker|drink|soup|cand(y|ies)|sweets|gummy bears?)\b",
    re.IGNORECASE,
)
# Words and units that make a text a supplement even when it names no tracked nutrient.
SUPPLEMENT_WORDS = re.compile(
    r"\b(multi-?\s*vitamins?|vitamins?|supplements?|tablets?|capsules?|softgels?|"
    r"gel\s*caps?|gummies|pills?|chewables?|lozenges?|caplets?)\b",
    re.IGNORECASE,
)
# Units a diary gives only to supplements (in the amount or unit cell): a gummy in a unit cell is a pill.
PILL_UNITS = re.compile(rf"{SUPPLEMENT_WORDS.pattern}|\bgumm(y|ies)\b", re.IGNORECASE)
DOSE_ONLY_UNITS = re.compile(r"(?<![a-z])(mcg|µg|μg|ug|iu)(?![a-z])", re.IGNORECASE)  # never a food amount


@dataclass(frozen=True)
class Salt:
    nutrient: str  # registry key
    name: str  # "calcium carbonate"
    pattern: re.Pattern[str]  # its words in diary text ("carbonate")
    element: str  # "Ca"
    formula: str  # "CaCO3"
    fraction: float  # elemental fraction by weight, from the formula
    stated_percent: float | None  # as a source states it, where one does
    source: str
    compound_tablet_mg: frozenset[float]  # doses sold by the compound's weight


@dataclass(frozen=True)
class ProductDose:
    nutrient: str  # registry key
    amount: float | None  # per serving, as the label states it; None: it holds some, amount unknown
    unit: str
    salt: str  # the label's amount is this compound's weight ("" when elemental)


@dataclass(frozen=True)
class Product:
    key: str
    label: str
    pattern: re.Pattern[str]
    kind: str
    serving: str  # "1 tablet", "15 ml"
    serving_ml: float | None
    doses: tuple[ProductDose, ...]
    generic: bool  # generic values, not those of the user's bottle: the note asks for the product's own
    flag: str
    source: str

    @property
    def none_tracked(self) -> bool:
        """A product of substances nutri does not track (creatine): none of its rows gives a tracked
        nutrient's amount (a row of one without an amount, a softgel's energy, is unknown)."""
        return not any(_tracked(d) and d.amount is not None for d in self.doses)


@dataclass(frozen=True)
class Dose:
    column: str  # entry column ("calcium_mg")
    amount: float  # per entry, in the column's unit
    reading: str  # how it was read, for the note
    alternative: float | None = None  # per entry, under the other reading (compound vs elemental)


@dataclass(frozen=True)
class SupplementRead:
    """What a supplement row adds: its doses (none when it cannot be read), status and note."""

    doses: tuple[Dose, ...]
    status: str  # matched | needs_review | unmatched
    note: str
    food_id: str = ""
    description: str = ""
    unknown: tuple[str, ...] = ()  # columns the product holds in unknown amounts (a generic multivitamin's calcium)
    # read, and it names only what nutri does not track (a zinc tablet): none of the tracked nutrients
    none_tracked: bool = False

    @property
    def counted(self) -> bool:
        """Whether the row is supplemental intake nutri counts: doses read, or none of what it tracks."""
        return bool(self.doses) or self.none_tracked

    def amount(self, column: str) -> float:
        """The row's amount of a nutrient: its doses, 0 for what it does not hold (a vitamin D pill
        holds no calcium, a zinc pill none of the tracked nutrients), NaN where unknown, and NaN
        throughout when nothing could be read."""
        values = [d.amount for d in self.doses if d.column == column]
        if values:
            return float(sum(values))
        return np.nan if (column in self.unknown or not self.counted) else 0.0

    @property
    def alternative(self) -> tuple[str, float] | None:
        """(column, amount) of the first dose read one way with another reading possible."""
        for dose in self.doses:
            if dose.alternative is not None:
                return dose.column, dose.alternative
        return None


def atom_counts(formula: str) -> Counter:
    """'Ca3(C6H5O7)2·4H2O' -> Counter({'H': 18, 'O': 18, 'C': 12, 'Ca': 3}); hydrates after '·'."""
    total: Counter = Counter()
    for part in re.split(r"[·•*]", formula):
        leading = re.match(r"^(\d+)(.*)$", part)
        factor, body = (int(leading.group(1)), leading.group(2)) if leading else (1, part)
        for element, count in _group_counts(body).items():
            total[element] += count * factor
    return total


def _group_counts(body: str) -> Counter:
    stack: list[Counter] = [Counter()]
    for symbol, count, opening, closing, group_count in re.findall(r"([A-Z][a-z]?)(\d*)|(\()|(\))(\d*)", body):
        if symbol:
            if symbol not in ATOMIC_WEIGHTS:
                raise ValueError(f"unknown element {symbol!r} in formula {body!r}")
            stack[-1][symbol] += int(count or 1)
        elif opening:
            stack.append(Counter())
        elif closing:
            inner = stack.pop()
            for element, n in inner.items():
                stack[-1][element] += n * int(group_count or 1)
    if len(stack) != 1:
        raise ValueError(f"unbalanced parentheses in formula {body!r}")
    return stack[0]


def elemental_fraction(formula: str, element: str) -> float:
    counts = atom_counts(formula)
    molar_mass = sum(ATOMIC_WEIGHTS[e] * n for e, n in counts.items())
    return counts[element] * ATOMIC_WEIGHTS[element] / molar_mass


def _words_pattern(names: str) -> re.Pattern[str]:
    words = sorted((w.strip() for w in names.split(";") if w.strip()), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def salts() -> tuple[Salt, ...]:
    frame = pd.read_csv(data_file("supplement_salts.csv"), comment="#", dtype=str, keep_default_na=False)
    return tuple(
        Salt(
            row.nutrient,
            row.salt,
            _words_pattern(row.names),
            row.element,
            row.formula,
            elemental_fraction(row.formula, row.element),
            float(row.stated_percent) if row.stated_percent else None,
            row.stated_source,
            frozenset(float(x) for x in row.compound_tablet_mg.split(";") if x),
        )
        for row in frame.itertuples(index=False)
    )


@lru_cache(maxsize=1)
def products() -> tuple[Product, ...]:
    frame = pd.read_csv(data_file("supplement_products.csv"), comment="#", dtype=str, keep_default_na=False)
    found: list[Product] = []
    for key, rows in frame.groupby("product", sort=False):
        first = rows.iloc[0]
        doses = tuple(
            ProductDose(r.nutrient, float(r.amount) if r.amount else None, r.unit, r.salt)
            for r in rows.itertuples(index=False)
        )
        found.append(
            Product(
                str(key),
                first.label,
                re.compile(first.names, re.IGNORECASE),
                first.kind,
                first.serving,
                float(first.serving_ml) if first.serving_ml else None,
                doses,
                first.generic == "yes",
                first.flag,
                first.source,
            )
        )
    return tuple(found)


def _tracked(dose: ProductDose) -> bool:
    return dose.nutrient in registry.NUTRIENT_BY_KEY


def salt_by_name(name: str) -> Salt:
    for salt in salts():
        if salt.name == name:
            return salt
    raise KeyError(f"no salt {name!r} in supplement_salts.csv")


def _fmt(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _to_column_unit(number: float, unit_word: str, nutrient: Nutrient) -> float | None:
    """A dose in the nutrient's column unit, through the pint registry; IU only where the registry
    defines them for that vitamin. None when the unit cannot hold this nutrient."""
    name, kind, _per_unit = resolve_unit(_unit_word(unit_word))
    if kind == "iu":
        return number / nutrient.iu_per_unit if nutrient.iu_per_unit else None
    if kind == "mass":
        return float(unit_registry().Quantity(number, name).to(nutrient.column_unit).magnitude)
    return None


def _unit_word(unit_word: str) -> str:
    # resolve_unit strips the dots of "i.u." before its IU phrase can see them
    return "iu" if re.fullmatch(r"i\.?\s*u\.?", unit_word.strip(), re.IGNORECASE) else unit_word


def _mg(number: float, unit_word: str) -> float | None:
    name, kind, _per_unit = resolve_unit(_unit_word(unit_word))
    return float(unit_registry().Quantity(number, name).to("milligram").magnitude) if kind == "mass" else None


@dataclass(frozen=True)
class _Found:
    """A dose found in text for one nutrient, per unit taken (before counts)."""

    nutrient: Nutrient
    value: float  # in the column unit
    written: str  # as written ("1250 mg")
    mg: float | None  # the mass in mg, for the salt rules (None for IU)
    segment: str  # the text about this nutrient, where its salt is named


def _number(text: str) -> float | None:
    parsed = parse_number(text)
    return parsed[0] if parsed else None


def _segments(text: str, nutrients: tuple[Nutrient, ...]) -> list[tuple[Nutrient, int, int, int]]:
    """(nutrient, segment start, name end, segment end) per named nutrient, in text order: a nutrient's
    segment runs from its first mention to the next nutrient's first mention."""
    first: dict[str, tuple[int, int, Nutrient]] = {}
    for nutrient in nutrients:
        found = nutrient.supplement_regex.search(text) if nutrient.supplement_regex else None
        if found:
            first[nutrient.key] = (found.start(), found.end(), nutrient)
    ordered = sorted(first.values(), key=lambda x: x[0])
    return [
        (n, start, end, ordered[i + 1][0] if i + 1 < len(ordered) else len(text))
        for i, (start, end, n) in enumerate(ordered)
    ]


def find_doses(text: str, nutrients: tuple[Nutrient, ...] | None = None) -> list[_Found]:
    """Doses a text gives per named nutrient: the first dose in the nutrient's segment ("Vitamin D3
    2000 IU"), else one just before its name ("400 mg magnesium"), else a bare number right after a
    name whose unit is mg ("Calcium 600 + D3 400 IU": 600 mg calcium)."""
    segments = _segments(text, registry.SUPPLEMENTABLE if nutrients is None else nutrients)
    doses = list(DOSE_RE.finditer(text))
    used: set[int] = set()
    found: list[_Found] = []
    for index, (nutrient, start, name_end, end) in enumerate(segments):
        scope = text[(0 if index == 0 else start) : end]  # where its salt is named
        inside = [d for d in doses if start <= d.start() < end]
        before = [d for d in doses if d.end() <= start and not text[d.end() : start].strip(" of")]
        usable = [d for d in inside + before if d.start() not in used and _dose_value(d, nutrient) is not None]
        dose = usable[0] if usable else None
        bare = BARE_RE.match(text[name_end:end])
        if dose is not None:
            used.add(dose.start())
            number, unit_word = _number(dose.group("number")), dose.group("unit")
            found.append(_Found(nutrient, _dose_value(dose, nutrient), dose.group(0), _mg(number, unit_word), scope))
        elif bare and nutrient.column_unit == "mg" and _number(bare.group("number")):
            number = _number(bare.group("number"))
            found.append(_Found(nutrient, number, f"{bare.group('number')} (read as mg)", number, scope))
    return found


def _dose_value(dose: re.Match[str], nutrient: Nutrient) -> float | None:
    number = _number(dose.group("number"))
    return None if number is None else _to_column_unit(number, dose.group("unit"), nutrient)


def _salt_named(nutrient: str, segment: str) -> Salt | None:
    named = [(m.start(), s) for s in salts() if s.nutrient == nutrient for m in [s.pattern.search(segment)] if m]
    return min(named, key=lambda x: x[0])[1] if named else None


def _declared_elemental(segment: str, salt: Salt) -> bool:
    """'elemental', or the salt after 'as'/'from': "Magnesium 250 mg (as magnesium oxide)"."""
    if ELEMENTAL_RE.search(segment):
        return True
    return any(
        re.search(rf"\b(as|from)\b[^,;+]{{0,40}}?{re.escape(m.group(0))}", segment, re.IGNORECASE)
        for m in salt.pattern.finditer(segment)
    )


def has_salts(nutrient: Nutrient) -> bool:
    return any(s.nutrient == nutrient.key for s in salts())


def mineral_reading(found: _Found) -> tuple[float, str, float | None]:
    """(amount per unit, the reading in words, the other reading's amount) by the four rules."""
    label, unit = found.nutrient.label, found.nutrient.unit
    salt = _salt_named(found.nutrient.key, found.segment) if found.mg is not None else None
    if salt is None:
        basis = "elemental" if found.mg is not None and has_salts(found.nutrient) else "label amount"
        return found.value, f"{found.written} = {_fmt(found.value)} {unit} {label} ({basis})", None
    percent = f"{salt.fraction:.1%}"
    if _declared_elemental(found.segment, salt):
        convention = f"label convention: 'elemental' or 'as {salt.name}'"
        return found.value, f"{found.written} read as elemental {label} ({convention})", None
    compound = found.value * salt.fraction
    if found.mg in salt.compound_tablet_mg:
        return (
            compound,
            (
                f"{found.written} read as the weight of {salt.name} (a common tablet size): x {percent} = "
                f"{_fmt(compound)} {unit} {label}; if the label meant elemental {label}: "
                f"{_fmt(found.value)} {unit}"
            ),
            found.value,
        )
    return (
        found.value,
        (
            f"{found.written} read as elemental {label} (Supplement Facts declare the element); "
            f"if it is the weight of {salt.name}: x {percent} = {_fmt(compound)} {unit}"
        ),
        compound,
    )


@dataclass(frozen=True)
class Cells:
    """What the amount and unit cells (or the text's own leading amount) say about a supplement."""

    count: float | None  # units taken (tablets, servings, "1"); None when not given
    dose: tuple[float, str] | None  # a total dose written in the cells ("3.00 x 1000.0 IU")
    per_unit: str  # a dose written in the unit cell per unit ("1000mcg" of "1.00 1000mcg tablet")
    volume_ml: float | None
    pill: bool  # the unit is a pill word (tablet, softgel, gummy...)
    problem: str  # why the amount cannot be used


@lru_cache(maxsize=65536)  # few distinct cells: the same "1 cup" for many texts
def read_cells(amount_text: str, unit_text: str, quantity: Quantity) -> Cells:
    cell = f"{amount_text or ''} {unit_text or ''}".strip()
    if not cell:
        return _from_quantity(quantity)
    cell = re.sub(r"\s*\(.*\)\s*$", "", cell)
    if not (amount_text or "").strip():  # a unit cell alone ("tablet", "1000mcg tablet"): one unit
        inner = DOSE_RE.search(cell)
        return Cells(None, None, inner.group(0) if inner else "", None, bool(PILL_UNITS.search(cell)), "")
    leading = re.match(rf"^\s*(?P<n>{_NUMBER}|\d+\s*/\s*\d+)\s*(?P<rest>.*)$", cell)
    count = _number(leading.group("n")) if leading else None
    if count is None:
        return Cells(None, None, "", None, False, quantity.note or f"amount {cell!r} is not a number")
    rest = leading.group("rest").strip()
    multiple = re.match(rf"^x\s*(?P<m>{_NUMBER})\s*(?P<unit>.+)$", rest, re.IGNORECASE)
    if multiple:  # Cronometer: "3.00 x 1000.0 IU" is a dose; "1.50 x 2.0 gummy vitamins" 1.5 servings
        size, unit_word = _number(multiple.group("m")) or 0.0, multiple.group("unit")
        if resolve_unit(unit_word)[1] in ("mass", "iu"):
            return Cells(None, (count * size, unit_word), "", None, False, "")
        return Cells(count, None, "", None, bool(PILL_UNITS.search(unit_word)), "")
    if rest and resolve_unit(rest)[1] in ("mass", "iu"):
        return Cells(None, (count, rest), "", None, False, "")
    inner = DOSE_RE.search(rest)
    if inner and resolve_unit(_unit_word(inner.group("unit")))[0] != "gram":  # "170g container" is a weight
        # "1.00 1000mcg tablet": a dose per unit in the unit cell
        return Cells(count, None, inner.group(0), None, True, "")
    _name, kind, per_unit = resolve_unit(rest) if rest else ("", "count", None)
    volume = count * per_unit if kind == "volume" and per_unit else None
    return Cells(None if volume else count, None, "", volume, bool(PILL_UNITS.search(rest)), "")


def _from_quantity(quantity: Quantity) -> Cells:
    """The text carried its own amount ("2 tablets Vitamin D3 1000 IU", "Vitamin D3 2000 IU")."""
    if quantity.amount is None:
        return Cells(None, None, "", None, False, "")
    if quantity.kind == "volume" and quantity.per_unit:
        return Cells(None, None, "", quantity.amount * quantity.per_unit, False, "")
    if quantity.kind in ("count", "household"):
        return Cells(quantity.amount, None, "", None, bool(PILL_UNITS.search(quantity.unit or "")), "")
    return Cells(None, None, "", None, False, "")  # the dose is in the text itself


@lru_cache(maxsize=8)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for several (names of nutrients): most diary texts name none, and one search says so."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _any_product() -> re.Pattern[str]:
    """Any product's pattern (the product table is read once): asked of every text a run reads."""
    return _any_of(tuple(p.pattern.pattern for p in products()))


_PATTERNS_READ_WITH: list = [None, None, None, []]  # the registry, then what _registry_patterns gives for it


def _registry_patterns() -> tuple[re.Pattern[str], re.Pattern[str], list[str]]:
    """(any tracked nutrient's name, any untracked mineral's name, the untracked minerals), made again
    only when the registry changes (a nutrient registered at run time): a cold cohort asks per text,
    and building the keys and patterns' names each time was most of the asking."""
    if _PATTERNS_READ_WITH[0] is not registry.SUPPLEMENTABLE:
        tracked = {n.key for n in registry.SUPPLEMENTABLE}
        untracked = sorted({s.nutrient for s in salts()} - tracked)
        _PATTERNS_READ_WITH[:] = [
            registry.SUPPLEMENTABLE,
            _any_of(tuple(n.supplement_pattern for n in registry.SUPPLEMENTABLE)),
            _any_of(tuple(rf"\b{re.escape(key)}\b" for key in untracked)),
            untracked,
        ]
    return _PATTERNS_READ_WITH[1], _PATTERNS_READ_WITH[2], _PATTERNS_READ_WITH[3]


def _names_a_nutrient(text: str) -> bool:
    return bool(_registry_patterns()[0].search(text))


def names_a_mineral_or_vitamin(text: str) -> bool:
    """Whether the text names a nutrient of the registry or a mineral of the salts table ("zinc"):
    a number after such a name is a dose or part of the name ("B12"), never a count of the food."""
    return _names_a_nutrient(text) or _named_untracked(text) is not None


def _named_untracked(text: str) -> str | None:
    """A mineral of the salts table the registry does not track yet ("Zinc 30 mg")."""
    _names, any_untracked, untracked = _registry_patterns()
    if not any_untracked.search(text):
        return None
    return next(key for key in untracked if re.search(rf"\b{re.escape(key)}\b", text, re.IGNORECASE))


def _tracked_labels() -> str:
    return ", ".join(n.label for n in registry.SUPPLEMENTABLE)


@dataclass(frozen=True)
class _TextFacts:
    """What the text alone says, whatever the cells: a diary repeats one text with many amounts and
    units (a 10M-row cohort: 124k keys, 36k texts), and these searches were most of a key's reading."""

    product: Product | None
    food: bool  # names a food that happens to name a nutrient
    named: tuple[Nutrient, ...]  # the tracked nutrients it names, in order
    names: bool  # any tracked nutrient's name is in it
    untracked: str | None
    supplement_words: bool


_FACTS: dict[str, _TextFacts] = {}
_FACTS_READ_WITH: list = [None]  # the registry the facts were read with


def _about_text(text: str) -> _TextFacts:
    """``_TextFacts`` once per text, read again after a nutrient is registered (the registry is read at
    call time)."""
    if _FACTS_READ_WITH[0] is not registry.SUPPLEMENTABLE or len(_FACTS) >= 65536:
        _FACTS.clear()
        _FACTS_READ_WITH[0] = registry.SUPPLEMENTABLE
    facts = _FACTS.get(text)
    if facts is None:
        facts = _FACTS[text] = _read_text(text)
    return facts


def _read_text(text: str) -> _TextFacts:
    maybe = _any_product().search(text)
    product = next((p for p in products() if p.pattern.search(text)), None) if maybe else None
    if product is not None and product.none_tracked and (FOOD_WORDS.search(text) or _names_a_nutrient(text)):
        product = None  # "Boron (as calcium fructoborate)" holds calcium; "tomato lycopene juice" is a food
    if product is not None or FOOD_WORDS.search(text):  # the rest is not read
        return _TextFacts(product, product is None, (), False, None, False)
    names = _names_a_nutrient(text)
    named = tuple(n for n, _start, _end, _stop in _segments(text, registry.SUPPLEMENTABLE)) if names else ()
    return _TextFacts(None, False, named, names, _named_untracked(text), bool(SUPPLEMENT_WORDS.search(text)))


@lru_cache(maxsize=65536)
def read_supplement(food: str, amount_text: str, unit_text: str, quantity: Quantity) -> SupplementRead | None:
    """A supplement row read from its text, cells and the product table; None when it is a food.

    ``quantity`` is what the cells (or, without cells, the text) say as nutri/quantity.py reads them."""
    text = (food or "").strip()
    facts = _about_text(text)
    if facts.food:  # whatever the cells say (most rows: their cells are not read)
        return None
    cells = read_cells(amount_text, unit_text, quantity)
    if facts.product is not None:
        return _read_product(facts.product, cells)
    named = list(facts.named)
    found = find_doses(f"{text} {cells.per_unit}".strip()) if facts.names else []
    if found or (cells.dose and named):
        return _read_doses(text, found, named, cells)
    if named:
        return SupplementRead(
            (),
            "needs_review",
            cells.problem or "names a supplement but gives no dose; write it with its dose (e.g. 'Vitamin D3 1000 IU')",
        )
    untracked = facts.untracked
    if untracked:
        # as a vitamin D pill holds no calcium, a pill of a mineral nutri does not track holds none of
        # what it tracks: counted as 0, not unknown (the year-long export's 116 zinc rows lowered every
        # nutrient's coverage)
        return SupplementRead(
            (),
            "matched",
            f"a {untracked} supplement: nutri does not track {untracked}; it holds none of the nutrients nutri "
            "tracks (counted as 0)",
            "",
            f"supplement ({untracked}, not tracked)",
            none_tracked=True,
        )
    if facts.supplement_words or cells.pill or DOSE_ONLY_UNITS.search(f"{text} {amount_text} {unit_text}"):
        return SupplementRead(
            (),
            "needs_review",
            "looks like a supplement nutri cannot read: no dose is read from its text "
            f"and no food is guessed; if it contains {_tracked_labels()}, write each with its dose "
            "(e.g. 'Magnesium 100 mg')",
        )
    return None


def _read_doses(text: str, found: list[_Found], named: list[Nutrient], cells: Cells) -> SupplementRead:
    by_key = {f.nutrient.key: f for f in found}
    totals: set[str] = set()  # doses written as a total in the cells: not multiplied by a count
    if cells.dose is not None:
        number, unit_word = cells.dose
        for nutrient in named:
            value = _to_column_unit(number, unit_word, nutrient)
            if value is not None:
                written = f"{_fmt(number)} {unit_word}"
                by_key[nutrient.key] = _Found(nutrient, value, written, _mg(number, unit_word), text)
                totals.add(nutrient.key)
                break
    count = 1.0 if cells.count is None else cells.count
    doses, readings = [], []
    for nutrient in [n for n in registry.SUPPLEMENTABLE if n.key in by_key]:
        amount, reading, alternative = mineral_reading(by_key[nutrient.key])
        factor = 1.0 if nutrient.key in totals else count
        if factor != 1.0:
            other = "" if alternative is None else f" (other reading: {_fmt(alternative * factor)} {nutrient.unit})"
            reading += f"; x {_fmt(factor)} taken = {_fmt(amount * factor)} {nutrient.unit}{other}"
        other_amount = None if alternative is None else alternative * factor
        doses.append(Dose(nutrient.column, amount * factor, reading, other_amount))
        readings.append(reading)
    missing = [n.label for n in named if n.key not in by_key]
    if missing:
        readings.append(f"{', '.join(missing)} named without a dose: not counted")
    readings.append("counts as supplemental intake")
    keys = [n.key for n in registry.SUPPLEMENTABLE if n.key in by_key]
    unknown = tuple(n.column for n in named if n.key not in by_key)
    return SupplementRead(
        tuple(doses),
        "needs_review" if missing else "matched",
        "; ".join(readings),
        "supplement:" + "+".join(keys),
        f"supplement ({', '.join(d.column for d in doses)})",
        unknown,
    )


def _servings(product: Product, cells: Cells) -> tuple[float | None, str]:
    """How many servings of the product a row took, and what the note says about it."""
    unit = product.serving.split()[-1]
    if cells.volume_ml is not None:
        if not product.serving_ml:
            return None, f"{product.label} is counted by the {unit}: give the number taken, not a volume"
        servings = cells.volume_ml / product.serving_ml
        return servings, f"{_fmt(cells.volume_ml)} ml = {_fmt(servings)} x {product.serving}"
    if cells.dose is not None:
        return None, f"give the number of {unit}s of {product.label} taken, not a dose"
    if cells.count is None:
        return 1.0, f"amount not given: {product.serving} assumed"
    return cells.count, "" if cells.count == 1 else f"{_fmt(cells.count)} x {product.serving}"


def _read_product(product: Product, cells: Cells) -> SupplementRead:
    food_id, description = "product:" + product.key, product.label
    head = f"{product.label}: {product.flag}" if product.flag else product.label
    if product.none_tracked:  # none of what nutri tracks, however much was taken
        unknown = tuple(registry.NUTRIENT_BY_KEY[d.nutrient].column for d in product.doses if _tracked(d))
        note = f"{head}; counted as 0 of each tracked nutrient; source: {product.source}"
        return SupplementRead((), "matched", note, food_id, description, unknown, none_tracked=True)
    servings, how_much = _servings(product, cells)
    if servings is None:
        return SupplementRead((), "needs_review", f"{head}; {how_much}", food_id, description)
    doses, readings = [], []
    unknown = []
    for item in product.doses:
        nutrient = registry.NUTRIENT_BY_KEY.get(item.nutrient)
        if nutrient is not None and item.amount is None:
            unknown.append(nutrient.column)  # the product holds some, in an amount no label value gives
            continue
        value = _to_column_unit(item.amount, item.unit, nutrient) if nutrient is not None else None
        if value is None:
            continue  # a nutrient nutri does not track (yet)
        label = nutrient.label
        reading = f"{_fmt(item.amount)} {item.unit} {label}"
        if item.salt:
            salt = salt_by_name(item.salt)
            value *= salt.fraction
            reading = (
                f"{_fmt(item.amount)} {item.unit} {salt.name} x {salt.fraction:.1%} = "
                f"{_fmt(value)} {nutrient.unit} {label}"
            )
        doses.append(Dose(nutrient.column, value * servings, reading))
        readings.append(reading)
    parts = [head, how_much, f"per {product.serving}: " + ", ".join(readings), f"label values: {product.source}"]
    if product.generic:
        parts.append("give your product's own doses for exact values")
    parts.append("counts as supplemental intake")
    # a generic product is a documented reading (like a curated alias), so it counts: status matched
    note = "; ".join(p for p in parts if p)
    return SupplementRead(tuple(doses), "matched", note, food_id, description, tuple(unknown))


def alternative_totals(entries: pd.DataFrame) -> pd.DataFrame:
    """Per date and nutrient column, the counted supplement amount as read and under the other reading
    of its ambiguous mineral doses (rules 2 and 3), for a report to say when the reading changes a
    verdict. ``entries`` is the frame nutri.intake.analyse returns; columns: date, column, as_read,
    alternative, change (alternative minus as_read). Rows whose amount is not counted are left out."""
    has = entries[entries["alternative_column"] != ""] if "alternative_column" in entries else entries.iloc[0:0]
    as_read = np.array([has.at[i, c] for i, c in zip(has.index, has["alternative_column"], strict=False)], dtype=float)
    frame = pd.DataFrame(
        {
            "date": has["date"].to_numpy(),
            "column": has["alternative_column"].to_numpy(),
            "as_read": as_read,
            "alternative": has["alternative_amount"].to_numpy(dtype=float),
        }
    )
    frame = frame[~np.isnan(frame["as_read"].to_numpy())]
    totals = frame.groupby(["date", "column"], as_index=False)[["as_read", "alternative"]].sum()
    totals["change"] = totals["alternative"] - totals["as_read"]
    return totals


def days_under_alternative(days: pd.DataFrame, totals: pd.DataFrame, column: str) -> pd.DataFrame | None:
    """The day table (``nutri.assess.mark_days``'s frame) with the other reading of every ambiguous dose
    of ``column`` in place of the one taken; None when no dose of it is ambiguous on these days. The
    value, its upper bound and its supplement share move together, so the verdict can be judged again."""
    changes = totals[(totals["column"] == column) & totals["date"].isin(days["date"])]
    if changes.empty:
        return None
    change = days["date"].map(changes.set_index("date")["change"]).fillna(0.0).to_numpy(dtype=float)
    other = days.copy()
    for name in (column, column + "_upper", column + "_supplemental"):
        if name in other:
            other[name] = other[name].to_numpy(dtype=float) + change
    return other
