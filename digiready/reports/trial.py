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


NO_TARGET = "no target set"


class TargetError(ValueError):
    """A DIGIREADY_TARGET_* setting that is not a number or ``code=number`` list."""


def target(setting: str, economy: str) -> int | None:
    """The funder's target of ``setting`` for ``economy``; None when none is set (there is no
    default: the targets are the funder's, agreed per project). A malformed value raises
    :class:`TargetError` naming the setting, rather than silently comparing with nothing."""
    raw = (config.get(setting) or "").strip()
    if not raw:
        return None
    name = f"DIGIREADY_{setting}"
    if "=" not in raw:
        return _target_number(name, raw)
    found = None
    for part in raw.split(","):
        if not part.strip():
            continue
        code, sep, value = part.partition("=")
        if not sep or not code.strip():
            raise TargetError(f"{name}={raw!r}: write one number for every economy or "
                              f"'code=number' pairs separated by commas (e.g. pe=1000,ph=800); "
                              f"{part.strip()!r} is neither")
        number = _target_number(name, value.strip(), code.strip().lower())
        if code.strip().lower() == economy:
            found = number
    return found


def _target_number(name: str, value: str, code: str | None = None) -> int:
    where = f" for {code}" if code else ""
    try:
        number = float(value)
    except ValueError:
        raise TargetError(f"{name}: the target{where} must be a number, not {value!r}") from None
    if number < 0 or number != number or number == float("inf"):
        raise TargetError(f"{name}: the target{where} must be a positive number, not {value!r}")
    return int(number)


def check_targets(economies: list[str] | None = None) -> None:
    """Read every target setting whole, so that a malformed one stops the report with its
    name (raises :class:`TargetError`) before anything is built."""
    for _key, _label, setting in FUNDER_INDICATORS:
        target(setting, "")  # every part is read, whichever economy it names


