"""Plain-text report (terminal) and Markdown report share one layout."""

from __future__ import annotations

from nutri.assess import Status
from nutri.nutrients import ENERGY, ENTRY_NUTRIENTS, NUTRIENT_BY_KEY
from nutri.report.model import DataQuality, Day, NutrientAssessment, Period, ProblemRow, Report
from nutri.report.summary import fmt


def status_class(status: str) -> str:
    """bad | ok | warn, for colouring an assessment in any format."""
    if status in ("likely inadequate", "above UL"):
        return "bad"
    if status in ("likely adequate", "adequate (at or above AI)"):
        return "ok"
    return "warn"


ANSI = {"bad": "31", "ok": "32", "warn": "33"}


# the day tables of every format: energy first, then each per-entry nutrient of the registry
DAY_NUTRIENTS = [n for n in ENTRY_NUTRIENTS if n is not ENERGY]
DAY_HEADERS = ["kcal", *(f"{n.short or n.label} {n.unit}" for n in DAY_NUTRIENTS)]


def day_cells(day: Day, incomplete_mark: str) -> list[str]:
    """A logged day's energy (marked when the day is likely incomplete) and nutrients, formatted."""
    kcal = fmt(day.value(ENERGY.column), 0) + ("" if day.complete else incomplete_mark)
    return [kcal, *(fmt(day.value(n.column), n.decimals) for n in DAY_NUTRIENTS)]


