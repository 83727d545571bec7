"""From diary entries to grams and nutrients per entry, then day totals with coverage.

All arithmetic is on whole columns: text is parsed and matched once per distinct string, the
grams per unit are found once per distinct (food, unit) pair, and then amounts, grams and
nutrients are multiplied as float columns. An unknown per-100 g value stays NaN (unknown),
never 0, and totals carry the share of grams whose food had a value (coverage).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nutri.diary import Diary, join_notes, same_text
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


def _resolve(amount: str, unit: str, food: str, matcher: Matcher | _TextMatches, portions: PortionWeights) -> _Resolved:
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
            100.0 if supplement.doses else 0.0,
            "supplement" if supplement.doses else "none",
            "",
            supplement.status,
            supplement.note,
            supplement,
            np.nan,
            "",
            supplement.status,
        )
    found = matcher.match(text)
    per_unit, grams_note, grams_status = np.nan, "", found.status
    if found.food_id:
        if quantity.amount is None:
            grams_note = quantity.note or "no amount given"
        else:
            value, grams_note = portions.grams_per_unit(found.food_id, quantity, text, lambda: matcher.alike(found))
            per_unit = np.nan if value is None else value
        if (np.isnan(per_unit) or grams_note.startswith(GRAMS_DOUBT)) and found.status == "matched":
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


class _TextMatches:
    """``Matcher.match`` once per distinct food text: a diary repeats one text with many amounts and
    units (a 10M-row cohort: 124k keys, 36k texts), and a match depends on the text alone; the
    matcher's own cache is keyed after tokenizing, which was most of a repeated text's cost."""

    def __init__(self, matcher: Matcher) -> None:
        self._matcher = matcher
        self._found: dict[str, object] = {}

    def match(self, text: str):
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = self._matcher.match(text)
        return found

    def __getattr__(self, name: str):  # the rest of the matcher as it is (alike, table...)
        return getattr(self._matcher, name)


class _PerKey:
    """The resolutions of the distinct (amount, unit, text) keys, and how to spread them to rows."""

    def __init__(self, entries: pd.DataFrame, matcher: Matcher, portions: PortionWeights, progress=None) -> None:
        # One integer key per distinct (amount, unit, text): each column is hashed once in C.
        parts = [
            pd.factorize(entries[c].astype(object), use_na_sentinel=False)
            for c in ("amount_text", "unit_text", "input")
        ]
        values = [np.asarray(u, dtype=object) for _, u in parts]
        sizes = [max(len(u), 1) for u in values]
        combined = (parts[0][0].astype(np.int64) * sizes[1] + parts[1][0]) * sizes[2] + parts[2][0]
        distinct, self.codes = np.unique(combined, return_inverse=True)
        self.rows = len(entries)
        self.resolved: list[_Resolved] = []
        known = _KnownResolutions(matcher) if len(distinct) else None
        texts_matched = _TextMatches(matcher)
        for done, key in enumerate(distinct):
            if progress is not None and done % 500 == 0:
                progress(done, len(distinct))
            rest, food_code = divmod(int(key), sizes[2])
            amount_code, unit_code = divmod(rest, sizes[1])
            texts = (str(values[0][amount_code]), str(values[1][unit_code]), str(values[2][food_code]))
            found = known.get(texts)
            if found is None:
                found = _resolve(*texts, texts_matched, portions)
                known.add(texts, found)
            self.resolved.append(found)
        if known is not None:
            known.save()

    def column(self, value, dtype=object) -> np.ndarray:
        """A per-distinct-key value spread to every row."""
        if not self.rows:
            return np.array([], dtype=dtype)
        return np.array([value(r) for r in self.resolved], dtype=dtype)[self.codes]

    def from_supplement(self, value, default, dtype=object) -> np.ndarray:
        return self.column(lambda r: default if r.supplement is None else value(r.supplement), dtype)


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
        self.known: dict[tuple[str, str, str], _Resolved] = stored if isinstance(stored, dict) else {}
        self.added = 0

    def get(self, texts: tuple[str, str, str]) -> _Resolved | None:
        return self.known.get(texts)

    def add(self, texts: tuple[str, str, str], resolved: _Resolved) -> None:
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
    keys = _PerKey(diary.entries, matcher, PortionWeights(table), progress)
    # supplement rows with doses are supplemental intake (the magnesium UL applies to these only); a
    # dose row carries its doses and known zeros (a vitamin D pill holds no calcium), NaN where unknown
    supplemental = keys.column(lambda r: r.supplement is not None and bool(r.supplement.doses), bool)
    result, export_grams = _matched_rows(diary.entries, keys, supplemental)
    _flag_implausible(result, keys, export_grams)
    exported = _add_nutrients(result, diary, table, keys, supplemental, nutrients_from)
    _count_only_confident(result, supplemental, exported, accept_review)
    result["supplemental"] = supplemental
    # the other reading of an ambiguous mineral dose (compound vs elemental), per entry, as data
    result["alternative_column"] = keys.from_supplement(lambda s: s.alternative[0] if s.alternative else "", "")
    result["alternative_amount"] = keys.from_supplement(
        lambda s: s.alternative[1] if s.alternative else np.nan, np.nan, float
    )
    return result


def _matched_rows(entries: pd.DataFrame, keys: _PerKey, supplemental: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Match, status, note and grams per row; and which rows take their grams from the export."""
    amounts = keys.column(lambda r: np.nan if r.quantity.amount is None else r.quantity.amount, float)
    grams_per_unit = keys.column(lambda r: r.grams_per_unit, float)
    grams_export = entries["grams_export"].to_numpy(dtype=float)
    export_grams = ~np.isnan(grams_export) & (grams_export >= 0) & ~supplemental
    pre_status = entries["pre_status"].to_numpy(dtype=object)
    key_status = np.where(export_grams, keys.column(lambda r: r.match_status), keys.column(lambda r: r.grams_status))
    status = np.where(pre_status != "", pre_status, key_status)
    # notes are joined per distinct key (two variants: grams from the export or not), then per row
    # only where the reader left a note of its own
    note_own_grams = keys.column(lambda r: "; ".join(x for x in (r.quantity.note, r.match_note, r.grams_note) if x))
    note_export_grams = keys.column(
        lambda r: "; ".join(x for x in (r.quantity.note, r.match_note, "grams from the export") if x)
    )
    notes = join_notes(
        entries["pre_note"].to_numpy(dtype=object), np.where(export_grams, note_export_grams, note_own_grams)
    )
    match = {
        name: keys.column(lambda r, name=name: getattr(r, name))
        for name in ("food_id", "description", "rule", "alternatives")
    }
    score = keys.column(lambda r: r.score, float)
    # rows the reader already knows are no food (a Cronometer quick-add) keep no match at all
    no_food = pre_status == "unmatched"
    if no_food.any():
        match = {name: np.where(no_food, same_text(""), values) for name, values in match.items()}
        score = np.where(no_food, 0.0, score)
        grams_per_unit = np.where(no_food, np.nan, grams_per_unit)
        export_grams = export_grams & ~no_food
        notes = np.where(no_food, entries["pre_note"].to_numpy(dtype=object), notes)
    grams = np.where(export_grams, grams_export, amounts * grams_per_unit)
    infinite = np.isinf(amounts) | np.isinf(grams)  # a 400-digit amount overflows to inf: no real amount
    status = np.where((grams < 0) | (amounts < 0) | infinite, same_text("invalid"), status).astype(object)
    too_large = same_text("amount too large to be real; check the amount")
    notes = join_notes(notes, np.where(infinite, too_large, same_text("")))
    result = pd.DataFrame(
        {
            "row": entries["row"].to_numpy(),
            "date": entries["date"].to_numpy(),
            "meal": entries["meal"].to_numpy(),
            "input": entries["input"].to_numpy(),
            "amount": amounts,
            "unit": keys.column(lambda r: r.quantity.unit or ""),
            "food_id": match["food_id"],
            "food": match["description"],
            "score": score,
            "status": status,
            "note": notes,
            "grams": grams,
            "rule": match["rule"],
            "alternatives": match["alternatives"],
        }
    )
    return result, export_grams


