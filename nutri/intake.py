"""From diary entries to grams and nutrients per entry, then day totals with coverage.

All arithmetic is on whole columns: text is parsed and matched once per distinct string, the
grams per unit are found once per distinct (food, unit) pair, and then amounts, grams and
nutrients are multiplied as float columns. An unknown per-100 g value stays NaN (unknown),
never 0, and totals carry the share of grams whose food had a value (coverage).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nutri import forked
from nutri.cache import paused_gc
from nutri.diary import Diary, same_text, text_array
from nutri.foods import NUTRIENT_COLUMNS, FoodTable
from nutri.nutrients import ENTRY_NUTRIENT_COLUMNS
from nutri.quantity import GRAMS_DOUBT, PortionWeights, Quantity, parse_amount_cell, parse_quantity
from nutri.supplements import SupplementRead, read_supplement

if TYPE_CHECKING:  # the matcher (and its index, rapidfuzz) loads only when a text needs matching
    from nutri.match import Matcher

MATCH_COLUMNS = [
    "row",
    "date",
    "meal",
    "input",
    "amount",
    "unit",
    "food_id",
    "food",
    "score",
    "status",
    "note",
    "grams",
    *ENTRY_NUTRIENT_COLUMNS,
]
EXTRA_COLUMNS = ["rule", "alternatives", "supplemental", "origin", "uncounted"]
# One entry heavier than this (of a solid food; of a drink measured by volume) goes to review and is
# not counted, unless its grams were given: 2 kg of a solid food or 3 L of a drink in one sitting is
# far beyond any plausible serving, and is usually a portion read as a whole food (a whole roast turkey).
OUTLIER_SOLID_GRAMS = 2000.0
OUTLIER_DRINK_GRAMS = 3000.0


@dataclass(frozen=True)
class _Resolved:
    """What one distinct (amount, unit, food text) resolves to; shared by all rows that repeat it."""

    quantity: Quantity
    food_id: str
    description: str
    score: float
    rule: str
    alternatives: str
    match_status: str
    match_note: str
    supplement: SupplementRead | None  # a supplement row: its doses, or why none can be read
    grams_per_unit: float  # NaN when grams cannot be found
    grams_note: str  # how grams were found, or why not
    grams_status: str  # status once grams are needed: needs_review when they cannot be found


def _resolve(
    amount: str, unit: str, food: str, matcher: Matcher | _TextMatches, portions: PortionWeights, code: str = ""
) -> _Resolved:
    if amount or unit:
        quantity = parse_amount_cell(amount, unit)
        text = food
        if quantity.amount is None and not amount and unit:
            inline = parse_quantity(food)  # unit column only ("cup") with the number in the text
            if inline.amount is not None:
                quantity = Quantity(
                    inline.amount, quantity.unit, quantity.kind, quantity.per_unit, inline.food_text, inline.note
                )
            text = inline.food_text or food
    else:
        quantity = parse_quantity(food)
        text = quantity.food_text or food
    supplement = read_supplement(food, amount, unit, quantity)  # nutri/supplements.py
    if supplement is not None:
        return _Resolved(
            quantity,
            supplement.food_id,
            supplement.description,
            100.0 if supplement.counted else 0.0,
            "supplement" if supplement.counted else "none",
            "",
            supplement.status,
            supplement.note,
            supplement,
            np.nan,
            "",
            supplement.status,
        )
    found = _matched(text, food, code, matcher)
    per_unit, grams_note, grams_status = np.nan, "", found.status
    if found.food_id:
        if quantity.amount is None:
            grams_note = quantity.note or "no amount given"
        else:
            value, grams_note = portions.grams_per_unit(
                found.food_id, quantity, text, lambda: matcher.alike(found), lambda: matcher.nearby(found)
            )
            per_unit = np.nan if value is None else value
        if (math.isnan(per_unit) or grams_note.startswith(GRAMS_DOUBT)) and found.status == "matched":
            grams_status = "needs_review"
    elif quantity.kind == "mass" and quantity.amount is not None and quantity.per_unit:
        per_unit = quantity.per_unit  # a weight needs no food: it bounds what the unknown row can hold
    return _Resolved(
        quantity,
        found.food_id or "",
        found.description,
        found.score,
        found.rule,
        found.alternatives_text,
        found.status,
        found.note,
        None,
        per_unit,
        grams_note,
        grams_status,
    )


def _matched(text: str, food: str, code: str, matcher: Matcher | _TextMatches):
    """The food of a row: the one its food code names (``Matcher.match_code``), else its text's match. A code
    no table has is said; a row whose only text is its code (NHANES) then has no food."""
    if not code:
        return matcher.match(text)
    by_code = matcher.match_code(code, food)
    if by_code is not None:
        return by_code
    from nutri.match import Match, food_code_text

    tables = ", ".join(e.short for e in matcher.table.editions)
    missing = f"food code {food_code_text(code)} is not a food of nutri's tables ({tables})"

    if food.strip() == code.strip():
        return Match(food, None, "", 0.0, "none", "unmatched", f"{missing}, and the file gives no food name to match")
    found = matcher.match(text)
    return replace(found, note=f"{missing}; by its name: {found.note}" if found.note else missing)


class _TextMatches:
    """``Matcher.match`` once per distinct food text: a diary repeats one text with many amounts and
    units (a 10M-row cohort: 124k keys, 36k texts), and a match depends on the text alone; the
    matcher's own cache is keyed after tokenizing, which was most of a repeated text's cost."""

    def __init__(self, matcher: Matcher) -> None:
        self._matcher = matcher
        self._found: dict[str, object] = {}
        self._by_lower: dict[str, object] = {}

    def match(self, text: str):
        found = self._found.get(text)
        if found is None:
            # A match reads the text in lower case only (its words, brand and segments; the query is
            # the text as written), so "FRESH BROWN RICE" is "fresh brown rice" read once (a cohort's
            # 36k texts are 23k in lower case); the first one found is this text's, renamed.
            first = self._by_lower.get(text.lower())
            if first is None:
                found = self._by_lower[text.lower()] = self._matcher.match(text)
            else:
                found = replace(first, query=text)
            self._found[text] = found
        return found

    def build(self) -> None:
        """The matcher's index built now (it is built on first use)."""
        self._matcher.match("")  # a lazy matcher (nutri/pipeline.py) is built on its first match

    def __getattr__(self, name: str):  # the rest of the matcher as it is (alike, table...)
        return getattr(self._matcher, name)


