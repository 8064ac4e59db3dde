"""The record API: storage on SQLite and PostgreSQL, idempotence, pseudonymity, errors."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from digiready import events
from digiready.events.models import ActorProfile, DimensionScore, Event
from digiready.storage import session_scope
from digiready.storage.models import Learner

WHEN = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=timezone.utc)


def test_record_stores_once_and_replay_is_ignored(database_url):
    actor = events.actor_for("lti:https://lms.example", "user-42", economy="pe")
    first = events.record("launched", actor=actor, object_id="lti/diagnostic", economy="pe",
                          timestamp=WHEN, source="lti")
    again = events.record("launched", actor=actor, object_id="lti/diagnostic", economy="pe",
                          timestamp=WHEN, source="lti")
    assert first.stored and not again.stored
    assert first.statement_id == again.statement_id
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Event)) == 1
        row = db.scalar(select(Event))
        assert row.actor == actor and row.economy == "pe" and row.day == 20514


def test_two_sessions_in_the_same_millisecond_are_two_events(database_url):
    """One learner's two launches (two tabs, a double click) can share a millisecond: each
    has its own launch (session) id, and both are stored; a replay within a session is not."""
    actor = events.actor_for("lti:https://lms.example", "user-43", economy="pe")

    def launched(session: str):
        return events.record("launched", actor=actor, object_id="lti/diagnostic", economy="pe",
                             session_id=session, timestamp=WHEN, source="lti")

    one, two, replay = launched("launch-1"), launched("launch-2"), launched("launch-1")
    assert one.stored and two.stored and not replay.stored
    assert one.statement_id != two.statement_id == launched("launch-2").statement_id
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Event)) == 2


def test_record_inside_callers_session_rolls_back_with_it(database_url):
    actor = events.actor_for("portal", "7")
    with pytest.raises(RuntimeError), session_scope() as db:
        events.record("viewed", actor=actor, object_id="/programme", db=db)
        raise RuntimeError("the request failed")
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Event)) == 0


def test_actor_mapping_is_stable_and_forgettable(database_url):
    a = events.actor_for("portal", "alice@example.org")
    assert a == events.actor_for("portal", "alice@example.org")
    assert "alice" not in a
    events.record("registered", actor=a, object_id="symposium", source="portal")
    assert events.forget_actor("portal", "alice@example.org")
    with session_scope() as db:
        assert db.scalar(select(Learner.external_id).where(Learner.opaque_id == a)) is None
        assert db.scalar(select(func.count()).select_from(Event)) == 1  # events remain
    assert events.actor_for("portal", "alice@example.org") != a  # no way back to old events


def test_completed_diagnostic_fills_profile_and_dimension_scores(database_url):
    actor = events.actor_for("lti:x", "u1")
    result = {"overall": {"score": 47.5, "level": "competent"},
              "dimensions": [{"id": "connectivity", "score": 60.0}, {"id": "sales", "score": 35.0},
                             {"id": "green", "score": None}],
              "profile": {"economy": "vn", "gender": "woman", "age_band": "under_25",
                          "sector": "G", "size": "micro", "business_name": "Secret Co"}}
    rec = events.record("diagnostic.completed", actor=actor, object_id="diagnostic/base",
                        data={"result": result, "attempt": 1}, source="lti")
    assert rec.score == 47.5 and rec.level == "competent" and rec.economy == "vn"
    with session_scope() as db:
        profile = db.get(ActorProfile, actor)
        assert (profile.economy, profile.gender, profile.age_band, profile.sector, profile.size) == (
            "vn", "woman", "under_25", "G", "micro")
        dims = dict(db.execute(select(DimensionScore.dimension, DimensionScore.score)).all())
        assert dims == {"connectivity": 60.0, "sales": 35.0}
        stored = db.scalar(select(Event.data))
        assert "Secret" not in json.dumps(stored)


def test_unknown_kind_and_data_are_refused():
    with pytest.raises(events.EventError, match="unknown event kind"):
        events.build("clicked", actor="a", object_id="x")
    with pytest.raises(events.EventError, match="email"):
        events.build("viewed", actor="a", object_id="/x", data={"email": "a@b.c"})
    with pytest.raises(events.EventError, match="length"):
        events.build("video.paused", actor="a", object_id="v", data={"time": 3})
    with pytest.raises(events.EventError, match="progress"):
        events.build("module.progressed", actor="a", object_id="m", data={"progress": 140})


def test_video_coverage_becomes_progress():
    e = events.build("video.terminated", actor="a", object_id="module/m/video",
                     data={"length": 200, "played_segments": "0[.]100[,]50[.]150", "time": 150})
    assert e.progress == 75.0
    assert e.data["played_segments"] == [[0.0, 100.0], [50.0, 150.0]]


def test_statement_ids_are_uuid5_of_actor_verb_object_time():
    a = events.build("viewed", actor="a", object_id="/p", timestamp=WHEN)
    b = events.build("viewed", actor="a", object_id="/p", timestamp=WHEN.replace(microsecond=123999))
    c = events.build("viewed", actor="b", object_id="/p", timestamp=WHEN)
    assert a.statement_id == b.statement_id != c.statement_id  # millisecond precision
    import uuid

    assert uuid.UUID(a.statement_id).version == 5


def test_statement_ids_never_change_with_the_fast_uuid5():
    """The fast text form is exactly uuid.uuid5's (ids must stay the same across releases,
    so that the LRS drops replayed statements)."""
    import random
    import uuid

    from digiready.events.recorder import STATEMENT_NAMESPACE, uuid5_text

    rng = random.Random(5)
    names = ["", "a|b|c|2024-01-01T00:00:00.000Z", "é|ü|ñ|日本"] + [
        "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(1, 80)))
        for _ in range(500)]
    for name in names:
        assert uuid5_text(STATEMENT_NAMESPACE, name) == str(uuid.uuid5(STATEMENT_NAMESPACE, name))
    assert uuid5_text(uuid.NAMESPACE_DNS, "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d"


def test_without_a_database_record_returns_the_statement(monkeypatch, tmp_path):
    """An XBlock-only Open edX install has no SQLAlchemy: nothing is stored, the statement is
    still built (for runtime.publish) and actor ids are stable."""
    from digiready.events import recorder

    monkeypatch.setattr(recorder, "_have_db", lambda: False)
    actor = events.actor_for("openedx:course-v1:X+Y+Z", "anon-123")
    assert actor == events.actor_for("openedx:course-v1:X+Y+Z", "anon-123") and "anon" not in actor
    rec = events.record("video.played", actor=actor, object_id="module/m/video", data={"time": 1})
    assert rec.stored is False
    assert rec.statement()["actor"]["account"]["name"] == actor
    assert not (tmp_path / "var" / "digiready.sqlite3").exists()


def test_record_quietly_never_raises(tmp_path, monkeypatch, caplog):
    from digiready.events.safe import record_quietly

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", f"sqlite:///{tmp_path / 'not-migrated.sqlite3'}")
    assert record_quietly("viewed", platform="portal", user=1, object_id="/programme") is False
    assert "not recorded" in caplog.text
    assert record_quietly("clicked", platform="portal", user=1, object_id="/x") is False


def test_record_quietly_records(database_url):
    from digiready.events.safe import record_quietly

    assert record_quietly("registered", platform="portal", user="registration:7", object_id="symposium/1",
                          economy="PH", source="portal", data={"role": "attendee"})
    with session_scope() as db:
        row = db.scalar(select(Event))
        assert row.kind == "registered" and row.economy == "ph" and "registration" not in row.actor


def test_record_quietly_in_callers_session_fails_alone(database_url, monkeypatch, caplog):
    """With ``db``, the event shares the caller's transaction in a savepoint: a failure half-way
    (after the event row went in) rolls back the event only, the caller's work commits."""
    from digiready.events import recorder
    from digiready.events.safe import record_quietly

    def broken_roll_up(db, stored):
        raise RuntimeError("rollup failed")

    real_one_statement = recorder._store_in_one_statement

    def broken_one_statement(db, stored):  # PostgreSQL's path: the rows go in, then it fails
        real_one_statement(db, stored)
        raise RuntimeError("rollup failed")

    with session_scope() as db:
        caller_actor = events.actor_for("portal", "registration:1", db=db)
        real_roll_up = recorder._roll_up
        monkeypatch.setattr(recorder, "_roll_up", broken_roll_up)
        monkeypatch.setattr(recorder, "_store_in_one_statement", broken_one_statement)
        assert record_quietly("registered", platform="portal", user="registration:2",
                              object_id="symposium/1", source="portal", db=db) is False
        monkeypatch.setattr(recorder, "_roll_up", real_roll_up)
        monkeypatch.setattr(recorder, "_store_in_one_statement", real_one_statement)
        assert record_quietly("registered", platform="portal", user="registration:3",
                              object_id="symposium/1", source="portal", db=db) is True
    assert "not recorded" in caplog.text
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Event)) == 1  # only the third
        externals = set(db.scalars(select(Learner.external_id)))
        # The caller's own write and the successful event's actor are kept; the failed
        # event's actor mapping went with its savepoint.
        assert externals == {"registration:1", "registration:3"}
        assert caller_actor in set(db.scalars(select(Learner.opaque_id)))


