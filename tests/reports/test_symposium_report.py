"""The symposium report's attendance and who came, recounted from the portal's own rows
(registrations with their optional gender, join-link attendance per session)."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import create_engine, text


def _rows(url: str, sql: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    engine.dispose()
    return rows


def test_attendance_per_session_equals_the_join_records(built):
    report = built.reports["symposium"]
    joined = dict(_rows(built.url, "SELECT s.title, COUNT(*) FROM portal_attendance a JOIN "
                                   "portal_session s ON s.id = a.session_id GROUP BY s.title"))
    assert joined, "demo data record session joins for the event held"
    table = next(t for t in report.tables() if t.id == "sym-attendance")
    printed = {row[0]: row[2] for row in table.rows}
    for title, n in joined.items():
        assert printed[title] == (n if n >= 10 else "suppressed")
    people = _rows(built.url, "SELECT COUNT(DISTINCT registration_id) FROM portal_attendance")
    assert report.facts["symposium.attended"] == people[0][0]
    pdf = built.pdf_text("symposium")
    assert "Participants per session" in pdf and "Who came" in pdf


def test_who_came_by_gender_from_the_registration_form(built):
    report = built.reports["symposium"]
    genders = Counter(g for (g,) in _rows(
        built.url, "SELECT r.gender FROM portal_registration r WHERE r.id IN "
                   "(SELECT registration_id FROM portal_attendance)"))
    table = next(t for t in report.tables() if t.id == "sym-came-gender")
    names = {"Women": "woman", "Men": "man", "Another gender": "another",
             "Not stated": "undisclosed"}
    numbers = [row for row in table.rows if row[1] != "suppressed"]
    assert numbers, "the gender of those who came is reported"
    for label, n, _share in numbers:
        if label in names:
            assert n == genders[names[label]]
        else:  # small groups merged into one line
            assert n == sum(v for g, v in genders.items()
                            if not any(names[r[0]] == g for r in table.rows if r[0] in names))
    hidden = [row[0] for row in table.rows if row[1] == "suppressed"]
    assert len(hidden) != 1, "a single hidden line could be worked out from the total"
    assert "Gender: not recorded" not in built.pdf_text("symposium")


def test_evaluation_nps_and_knowledge_gain_equal_the_answers_recounted(built):
    """NPS (promoters 9-10 minus detractors 0-6), the response rate and the share whose
    then-post knowledge rose per learning objective, recounted from the portal's rows."""
    import json

    report = built.reports["symposium"]
    [(event,)] = _rows(built.url, "SELECT DISTINCT event_id FROM portal_evaluation_response")
    rows = _rows(built.url, f"SELECT nps, ratings FROM portal_evaluation_response "
                            f"WHERE event_id = {int(event)}")
    assert len(rows) == report.facts["symposium.responses"] > 0
    scores = [n for n, _r in rows]
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    assert report.facts["symposium.nps"] == round(100 * (promoters - detractors) / len(scores), 1)
    confirmed = _rows(built.url, f"SELECT COUNT(*) FROM portal_registration WHERE event_id = "
                                 f"{int(event)} AND status = 'confirmed'")[0][0]
    invited = max(confirmed, len(rows))  # an answer of a deleted account still counts
    assert report.facts["symposium.response_rate"] == round(100 * len(rows) / invited, 1)
    pairs: dict[str, list] = {}
    for _n, ratings in rows:
        ratings = json.loads(ratings) if isinstance(ratings, str) else ratings
        for objective, (before, now) in ratings.items():
            pairs.setdefault(objective, []).append(now > before)
    checked = 0
    for objective, rose in pairs.items():
        fact = report.facts.get(f"symposium.objective.{objective}.increased")
        if len(rose) >= 10:
            assert fact == round(100 * sum(rose) / len(rose), 1), objective
            checked += 1
    assert checked
