"""Section: main findings of the field study: maturity overall and by area, levels, and the
gaps between groups of businesses (each breakdown protected by the small-group rule)."""
from __future__ import annotations

from digiready import disclosure
from digiready.reports import charts
from digiready.reports.common import economy_name, labels, pct, shown
from digiready.reports.model import SUPPRESSED, Figure, Paragraph, Report, Section, Table


def findings_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("findings", f"{number} Main findings")
    pack = next(iter(inputs.packs.values()))
    rows = []
    for e in inputs.economies:
        d = inputs.data[e]
        rows.append([economy_name(e), d.n, d.mean_overall(), d.median_overall()])
        report.facts[f"{e}.responses"] = d.n
        report.facts[f"{e}.mean_overall"] = d.mean_overall()
    sec.add(Table("overall", "Overall digital maturity score (0-100)",
                  ["Economy", "Businesses", "Mean", "Median"], rows))
    sub = sec.sub("findings-dimensions", "Maturity by area")
    for e in inputs.economies:
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
    sub = sec.sub("findings-levels", "Level distribution")
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
    sub = sec.sub("findings-gaps", "Gaps between groups of businesses")
    sub.add(Paragraph(
        f"Mean overall score by group. Groups with fewer than {inputs.min_cell} businesses are "
        "suppressed, and so is the next smallest group with them, so that no hidden group can "
        "be computed from the economy's total and the groups shown."))
    for key, what in (("gender", "gender of owner/manager"), ("size", "size"),
                      ("sector", "sector"), ("age_band", "age band of owner/manager"),
                      ("area", "area"), ("legal_form", "legal form")):
        names = labels(pack, key)
        for e in inputs.economies:
            groups = inputs.data[e].groups(key)
            if not groups:
                continue
            for g in groups:
                report.facts[f"{e}.{key}.{g.label}"] = g.mean
            points = [(names.get(g.label, g.label), g.mean) for g in groups
                      if not g.suppressed and g.mean is not None]
            title = f"Mean score by {what}, {economy_name(e)}"
            table = Table(f"gap-{key}-{e}", title, [what.capitalize(), "Businesses", "Mean score"],
                          [[names.get(g.label, g.label), shown(g.n, g.suppressed),
                            shown(g.mean, g.suppressed)] for g in groups])
            if key in ("gender", "size", "legal_form") and points:
                sub.add(Figure(f"fig-gap-{key}-{e}", title,
                               charts.bar_chart_svg(points, title=title,
                                                    chart_id=f"gap-{key}-{e}"),
                               f"Bar chart. {title}: " + "; ".join(f"{t} {v:.1f}"
                                                                  for t, v in points)
                               + (". Suppressed groups are not shown."
                                  if len(points) < len(groups) else "."), table))
            else:
                sub.add(table)
            if key == "gender":
                by = {g.label: g.mean for g in groups if g.mean is not None}
                if "woman" in by and "man" in by:
                    gap = round(by["man"] - by["woman"], 1)
                    report.facts[f"{e}.gender_gap"] = gap
                    sub.add(Paragraph(
                        f"{economy_name(e)}: women-led businesses score {by['woman']:.1f} and "
                        f"men-led businesses {by['man']:.1f}, a gap of {gap:+.1f} points "
                        "(mean of each business's first diagnostic)."))
            if key == "legal_form":
                coop = next((g for g in groups if g.label == "cooperative"), None)
                if coop is not None:
                    sub.add(Paragraph(
                        f"{economy_name(e)}: cooperatives (a target group) — "
                        + (f"{coop.n} businesses, mean score {coop.mean:.1f}."
                           if not coop.suppressed else
                           f"too few to report ({SUPPRESSED}).")))
    return sec
