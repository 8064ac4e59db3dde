"""Sections: identified needs (each an area of practice with its evidence and who has it),
recommendations that follow from each economy's evidence and name its programmes, actors
and tools, and good practices (what the modules teach and the overlays support, in normal
times and in crises)."""
from __future__ import annotations

import re
from collections import Counter

from digiready import disclosure
from digiready.reports.aggregate import UNKNOWN
from digiready.reports.annex import sheet_list
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
from digiready.reports.needs import (
    BREAKDOWNS,
    MIN_PREVALENCE,
    NEEDS_SOUGHT,
    Need,
    sentence_case,
    sufficiency_note,
)

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


# Needs described in the printed report, each with its evidence; the others are in the
# ranked table, and every need's full tables are in the spreadsheet annex.
NEEDS_DESCRIBED = NEEDS_SOUGHT
# A group "stands out" when its share with the need is this many points from the overall.
STANDS_OUT = 5.0
# Priority groups named for every need, whether they stand out or not.
PRIORITY_GROUPS = [("gender", "woman"), ("age_band", "under_25"), ("area", "rural"),
                   ("legal_form", "cooperative")]


def needs_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("needs", f"{number} Identified needs")
    sec.add(Paragraph(
        "A need is an area of practice in which businesses score below Competent (under 40 of "
        "100). Needs are ranked by gap × prevalence × priority: gap is how far below 100 the "
        "businesses concerned score in the area, prevalence the share of businesses with the "
        "need, priority the economy's weight for the area (set by its team in the content "
        f"overlay). A need is listed when at least {int(100 * MIN_PREVALENCE)}% of businesses "
        f"and at least {inputs.min_cell} businesses share it; at least {NEEDS_SOUGHT} are "
        f"sought per economy. The first {NEEDS_DESCRIBED} of each economy are described with "
        "their evidence: the practices lacking, the groups in which the need stands out (by "
        "gender, age band, sector, size, urban or rural, legal form) and the barriers the "
        "businesses name. Each need's full tables by group, practice and barrier are in the "
        "spreadsheet annex (XLSX), one sheet each, named below."))
    for e in inputs.economies:
        pack, d = inputs.packs[e], inputs.data[e]
        sub = sec.sub(f"needs-{e}", f"Needs in {economy_name(e)}")
        needs = inputs.needs[e]
        report.facts[f"{e}.needs"] = len(needs)
        note = sufficiency_note(economy_name(e), needs, d.n)
        if note:
            sub.add(Paragraph(note, emphasis=True))
        if not needs:
            continue
        sub.add(Table(f"needs-{e}", f"Ranked needs, {economy_name(e)}",
                      ["Rank", "Area of practice", "Businesses with the need", "Prevalence (%)",
                       "Mean area score", "Priority", "Rank score"],
                      [[n.rank, n.title, n.count, round(100 * n.prevalence, 1),
                        n.mean_area_score, round(n.priority, 2), round(n.score, 3)]
                       for n in needs], digits=1))
        barriers = barrier_question(pack)
        sheets = []
        for n in needs:
            evidence = need_evidence(report, e, pack, d, n, barriers)
            sheets += evidence.sheets
            if n.rank > NEEDS_DESCRIBED:
                continue
            block = sub.sub(f"need-{e}-{n.rank}", f"Need {n.rank} ({e.upper()}): {n.title}")
            block.add(Paragraph(evidence.evidence))
            block.add(Paragraph(evidence.who))
            block.add(Paragraph(evidence.barriers))
        rest = [n for n in needs if n.rank > NEEDS_DESCRIBED]
        sub.add(Paragraph(
            (f"Needs {rest[0].rank} to {rest[-1].rank} are in the table above. "
             if len(rest) > 1 else f"Need {rest[0].rank} is in the table above. " if rest
             else "")
            + f"Annex sheets for {economy_name(e)}: {sheet_list(sheets)}."))
    return sec