class _PerKey:
    """The resolutions of the distinct (amount, unit, text) keys, and each row's key (``codes``)."""

    @paused_gc()  # each new key's resolution is a dozen objects kept to the end (cache.paused_gc)
    def __init__(self, entries: pd.DataFrame, matcher: Matcher, portions: PortionWeights, progress=None) -> None:
        # One integer key per distinct (amount, unit, text, food code): each column is hashed once in C (the
        # categorical columns by their codes, without a str object per row); a text and its code are one
        # part, numbered by the pairs that occur, so the combined number stays far below 2**63
        parts = [pd.factorize(entries[c], use_na_sentinel=False) for c in ("amount_text", "unit_text", "input")]
        food_code = entries["food_code"] if "food_code" in entries else pd.Series("", index=entries.index)
        code_numbers, code_values = pd.factorize(food_code, use_na_sentinel=False)
        pairs = parts[2][0].astype(np.int64) * max(len(code_values), 1) + code_numbers
        pair_numbers, pair_values = pd.factorize(pairs)
        values = [np.asarray(u, dtype=object) for _, u in parts[:2]]
        sizes = [max(len(u), 1) for u in values] + [max(len(pair_values), 1)]
        combined = (parts[0][0].astype(np.int64) * sizes[1] + parts[1][0]) * sizes[2] + pair_numbers
        distinct, self.codes = _sorted_codes(combined)
        rest, pair_codes = np.divmod(distinct, sizes[2])
        amount_codes, unit_codes = np.divmod(rest, sizes[1])
        text_codes, food_code_codes = np.divmod(pair_values[pair_codes], max(len(code_values), 1))
        amounts, units = (_texts([str(v) for v in u]) for u in values)
        foods = _texts([str(v) for v in np.asarray(parts[2][1], dtype=object)])
        codes = _texts([str(v) for v in np.asarray(code_values, dtype=object)])
        keys = list(
            zip(amounts[amount_codes], units[unit_codes], foods[text_codes], codes[food_code_codes], strict=True)
        )
        known = _KnownResolutions(matcher) if len(distinct) else None
        # each key's _KEY_FIELDS: from earlier runs, else resolved now
        self.resolved: list[tuple | None] = list(map(known.get, keys)) if known is not None else []
        todo = [i for i, found in enumerate(self.resolved) if found is None]
        if progress is not None:
            progress(0, len(keys))
        if todo:
            found = _resolve_keys([keys[i] for i in todo], matcher, portions, progress)
            for i, fields in zip(todo, found, strict=True):
                self.resolved[i] = fields
                known.add(keys[i], fields)
            known.save()
        self.keys = _KeyColumns(self.resolved)


