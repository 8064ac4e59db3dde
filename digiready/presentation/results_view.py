"""The view model of a diagnostic result page, shared by the XBlock and the LTI tool.

Both adapters show the same sentences (level, peer benchmark, change since the last attempt)
and the same recommendation groups, so the wording lives here once. Adapters pass their own
``gettext`` (the XBlock's ``text`` catalog, Flask-Babel in the LTI tool); the msgids below are
therefore extracted into each adapter's catalog. No framework, no HTML: only plain data and
the inline SVG chart from :mod:`digiready.presentation.charts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from digiready.media.player import minutes_for
from digiready.presentation.charts import dimension_chart_svg, dimension_rows

Gettext = Callable[[str], str]
LinkFor = Callable[[dict[str, Any]], str | None]


def N_(text: str) -> str:
    """Marks a msgid for extraction; the adapter's gettext translates it where it is shown."""
    return text


# Order and headings of the recommendation groups (kind -> heading msgid).
GROUPS: tuple[tuple[str, str], ...] = (
    ("module", N_("Short training videos")),
    ("tool_category", N_("Digital tools to try")),
    ("programme", N_("Support programmes")),
)


# Shown next to a tool or programme whose facts nobody has checked at the source yet
# (``verified: false`` in the pack): the learner should confirm with the provider.
UNVERIFIED_NOTE = N_("Not yet checked by the DigiReady team; check with the provider.")


def _identity(text: str) -> str:
    return text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def level_sentence(result: Mapping[str, Any], _: Gettext = _identity) -> str:
    overall = result.get("overall") or {}
    if overall.get("score") is None:
        return _("No dimension was answered, so there is no overall score yet.")
    return _("Your overall digital maturity is %(score)s out of 100: level %(level)s.") % {
        "score": _number(overall["score"]),
        "level": overall.get("level_title") or "",
    }


def benchmark_sentence(benchmark: Mapping[str, Any] | None, _: Gettext = _identity) -> str | None:
    """None when there is nothing to say (no peers were consulted at all)."""
    if not benchmark:
        return None
    if not benchmark.get("available"):
        return _(
            "A comparison with similar businesses appears once at least %(min)s of them "
            "have taken the diagnostic (%(count)s so far)."
        ) % {"min": benchmark.get("min_group"), "count": benchmark.get("peers", 0)}
    percentile = benchmark.get("overall_percentile")
    if percentile is None:
        return None
    return _(
        "Your overall score is higher than %(percent)s%% of %(count)s similar businesses "
        "(same economy, sector and size)."
    ) % {"percent": f"{percentile:g}", "count": benchmark.get("peers")}


def change_summary(change: Mapping[str, Any] | None, _: Gettext = _identity) -> dict[str, Any] | None:
    """What changed since the previous attempt: one sentence and one row per dimension."""
    if not change:
        return None
    overall = change.get("overall") or {}
    delta = overall.get("change")
    if delta is None:
        sentence = _("Your previous attempt cannot be compared with this one.")
    elif delta > 0:
        sentence = _(
            "Your overall score rose by %(delta)s points since your last attempt "
            "(from %(before)s to %(after)s)."
        )
    elif delta < 0:
        sentence = _(
            "Your overall score fell by %(delta)s points since your last attempt "
            "(from %(before)s to %(after)s)."
        )
    else:
        sentence = _("Your overall score is the same as in your last attempt (%(after)s).")
    sentence = sentence % {
        "delta": _number(abs(delta)) if delta is not None else "",
        "before": _number(overall.get("from")),
        "after": _number(overall.get("to")),
    }
    rows = []
    for dim in change.get("dimensions", []):
        if dim.get("to") is None and dim.get("from") is None:
            continue
        d = dim.get("change")
        rows.append(
            {
                "id": dim["id"],
                "title": dim.get("title"),
                "from": dim.get("from"),
                "to": dim.get("to"),
                "change": d,
                "change_text": "" if d is None else (f"+{d:g}" if d > 0 else f"{d:g}"),
                "direction": None if d is None else ("up" if d > 0 else "down" if d < 0 else "same"),
            }
        )
    return {
        "sentence": sentence,
        "rows": rows,
        "improved": list(change.get("improved", [])),
        "declined": list(change.get("declined", [])),
    }


def recommendation_groups(
    recommendations: list[dict[str, Any]], _: Gettext = _identity, link_for: LinkFor | None = None,
    duration_for: Callable[[str], float | None] | None = None,
) -> list[dict[str, Any]]:
    """Recommendations grouped by kind (modules, tools, programmes), rank order kept inside
    each group; each item gets ``link`` (the adapter decides where a module lives) and a
    module its minutes, from its built video's manifest when ``duration_for`` finds one."""
    groups = []
    for kind, heading in GROUPS:
        items = []
        for rec in recommendations:
            if rec.get("kind") != kind:
                continue
            # Every item has every key, so templates never look up a missing one.
            item = {
                "minutes": None,
                "solves": None,
                "tools": [],
                "url": None,
                "organisation": None,
                "duration_seconds": None,
                **rec,
            }
            item["link"] = (link_for(rec) if link_for else None) or rec.get("url")
            # An item without the flag (a result stored before it existed) shows no note.
            item["caveat"] = _(UNVERIFIED_NOTE) if rec.get("verified") is False else None
            item["tools"] = [dict(tool, caveat=_(UNVERIFIED_NOTE) if tool.get("verified") is False else None)
                             for tool in item["tools"]]
            if kind == "module" and duration_for is not None:
                item["duration_seconds"] = duration_for(rec["id"]) or item["duration_seconds"]
            if item["duration_seconds"]:
                item["minutes"] = minutes_for(item["duration_seconds"])
            items.append(item)
        if items:
            groups.append({"kind": kind, "heading": _(heading), "items": items})
    return groups


def results_view(
    result: Mapping[str, Any],
    *,
    gettext: Gettext = _identity,
    link_for: LinkFor | None = None,
    dimensions: list[str] | None = None,
    chart_title: str | None = None,
    chart_id: str = "dr-dimensions",
    duration_for: Callable[[str], float | None] | None = None,
) -> dict[str, Any]:
    """Everything a result page shows. ``dimensions`` limits rows and chart to those ids
    (the author's choice of dimensions shown); ``link_for`` maps a recommendation to a URL."""
    _ = gettext
    shown = dict(result)
    if dimensions:
        keep = set(dimensions)
        shown["dimensions"] = [d for d in result.get("dimensions", []) if d["id"] in keep]
    overall = result.get("overall") or {}
    next_step = result.get("next_step")
    groups = recommendation_groups(list(result.get("recommendations") or []), _, link_for, duration_for)
    links = {(i["kind"], i["id"]): i["link"] for g in groups for i in g["items"]}
    return {
        "overall": {
            "score": overall.get("score"),
            "level": overall.get("level"),
            "level_title": overall.get("level_title"),
            "level_description": overall.get("level_description"),
            "next_steps": overall.get("next_steps"),
        },
        "level_sentence": level_sentence(result, _),
        "rows": dimension_rows(shown),
        "chart_svg": dimension_chart_svg(
            shown, title=chart_title or _("Score by dimension (0-100)"), chart_id=chart_id
        ),
        "dii": result.get("dii"),
        "benchmark_sentence": benchmark_sentence(result.get("benchmark"), _),
        "change": change_summary(result.get("change"), _),
        "next_step": dict(next_step, link=links.get((next_step["kind"], next_step["id"])))
        if next_step
        else None,
        "groups": groups,
    }
