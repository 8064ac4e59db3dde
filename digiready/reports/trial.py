"""Sections on the platform's use: the funder's indicators against their targets (registered
users, level of progress, visits, unique visits, video plays; by economy, gender and age band;
over time) and the trial period (version 1 against version 2, re-assessments, lessons)."""
from __future__ import annotations

import statistics
from datetime import date, datetime, timezone

from digiready import config, disclosure
from digiready.reports import charts
from digiready.reports.common import economy_name, pct, shown
from digiready.reports.model import (
    NO_DATA,
    SUPPRESSED,
    BulletList,
    Figure,
    Paragraph,
    Report,
    Section,
    Table,
)

# (indicator key in digiready.events.indicators, label, target setting)
FUNDER_INDICATORS = [
    ("registered_users", "Registered users", "TARGET_REGISTERED_USERS"),
    ("diagnostic_completions", "Diagnostics completed", "TARGET_DIAGNOSTIC_COMPLETIONS"),
    ("module_completions", "Module completions", "TARGET_MODULE_COMPLETIONS"),
    ("visits", "Visits", "TARGET_VISITS"),
    ("unique_visits", "Unique visits (learner-days)", "TARGET_UNIQUE_VISITS"),
    ("video_plays", "Video plays", "TARGET_VIDEO_PLAYS"),
]
for _key, _label, _setting in FUNDER_INDICATORS:
    config.declare(_setting, None,
                   f"Funder's target for '{_label.lower()}' over the project, printed against "
                   "the measured figure in the final report: one number for every economy, or "
                   "per economy as `pe=1000,ph=800`.")


def target(setting: str, economy: str) -> int | None:
    raw = (config.get(setting) or "").strip()
    if not raw:
        return None
    if "=" not in raw:
        try:
            return int(float(raw))
        except ValueError:
            return None
    for part in raw.split(","):
        code, _, value = part.partition("=")
        if code.strip().lower() == economy:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


def _value(ind: dict, key: str):
    cell = ind.get(key) or {}
    if cell.get("suppressed"):
        return SUPPRESSED
    return cell.get("value")