def target_problems() -> list[tuple[str, str]]:
    """(setting, message) for each malformed DIGIREADY_TARGET_* (``digiready check-config``)."""
    problems = []
    for _key, _label, setting in FUNDER_INDICATORS:
        try:
            target(setting, "")
        except TargetError as exc:
            problems.append((f"DIGIREADY_{setting}", str(exc)))
    return problems


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
        if summary is not None:
            summary.add(Paragraph(f"Funder's indicators (registered users, progress, visits, "
                                  f"video plays): {NO_DATA}: {inputs.usage.note}."))
        return sec
    ind = inputs.usage.indicators
    sec.add(Paragraph(
        "Measured from the learning events the platform records (the events area; xAPI "
        "statements). Targets come from the configuration (DIGIREADY_TARGET_* settings); "
        f"\"{NO_TARGET}\" means the configuration holds none (the project sets no "
        "default target). Level of progress is given "
        "as diagnostic completion (completed of started) and module completion (learners who "
        "completed a module of those who opened one)."))
    rows, headline = [], []
    for e in inputs.economies:
        data = ind.get(e, {})
        said = []
        for key, label, setting in FUNDER_INDICATORS:
            value = _value(data, key)
            goal = target(setting, e)
            reached = (pct(value, goal) if isinstance(value, int) and goal else None)
            rows.append([economy_name(e), label, value, goal if goal is not None else NO_TARGET,
                         reached if reached is not None else
                         (NO_TARGET if goal is None else NO_DATA)])
            report.facts[f"{e}.usage.{key}"] = value if isinstance(value, int) else None
            report.facts[f"{e}.target.{key}"] = goal
            report.facts[f"{e}.reached.{key}"] = reached
            if reached is not None:
                said.append(f"{label.lower()} {value:,} of a target of {goal:,} "
                            f"({reached:.0f}% reached)")
            elif isinstance(value, int):
                said.append(f"{label.lower()} {value:,} ({NO_TARGET})" if goal is None
                            else f"{label.lower()} {value:,} (target {goal:,})")
            elif goal is not None:
                said.append(f"{label.lower()} {value or NO_DATA} (target {goal:,})")
        starts = _value(data, "diagnostic_starts")
        done = _value(data, "diagnostic_completions")
        if isinstance(starts, int) and isinstance(done, int) and starts:
            rows.append([economy_name(e), "Diagnostic completion (% of started)",
                         pct(done, starts), NO_TARGET, NO_TARGET])
        modules = data.get("modules") or []
        opened = sum(m["started"] or 0 for m in modules if not m["suppressed"])
        completed = sum(m["completed"] or 0 for m in modules if m["completed"] is not None)
        if opened:
            rows.append([economy_name(e), "Module completion (% of modules opened)",
                         pct(completed, opened), NO_TARGET, NO_TARGET])
        if said:
            headline.append(f"{economy_name(e)}: " + ", ".join(said))
    sec.add(Table("funder-indicators", "Funder's indicators against targets",
                  ["Economy", "Indicator", "Measured", "Target", "Reached (%)"], rows))
    if summary is not None:
        targets_set = any(target(setting, e) for _k, _l, setting in FUNDER_INDICATORS
                          for e in inputs.economies)
        summary.add(Paragraph(
            f"Funder's indicators up to {inputs.as_of:%d %B %Y} (the indicators section "
            "gives them by gender, age band and month): " + "; ".join(headline) + ". "
            + ("Each is compared with the funder's target set in the configuration "
               "(DIGIREADY_TARGET_* settings) where one is set." if targets_set else
               "No targets are set in the configuration (DIGIREADY_TARGET_* settings), so "
               "none is compared: set them to the funder's agreed figures.")))
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
    """Each funder indicator month by month; the month of the report date is partial: marked
    so in the table and left out of the chart (it is not a fall)."""
    from digiready.reports.aggregate import MONTHLY_KEYS

    sub = sec.sub("indicators-time", "Over time")
    today = inputs.as_of
    current = f"{today.year:04d}-{today.month:02d}"
    lines: dict[str, list[tuple[str, float]]] = {}
    rows = []
    partial_seen = False
    for e in inputs.economies:
        points = []
        for p in inputs.usage.monthly.get(e, []):
            if p["period"] > current:
                continue  # nothing is dated after the report; guard against clock skew
            partial = p["period"] == current
            partial_seen |= partial
            label = p["period"] + (" (partial)" if partial else "")
            rows.append([economy_name(e), label,
                         *[shown(p[key], p[key] is None) for key, _l, _p in MONTHLY_KEYS]])
            if p["unique_visits"] is not None and not partial:
                points.append((p["period"], float(p["unique_visits"])))
        if points:
            lines[economy_name(e)] = points
    report.facts["usage.partial_month"] = current if partial_seen else None
    sub.add(Paragraph(
        "The funder's indicators per calendar month (UTC), each economy's months adding up to "
        "the totals above (unique visits: learner-days; registered users: learners "
        "registering that month). A month resting on too few learners is suppressed with a "
        "complementary month so that it cannot be worked out from the total."))
    title = "Unique visits per month (complete months)"
    alt = (f"Line chart. {title}: " + "; ".join(
        f"{n}: " + ", ".join(f"{x} {int(v)}" for x, v in pts) for n, pts in lines.items()) + ".")
    sub.add(Figure("fig-visits", title, charts.line_chart_svg(lines, title=title,
                                                              chart_id="visits"),
                   alt, Table("indicators-monthly", "Funder's indicators per month",
                              ["Economy", "Month", *[label for _k, label, _p in MONTHLY_KEYS]],
                              rows)))
    if partial_seen:
        sub.add(Paragraph(f"The month of {today:%B %Y} is partial (data up to "
                          f"{today:%d %B %Y}): it is marked \"(partial)\" in the table and "
                          "left out of the chart, so that it does not look like a fall."))