class NeedEvidence:
    """What the printed report says about one need, and the annex sheets behind it."""

    def __init__(self, evidence: str, who: str, barriers: str, sheets: list[str]):
        self.evidence, self.who, self.barriers, self.sheets = evidence, who, barriers, sheets


def need_evidence(report: Report, e: str, pack, d, n: Need, barriers) -> NeedEvidence:
    """Compute a need's evidence: its full tables go to the annex, a summary to the text."""
    k = d.min_cell
    sheets = []
    lacking = [p for p in n.practices if p.n and p.count >= k][:3]
    evidence = (f"{n.count} of {n.n} businesses ({100 * n.prevalence:.1f}%) score below "
                f"Competent in this area; their mean score in it is "
                + (f"{n.mean_area_score:.1f}/100." if n.mean_area_score is not None
                   else "not computed."))
    if lacking:
        evidence += " Practices most lacking (share of the businesses asked): " + "; ".join(
            f"{p.phrase}, {100 * p.share:.0f}%" for p in lacking) + "."
    if n.practices:
        report.to_annex(Table(
            f"need-{e}-{n.rank}-practices", f"Practices lacking, {n.title}, {economy_name(e)}",
            ["Practice lacking", "Businesses", "Of those asked", "Share (%)"],
            [[p.label, p.count if p.count >= k else SUPPRESSED, p.n,
              pct(p.count, p.n) if p.count >= k else SUPPRESSED] for p in n.practices]))
        sheets.append(f"need-{e}-{n.rank}-practices")
    members = {id(r) for r in n.holders}
    facts, rows, notes = {}, [], None
    for key, title in BREAKDOWNS:
        table, shares = subset_breakdown(d, pack, key, members, table_id="", caption="",
                                         what=title)
        rows += [[f"{title}: {row[0]}", *row[1:]] for row in table.rows]
        facts[key] = shares
        notes = table.notes
    report.to_annex(Table(f"need-{e}-{n.rank}-who",
                          f"Who has the need: {n.title}, {economy_name(e)}",
                          ["Group", "Businesses", "With the need", "Share (%)"], rows,
                          notes=notes))
    sheets.append(f"need-{e}-{n.rank}-who")
    report.facts[f"{e}.need.{n.area}.by"] = facts
    who = who_summary(pack, n, facts)
    if barriers is None:
        said = (f"Barriers (cost, skills, trust, connectivity): {NOT_COLLECTED} — the "
                "questionnaire does not ask yet.")
    else:
        table, said = _barriers(e, n, barriers, k)
        report.to_annex(table)
        sheets.append(table.id)
    return NeedEvidence(evidence, who, said, sheets)


def who_summary(pack, n: Need, facts: dict) -> str:
    """Which groups stand out (the need clearly more or less common than overall), the
    priority groups' shares, and how many groups are suppressed."""
    overall = 100 * n.prevalence
    above, below, hidden = [], [], 0
    priority: list[str] = []
    men = None
    for key, _title in BREAKDOWNS:
        names = labels(pack, key)
        for group, share in (facts.get(key) or {}).items():
            if group in (UNKNOWN,):
                continue
            if share is None:
                hidden += 1
                continue
            if group == OTHER_GROUPS:
                continue
            name = group_phrase(key, group, names.get(group, group))
            if (key, group) in PRIORITY_GROUPS:
                priority.append(f"{name} {share:.0f}%")
            if (key, group) == ("gender", "man"):
                men = share
            if share >= overall + STANDS_OUT:
                above.append((share - overall, f"{name} ({share:.0f}%)"))
            elif share <= overall - STANDS_OUT:
                below.append((overall - share, f"{name} ({share:.0f}%)"))
    parts = [f"Who has it ({overall:.0f}% overall):"]
    if above:
        parts.append("more common among " + ", ".join(t for _d, t in sorted(above, reverse=True)[:4])
                     + ";")
    if below:
        parts.append("less common among " + ", ".join(t for _d, t in sorted(below, reverse=True)[:3])
                     + ";")
    if not above and not below:
        parts.append(f"no group differs from the overall share by {STANDS_OUT:.0f} points or "
                     "more;")
    if priority:
        if men is not None and priority[0].startswith("women-led"):
            priority[0] += f" (men-led {men:.0f}%)"
        parts.append("priority groups: " + ", ".join(priority) + ".")
    text = " ".join(parts).rstrip(";") + ("" if parts[-1].endswith(".") else ".")
    if hidden:
        text += (f" {hidden} group(s) suppressed (fewer than the small-group threshold, or "
                 "hidden so that none can be worked out from the totals).")
    return text


