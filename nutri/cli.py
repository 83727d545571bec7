"""Command line: parse options, call the core, write outputs, turn errors into one line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
import re
import sys
import traceback
from pathlib import Path

import click

from nutri import __version__
from nutri.errors import DataFileError, NutriError, UsageError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
MATCH_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
REPORT_FORMATS = ["text", "md", "html", "xlsx", "json"]
CONFIG_NAMES = ("nutri.toml", ".nutri.toml")


def error_line(exc: NutriError) -> str:
    """The one line a user sees: the core's message, plus the flag that fixes it (the core names
    settings, never flags). Terminal control characters from file contents are made visible."""
    hint = None
    if exc.option:
        flag = "--" + exc.option.replace("_", "-")
        hint = f"pass {flag} {exc.option_value}" if exc.option_value else f"check {flag}"
    return printable(exc.describe(hint))


def printable(text: str) -> str:
    """Text for the terminal: control characters (escape sequences, CR, BEL) shown as \\x.. escapes."""
    return CONTROL_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class OutputPath(click.ParamType):
    """An output file name; an empty one is a usage error (click.Path would read it as '.')."""

    name = "file"

    def convert(self, value, param, ctx):
        if isinstance(value, Path):
            return value
        if not str(value).strip():
            self.fail("the file name is empty; give a file name", param, ctx)
        return Path(value)


class NutriGroup(click.Group):
    """Maps domain errors to one-line messages and exit codes; tracebacks only with --debug."""

    def invoke(self, ctx: click.Context):
        import warnings

        import numpy as np

        try:
            # inf, NaN and empty selections are handled as values (invalid rows, unknown nutrients);
            # numpy's warnings about them would only be noise on stderr of a successful run
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return super().invoke(ctx)
        except NutriError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(f"Error: {error_line(exc)}", err=True)
            ctx.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise  # click ends a closed pipe (`nutri foods show 11457 | head`) quietly
        except Exception as exc:  # a bug: one line, and the way to see more
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {printable(str(exc)[:200])}); "
                "rerun with --debug and report it",
                err=True,
            )
            ctx.exit(1)


@click.group(cls=NutriGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="nutri")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """nutri: how much magnesium, calcium, vitamin D and B12 a food diary holds, against the DRIs.

    \b
    Example:
        nutri report examples/two-weeks.csv --sex female --age 34
        nutri match examples/two-weeks.csv -o matched.csv
        nutri foods search "greek yogurt"
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# -- shared options -------------------------------------------------------------------------


def diary_options(func):
    for option in reversed(
        [
            click.option(
                "--sheet",
                help="Workbook sheet to read (default: the one with a diary); '*': every sheet with a diary, as one.",
            ),
            click.option("--columns", "columns", help="Header overrides, e.g. 'food=Item,date=When,amount=Qty'."),
            click.option(
                "--dayfirst",
                is_flag=True,
                default=None,
                help="Read ambiguous slash dates as D/M/YYYY (the file's own evidence wins).",
            ),
            click.option(
                "--first-day",
                help="The date of day 1 of a food record dated by day numbers (Day 1, Day 2...), YYYY-MM-DD.",
            ),
            click.option(
                "--nutrients-from",
                type=click.Choice(["export", "table"]),
                default="export",
                show_default=True,
                help="Use an export's nutrient columns (blanks filled from foods.csv) or compute all from foods.csv.",
            ),
            click.option(
                "--aliases",
                "aliases_path",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Your aliases CSV (alias,food_id); wins over everything.",
            ),
            click.option(
                "--foods",
                "foods_path",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Your custom foods CSV (food_id,description,nutrients per 100 g,portions).",
            ),
            click.option(
                "--person", help="The one person to read from a file naming several (a Person/Participant/SEQN column)."
            ),
            click.option(
                "--accept-review",
                is_flag=True,
                help="Count entries needing review at nutri's best guess (default: not counted).",
            ),
            click.option(
                "--config",
                "config_path",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Config file (default: ./nutri.toml if present).",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No summary or progress on stderr."),
        ]
    ):
        func = option(func)
    return func