def _flag_implausible(result: pd.DataFrame, keys: _PerKey, export_grams: np.ndarray) -> None:
    """One entry over a plausible maximum goes to review (and is not counted) unless its grams were given."""
    grams = result["grams"].to_numpy(dtype=float)
    kind = keys.column(lambda r: r.quantity.kind)
    limit = np.where(kind == "volume", OUTLIER_DRINK_GRAMS, OUTLIER_SOLID_GRAMS)
    # grams the user wrote (or the app exported) are theirs to vouch for; a weight we derived, or a
    # "10 kg" that is more likely a slip for 10 g, is not
    given_grams = keys.column(lambda r: r.quantity.unit == "gram", bool)
    outlier = (grams > limit) & ~given_grams & ~export_grams & ~np.isinf(grams)
    status = result["status"].to_numpy(dtype=object)
    result["status"] = np.where(outlier & (status == "matched"), same_text("needs_review"), status)
    notes = result["note"].to_numpy(dtype=object)
    for i in np.flatnonzero(outlier):
        message = (
            f"implausible: {grams[i]:,.0f} g in one entry (over {limit[i]:,.0f} g); check the amount, or give grams"
        )
        notes[i] = "; ".join(filter(None, [notes[i], message]))
    result["note"] = notes


ORIGINS = np.array(["", "table", "supplement", "export", "export+table"], dtype=object)


