"""Plain-text report (terminal) and Markdown report share one layout."""

from __future__ import annotations

from nutri.nutrients import ENERGY, ENTRY_NUTRIENTS


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


def day_cells(day: dict, incomplete_mark: str) -> list[str]:
    """A logged day's energy (marked when the day is likely incomplete) and nutrients, formatted."""
    kcal = fmt(day[ENERGY.column], 0) + ("" if day["complete"] else incomplete_mark)
    return [kcal, *(fmt(day[n.column], n.decimals) for n in DAY_NUTRIENTS)]


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


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


def _period_lines(period: dict, markdown: bool, colour) -> list[str]:  # noqa: C901 - one period's text layout; the typed report model (issue 13) replaces it
    h = "###" if markdown else ""
    out = []
    title = (
        f"Week {period['week']} ({period['start']} to {period['end']})"
        if period["week"] != "whole period"
        else f"Whole period ({period['start']} to {period['end']})"
    )
    out.append(f"{'## ' if markdown else ''}{title}")
    if not markdown:
        out.append("=" * len(title))
    out.append(
        f"Days logged: {period['days_logged']} of {period['days_logged'] + period['days_not_logged']} ({period['days_not_logged']} not logged)"
    )
    out.append("")
    rows = []
    for n in period["nutrients"].values():
        target = n["rda"] if n["rda"] is not None else n["ai"]
        rows.append(
            [
                n["label"],
                f"{fmt(n['daily_average'])} {n['unit']}",
                f"{fmt(target)} {n['unit']}",
                fmt(n["percent_rda"], 0) + "%" if n["percent_rda"] is not None else "-",
                f"{n['days_below']}/{n['days_logged']}",
                fmt(100 * n["coverage"], 0) + "%" if n["coverage"] is not None else "-",
                colour(n["status"]),
            ]
        )
    out += _table(["Nutrient", "Daily avg", "RDA/AI", "% RDA", "Days below", "Coverage", "Assessment"], rows, markdown)
    out.append("")
    life = period["lifestyle"]
    out.append(f"{h} Lifestyle factors".strip())
    caffeine, alcohol = life["caffeine"], life["alcohol"]
    out.append(
        f"- Caffeine: {fmt(caffeine['daily_average'], 0)} mg/day average (limit {caffeine['limit']:g} mg/day for "
        f"{caffeine['basis']}; {caffeine['days_over']} day(s) over)"
    )
    out.append(
        f"- Alcohol: {fmt(alcohol['daily_average'])} g/day = {fmt(alcohol['standard_drinks_per_day'])} standard drinks "
        f"of 14 g (limit {fmt(alcohol['limit_g'], 0)} g; {alcohol['days_over']} day(s) over). {alcohol['basis']}"
    )
    out.append(
        f"- Water from food and drinks: {fmt(life['water']['daily_average'], 0)} g/day (AI {fmt(life['water']['ai'], 0)} g total water)"
    )
    out.append("")
    out.append(f"{h} Days".strip())
    day_rows = []
    for d in period["days"]:
        if not d["logged"]:
            day_rows.append([d["date"], "not logged"] + [""] * len(DAY_HEADERS))
        else:
            # a likely incomplete day is shown, marked, and left out of the assessment
            day_rows.append([d["date"], str(d["entries"]), *day_cells(d, " *")])
    out += _table(["Date", "Entries", *DAY_HEADERS], day_rows, markdown)
    if any(d["logged"] and not d["complete"] for d in period["days"]):
        out.append("* likely incomplete (energy far below a plausible day): shown, left out of the assessment")
    out.append("")
    for n in period["nutrients"].values():
        if n["top_foods"]:
            tops = "; ".join(
                f"{t['food']} {fmt(t['amount'])} {n['unit']} ({t['share']:.0%})" for t in n["top_foods"][:3]
            )
            out.append(f"- Top {n['label']} sources: {tops}")
    out.append("")
    out += _above_ul_lines(period, h)
    readings = [other_reading_sentence(n) for n in period["nutrients"].values()]
    out += [f"- {sentence}" for sentence in readings if sentence] + ([""] if any(readings) else [])
    for n in period["nutrients"].values():
        if not (n["shortfall"] or n["status"] == "insufficient data"):
            continue
        if n["shortfall"]:
            out.append(f"{h} {n['label']}: below target by {fmt(n['gap'])} {n['unit']}/day".strip())
        else:
            out.append(f"{h} {n['label']}: insufficient data (coverage {fmt(100 * (n['coverage'] or 0), 0)}%)".strip())
        for source in n["sources"]:
            if source.get("advice"):
                out.append(f"- {source['category']}: {source['advice']}")
                continue
            foods = "; ".join(
                f"{f['food']}, {f['portion']}: {fmt(f['amount'])} {n['unit']}"
                f"{' (in your diary)' if f['in_diary'] else ''}{' [see note]' if f.get('note') else ''}"
                for f in source["foods"]
            )
            empty = "none for this profile (see below)" if source.get("left_out") else "no food in the table"
            out.append(f"- {source['category']}: {foods or empty}")
            out += [f"  Note on {f['food']}: {f['note']}" for f in source["foods"] if f.get("note")]
        for closer in n["gap_closers"]:
            out.append(
                f"  Gap closer: {closer['portions']:g} x {closer['portion']} of {closer['food']} adds {fmt(closer['adds'])} {n['unit']}"
            )
        for w in n.get("withheld", []):
            out.append(f"  Left out for this profile ({'; '.join(w['foods'])}): {w['reason']}")
        for advice in n.get("advice", []):
            out.append(f"  {advice}")
        out.append("")
    return out


