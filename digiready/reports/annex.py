"""The annex: data tables behind the report (DII items, answers by question, indicator
sources). A question is counted only for the businesses that were shown it: a
cooperative-only question is asked of cooperatives, not of everyone."""
from __future__ import annotations

import re
from collections import Counter

from digiready import disclosure
from digiready.reports.common import economy_name
from digiready.reports.model import NO_DATA, SUPPRESSED, Paragraph, Report, Section, Table


def annex_section(report: Report, inputs, letter: str, *, answers: bool = True) -> Section:
    """The printed annex lists the spreadsheet annex's sheets; the tables themselves (answers
    by question, each need's tables by group...) are in the XLSX, where they can be sorted
    and reused, instead of tens of printed pages."""
    sec = report.section("annex", f"Annex {letter}. Data tables")
    pack = next(iter(inputs.packs.values()))
    rows = []
    for item in pack.dii_items:
        rows.append([item.label, *[inputs.data[e].dii_item_share().get(item.id, 0.0)
                                   for e in inputs.economies]])
    report.to_annex(Table("dii-items", "Share of businesses with each DII item (%)",
                          ["Item", *[economy_name(e) for e in inputs.economies]], rows))
    if answers:
        for e in inputs.economies:
            answer_tables(report, inputs, e)
    sec.add(Paragraph(
        "The spreadsheet annex (the XLSX file published with this report) holds every table "
        "printed here and the detailed tables below, one sheet each (the sheet's name is "
        "given in the text where a table is referred to). The same small-group rule applies "
        "to them."))
    families: dict[str, list[Table]] = {}
    for t in report.annex:
        families.setdefault(NUMBER.sub("-N-", t.id, count=1), []).append(t)
    rows = []
    for family, tables in families.items():
        if len(tables) == 1:
            rows.append([tables[0].id, tables[0].caption])
            continue
        numbers = sorted(int(NUMBER.search(t.id).group(1)) for t in tables)  # type: ignore[union-attr]
        rows.append([f"{family} (N = {_ranges(numbers)})",
                     re.split(r"[:,]", tables[0].caption)[0] + " (one sheet for each need N)"])
    sec.add(Table("annex-sheets", "Detailed tables in the spreadsheet annex only",
                  ["Sheet", "Table"], rows))
    return sec


NUMBER = re.compile(r"-(\d+)-")


def sheet_list(ids: list[str]) -> str:
    """Sheet names as a sentence lists them: a numbered family once ("need-pe-N-who for N =
    1 to 9")."""
    families: dict[str, list[int]] = {}
    for sheet in ids:
        match = NUMBER.search(sheet)
        key = NUMBER.sub("-N-", sheet, count=1) if match else sheet
        families.setdefault(key, []).append(int(match.group(1)) if match else 0)
    parts = []
    for key, numbers in families.items():
        if "-N-" not in key:
            parts.append(key)
        elif len(numbers) == 1:
            parts.append(key.replace("-N-", f"-{numbers[0]}-"))
        else:
            parts.append(f"{key} (N = {_ranges(sorted(numbers))})")
    return ", ".join(parts)


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 → "1 to 3, 5"."""
    out, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(str(n) if start == n else f"{start}, {n}" if n == start + 1
                       else f"{start} to {n}")
            start = None
    return ", ".join(out)


def answer_tables(report: Report, inputs, economy: str) -> None:
    """Answer distribution per question among the businesses shown it: one row per answer,
    counts and shares as numbers (a spreadsheet sorts and charts them)."""
    pack = inputs.packs[economy]
    d = inputs.data[economy]
    # One pass over the responses: each question's businesses shown it, and their answers.
    shown: Counter = Counter()
    given: dict[str, list] = {}
    for r, seen in zip(d.responses, d.visible(pack), strict=True):
        shown.update(seen)
        for qid in seen:
            if qid in r.answers:
                given.setdefault(qid, []).append(r.answers[qid])
    rows = []
    for q in pack.questions:
        shown_to = shown[q.id]
        answered = given.get(q.id, [])
        n = len(answered)
        if disclosure.is_small(shown_to, d.min_cell) or disclosure.is_small(n, d.min_cell):
            rows.append([q.text, SUPPRESSED, SUPPRESSED, "", SUPPRESSED, SUPPRESSED])
            continue
        if not n:
            rows.append([q.text, shown_to, 0, "", NO_DATA, NO_DATA])
            continue
        counts: Counter = Counter()
        for a in answered:
            for v in (a if isinstance(a, list) else [a]):
                counts[str(v)] += 1
        labels = {o.id: o.label for o in q.options}
        labels.update({"yes": "Yes", "partly": "Partly", "no": "No", "na": "Not applicable"}
                      if q.type == "yesno" else {"na": "Not applicable"})
        if q.type == "scale":
            labels = {str(k): f"{k} {v}" for k, v in pack.scale_labels_for(q).items()} | {
                "na": "Not applicable"}
        # A checklist's options do not add up to n; single answers do: protect those.
        hidden = (disclosure.protect(dict(counts), d.min_cell) if q.type != "checklist"
                  else {k for k, c in counts.items() if disclosure.is_small(c, d.min_cell)})
        for k, c in sorted(counts.items(), key=lambda kv: -kv[1]):
            rows.append([q.text, shown_to, n, labels.get(k, k),
                         SUPPRESSED if k in hidden else c,
                         SUPPRESSED if k in hidden else round(100 * c / n, 1)])
    report.to_annex(Table(
        f"answers-{economy}", f"Answers by question, {economy_name(economy)}",
        ["Question", "Shown to", "Answered", "Answer", "Businesses", "Share (%)"], rows,
        notes="Shown to: businesses the questionnaire asked (skip rules applied). Shares are "
              "of those who answered; a checklist's answers add up to more than 100%."))