def test_statements_are_compiled_once_per_dialect(database_url):
    """The ON CONFLICT inserts carry no SQLAlchemy cache key; the recorder compiles each one
    once and reuses it (recompiling them per event was most of an event's CPU cost)."""
    from digiready.events import recorder

    recorder._COMPILED.clear()
    recorder._ONE_STATEMENT.clear()
    for n in range(3):
        actor = events.actor_for("portal", f"user-{n}")
        events.record("viewed", actor=actor, object_id="/programme", economy="pe",
                      source="portal")
    names = sorted(key[1] for key in recorder._COMPILED)
    assert names == sorted(set(names)), names  # one compiled statement per name
    if database_url.startswith("postgresql"):
        # A few events at a time: events and rollups in one statement, written out once.
        assert set(recorder._ONE_STATEMENT) == {(1, False)}
        assert not {"event", "daily", "monthly", "total"} & set(names)
    else:
        assert {"event", "daily", "monthly", "total"} <= set(names)


def test_likely_new_gives_the_same_actor_as_a_lookup(database_url):
    """The insert-first path (a user just created) and the lookup-first path agree, whichever
    runs first: an existing mapping is read back, never duplicated or replaced."""
    first = events.actor_for("portal", "registration:SYM-AAAAAA", likely_new=True)
    assert events.actor_for("portal", "registration:SYM-AAAAAA") == first
    assert events.actor_for("portal", "registration:SYM-AAAAAA", likely_new=True) == first
    looked_up = events.actor_for("portal", "registration:SYM-BBBBBB")
    assert events.actor_for("portal", "registration:SYM-BBBBBB", likely_new=True) == looked_up
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Learner)) == 2