def other_reading_sentence(n: dict) -> str | None:
    """When a supplement dose read the other way (compound vs elemental) would change the verdict."""
    other = n.get("other_reading")
    if not other:
        return None
    doses = "; ".join(other["entries"]) or "a supplement"
    return (
        f"{n['label']}: the verdict depends on how a dose is read ({doses}). As read: {n['status']}, "
        f"{fmt(n['daily_average'])} {n['unit']}/day; read the other way (compound weight vs elemental): "
        f"{other['status']}, {fmt(other['daily_average'])} {n['unit']}/day. The label's elemental amount "
        '("as ..." or "elemental") settles it; see Supplements in the README.'
    )


def _above_ul_lines(period: dict, h: str) -> list[str]:
    """Each nutrient above its UL: the UL, its scope and what to do."""
    out = []
    for n in period["nutrients"].values():
        over = n.get("above_ul")
        if over:
            out.append(f"{h} {n['label']}: above the UL".strip())
            out.append(
                f"- {fmt(over['intake'])} {n['unit']}/day against a UL of {fmt(over['ul'])} {n['unit']}/day; "
                f"the UL counts {over['scope']}."
            )
            out.append(f"- {over['advice']}")
            out.append("")
    return out


def _symptom_lines(report: dict, markdown: bool) -> list[str]:
    """The source document's symptoms, once per report, with its advice to consult a healthcare provider beside them."""
    if not report.get("symptoms"):
        return []
    out = [("## " if markdown else "") + "Symptoms the source document links with low intake"]
    out += [f"- {s['label']}: {', '.join(s['symptoms']).lower()}." for s in report["symptoms"] if s["symptoms"]]
    out += [f"- {report['consult']}", ""]
    return out


def _more(item: dict) -> str:
    return f" (+{item['rows'] - 1} more)" if item.get("rows", 1) > 1 else ""


def render(report: dict, markdown: bool = False, colour_on: bool = False) -> str:
    def colour(status: str) -> str:
        if not colour_on:
            return status
        return f"\033[{ANSI[status_class(status)]}m{status}\033[0m"

    p = report["profile"]
    out = [("# " if markdown else "") + "nutri intake report", ""]
    profile_line = f"Profile: {p['description']}" + (
        " (assumed: no profile given; pass --sex/--age)" if p["assumed"] else ""
    )
    out.append(profile_line)
    out.append(f"Period: {report['period']['start']} to {report['period']['end']}")
    out.append(report["disclaimer"])
    uncounted = report["data_quality"]["uncounted"]["sentence"]
    if uncounted:
        out.append(f"Data quality: {uncounted}; see the list at the end.")
    out.append("")
    for week in report["weeks"]:
        out += _period_lines(week, markdown, colour)
    for gap in report.get("gaps", []):
        out.append(f"- {gap['text'].capitalize()} ({gap['days']} days; not counted as zero).")
    if report.get("gaps"):
        out.append("")
    if report.get("whole_period"):
        out += _period_lines(report["whole_period"], markdown, colour)
    out += _symptom_lines(report, markdown)
    q = report["data_quality"]
    out.append(("## " if markdown else "") + "Data quality")
    c = q["counts"]
    out.append(
        f"Rows: {q['rows']}; matched {c['matched']}, needs review {c['needs_review']}, unmatched {c['unmatched']}, skipped {c['skipped']}, invalid {c['invalid']}"
    )
    for item in q["needs_review"][:10]:
        out.append(f"- row {item['row']}{_more(item)} needs review: {item['input']!r}: {item['note']}")
    for item in q["unmatched"][:10]:
        out.append(f"- row {item['row']}{_more(item)} unmatched: {item['input']!r}: {item['note']}")
    for item in q["invalid"][:10]:
        out.append(f"- row {item['row']}{_more(item)} invalid: {item['input']!r}: {item['note']}")
    out.append("")
    out.append(("## " if markdown else "") + "Lifestyle factors from the source document")
    out += [f"- {f['factor'].capitalize()}: {f['text']}" for f in report["lifestyle_factors"]]
    out.append(f"- {report['consult']}")
    out.append("")
    out.append(("## " if markdown else "") + "Notes and sources")
    out += [f"- {n}" for n in report["notes"]]
    s = report["sources"]
    out.append(f"- Foods: {s['foods']}")
    out.append(f"- DRIs: {s['dri_source']}")
    out.append(f"- nutri {s['nutri']}; input {s['input_file']} (SHA-256 {s['input_sha256']})")
    text = "\n".join(out) + "\n"
    if markdown:
        # Markdown viewers render raw HTML, images and links: user text must stay text
        from nutri.report.safe import markdown_inert

        text = markdown_inert(text)
    return text
