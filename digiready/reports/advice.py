"""Sections: identified needs (each an area of practice with its evidence and who has it),
recommendations that follow from each economy's evidence and name its programmes, actors
and tools, and good practices (what the modules teach and the overlays support, in normal
times and in crises)."""
from __future__ import annotations

from collections import Counter

from digiready.reports.aggregate import UNKNOWN
from digiready.reports.common import OTHER_GROUPS, economy_name, labels, pct, subset_breakdown
from digiready.reports.model import (
    NO_DATA,
    SUPPRESSED,
    BulletList,
    Paragraph,
    Report,
    Section,
    Table,
)
from digiready.reports.needs import BREAKDOWNS, MIN_PREVALENCE, NEEDS_SOUGHT, Need, sufficiency_note

NOT_COLLECTED = "not yet collected"
# Words that mark a practice as one that keeps a business running through a crisis (power
# cuts, storms, lockdowns, fraud waves).
CRISIS_WORDS = ("backup", "back up", "offline", "power", "scam", "fraud", "remote", "deliver",
                "order", "cloud", "message", "phone", "protect")


def barrier_question(pack):
    """The questionnaire's barriers question (cost, skills, trust, connectivity...), when the
    pack has one: a question or profile field whose id names barriers."""
    for q in [*pack.questions, *pack.profile]:
        if "barrier" in q.id:
            return q
    return None


def needs_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("needs", f"{number} Identified needs")
    sec.add(Paragraph(
        "A need is an area of practice in which businesses score below Competent (under 40 of "
        "100). Each need is printed with its evidence: how many businesses have it and how far "
        "below they are, the practices they lack, who they are, and the barriers they name. "
        "Needs are ranked by gap × prevalence × priority: gap is how far below 100 the "
        "businesses concerned score in the area, prevalence the share of businesses with the "
        "need, priority the economy's weight for the area (set by its team in the content "
        f"overlay). A need is listed when at least {int(100 * MIN_PREVALENCE)}% of businesses "
        f"and at least {inputs.min_cell} businesses share it; at least {NEEDS_SOUGHT} are "
        "sought per economy."))
    for e in inputs.economies:
        pack, d = inputs.packs[e], inputs.data[e]
        sub = sec.sub(f"needs-{e}", f"Needs in {economy_name(e)}")
        needs = inputs.needs[e]
        report.facts[f"{e}.needs"] = len(needs)
        note = sufficiency_note(economy_name(e), needs, d.n)
        sub.add(Paragraph(note, emphasis=True) if note else Paragraph(
            f"The data support {len(needs)} needs for {economy_name(e)} (at least "
            f"{NEEDS_SOUGHT} sought)."))
        if not needs:
            continue
        sub.add(Table(f"needs-{e}", f"Ranked needs, {economy_name(e)}",
                      ["Rank", "Area of practice", "Businesses with the need", "Prevalence (%)",
                       "Mean area score", "Priority", "Rank score"],
                      [[n.rank, n.title, n.count, round(100 * n.prevalence, 1),
                        n.mean_area_score, round(n.priority, 2), round(n.score, 3)]
                       for n in needs], digits=1))
        barriers = barrier_question(pack)
        for n in needs:
            block = sub.sub(f"need-{e}-{n.rank}", f"Need {n.rank} ({e.upper()}): {n.title}")
            block.add(Paragraph(f"Evidence: {n.evidence}"))
            if n.practices:
                block.add(Table(f"need-{e}-{n.rank}-practices",
                                f"Practices lacking, {n.title}, {economy_name(e)}",
                                ["Practice lacking", "Businesses", "Of those asked",
                                 "Share (%)"],
                                [[p.label, p.count if p.count >= d.min_cell else SUPPRESSED,
                                  p.n, pct(p.count, p.n) if p.count >= d.min_cell
                                  else SUPPRESSED] for p in n.practices]))
            members = {id(r) for r in n.holders}
            facts, rows, notes = {}, [], None
            for key, title in BREAKDOWNS:
                table, shares = subset_breakdown(
                    d, pack, key, members, table_id="", caption="", what=title)
                rows += [[f"{title}: {row[0]}", *row[1:]] for row in table.rows]
                facts[key] = shares
                notes = table.notes
            block.add(Table(f"need-{e}-{n.rank}-who", f"Who has the need: {n.title}, "
                            f"{economy_name(e)}", ["Group", "Businesses", "With the need",
                                                   "Share (%)"], rows, notes=notes))
            report.facts[f"{e}.need.{n.area}.by"] = facts
            if barriers is None:
                block.add(Paragraph(f"Barriers (cost, skills, trust, connectivity): "
                                    f"{NOT_COLLECTED} — the questionnaire does not ask yet."))
            else:
                block.add(_barrier_table(e, n, barriers, d.min_cell))
    return sec


def _barrier_table(e: str, need: Need, question, k: int) -> Table:
    names = {o.id: o.label for o in question.options}
    counts: Counter = Counter()
    asked = 0
    for r in need.holders:
        value = r.answers.get(question.id, r.profile.get(question.id))
        if value is None:
            continue
        asked += 1
        for v in value if isinstance(value, list) else [value]:
            counts[str(v)] += 1
    rows = [[names.get(c, c), n if n >= k else SUPPRESSED,
             pct(n, asked) if n >= k else SUPPRESSED] for c, n in counts.most_common()]
    return Table(f"need-{e}-{need.rank}-barriers", f"Barriers named, {need.title}",
                 ["Barrier", "Businesses", "Share of those asked (%)"],
                 rows or [[NOT_COLLECTED, 0, NO_DATA]])


