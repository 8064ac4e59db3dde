"""The three reports, built from synthetic data, in every format."""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict

import pytest
from sqlalchemy import create_engine, text

from tests.reports.conftest import ECONOMIES, FORMATS, KINDS

NOTICE = "Synthetic data — for demonstration"
REQUIRED_SECTIONS = {
    "needs-assessment": ["Current status of digitization", "Field study: methodology and summary",
                         "Sampling frame, design and fieldwork",
                         "Representativeness and limitations", "Main findings",
                         "Identified needs", "Recommendations"],
    "final": ["Introduction and project summary", "Current status of digitization",
              "Identified needs", "Good practices for digital tools", "In crises",
              "The funder's indicators", "The trial period: version 1 and version 2",
              "Methodological guide for a new economy", "Recommendations", "Conclusions"],
    "symposium": ["The symposium", "Programme", "Speakers", "Registration and participation",
                  "Attendance per session", "Networking", "Evaluation results",
                  "Knowledge gain per learning objective",
                  "Participants' recommendations, by theme",
                  "Needs brought to the symposium", "Conclusions"],
}
NAMES = {"pe": "Peru", "ph": "Philippines", "vn": "Viet Nam"}


def pdf_objects(raw: bytes) -> bytes:
    """The PDF with every Flate stream inflated: WeasyPrint packs the structure tree and
    the XMP metadata into compressed (object) streams."""
    import zlib

    parts = [raw]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", raw, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.mark.parametrize("kind", KINDS)
def test_every_format_is_written(built, kind):
    for fmt in FORMATS:
        path = built.path(kind, fmt)
        assert path.is_file() and path.stat().st_size > 1000, path


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_holds_each_required_section(built, kind):
    text_ = built.pdf_text(kind)
    for title in REQUIRED_SECTIONS[kind]:
        assert title in text_, f"{kind}: section {title!r} missing from the PDF"


@pytest.mark.parametrize("kind", ["needs-assessment", "final"])
def test_pdf_lists_at_least_five_needs_per_economy(built, kind):
    text_ = built.pdf_text(kind)
    for e in ECONOMIES:
        ranks = {int(n) for n in re.findall(rf"Need (\d+) \({e.upper()}\):", text_)}
        assert {1, 2, 3, 4, 5} <= ranks, f"{kind}/{e}: needs found {sorted(ranks)}"
        assert built.reports[kind].facts[f"{e}.needs"] >= 5


@pytest.mark.parametrize("kind", KINDS)
def test_every_pdf_page_is_marked_synthetic(built, kind):
    pages = [p for p in built.pdf_text(kind).split("\f") if p.strip()]
    assert len(pages) > 3
    unmarked = [i + 1 for i, page in enumerate(pages) if NOTICE not in page]
    assert not unmarked, f"{kind}: pages without the synthetic notice: {unmarked}"



