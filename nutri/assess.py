"""Judging one person's intake against the DRIs, no more confidently than the diary allows.

The method is the IOM's for individuals (IOM 2000, *DRI: Applications in Dietary Assessment*,
chapter 3 and appendix B):

* EAR nutrients: z = (mean - EAR) / sqrt(SD_req^2 + SD_within^2 / n) over the n counted days; the
  probability that usual intake is adequate is Phi(z). >= 0.85 reads "likely adequate", <= 0.15 "likely
  inadequate", below 0.5 "possibly inadequate", otherwise "cannot tell" with the days that would settle it.
* AI nutrients: "adequate (at or above AI)" only when the mean reaches the AI; below it nothing is concluded.
* The UL: the same z-test against the UL, on the supplements alone where the UL covers only them
  (magnesium); a fixed daily dose has no day-to-day variance.

Two guards make a verdict no stronger than its evidence:

* bounds: every food row that could not be counted may hold up to its candidate food at a generous
  portion of its own, or, without one, the diary's own 90th percentile per entry. The verdict is given
  only when it is the same with the uncounted rows at zero and at that upper bound; otherwise
  "insufficient data".
* variability: when the day-to-day CV exceeds 70%, daily intakes are far from normal and the method
  is unreliable (IOM's note under tables B-2 to B-5): "too variable".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from statistics import NormalDist

import numpy as np
import pandas as pd

from nutri.dri import Profile, Reference, references
from nutri.foods import data_file
from nutri.nutrients import ENERGY

LIKELY = 0.85  # IOM appendix table B-1: z = 1
UNLIKELY = 0.15  # z = -1
TOO_VARIABLE_CV = 0.70  # IOM: above a CV of 60-70% the distribution of daily intakes is far from normal
UPPER_QUANTILE = 0.90  # an uncounted entry may hold up to this quantile of the diary's counted entries
MIN_ENTRIES_FOR_BOUND = 5  # fewer counted entries give no upper bound: anything uncounted leaves the verdict open
_NORMAL = NormalDist()


class Status(str, Enum):
    """The verdict words of the report and its JSON (a contract other tools rely on)."""

    LIKELY_INADEQUATE = "likely inadequate"
    POSSIBLY_INADEQUATE = "possibly inadequate"
    LIKELY_ADEQUATE = "likely adequate"
    ADEQUATE_AI = "adequate (at or above AI)"
    CANNOT_TELL = "cannot tell"
    INSUFFICIENT = "insufficient data"
    ABOVE_UL = "above UL"
    POSSIBLY_ABOVE_UL = "possibly above UL"
    TOO_VARIABLE = "too variable"

    @property
    def shortfall(self) -> bool:
        return self in (Status.LIKELY_INADEQUATE, Status.POSSIBLY_INADEQUATE)

    @property
    def over_limit(self) -> bool:
        return self in (Status.ABOVE_UL, Status.POSSIBLY_ABOVE_UL)


@dataclass(frozen=True)
class Variation:
    """What the method needs besides the DRI row, with where each number comes from."""

    cv_requirement: float
    sd_within: float | None  # pooled within-person SD from a survey, when one is published for this group
    floor_cv: float  # otherwise the diary's own SD, never below this share of its mean
    source: str


@dataclass(frozen=True)
class Evidence:
    """One nutrient over one period: a value per judged day (complete days with something counted)."""

    counted: tuple[float, ...]  # known intake per day (the lower bound)
    uncounted_upper: tuple[float, ...]  # what that day's uncounted rows could add at most (inf: no bound)
    supplemental: tuple[float, ...]  # supplement doses per day (part of `counted`)
    food_rows: int  # food rows of the period's logged days (coverage is shown for every logged day)
    counted_rows: int  # of which counted for this nutrient

    @property
    def days(self) -> int:
        return len(self.counted)

    @property
    def coverage(self) -> float | None:
        return self.counted_rows / self.food_rows if self.food_rows else None

    @property
    def uncounted(self) -> int:
        return self.food_rows - self.counted_rows


@dataclass(frozen=True)
class Assessment:
    status: Status
    probability_adequate: float | None
    days_needed: int | None  # more counted days at the same average that would settle the verdict
    mean: float | None  # counted daily average (lower bound)
    upper_mean: float | None  # with every uncounted row at its upper bound
    sd_within: float | None
    reason: str  # the verdict in plain words


@lru_cache(maxsize=1)
def _variation_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    published = pd.read_csv(data_file("variation.csv"), keep_default_na=False, na_values={"age_max_years": [""]})
    defaults = pd.read_csv(data_file("assessment.csv"), keep_default_na=False).set_index("nutrient")
    return published, defaults


def variation(nutrient: str, profile: Profile) -> Variation:
    published, defaults = _variation_tables()
    if nutrient not in defaults.index:
        raise KeyError(f"assessment.csv has no row for {nutrient!r}")
    row = defaults.loc[nutrient]
    rows = published[(published["nutrient"] == nutrient) & published["sex"].isin([profile.sex, "both"])]
    rows = rows[(rows["life_stage"] == profile.life_stage) & (rows["age_min_years"] <= profile.age)]
    rows = rows[rows["age_max_years"].isna() | (math.floor(profile.age) <= rows["age_max_years"])]
    if not rows.empty:
        sd, source = float(rows.iloc[0]["sd_within"]), str(rows.iloc[0]["source"])
    else:
        sd, source = None, str(row["floor_source"])
    return Variation(float(row["cv_requirement"]), sd, float(row["floor_cv_within"]), source)


def probability_adequate(mean: float, ear: float, sd_requirement: float, sd_within: float, days: int) -> float:
    """IOM 2000 eq. for individuals: Phi((mean - EAR) / sqrt(SD_req^2 + SD_within^2 / n))."""
    sd_difference = math.sqrt(sd_requirement**2 + sd_within**2 / days)
    return _NORMAL.cdf((mean - ear) / sd_difference) if sd_difference > 0 else float(mean >= ear)


def probability_above(mean: float, limit: float, sd_within: float, days: int) -> float:
    """Confidence that usual intake exceeds a limit (IOM 2000 appendix B, the AI/UL z-test)."""
    if sd_within <= 0:
        return float(mean > limit)
    return 1.0 - _NORMAL.cdf((limit - mean) / (sd_within / math.sqrt(days)))


def days_to_settle(mean: float, ear: float, sd_requirement: float, sd_within: float, days: int) -> int | None:
    """More days at the same average that would bring |z| to 1; None when no number of days would."""
    gap_squared = (mean - ear) ** 2 - sd_requirement**2
    if gap_squared <= 0:
        return None
    needed = math.ceil(sd_within**2 / gap_squared)
    return max(needed - days, 1)


def _sd_within(evidence: Evidence, var: Variation, mean: float, reference: Reference) -> float:
    """The published pooled SD, else the diary's own, floored at a share of the mean or the EAR,
    whichever is larger (a low mean must not shrink the SD and make a few days look certain)."""
    if var.sd_within is not None:
        return var.sd_within
    own = float(np.std(evidence.counted, ddof=1)) if evidence.days > 1 else 0.0
    scale = max(mean, reference.ear or reference.ai or 0.0)
    return max(own, var.floor_cv * scale)


def _over_ul(evidence: Evidence, reference: Reference, mean: float, sd_within: float) -> Status | None:
    if reference.ul is None:
        return None
    if reference.ul_supplemental_only:
        doses = np.asarray(evidence.supplemental, dtype=float)
        level, spread = float(doses.mean()), float(doses.std(ddof=1)) if len(doses) > 1 else 0.0
    else:
        level, spread = mean, sd_within
    above = probability_above(level, reference.ul, spread, evidence.days)
    if above >= LIKELY:
        return Status.ABOVE_UL
    return Status.POSSIBLY_ABOVE_UL if above >= 0.5 else None


def _judge(evidence: Evidence, reference: Reference, var: Variation, mean: float, sd_within: float) -> tuple:
    """(status, probability, more days) at one value of the mean."""
    over = _over_ul(evidence, reference, mean, sd_within)
    if over is not None:
        return over, None, None
    if reference.ear is not None:
        sd_requirement = var.cv_requirement * reference.ear
        p = probability_adequate(mean, reference.ear, sd_requirement, sd_within, evidence.days)
        if p >= LIKELY:
            return Status.LIKELY_ADEQUATE, p, None
        if p <= UNLIKELY:
            return Status.LIKELY_INADEQUATE, p, None
        more = days_to_settle(mean, reference.ear, sd_requirement, sd_within, evidence.days)
        return (Status.POSSIBLY_INADEQUATE if p < 0.5 else Status.CANNOT_TELL), p, more
    if reference.ai is not None and mean >= reference.ai:
        return Status.ADEQUATE_AI, None, None
    return Status.CANNOT_TELL, None, None


def assess(evidence: Evidence, reference: Reference, var: Variation) -> Assessment:
    if evidence.days == 0:
        reason = "no complete day with this nutrient counted" if evidence.food_rows else "no day logged"
        return Assessment(Status.INSUFFICIENT, None, None, None, None, None, reason)
    counted = np.asarray(evidence.counted, dtype=float)
    mean = float(counted.mean())
    upper = float((counted + np.asarray(evidence.uncounted_upper, dtype=float)).mean())
    sd_within = _sd_within(evidence, var, mean, reference)
    low = _judge(evidence, reference, var, mean, sd_within)
    high = _judge(evidence, reference, var, upper, sd_within) if upper > mean else low
    if low[0] != high[0]:
        reason = (
            f"{evidence.uncounted} entries not counted could change the verdict ({low[0].value} to {high[0].value})"
        )
        return Assessment(Status.INSUFFICIENT, None, None, mean, upper, sd_within, reason)
    status, probability, more = low
    own_sd = float(np.std(counted, ddof=1)) if evidence.days > 1 else 0.0
    cv = own_sd / mean if mean > 0 else math.inf
    if var.sd_within is None and evidence.days > 1 and cv > TOO_VARIABLE_CV and not status.over_limit:
        reason = f"day-to-day variation {cv:.0%} of the mean: too variable to judge from {evidence.days} days"
        return Assessment(Status.TOO_VARIABLE, None, None, mean, upper, sd_within, reason)
    return Assessment(status, probability, more, mean, upper, sd_within, _reason(status, probability, more, evidence))


def _reason(status: Status, probability: float | None, more: int | None, evidence: Evidence) -> str:
    days = f"{evidence.days} day{'s' if evidence.days != 1 else ''}"
    if probability is not None and status in (Status.CANNOT_TELL, Status.POSSIBLY_INADEQUATE):
        settle = f"; log about {more} more days to tell" if more else "; more days would not settle it at this average"
        return f"{probability:.0%} probability of adequacy from {days}{settle}"
    if probability is not None:
        return f"{probability:.0%} probability of adequacy from {days}"
    if status is Status.CANNOT_TELL:
        return "below the AI: an AI says nothing about inadequacy below it"
    return f"from {days}"


# A pill, capsule or tablet of an unknown supplement weighs at most this (the largest common capsule,
# size 000, holds about 1.4 g): its bound is that weight at the diary's densest foods, not a whole meal.
PILL_UNITS = frozenset({"pill", "capsule", "tablet", "softgel", "gummy", "lozenge", "caplet"})
PILL_MAX_G = 1.5
TYPICAL_PORTION_MAX_G = 500.0  # the largest of a food's own portions up to this weight stands for "a portion"
DEFAULT_PORTION_G = 100.0


def _typical_grams(table, food_ids: pd.Series) -> pd.Series:
    """Per food, the largest of its own portion weights up to 500 g (100 g when it lists none)."""
    portions = table.portions
    sized = portions[portions["grams"] <= TYPICAL_PORTION_MAX_G].groupby("food_id")["grams"].max()
    return food_ids.map(sized).fillna(DEFAULT_PORTION_G)


def _quantile(values: pd.Series) -> float:
    known = values.replace([np.inf, -np.inf], np.nan).dropna()
    return float(known.quantile(UPPER_QUANTILE)) if len(known) >= MIN_ENTRIES_FOR_BOUND else math.inf


def row_upper_bounds(rows: pd.DataFrame, table, columns: list[str]) -> pd.DataFrame:
    """Per food row and nutrient, the most an uncounted row is taken to hold (NaN where counted).

    The row's weight is its grams, at most 1.5 g a pill, or else a generous portion of its candidate
    food (the largest of the food's own portions up to 500 g). That weight times the candidate's value
    per gram, or without one the diary's 90th percentile per gram of counted food entries; without a
    weight, its energy (from an export) times the diary's 90th percentile per kcal; else the diary's
    90th percentile per counted entry. From fewer than 5 counted entries the diary gives no bound
    (inf), and anything uncounted leaves the verdict open."""
    food = rows[~rows["supplemental"].astype(bool)]
    ids = rows["food_id"].where(rows["food_id"].isin(table.foods.index), "")
    per100 = table.foods.reindex(ids.to_numpy())
    pills = rows["unit"].isin(PILL_UNITS).to_numpy() & rows["grams"].isna().to_numpy()
    grams = np.where(pills, rows["amount"].to_numpy(dtype=float) * PILL_MAX_G, rows["grams"].to_numpy(dtype=float))
    grams = np.where(np.isnan(grams) & (ids != "").to_numpy(), _typical_grams(table, ids).to_numpy(dtype=float), grams)
    kcal = rows[ENERGY.column].to_numpy(dtype=float)
    upper = {}
    for column in columns:
        per_gram = _quantile(food[column] / food["grams"].where(food["grams"] > 0))
        per_kcal = _quantile(food[column] / food[ENERGY.column].where(food[ENERGY.column] > 0))
        density = per100[column].to_numpy(dtype=float) / 100.0
        density = np.where(np.isnan(density), per_gram, np.maximum(density, 0.0))
        bound = np.full(len(rows), _quantile(food[column]))
        with np.errstate(invalid="ignore"):  # 0 g (or 0 kcal) times an unbounded density holds nothing
            bound = np.where(~np.isnan(kcal) & (kcal >= 0), np.where(kcal == 0, 0.0, kcal * per_kcal), bound)
            bound = np.where(~np.isnan(grams) & (grams >= 0), np.where(grams == 0, 0.0, grams * density), bound)
        upper[column] = np.where(rows[column].isna().to_numpy(), np.nan_to_num(bound, nan=math.inf), np.nan)
    return pd.DataFrame(upper, index=rows.index)


def add_upper_bounds(days: pd.DataFrame, rows: pd.DataFrame, table, columns: list[str]) -> pd.DataFrame:
    """Day totals plus ``<col>_upper``: what the day's uncounted rows could add at most."""
    upper = row_upper_bounds(rows, table, columns)
    upper["date"] = rows["date"].to_numpy()
    sums = upper.groupby("date")[columns].sum(min_count=1).fillna(0.0).add_suffix("_upper")
    days = days.merge(sums, left_on="date", right_index=True, how="left") if not days.empty else days
    for column in columns:
        if column + "_upper" not in days:
            days[column + "_upper"] = pd.Series(dtype=float)
        days[column + "_upper"] = days[column + "_upper"].fillna(0.0)
    return days


@lru_cache(maxsize=1)
def _energy_floors() -> pd.DataFrame:
    return pd.read_csv(data_file("energy_floor.csv"), keep_default_na=False, na_values={"age_max_years": [""]})


def energy_floor_kcal(profile: Profile) -> tuple[float, str]:
    """Below this, a day's log is taken as incomplete: half the sedentary energy need for the profile."""
    table = _energy_floors()
    rows = table[table["sex"].isin([profile.sex, "both"]) & (table["age_min_years"] <= profile.age)]
    rows = rows[rows["age_max_years"].isna() | (math.floor(profile.age) <= rows["age_max_years"])]
    need = float(rows.iloc[0]["sedentary_kcal"]) if not rows.empty else float(table["sedentary_kcal"].min())
    return need / 2, str(table.iloc[0]["source"])


def mark_days(days: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Add ``complete``, ``incomplete_reason`` and ``above_ul`` to the day totals.

    A day is likely incomplete when even its uncounted entries at their upper bound leave its energy
    below half the sedentary energy need of the profile: it is shown, and left out of the assessment.
    ``above_ul`` lists the nutrients over their UL that day (supplements counted that day)."""
    days = days.copy()
    if days.empty:
        for column, empty in (("complete", bool), ("incomplete_reason", object), ("above_ul", object)):
            days[column] = pd.Series(dtype=empty)
        return days
    floor, _source = energy_floor_kcal(profile)
    energy = ENERGY.column
    upper = days[energy].fillna(0.0).to_numpy(dtype=float) + days[energy + "_upper"].to_numpy(dtype=float)
    upper = np.where(days[energy].isna() & (days[energy + "_upper"] == 0), np.nan, upper)
    low = ~np.isnan(upper) & (upper < floor)
    days["complete"] = ~low
    days["incomplete_reason"] = [
        f"likely incomplete: {kcal:,.0f} kcal logged, below {floor:,.0f} kcal (half a sedentary day's need)"
        if is_low
        else ""
        for kcal, is_low in zip(days[energy].fillna(0.0), low, strict=False)
    ]
    days["above_ul"] = _above_ul_per_day(days, profile)
    return days


def _above_ul_per_day(days: pd.DataFrame, profile: Profile) -> list[list[str]]:
    over: list[list[str]] = [[] for _ in range(len(days))]
    for key, reference in references(profile).items():
        if reference.ul is None:
            continue
        level = days[reference.column + ("_supplemental" if reference.ul_supplemental_only else "")]
        for i in np.flatnonzero(level.fillna(0.0).to_numpy(dtype=float) > reference.ul):
            over[i].append(key)
    return over


def period_evidence(days: pd.DataFrame, column: str) -> Evidence:
    """The evidence one period's days give for one nutrient: complete days with something counted.

    Days with food rows but nothing counted for this nutrient (a quick-add day) are not averaged in
    as zero; their rows lower the coverage."""
    if days.empty:
        return Evidence((), (), (), 0, 0)
    complete = days[days["complete"].astype(bool)]
    judged = complete[complete[column + "_counted"] > 0]
    upper = judged[column + "_upper"].to_numpy(dtype=float)
    return Evidence(
        tuple(judged[column].astype(float)),
        tuple(upper),
        tuple(judged[column + "_supplemental"].astype(float)),
        int(days["entries"].sum()),
        int(days[column + "_counted"].sum()),
    )