# How a sentence names a group of the business profile (the profile's own labels are
# questions' answers: "Just me", "Town or city").
GROUP_PHRASES = {
    ("gender", "woman"): "women-led businesses", ("gender", "man"): "men-led businesses",
    ("gender", "other"): "owners of another gender",
    ("gender", "prefer_not"): "owners who did not state their gender",
    ("size", "sole"): "one-person businesses",
    ("size", "micro"): "micro businesses of 2 to 9 people",
    ("size", "small"): "small businesses of 10 to 49 people",
    ("size", "medium"): "medium businesses of 50 to 249 people",
    ("area", "urban"): "businesses in towns or cities", ("area", "rural"): "rural businesses",
    ("legal_form", "cooperative"): "cooperatives",
    ("legal_form", "informal"): "informal businesses",
    ("legal_form", "sole_proprietor"): "registered sole proprietors",
}


def group_phrase(key: str, group: str, label: str) -> str:
    """A group as a sentence names it ("women-led businesses", "owners aged 25 to 34")."""
    if (key, group) in GROUP_PHRASES:
        return GROUP_PHRASES[(key, group)]
    if key == "age_band":
        return f"owners aged {sentence_case(label)}"
    if key == "sector":
        return sentence_case(label.split(" (")[0])
    if key == "legal_form":
        return f"{sentence_case(label)} (legal form)"
    return sentence_case(label)


def _barriers(e: str, need: Need, question, k: int) -> tuple[Table, str]:
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
    table = Table(f"need-{e}-{need.rank}-barriers", f"Barriers named, {need.title}",
                  ["Barrier", "Businesses", "Share of those asked (%)"],
                  rows or [[NOT_COLLECTED, 0, NO_DATA]])
    shown_ = [(names.get(c, c), n) for c, n in counts.most_common()
              if n >= k and c != "none"][:3]
    if not asked:
        said = f"Barriers named: {NOT_COLLECTED} for these businesses."
    elif disclosure.is_small(asked, k):
        said = f"Barriers named: {SUPPRESSED} (too few of these businesses were asked)."
    else:
        said = (f"Barriers named by the {asked} asked: "
                + ("; ".join(f"{_first_words(b)} {100 * c / asked:.0f}%" for b, c in shown_)
                   if shown_ else "none by enough businesses to report") + ".")
    return table, said


def _first_words(label: str) -> str:
    """A barrier's label inside a sentence, without its examples in parentheses."""
    return sentence_case(label.split(" (")[0])


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
                name = group_phrase(key, group, names.get(group, group))
                out.append((share - overall,
                            f"{name} ({share:.0f}% against {overall:.0f}% overall)"))
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
        sub.add(BulletList(items[:NEEDS_DESCRIBED]))
        report.facts[f"{e}.recommendations"] = items
        if len(items) > NEEDS_DESCRIBED:
            sheet = report.to_annex(Table(
                f"rec-{e}", f"Recommendations for every need, {economy_name(e)}",
                ["Rank", "Need", "Recommendation"],
                [[n.rank, n.title, text] for n, text in zip(needs, items, strict=True)]))
            sub.add(Paragraph(f"The recommendations for needs {NEEDS_DESCRIBED + 1} to "
                              f"{len(items)} are in the {sheet}."))
    return sec