def version_order(inputs, economy: str) -> list[tuple[str, datetime]]:
    """The economy's content versions in the order they came into use, each with the first
    time it was seen (a completed diagnostic or a module session on it)."""
    first: dict[str, datetime] = {}

    def seen(version, when) -> None:
        if version and when is not None:
            when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
            first[version] = min(first.get(version, when), when)

    d = inputs.data[economy]
    for r in d.responses:
        seen(r.pack_version, r.completed_at)
    for _a, b in d.followups:
        seen(b.pack_version, b.completed_at)
    for version, cell in inputs.usage.module_versions.get(economy, {}).items():
        seen(version, cell.get("first_seen"))
    return sorted(first.items(), key=lambda kv: (kv[1], kv[0]))


class _Labels:
    """"Version n (pack version)" per economy, n in order of first use."""

    def __init__(self, orders: dict[str, list[tuple[str, datetime]]]) -> None:
        self.index = {e: [v for v, _w in order] for e, order in orders.items()}

    def __call__(self, economy: str, version: str | None) -> str:
        versions = self.index.get(economy, [])
        if not version:
            return "not recorded"
        if version in versions:
            return f"Version {versions.index(version) + 1} ({version})"
        return version

    def rank(self, economy: str, version: str | None) -> int:
        versions = self.index.get(economy, [])
        return versions.index(version) if version in versions else len(versions)


def trial_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("trial", f"{number} The trial period: version 1 and version 2")
    d_all = inputs.data
    orders = {e: version_order(inputs, e) for e in inputs.economies}
    label = _Labels(orders)
    report.facts["trial.versions"] = {e: [v for v, _w in o] for e, o in orders.items()}
    sec.add(Paragraph(
        "Version 1 of the platform (the content pack and the diagnostic as first launched) was "
        "used by businesses during the trial period; version 2 is the content after the "
        "changes the trial led to. Each diagnostic stores the content version it was taken "
        "on, and each module session the version live when it was opened, so the two can be "
        "compared. Content versions in the data, in the order they came into use:"))
    sec.add(BulletList([
        f"{economy_name(e)}: " + ("; ".join(f"{label(e, v)} from {w:%d %B %Y}"
                                            for v, w in orders[e]) if orders[e] else NO_DATA)
        for e in inputs.economies]))
    rows = []
    for e in inputs.economies:
        d = d_all[e]
        by_version: dict[str, list[float]] = {}
        for r in d.responses:
            if r.overall is not None:
                by_version.setdefault(r.pack_version or "", []).append(r.overall)
        hidden = disclosure.protect({v: len(x) for v, x in by_version.items()}, d.min_cell)
        for v, scores in sorted(by_version.items(), key=lambda kv: label.rank(e, kv[0])):
            small = v in hidden
            rows.append([economy_name(e), label(e, v), shown(len(scores), small),
                         shown(round(statistics.fmean(scores), 1), small)])
    sec.add(Table("versions", "Businesses and mean first score by content version",
                  ["Economy", "Content version", "Businesses", "Mean score"], rows,
                  notes="A business is counted under the version of its first diagnostic. "
                        "The diagnostic's questions and scoring did not change between the "
                        "versions, so the means compare the businesses, not the versions."))
    if all(len(o) < 2 for o in orders.values()):
        sec.add(Paragraph(
            "Only one content version was in use over the trial period in these data: the "
            "comparison of version 1 with version 2 (module completion before and after a "
            "content change, re-assessments across it) appears here once learners use the "
            "second version."))
    _module_completion(report, sec, inputs, orders, label)
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
    rows = []
    for e in inputs.economies:
        d = d_all[e]
        pairs: dict[tuple[str, str], list[float]] = {}
        for a, b in d.followups:
            if a.overall is not None and b.overall is not None:
                pairs.setdefault((a.pack_version, b.pack_version), []).append(b.overall - a.overall)
        hidden = disclosure.protect({p: len(x) for p, x in pairs.items()}, d.min_cell)
        for (v1, v2), deltas in sorted(pairs.items(), key=lambda kv: (
                label.rank(e, kv[0][0]), label.rank(e, kv[0][1]))):
            small = (v1, v2) in hidden
            mean = round(statistics.fmean(deltas), 1)
            rows.append([economy_name(e), f"{label(e, v1)} to {label(e, v2)}",
                         shown(len(deltas), small), shown(mean, small)])
            if not small:
                report.facts[f"{e}.mean_change.{v1}>{v2}"] = mean
    sub.add(Table("reassessment-versions", "Re-assessment by the content versions of the two "
                  "diagnostics", ["Economy", "First to latest diagnostic", "Businesses",
                                  "Mean change (points)"], rows,
                  notes="Businesses whose second diagnostic came after the content change "
                        "had the version 2 modules between their two diagnostics."))
    dims = next(iter(inputs.packs.values())).dimensions
    rows = []
    for dim in dims:
        row = [dim.title]
        for e in inputs.economies:
            d = d_all[e]
            pairs2 = [(a.dimensions.get(dim.id), b.dimensions.get(dim.id)) for a, b in d.followups]
            deltas = [b - a for a, b in pairs2 if a is not None and b is not None]
            row.append(SUPPRESSED if disclosure.is_small(len(deltas), d.min_cell) or not deltas
                       else round(statistics.fmean(deltas), 1))
        rows.append(row)
    sub.add(Table("reassessment-areas", "Mean change by area (points)",
                  ["Area", *[economy_name(e) for e in inputs.economies]], rows))
    sub = sec.sub("trial-lessons", "Lessons learned")
    sub.add(lessons(report, inputs))
    return sec


