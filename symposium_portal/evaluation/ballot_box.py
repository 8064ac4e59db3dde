"""Storing an evaluation answer so that nothing stored links it to the person who gave it.

The "who has answered" marker (``portal_evaluation_submission``) and the answer
(``portal_evaluation_response``) must be written in one transaction: apart, a crash could lose
an answer or allow a second one. But on PostgreSQL every row carries the id of the
transaction that wrote it (``xmin``, kept after ``VACUUM FREEZE``), and rows are stored in the
order they are inserted (``ctid``), so ``JOIN … ON r.xmin = s.xmin`` or ordering both tables
would pair each person with their answer.

So each submission, under the event lock, *rewrites every answer of the event*: it reads them,
deletes them and inserts them again, with the new one, in a random order and with fresh
random ids. After it, every answer carries the same transaction id (the latest submitter's:
joining on it pairs that person with all answers alike), the physical order is random, and
there is no timestamp or sequence value on an answer to sort by. The same holds on SQLite,
where the answer table has no rowid and is ordered by its random key, and where the rewrite
also means a write-ahead-log frame never holds just one new answer.

The cost is proportional to the answers so far and is paid once per person, under the event
lock: on PostgreSQL the rewrite is one statement run by the server (see
``benchmarks/portal_evaluation.py`` for figures).

What this does not hide (docs/portal.md, "Anonymity"): someone watching the database or the
web server *while* people submit, and two backups taken a day apart (the answers added
between them belong to the people whose markers were added between them).
"""
from __future__ import annotations

import json
import random
import uuid

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from symposium_portal.evaluation.models import EvaluationResponse, EvaluationSubmission

_shuffle = random.SystemRandom().shuffle


def submit(session: Session, event_id: int, registration_id: int, answer: dict) -> None:
    """Record that the person answered and add their answer anonymously. The caller holds
    the event lock (``db.lock_event``), which serialises the rewrites, and commits; a second
    submission by the same person fails on the marker's unique key (IntegrityError)."""
    session.add(EvaluationSubmission(event_id=event_id, registration_id=registration_id))
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_PG_REWRITE, {**_COLUMNS_NONE, **answer, "event_id": event_id,
                                      "ratings": json.dumps(answer.get("ratings") or {})})
    else:
        shuffle_answers(session, event_id, extra=[answer])


_COLUMNS = ("event_id", "economy", "sector", "satisfaction", "relevance", "speakers", "nps",
            "ratings", "recommendations")
_COLUMNS_NONE = dict.fromkeys(_COLUMNS)
# PostgreSQL: the whole rewrite in one statement, in the server (about 20 times faster than
# through Python for a thousand answers). The DELETE and the INSERT see the same snapshot,
# so the INSERT never deletes what it adds. Rows go in in the order of a strong random key
# (gen_random_uuid draws from pg_strong_random), so the physical order is random, the new
# answer included.
_PG_REWRITE = text(
    "WITH old AS (DELETE FROM portal_evaluation_response WHERE event_id = :event_id "
    "RETURNING " + ", ".join(_COLUMNS) + "), "
    "everything AS (SELECT " + ", ".join(_COLUMNS) + " FROM old UNION ALL SELECT "
    ":event_id, :economy, :sector, :satisfaction, :relevance, :speakers, :nps, "
    "CAST(:ratings AS JSON), :recommendations) "
    "INSERT INTO portal_evaluation_response (id, " + ", ".join(_COLUMNS) + ") "
    "SELECT CAST(gen_random_uuid() AS VARCHAR), " + ", ".join(_COLUMNS) + " FROM everything "
    "ORDER BY gen_random_uuid()")


def shuffle_answers(session: Session, event_id: int, extra: list[dict] = ()) -> int:
    """Rewrite the event's answers (plus ``extra``) in a random order with fresh random ids;
    returns how many there are (the SQLite path; PostgreSQL's is one statement above)."""
    table = EvaluationResponse.__table__
    rows = [dict(row) for row in session.execute(
        select(table).where(table.c.event_id == event_id)).mappings()]
    rows.extend({**row, "event_id": event_id} for row in extra)
    for row in rows:
        row["id"] = str(uuid.uuid4())
    _shuffle(rows)
    session.execute(delete(table).where(table.c.event_id == event_id))
    if rows:
        session.execute(insert(table), rows)
    return len(rows)