def _resolve_keys(
    keys: list[tuple[str, str, str, str]], matcher, portions: PortionWeights, progress=None
) -> list[tuple]:
    """``_KEY_FIELDS`` of each (amount, unit, text, food code) key, shared among forked processes when there are many
    (nutri/forked.py): a key's resolution is pure Python over the match index and the food tables. A
    text's keys go to one process, which matches the text once (``_TextMatches``)."""
    texts_matched = _TextMatches(matcher)
    workers = forked.workers_for(len(keys))
    if workers > 1:
        texts_matched.build()  # once, before the fork: every process shares the built index

    def resolve(key: tuple[str, str, str, str]) -> tuple:
        amount, unit, food, code = key
        return _KEY_FIELDS(_resolve(amount, unit, food, texts_matched, portions, code))

    def process_of(key: tuple[str, str, str, str]) -> int:
        return zlib.crc32(key[2].lower().encode("utf-8", "surrogatepass"))

    reported = None if progress is None else (lambda done: progress(done, len(keys)))
    return forked.forked_map(resolve, keys, process_of, workers, reported)


def _sorted_codes(combined: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(combined, return_inverse=True)`` by hashing, then sorting only the distinct values
    (100k rows, 15k distinct: a third of the time)."""
    codes, distinct = pd.factorize(combined)
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return distinct[order], rank[codes]


# What the rows take from a resolution, as a flat tuple: kept in the cache that way, a warm 100k-row
# run loads 15k tuples of plain values (a fifth of the time of as many _Resolved and Quantity objects).
_KEY_FIELDS = attrgetter(
    "quantity.amount",
    "quantity.unit",
    "quantity.kind",
    "quantity.note",
    "food_id",
    "description",
    "score",
    "rule",
    "alternatives",
    "match_status",
    "match_note",
    "supplement",
    "grams_per_unit",
    "grams_note",
    "grams_status",
)


class _KeyColumns:
    """What the rows take from their key, as arrays over the distinct keys, read from the resolutions in
    one pass; a row takes its value by its key's code (a Python pass per field, over every key, was a
    fifth of a warm 100k-row run). The match fields (``food_id`` ... ``grams_per_unit``) have one more
    element, no match, for rows the reader knows are no food."""

    def __init__(self, resolved: list[tuple]) -> None:
        fields = list(zip(*resolved, strict=True)) or [()] * 15
        amount, unit, kind, quantity_note, food_id, description, score, rule, alternatives = fields[:9]
        match_status, match_note, supplement, grams_per_unit, grams_note, grams_status = fields[9:]
        self.amount = np.array(amount, dtype=float)  # None (no amount) is NaN
        self.unit = _texts([u or "" for u in unit])
        self.given_grams = np.array([u == "gram" for u in unit], dtype=bool)
        # one entry heavier than this goes to review (_flag_implausible)
        self.limit = np.where(_texts(kind) == "volume", OUTLIER_DRINK_GRAMS, OUTLIER_SOLID_GRAMS)
        self.match_status, self.grams_status = match_status, grams_status
        # each key's note two ways, interleaved: grams its own (2 * key) or from the export (2 * key + 1)
        notes = []
        for quantity_said, matched_said, grams_said in zip(quantity_note, match_note, grams_note, strict=True):
            # a grams note that repeats the amount's own ("amount '1.00 x' is not a number") is said once
            parts = (quantity_said, matched_said, "" if grams_said == quantity_said else grams_said)
            notes.append("; ".join(filter(None, parts)))
            notes.append("; ".join(filter(None, (parts[0], parts[1], "grams from the export"))))
        self.notes = _texts(notes)
        self.food_id, self.description = _texts([*food_id, ""]), _texts([*description, ""])
        self.rule, self.alternatives = _texts([*rule, ""]), _texts([*alternatives, ""])
        self.score = np.array([*score, 0.0], dtype=float)
        self.grams_per_unit = np.array([*grams_per_unit, np.nan], dtype=float)
        self.supplements = {i: s for i, s in enumerate(supplement) if s is not None}
        self.supplemental = np.zeros(len(resolved), dtype=bool)
        self.supplemental[[i for i, s in self.supplements.items() if s.counted]] = True

    def from_supplement(self, value, default, dtype=object) -> np.ndarray:
        """A value of each key's supplement reading, ``default`` for keys that are no supplement."""
        out = np.full(len(self.supplemental), default, dtype=dtype)
        if self.supplements:
            out[list(self.supplements)] = [value(s) for s in self.supplements.values()]
        return out