def _table(headers: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        escape = lambda c: str(c).replace("|", "\\|")
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
        return lines
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = lambda cells: "  ".join(
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
    ).rstrip()
    return [line(headers), "  ".join("-" * w for w in widths), *[line(r) for r in rows]]


def _period_lines(period: Period, markdown: bool, colour) -> list[str]:
    h = "###" if markdown else ""
    title = f"{period.title} ({period.start} to {period.end})"
    out = [f"{'## ' if markdown else ''}{title}"]
    if not markdown:
        out.append("=" * len(title))
    out.append(
        f"Days logged: {period.days_logged} of {period.days_logged + period.days_not_logged} ({period.days_not_logged} not logged)"
    )
    out.append(energy_words(period))
    out.append("")
    rows = [
        [
            n.label,
            f"{fmt(n.daily_average)} {n.unit}",
            f"{fmt(n.target)} {n.unit}",
            fmt(n.percent_rda, 0) + "%" if n.percent_rda is not None else "-",
            f"{n.days_below}/{n.days_logged}",
            fmt(100 * n.coverage, 0) + "%" if n.coverage is not None else "-",
            colour(n.status.value),
        ]
        for n in period.nutrients.values()
    ]
    out += _table(["Nutrient", "Daily avg", "RDA/AI", "% RDA", "Days below", "Coverage", "Assessment"], rows, markdown)
    out.append("")
    out += _lifestyle_lines(period, h)
    out += _day_lines(period, h, markdown)
    out += _meal_lines(period, h, markdown)
    for n in period.nutrients.values():
        if n.top_foods:
            tops = "; ".join(f"{t.food} {fmt(t.amount)} {n.unit} ({t.share:.0%})" for t in n.top_foods[:3])
            out.append(f"- Top {n.label} sources: {tops}")
    out.append("")
    out += _above_ul_lines(period, h)
    readings = [other_reading_sentence(n) for n in period.nutrients.values()]
    out += [f"- {sentence}" for sentence in readings if sentence] + ([""] if any(readings) else [])
    for n in period.nutrients.values():
        if n.shortfall or n.status is Status.INSUFFICIENT:
            out += _advice_lines(n, h)
    return out


def _lifestyle_lines(period: Period, h: str) -> list[str]:
    life = period.lifestyle
    caffeine, alcohol, water = life.caffeine, life.alcohol, life.water
    return [
        f"{h} Lifestyle factors".strip(),
        f"- Caffeine: {fmt(caffeine.daily_average, 0)} mg/day average (limit {caffeine.limit:g} mg/day for "
        f"{caffeine.basis}; {caffeine.days_over} day(s) over)",
        f"- Alcohol: {fmt(alcohol.daily_average)} g/day = {fmt(alcohol.standard_drinks_per_day)} standard drinks "
        f"of 14 g (limit {fmt(alcohol.limit_g, 0)} g; {alcohol.days_over} day(s) over). {alcohol.basis}",
        f"- Water from food and drinks: {fmt(water.daily_average, 0)} g/day (AI {fmt(water.ai, 0)} g total water)",
        "",
    ]


def _day_lines(period: Period, h: str, markdown: bool) -> list[str]:
    out = [f"{h} Days".strip()]
    day_rows = []
    for d in period.days:
        if not d.logged:
            day_rows.append([d.date.isoformat(), "not logged"] + [""] * len(DAY_HEADERS))
        else:
            # a likely incomplete day is shown, marked, and left out of the assessment
            day_rows.append([d.date.isoformat(), str(d.entries), *day_cells(d, " *")])
    out += _table(["Date", "Entries", *DAY_HEADERS], day_rows, markdown)
    if any(d.logged and not d.complete for d in period.days):
        out.append("* likely incomplete (energy far below a plausible day): shown, left out of the assessment")
    out.append("")
    return out


def _meal_lines(period: Period, h: str, markdown: bool) -> list[str]:
    """Which meal supplies each nutrient: the meals' shares of the period's counted totals."""
    if not period.meals:
        return []
    columns = [ENERGY, *(NUTRIENT_BY_KEY[k] for k in period.nutrients)]
    headers = ["Meal", *(n.short or n.label for n in columns)]
    rows = [
        [meal.meal, *("-" if meal.shares.get(n.column) is None else f"{meal.shares[n.column]:.0%}" for n in columns)]
        for meal in period.meals
    ]
    out = [f"{h} Which meal supplies it (share of what was counted)".strip()]
    return out + _table(headers, rows, markdown) + [""]


def gap_words(n: NutrientAssessment) -> str:
    """'below target by 82.6 mg/day'; a gap too small to round shows its own digits, never '0.0'."""
    gap = n.advice.gap
    if gap is None:
        return "below target"
    digits = 1 if gap >= 0.1 else 2 if gap >= 0.01 else 3
    return f"below target by {fmt(gap, digits)} {n.unit}/day"


def _advice_lines(n: NutrientAssessment, h: str) -> list[str]:
    """A shortfall's (or an open verdict's) food sources, gap closers and what was left out."""
    advice = n.advice
    if n.shortfall:
        out = [f"{h} {n.label}: {gap_words(n)}".strip()]
    else:
        out = [f"{h} {n.label}: insufficient data (coverage {fmt(100 * (n.coverage or 0), 0)}%)".strip()]
    for source in advice.sources:
        if source.advice:
            out.append(f"- {source.category}: {source.advice}")
            continue
        foods = "; ".join(
            f"{f.food}, {f.portion}: {fmt(f.amount)} {n.unit}"
            f"{' (in your diary)' if f.in_diary else ''}{' [see note]' if f.note else ''}"
            for f in source.foods
        )
        empty = "none for this profile (see below)" if source.left_out else "no food in the table"
        out.append(f"- {source.category}: {foods or empty}")
        out += [f"  Note on {f.food}: {f.note}" for f in source.foods if f.note]
    for closer in advice.gap_closers:
        own = " (in your diary)" if closer.in_diary else ""
        out.append(
            f"  Gap closer: {closer.amount_text or closer.portion} of {closer.food} a day adds {fmt(closer.adds)} {n.unit}{own}"
        )
    if advice.closer_note:
        out.append(f"  {advice.closer_note}")
    for w in advice.withheld:
        out.append(f"  Left out for this profile ({'; '.join(w.foods)}): {w.reason}")
    out += [f"  {line}" for line in advice.advice or ()]
    out.append("")
    return out


def other_reading_sentence(n: NutrientAssessment) -> str | None:
    """When a supplement dose read the other way (compound vs elemental) would change the verdict."""
    other = n.other_reading
    if not other:
        return None
    doses = "; ".join(other.entries) or "a supplement"
    return (
        f"{n.label}: the verdict depends on how a dose is read ({doses}). As read: {n.status.value}, "
        f"{fmt(n.daily_average)} {n.unit}/day; read the other way (compound weight vs elemental): "
        f"{other.status.value}, {fmt(other.daily_average)} {n.unit}/day. The label's elemental amount "
        '("as ..." or "elemental") settles it; see Supplements in the README.'
    )


def _above_ul_lines(period: Period, h: str) -> list[str]:
    """Each nutrient above its UL: the UL, its scope and what to do."""
    out = []
    for n in period.nutrients.values():
        over = n.above_ul
        if over:
            out.append(f"{h} {n.label}: above the UL".strip())
            out.append(
                f"- {fmt(over.intake)} {n.unit}/day against a UL of {fmt(over.ul)} {n.unit}/day; "
                f"the UL counts {over.scope}."
            )
            out.append(f"- {over.advice}")
            out.append("")
    return out


def _symptom_lines(report: Report, markdown: bool) -> list[str]:
    """The source document's symptoms, once per report, with its advice to consult a healthcare provider beside them."""
    if not report.symptoms:
        return []
    out = [("## " if markdown else "") + "Symptoms the source document links with low intake"]
    out += [f"- {s.label}: {', '.join(s.symptoms).lower()}." for s in report.symptoms if s.symptoms]
    out += [f"- {report.consult}", ""]
    return out


def _more(item: ProblemRow) -> str:
    return f" (+{item.rows - 1} more)" if item.rows > 1 else ""


def has_problems(q: DataQuality) -> bool:
    """Whether the data-quality block is shown: something uncounted or a row listed as a problem."""
    return bool(
        q.uncounted.uncounted
        or q.needs_review
        or q.unmatched
        or q.invalid
        or any(any(v) for v in q.unknown_values.values())
        or any(any(v) for v in q.unknown_app_values.values())
    )


def unknown_value_lines(q: DataQuality) -> list[str]:
    """Per nutrient, the foods the food table has no value for, and the entries counted from an app's own
    values that give none (not counted, never taken as zero)."""
    lines = [
        f"{NUTRIENT_BY_KEY[key].label}: no value in the food table for {'; '.join(f for f in foods if f)}"
        for key, foods in q.unknown_values.items()
        if any(foods) and key in NUTRIENT_BY_KEY
    ]
    return lines + [
        f"{NUTRIENT_BY_KEY[key].label}: the app's export gives no value for {'; '.join(repr(t) for t in texts if t)}"
        for key, texts in q.unknown_app_values.items()
        if any(texts) and key in NUTRIENT_BY_KEY
    ]


def summary_heading(report: Report) -> str:
    summary = report.summary
    if summary is None or summary.period == "whole period" or not report.weeks:
        return "Summary"
    return f"Summary (week {summary.period})"


def energy_words(period: Period, total: bool = True) -> str:
    """'Energy: 1,850 kcal/day on average over 5 complete days (9,250 kcal logged in the week)'."""
    days = period.days_complete
    if period.energy_kcal is None:
        return "Energy: unknown (no complete day with energy counted)"
    text = (
        f"Energy: {fmt(period.energy_kcal, 0)} kcal/day on average over {days} complete day{'s' if days != 1 else ''}"
    )
    if total and period.energy_kcal_total is not None:
        where = "the period" if period.whole else "the week"
        text += f" ({fmt(period.energy_kcal_total, 0)} kcal logged in {where})"
    return text


def _summary_lines(report: Report, markdown: bool, colour) -> list[str]:
    """The answer per nutrient, why, and at most three actions: the first screen of the report."""
    summary = report.summary
    if summary is None:
        return []
    out = [("## " if markdown else "") + summary_heading(report)]
    if not markdown:
        out.append("=" * len(out[0]))
    period = report.whole_period or (report.weeks[0] if report.weeks else None)
    if period is not None:
        out.append(energy_words(period, total=False))
    for item in summary.items:
        out.append(
            f"{'- **' if markdown else ''}{item.label}: {colour(item.answer, item.status.value)}"
            f"{'**' if markdown else ''}. {item.why}"
        )
        out += [f"  - {action.text}" for action in item.actions]
    out.append("")
    return out


def _data_quality_lines(q: DataQuality, markdown: bool) -> list[str]:
    out = [("## " if markdown else "") + "Data quality"]
    c = q.counts
    out.append(
        f"Rows: {q.rows}; matched {c['matched']}, needs review {c['needs_review']}, unmatched {c['unmatched']}, skipped {c['skipped']}, invalid {c['invalid']}"
    )
    for kind, items in (("needs review", q.needs_review), ("unmatched", q.unmatched), ("invalid", q.invalid)):
        out += [f"- {item.where}{_more(item)} {kind}: {item.input!r}: {item.note}" for item in items[:10]]
    out += [f"- {line}" for line in unknown_value_lines(q)]
    out.append("")
    return out


def _closing_lines(report: Report, markdown: bool) -> list[str]:
    """The document's lifestyle factors, the notes and the sources: the end of every report."""
    head = "## " if markdown else ""
    out = [head + "Lifestyle factors from the source document"]
    out += [f"- {f.factor.capitalize()}: {f.text}" for f in report.lifestyle_factors]
    out += [f"- {report.consult}", "", head + "Notes and sources"]
    out += [f"- {n}" for n in report.notes]
    s = report.sources
    out.append(f"- Foods: {s.foods}")
    out.append(f"- DRIs: {s.dri_source}")
    out.append(f"- nutri {s.nutri}; input {s.input_file} (SHA-256 {s.input_sha256})")
    return out


def render_text(report: Report, markdown: bool = False, colour_on: bool = False) -> str:
    def colour(text: str, status: str | None = None) -> str:
        if not colour_on:
            return text
        return f"\033[{ANSI[status_class(status or text)]}m{text}\033[0m"

    p = report.profile
    out = [("# " if markdown else "") + "nutri intake report", ""]
    out.append(f"Profile: {p.description}" + (" (assumed: no profile given; pass --sex/--age)" if p.assumed else ""))
    out.append(f"Period: {_day_text(report.period.start)} to {_day_text(report.period.end)}")
    out.append(report.disclaimer)
    uncounted = report.data_quality.uncounted.sentence
    if uncounted:  # the warning stays at the top; the list follows the summary
        out.append(f"Data quality: {uncounted}; the list follows the summary.")
    out.append("")
    out += _summary_lines(report, markdown, colour)
    if has_problems(report.data_quality):
        out += _data_quality_lines(report.data_quality, markdown)
    for week in report.weeks:
        out += _period_lines(week, markdown, colour)
    for gap in report.gaps:
        out.append(f"- {gap.text.capitalize()} ({gap.days} days; not counted as zero).")
    if report.gaps:
        out.append("")
    if report.whole_period:
        out += _period_lines(report.whole_period, markdown, colour)
    out += _symptom_lines(report, markdown)
    out += _closing_lines(report, markdown)
    text = "\n".join(out) + "\n"
    if markdown:
        # Markdown viewers render raw HTML, images and links: user text must stay text
        from nutri.report.safe import markdown_inert

        text = markdown_inert(text)
    return text


def _day_text(day) -> str:
    return day.isoformat() if day is not None else "None"


def render(report: Report, colour: bool = False) -> bytes:
    """The plain-text report (terminal)."""
    return render_text(report, markdown=False, colour_on=colour).encode("utf-8")


def render_markdown(report: Report) -> bytes:
    """The Markdown report: the text layout with headings and tables, user text inert."""
    return render_text(report, markdown=True).encode("utf-8")
