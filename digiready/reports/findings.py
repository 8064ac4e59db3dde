"""Section: main findings of the field study: maturity overall and by area, levels, and the
gaps between groups of businesses (each breakdown protected by the small-group rule)."""
from __future__ import annotations

from digiready import disclosure
from digiready.reports import charts
from digiready.reports.common import economy_name, labels, pct, shown
from digiready.reports.model import NO_DATA, SUPPRESSED, Figure, Paragraph, Report, Section, Table

GAP_BREAKDOWNS = [("gender", "gender of owner/manager"), ("size", "size"), ("sector", "sector"),
                  ("age_band", "age band of owner/manager"), ("area", "area"),
                  ("legal_form", "legal form")]
GENDER_WORDS = {"woman": "women-led", "man": "men-led"}


def findings_section(report: Report, inputs, number: str, *, within: Section | None = None
                     ) -> Section:
    """The full section (needs assessment), or with ``within`` its brief version (final
    report): the same figures, area means side by side instead of one chart per economy,
    and of the gaps between groups only gender and cooperatives."""
    title = f"{number} Main findings".strip()
    sec = within.sub("findings", title) if within else report.section("findings", title)
    brief = within is not None
    pack = next(iter(inputs.packs.values()))
    rows = []
    for e in inputs.economies:
        d = inputs.data[e]
        rows.append([economy_name(e), d.n, d.mean_overall(), d.median_overall()])
        report.facts[f"{e}.responses"] = d.n
        report.facts[f"{e}.mean_overall"] = d.mean_overall()
    sec.add(Table("overall", "Overall digital maturity score (0-100)",
                  ["Economy", "Businesses", "Mean", "Median"], rows))
    sub = sec.sub("findings-dimensions", "Maturity by area") if not brief else sec
    if brief:
        dims = pack.dimensions
        table_rows = []
        for dim in dims:
            row = [dim.title]
            for e in inputs.economies:
                means = inputs.data[e].dimension_means()
                mean = means.get(dim.id, (0, None))[1]
                report.facts[f"{e}.dim.{dim.id}"] = mean
                row.append(shown(mean, mean is None and dim.id in means))
            table_rows.append(row)
        sub.add(Table("dims", "Mean score by area (0-100)",
                      ["Area", *[economy_name(e) for e in inputs.economies]], table_rows))
    for e in [] if brief else inputs.economies:
        means = inputs.data[e].dimension_means()
        dims = inputs.packs[e].dimensions
        points = [(dim.title, means[dim.id][1]) for dim in dims
                  if dim.id in means and means[dim.id][1] is not None]
        title = f"Mean score by area, {economy_name(e)} (0-100)"
        table = Table(f"dims-{e}", title, ["Area", "Businesses scored", "Mean score"],
                      [[dim.title, means.get(dim.id, (0, None))[0],
                        shown(means.get(dim.id, (0, None))[1],
                              means.get(dim.id, (0, None))[1] is None)] for dim in dims])
        for dim in dims:
            report.facts[f"{e}.dim.{dim.id}"] = means.get(dim.id, (0, None))[1]
        sub.add(Figure(f"fig-dims-{e}", title,
                       charts.bar_chart_svg(points, title=title, chart_id=f"dims-{e}"),
                       f"Bar chart. {title}: " + "; ".join(f"{t} {v:.1f}" for t, v in points)
                       + ".", table))
        if points:
            weakest = min(points, key=lambda p: p[1])
            strongest = max(points, key=lambda p: p[1])
            sub.add(Paragraph(f"In {economy_name(e)} the weakest area is {weakest[0]} "
                              f"({weakest[1]:.1f}) and the strongest is {strongest[0]} "
                              f"({strongest[1]:.1f})."))
    sub = sec.sub("findings-levels", "Level distribution") if not brief else sec
    levels = [(lv.id, lv.title) for lv in pack.levels]
    rows_svg, rows = [], []
    for e in inputs.economies:
        d = inputs.data[e]
        counts = d.level_counts()
        hidden = disclosure.protect({lid: counts.get(lid, 0) for lid, _t in levels}, d.min_cell)
        shares = [pct(counts.get(lid, 0), d.n) or 0.0 for lid, _t in levels]
        # Hidden levels are drawn as one segment: their sum is 100 % minus the levels shown,
        # which the protection keeps at k businesses or more.
        rows_svg.append((economy_name(e),
                         [0.0 if lid in hidden else v for (lid, _t), v in zip(levels, shares,
                                                                              strict=True)]
                         + [round(sum(v for (lid, _t), v in zip(levels, shares, strict=True)
                                      if lid in hidden), 1)]))
        for (lid, level_title), s in zip(levels, shares, strict=True):
            rows.append([economy_name(e), level_title, shown(counts.get(lid, 0), lid in hidden),
                         shown(s, lid in hidden)])
            report.facts[f"{e}.level.{lid}"] = None if lid in hidden else s
    titles = [t for _l, t in levels] + ["Suppressed levels (combined)"]
    title = "Distribution of businesses by maturity level (%)"
    columns = ["Economy", "Level", "Businesses", "Share (%)"]
    sub.add(Figure("fig-levels", title,
                   charts.stacked_bars_svg(rows_svg, titles, title=title, chart_id="levels"),
                   "Stacked bar chart. " + "; ".join(
                       f"{label}: " + ", ".join(f"{t} {v:.1f}%" for t, v in zip(titles, vals,
                                                                               strict=True))
                       for label, vals in rows_svg) + ".",
                   Table("levels", title, columns, rows)))
    published = [r for r in inputs.indicators if r.code.startswith("MATURITY.")
                 and r.value is not None]
    if published:
        sub.add(Paragraph("For comparison, published maturity distributions: " + "; ".join(
            f"{economy_name(r.economy)}: {r.name} {r.value:g} {r.unit} "
            f"({r.year or 'year not stated'})" for r in published)
            + ". Sources are listed in the indicators annex."))
    barriers_table(report, inputs, sec, brief=brief)
    sub = sec.sub("findings-gaps", "Gaps between groups of businesses") if not brief else sec
    sub.add(Paragraph(
        f"Mean overall score by group. Groups with fewer than {inputs.min_cell} businesses are "
        "suppressed, and so is the next smallest group with them, so that no hidden group can "
        "be computed from the economy's total and the groups shown. The number of businesses "
        "in each group is in the annex sheets gap-<breakdown>-<economy>."))
    gender_points = []
    for key, what in GAP_BREAKDOWNS:
        if brief and key not in ("gender", "legal_form"):
            continue
        names = labels(pack, key)
        means: dict[str, dict[str, object]] = {}
        for e in inputs.economies:
            groups = inputs.data[e].groups(key)
            if not groups:
                continue
            for g in groups:
                report.facts[f"{e}.{key}.{g.label}"] = g.mean
                means.setdefault(names.get(g.label, g.label), {})[e] = shown(g.mean, g.suppressed)
            report.to_annex(Table(
                f"gap-{key}-{e}", f"Mean score by {what}, {economy_name(e)}",
                [what.capitalize(), "Businesses", "Mean score"],
                [[names.get(g.label, g.label), shown(g.n, g.suppressed),
                  shown(g.mean, g.suppressed)] for g in groups]))
            if key == "gender":
                by = {g.label: g.mean for g in groups if g.mean is not None}
                gender_points += [(f"{economy_name(e)}: {GENDER_WORDS[g]}", by[g])
                                  for g in ("woman", "man") if g in by]
        if not means:
            continue
        table = Table(f"gaps-{key}", f"Mean score by {what} (0-100)",
                      [what.capitalize(), *[economy_name(e) for e in inputs.economies]],
                      [[group, *[by.get(e, "–") for e in inputs.economies]]
                       for group, by in means.items()],
                      notes="–: no business of this group in the economy.")
        if key == "gender" and gender_points:
            title = "Mean score of women-led and men-led businesses (0-100)"
            sub.add(Figure("fig-gap-gender", title,
                           charts.bar_chart_svg(gender_points, title=title,
                                                chart_id="gap-gender"),
                           f"Bar chart. {title}: " + "; ".join(
                               f"{t} {v:.1f}" for t, v in gender_points) + ".", table))
        elif not brief:
            sub.add(table)
        for e in inputs.economies:
            groups = inputs.data[e].groups(key)
            if key == "gender":
                by = {g.label: g.mean for g in groups if g.mean is not None}
                if "woman" in by and "man" in by:
                    gap = round(by["man"] - by["woman"], 1)
                    report.facts[f"{e}.gender_gap"] = gap
            if key == "legal_form":
                coop = next((g for g in groups if g.label == "cooperative"), None)
                if coop is not None:
                    report.facts[f"{e}.cooperatives"] = (None if coop.suppressed
                                                         else (coop.n, coop.mean))
        if key == "gender":
            said = [f"{economy_name(e)} {report.facts[f'{e}.gender_gap']:+.1f}"
                    for e in inputs.economies if report.facts.get(f"{e}.gender_gap") is not None]
            if said:
                sub.add(Paragraph(
                    "Gap between men-led and women-led businesses (men's mean minus women's, "
                    "points; mean of each business's first diagnostic): " + "; ".join(said)
                    + "."))
        if key == "legal_form":
            said = [f"{economy_name(e)}: " + (
                f"{c[0]} businesses, mean score {c[1]:.1f}" if c is not None else
                f"too few to report ({SUPPRESSED})")
                for e in inputs.economies
                if (c := report.facts.get(f"{e}.cooperatives", False)) is not False]
            if said:
                sub.add(Paragraph("Cooperatives (a target group): " + "; ".join(said) + "."))
    return sec


