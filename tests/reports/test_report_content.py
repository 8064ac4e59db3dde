"""What a funder's reviewer reads beyond the section titles: recommendations that follow from
each economy's evidence and name its overlay's programmes, good practices that are practices,
the DOCX as a Word user opens it (A4, contents, page numbers, charts with alt text), the XLSX
annex's numbers as numbers, exactly what is synthetic in mixed data, and the one figure
printed twice explained."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from tests.reports.conftest import ECONOMIES, KINDS


@pytest.mark.parametrize("kind", ["needs-assessment", "final"])
def test_recommendations_follow_each_economys_evidence_and_overlay(built, kind):
    from digiready.packs import load_pack

    report = built.reports[kind]
    by_area: dict[str, dict[str, str]] = {}
    for e in ECONOMIES:
        pack = load_pack(None, e, "en")
        names = {p.name for p in pack.programmes}
        items = report.facts[f"{e}.recommendations"]
        needs = next(t for t in report.tables() if t.id == f"needs-{e}")
        assert len(items) == len(needs.rows) >= 5
        for row, text_ in zip(needs.rows, items, strict=True):
            title, share = row[1], row[3]
            # The need's own evidence: its area and its prevalence as the table prints it.
            assert text_.startswith(f"{row[0]}. {title} ({float(share):.0f}% of businesses")
            assert "`" not in text_ and "no programme listed" not in text_
            named = [n for n in names if n in text_]
            assert named or "No programme in " in text_, (e, text_)
            by_area.setdefault(title, {})[e] = text_.split(")", 1)[1]
    # Where two economies share a need, the evidence differs, and so does the advice.
    shared = {area: texts for area, texts in by_area.items() if len(texts) > 1}
    assert shared
    for area, texts in shared.items():
        assert len(set(texts.values())) == len(texts), area
    # No template sentence repeated across the report.
    every = [t for e in ECONOMIES for t in report.facts[f"{e}.recommendations"]]
    assert len(set(every)) == len(every)


def test_good_practices_are_the_modules_practices(built):
    from digiready.packs import load_pack

    report = built.reports["final"]
    objectives = {o for m in load_pack(None, "pe", "en").modules.values() for o in m.objectives}
    section = next(s for s in report.sections if s.id == "good-practices")
    lists = {sub.id: [i for b in sub.blocks for i in getattr(b, "items", [])]
             for sub in section.subsections}
    for key in ("gp-normal", "gp-crisis"):
        assert lists[key]
        for item in lists[key]:
            assert any(item.startswith(o + " (module '") for o in objectives), item


@pytest.mark.parametrize("kind", KINDS)
def test_docx_is_a4_with_contents_page_numbers_and_charts(built, kind):
    from docx import Document
    from docx.shared import Cm

    doc = Document(str(built.path(kind, "docx")))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    body = doc.element.body.xml
    assert re.search(r"<w:instrText[^>]*>TOC \\o", body), "table of contents field"
    footer = section.footer._element.xml
    assert ">PAGE<" in footer and ">NUMPAGES<" in footer
    figures = built.reports[kind].figures()
    pictures = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', body)
    assert len(pictures) == len(figures)
    assert all(len(alt) > 20 for alt in pictures)


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_numbers_are_numbers(built, kind):
    from openpyxl import load_workbook

    wb = load_workbook(str(built.path(kind, "xlsx")), read_only=True)
    # Each sheet: caption, the synthetic notice, the column headers, then the rows.
    first = 4 if built.reports[kind].notice else 3
    numbers = mixed = 0
    for name in wb.sheetnames[1:]:
        for row in wb[name].iter_rows(min_row=first, values_only=True):
            for value in row:
                if isinstance(value, int | float):
                    numbers += 1
                elif isinstance(value, str) and re.fullmatch(
                        r"-?[\d,]+(\.\d+)?( ?%| \([\d.]+%\))?", value.strip()):
                    mixed += 1
    assert numbers > 20 and mixed == 0


def test_mixed_data_says_exactly_what_is_synthetic():
    from digiready.reports.method import data_origin

    def economy(n, synthetic):
        return SimpleNamespace(n=n, synthetic_count=synthetic)

    mixed = data_origin(SimpleNamespace(data={"pe": economy(120, 100), "ph": economy(80, 0)}))
    assert mixed.startswith("100 of 200 responses are synthetic (Peru: 100 of 120)")
    assert "Philippines" not in mixed and "every figure" not in mixed
    assert data_origin(SimpleNamespace(data={"pe": economy(5, 0)})).startswith(
        "All 5 responses come from real diagnostics")
    assert "All 7 responses are synthetic" in data_origin(
        SimpleNamespace(data={"pe": economy(7, 7)}))


def test_a_figure_printed_twice_with_two_values_is_explained(built):
    text_ = " ".join(built.pdf_text("final").split())
    assert "Women-led averages can appear twice with different values" in text_
    assert "first diagnostic (the baseline)" in text_ and "latest diagnostic" in text_


def test_each_needs_barriers_equal_the_answers_of_the_businesses_with_it(built):
    """The barriers (cost, skills, trust, connectivity...) in each need's evidence: counted
    from the questionnaire's barriers question among the businesses with the need."""
    import json
    from collections import Counter

    from sqlalchemy import create_engine, text

    report = built.reports["needs-assessment"]
    engine = create_engine(built.url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT a.economy, a.answers, a.result FROM core_attempt a JOIN (SELECT learner_id, "
            "MIN(number) AS n FROM core_attempt WHERE status = 'completed' GROUP BY learner_id)"
            " f ON f.learner_id = a.learner_id AND f.n = a.number")).all()
    engine.dispose()
    checked = 0
    for e in ECONOMIES:
        needs = next(t for t in report.tables() if t.id == f"needs-{e}")
        from digiready.packs import load_pack

        area = {d.title: d.id for d in load_pack(None, e, "en").dimensions}
        for row in needs.rows:
            dim = area[row[1]]
            named: Counter = Counter()
            for economy, answers, result in rows:
                if economy != e:
                    continue
                answers = json.loads(answers) if isinstance(answers, str) else answers
                result = json.loads(result) if isinstance(result, str) else result
                score = next(d["score"] for d in result["dimensions"] if d["id"] == dim)
                if score is not None and score < 40 and "barriers" in answers:
                    named.update(answers["barriers"])
            table = next(t for t in report.annex if t.id == f"need-{e}-{row[0]}-barriers")
            assert named, (e, dim)
            labels = {o.label: o.id for o in load_pack(None, e, "en").question("barriers").options}
            for label, n, _share in table.rows:
                assert n == (named[labels[label]] if named[labels[label]] >= 10 else "suppressed")
                checked += 1
    assert checked > 20
    assert "Barriers named by the" in built.pdf_text("needs-assessment")