def recommendation(e: str, pack, n: Need, facts: dict) -> str:
    lack = [p for p in n.practices if p.n and p.count >= 1][:2]
    parts = [f"{n.rank}. {n.title} ({100 * n.prevalence:.0f}% of businesses below "
             "Competent)."]
    if lack:
        parts.append("Start with the practices most lacking: " + "; ".join(
            f"{p.phrase} ({100 * p.share:.0f}% of those asked)" for p in lack) + ".")
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
        parts.append("Explain the legal duty: " + first_sentence(str(laws[0].get("text", "")))
                     + ".")
    tools = [t for c in n.tool_categories for t in pack.tools_in(c)]
    if tools:
        parts.append("Show local tools: " + ", ".join(dict.fromkeys(t.name for t in tools[:4]))
                     + ".")
    modules = [pack.modules[m].title for m in n.modules[:2] if m in pack.modules]
    if modules:
        parts.append("Train with the modules " + " and ".join(f"'{m}'" for m in modules) + ".")
    return " ".join(parts)


SENTENCE_END = re.compile(r"(?<=[\w)]{2}[.])\s+(?=[A-ZÁÉÍÓÚÑ¿¡])")


def first_sentence(text: str) -> str:
    """The first sentence of a note, not cut at an abbreviation ("D.S.", "R.S.")."""
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0].rstrip(".")


def good_practices_section(report: Report, inputs, number: str) -> Section:
    """The practices the modules teach (the same modules serve every economy, so they are
    listed once, those addressing more economies' needs first), split into normal times and
    crises; then, per economy, the local tools and programmes that put them into effect."""
    sec = report.section("good-practices", f"{number} Good practices for digital tools")
    sec.add(Paragraph(
        "Good practices are the practices the training modules teach, with the local tools "
        "and programmes each economy's overlay names to put them into effect. Those that keep "
        "a business running when the power, the network or the market fails are listed "
        "separately as practices for crises. The economies whose identified needs a practice "
        "addresses are named with it."))
    modules: dict[str, tuple] = {}
    for e in inputs.economies:
        needed = {n.area for n in inputs.needs[e]}
        for module in inputs.packs[e].modules.values():
            entry = modules.setdefault(module.id, (module, set()))
            if module.dimension in needed:
                entry[1].add(e)
    normal, crisis = [], []
    for module, economies in sorted(modules.values(), key=lambda m: (-len(m[1]), m[0].title)):
        where = (" — needed in " + ", ".join(economy_name(e) for e in inputs.economies
                                            if e in economies)) if economies else ""
        for objective in module.objectives:
            line = f"{objective} (module '{module.title}'{where})"
            (crisis if any(w in objective.lower() for w in CRISIS_WORDS) else normal).append(
                line)
    block = sec.sub("gp-normal", "In normal times")
    block.add(BulletList(normal[:10] or [f"No practice in the modules ({NO_DATA})."]))
    block = sec.sub("gp-crisis", "In crises: practices that keep a business running")
    block.add(BulletList(crisis[:8] or [f"No crisis practice in the modules ({NO_DATA})."]))
    sub = sec.sub("gp-local", "Local tools and programmes that put them into effect")
    items = []
    for e in inputs.economies:
        pack = inputs.packs[e]
        tools = [t.name for t in pack.tools if t.verified][:8]
        programmes = [f"{p.name} ({p.organisation})" if p.organisation else p.name
                      for p in pack.programmes][:5]
        items.append(f"{economy_name(e)}: "
                     + (f"local tools {', '.join(tools)}" if tools
                        else f"no verified local tool in the overlay ({NO_DATA})")
                     + ("; programmes " + "; ".join(programmes) if programmes else
                        "; no support programme in the overlay yet")
                     + ".")
    sub.add(BulletList(items))
    return sec