def _module_completion(report: Report, sec: Section, inputs, orders, label) -> None:
    """Module completion before and after the content change (by the version a module was
    opened in)."""
    sub = sec.sub("trial-modules", "Module completion before and after the content change")
    versions = inputs.usage.module_versions
    if not any(versions.values()):
        sub.add(Paragraph(f"Module completion by content version: {NO_DATA} (no module "
                          "sessions recorded)."))
        return
    rows = []
    for e in inputs.economies:
        for version, cell in sorted(versions.get(e, {}).items(),
                                    key=lambda kv: label.rank(e, kv[0])):
            hidden = cell["opened"] is None
            rate = None if hidden else pct(cell["completed"], cell["opened"])
            rows.append([economy_name(e), label(e, version), shown(cell["opened"], hidden),
                         shown(cell["completed"], hidden),
                         shown(rate if rate is not None else NO_DATA, hidden)])
            if rate is not None and version:
                report.facts[f"{e}.module_completion.{version}"] = rate
    sub.add(Paragraph(
        "A module session is one learner opening one module; it counts under the content "
        "version live when it was opened (sessions before the day version 2 came into use "
        "ran on version 1), and as completed when the learner completed the module."))
    sub.add(Table("module-versions", "Module completion by content version",
                  ["Economy", "Content version", "Module sessions opened", "Completed",
                   "Completion (%)"], rows))
    said = []
    for e in inputs.economies:
        if len(orders[e]) < 2:
            continue
        (v1, _w1), (v2, w2) = orders[e][0], orders[e][1]
        a = report.facts.get(f"{e}.module_completion.{v1}")
        b = report.facts.get(f"{e}.module_completion.{v2}")
        if a is not None and b is not None:
            said.append(f"{economy_name(e)} {a:.1f}% before the change and {b:.1f}% after it "
                        f"(version 2 from {w2:%d %B %Y}; {b - a:+.1f} points)")
            report.facts[f"{e}.module_completion.change"] = round(b - a, 1)
    if said:
        sub.add(Paragraph("Module completion: " + "; ".join(said) + ". The versions ran in "
                          "different months of the trial, so part of a difference can come "
                          "from who was learning then rather than from the content."))


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
        moved = report.facts.get(f"{e}.module_completion.change")
        if moved is not None:
            items.append(f"{economy_name(e)}: module completion changed by {moved:+.1f} "
                         "percentage points with the version 2 content; "
                         + ("keep the changes and apply them to the remaining modules."
                            if moved > 0 else
                            "the change did not help completion: review it with learners "
                            "before the next version."))
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