def indicators_section(report: Report, inputs, number: str, *, summary: Section | None = None
                       ) -> Section:
    sec = report.section("indicators", f"{number} The funder's indicators")
    if not inputs.usage.available:
        sec.add(Paragraph(f"No learning-event data ({NO_DATA}): {inputs.usage.note}. The "
                          "indicators appear here once the platform records use."))
        return sec
    ind = inputs.usage.indicators
    sec.add(Paragraph(
        "Measured from the learning events the platform records (the events area; xAPI "
        "statements). Targets come from the configuration (DIGIREADY_TARGET_* settings); "
        f"\"{NO_DATA}\" in the target column means none is set. Level of progress is given "
        "as diagnostic completion (completed of started) and module completion (learners who "
        "completed a module of those who opened one)."))
    rows, headline = [], []
    for e in inputs.economies:
        data = ind.get(e, {})
        for key, label, setting in FUNDER_INDICATORS:
            value = _value(data, key)
            goal = target(setting, e)
            reached = (pct(value, goal) if isinstance(value, int) and goal else None)
            rows.append([economy_name(e), label, value, goal if goal is not None else NO_DATA,
                         reached if reached is not None else NO_DATA])
            report.facts[f"{e}.usage.{key}"] = value if isinstance(value, int) else None
            if reached is not None:
                headline.append(f"{economy_name(e)}: {label.lower()} {value} of {goal} "
                                f"({reached:.0f}% of target)")
        starts = _value(data, "diagnostic_starts")
        done = _value(data, "diagnostic_completions")
        if isinstance(starts, int) and isinstance(done, int) and starts:
            rows.append([economy_name(e), "Diagnostic completion (% of started)",
                         pct(done, starts), NO_DATA, NO_DATA])
        modules = data.get("modules") or []
        opened = sum(m["started"] or 0 for m in modules if not m["suppressed"])
        completed = sum(m["completed"] or 0 for m in modules if m["completed"] is not None)
        if opened:
            rows.append([economy_name(e), "Module completion (% of modules opened)",
                         pct(completed, opened), NO_DATA, NO_DATA])
    sec.add(Table("funder-indicators", "Funder's indicators against targets",
                  ["Economy", "Indicator", "Measured", "Target", "Reached (%)"], rows))
    if summary is not None:
        summary.add(Paragraph("Funder's indicators: " + ("; ".join(headline) if headline else
                    "measured figures are in the indicators section; no targets are set in "
                    "the configuration (DIGIREADY_TARGET_*)") + "."))
    sub = sec.sub("indicators-groups", "By gender and age band of the owner/manager")
    for name, title in (("gender", "Gender"), ("age_band", "Age band")):
        trows = []
        for e in inputs.economies:
            for row in (ind.get(e, {}).get("breakdowns") or {}).get(name, []):
                hidden = row["suppressed"]
                trows.append([economy_name(e), str(row[name]).replace("_", "-"),
                              shown(row["learners"], hidden),
                              shown(row["registered_users"], hidden or row["registered_users"] is None),
                              shown(row["diagnostic_completions"],
                                    hidden or row["diagnostic_completions"] is None),
                              shown(row["video_plays"], hidden or row["video_plays"] is None)])
        sub.add(Table(f"indicators-{name}", f"Indicators by {title.lower()}",
                      ["Economy", title, "Learners", "Registered users",
                       "Diagnostics completed", "Video plays"], trows,
                      notes="Groups hidden under the small-group rule, with complements."))
    sub.add(Paragraph(
        "Women-led averages can appear twice with different values: the findings give the mean "
        "of each business's first diagnostic (the baseline), these indicators the mean of "
        "each learner's latest diagnostic (after re-assessment), so the second includes the "
        "progress made during the trial."))
    _series(report, sec, inputs)
    return sec


def _series(report: Report, sec: Section, inputs) -> None:
    sub = sec.sub("indicators-time", "Over time")
    today = inputs.as_of
    current = f"{today.year:04d}-{today.month:02d}"
    lines: dict[str, list[tuple[str, float]]] = {}
    rows = []
    partial_seen = False
    for e in inputs.economies:
        points = []
        for p in inputs.usage.indicators.get(e, {}).get("visits_series", []):
            partial = p["period"] >= current
            partial_seen |= partial
            label = p["period"] + (" (partial)" if partial else "")
            rows.append([economy_name(e), label, shown(p["visits"], p["suppressed"]),
                         shown(p["unique_visits"], p["suppressed"]),
                         shown(p["unique_visitors"], p["suppressed"])])
            if not p["suppressed"] and not partial:
                points.append((p["period"], float(p["unique_visits"])))
        if points:
            lines[economy_name(e)] = points
    title = "Unique visits per month (complete months)"
    alt = (f"Line chart. {title}: " + "; ".join(
        f"{n}: " + ", ".join(f"{x} {int(v)}" for x, v in pts) for n, pts in lines.items()) + ".")
    sub.add(Figure("fig-visits", title, charts.line_chart_svg(lines, title=title,
                                                              chart_id="visits"),
                   alt, Table("visits-monthly", "Visits per month",
                              ["Economy", "Month", "Visits", "Unique visits", "Unique visitors"],
                              rows)))
    if partial_seen:
        sub.add(Paragraph(f"The month of {today:%B %Y} is partial (data up to "
                          f"{today:%d %B %Y}): it is marked so in the table and left out of "
                          "the chart, so that it does not look like a fall."))