def _targets(need: Need, pack, facts: dict) -> list[str]:
    """Groups where the need is clearly more common than in the economy as a whole."""
    overall = 100 * need.prevalence
    out = []
    for key, _title in BREAKDOWNS:
        names = labels(pack, key)
        for group, share in (facts.get(key) or {}).items():
            if share is None or group in (UNKNOWN, OTHER_GROUPS):
                continue
            if share >= overall + 8:
                out.append((share - overall, f"{names.get(group, group).lower()} ({share:.0f}% "
                                             f"against {overall:.0f}% overall)"))
    return [text for _d, text in sorted(out, reverse=True)[:3]]


def recommendations_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("recommendations", f"{number} Recommendations")
    sec.add(Paragraph(
        "Each recommendation follows from the evidence of one need in one economy: the "
        "practices most businesses lack, the groups where the need is most common, and the "
        "programmes, public bodies, tools and training modules that the economy's content "
        "overlay links to that area. Where the overlay lists no programme for an area, the "
        "recommendation says so and names who should fill the gap."))
    for e in inputs.economies:
        pack = inputs.packs[e]
        sub = sec.sub(f"rec-{e}", f"Recommendations for {economy_name(e)}")
        needs = inputs.needs[e]
        if not needs:
            sub.add(Paragraph(f"No recommendation: no need is supported by the data ({NO_DATA})."))
            continue
        items = []
        for n in needs:
            facts = report.facts.get(f"{e}.need.{n.area}.by") or {}
            items.append(recommendation(e, pack, n, facts))
        sub.add(BulletList(items))
        report.facts[f"{e}.recommendations"] = items
    return sec


def recommendation(e: str, pack, n: Need, facts: dict) -> str:
    lack = [p for p in n.practices if p.n and p.count >= 1][:2]
    parts = [f"{n.rank}. {n.title} ({100 * n.prevalence:.0f}% of businesses below "
             "Competent)."]
    if lack:
        parts.append("Start with " + " and ".join(
            f"{p.label.split(': ')[-1].lower()} ({100 * p.share:.0f}% of those asked)"
            if ": " in p.label else f"{p.label.lower()} ({100 * p.share:.0f}%)" for p in lack)
            + ".")
    targets = _targets(n, pack, facts)
    if targets:
        parts.append("Reach first " + "; ".join(targets) + ".")
    programmes = [p for p in pack.programmes if set(p.topics) & set(n.programme_topics)]
    programmes.sort(key=lambda p: (not p.verified, p.name))
    if programmes:
        parts.append("Work through " + "; ".join(
            p.name + (f" ({p.organisation})" if p.organisation else "")
            for p in programmes[:3]) + ".")
    else:
        parts.append(f"No programme in {economy_name(e)}'s overlay covers "
                     f"{', '.join(t.replace('_', ' ') for t in n.programme_topics[:2]) or 'this area'}:"
                     " the economy team should name the agency responsible and add its "
                     "programme to the overlay.")
    laws = [item for item in pack.legislation
            if str(item.get("topic", "")) in set(n.programme_topics) | {"e_invoicing"}
            and (n.area == "operations" or item.get("topic") in n.programme_topics)]
    if laws:
        parts.append("Explain the legal duty: " + str(laws[0].get("text", "")).strip().split(". ")[0]
                     + ".")
    tools = [t for c in n.tool_categories for t in pack.tools_in(c)]
    if tools:
        parts.append("Show local tools: " + ", ".join(dict.fromkeys(t.name for t in tools[:4]))
                     + ".")
    modules = [pack.modules[m].title for m in n.modules[:2] if m in pack.modules]
    if modules:
        parts.append("Train with the modules " + " and ".join(f"'{m}'" for m in modules) + ".")
    return " ".join(parts)


def good_practices_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("good-practices", f"{number} Good practices for digital tools")
    sec.add(Paragraph(
        "Good practices are the practices the training modules teach, with the local tools "
        "and programmes each economy's overlay names to put them into effect. Those that keep "
        "a business running when the power, the network or the market fails are listed "
        "separately as practices for crises."))
    for e in inputs.economies:
        pack = inputs.packs[e]
        sub = sec.sub(f"gp-{e}", f"Good practices in {economy_name(e)}")
        normal, crisis = [], []
        needed = {n.area for n in inputs.needs[e]}
        for module in sorted(pack.modules.values(), key=lambda m: (m.dimension not in needed,
                                                                   m.title)):
            for objective in module.objectives:
                line = f"{objective} (module '{module.title}')"
                (crisis if any(w in objective.lower() for w in CRISIS_WORDS) else normal).append(
                    line)
        block = sub.sub(f"gp-{e}-normal", f"In normal times, {economy_name(e)}")
        block.add(BulletList(normal[:10]))
        block = sub.sub(f"gp-{e}-crisis", f"In crises, {economy_name(e)}")
        block.add(BulletList(crisis[:8] or [f"No crisis practice in the modules ({NO_DATA})."]))
        local = [f"{t.name}: {t.description.strip()}" for t in pack.tools
                 if t.description and t.verified][:6]
        programmes = [f"{p.name} ({p.organisation})" if p.organisation else p.name
                      for p in pack.programmes]
        block = sub.sub(f"gp-{e}-local", f"Local tools and programmes, {economy_name(e)}")
        block.add(BulletList(local or [f"No verified local tool in the overlay ({NO_DATA})."]))
        if programmes:
            block.add(Paragraph("Programmes that support these practices: "
                                + "; ".join(programmes) + "."))
    return sec
