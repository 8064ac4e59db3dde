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


# What each kind of item is called beside its title (kind -> msgid).
KINDS: dict[str, str] = {
    "module": N_("Short training video"),
    "tool_category": N_("Digital tools to try"),
    "programme": N_("Support programme"),
}


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


# What a missing need is called on the page (need, value needed -> msgid).
MISSING: dict[tuple[str, str], str] = {
    ("device", "basic_phone"): N_("Needs a mobile phone"),
    ("device", "smartphone"): N_("Needs a smartphone"),
    ("device", "computer"): N_("Needs a computer"),
    ("connectivity", "occasional"): N_("Needs internet, at least now and then"),
    ("connectivity", "daily"): N_("Needs internet every day"),
    ("connectivity", "broadband"): N_("Needs fast internet at the workplace"),
    ("literacy", "reading"): N_("Needs reading short messages and app screens"),
    ("literacy", "confident"): N_("Needs confidence with forms and numbers"),
    ("cost", "low"): N_("Costs a little money to start"),
    ("cost", "medium"): N_("Costs money to start"),
    ("cost", "high"): N_("Costs money to start"),
}
YESNO_WORDS = {"yes": N_("Yes"), "no": N_("No"), "partly": N_("Partly"), "na": N_("Not applicable")}
LATER = N_("For later, when you have what they need")
OTHER_NEED = N_("Other advice")


def evidence_lines(because: list[dict[str, Any]], _: Gettext = _identity) -> list[str]:
    """The answers behind a reason, one line each: "question — answer" or a dimension score."""
    lines = []
    for fact in because:
        if fact.get("kind") == "score":
            lines.append(_("%(dimension)s: %(score)s out of 100 (%(level)s)") % {
                "dimension": fact.get("dimension"), "score": _number(fact.get("score")),
                "level": fact.get("level") or ""})
            continue
        answer = ", ".join(fact.get("answer") or [])
        if not answer:
            value = fact.get("value")
            answer = _(YESNO_WORDS[value]) if value in YESNO_WORDS else str(value or "")
        lines.append(f"{fact.get('question')} — {answer}")
    return lines


def _missing_text(gaps: list[dict[str, Any]], _: Gettext) -> list[str]:
    out = []
    for gap in gaps:
        if gap.get("need") == "language":
            out.append(_("Not offered in your language"))
        else:
            msgid = MISSING.get((gap.get("need"), gap.get("needs")))
            if msgid and _(msgid) not in out:
                out.append(_(msgid))
    return out


def recommendation_groups(
    recommendations: list[dict[str, Any]], _: Gettext = _identity, link_for: LinkFor | None = None,
    duration_for: Callable[[str], float | None] | None = None,
    need_titles: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Recommendations grouped by the need they answer (the dimension of their heaviest
    reason), groups in the order of their best item. Each group states its reasons once,
    worded from the learner's answers, with the answers behind them (``because``); each item
    names the reasons it answers (``answers``: their numbers in the group) and the other
    needs it helps with (``also``). What the business cannot use yet comes last, in a group
    of its own (``later``), each item saying what it needs (``missing_text``)."""
    titles = dict(need_titles or {})
    groups: dict[str, dict[str, Any]] = {}
    later: list[dict[str, Any]] = []
    for rec in recommendations:
        item = {"minutes": None, "solves": None, "tools": [], "url": None, "organisation": None,
                "duration_seconds": None, "usable": True, "missing": [], "unlocks": [],
                "reasons": [], **rec}
        item["link"] = (link_for(rec) if link_for else None) or rec.get("url")
        if item["kind"] == "module" and duration_for is not None:
            item["duration_seconds"] = duration_for(rec["id"]) or item["duration_seconds"]
        if item["duration_seconds"]:
            item["minutes"] = minutes_for(item["duration_seconds"])
        # An item without the flag (a result stored before it existed) shows no note.
        item["caveat"] = _(UNVERIFIED_NOTE) if rec.get("verified") is False else None
        # only the tools the business can use now are offered by name
        item["tools"] = [dict(tool, caveat=_(UNVERIFIED_NOTE) if tool.get("verified") is False else None)
                         for tool in item["tools"] if tool.get("usable", True)]
        item["missing_text"] = _missing_text(item["missing"], _)
        item["kind_label"] = _(KINDS[item["kind"]]) if item["kind"] in KINDS else ""
        reasons = item["reasons"] or [{"rule": item.get("rule"), "text": item.get("reason"),
                                       "dimension": item.get("dimension"), "because": []}]
        item["reasons"] = reasons
        if not item["usable"]:
            later.append(item)
            continue
        need = reasons[0].get("dimension") or ""
        if need not in groups:
            groups[need] = {"kind": "need", "need": need, "later": False,
                            "heading": titles.get(need) or _(OTHER_NEED), "reasons": [], "items": []}
        groups[need]["items"].append(item)
    out = list(groups.values())
    if later:
        out.append({"kind": "later", "need": None, "later": True, "heading": _(LATER), "reasons": [],
                    "items": later})
    # Each reason is stated once: in the group of the need it is about when there is one,
    # else in the first group with an item that answers it; an item elsewhere names that
    # group ("also helps with") instead of repeating the reason.
    by_need = {group["need"]: group for group in out if not group["later"]}
    home: dict[str, tuple[dict[str, Any], int]] = {}
    for group in out:
        for item in group["items"]:
            numbers, other_needs = [], []
            for reason in item["reasons"]:
                rule = reason.get("rule")
                if rule not in home:
                    target = by_need.get(reason.get("dimension") or "", group)
                    target["reasons"].append({"rule": rule, "text": reason.get("text"),
                                              "because": evidence_lines(reason.get("because") or [], _)})
                    home[rule] = (target, len(target["reasons"]))
                where, number = home[rule]
                if where is group:
                    numbers.append(number)
                elif where["heading"] not in other_needs:
                    other_needs.append(where["heading"])
            item["answers"] = numbers
            item["also"] = (_("Also helps with: %(needs)s") % {"needs": ", ".join(other_needs)}
                            if other_needs else "")
    titles_by_key = {f"{i['kind']}:{i['id']}": i.get("title") for i in later}
    for group in out:
        for item in group["items"]:
            opened = [titles_by_key[k] for k in item["unlocks"] if titles_by_key.get(k)]
            item["unlocks_text"] = _("Opens the way to: %(items)s") % {"items": ", ".join(opened[:4])} if opened else ""
    return out


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
    need_titles = {d["id"]: d.get("title") for d in result.get("dimensions") or []}
    groups = recommendation_groups(list(result.get("recommendations") or []), _, link_for, duration_for,
                                   need_titles)
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
