"""The symposium report's sections: the event as it happened (programme, dates, speakers),
who registered and who came (economy, sector, public or private, gender), attendance per
session, networking, the evaluation (satisfaction, relevance, speakers, NPS, response rate,
then-post knowledge gain per learning objective) and the participants' recommendations
grouped by theme.

The data come from the event adapter that registered a symposium source
(:mod:`digiready.adapters`, :class:`digiready.symposium.SymposiumData`); the reports know
nothing of how it stores them. Every breakdown follows the one small-group rule.
"""
from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from zoneinfo import ZoneInfo

from digiready import disclosure
from digiready.reports import charts
from digiready.reports.common import OTHER_GROUPS, economy_name, pct, shown
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
from digiready.symposium import SymposiumData, nps

NOT_COLLECTED = "not yet collected"
ORG_TYPE_NAMES = {"public": "Public sector", "private": "Private sector", "other": "Other"}
GENDER_NAMES = {"woman": "Women", "man": "Men", "another": "Another gender",
                "undisclosed": "Not stated"}
# Themes of the participants' recommendations, by the words that mark them.
THEMES = [
    ("Inclusion of women, youth and cooperatives", ("women", "cooperative", "youth", "rural")),
    ("Language and accessibility", ("language", "caption", "interpret", "spanish",
                                     "vietnamese", "translat", "slides")),
    ("Interaction and questions", ("question", "q&a", "discussion")),
    ("Topics to add", ("session on", "workshop", "qr", "e-invoicing", "clinic", "payment")),
    ("Follow-up and financing", ("follow", "connect", "financ", "after the event", "programme")),
    ("Connectivity and format", ("connection", "short", "slow", "recording", "time", "online")),
]


def load_symposium(url: str | None) -> SymposiumData | None:
    """The symposium from the first registered source that has one."""
    from digiready.adapters import registry

    for _adapter, source in registry().symposium_sources:
        data = source(url)
        if data is not None:
            return data
    return None