def barriers_table(report: Report, inputs, sec: Section, *, brief: bool = False) -> None:
    """What holds businesses back (the questionnaire's barriers question), by economy: the
    share of those asked naming each barrier (several may be named, so shares are not
    additive and only small counts are hidden)."""
    from digiready.reports.advice import NOT_COLLECTED, barrier_question

    sub = sec.sub("findings-barriers", "Barriers to using more digital tools") if not brief else sec
    question = barrier_question(next(iter(inputs.packs.values())))
    if question is None:
        sub.add(Paragraph(f"Barriers (cost, skills, trust, connectivity): {NOT_COLLECTED} — "
                          "the questionnaire of these data does not ask."))
        return
    options = list(question.options)
    rows = {o.id: [o.label] for o in options}
    asked_row = ["Businesses asked"]
    for e in inputs.economies:
        d = inputs.data[e]
        values = [r.answers.get(question.id) for r in d.responses]
        values = [v if isinstance(v, list) else [v] for v in values if v is not None]
        asked = len(values)
        asked_row.append(shown(asked, disclosure.is_small(asked, d.min_cell)))
        for o in options:
            n = sum(1 for v in values if o.id in v)
            small = disclosure.is_small(n, d.min_cell) or disclosure.is_small(asked, d.min_cell)
            rows[o.id].append(NO_DATA if not asked else shown(pct(n, asked), small))
            report.facts[f"{e}.barrier.{o.id}"] = None if small or not asked else pct(n, asked)
    sub.add(Table("barriers", f"Barriers named: {question.text} (% of the businesses asked)",
                  ["Barrier", *[economy_name(e) for e in inputs.economies]],
                  [asked_row, *rows.values()],
                  notes="Several barriers may be named. Asked of the businesses whose "
                        "questionnaire held the question (version 1.1 of the questionnaire "
                        "onwards)."))
