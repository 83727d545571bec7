"""From diary entries to grams and nutrients per entry, then day totals with coverage.

All arithmetic is on whole columns: text is parsed and matched once per distinct string, the
grams per unit are found once per distinct (food, unit) pair, and then amounts, grams and
nutrients are multiplied as float columns. An unknown per-100 g value stays NaN (unknown),
never 0, and totals carry the share of grams whose food had a value (coverage).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nutri.diary import Diary
from nutri.foods import NUTRIENT_COLUMNS, FoodTable
from nutri.match import Matcher
from nutri.quantity import IU_PER_UG_VITAMIN_D, PortionWeights, Quantity, parse_amount_cell, parse_quantity

# Nutrients shown per entry and per day, in the order of `nutri match` output (a contract).
ENTRY_NUTRIENT_COLUMNS = ["magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug", "thiamin_mg", "vitamin_b6_mg",
                          "caffeine_mg", "alcohol_g", "water_g", "energy_kcal"]
MATCH_COLUMNS = ["row", "date", "meal", "input", "amount", "unit", "food_id", "food", "score", "status", "note", "grams", *ENTRY_NUTRIENT_COLUMNS]
EXTRA_COLUMNS = ["rule", "alternatives", "supplemental", "origin"]
OUTLIER_GRAMS = 2500.0  # one entry heavier than this is kept but flagged for review

# Supplements: a nutrient name plus a dose unit adds that nutrient (doses read as elemental).
SUPPLEMENT_PATTERNS = [
    ("vitamin_d_ug", re.compile(r"\bvit(amin)?\.?\s*d\s*[23]?\b|\bcholecalciferol\b|\bergocalciferol\b", re.I)),
    ("vitamin_b12_ug", re.compile(r"\b(vit(amin)?\.?\s*)?b\s*-?12\b|cobalamin", re.I)),
    ("vitamin_b6_mg", re.compile(r"\b(vit(amin)?\.?\s*)?b\s*-?6\b|pyridox", re.I)),
    ("thiamin_mg", re.compile(r"\b(vit(amin)?\.?\s*)?b\s*-?1\b|thiamin", re.I)),
    ("magnesium_mg", re.compile(r"\bmagnesium\b", re.I)),
    ("calcium_mg", re.compile(r"\bcalcium\b", re.I)),
]
DOSE_UNIT_FACTORS = {"milligram": {"mg": 1.0, "ug": 1000.0}, "microgram": {"mg": 0.001, "ug": 1.0}, "gram": {"mg": 1000.0, "ug": 1e6}}
SUPPLEMENT_FOOD_WORDS = re.compile(r"\b(milk|juice|cereal|yogurt|tofu|water|bar|cheese|bread|shake)\b", re.I)


@dataclass(frozen=True)
class Supplement:
    column: str
    amount: float  # in the column's unit


def supplement_dose(text: str, quantity: Quantity) -> Supplement | None:
    """'Vitamin D3, 1000 IU' -> 25 µg vitamin D; 'magnesium glycinate 200 mg' -> 200 mg magnesium."""
    if quantity.amount is None or quantity.kind not in ("iu", "mass") or SUPPLEMENT_FOOD_WORDS.search(text):
        return None
    for column, pattern in SUPPLEMENT_PATTERNS:
        if not pattern.search(text):
            continue
        unit = column.rsplit("_", 1)[1]
        if quantity.kind == "iu":
            if column != "vitamin_d_ug":
                return None  # IU is defined per vitamin; only vitamin D's (40 IU = 1 µg) is used here
            return Supplement(column, quantity.amount / IU_PER_UG_VITAMIN_D)
        factors = DOSE_UNIT_FACTORS.get(quantity.unit or "")
        if factors and quantity.unit != "gram":
            return Supplement(column, quantity.amount * factors[unit])
    return None


def analyse(diary: Diary, table: FoodTable, matcher: Matcher, nutrients_from: str = "export") -> pd.DataFrame:
    """One row per diary entry with match, grams, nutrients, status and note (input order kept)."""
    entries = diary.entries
    n = len(entries)
    portions = PortionWeights(table)

    amount_text = entries["amount_text"].to_numpy()
    unit_text = entries["unit_text"].to_numpy()
    food_text = entries["input"].to_numpy()
    quantities: list[Quantity] = []
    match_text: list[str] = []
    cell_cache: dict[tuple[str, str], Quantity] = {}
    for amount, unit, food in zip(amount_text, unit_text, food_text):
        if amount or unit:
            key = (amount, unit)
            if key not in cell_cache:
                cell_cache[key] = parse_amount_cell(amount, unit)
            quantity = cell_cache[key]
            if quantity.amount is None and not amount and unit:
                inline = parse_quantity(food)  # unit column only ("cup") with the number in the text
                quantity = Quantity(inline.amount, quantity.unit, quantity.kind, quantity.per_unit, inline.food_text, inline.note) if inline.amount is not None else quantity
                match_text.append(inline.food_text or food)
            else:
                match_text.append(food)
        else:
            quantity = parse_quantity(food)
            match_text.append(quantity.food_text or food)
        quantities.append(quantity)

    supplements = [supplement_dose(text, q) for text, q in zip(match_text, quantities)]
    matches = {}
    for text, supplement in zip(match_text, supplements):
        if supplement is None and text not in matches:
            matches[text] = matcher.match(text)

    food_id, description, score, rule, alternatives, status, notes = ([] for _ in range(7))
    grams_per_unit = np.full(n, np.nan)
    amounts = np.array([q.amount if q.amount is not None else np.nan for q in quantities], dtype=float)
    supplemental = np.zeros(n, dtype=bool)
    supplement_values = {c: np.full(n, np.nan) for c in NUTRIENT_COLUMNS}
    grams_export = entries["grams_export"].to_numpy()
    pre_status = entries["pre_status"].to_numpy()
    pre_note = entries["pre_note"].to_numpy()
    for i in range(n):
        quantity, supplement = quantities[i], supplements[i]
        row_notes = [pre_note[i]] if pre_note[i] else []
        if quantity.note:
            row_notes.append(quantity.note)
        if supplement is not None:
            food_id.append("supplement:" + supplement.column.rsplit("_", 1)[0])
            description.append(f"supplement ({supplement.column})")
            score.append(100.0); rule.append("supplement"); alternatives.append("")
            supplement_values[supplement.column][i] = supplement.amount
            supplemental[i] = True
            row_notes.append("dose read as elemental amount; counts as supplemental intake")
            status.append(pre_status[i] or "matched")
            notes.append("; ".join(row_notes))
            continue
        found = matches[match_text[i]]
        food_id.append(found.food_id or "")
        description.append(found.description)
        score.append(found.score); rule.append(found.rule); alternatives.append(found.alternatives_text)
        row_status = found.status
        row_notes.append(found.note)
        if found.food_id:
            if not np.isnan(grams_export[i]) and grams_export[i] >= 0:
                row_notes.append("grams from the export")
            elif quantity.amount is None:
                row_status = "needs_review" if row_status == "matched" else row_status
                row_notes.append(quantity.note or "no amount given")
            else:
                per_unit, how = portions.grams_per_unit(found.food_id, quantity, match_text[i])
                if per_unit is None:
                    row_status = "needs_review" if row_status == "matched" else row_status
                    row_notes.append(how)
                else:
                    grams_per_unit[i] = per_unit
                    if how:
                        row_notes.append(how)
        status.append(pre_status[i] or row_status)
        notes.append("; ".join(x for x in row_notes if x))

    grams = np.where(~np.isnan(grams_export) & (grams_export >= 0), grams_export, amounts * grams_per_unit)
    result = pd.DataFrame({
        "row": entries["row"].to_numpy(), "date": entries["date"].to_numpy(), "meal": entries["meal"].to_numpy(),
        "input": food_text, "amount": amounts, "unit": [q.unit or "" for q in quantities],
        "food_id": food_id, "food": description, "score": score, "status": status, "note": notes, "grams": grams,
    })
    status_arr = result["status"].to_numpy().astype(object)
    negative = grams < 0
    status_arr[negative] = "invalid"
    outlier = grams > OUTLIER_GRAMS
    status_arr[outlier & (status_arr == "matched")] = "needs_review"
    note_arr = result["note"].to_numpy().astype(object)
    for i in np.flatnonzero(negative):
        note_arr[i] = "; ".join(filter(None, [note_arr[i], "negative amount"]))
    for i in np.flatnonzero(outlier):
        note_arr[i] = "; ".join(filter(None, [note_arr[i], f"outlier: {grams[i]:.0f} g in one entry; check the amount"]))
    result["status"], result["note"] = status_arr, note_arr

    # Nutrients: per-100 g table values scaled by grams; export values first unless told otherwise.
    ids = result["food_id"].where(result["food_id"].isin(table.foods.index), None)
    per100 = table.foods.reindex(ids.fillna("").to_numpy())[NUTRIENT_COLUMNS].to_numpy(dtype=float)
    usable_grams = np.where(negative, np.nan, grams)
    from_table = per100 * (usable_grams / 100.0)[:, None]
    origin = np.where(supplemental, "supplement", np.where(np.isnan(usable_grams), "", "table")).astype(object)
    for j, column in enumerate(NUTRIENT_COLUMNS):
        values = from_table[:, j]
        values = np.where(supplemental, supplement_values[column], values)
        export_column = "export_" + column
        if nutrients_from == "export" and export_column in diary.entries:
            exported = diary.entries[export_column].to_numpy(dtype=float)
            use_export = ~np.isnan(exported)
            values = np.where(use_export, exported, values)
            origin = np.where(use_export & (origin == "table"), "export+table", np.where(use_export & (origin == ""), "export", origin))
        result[column] = values
    skipped = result["status"].to_numpy() == "skipped"
    for column in NUTRIENT_COLUMNS:
        result.loc[skipped, column] = np.nan
    result["rule"] = rule
    result["alternatives"] = alternatives
    result["supplemental"] = supplemental
    result["origin"] = np.where(skipped, "", origin)
    return result


def summary_counts(analysed: pd.DataFrame) -> dict[str, int]:
    counts = analysed["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in ("matched", "needs_review", "unmatched", "skipped", "invalid")}


def countable(analysed: pd.DataFrame) -> pd.DataFrame:
    """Entries that count toward intake: dated, not skipped or invalid, with grams or a dose."""
    keep = analysed["status"].isin(["matched", "needs_review"]) & (analysed["date"] != "")
    keep &= analysed["grams"].notna() | analysed["supplemental"]
    return analysed[keep]


def daily_totals(analysed: pd.DataFrame) -> pd.DataFrame:
    """Per date: sum of known values per nutrient (NaN when nothing known), grams, and coverage
    (share of the day's food grams whose value is known)."""
    used = countable(analysed)
    if used.empty:
        return pd.DataFrame(columns=["date", "entries", "grams", *NUTRIENT_COLUMNS, *[c + "_coverage" for c in NUTRIENT_COLUMNS], "magnesium_mg_supplemental"])
    grams = used["grams"].fillna(0.0)
    frame = pd.DataFrame({"date": used["date"], "grams": grams})
    for column in NUTRIENT_COLUMNS:
        frame[column] = used[column]
        frame[column + "_known_g"] = np.where(used[column].notna() & ~used["supplemental"], grams, 0.0)
    frame["magnesium_mg_supplemental"] = np.where(used["supplemental"], used["magnesium_mg"].fillna(0.0), 0.0)
    grouped = frame.groupby("date", sort=True)
    totals = grouped[NUTRIENT_COLUMNS].sum(min_count=1)
    totals.insert(0, "grams", grouped["grams"].sum())
    totals.insert(0, "entries", grouped.size())
    for column in NUTRIENT_COLUMNS:
        known = grouped[column + "_known_g"].sum()
        totals[column + "_coverage"] = np.where(totals["grams"] > 0, known / totals["grams"].where(totals["grams"] > 0), np.nan)
    totals["magnesium_mg_supplemental"] = grouped["magnesium_mg_supplemental"].sum()
    return totals.reset_index()