def profile_options(func):
    """--sex, --age, --pregnant, --lactating and --profile, read by build_profile (report, foods top)."""
    for option in reversed(
        [
            click.option("--sex", type=click.Choice(["female", "male"]), help="Sex for the DRI row (default: female)."),
            click.option("--age", type=click.FloatRange(0, 120), help="Age in years (default: 40, the 31-50 group)."),
            click.option("--pregnant", is_flag=True, help="Use pregnancy DRIs."),
            click.option("--lactating", is_flag=True, help="Use lactation DRIs."),
            click.option(
                "--profile",
                "profile_path",
                type=click.Path(dir_okay=False, path_type=Path),
                help="TOML profile: sex, age, life_stage.",
            ),
        ]
    ):
        func = option(func)
    return func


# What each setting of nutri.toml and of a profile file must be: (types, what to write instead).
CONFIG_TYPES = {
    "aliases": ((str,), 'a file name in quotes, e.g. aliases = "my-aliases.csv"'),
    "foods": ((str,), 'a file name in quotes, e.g. foods = "my-foods.csv"'),
    "profile": ((str,), 'a file name in quotes, e.g. profile = "me.toml"'),
    "sex": ((str,), 'sex = "female" or sex = "male"'),
    "age": ((int, float), "a number of years, e.g. age = 34"),
    "life_stage": ((str,), 'life_stage = "general", "pregnancy" or "lactation"'),
}


def check_settings(path: Path, settings: dict, types: dict) -> None:
    """A setting of the wrong type is a one-line error naming the file, the key and what to write."""
    for key, (allowed, example) in types.items():
        value = settings.get(key)
        if value is None:
            continue
        if not isinstance(value, allowed) or isinstance(value, bool):
            raise DataFileError(f"{key} = {value!r} is not {example.split(',')[0]}", file=path, fix=f"write {example}")


def load_config(path: Path | None) -> dict:
    candidates = [path] if path else [Path(name) for name in CONFIG_NAMES]
    for candidate in candidates:
        if candidate and candidate.is_file():
            import tomllib  # only with a config file: most runs have none

            try:
                config = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise UsageError(f"{candidate}: not valid TOML ({exc}); fix the file or remove it") from None
            check_settings(candidate, config, CONFIG_TYPES)
            base = candidate.parent
            for key in ("aliases", "foods", "profile"):
                if key in config:
                    config[key] = base / config[key]
            return config
        if path:
            raise UsageError(f"{path}: config file not found")
    return {}


def read_settings(sheet, columns, dayfirst, person, first_day=None):
    from nutri.diary import parse_column_overrides
    from nutri.pipeline import ReadSettings

    return ReadSettings(sheet, parse_column_overrides(columns), dayfirst, person, _parse_day(first_day, "--first-day"))


def read_one_person(diary_paths: tuple[Path, ...], settings):
    """The pipeline's read of one person's files (one diary), with the option that resolves a file of several
    people named in the message."""
    from nutri.diary import STDIN_NAME, read_bounded
    from nutri.pipeline import ManyPeopleError, read_diaries

    if sum(str(p) == "-" for p in diary_paths) > 1:
        raise UsageError("standard input (-) can be read once; give the other diaries as files")
    # standard input, as CSV tools read it
    paths = [STDIN_NAME if str(p) == "-" else p for p in diary_paths]
    try:
        stdin = read_bounded(sys.stdin.buffer, STDIN_NAME) if STDIN_NAME in paths else None
        return read_diaries(paths, settings, stdin)
    except ManyPeopleError as exc:
        hint = "; if it names no people, add --columns person=none" if exc.by_values else ""
        raise UsageError(
            f"{exc}; add --person {exc.people[0]!r} (or another name in {exc.person_column!r}){hint}"
        ) from None


def match_settings(aliases_path, foods_path, config: dict, nutrients_from: str, accept_review: bool):
    from nutri.pipeline import MatchSettings

    aliases, foods = aliases_path or config.get("aliases"), foods_path or config.get("foods")
    return MatchSettings(aliases and Path(aliases), foods and Path(foods), nutrients_from, accept_review)


PROGRESS_MIN_ROWS = 50_000  # about one second of work on 2 cores (benchmarks/RESULTS.md)


