"""A profile per person: from a profiles file, else from sex/age columns in the diary, else the
assumed default (an adult woman aged 31-50), marked as assumed."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from nutri.diary import ROLE_HEADERS, header_key
from nutri.dri import Profile, references
from nutri.errors import DataFileError, NutriError

# Headers of the profile fields, in a profiles file and in a diary's own columns (compared by header_key)
PROFILE_HEADERS = {
    "sex": {"sex", "gender", "riagendr"},
    "age": {"age", "ageyears", "ridageyr"},
    "pregnant": {"pregnant", "pregnancy", "ridexprg"},
    "lactating": {"lactating", "lactation", "breastfeeding"},
}
# NHANES's demographics file (DEMO_J: SEQN, RIAGENDR, RIDAGEYR, RIDEXPRG) is a profiles file: its coded
# answers as words. RIDEXPRG 3, "cannot ascertain", is no answer (the general life stage, as when blank);
# RIDAGEYR 80 stands for 80 and over, an age of the same DRI group.
SURVEY_CODES = {
    "riagendr": {"1": "male", "2": "female"},
    "ridexprg": {"1": "yes", "2": "no", "3": ""},
}
# An age as people write it: 34, 34.5, "34 years", "34 y", "18 months" (a toddler's)
AGE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:(y|yr|yrs|year|years)|(mo|mos|month|months))?\.?$", re.IGNORECASE)
YES = {"yes", "y", "true", "1", "x"}
NO = {"", "no", "n", "false", "0"}
BLANK = {"", "nan", "none", "null", "n/a", "na"}


def _flag(value: object, name: str, where: dict) -> bool:
    text = str(value).strip().lower() if value is not None else ""
    if text in BLANK or text in NO:
        return False
    if text in YES:
        return True
    raise DataFileError(f"{name} {value!r} is not yes or no", **where)


def _profile(sex: object, age: object, pregnant: object, lactating: object, where: dict) -> Profile | None:
    """The profile these cells give, or None when they give neither sex nor age."""
    sex_text = "" if sex is None else str(sex).strip().lower()
    sex_text = {"f": "female", "m": "male", "woman": "female", "man": "male"}.get(sex_text, sex_text)
    age_text = "" if age is None else str(age).strip()
    stage = (
        "pregnancy"
        if _flag(pregnant, "pregnant", where)
        else "lactation"
        if _flag(lactating, "lactating", where)
        else "general"
    )
    if sex_text in BLANK and age_text.lower() in BLANK and stage == "general":
        return None
    years = 40.0
    if age_text.lower() not in BLANK:
        found = AGE_RE.match(age_text)
        if found is None:
            raise DataFileError(f"age {age_text!r} is not a number of years (or months)", **where)
        years = float(found.group(1)) / (12 if found.group(3) else 1)
    try:
        return Profile(
            sex_text if sex_text not in BLANK else "female",
            years,
            stage,
            sex_given=sex_text not in BLANK or stage != "general",
        )
    except NutriError as exc:
        raise DataFileError(exc.message, **{"fix": exc.fix, **where}) from None


def _profile_table(path: Path) -> pd.DataFrame:
    """The profiles file's rows as text under its header (the first row naming a person column), read as
    a diary is read: CSV or TSV in any delimiter and encoding the reader detects (a spreadsheet saved
    with semicolons or in cp1252), or a workbook's first sheet."""
    from nutri import diary as reader

    name = str(path)
    try:
        cells = reader._read_cells(name, reader._load_bytes(path), path.suffix.lower(), None, {})
    except NutriError as exc:
        raise DataFileError(f"cannot read the profiles file: {exc.message}", file=name, fix=exc.fix) from None
    rows = [[reader._cell_text(c) for c in row] for row in cells.rows]
    people = set(ROLE_HEADERS["person"])  # the headers that name people in a diary: Person, Client, ID
    header = next((i for i, row in enumerate(rows) if people & {header_key(c) for c in row}), None)
    if header is None:
        raise DataFileError("no person column", file=name, fix="write a header: person,sex,age,pregnant,lactating")
    width = len(rows[header])
    body = [(row + [""] * width)[:width] for row in rows[header + 1 :]]
    frame = pd.DataFrame(body, columns=[c or f"column {i + 1}" for i, c in enumerate(rows[header])], dtype=object)
    frame.index = range(header + 2, header + 2 + len(body))  # each row's line or spreadsheet row
    return frame


