"""Evaluation anonymity: one answer per person, and no query can join an answer to a person.

The answer table must share no key with the registration or submission tables: no person
column, no foreign key other than the event, no timestamp, no ordered id; on SQLite no rowid
(insertion order) either. And what the database stores beside the columns must not pair them
either: PostgreSQL's transaction ids (``xmin``, also after ``VACUUM FREEZE``) and the physical
row order, on both databases.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect, select, text, update
from sqlalchemy.exc import OperationalError

from symposium_portal.db import new_session
from symposium_portal.evaluation.models import EvaluationResponse, EvaluationSubmission
from symposium_portal.programme.models import Event

from .conftest import Browser, confirm, register


def _answers(objectives: list[int], before: int, now: int) -> dict:
    data = {"satisfaction": "4", "relevance": "5", "speakers": "4", "nps": "9",
            "recommendations": "More time for questions"}
    for o in objectives:
        data[f"before_{o}"], data[f"now_{o}"] = str(before), str(now)
    return data


def test_schema_cannot_link_answer_to_person(portal_db):
    from digiready.storage.engine import get_engine

    insp = inspect(get_engine(portal_db))
    cols = {c["name"]: c for c in insp.get_columns("portal_evaluation_response")}
    assert set(cols) == {"id", "event_id", "economy", "sector", "satisfaction", "relevance",
                         "speakers", "nps", "ratings", "recommendations"}
    fks = insp.get_foreign_keys("portal_evaluation_response")
    assert [fk["referred_table"] for fk in fks] == ["portal_event"]
    person_side = {c["name"] for t in ("portal_registration", "portal_evaluation_submission")
                   for c in insp.get_columns(t)}
    # The only shared names are the event and the coarse breakdown fields; "id" is a random
    # UUID string on one side and an integer on the other.
    assert set(cols) & person_side == {"id", "event_id", "economy", "sector"}
    assert "INT" not in str(cols["id"]["type"]).upper()
    for c in cols.values():
        assert "TIME" not in str(c["type"]).upper() and "DATE" not in str(c["type"]).upper()
    if portal_db.startswith("sqlite"):
        with get_engine(portal_db).connect() as conn:
            with pytest.raises(OperationalError):
                conn.execute(text("SELECT rowid FROM portal_evaluation_response"))


def _respondents(app, n: int) -> tuple[list[int], list[tuple[int, Browser]]]:
    """``n`` confirmed registrants (objective ids, [(registration id, browser)]), evaluation
    open."""
    from symposium_portal.evaluation.models import LearningObjective

    from .conftest import registration

    dbs = new_session()
    dbs.execute(update(Event).values(evaluation_open=True))
    dbs.commit()
    objectives = list(dbs.scalars(select(LearningObjective.id).order_by(LearningObjective.id)))
    dbs.close()
    people = []
    for i in range(n):
        b = Browser(app.test_client())
        register(b, f"anon{i}@example.org")
        confirm(b, f"anon{i}@example.org")
        people.append((registration(f"anon{i}@example.org").id, b))
    return objectives, people


def test_once_per_person_and_no_link(portal_db, app):
    objectives, respondents = _respondents(app, 3)
    people = [b for _reg_id, b in respondents]
    for b in people:
        r = b.post_form("/evaluation/", _answers(objectives, 2, 4))
        assert r.status_code == 200 and "recorded anonymously" in r.get_data(as_text=True)
    r = people[0].post_form("/me", _answers(objectives, 1, 5), action="/evaluation/")
    assert r.status_code == 409
    assert "only once" in people[0].get("/evaluation/").get_data(as_text=True)
    dbs = new_session()
    responses = dbs.scalars(select(EvaluationResponse)).all()
    assert len(responses) == 3
    assert len(dbs.scalars(select(EvaluationSubmission)).all()) == 3
    for r in responses:
        assert uuid.UUID(r.id).version == 4
    dbs.close()


def test_deleting_account_keeps_anonymous_answer(sqlite_portal, app):
    objectives, [(_reg_id, b)] = _respondents(app, 1)
    assert b.post_form("/evaluation/", _answers(objectives, 3, 3)).status_code == 200
    assert b.post_form("/me/delete", {}).status_code == 200
    dbs = new_session()
    assert dbs.scalars(select(EvaluationSubmission)).all() == []
    assert len(dbs.scalars(select(EvaluationResponse)).all()) == 1
    dbs.close()


def _submit_all(objectives, people) -> dict[int, int]:
    """Everyone answers in turn; person i gives NPS i, so each answer is recognisable.
    Returns {registration id: their NPS}."""
    given = {}
    for i, (reg_id, b) in enumerate(people):
        answers = _answers(objectives, 2, 4)
        answers["nps"] = str(i)
        assert b.post_form("/evaluation/", answers).status_code == 200
        given[reg_id] = i
    return given


N_PEOPLE = 8  # a wrongly "shuffled" order passes by chance with probability 2/8! (5e-5)


def test_no_stored_artefact_pairs_answers_with_people(portal_db, app):
    """The attacks from issue 13 on both databases: PostgreSQL's JOIN … ON r.xmin = s.xmin
    (which gave every respondent's answer, also after VACUUM FREEZE), and the physical order
    (PostgreSQL's ctid, SQLite's table order, what a dump writes) or the answers' ids giving
    the order people submitted in."""
    from digiready.storage.engine import get_engine

    objectives, people = _respondents(app, N_PEOPLE)
    given = _submit_all(objectives, people)
    submitted = list(given.values())
    engine = get_engine(portal_db)
    postgres = portal_db.startswith("postgresql")
    queries = ["SELECT nps FROM portal_evaluation_response",
               "SELECT nps FROM portal_evaluation_response ORDER BY id"]
    if postgres:
        queries.append("SELECT nps FROM portal_evaluation_response ORDER BY ctid")
    with engine.connect() as conn:
        for query in queries:
            order = list(conn.execute(text(query)).scalars())
            assert sorted(order) == sorted(submitted)
            assert order not in (submitted, submitted[::-1]), query
    if not postgres:
        return
    with engine.connect() as conn:
        # No sequence behind the answers' key whose values would follow submissions.
        assert conn.execute(text("SELECT pg_get_serial_sequence("
                                 "'portal_evaluation_response', 'id')")).scalar() is None
    join = text("SELECT s.registration_id, r.nps FROM portal_evaluation_submission s "
                "JOIN portal_evaluation_response r ON r.xmin = s.xmin")
    for _round in ("as written", "after VACUUM FREEZE"):
        found: dict[int, set[int]] = {}
        with engine.connect() as conn:
            for reg_id, nps in conn.execute(join):
                found.setdefault(reg_id, set()).add(nps)
        # At most the latest submitter shares the answers' transaction id, and then with
        # every answer alike: nobody is paired with their own answer alone.
        assert len(found) <= 1 and all(a == set(submitted) for a in found.values()), found
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM FREEZE portal_evaluation_response"))
            conn.execute(text("VACUUM FREEZE portal_evaluation_submission"))