def _texts(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class _KnownResolutions:
    """Resolutions of earlier runs, from the user's cache (nutri/cache.py): parsing, matching and
    weighing a text is a pure function of the text, the food tables, the user's aliases and nutri's
    code and data, so a diary read again (or a new day of it) resolves only the texts not seen before.
    The key holds all of those; with a custom foods file the tables themselves are hashed."""

    LIMIT = 200_000  # distinct texts kept; past this the file starts again (it is only a cache)

    def __init__(self, matcher: Matcher) -> None:
        from nutri import cache
        from nutri.foods import load_foods

        table = matcher.table
        from nutri import nutrients

        # the registry as it is now (a program may register a nutrient at run time), the user's aliases
        registered = [(n.key, n.column, n.unit) for n in nutrients.SUPPLEMENTABLE]
        parts = [cache.package_digest(), repr(registered).encode(), repr(sorted(matcher.user_aliases.items())).encode()]
        if table is not load_foods():  # not the shipped tables alone: their content decides
            parts += [
                pd.util.hash_pandas_object(table.foods, index=True).to_numpy().tobytes(),
                pd.util.hash_pandas_object(table.portions, index=False).to_numpy().tobytes(),
            ]
        self.key = cache.key_of(parts)
        stored = cache.load("resolved", self.key)
        self.known: dict[tuple[str, str, str, str], tuple] = stored if isinstance(stored, dict) else {}
        self.added = 0

    def get(self, texts: tuple[str, str, str, str]) -> tuple | None:
        return self.known.get(texts)

    def add(self, texts: tuple[str, str, str, str], resolved: tuple) -> None:
        if len(self.known) >= self.LIMIT:
            self.known = {}
        self.known[texts] = resolved
        self.added += 1

    def save(self) -> None:
        if self.added:
            from nutri import cache

            cache.store("resolved", self.key, self.known)


def analyse(
    diary: Diary,
    table: FoodTable,
    matcher: Matcher,
    nutrients_from: str = "export",
    progress=None,
    accept_review: bool = False,
) -> pd.DataFrame:
    """One row per diary entry with match, grams, nutrients, status and note (input order kept).

    Parsing, matching and portion lookup run once per distinct (amount, unit, food text); rows
    then take their results by index, and all arithmetic is on whole columns. ``progress``, if
    given, is called as progress(done, total) while the distinct keys are resolved.

    A row's nutrients are counted only from a confident match with grams (or a supplement dose), or
    from the app's own export values; rows needing review are shown with their guess but not counted
    unless ``accept_review``. Column ``uncounted`` says why a food row was not counted ("" if it was)."""
    per_key = _PerKey(diary.entries, matcher, PortionWeights(table), progress)
    keys, codes = per_key.keys, per_key.codes
    # supplement rows with doses are supplemental intake (the magnesium UL applies to these only); a
    # dose row carries its doses and known zeros (a vitamin D pill holds no calcium), NaN where unknown
    supplemental = keys.supplemental[codes]
    if "as_supplement" in diary.entries:  # a file of supplements taken (ASA24's INS): every row is one
        supplemental = supplemental | diary.entries["as_supplement"].to_numpy(dtype=bool)
    result, status, export_grams, match = _matched_rows(diary.entries, keys, codes, supplemental)
    _flag_implausible(result, status, keys.given_grams[codes], keys.limit[codes], export_grams)
    exported = _add_nutrients(result, status, diary, table, keys, (codes, match), supplemental, nutrients_from)
    _count_only_confident(result, status, supplemental, exported, accept_review)
    result["supplemental"] = supplemental
    # the other reading of an ambiguous mineral dose (compound vs elemental), per entry, as data
    result["alternative_column"] = text_array(
        keys.from_supplement(lambda s: s.alternative[0] if s.alternative else "", ""), codes
    )
    result["alternative_amount"] = keys.from_supplement(
        lambda s: s.alternative[1] if s.alternative else np.nan, np.nan, float
    )[codes]
    if "file" in diary.entries:  # several files of one person (diary.combine): each row's file
        result["file"] = diary.entries["file"].array
    # one frame of the columns as made, none copied (a frame made column by column re-made its blocks)
    return pd.DataFrame(result, copy=False)


class _Codes:
    """A text column of a few distinct values (statuses) as integer codes into ``labels``: compared and
    replaced as integers, made text once (each comparison of 100k str objects took about 8 ms)."""

    def __init__(self, codes: np.ndarray, labels: list) -> None:
        self.codes, self.labels = codes, labels
        self._index = {label: i for i, label in enumerate(labels)}

    @classmethod
    def of(cls, values: pd.Series) -> _Codes:
        """A column's codes, categorical or text; a missing value is NaN, as ``to_numpy`` gives it."""
        codes, labels = pd.factorize(values)
        labels = [*np.asarray(labels, dtype=object), np.nan]
        return cls(np.where(codes < 0, len(labels) - 1, codes), labels)

    def code(self, label) -> int:
        if label not in self._index:
            self._index[label] = len(self.labels)
            self.labels.append(label)
        return self._index[label]

    def codes_of(self, labels) -> np.ndarray:
        """The code of each of ``labels`` (new labels added)."""
        for label in dict.fromkeys(labels):
            self.code(label)
        return np.fromiter(map(self._index.__getitem__, labels), dtype=np.int64, count=len(labels))

    def eq(self, label: str) -> np.ndarray:
        return self.codes == self._index.get(label, -1)

    def where(self, mask: np.ndarray, label: str) -> None:
        self.codes = np.where(mask, self.code(label), self.codes)

    def per_label(self, value, dtype=object) -> np.ndarray:
        """``value`` of each row's label, computed once per label."""
        out = np.empty(len(self.labels), dtype=dtype)
        out[:] = [value(label) for label in self.labels]
        return out[self.codes]


def _matched_rows(
    entries: pd.DataFrame, keys: _KeyColumns, codes: np.ndarray, supplemental: np.ndarray
) -> tuple[dict[str, np.ndarray], _Codes, np.ndarray, np.ndarray]:
    """Match, status, note and grams per row; which rows take their grams from the export; and each
    row's index into the key's match fields."""
    amounts = keys.amount[codes]
    grams_export = entries["grams_export"].to_numpy(dtype=float)
    export_grams = ~np.isnan(grams_export) & (grams_export >= 0) & ~supplemental
    status = _Codes.of(entries["pre_status"])
    pre_note = _Codes.of(entries["pre_note"])
    # rows the reader already knows are no food (a Cronometer quick-add) keep no match at all: the
    # match fields' last element
    no_food = status.eq("unmatched")
    match = np.where(no_food, len(keys.food_id) - 1, codes)
    export_grams &= ~no_food
    # the reader's status, else the key's (its match's, or once grams are needed its grams')
    own = status.per_label(lambda s: s != "", bool)
    key_status = np.where(
        export_grams, status.codes_of(keys.match_status)[codes], status.codes_of(keys.grams_status)[codes]
    )
    status.codes = np.where(own, status.codes, key_status)
    grams = np.where(export_grams, grams_export, amounts * keys.grams_per_unit[match])
    infinite = np.isinf(amounts) | np.isinf(grams)  # a 400-digit amount overflows to inf: no real amount
    status.where((grams < 0) | (amounts < 0) | infinite, "invalid")
    # the key's note (per key, grams its own or the export's), after the reader's where it has one
    notes = keys.notes[2 * codes + export_grams]
    reader_notes = pre_note.per_label(lambda n: n if isinstance(n, str) else "")
    notes[no_food] = reader_notes[no_food]
    _join_where(notes, np.flatnonzero(~no_food & (reader_notes != "")), reader_notes, before=True)
    _join_where(notes, np.flatnonzero(infinite), "amount too large to be real; check the amount")
    result = {
        "row": entries["row"].to_numpy(),
        "date": entries["date"].array,  # the entries' text arrays, shared
        "meal": entries["meal"].array,
        "input": entries["input"].array,
        "amount": amounts,
        "unit": text_array(keys.unit, codes),
        "food_id": text_array(keys.food_id, match),
        "food": text_array(keys.description, match),
        "score": keys.score[match],
        "status": None,  # made text once all its changes are made (_count_only_confident)
        "note": notes,
        "grams": grams,
        "rule": text_array(keys.rule, match),
        "alternatives": text_array(keys.alternatives, match),
    }
    return result, status, export_grams, match


def _join_where(notes: np.ndarray, rows: np.ndarray, other, before: bool = False) -> None:
    """'; '.join of ``notes`` and ``other`` (a text, or a text per row) on ``rows``, skipping empty ones."""
    if not len(rows):
        return
    extra = other[rows] if isinstance(other, np.ndarray) else np.full(len(rows), other, dtype=object)
    first, second = (extra, notes[rows]) if before else (notes[rows], extra)
    both = (first != "") & (second != "")
    joined = np.where(first == "", second, first)
    joined[both] = first[both] + "; " + second[both]
    notes[rows] = joined


def _flag_implausible(
    result: dict[str, np.ndarray], status: _Codes, given_grams: np.ndarray, limit: np.ndarray, export_grams: np.ndarray
) -> None:
    """One entry over a plausible maximum goes to review (and is not counted) unless its grams were given:
    grams the user wrote (or the app exported) are theirs to vouch for; a weight we derived, or a
    "10 kg" that is more likely a slip for 10 g, is not."""
    grams = result["grams"]
    outlier = (grams > limit) & ~given_grams & ~export_grams & ~np.isinf(grams)
    status.where(outlier & status.eq("matched"), "needs_review")
    notes = result["note"]
    for i in np.flatnonzero(outlier):
        message = (
            f"implausible: {grams[i]:,.0f} g in one entry (over {limit[i]:,.0f} g); check the amount, or give grams"
        )
        notes[i] = "; ".join(filter(None, [notes[i], message]))


ORIGINS = np.array(["", "table", "supplement", "export", "export+table", "export+supplement"], dtype=object)


def _add_nutrients(
    result: dict[str, np.ndarray],
    status: _Codes,
    diary: Diary,
    table: FoodTable,
    keys: _KeyColumns,
    codes: tuple[np.ndarray, np.ndarray],
    supplemental: np.ndarray,
    nutrients_from: str,
) -> dict[str, np.ndarray]:
    """Per-100 g table values scaled by grams, supplement doses, and export values first unless told
    otherwise; adds ``origin``. ``codes``: each row's key and its index into the match fields. Returns,
    per nutrient, which rows took the export's value."""
    codes, match = codes
    # per-100 g values once per distinct food, taken per row one column at a time: a rows x nutrients
    # matrix (twice) was the peak of a 1M-row run
    ids = np.where(pd.Index(keys.food_id).isin(table.foods.index), keys.food_id, same_text(""))
    food_codes, distinct = pd.factorize(ids)
    food_codes = food_codes[match]
    per100 = table.foods.reindex(distinct)[NUTRIENT_COLUMNS].to_numpy(dtype=float)
    grams, amounts = result["grams"], result["amount"]
    negative = (grams < 0) | (amounts < 0) | np.isinf(grams) | np.isinf(amounts)
    usable_grams = np.where(negative, np.nan, grams)
    hundreds = usable_grams / 100.0
    # each row's origin as a code into ORIGINS: a str per row was tens of MB at 1M rows
    origin = np.where(supplemental, 2, np.where(np.isnan(usable_grams), 0, 1)).astype(np.int8)
    exported_mask: dict[str, np.ndarray] = {}
    for j, column in enumerate(NUTRIENT_COLUMNS):
        doses = keys.from_supplement(lambda s, c=column: s.amount(c), np.nan, float)
        values = np.where(supplemental, doses[codes], per100[food_codes, j] * hundreds)
        export_column = "export_" + column
        if nutrients_from == "export" and export_column in diary.entries:
            exported = diary.entries[export_column].to_numpy(dtype=float)
            use_export = ~np.isnan(exported)
            exported_mask[column] = use_export
            values = np.where(use_export, exported, values)
            origin = np.select(
                [use_export & (origin == 1), use_export & (origin == 0), use_export & (origin == 2)], [4, 3, 5], origin
            )
        result[column] = values
    result["origin"] = text_array(ORIGINS, np.where(status.eq("skipped"), 0, origin))
    return exported_mask


UNCOUNTED_REASONS = {
    "invalid": "invalid amount",
    "unmatched": "unknown food",
    "needs_review": "needs review",
}
NO_GRAMS = "no amount nutri can weigh"


def _count_only_confident(
    result: dict[str, np.ndarray],
    status: _Codes,
    supplemental: np.ndarray,
    exported: dict[str, np.ndarray],
    accept_review: bool,
) -> None:
    """Blank the nutrients of every row that may not be counted and say why in ``uncounted``; the rows'
    status as text.

    Counted: the app's own export value (whatever the match), or a table value of a matched row (a
    needs_review row too when the user accepts review) with grams, or a supplement dose."""
    confident = status.eq("matched") | (accept_review & status.eq("needs_review"))
    skipped = status.eq("skipped")
    weighed = ~np.isnan(result["grams"]) | supplemental
    from_table = confident & weighed
    any_export = np.zeros(len(supplemental), dtype=bool)
    for column in NUTRIENT_COLUMNS:
        from_export = exported.get(column, np.zeros(len(supplemental), dtype=bool))
        any_export |= from_export
        keep = (from_export | from_table) & ~skipped
        result[column] = np.where(keep, result[column], np.nan)
    # each row's reason as a code into REASONS
    reason = status.per_label(lambda s: REASONS.index(UNCOUNTED_REASONS.get(s, "")), np.int8)
    reason = np.where((reason == REASONS.index("needs review")) & ~weighed, REASONS.index(NO_GRAMS), reason)
    reason = np.where(confident & ~weighed, REASONS.index(NO_GRAMS), reason)
    # an invalid row without a date is invalid for its date (the reader's), whatever its amount
    no_date = np.asarray(result["date"], dtype=object) == ""
    reason = np.where(status.eq("invalid") & no_date, REASONS.index(INVALID_DATE), reason)
    reason = np.where(from_table | any_export | skipped, 0, reason)
    # a supplement's note is nutri's reading of its text; where the app gave the dose's nutrients (ASA24's
    # INS file gives every one) those are the figures shown and counted, and the note says so
    _join_where(
        result["note"], np.flatnonzero(supplemental & any_export), "counted: the app's own values where it gives them"
    )
    result["uncounted"] = text_array(_texts(REASONS), reason)
    result["status"] = text_array(_texts(status.labels), status.codes)


INVALID_DATE = "invalid date"
REASONS = ["", *UNCOUNTED_REASONS.values(), NO_GRAMS, INVALID_DATE]


def summary_counts(analysed: pd.DataFrame) -> dict[str, int]:
    counts = analysed["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in ("matched", "needs_review", "unmatched", "skipped", "invalid")}


def food_rows(analysed: pd.DataFrame) -> pd.DataFrame:
    """The rows that are food (or drink or supplement) eaten on a date: every one of them is either
    counted or uncounted, and lowers coverage when it is not counted.

    When they are one run of rows (undated rows only at the top, say) they are a slice, which shares the
    entries' memory; only rows left out between them make a copy (a few hundred MB at 1M rows)."""
    mask = _food_row_mask(analysed)
    positions = np.flatnonzero(mask)
    if len(positions) and positions[-1] - positions[0] + 1 == len(positions):
        return analysed.iloc[positions[0] : positions[-1] + 1]
    return analysed[mask]


def _food_row_mask(analysed: pd.DataFrame) -> np.ndarray:
    """Which rows are food rows (dated and not skipped): ``food_rows`` as a mask, for callers that take
    only some columns of them."""
    # compared as object arrays: a str column's own comparison (NA-aware) takes three times as long
    return (analysed["date"].to_numpy(dtype=object) != "") & (analysed["status"].to_numpy(dtype=object) != "skipped")


def uncounted_summary(analysed: pd.DataFrame) -> dict:
    """How many food rows could not be counted, by reason, in one sentence for the top of a report."""
    uncounted = analysed["uncounted"][_food_row_mask(analysed)]  # one column, not a copy of the rows
    reasons = uncounted[uncounted != ""].value_counts()
    count = int(reasons.sum())
    words = {
        NO_GRAMS: "without an amount nutri can weigh",
        "needs review": "needing review",
        "unknown food": "unknown foods",
        "invalid amount": "with an invalid amount",
    }
    parts = [f"{int(n)} {words.get(reason, reason)}" for reason, n in reasons.items()]
    sentence = f"{count} of {len(uncounted)} entries could not be counted: {', '.join(parts)}" if count else ""
    return {
        "food_rows": int(len(uncounted)),
        "uncounted": count,
        "by_reason": {k: int(v) for k, v in reasons.items()},
        "sentence": sentence,
    }


def countable(analysed: pd.DataFrame) -> pd.DataFrame:
    """Food rows with at least one counted value."""
    return analysed[_food_row_mask(analysed) & (analysed["uncounted"] == "").to_numpy(dtype=bool)]


def daily_totals(analysed: pd.DataFrame) -> pd.DataFrame:
    """Per date: food rows (``entries``), grams, and per nutrient the sum of counted values (NaN when
    nothing was counted), how many rows were counted (``<col>_counted``), their share of the day's
    food rows (``<col>_coverage``) and the supplement doses in the sum (``<col>_supplemental``).

    One nutrient at a time, each a column of the food rows only while it is summed: a copy of every
    column of the entries, then frames of all nutrients at once (the sums, the doses) were the peak of
    a 1M-row report. The sums are pandas' own, to the bit, as in one frame (``sum_per_group``)."""
    keep = _food_row_mask(analysed)
    derived = ("_counted", "_coverage", "_supplemental")
    if not keep.any():
        columns = ["date", "entries", "grams", *NUTRIENT_COLUMNS, *[c + d for c in NUTRIENT_COLUMNS for d in derived]]
        return pd.DataFrame(columns=columns)
    # groupby's sorted days, hashed as objects (a Series of them was checked as text row by row first)
    codes, days = pd.factorize(analysed["date"].to_numpy(dtype=object)[keep], sort=True)
    entries = np.bincount(codes, minlength=len(days)).astype(np.int64)
    grams = sum_per_group(analysed["grams"].to_numpy(dtype=float)[keep], codes, min_count=1)
    supplemental = analysed["supplemental"].to_numpy(dtype=bool)[keep]
    nutrients = {c: analysed[c].to_numpy(dtype=float) for c in NUTRIENT_COLUMNS}  # views, not copies
    any_unknown = any(np.isnan(v)[keep].any() for v in nutrients.values())
    # the doses were summed in a frame of their own, which holds no NaN
    sums, doses, per_nutrient = GroupSums(codes, 1, beside_nan=any_unknown), GroupSums(codes, 0), {}
    for column, all_rows in nutrients.items():
        values = all_rows[keep]
        sums.add(column, values)
        counted = np.bincount(codes[~np.isnan(values)], minlength=len(days)).astype(np.int64)
        per_nutrient[column + "_counted"] = counted
        per_nutrient[column + "_coverage"] = counted / entries
        per_nutrient[column + "_supplemental"] = None  # its place among the columns; summed below
        doses.add(column + "_supplemental", np.where(supplemental & ~np.isnan(values), values, 0.0))
    per_nutrient.update(doses.result())
    totals = pd.DataFrame(
        {"entries": entries, "grams": grams, **sums.result(), **per_nutrient}, index=pd.Index(days, name="date")
    )
    return totals.reset_index()


def sum_per_group(values: np.ndarray, codes: np.ndarray, min_count: int, beside_nan: bool = False) -> np.ndarray:
    """Per group (``codes`` 0..n-1, every one present), the sum of one float column as pandas sums it
    in a frame of several columns; ``beside_nan``: another column of that frame holds a NaN.

    Summing column by column keeps memory to one column, but pandas (3.x) picks its summation per
    frame: sorted groups are added with np.add.reduceat unless the frame holds a NaN anywhere, and
    otherwise by its compensated loop, and the two can differ in the last bits. A column without NaN
    of a frame with one is therefore summed beside a column of NaN, so it takes the loop it took."""
    if beside_nan and not np.isnan(values).any():
        frame = pd.DataFrame({"values": values, "nan": np.full(len(values), np.nan)})
        return frame.groupby(codes, sort=True).sum(min_count=min_count)["values"].to_numpy()
    return pd.Series(values).groupby(codes, sort=True).sum(min_count=min_count).to_numpy()


SUM_BATCH_CELLS = 2_000_000  # values grouped in one frame by GroupSums: 16 MB of floats


class GroupSums:
    """``sum_per_group`` of many columns, several grouped in one frame: each groupby factorizes the codes
    again, which was most of a column's time (1 of 1.3 ms at 100k rows; nearly all of it in a small
    report, which sums some 110 columns). Batches hold at most SUM_BATCH_CELLS values, so memory stays
    near one column's at 1M rows.

    The sums stay those of ``sum_per_group`` to the bit: pandas picks its summation per frame (see
    there), so the columns it adds by its compensated loop (a NaN in them, or ``beside_nan``) are
    batched apart from the others, and such a batch without a NaN is summed beside a column of NaN."""

    def __init__(self, codes: np.ndarray, min_count: int, beside_nan: bool = False) -> None:
        self.codes, self.min_count, self.beside_nan = codes, min_count, beside_nan
        self.width = max(1, SUM_BATCH_CELLS // max(len(codes), 1))
        self.sums: dict[str, np.ndarray | None] = {}
        self.pending: dict[bool, dict[str, np.ndarray]] = {False: {}, True: {}}  # by "compensated loop"
        self.has_nan = False  # a column of the pending compensated batch holds a NaN

    def add(self, name: str, values: np.ndarray) -> None:
        nan = bool(np.isnan(values).any())
        looped = self.beside_nan or nan
        self.sums[name] = None  # the columns' order
        self.pending[looped][name] = values
        self.has_nan |= looped and nan
        if len(self.pending[looped]) >= self.width:
            self._flush(looped)

    def result(self) -> dict[str, np.ndarray]:
        """Each column's sums per group, in the order the columns were added."""
        self._flush(False)
        self._flush(True)
        return self.sums

    def _flush(self, looped: bool) -> None:
        batch = self.pending[looped]
        if not batch:
            return
        arrays = list(batch.values())
        if looped and not self.has_nan:
            arrays.append(np.full(len(self.codes), np.nan))
        # integer labels: no name of a column can meet the NaN column's
        frame = pd.DataFrame(dict(enumerate(arrays)))
        # an unbounded row's upper bound is the largest float (assess.add_upper_bounds): a sum of two
        # is infinite, as it should be, not a warning
        with np.errstate(over="ignore"):
            summed = frame.groupby(self.codes, sort=True).sum(min_count=self.min_count)
        for i, name in enumerate(batch):
            self.sums[name] = summed[i].to_numpy()
        self.pending[looped], self.has_nan = {}, self.has_nan and not looped