def test_small_batches_roll_up_exactly_as_a_rebuild(database_url):
    """A few events at a time (a launch's, a page view: on PostgreSQL events and rollups go
    in one statement) give the rollups that rebuilding them from the events gives: counters,
    first visits per day and month, the first economy, replays counted nowhere; with an
    actor seen in two economies and two months, and every batch sent twice."""
    from datetime import timedelta

    from tests.events.test_indicators import _log

    log = _log(seed=5, learners=12)
    # Later in another economy ("zz" sorts last: the first seen is also the smallest, which
    # is what a rebuild keeps), in another month.
    log += [dict(log[1], economy="zz", timestamp=log[1]["timestamp"] + timedelta(days=40),
                 kind="viewed", object_id="/later")]
    log.sort(key=lambda e: (e["actor"], e["timestamp"]))
    for start in range(0, len(log), 3):
        batch = log[start:start + 3]
        events.record_many(batch)
        events.record_many(batch)  # replayed: stores and counts nothing

    assert_rollups_match_a_rebuild(len(log))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # PostgreSQL's CTEs
def test_launch_statement_rolls_up_exactly_as_a_rebuild(database_url):
    """The CTEs a caller puts in its own statement on PostgreSQL (an LTI launch:
    ``one_statement_parts``) give the rollups a rebuild gives, both for a batch whose events
    share one learner-day (the smaller one-cell statement) and for any other; every batch
    is sent twice (the replay counts nowhere)."""
    from datetime import timedelta

    from digiready.events import recorder
    from tests.events.test_indicators import _log

    log = [{k: v for k, v in e.items() if k != "profile"} for e in _log(seed=7, learners=10)]
    log += [dict(log[1], economy="zz", timestamp=log[1]["timestamp"] + timedelta(days=40),
                 kind="viewed", object_id="/later")]
    log.sort(key=lambda e: (e["actor"], e["timestamp"]))
    variants = {"one cell": 0, "general": 0}
    for start in range(0, len(log), 2):
        built = recorder.build_many(log[start:start + 2])
        parts = recorder.one_statement_parts(built)
        if parts is None:  # a completed diagnostic: the general path, as a launch would
            recorder.record_many(log[start:start + 2])
            continue
        sql, params = parts
        variants["one cell" if "cell AS" in sql else "general"] += 1
        for _ in range(2):
            with session_scope() as db:
                with db.connection().connection.driver_connection.cursor() as cur:
                    cur.execute("WITH " + sql + " SELECT count(*) FROM ev", params)
    assert variants["one cell"] and variants["general"], variants

    assert_rollups_match_a_rebuild(len(log))


def assert_rollups_match_a_rebuild(events: int) -> None:
    """The rollups kept as events arrived equal those a rebuild from the ``events`` stored
    events gives (and are not empty)."""
    from digiready.events import recorder
    from digiready.events.models import ActorTotal, DailyActivity, MonthlyActivity

    def rollups() -> dict:
        with session_scope() as db:
            return {table.__tablename__: sorted(
                tuple(getattr(row, c.key) for c in table.__table__.columns)
                for row in db.scalars(select(table)))
                for table in (DailyActivity, MonthlyActivity, ActorTotal)}

    incremental = rollups()
    assert incremental["events_daily"] and incremental["events_monthly"]
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Event)) == events
        recorder.rebuild_rollup(db)
    assert incremental == rollups()