def _mean(values: list[int]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def theme_of(text: str) -> str:
    lowered = text.lower()
    for theme, words in THEMES:
        if any(w in lowered for w in words):
            return theme
    return "Other suggestions"


def _when(data: SymposiumData, moment) -> str:
    return moment.astimezone(ZoneInfo(data.timezone)).strftime("%H:%M")


def event_section(report: Report, data: SymposiumData, as_of: date) -> Section:
    sec = report.section("symposium-event", "1. The symposium")
    held = data.held_by(as_of)
    dates = (f"{data.starts_on:%d %B %Y} to {data.ends_on:%d %B %Y}"
             if data.starts_on else NO_DATA)
    sec.add(Paragraph(
        f"{data.title}: {len(data.days)} days, {dates}, online. Times are given in the "
        f"event's time zone ({data.timezone}). {data.description}".strip()))
    if not held:
        sec.add(Paragraph(
            f"The symposium has not taken place yet (report date {as_of:%d %B %Y}): "
            "registrations are reported as they stand, attendance and the evaluation are "
            f"{NOT_COLLECTED}.", emphasis=True))
    report.facts["symposium.held"] = held
    sub = sec.sub("symposium-programme", "Programme")
    day_dates = {d.number: d.date for d in data.days}
    rows = []
    for s in data.sessions:
        rows.append([f"Day {s.day}", f"{day_dates.get(s.day, NO_DATA)}",
                     f"{_when(data, s.starts_at)}-{_when(data, s.ends_at)}", s.title,
                     s.kind, ", ".join(s.speakers) or "none"])
    sub.add(Table("sym-programme", "Programme as held", ["Day", "Date", "Time", "Session",
                                                         "Format", "Speakers"], rows))
    report.facts["symposium.sessions"] = len(data.sessions)
    sub = sec.sub("symposium-speakers", "Speakers")
    sub.add(Table("sym-speakers", "Speakers", ["Speaker", "Position", "Organisation",
                                               "Economy"],
                  [[p.name, p.position, p.organisation, economy_name(p.economy)]
                   for p in data.speakers]))
    return sec


def _breakdown(regs, key, names, k) -> list[list]:
    """Counts by one category; the groups below the small-group threshold are merged into
    one "other groups" line first (so that two tiny groups do not force a large one to be
    hidden as their complement), then the lines are protected as one additive set."""
    counts = Counter(getattr(r, key) or "not stated" for r in regs)
    small = [c for c, n in counts.items() if disclosure.is_small(n, k)]
    if len(small) >= 2:
        merged = sum(counts.pop(c) for c in small)
        counts[OTHER_GROUPS] = merged
    hidden = disclosure.protect(dict(counts), k)
    total = len(regs)
    label = lambda c: OTHER_GROUPS if c == OTHER_GROUPS else names(c)  # noqa: E731
    return [[label(c), shown(n, c in hidden), shown(pct(n, total), c in hidden)]
            for c, n in counts.most_common()]


def participation_section(report: Report, data: SymposiumData, k: int, held: bool) -> Section:
    sec = report.section("symposium-participation", "2. Registration and participation")
    status = Counter(r.status for r in data.registrations)
    confirmed = [r for r in data.registrations if r.confirmed]
    report.facts["symposium.registered"] = len(data.registrations)
    report.facts["symposium.confirmed"] = len(confirmed)
    sec.add(Table("sym-status", "Registrations by status", ["Status", "Registrations"],
                  [[s, shown(n, disclosure.is_small(n, k))] for s, n in status.most_common()]
                  + [["capacity (seats)", data.capacity if data.capacity else NO_DATA]]))
    names = {"economy": economy_name,
             "sector": lambda c: data.sector_labels.get(c, c),
             "org_type": lambda c: ORG_TYPE_NAMES.get(c, c),
             "gender": lambda c: GENDER_NAMES.get(c, c)}
    sub = sec.sub("symposium-who-registered", "Who registered (confirmed registrants)")
    for key, title in (("economy", "Economy"), ("sector", "Type of organisation"),
                       ("org_type", "Public or private"), ("gender", "Gender")):
        sub.add(Table(f"sym-reg-{key}", f"Confirmed registrants by {title.lower()}",
                      [title, "Registrants", "Share (%)"],
                      _breakdown(confirmed, key, names[key], k)))
    if all(r.gender == "undisclosed" for r in confirmed):
        sub.add(Paragraph("Gender: not recorded by the registration form for these "
                          "registrants."))
    sub = sec.sub("symposium-attendance", "Attendance per session")
    attended = [r for r in data.registrations if r.attended]
    if not held:
        sub.add(Paragraph(f"Attendance: {NOT_COLLECTED} (the event has not taken place)."))
    elif not attended:
        sub.add(Paragraph(f"Attendance: {NOT_COLLECTED} — the portal recorded no session joins "
                          "for this event."))
    else:
        rows, points = [], []
        for s in data.sessions:
            n = sum(1 for r in data.registrations if s.id in r.sessions_joined)
            small = disclosure.is_small(n, k)
            rows.append([s.title, f"Day {s.day}", shown(n, small),
                         shown(pct(n, len(confirmed)), small)])
            if not small:
                points.append((s.title, float(n)))
        report.facts["symposium.attended"] = len(attended)
        sub.add(Figure("fig-sym-attendance", "Participants per session",
                       charts.bar_chart_svg(points, title="Participants per session",
                                            chart_id="sym-att",
                                            max_value=max([v for _t, v in points] or [1])),
                       "Bar chart. Participants per session: " + "; ".join(
                           f"{t} {int(v)}" for t, v in points) + ".",
                       Table("sym-attendance", "Participants per session",
                             ["Session", "Day", "Participants", "Of confirmed (%)"], rows)))
        sub = sec.sub("symposium-who-came", "Who came (joined at least one session)")
        for key, title in (("economy", "Economy"), ("sector", "Type of organisation"),
                           ("org_type", "Public or private"), ("gender", "Gender")):
            sub.add(Table(f"sym-came-{key}", f"Participants by {title.lower()}",
                          [title, "Participants", "Share (%)"],
                          _breakdown(attended, key, names[key], k)))
    sub = sec.sub("symposium-networking", "Networking")
    if data.networking:
        sub.add(Table("sym-networking", "Networking (directory and meeting requests)",
                      ["Figure", "Count"],
                      [[name, shown(n, disclosure.is_small(n, k))]
                       for name, n in data.networking.items()]))
    else:
        sub.add(Paragraph(f"Networking figures: {NO_DATA}."))
    return sec


def evaluation_section(report: Report, data: SymposiumData, k: int, held: bool) -> Section:
    sec = report.section("symposium-evaluation", "3. Evaluation results")
    answers = data.evaluations
    if not held or not answers:
        sec.add(Paragraph(f"Evaluation: {NOT_COLLECTED}" + (
            " (the event has not taken place)." if not held else
            " — no evaluation response has been recorded.")))
        return sec
    rate = pct(len(answers), data.invited)
    report.facts.update({"symposium.responses": len(answers), "symposium.response_rate": rate})
    sec.add(Paragraph(
        f"{len(answers)} anonymous evaluations from {data.invited} confirmed participants: a "
        f"response rate of {rate}%. Kirkpatrick level 1 (satisfaction, relevance, speakers; "
        "1 to 5), Net Promoter Score (promoters 9-10 minus detractors 0-6), and level 2 as a "
        "then-post self-rating per learning objective (knowledge before and now, 1 to 5)."))
    if disclosure.is_small(len(answers), k):
        sec.add(Paragraph(f"Too few evaluations to report ({SUPPRESSED})."))
        return sec
    overall = {"satisfaction": _mean([a.satisfaction for a in answers]),
               "relevance": _mean([a.relevance for a in answers]),
               "speakers": _mean([a.speakers for a in answers]),
               "nps": nps([a.nps for a in answers])}
    report.facts.update({f"symposium.{key}": v for key, v in overall.items()})
    rows = [["All participants", len(answers), overall["satisfaction"], overall["relevance"],
             overall["speakers"], overall["nps"]]]
    groups: dict[str, list] = {}
    for a in answers:
        groups.setdefault(a.economy or "not stated", []).append(a)
    hidden = disclosure.protect({g: len(v) for g, v in groups.items()}, k)
    points = []
    for g, v in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        if g in hidden:
            rows.append([economy_name(g), *[SUPPRESSED] * 5])
            continue
        sat = _mean([a.satisfaction for a in v])
        rows.append([economy_name(g), len(v), sat, _mean([a.relevance for a in v]),
                     _mean([a.speakers for a in v]), nps([a.nps for a in v])])
        points.append((economy_name(g), sat or 0.0))
    title = "Mean satisfaction by economy (1-5)"
    sec.add(Figure("fig-sym-satisfaction", title,
                   charts.bar_chart_svg(points, title=title, max_value=5, chart_id="sym-sat"),
                   f"Bar chart. {title}: " + "; ".join(f"{t} {v:.2f}" for t, v in points) + ".",
                   Table("sym-results", "Evaluation results (means 1-5; NPS -100 to 100)",
                         ["Group", "Responses", "Satisfaction", "Relevance", "Speakers", "NPS"],
                         rows, digits=2)))
    sub = sec.sub("symposium-objectives", "Knowledge gain per learning objective")
    orow, opoints = [], []
    for oid, text in data.objectives.items():
        pairs = [a.ratings[oid] for a in answers if oid in a.ratings]
        if disclosure.is_small(len(pairs), k) or not pairs:
            orow.append([text, shown(len(pairs), bool(pairs)), SUPPRESSED if pairs else NO_DATA,
                         SUPPRESSED if pairs else NO_DATA, SUPPRESSED if pairs else NO_DATA])
            continue
        before = _mean([p[0] for p in pairs])
        after = _mean([p[1] for p in pairs])
        up = round(100 * sum(1 for b, a in pairs if a > b) / len(pairs), 1)
        orow.append([text, len(pairs), before, after, up])
        opoints.append((text, up))
        report.facts[f"symposium.objective.{oid}.increased"] = up
    title = "Share of participants whose knowledge increased, by objective (%)"
    sub.add(Figure("fig-sym-objectives", title,
                   charts.bar_chart_svg(opoints, title=title, chart_id="sym-obj", unit="%"),
                   f"Bar chart. {title}: " + "; ".join(f"{t} {v:.1f}%" for t, v in opoints)
                   + ".",
                   Table("sym-objectives", "Self-rated knowledge before and now (1-5)",
                         ["Learning objective", "Responses", "Before", "Now",
                          "Increased (%)"], orow, digits=2)))
    sub = sec.sub("symposium-recommendations", "Participants' recommendations, by theme")
    comments = [a.recommendation.strip() for a in answers if a.recommendation.strip()]
    themes: dict[str, list[str]] = {}
    for c in comments:
        themes.setdefault(theme_of(c), []).append(c)
    trows = []
    for theme, texts in sorted(themes.items(), key=lambda kv: -len(kv[1])):
        small = disclosure.is_small(len(texts), k)
        examples = [t for t, _n in Counter(texts).most_common(3)]
        trows.append([theme, shown(len(texts), small),
                      SUPPRESSED if small else " / ".join(examples)])
    sub.add(Table("sym-themes", "Recommendations grouped by theme",
                  ["Theme", "Comments", "Most frequent recommendations"], trows,
                  notes=f"{len(comments)} of {len(answers)} evaluations include a "
                        "recommendation. Themes with fewer comments than the small-group "
                        "threshold are counted but not quoted."))
    report.facts["symposium.themes"] = {t: len(v) for t, v in themes.items()}
    return sec


def conclusions(report: Report, data: SymposiumData | None) -> Section:
    sec = report.section("conclusions", "5. Conclusions")
    items = []
    if data is None:
        items.append(f"No symposium data ({NO_DATA}).")
    else:
        if report.facts.get("symposium.satisfaction") is not None:
            items.append(f"Participants rated the symposium {report.facts['symposium.satisfaction']:.2f} "
                         f"of 5 for satisfaction and {report.facts['symposium.relevance']:.2f} for "
                         f"relevance, with a Net Promoter Score of {report.facts['symposium.nps']:+.0f}.")
        gains = {oid: report.facts.get(f"symposium.objective.{oid}.increased")
                 for oid in data.objectives}
        gains = {k: v for k, v in gains.items() if v is not None}
        if gains:
            best = max(gains, key=gains.get)
            worst = min(gains, key=gains.get)
            items.append(f"Knowledge increased most for '{data.objectives[best]}' "
                         f"({gains[best]:.0f}% of respondents) and least for "
                         f"'{data.objectives[worst]}' ({gains[worst]:.0f}%): the latter needs "
                         "more time or a follow-up session.")
        themes = report.facts.get("symposium.themes") or {}
        if themes:
            top = max(themes, key=themes.get)
            items.append(f"The most frequent recommendation theme was '{top.lower()}' "
                         f"({themes[top]} comments): the next edition should act on it.")
        if report.facts.get("symposium.response_rate") is not None:
            items.append(f"The evaluation response rate was {report.facts['symposium.response_rate']}%.")
        if not items:
            items.append(f"Attendance and evaluation are {NOT_COLLECTED}.")
    sec.add(BulletList(items))
    return sec