def trial_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("trial", f"{number} The trial period: version 1 and version 2")
    d_all = inputs.data
    versions = sorted({r.pack_version for d in d_all.values() for r in d.responses
                       if r.pack_version})
    sec.add(Paragraph(
        "Version 1 of the platform (the content pack and the diagnostic as first launched) was "
        "used by businesses during the trial period; version 2 is the pack after the changes "
        "the trial led to. Content versions in the data: "
        + (", ".join(versions) if versions else NO_DATA) + "."))
    rows = []
    for e in inputs.economies:
        d = d_all[e]
        by_version: dict[str, list[float]] = {}
        for r in d.responses:
            if r.overall is not None:
                by_version.setdefault(r.pack_version or NO_DATA, []).append(r.overall)
        for v, scores in sorted(by_version.items()):
            small = disclosure.is_small(len(scores), d.min_cell)
            rows.append([economy_name(e), v, shown(len(scores), small),
                         shown(round(statistics.fmean(scores), 1), small)])
    sec.add(Table("versions", "Businesses and mean first score by content version",
                  ["Economy", "Content version", "Businesses", "Mean score"], rows))
    if len(versions) < 2:
        sec.add(Paragraph(
            "Only one content version was in use over the trial period in these data: the "
            "comparison of version 1 with version 2 (scores, and module completion before and "
            "after a content change) appears here once businesses use the second version."))
    sub = sec.sub("trial-reassessment", "Re-assessment: businesses that took the diagnostic twice")
    rows = []
    for e in inputs.economies:
        d = d_all[e]
        deltas = [b.overall - a.overall for a, b in d.followups
                  if a.overall is not None and b.overall is not None]
        small = disclosure.is_small(len(deltas), d.min_cell)
        improved = sum(1 for x in deltas if x > 0)
        rows.append([economy_name(e), shown(len(deltas), small),
                     shown(round(statistics.fmean(deltas), 1) if deltas else None, small),
                     shown(pct(improved, len(deltas)), small)])
        report.facts[f"{e}.reassessed"] = len(d.followups)
        report.facts[f"{e}.mean_change"] = (None if small or not deltas
                                            else round(statistics.fmean(deltas), 1))
    sub.add(Table("reassessment", "Change between the first and the latest diagnostic",
                  ["Economy", "Businesses re-assessed", "Mean change (points)",
                   "Improved (%)"], rows))
    dims = next(iter(inputs.packs.values())).dimensions
    rows = []
    for dim in dims:
        row = [dim.title]
        for e in inputs.economies:
            d = d_all[e]
            pairs = [(a.dimensions.get(dim.id), b.dimensions.get(dim.id)) for a, b in d.followups]
            deltas = [b - a for a, b in pairs if a is not None and b is not None]
            row.append(SUPPRESSED if disclosure.is_small(len(deltas), d.min_cell) or not deltas
                       else round(statistics.fmean(deltas), 1))
        rows.append(row)
    sub.add(Table("reassessment-areas", "Mean change by area (points)",
                  ["Area", *[economy_name(e) for e in inputs.economies]], rows))
    sec.add(lessons(report, inputs))
    return sec


def lessons(report: Report, inputs) -> BulletList:
    """Lessons learned, each read from the data of the trial."""
    items = []
    for e in inputs.economies:
        d = inputs.data[e]
        started = d.attempts_total + d.unfinished
        if started:
            items.append(f"{economy_name(e)}: {pct(d.attempts_total, started):.0f}% of the "
                         "diagnostics started were completed; the questionnaire's length "
                         "(about 12 minutes) is compatible with use on a phone.")
        change = report.facts.get(f"{e}.mean_change")
        if change is not None:
            items.append(f"{economy_name(e)}: businesses that took the diagnostic again "
                         f"changed their score by {change:+.1f} points on average: "
                         "re-assessment makes progress visible and should be offered after "
                         "each training cycle.")
        needs = inputs.needs[e]
        if needs:
            items.append(f"{economy_name(e)}: the first need is {needs[0].title.lower()} "
                         f"({100 * needs[0].prevalence:.0f}% of businesses); training "
                         "content and programmes for it should come first in version 2.")
    if not items:
        items.append(f"No lesson can be drawn without trial data ({NO_DATA}).")
    return BulletList(items)


def as_of_default() -> date:
    return datetime.now(timezone.utc).date()
