"""The final report's trial period (version 1 against version 2) and the funder's indicators
month by month, checked against the stored rows recounted here independently."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from sqlalchemy import create_engine, text

from tests.reports.conftest import ECONOMIES


def _rows(url: str, sql: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    engine.dispose()
    return rows


def test_demo_data_have_two_content_versions_on_attempts_and_module_events(built):
    """Diagnostics before the content change ran on version 1, after it on version 2; every
    module event says the version live when its module was opened."""
    versions = _rows(built.url, "SELECT economy, pack_version, MIN(completed_at), "
                                "MAX(completed_at) FROM core_attempt GROUP BY economy, pack_version")
    by_economy = defaultdict(list)
    for economy, version, first, last in versions:
        by_economy[economy].append((str(first), str(last), version))
    for e in ECONOMIES:
        (f1, l1, v1), (f2, _l2, v2) = sorted(by_economy[e])
        assert v1 != v2 and l1 < f2, "version 1 ended before version 2 began"
    unlabelled = _rows(built.url, "SELECT COUNT(*) FROM events_event WHERE kind LIKE 'module.%' "
                                  "AND data NOT LIKE '%content_version%'")[0][0]
    assert unlabelled == 0


def test_module_completion_by_version_equals_the_events_recounted(built):
    report = built.reports["final"]
    first, done = {}, set()
    for economy, actor, obj, kind, data in _rows(
            built.url, "SELECT economy, actor, object_id, kind, data FROM events_event WHERE "
                       "kind IN ('module.progressed', 'module.completed') ORDER BY timestamp, id"):
        key = (economy, actor, obj)
        first.setdefault(key, json.loads(data)["content_version"])
        if kind == "module.completed":
            done.add(key)
    opened, completed = defaultdict(int), defaultdict(int)
    for key, version in first.items():
        opened[(key[0], version)] += 1
        completed[(key[0], version)] += key in done
    for e in ECONOMIES:
        versions = [v for (economy, v) in opened if economy == e]
        assert len(versions) == 2
        for v in versions:
            expected = round(100 * completed[(e, v)] / opened[(e, v)], 1)
            assert report.facts[f"{e}.module_completion.{v}"] == expected
        assert report.facts[f"{e}.module_completion.change"] is not None
    table = next(t for t in report.tables() if t.id == "module-versions")
    labels = {row[1].split(" (")[0] for row in table.rows}
    assert labels == {"Version 1", "Version 2"}
    text_ = built.pdf_text("final")
    assert "before the change and" in text_ and "Re-assessment by the content versions" in text_


def test_reassessment_deltas_by_version_pair_equal_the_attempts(built):
    """Learners who took the diagnostic twice: the mean change per (first, latest) version
    pair, recomputed from core_attempt."""
    report = built.reports["final"]
    runs = defaultdict(list)
    for economy, learner, _number, version, score in _rows(
            built.url, "SELECT economy, learner_id, number, pack_version, overall_score FROM "
                       "core_attempt WHERE status = 'completed' ORDER BY learner_id, number"):
        runs[(economy, learner)].append((version, score))
    pairs = defaultdict(list)
    for (economy, _l), seq in runs.items():
        if len(seq) > 1:
            pairs[(economy, seq[0][0], seq[-1][0])].append(seq[-1][1] - seq[0][1])
    checked = 0
    for (economy, v1, v2), deltas in pairs.items():
        fact = report.facts.get(f"{economy}.mean_change.{v1}>{v2}")
        if fact is not None:
            assert abs(fact - sum(deltas) / len(deltas)) < 0.051
            checked += 1
    assert checked >= len(ECONOMIES)


def test_indicators_month_by_month_with_the_partial_month_marked(built):
    """Each funder indicator per month; months add up to the totals; nothing after the
    report date; the month of the report date says "(partial)" and is not charted."""
    report = built.reports["final"]
    table = next(t for t in report.tables() if t.id == "indicators-monthly")
    columns = table.columns
    today = date.today()
    current = f"{today:%Y-%m}"
    for e, name in (("pe", "Peru"), ("ph", "Philippines"), ("vn", "Viet Nam")):
        rows = [r for r in table.rows if r[0] == name]
        months = [r[1] for r in rows]
        assert months == sorted(months) and all(m[:7] <= current for m in months)
        assert months[-1] == f"{current} (partial)"
        assert all("(partial)" not in m for m in months[:-1])
        col = columns.index("Video plays")
        shown = [r[col] for r in rows]
        if "suppressed" not in shown:
            assert sum(shown) == report.facts[f"{e}.usage.video_plays"]
        else:  # a hidden month is never alone: it cannot be worked out from the total
            assert shown.count("suppressed") >= 2
    fig = next(f for _d, s in report.walk() for f in s.blocks
               if getattr(f, "id", "") == "fig-visits")
    assert current not in fig.alt
    assert report.facts["usage.partial_month"] == current