def run_matching(diary, settings, quiet: bool):
    """The pipeline's match; a progress bar on stderr for long runs, only on a terminal."""
    from nutri.pipeline import match_entries

    if quiet or not sys.stderr.isatty() or len(diary.entries) < PROGRESS_MIN_ROWS:
        return match_entries(diary, settings)
    with click.progressbar(
        length=100, label=f"Matching {len(diary.entries):,} rows", file=click.get_text_stream("stderr")
    ) as bar:
        shown = [0]

        def advance(done: int, total: int) -> None:
            target = int(100 * done / max(total, 1))
            bar.update(target - shown[0])
            shown[0] = target

        matched = match_entries(diary, settings, progress=advance)
        bar.update(100 - shown[0])
    return matched


def summary_line(matched) -> str:
    from nutri.diary import recall_days

    diary, c = matched.diary, matched.counts()
    extra = []
    if diary.blank_rows:
        extra.append(f"{diary.blank_rows} blank rows ignored")
    if diary.encoding and diary.encoding not in ("utf-8", "utf-8-sig"):
        extra.append(f"read as {diary.encoding}")
    if diary.layout != "generic":
        extra.append(f"layout {diary.layout}")
    if diary.date_by_values:
        extra.append(f"dates from column {diary.columns['date']!r}, recognised by its values")
    elif "date" not in diary.columns:
        days = " and ".join(map(str, recall_days(diary.layout)))
        extra.append(
            f"day {days} of a food record, dated by --first-day" if days else "no column holds dates: no row has a day"
        )
    tail = f" ({'; '.join(extra)})" if extra else ""
    return printable(
        f"{diary.name}: {len(matched.entries)} rows read: {c['matched']} matched, "
        f"{c['needs_review']} need review, {c['unmatched']} unmatched, "
        f"{c['skipped']} skipped, {c['invalid']} invalid{tail}"
    )


# -- foods ----------------------------------------------------------------------------------


@cli.group(context_settings=CONTEXT_SETTINGS)
def foods() -> None:
    """Look up foods in the food tables (USDA SR28 and FNDDS 2.0 survey foods).

    \b
    Example:
        nutri foods search "pumpkin seeds"
        nutri foods show 11457
        nutri foods show fndds:27540310
        nutri foods top magnesium --category nuts
    """


@foods.command("search")
@click.argument("text")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 100))
def foods_search(text: str, limit: int) -> None:
    """Best candidates for TEXT: id, score, rule, description, [table: food group].

    \b
    Example:
        nutri foods search "2% milk"
    """
    from nutri.pipeline import food_matcher, food_table

    table, matcher = food_table(), food_matcher()
    best = matcher.match(text)
    rows = []
    if best.food_id:
        rows.append((best.food_id, best.description, best.score, best.rule))
    for food_id, description, score in matcher.search(text, limit):
        if food_id != best.food_id:
            rows.append((food_id, description, score, "index"))
    if not rows:
        click.echo(f"No food matches {text!r}.", err=True)
        sys.exit(1)
    for food_id, description, score, rule in rows[:limit]:
        click.echo(
            f"{food_id}  {score:5.1f}  {rule:10}  {description}  "
            f"[{table.edition(food_id).short}: {table.foods.at[food_id, 'food_group']}]"
        )


@foods.command("show")
@click.argument("food_id")
def foods_show(food_id: str) -> None:
    """Nutrients per 100 g of one food (unknown shown as unknown) and its portion weights.

    \b
    Example:
        nutri foods show 11457
    """
    from nutri.foods import NUTRIENTS  # the food table's column order
    from nutri.pipeline import food_table

    table = food_table()
    resolved = table.resolve_id(food_id)
    if resolved is None:
        raise UsageError(f"no food with id {food_id!r} in the food tables; find one with `nutri foods search TEXT`")
    food_id, edition = resolved, table.edition(resolved)
    row = table.foods.loc[food_id]
    click.echo(f"{food_id}  {row['description']}")
    click.echo(f"Table: {edition.name}")
    click.echo(f"Group: {row['food_group']} (category: {row['category']})")
    if row["search_text"]:
        click.echo(f"Also called: {row['search_text']}")
    click.echo("Per 100 g:")
    for nutrient in NUTRIENTS:
        value = row[nutrient.column]
        shown = "unknown" if value != value else f"{value:g} {nutrient.unit}"
        if nutrient.key == "vitamin_d" and row["vitamin_d_basis"] == "converted_from_iu":
            shown += " (converted from IU at 40 IU = 1 µg)"
        click.echo(f"  {nutrient.label:<14} {shown}")
    portions = table.portions_of(food_id)
    click.echo("Portions:" if portions else f"Portions: none in {edition.short}")
    for p in portions:
        click.echo(f"  {p['amount']:g} {p['measure']} = {p['grams']:g} g")


