"""The indicators as HTML sections (inline SVG charts with their tables) and as CSV.

Framework-free, so the LTI tool's indicators page, an XBlock staff view or a static report
can all show the same thing. Every chart has a table next to it with the same figures;
suppressed cells read "fewer than N learners" instead of a number.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from html import escape
from typing import Any

from digiready.presentation.charts import bar_chart_svg
from digiready.spreadsheet import csv_writer

Gettext = Callable[[str], str]
HEADLINES = [
    ("learners", "Learners"), ("registered_users", "Registered users"), ("visits", "Visits"),
    ("unique_visits", "Unique visits (learner-days)"), ("unique_visitors", "Unique visitors"),
    ("diagnostic_starts", "Diagnostics started"), ("diagnostic_completions", "Diagnostics completed"),
    ("video_plays", "Video plays"), ("full_views", "Full video views (95 %)"),
    ("module_completions", "Module completions"), ("overall_score", "Average overall score"),
]


def _same(text: str) -> str:
    return text


def _value(value: Any, suppressed: bool, k: int, _: Gettext) -> str:
    if suppressed or value is None:
        return escape(_("fewer than %(n)s learners") % {"n": k})
    return escape(f"{value:g}" if isinstance(value, float) else str(value))


def _table(caption: str, headers: list[str], rows: list[list[str]], table_id: str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + f'<th scope="row">{r[0]}</th>' + "".join(f"<td>{c}</td>" for c in r[1:])
                   + "</tr>" for r in rows)
    return (f'<table id="{table_id}"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def render_sections(data: dict[str, Any], gettext: Gettext = _same,
                    level_titles: dict[str, str] | None = None,
                    dimension_titles: dict[str, str] | None = None) -> str:
    """HTML for every indicator: headline table, levels, dimensions, visits over time,
    breakdowns by economy, gender and age band, priority groups, modules."""
    _ = gettext
    k = data["min_cell_size"]
    levels = level_titles or {}
    dims = dimension_titles or {}
    out = []

    rows = [[escape(_(label)), _value(data[key]["value"], data[key]["suppressed"], k, _)]
            for key, label in HEADLINES]
    out.append('<section aria-labelledby="ind-h"><h2 id="ind-h">' + escape(_("Headline figures")) + "</h2>"
               + _table(_("Headline figures"), [_("Indicator"), _("Value")], rows, "ind-headlines") + "</section>")

    shown = [r for r in data["level_distribution"] if not r["suppressed"]]
    chart = bar_chart_svg([(levels.get(r["level"], r["level"] or "?"), r["share"]) for r in shown],
                          title=_("Learners by level (% of learners)"), chart_id="ind-levels",
                          unit="%") if shown else ""
    rows = [[escape(levels.get(r["level"], r["level"] or "?")), _value(r["learners"], r["suppressed"], k, _),
             _value(r["share"], r["suppressed"], k, _)] for r in data["level_distribution"]]
    out.append('<section aria-labelledby="lvl-h"><h2 id="lvl-h">' + escape(_("Level of digital maturity"))
               + "</h2>" + (f"<figure>{chart}</figure>" if chart else "")
               + (_table(_("Learners by level (latest diagnostic)"), [_("Level"), _("Learners"), _("Share (%)")],
                         rows, "ind-levels-table") if rows else f"<p>{escape(_('No completed diagnostics yet.'))}</p>")
               + "</section>")

    shown = [d for d in data["dimension_scores"] if not d["suppressed"]]
    chart = bar_chart_svg([(dims.get(d["dimension"], d["dimension"]), d["value"]) for d in shown],
                          title=_("Average score by dimension (0-100)"), chart_id="ind-dims") if shown else ""
    rows = [[escape(dims.get(d["dimension"], d["dimension"])), _value(d["value"], d["suppressed"], k, _),
             _value(d["learners"], d["suppressed"], k, _)] for d in data["dimension_scores"]]
    if rows:
        out.append('<section aria-labelledby="dim-h"><h2 id="dim-h">' + escape(_("Average score by dimension"))
                   + "</h2>" + (f"<figure>{chart}</figure>" if chart else "")
                   + _table(_("Average score by dimension"), [_("Dimension"), _("Average"), _("Learners")],
                            rows, "ind-dims-table") + "</section>")

    series = data["visits_series"]
    shown = [r for r in series if not r["suppressed"]]
    top = max([r["visits"] for r in shown] or [1])
    chart = bar_chart_svg([(r["period"], r["visits"]) for r in shown], title=_("Visits per period"),
                          chart_id="ind-visits", max_value=top) if shown else ""
    rows = [[escape(r["period"]), _value(r["visits"], r["suppressed"], k, _),
             _value(r["unique_visits"], r["suppressed"], k, _),
             _value(r["unique_visitors"], r["suppressed"], k, _)] for r in series]
    if rows:
        out.append('<section aria-labelledby="vis-h"><h2 id="vis-h">' + escape(_("Visits over time")) + "</h2>"
                   + (f"<figure>{chart}</figure>" if chart else "")
                   + _table(_("Visits over time"), [_("Period"), _("Visits"), _("Unique visits"),
                                                    _("Unique visitors")], rows, "ind-visits-table")
                   + "</section>")

    names = {"economy": _("By economy"), "gender": _("By gender of the owner or manager"),
             "age_band": _("By age band of the owner or manager")}
    for dim, rows_in in data["breakdowns"].items():
        rows = [[escape(str(r[dim])), *[_value(r[c], r["suppressed"] or r[c] is None, k, _)
                                        for c in ("learners", "registered_users", "diagnostic_completions",
                                                  "average_score", "video_plays")]] for r in rows_in]
        if rows:
            out.append(f'<section aria-labelledby="by-{dim}-h"><h2 id="by-{dim}-h">{escape(names[dim])}</h2>'
                       + _table(names[dim], [_("Group"), _("Learners"), _("Registered"), _("Diagnostics completed"),
                                             _("Average score"), _("Video plays")], rows, f"ind-by-{dim}")
                       + "</section>")

    labels = {"women_led": _("Women-led businesses"), "youth_led": _("Youth-led businesses (under 35)")}
    rows = [[escape(labels[name]), *[_value(g[c], g["suppressed"] or g[c] is None, k, _)
                                     for c in ("learners", "diagnostic_completions", "average_score")]]
            for name, g in data["priority_groups"].items()]
    out.append('<section aria-labelledby="prio-h"><h2 id="prio-h">' + escape(_("Priority groups")) + "</h2>"
               + _table(_("Priority groups"), [_("Group"), _("Learners"), _("Diagnostics completed"),
                                               _("Average score")], rows, "ind-priority") + "</section>")

    rows = [[escape(m["module"].removeprefix("module/")), _value(m["started"], m["suppressed"], k, _),
             _value(m["completed"], m["suppressed"], k, _), _value(m["completion_rate"], m["suppressed"], k, _)]
            for m in data["modules"]]
    if rows:
        out.append('<section aria-labelledby="mod-h"><h2 id="mod-h">' + escape(_("Training modules")) + "</h2>"
                   + _table(_("Training modules"), [_("Module"), _("Learners who started"), _("Completed"),
                                                    _("Completion rate (%)")], rows, "ind-modules")
                   + "</section>")
    return "\n".join(out)


def csv_text(data: dict[str, Any]) -> str:
    """Every figure as ``section,item,value,learners,suppressed`` rows (suppressed values
    empty), with the filters and the minimum cell size first."""
    out = io.StringIO()
    w = csv_writer(out)  # filter values come from the URL: never a formula in Excel
    w.writerow(["section", "item", "value", "learners", "suppressed"])
    for key, value in data["filters"].items():
        w.writerow(["filter", key, "" if value is None else value, "", ""])
    w.writerow(["filter", "min_cell_size", data["min_cell_size"], "", ""])
    for key, _label in HEADLINES:
        c = data[key]
        w.writerow(["headline", key, _blank(c["value"]), _blank(c["learners"]), int(c["suppressed"])])
    for r in data["level_distribution"]:
        w.writerow(["level", r["level"], _blank(r["learners"]), _blank(r["learners"]), int(r["suppressed"])])
    for d in data["dimension_scores"]:
        w.writerow(["dimension_average", d["dimension"], _blank(d["value"]), _blank(d["learners"]),
                    int(d["suppressed"])])
    for r in data["visits_series"]:
        for col in ("visits", "unique_visits", "unique_visitors"):
            w.writerow([f"series_{col}", r["period"], _blank(r[col]), _blank(r["unique_visitors"]),
                        int(r["suppressed"])])
    for dim, rows in data["breakdowns"].items():
        for r in rows:
            for col in ("learners", "registered_users", "diagnostic_completions", "average_score", "video_plays"):
                w.writerow([f"by_{dim}_{col}", r[dim], _blank(r[col]), _blank(r["learners"]),
                            int(r["suppressed"] or r[col] is None)])
    for name, g in data["priority_groups"].items():
        for col in ("learners", "diagnostic_completions", "average_score"):
            w.writerow([f"{name}_{col}", name, _blank(g[col]), _blank(g["learners"]),
                        int(g["suppressed"] or g[col] is None)])
    for m in data["modules"]:
        for col in ("started", "completed", "completion_rate"):
            w.writerow([f"module_{col}", m["module"], _blank(m[col]), _blank(m["started"]), int(m["suppressed"])])
    return out.getvalue()


def _blank(value: Any) -> Any:
    return "" if value is None else value