def read_profiles(path: Path) -> dict[str, Profile]:
    frame = _profile_table(path)
    columns = {}  # field -> the first header naming it
    for column in frame.columns:
        key = header_key(column)
        field = (
            "person"
            if key in ROLE_HEADERS["person"]
            else next((f for f, h in PROFILE_HEADERS.items() if key in h), None)
        )
        if field is not None:
            columns.setdefault(field, column)
    blank = [None] * len(frame)
    fields = [_answers(frame, columns[k]) if k in columns else blank for k in ("sex", "age", "pregnant", "lactating")]
    out, known, rows = {}, {}, {}
    people = frame[columns["person"]].tolist()
    for line, person, *cells in zip(frame.index, people, *fields, strict=True):
        name = str(person).strip()
        if not name and not any(str(c or "").strip() for c in cells):
            continue  # a blank row
        # once per distinct combination of cells (a study has few): the first row with them is the one
        # an error names, as when every row was read
        key = tuple(cells)
        if key not in known:
            known[key] = _profile(*cells, {"file": str(path), "row": line})
        if name in rows and known[key] != known[rows[name][1]]:
            # two profiles for one person: either could be the wrong one, so neither is taken
            raise DataFileError(
                f"person {name!r} has another profile on row {rows[name][0]}",
                file=str(path),
                row=line,
                fix="keep one row per person",
            )
        rows.setdefault(name, (line, key))
        if known[key] is not None:
            out[name] = known[key]
    return out


def _answers(frame: pd.DataFrame, column: str) -> list:
    """A profile column's cells, a survey's coded answers (``SURVEY_CODES``) as the words they stand for."""
    codes = SURVEY_CODES.get(header_key(column))
    cells = frame[column].tolist()
    return cells if codes is None else [codes.get(str(c).strip(), c) for c in cells]


@lru_cache(maxsize=4096)
def dri_rows(profile: Profile) -> dict:
    """``dri.references`` once per distinct profile (a cohort has few, and the lookup filters a table)."""
    return references(profile)


def group_of(profile: Profile) -> str:
    """The DRI life-stage group, as the magnesium row names it ('female 31-50 y general')."""
    return dri_rows(profile)["magnesium"].row.split(": magnesium ", 1)[-1]


def profiles_for(people, path: Path | None, cells: list[pd.DataFrame]) -> tuple[dict[str, Profile], pd.DataFrame]:
    """(person -> profile, one row per person with sex, age, life stage, whether assumed)."""
    given = read_profiles(path) if path else {}
    from_diary: dict[str, Profile] = {}
    for frame in cells:
        blank = [None] * len(frame)
        fields = [frame[k].tolist() if k in frame.columns else blank for k in ("sex", "age", "pregnant", "lactating")]
        known: dict[tuple, Profile | None] = {}
        for person, *values in zip(frame["person"].tolist(), *fields, strict=True):
            if person in given or person in from_diary:
                continue
            key = tuple(values)  # once per distinct combination of cells, as in read_profiles
            if key not in known:
                known[key] = _profile(*values, {"column": "sex/age", "fix": f"check person {person!r}"})
            if known[key] is not None:
                from_diary[person] = known[key]
    profiles, rows = {}, []
    for person in people:
        profile = given.get(person) or from_diary.get(person) or Profile(assumed=True)
        profiles[person] = profile
        rows.append(
            {
                "person": person,
                "sex": profile.sex,
                "age": profile.age,
                "life_stage": profile.life_stage,
                "profile_assumed": profile.assumed,
                "profile_from": "file" if person in given else "diary" if person in from_diary else "assumed",
            }
        )
    return profiles, pd.DataFrame(
        rows, columns=["person", "sex", "age", "life_stage", "profile_assumed", "profile_from"]
    )