@foods.command("top")
@click.argument("nutrient")
@click.option("--per", type=click.Choice(["portion", "100kcal"]), help="One ranking only (default: both).")
@click.option(
    "--group", help="One food category (nuts_seeds, fish, vegetables...) or part of a table's food group name."
)
@click.option("--category", help="One of the source document's food-source categories (nuts, seeds, oily-fish...).")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Foods per ranking.")
@click.option("--all-forms", is_flag=True, help="List every preparation of a food (default: its best one).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@profile_options
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file for the profile (default: ./nutri.toml if present).",
)
def foods_top(
    nutrient, per, group, category, limit, all_forms, fmt, sex, age, pregnant, lactating, profile_path, config_path
):
    """Foods richest in NUTRIENT per typical portion and per 100 kcal, both tables, screened by the
    advice-safety rules for the profile (foods unsafe for it are left out, others carry a note).

    \b
    Example:
        nutri foods top magnesium
        nutri foods top "vitamin D" --per portion --group fish -n 5
        nutri foods top magnesium --category nuts --format csv
        nutri foods top vitamin-b12 --sex female --age 30 --pregnant
    """
    from nutri.food_finder import PER_CHOICES, RENDERERS, TopQuery, resolve_nutrient, top_foods
    from nutri.pipeline import food_table

    found = resolve_nutrient(nutrient)
    profile = build_profile(sex, age, pregnant, lactating, profile_path, load_config(config_path))
    query = TopQuery(found, profile, (per,) if per else PER_CHOICES, group, category, limit, all_forms)
    emit(None, RENDERERS[fmt](top_foods(food_table(), query)).encode("utf-8"))


# -- match ----------------------------------------------------------------------------------


@cli.command("match")
@click.argument("diary", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=OutputPath(), help="Write OUT.csv, OUT.xlsx or OUT.json (default: CSV on stdout).")
@click.option(
    "--review",
    "review_path",
    type=OutputPath(),
    help="Also write the rows needing review to this CSV; fill in food_id and pass it back with --aliases.",
)
@diary_options
def match_command(
    diary: tuple[Path, ...],
    output,
    review_path,
    sheet,
    columns,
    dayfirst,
    first_day,
    nutrients_from,
    aliases_path,
    foods_path,
    person,
    accept_review,
    config_path,
    quiet,
) -> None:
    """Match every diary row to a food and turn its amount into grams and nutrients.

    One output row per input row, in input order, with status (matched, needs_review,
    unmatched, skipped, invalid) and the reason in `note`. Several DIARY files of one person are
    one diary, each row with its `file`.

    \b
    Example:
        nutri match examples/two-weeks.csv -o matched.csv --review review.csv
    """
    from nutri.intake import EXTRA_COLUMNS, MATCH_COLUMNS
    from nutri.report.safe import csv_bytes

    if output is not None and output.suffix.lower() not in MATCH_FORMATS:
        raise UsageError(f"-o {output}: use a .csv, .xlsx or .json file name")
    check_outputs({"-o": output, "--review": review_path}, *diary, aliases_path, foods_path, config_path)
    config = load_config(config_path)
    diary_read = read_one_person(diary, read_settings(sheet, columns, dayfirst, person, first_day))
    matched = run_matching(
        diary_read, match_settings(aliases_path, foods_path, config, nutrients_from, accept_review), quiet
    )
    analysed = matched.entries
    files = ["file"] if "file" in analysed else []  # several files: each row's, first
    emit(output, _match_table(analysed[files + MATCH_COLUMNS + EXTRA_COLUMNS], output))
    if review_path:
        review = analysed[analysed["status"] == "needs_review"]
        sheet_rows = review.assign(alias=review["input"], food_id_suggested=review["food_id"], food_id="")[
            ["alias", "food_id", "food_id_suggested", "food", "score", "alternatives", *files, "row", "note"]
        ]
        emit(review_path, csv_bytes(sheet_rows))
    if not quiet:
        click.echo(summary_line(matched), err=True)