@pytest.mark.parametrize("kind", KINDS)
def test_pdf_is_tagged_pdf_ua(built, kind):
    import subprocess

    info = subprocess.run(["pdfinfo", str(built.path(kind, "pdf"))], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+DigiReady", info)
    raw = pdf_objects(built.path(kind, "pdf").read_bytes())
    assert b"pdfuaid" in raw, "PDF/UA identification missing from XMP metadata"
    assert b"/StructTreeRoot" in raw and b"/Lang" in raw
    assert b"/DisplayDocTitle true" in raw
    for tag in (b"/H1", b"/H2", b"/Table"):
        assert tag in raw, f"structure tag {tag!r} missing"


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_has_a_text_alternative(built, kind):
    report = built.reports[kind]
    figures = report.figures()
    assert figures, "each report has charts"
    html = built.path(kind, "html").read_text(encoding="utf-8")
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == len(figures)
    for img in imgs:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, img[:120]
    for fig in figures:
        assert fig.table.rows, f"{fig.id}: no data table"
        assert "<title" in fig.svg and "<desc" in fig.svg
        # The table printed after the chart: every value of the chart is readable as text.
        assert f'id="t-{fig.table.id}"' in html
    # In the tagged PDF every figure carries /Alt.
    raw = pdf_objects(built.path(kind, "pdf").read_bytes())
    assert raw.count(b"/Alt") >= len(figures)


@pytest.mark.parametrize("kind", KINDS)
def test_docx_opens_with_its_headings(built, kind):
    from docx import Document

    doc = Document(str(built.path(kind, "docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for title in REQUIRED_SECTIONS[kind]:
        assert any(title in h for h in headings), f"{kind}: heading {title!r} missing"
    assert doc.core_properties.title.startswith("DigiReady")
    assert NOTICE in doc.sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_annex_holds_every_table(built, kind):
    from openpyxl import load_workbook

    wb = load_workbook(str(built.path(kind, "xlsx")), read_only=True)
    tables = built.reports[kind].tables()
    assert len(wb.sheetnames) == len(tables) + 1
    captions = [row[1] for row in wb["Contents"].iter_rows(min_row=6, values_only=True)]
    assert captions == [t.caption for t in tables]


def _independent(url: str) -> dict:
    """The figures recomputed from core_attempt with plain SQL, not through the reports code:
    first completed attempt of each learner."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT a.economy, a.overall_score, a.level, a.gender, a.result FROM core_attempt a "
            "JOIN (SELECT learner_id, MIN(number) AS n FROM core_attempt "
            "      WHERE status = 'completed' GROUP BY learner_id) f "
            "  ON f.learner_id = a.learner_id AND f.n = a.number")).all()
    engine.dispose()
    out: dict = {}
    by = defaultdict(list)
    for r in rows:
        by[r.economy].append(r)
    import json
    for e, rs in by.items():
        out[(e, "n")] = len(rs)
        out[(e, "mean")] = round(statistics.fmean(r.overall_score for r in rs), 1)
        levels = Counter(r.level for r in rs)
        out[(e, "beginner_pct")] = round(100 * levels["beginner"] / len(rs), 1)
        women = [r.overall_score for r in rs if r.gender == "woman"]
        out[(e, "women_mean")] = round(statistics.fmean(women), 1)
        low = Counter()  # businesses below Competent (40) in each area: the needs' counts
        for r in rs:
            result = json.loads(r.result) if isinstance(r.result, str) else r.result
            for dim in result["dimensions"]:
                if dim.get("score") is not None and dim["score"] < 40:
                    low[dim["id"]] += 1
        out[(e, "low")] = low
    return out


def test_figures_equal_the_data_computed_independently(built):
    from openpyxl import load_workbook

    expected = _independent(built.url)
    report = built.reports["needs-assessment"]
    wb = load_workbook(str(built.path("needs-assessment", "xlsx")), read_only=True)
    overall = {row[0]: row for row in wb["overall"].iter_rows(values_only=True)}
    pdf = built.pdf_text("needs-assessment")
    for e in ECONOMIES:
        assert report.facts[f"{e}.responses"] == expected[(e, "n")]
        assert report.facts[f"{e}.mean_overall"] == expected[(e, "mean")]
        assert report.facts[f"{e}.level.beginner"] == expected[(e, "beginner_pct")]
        assert report.facts[f"{e}.gender.woman"] == expected[(e, "women_mean")]
        # The same figures as printed: XLSX cell and PDF text.
        assert overall[NAMES[e]][1] == expected[(e, "n")]
        assert overall[NAMES[e]][2] == expected[(e, "mean")]
        assert f"mean maturity score {expected[(e, 'mean')]:.1f}/100" in pdf
        # Each need's count is the number of businesses below Competent in its area.
        from digiready.packs import load_pack

        area = {d.title: d.id for d in load_pack(None, e, "en").dimensions}
        table = next(t for t in report.tables() if t.id == f"needs-{e}")
        for row in table.rows:
            assert row[2] == expected[(e, "low")][area[row[1]]], (e, row)


def test_needs_are_ranked_by_gap_prevalence_priority(built):
    report = built.reports["final"]
    for e in ECONOMIES:
        table = next(t for t in report.tables() if t.id == f"needs-{e}")
        scores = [float(r[6]) for r in table.rows]
        assert scores == sorted(scores, reverse=True)
        for row in table.rows:
            prevalence, mean, priority, score = (float(row[3]) / 100, float(row[4]),
                                                 float(row[5]), float(row[6]))
            assert abs((100 - mean) / 100 * prevalence * priority - score) < 0.002


def test_symposium_report_reads_the_portal_evaluations(built):
    report = built.reports["symposium"]
    engine = create_engine(built.url)
    with engine.connect() as conn:
        sat = conn.execute(text("SELECT AVG(satisfaction), COUNT(*) FROM "
                                "portal_evaluation_response")).one()
    engine.dispose()
    assert report.facts["symposium.responses"] == sat[1] > 0
    assert report.facts["symposium.satisfaction"] == round(sat[0], 2)
    assert report.synthetic


def test_usage_indicators_equal_the_events_recounted(built):
    """Registered users and video plays per economy, recounted from events_event in SQL."""
    report = built.reports["final"]
    engine = create_engine(built.url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT economy, COUNT(DISTINCT CASE WHEN kind = 'registered' THEN actor END), "
            "SUM(CASE WHEN kind = 'video.played' THEN 1 ELSE 0 END) "
            "FROM events_event GROUP BY economy")).all()
    engine.dispose()
    counted = {e: (reg, plays) for e, reg, plays in rows}
    assert set(ECONOMIES) <= set(counted), "demo-data recorded events for every economy"
    for e in ECONOMIES:
        assert report.facts[f"{e}.usage.registered_users"] == counted[e][0]
        assert report.facts[f"{e}.usage.video_plays"] == counted[e][1]
    assert "Unique visits per month" in built.pdf_text("final")