def _add_nutrients(
    result: pd.DataFrame, diary: Diary, table: FoodTable, keys: _PerKey, supplemental: np.ndarray, nutrients_from: str
) -> dict[str, np.ndarray]:
    """Per-100 g table values scaled by grams, supplement doses, and export values first unless told
    otherwise; adds ``origin``. Returns, per nutrient, which rows took the export's value."""
    ids = result["food_id"].where(result["food_id"].isin(table.foods.index), None)
    # per-100 g values once per distinct food, taken per row one column at a time: a rows x nutrients
    # matrix (twice) was the peak of a 1M-row run
    codes, distinct = pd.factorize(ids.fillna("").to_numpy(dtype=object))
    per100 = table.foods.reindex(distinct)[NUTRIENT_COLUMNS].to_numpy(dtype=float)
    grams = result["grams"].to_numpy(dtype=float)
    amounts = result["amount"].to_numpy(dtype=float)
    negative = (grams < 0) | (amounts < 0) | np.isinf(grams) | np.isinf(amounts)
    usable_grams = np.where(negative, np.nan, grams)
    hundreds = usable_grams / 100.0
    # each row's origin as a code into ORIGINS: a str per row was tens of MB at 1M rows
    origin = np.where(supplemental, 2, np.where(np.isnan(usable_grams), 0, 1)).astype(np.int8)
    exported_mask: dict[str, np.ndarray] = {}
    for j, column in enumerate(NUTRIENT_COLUMNS):
        values = np.where(
            supplemental,
            keys.from_supplement(lambda s, c=column: s.amount(c), np.nan, float),
            per100[codes, j] * hundreds,
        )
        export_column = "export_" + column
        if nutrients_from == "export" and export_column in diary.entries:
            exported = diary.entries[export_column].to_numpy(dtype=float)
            use_export = ~np.isnan(exported)
            exported_mask[column] = use_export
            values = np.where(use_export, exported, values)
            origin = np.where(use_export & (origin == 1), 4, np.where(use_export & (origin == 0), 3, origin))
        result[column] = values
    result["origin"] = ORIGINS[np.where(result["status"].to_numpy() == "skipped", 0, origin)]
    return exported_mask


UNCOUNTED_REASONS = {
    "invalid": "invalid amount",
    "unmatched": "unknown food",
    "needs_review": "needs review",
}
NO_GRAMS = "no amount nutri can weigh"


def _count_only_confident(
    result: pd.DataFrame, supplemental: np.ndarray, exported: dict[str, np.ndarray], accept_review: bool
) -> None:
    """Blank the nutrients of every row that may not be counted and say why in ``uncounted``.

    Counted: the app's own export value (whatever the match), or a table value of a matched row (a
    needs_review row too when the user accepts review) with grams, or a supplement dose."""
    status = result["status"].to_numpy(dtype=object)
    confident = (status == "matched") | (accept_review & (status == "needs_review"))
    weighed = ~np.isnan(result["grams"].to_numpy(dtype=float)) | supplemental
    from_table = confident & weighed
    any_export = np.zeros(len(result), dtype=bool)
    for column in NUTRIENT_COLUMNS:
        from_export = exported.get(column, np.zeros(len(result), dtype=bool))
        any_export |= from_export
        keep = (from_export | from_table) & (status != "skipped")
        result[column] = np.where(keep, result[column].to_numpy(dtype=float), np.nan)
    reason = np.array([UNCOUNTED_REASONS.get(s, "") for s in status], dtype=object)
    reason = np.where((reason == "needs review") & ~weighed, same_text(NO_GRAMS), reason)
    reason = np.where(confident & ~weighed, same_text(NO_GRAMS), reason)
    reason = np.where(from_table | any_export | (status == "skipped"), same_text(""), reason)
    result["uncounted"] = reason


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
    return ((analysed["date"] != "") & (analysed["status"] != "skipped")).to_numpy(dtype=bool)


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
    codes, days = pd.factorize(pd.Series(analysed["date"].to_numpy()[keep]), sort=True)  # groupby's sorted days
    entries = np.bincount(codes, minlength=len(days)).astype(np.int64)
    grams = sum_per_group(analysed["grams"].to_numpy(dtype=float)[keep], codes, min_count=1)
    supplemental = analysed["supplemental"].to_numpy(dtype=bool)[keep]
    nutrients = {c: analysed[c].to_numpy(dtype=float) for c in NUTRIENT_COLUMNS}  # views, not copies
    any_unknown = any(np.isnan(v)[keep].any() for v in nutrients.values())
    sums, per_nutrient = {}, {}
    for column, all_rows in nutrients.items():
        values = all_rows[keep]
        sums[column] = sum_per_group(values, codes, min_count=1, beside_nan=any_unknown)
        counted = np.bincount(codes[~np.isnan(values)], minlength=len(days)).astype(np.int64)
        per_nutrient[column + "_counted"] = counted
        per_nutrient[column + "_coverage"] = counted / entries
        # the doses were summed in a frame of their own, which holds no NaN
        doses = np.where(supplemental & ~np.isnan(values), values, 0.0)
        per_nutrient[column + "_supplemental"] = sum_per_group(doses, codes, min_count=0)
    totals = pd.DataFrame(
        {"entries": entries, "grams": grams, **sums, **per_nutrient}, index=pd.Index(days, name="date")
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