def _match_table(frame, output: Path | None) -> bytes:
    """``nutri match``'s rows in -o's format (CSV on stdout), amounts and grams rounded for reading."""
    from nutri.nutrients import ENTRY_NUTRIENT_COLUMNS
    from nutri.report.safe import csv_bytes, frame_records, json_text

    frame = frame.round({"grams": 1, "amount": 3, **{c: 3 for c in ENTRY_NUTRIENT_COLUMNS}})
    kind = MATCH_FORMATS.get(output.suffix.lower()) if output else "csv"
    if kind == "json":
        return json_text(frame_records(frame), indent=1).encode("utf-8")
    if kind == "xlsx":
        from nutri.report.xlsx import frame_xlsx  # the one XLSX writer (report workbooks too)

        return frame_xlsx(frame)
    return csv_bytes(frame)


def check_outputs(outputs: dict[str, Path | None], *inputs: Path | None) -> None:
    """Before any work: each output is writable in principle, is none of the inputs, and no two
    outputs are the same file (``--review same.csv -o same.csv`` would keep only one)."""
    from nutri.report.safe import check_output

    given = {flag: path for flag, path in outputs.items() if path is not None}
    sources = tuple(Path(p) for p in inputs if p is not None and str(p) != "-")
    for path in given.values():
        check_output(path, sources)
    paths = list(given.items())
    for i, (flag, path) in enumerate(paths):
        for other_flag, other in paths[i + 1 :]:
            if Path(os.path.abspath(path)) == Path(os.path.abspath(other)):
                raise UsageError(f"{flag} and {other_flag} name the same file {path}; give each output its own name")


