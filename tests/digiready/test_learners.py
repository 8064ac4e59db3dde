"""The learner mapping (digiready.learners) on SQLite and PostgreSQL: one row per platform
user whoever asks first, ``created`` only for the request that made it, the economy filled
in once and never replaced, and the LTI launch, the events API and the attempts repository
all agreeing on it."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from digiready import events
from digiready.attempts import get_or_create_learner
from digiready.learners import (
    create_learner,
    fill_economy,
    find_learner,
    find_learner_and_attempt_statuses,
    find_or_create_learner,
)
from digiready.storage import session_scope
from digiready.storage.models import Attempt, Learner


def _rows() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Learner))


def test_created_once_then_found(database_url):
    with session_scope() as s:
        assert find_learner(s, "lti:https://lms.example", "u1") is None
        first = find_or_create_learner(s, "lti:https://lms.example", "u1", economy="PE")
        again = find_or_create_learner(s, "lti:https://lms.example", "u1")
        assert first.created and not again.created
        assert (again.id, again.opaque_id, again.economy) == (first.id, first.opaque_id, "pe")
        assert again.created_at is not None and again.created_at.tzinfo is not None
    with session_scope() as s:
        assert find_learner(s, "lti:https://lms.example", "u1").id == first.id
    assert _rows() == 1


def test_insert_first_on_an_existing_learner_reads_it_back(database_url):
    """``create_learner`` (what a first launch calls after finding nothing) meets a row that
    another request stored meanwhile: it returns that row, not a second one, and fills the
    economy the other request did not know."""
    with session_scope() as s:
        other = create_learner(s, "portal", "registration:SYM-1")
    with session_scope() as s:
        mine = create_learner(s, "portal", "registration:SYM-1", economy="vn")
    assert not mine.created and mine.id == other.id and mine.opaque_id == other.opaque_id
    assert mine.economy == "vn" and _rows() == 1
    with session_scope() as s:
        assert find_learner(s, "portal", "registration:SYM-1").economy == "vn"


def test_economy_is_filled_once_and_never_replaced(database_url):
    with session_scope() as s:
        learner = create_learner(s, "demo", "d1")
        assert learner.economy is None
        learner = fill_economy(s, learner, "ID")
        assert fill_economy(s, learner, "pe").economy == "id"
    with session_scope() as s:
        assert find_learner(s, "demo", "d1").economy == "id"


def test_learner_and_attempt_statuses_in_one_query(database_url):
    """What a launch reads to know where to land: nobody, a learner without attempts, one
    with several completed attempts and one in progress."""
    with session_scope() as s:
        assert find_learner_and_attempt_statuses(s, "lti:x", "u1") == (None, frozenset())
        learner = create_learner(s, "lti:x", "u1", economy="pe")
        found, statuses = find_learner_and_attempt_statuses(s, "lti:x", "u1")
        assert found.id == learner.id and found.economy == "pe" and statuses == frozenset()
        for number, status in enumerate(["completed", "completed"], start=1):
            s.add(Attempt(learner_id=learner.id, number=number, pack_id="p", pack_version="1",
                          status=status))
        s.flush()
        assert find_learner_and_attempt_statuses(s, "lti:x", "u1")[1] == {"completed"}
        s.add(Attempt(learner_id=learner.id, number=3, pack_id="p", pack_version="1"))
        s.flush()
        found, statuses = find_learner_and_attempt_statuses(s, "lti:x", "u1")
        assert (found.id, found.opaque_id, found.created) == (learner.id, learner.opaque_id, False)
        assert statuses == {"completed", "in_progress"}


def test_events_api_and_attempts_share_the_mapping(database_url):
    actor = events.actor_for("lti:https://lms.example", "u9", economy="ph")
    with session_scope() as s:
        orm = get_or_create_learner(s, "lti:https://lms.example", "u9")
        assert orm.opaque_id == actor and orm.economy == "ph"
    assert _rows() == 1


def test_two_first_requests_race_to_one_learner(postgres_url, monkeypatch):
    """Two workers see the same new user at once (a double click on the LMS link). The
    second insert waits on the first's uncommitted row, then gets nothing back and reads the
    winner's: one row, one ``created``."""
    from digiready.storage import migrate

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", postgres_url)
    migrate.upgrade(postgres_url)
    inserted, results = threading.Event(), {}

    def winner():
        with session_scope() as s:
            results["winner"] = create_learner(s, "lti:https://lms.example", "double-click")
            inserted.set()
            threading.Event().wait(0.5)  # still uncommitted while the other one inserts

    def loser():
        inserted.wait(10)
        with session_scope() as s:
            results["loser"] = create_learner(s, "lti:https://lms.example", "double-click",
                                              economy="pe")

    threads = [threading.Thread(target=winner), threading.Thread(target=loser)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results["winner"].created and not results["loser"].created
    assert results["winner"].id == results["loser"].id and results["loser"].economy == "pe"
    assert _rows() == 1


def test_the_learners_own_economy_answer_replaces_the_economy(database_url, fixture_pack_dir):
    """Where learners choose their economy (issue 17 item 3), their saved answer is the
    attempt's and the learner's economy: the one economy reports count them in, moved by a
    later answer; an attempt without the answer changes nothing."""
    from digiready.attempts import record_economy_answer, start_attempt
    from digiready.packs import load_pack

    pack = load_pack(fixture_pack_dir)
    with session_scope() as s:
        learner = get_or_create_learner(s, "lti:https://lms.example", "u1", economy="pe")
        attempt = start_attempt(s, learner, pack)
        assert record_economy_answer(attempt, learner) is None and learner.economy == "pe"
        attempt.profile = {"economy": "PH"}
        assert record_economy_answer(attempt, learner) == "ph"
        learner_id, attempt_id = learner.id, attempt.id
    with session_scope() as s:
        assert s.get(Learner, learner_id).economy == "ph"
        assert s.get(Attempt, attempt_id).economy == "ph"


def test_recent_learners_keeps_the_most_recently_used():
    from digiready.learners import LearnerRef, RecentLearners

    recent = RecentLearners(size=2)
    ref = {n: LearnerRef(n, f"opaque-{n}", None, None, created=True) for n in (1, 2, 3)}
    recent.remember("lti:a", "u1", ref[1])
    recent.remember("lti:a", "u2", ref[2])
    assert recent.get("lti:a", "u1").id == 1  # u1 used: u2 is now the oldest
    recent.remember("lti:a", "u3", ref[3])
    assert recent.get("lti:a", "u2") is None
    assert recent.get("lti:a", "u1").id == 1 and recent.get("lti:a", "u3").id == 3
    # Remembered, a learner is never "created" again (no second "registered" event).
    assert recent.get("lti:a", "u3").created is False
    # Keys as core_learner holds them (cut at 255), and one platform's user is not another's.
    recent.remember("lti:a", "x" * 300, ref[2])
    assert recent.get("lti:a", "x" * 255).id == 2
    assert recent.get("lti:b", "u1") is None
    recent.forget("lti:a", "u1")
    assert recent.get("lti:a", "u1") is None
