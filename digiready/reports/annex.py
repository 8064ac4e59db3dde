"""The annex: data tables behind the report (DII items, answers by question, indicator
sources). A question is counted only for the businesses that were shown it: a
cooperative-only question is asked of cooperatives, not of everyone."""
from __future__ import annotations

from collections import Counter

from digiready import disclosure
from digiready.reports.common import economy_name
from digiready.reports.model import NO_DATA, SUPPRESSED, Report, Section, Table


def annex_section(report: Report, inputs, letter: str, *, answers: bool = True) -> Section:
    sec = report.section("annex", f"Annex {letter}. Data tables")
    pack = next(iter(inputs.packs.values()))
    sub = sec.sub("annex-dii-items", "Digital Intensity Index items")
    rows = []
    for item in pack.dii_items:
        rows.append([item.label, *[inputs.data[e].dii_item_share().get(item.id, 0.0)
                                   for e in inputs.economies]])
    sub.add(Table("dii-items", "Share of businesses with each DII item (%)",
                  ["Item", *[economy_name(e) for e in inputs.economies]], rows))
    if answers:
        for e in inputs.economies:
            answer_tables(sec, inputs, e)
    sub = sec.sub("annex-sources", "Indicator sources and licences")
    sub.add(Table("ind-sources", "Every open indicator value shipped",
                  ["Economy", "Code", "Year", "Value", "Unit", "Source", "Licence"],
                  [[economy_name(r.economy), r.code,
                    str(r.year) if r.year else "year not stated",
                    r.value if r.value is not None else NO_DATA, r.unit, r.source, r.licence]
                   for r in inputs.indicators], digits=2))
    return sec


def answer_tables(sec: Section, inputs, economy: str) -> None:
    """Answer distribution per question among the businesses shown it."""
    pack = inputs.packs[economy]
    d = inputs.data[economy]
    visible = d.visible(pack)
    sub = sec.sub(f"annex-answers-{economy}", f"Answers by question, {economy_name(economy)}")
    rows = []
    for q in pack.questions:
        shown_to = [r for r, seen in zip(d.responses, visible, strict=True) if q.id in seen]
        answered = [r.answers[q.id] for r in shown_to if q.id in r.answers]
        n = len(answered)
        if disclosure.is_small(len(shown_to), d.min_cell) or disclosure.is_small(n, d.min_cell):
            rows.append([q.text, SUPPRESSED, SUPPRESSED, SUPPRESSED])
            continue
        if not n:
            rows.append([q.text, len(shown_to), 0, NO_DATA])
            continue
        counts: Counter = Counter()
        for a in answered:
            for v in (a if isinstance(a, list) else [a]):
                counts[str(v)] += 1
        labels = {o.id: o.label for o in q.options}
        labels.update({"yes": "Yes", "partly": "Partly", "no": "No", "na": "Not applicable"}
                      if q.type == "yesno" else {"na": "Not applicable"})
        if q.type == "scale":
            labels = {str(k): f"{k} {v}" for k, v in pack.scale_labels.items()} | {
                "na": "Not applicable"}
        # A checklist's options do not add up to n; single answers do: protect those.
        hidden = (disclosure.protect(dict(counts), d.min_cell) if q.type != "checklist"
                  else {k for k, c in counts.items() if disclosure.is_small(c, d.min_cell)})
        dist = "; ".join(
            f"{labels.get(k, k)} " + ("suppressed" if k in hidden else f"{100 * c / n:.0f}%")
            for k, c in sorted(counts.items(), key=lambda kv: -kv[1]))
        rows.append([q.text, len(shown_to), n, dist])
    sub.add(Table(f"answers-{economy}", f"Answers by question, {economy_name(economy)}",
                  ["Question", "Shown to", "Answered", "Distribution"], rows,
                  notes="Shown to: businesses the questionnaire asked (skip rules applied). "
                        "Shares are of those who answered."))