def emit(output: Path | None, data: bytes) -> None:
    """Write an output file atomically, or the data to stdout."""
    from nutri.report.safe import write_atomic

    if output is not None:
        write_atomic(output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


# -- report ---------------------------------------------------------------------------------


def _parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: give a date as YYYY-MM-DD") from None


def _week_range(week: str) -> tuple[dt.date, dt.date]:
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", week.strip(), re.I)
    if not match:
        raise UsageError(f"--week {week!r}: write an ISO week such as 2026-W47")
    try:
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise UsageError(f"--week {week!r}: no such ISO week") from None
    from nutri.report.build import shift

    return monday, shift(monday, 6)  # 9999-W52 ends at the last representable day


def build_profile(sex, age, pregnant, lactating, profile_path, config):
    from nutri.dri import Profile

    settings = {}
    profile_path = profile_path or config.get("profile")
    if profile_path:
        import tomllib

        try:
            settings = tomllib.loads(Path(profile_path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(
                f'{profile_path}: cannot read the profile ({exc}); write sex = "female", age = 34'
            ) from None
        check_settings(Path(profile_path), settings, CONFIG_TYPES)
    for key in ("sex", "age", "life_stage"):
        if key in config and key not in settings:
            settings[key] = config[key]
    if pregnant and lactating:
        raise UsageError("--pregnant and --lactating exclude each other")
    given = any(v is not None for v in (sex, age)) or pregnant or lactating or bool(settings)
    life_stage = "pregnancy" if pregnant else "lactation" if lactating else settings.get("life_stage", "general")
    sex = sex or settings.get("sex")
    # pregnancy and lactation say the sex; otherwise an age alone gets female values, said in the report
    sex_given = sex is not None or life_stage != "general"
    try:
        age = float(age if age is not None else settings.get("age", 40))
    except (TypeError, ValueError):
        raise UsageError(f"age {settings.get('age')!r} in the profile: give a number of years, e.g. age = 34") from None
    return Profile(sex or "female", age, life_stage, assumed=not given, sex_given=sex_given)


@cli.command("report")
@click.argument("diary", nargs=-1, required=True, type=click.Path(path_type=Path))
@profile_options
@click.option("--week", help="One ISO week, e.g. 2026-W47.")
@click.option("--from", "date_from", help="First day (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Last day (YYYY-MM-DD).")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default=None,
    help="Output format (default: from -o's suffix, else text).",
)
@click.option("-o", "--output", type=OutputPath(), help="Write the report to this file.")
@diary_options
def report_command(
    diary: tuple[Path, ...],
    sex,
    age,
    pregnant,
    lactating,
    profile_path,
    week,
    date_from,
    date_to,
    fmt,
    output,
    sheet,
    columns,
    dayfirst,
    first_day,
    nutrients_from,
    aliases_path,
    foods_path,
    person,
    accept_review,
    config_path,
    quiet,
) -> None:
    """Weekly intake report: totals against the DRIs, shortfalls next to the document's food sources.

    Several DIARY files of one person (a history exported a year at a time) are one diary.

    \b
    Example:
        nutri report examples/two-weeks.csv --sex female --age 34
        nutri report examples/two-weeks.csv --week 2026-W46 -o week.html
    """
    from nutri.pipeline import ReportSettings, render, weekly_report

    if week and (date_from or date_to):
        raise UsageError("--week and --from/--to exclude each other")
    start, end = _week_range(week) if week else (_parse_day(date_from, "--from"), _parse_day(date_to, "--to"))
    if start and end and start > end:
        raise UsageError(f"--from {start} is after --to {end}")
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = (
            {"htm": "html", "markdown": "md", "txt": "text"}.get(suffix, suffix)
            if suffix in ("html", "htm", "md", "markdown", "xlsx", "json", "txt")
            else "text"
        )
    if fmt == "xlsx" and not output:
        raise UsageError("--format xlsx needs -o FILE.xlsx")
    check_outputs({"-o": output}, *diary, aliases_path, foods_path, config_path, profile_path)
    config = load_config(config_path)
    profile = build_profile(sex, age, pregnant, lactating, profile_path, config)
    diary_read = read_one_person(diary, read_settings(sheet, columns, dayfirst, person, first_day))
    matched = run_matching(
        diary_read, match_settings(aliases_path, foods_path, config, nutrients_from, accept_review), quiet
    )
    report = weekly_report(matched, ReportSettings(profile, start, end))
    if not report["weeks"]:
        named = " + ".join(str(p) for p in diary)
        if start or end:
            raise UsageError(f"{named}: no dated entries to report in the chosen period")
        problem = matched.date_problem()  # day numbers of a food record, a date style nutri does not read
        raise UsageError(f"{named}: no dated entries to report" + (f"; {problem}" if problem else ""))
    colour = output is None and sys.stdout.isatty() and fmt == "text"
    emit(output, render(report, fmt, matched, colour=colour))
    if not quiet:
        click.echo(summary_line(matched), err=True)


@cli.command("cohort")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--person",
    "person_column",
    help="Header of the column of people (default: Person, Participant, SEQN...; else a person per file).",
)
@click.option(
    "--profiles",
    "profiles_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV, TSV or workbook with columns person,sex,age,pregnant,lactating (one row per person).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for person_weeks, person_days and the summary.",
)
@click.option("--parquet", is_flag=True, help="Write person_weeks/person_days as Parquet instead of CSV.")
@click.option(
    "--sheet",
    help="Workbook sheet to read (default: the one with a diary); '*': every sheet with a diary, a person each.",
)
@click.option("--columns", "columns", help="Header overrides, e.g. 'food=Item,date=When,amount=Qty'.")
@click.option(
    "--dayfirst",
    is_flag=True,
    default=None,
    help="Read ambiguous slash dates as D/M/YYYY (each file's own evidence wins).",
)
@click.option(
    "--first-day",
    help="The date of day 1 of food records dated by day numbers (Day 1, Day 2...), YYYY-MM-DD.",
)
@click.option(
    "--nutrients-from",
    type=click.Choice(["export", "table"]),
    default="export",
    show_default=True,
    help="Use an export's nutrient columns or compute all from foods.csv.",
)
@click.option(
    "--aliases",
    "aliases_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your aliases CSV (alias,food_id).",
)
@click.option("--foods", "foods_path", type=click.Path(dir_okay=False, path_type=Path), help="Your custom foods CSV.")
@click.option("--accept-review", is_flag=True, help="Count entries needing review at nutri's best guess.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def cohort_command(
    inputs,
    person_column,
    profiles_path,
    output,
    parquet,
    sheet,
    columns,
    dayfirst,
    first_day,
    nutrients_from,
    aliases_path,
    foods_path,
    accept_review,
    quiet,
) -> None:
    """Many people's diaries: per person-week verdicts, per person-day totals and a group summary.

    INPUTS are CSV, TSV, Parquet, XLSX or ODS files, MyFitnessPal printable diary pages, folders or
    globs. Needs the cohort extra (pip install "nutri-diary[cohort]").

    \b
    Example:
        nutri cohort study.csv --person Participant --profiles profiles.csv -o out/
        nutri cohort exports/ -o out/ --parquet
    """
    gc.enable()  # many people's diaries in one process: their garbage is collected as it goes (see main)
    from nutri.cohort import CohortSettings, run_cohort
    from nutri.cohort.output import DaysWriter, write_outputs
    from nutri.diary import parse_column_overrides

    settings = CohortSettings(person_column, profiles_path, sheet, parse_column_overrides(columns), dayfirst)
    settings = dataclasses.replace(
        settings,
        aliases=aliases_path,
        foods=foods_path,
        nutrients_from=nutrients_from,
        accept_review=accept_review,
        outputs=output,
        first_day=_parse_day(first_day, "--first-day"),
    )
    days = DaysWriter(output, parquet)  # each batch of people's days is written as soon as it is made
    # each step on a line of its own, on a terminal only (a large cohort takes minutes)
    say = None if quiet or not sys.stderr.isatty() else (lambda text: click.echo(f"nutri cohort: {text}...", err=True))
    try:
        result = run_cohort(list(inputs), settings, progress=say, on_days=days)
        if say:
            say(f"writing {output}")
        write_outputs(result, output, parquet, days)
    except BaseException:
        days.discard()
        raise
    if not quiet:
        from nutri.cohort.summary import rows_read

        stats = result.stats
        click.echo(
            f"{rows_read(stats)}; {stats['distinct_keys']:,} distinct entries matched; written to {output}", err=True
        )


def main() -> None:
    """The ``nutri`` command (and ``python -m nutri``)."""
    # One command is one pass over one diary, and what it loads lives to the end (pandas' modules, the
    # food tables, the match index, the frames): the cyclic collector walked them again and again and
    # found next to nothing, 0.08 s of a 50-row report and 0.14 s at 100k rows, with the same peak
    # memory at 100k and 1M rows, warm and cold (benchmarks/RESULTS.md). Reference counting still frees
    # every object not in a cycle. `nutri cohort` (many diaries in one process) switches it back on.
    gc.disable()
    # numpy starts OpenBLAS's thread pool as it loads, and the threads spin waiting for matrix work that
    # nutri never gives them (no BLAS call anywhere): 0.04 s CPU of a 50-row report, 0.06-0.1 s at 100k
    # rows (benchmarks/RESULTS.md). Set before numpy loads; a user's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        cli(prog_name="nutri")  # standalone: click always ends in SystemExit
    except SystemExit as done:
        leave(done.code)


def leave(code) -> None:
    """End the process once a command is done, without the interpreter's teardown, which frees every
    object one by one (the food tables, the match index, pandas' modules): about 0.1 s of a 50-row
    report and of a 100k-row one (benchmarks/RESULTS.md); the OS takes the memory back at once. The
    atexit handlers run and the output is flushed first. A message as the exit code, a flush that fails
    (a closed pipe) or a thread still running leaves the usual way."""
    import atexit
    import threading

    if not (code is None or isinstance(code, int)) or threading.active_count() > 1:
        raise SystemExit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        raise SystemExit(code) from None
    os._exit(code or 0)
