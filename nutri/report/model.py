"""The typed report model: small frozen dataclasses built once from the analysed diary, read by
every renderer (text, Markdown, HTML, XLSX) and serialised as the JSON contract.

Field names are the JSON keys, so ``Report.from_dict(d).to_dict() == d`` for a report dict of any
nutri version that has the same keys (tests/test_report_model.py checks it on the golden JSON).
Two kinds of field metadata shape the JSON: ``OMIT`` leaves a key out when its value is None (keys
that only some nutrients carry, such as ``gap`` or ``above_ul``), ``FLAT`` writes a field's own
keys into its parent (a day's per-nutrient columns, a nutrient's advice).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from nutri.assess import Status

OMIT = {"omit_none": True}
FLAT = {"flatten": True}


# -- serialisation -------------------------------------------------------------------------
#
# A report has about 8,000 model objects (two years of weeks, each day and nutrient), so each class's
# fields, type hints and JSON rules are read once (its plan) rather than for every object.

_SCALARS = frozenset({str, int, float, bool, type(None)})


def _identity(value):
    return value


def _plain(value, leaf=_identity):
    kind = type(value)
    if kind in _SCALARS:
        return leaf(value)
    if kind is tuple or kind is list:
        return [_plain(v, leaf) for v in value]
    if kind is dict:
        return {leaf(k): _plain(v, leaf) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return to_dict(value, leaf)
    if isinstance(value, enum.Enum):
        return leaf(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(v, leaf) for v in value]
    if isinstance(value, Mapping):
        return {leaf(k): _plain(v, leaf) for k, v in value.items()}
    return leaf(value)


@cache
def _writer(cls) -> tuple[tuple[str, bool, bool], ...]:
    """Per field: its name, whether None leaves the key out, whether its keys go into the parent."""
    return tuple(
        (f.name, bool(f.metadata.get("omit_none")), bool(f.metadata.get("flatten"))) for f in dataclasses.fields(cls)
    )


def to_dict(obj, leaf=_identity) -> dict:
    """The JSON form of a model object: field names as keys, enums as their words, dates as ISO text.
    ``leaf``: applied to every scalar and key on the way (the JSON writer's output-safety cleaning,
    so the tree is walked once)."""
    out: dict = {}
    for name, omit_none, flatten in _writer(type(obj)):
        value = getattr(obj, name)
        if omit_none and value is None:
            continue
        if flatten:
            out.update(_plain(value, leaf))
        else:
            out[name] = _plain(value, leaf)
    return out


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


@cache
def _converter(hint):
    """A function turning a JSON value into ``hint``'s type (None stays None), made once per hint."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _converter(next(a for a in args if a is not type(None)))
    if dataclasses.is_dataclass(hint):
        return lambda value: None if value is None else from_dict(hint, value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda value: None if value is None else hint(value)
    if hint is dt.date:
        return lambda value: dt.date.fromisoformat(value) if isinstance(value, str) else value
    if origin is tuple:
        inner = _converter(args[0])
        if inner is _identity:
            return lambda value: None if value is None else tuple(value)
        return lambda value: None if value is None else tuple(inner(v) for v in value)
    if origin in (dict, Mapping):
        inner = _converter(args[1])
        if inner is _identity:
            return lambda value: None if value is None else dict(value)
        return lambda value: None if value is None else {k: inner(v) for k, v in value.items()}
    return _identity


@dataclass(frozen=True)
class _Reader:
    """How :func:`from_dict` reads one class: its fields in order, each read as a key (with its
    converter), from the parent's keys (a flattened model), or as the keys no field claims."""

    steps: tuple[tuple[str, str, typing.Any], ...]  # (field, "key" | "nested" | "rest", converter or class)
    claimed: frozenset[str]  # the keys a field of this class or of a flattened model takes
    takes_any: bool  # a flattened mapping takes every key no field claims


@cache
def _reader(cls) -> _Reader:
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    flat_names = {f.name for f in fields if not f.metadata.get("flatten")}
    nested = set()
    steps = []
    for f in fields:
        if not f.metadata.get("flatten"):
            steps.append((f.name, "key", _converter(hints[f.name])))
        elif dataclasses.is_dataclass(hints[f.name]):
            nested |= {g.name for g in dataclasses.fields(hints[f.name])}
            steps.append((f.name, "nested", hints[f.name]))
        else:
            steps.append((f.name, "rest", None))
    takes_any = any(kind == "rest" for _, kind, _ in steps)
    return _Reader(tuple(steps), frozenset(flat_names | nested), takes_any)


def from_dict(cls, data: Mapping, strict: bool = True):
    """A model object from its JSON form (the inverse of :func:`to_dict`). ``strict``: a key no field
    takes is an error, so a key added to the report dict cannot silently vanish from the JSON."""
    reader = _reader(cls)
    if strict and not reader.takes_any:
        unknown = set(data) - reader.claimed
        if unknown:  # a key build.py writes and the model lacks would vanish from the JSON
            raise TypeError(
                f"{cls.__name__} has no field for the report key(s) {sorted(unknown)}: add them to the model"
            )
    values = {}
    for name, kind, how in reader.steps:
        if kind == "key":
            if name in data:
                values[name] = how(data[name])
        elif kind == "nested":
            values[name] = from_dict(how, data, strict=False)
        else:  # the keys no other field claims, in their order
            values[name] = {k: v for k, v in data.items() if k not in reader.claimed}
    return cls(**values)


def json_form(cls, data: Mapping, leaf=_identity, strict: bool = True) -> dict:
    """``to_dict(from_dict(cls, data), leaf)`` without making the model objects: the same fields in the
    same order, the same omissions, defaults and conversions (the JSON writer of a report dict made
    8,000 objects only to read them back). tests/test_report_model.py compares the two."""
    reader = _reader(cls)
    if strict and not reader.takes_any:
        unknown = set(data) - reader.claimed
        if unknown:
            raise TypeError(
                f"{cls.__name__} has no field for the report key(s) {sorted(unknown)}: add them to the model"
            )
    out: dict = {}
    for name, kind, how, omit_none, default in _json_plan(cls):
        if kind == "key":
            if name in data:
                value = data[name]
                if not (omit_none and value is None):
                    out[name] = how(value, leaf)
            elif default is dataclasses.MISSING:
                raise TypeError(f"{cls.__name__}.__init__() missing 1 required argument: {name!r}")
            elif not (omit_none and default() is None):
                out[name] = _plain(default(), leaf)
        elif kind == "nested":
            out.update(json_form(how, data, leaf, strict=False))
        else:  # the keys no other field claims, in their order
            claimed = reader.claimed
            out.update(_plain({k: v for k, v in data.items() if k not in claimed}, leaf))
    return out


@cache
def _json_plan(cls) -> tuple:
    """Per field of ``cls``: name, how it is read (as :func:`_reader`), its JSON converter or class,
    whether None leaves it out, and a function giving its default (dataclasses.MISSING: none)."""
    hints = _hints(cls)
    plan = []
    for (name, kind, how), (_, omit_none, _), f in zip(
        _reader(cls).steps, _writer(cls), dataclasses.fields(cls), strict=True
    ):
        # a default's value as a factory gives one (a field without either has default_factory MISSING)
        default = (lambda value=f.default: value) if f.default is not dataclasses.MISSING else f.default_factory
        plan.append((name, kind, _json_converter(hints[name]) if kind == "key" else how, omit_none, default))
    return tuple(plan)


@cache
def _json_converter(hint):
    """What ``_converter(hint)`` then ``_plain`` make of a JSON value, without the model objects between."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _json_converter(next(a for a in args if a is not type(None)))
    if dataclasses.is_dataclass(hint):
        return lambda value, leaf: leaf(None) if value is None else json_form(hint, value, leaf)
    if origin is tuple:
        inner = _json_converter(args[0])
        return lambda value, leaf: leaf(None) if value is None else [inner(v, leaf) for v in value]
    if origin in (dict, Mapping):
        inner = _json_converter(args[1])
        return lambda value, leaf: leaf(None) if value is None else {leaf(k): inner(v, leaf) for k, v in value.items()}
    convert = _converter(hint)
    if convert is _identity:
        return _plain
    return lambda value, leaf: _plain(convert(value), leaf)


class Model:
    """JSON in and out for every model class."""

    def to_dict(self) -> dict:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping):
        return from_dict(cls, data)


# -- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile(Model):
    sex: str
    age: float
    life_stage: str
    assumed: bool
    sex_given: bool
    description: str


@dataclass(frozen=True)
class Day(Model):
    """One calendar day of a period; ``values`` holds each nutrient column and, on a logged day, its
    coverage (``<column>_coverage``), as the JSON has them side by side."""

    date: dt.date
    logged: bool
    entries: int
    values: Mapping[str, float | None] = field(metadata=FLAT)
    complete: bool = False
    incomplete_reason: str | None = None
    above_ul: tuple[str, ...] = ()

    def value(self, column: str) -> float | None:
        return self.values.get(column)

    @property
    def energy_kcal(self) -> float | None:
        return self.values.get("energy_kcal")


@dataclass(frozen=True)
class TopFood(Model):
    food_id: str
    food: str
    amount: float
    share: float


@dataclass(frozen=True)
class FoodSuggestion(Model):
    """A food of a source category in its common portion; ``name`` is its short everyday name when
    nutri has one (data/short_names.csv or a curated alias), never the table's description."""

    food_id: str
    food: str
    portion: str
    grams: float
    amount: float
    in_diary: bool
    note: str | None = field(default=None, metadata=OMIT)
    name: str | None = field(default=None, metadata=OMIT)


@dataclass(frozen=True)
class Source(Model):
    """One of the source document's food-source categories: foods, or advice that is no food (sunlight)."""

    category: str
    advice: str | None = field(default=None, metadata=OMIT)
    foods: tuple[FoodSuggestion, ...] = ()
    left_out: int | None = field(default=None, metadata=OMIT)


@dataclass(frozen=True)
class GapCloser(Model):
    """A household amount of one food that closes the average daily gap: ``portions`` whole
    household portions (``portion``), said as ``amount_text`` ('2 oz', '1/2 cup')."""

    food_id: str
    food: str
    portions: float
    portion: str
    grams: float
    adds: float
    name: str | None = field(default=None, metadata=OMIT)
    amount_text: str | None = field(default=None, metadata=OMIT)
    in_diary: bool | None = field(default=None, metadata=OMIT)


@dataclass(frozen=True)
class Withheld(Model):
    rule: str
    reason: str
    foods: tuple[str, ...]


@dataclass(frozen=True)
class Advice(Model):
    """What to eat for a shortfall: the document's sources, the gap closers, what the advice-safety
    table kept out, and the document's advice lines."""

    sources: tuple[Source, ...] = ()
    gap_closers: tuple[GapCloser, ...] = ()
    withheld: tuple[Withheld, ...] = ()
    gap: float | None = field(default=None, metadata=OMIT)
    advice: tuple[str, ...] | None = field(default=None, metadata=OMIT)
    closer_note: str | None = field(default=None, metadata=OMIT)


@dataclass(frozen=True)
class AboveUL(Model):
    ul: float
    intake: float | None
    scope: str
    ul_note: str | None
    advice: str


@dataclass(frozen=True)
class OtherReading(Model):
    """The verdict when a supplement dose is read the other way (compound weight vs elemental)."""

    status: Status
    daily_average: float | None
    entries: tuple[str, ...]


@dataclass(frozen=True)
class NutrientAssessment(Model):
    """One nutrient over one period: the verdict, its evidence, the DRI row it was judged against."""

    label: str
    unit: str
    daily_average: float | None
    ear: float | None
    rda: float | None
    ai: float | None
    ul: float | None
    ul_note: str | None
    dri_row: str | None
    status: Status
    shortfall: bool
    coverage: float | None
    uncounted: int | None
    probability_adequate: float | None
    days_needed: int | None
    reason: str
    upper_average: float | None
    days_below: int
    days_logged: int
    days_counted: int
    percent_rda: float | None
    supplemental_average: float | None
    top_foods: tuple[TopFood, ...]
    advice: Advice = field(default_factory=Advice, metadata=FLAT)
    above_ul: AboveUL | None = field(default=None, metadata=OMIT)
    other_reading: OtherReading | None = field(default=None, metadata=OMIT)

    @property
    def target(self) -> float | None:
        """The RDA, or the AI where no RDA is set."""
        return self.rda if self.rda is not None else self.ai


@dataclass(frozen=True)
class Caffeine(Model):
    unit: str
    daily_average: float | None
    limit: float
    days_over: int
    basis: str
    source: str


@dataclass(frozen=True)
class Alcohol(Model):
    unit: str
    daily_average: float | None
    standard_drinks_per_day: float | None
    limit_g: float
    days_over: int
    basis: str
    source: str


@dataclass(frozen=True)
class Water(Model):
    unit: str
    daily_average: float | None
    ai: float | None
    days_below: int | None
    source: str
    note: str


@dataclass(frozen=True)
class Lifestyle(Model):
    caffeine: Caffeine
    alcohol: Alcohol
    water: Water


@dataclass(frozen=True)
class MealShare(Model):
    """One meal's share of a period's counted total, per nutrient column (energy_kcal, magnesium_mg...)."""

    meal: str
    shares: Mapping[str, float | None]


@dataclass(frozen=True)
class Period(Model):
    """An ISO week, or the whole period of a diary spanning several weeks (``week`` 'whole period')."""

    week: str
    start: dt.date
    end: dt.date
    days_logged: int
    days_not_logged: int
    days_complete: int
    energy_kcal: float | None
    days: tuple[Day, ...]
    nutrients: Mapping[str, NutrientAssessment]
    lifestyle: Lifestyle
    meals: tuple[MealShare, ...] | None = field(default=None, metadata=OMIT)
    energy_kcal_total: float | None = field(default=None, metadata=OMIT)

    @property
    def whole(self) -> bool:
        return self.week == "whole period"

    @property
    def title(self) -> str:
        return "Whole period" if self.whole else f"Week {self.week}"


@dataclass(frozen=True)
class Gap(Model):
    start: dt.date
    end: dt.date
    days: int
    text: str


@dataclass(frozen=True)
class Uncounted(Model):
    food_rows: int
    uncounted: int
    by_reason: Mapping[str, int]
    sentence: str


@dataclass(frozen=True)
class ProblemRow(Model):
    row: int
    rows: int
    input: str
    food: str
    note: str
    file: str | None = field(default=None, metadata=OMIT)  # the row's file, when several files are one diary

    @property
    def where(self) -> str:
        """'row 431', or 'row 431 of servings-2024.csv'."""
        return f"row {self.row}" + (f" of {self.file}" if self.file else "")


@dataclass(frozen=True)
class DataQuality(Model):
    rows: int
    counts: Mapping[str, int]
    uncounted: Uncounted
    needs_review: tuple[ProblemRow, ...]
    unmatched: tuple[ProblemRow, ...]
    invalid: tuple[ProblemRow, ...]
    unknown_values: Mapping[str, tuple[str, ...]]  # per nutrient: foods the food table has no value for
    # per nutrient: entries counted from an app's own values (no food confirmed) whose export gives none
    unknown_app_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def problems(self) -> list[tuple[str, ProblemRow]]:
        """Every listed problem row with its kind ('needs review', 'unmatched', 'invalid')."""
        return [
            (kind.replace("_", " "), item)
            for kind in ("needs_review", "unmatched", "invalid")
            for item in getattr(self, kind)
        ]


@dataclass(frozen=True)
class Symptom(Model):
    nutrient: str
    label: str
    symptoms: tuple[str, ...]


@dataclass(frozen=True)
class Factor(Model):
    factor: str
    text: str


@dataclass(frozen=True)
class Sources(Model):
    foods: str
    dri: str
    dri_source: str
    nutri: str
    input_file: str | None
    input_sha256: str | None


@dataclass(frozen=True)
class ReportPeriod(Model):
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Action(Model):
    """One thing to do for a nutrient, in everyday words: 'a handful of pumpkin seeds (1 oz)'."""

    text: str
    adds: float | None = None
    food_id: str | None = field(default=None, metadata=OMIT)
    in_diary: bool | None = field(default=None, metadata=OMIT)


@dataclass(frozen=True)
class SummaryItem(Model):
    """The answer for one tracked nutrient over the report's period: enough / not enough / cannot
    tell yet (or too much), why, and at most three actions."""

    nutrient: str
    label: str
    unit: str
    answer: str
    status: Status
    why: str
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Summary(Model):
    period: str  # the period the answers are for: 'whole period' or the one week's label
    items: tuple[SummaryItem, ...]
    data_quality: str  # '' when everything was counted
    energy_kcal: float | None = None


@dataclass(frozen=True)
class Report(Model):
    nutri_version: str
    profile: Profile
    period: ReportPeriod
    weeks: tuple[Period, ...]
    gaps: tuple[Gap, ...]
    whole_period: Period | None
    data_quality: DataQuality
    symptoms: tuple[Symptom, ...]
    lifestyle_factors: tuple[Factor, ...]
    consult: str
    disclaimer: str
    notes: tuple[str, ...]
    sources: Sources
    summary: Summary | None = field(default=None, metadata=OMIT)

    @property
    def periods(self) -> tuple[Period, ...]:
        """The weeks, then the whole period when there is one."""
        return self.weeks + ((self.whole_period,) if self.whole_period else ())
