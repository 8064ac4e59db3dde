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
