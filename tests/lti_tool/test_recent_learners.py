"""A returning learner's launch on PostgreSQL skips the read of the learner: the worker
remembers them (digiready.learners.RecentLearners) and the launch's one statement checks that
the row still holds what the worker remembers, and reads their attempt statuses. These tests
change the learner behind the worker's back, as another worker or an administrator would,
and check that every launch still stores the right learner and events and lands on the
right page. On SQLite (no remembering) the same launches must give the same results."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from digiready.events.models import Event
from digiready.storage import session_scope
from digiready.storage.engine import database_url, get_engine
from digiready.storage.models import Learner
from lti_tool.models import Launch
from tests.lti_tool.test_learner_economy import leave_first_step, step_number


def _learner(user: str) -> Learner | None:
    with session_scope() as s:
        learner = s.scalars(select(Learner).where(Learner.external_id == user)).one_or_none()
        if learner is not None:
            s.expunge(learner)
        return learner


def _events(actor: str) -> list[tuple[str, str | None]]:
    with session_scope() as s:
        return [tuple(row) for row in s.execute(
            select(Event.kind, Event.economy).where(Event.actor == actor).order_by(Event.id))]


@pytest.fixture
def reads(lti_env, monkeypatch):
    """How often launches read the learner before their write."""
    from lti_tool.launch import views

    calls = []
    real = views.launching_learner

    def counted(s, verified):
        calls.append(verified.claims.get("sub"))
        return real(s, verified)

    monkeypatch.setattr(views, "launching_learner", counted)
    return calls


def _on_postgresql() -> bool:
    return get_engine(database_url()).dialect.name == "postgresql"


def test_a_returning_learner_is_not_read_again(lti_env, reads):
    env = lti_env
    assert env.launch("learner-1").status_code == 200
    assert env.launch("learner-1").status_code == 200
    assert len(reads) == (1 if _on_postgresql() else 2)
    learner = _learner("learner-1")
    assert _events(learner.opaque_id) == [("registered", None), ("launched", None),
                                          ("launched", None)]


def test_an_economy_filled_in_elsewhere_is_read_again(lti_env, reads):
    """Another worker filled in the learner's economy: the remembered learner (no economy)
    no longer holds, so nothing is written with it; the launch reads the row and its event
    carries the economy."""
    env = lti_env
    env.launch("learner-1")
    with session_scope() as s:
        s.execute(update(Learner).where(Learner.external_id == "learner-1").values(economy="pe"))
    again = env.launch("learner-1")
    assert again.status_code == 200 and "Step 1 of" in again.text
    learner = _learner("learner-1")
    assert _events(learner.opaque_id)[-1] == ("launched", "pe")
    # Nothing stored twice: the checked statement wrote nothing before the launch was redone.
    assert [kind for kind, _ in _events(learner.opaque_id)] == ["registered", "launched",
                                                                 "launched"]
    with session_scope() as s:
        assert len(s.scalars(select(Launch.id).where(Launch.sub == "learner-1")).all()) == 2
    reads.clear()
    env.launch("learner-1")  # remembered again, as the row is now
    assert len(reads) == (0 if _on_postgresql() else 1)
    assert _events(learner.opaque_id)[-1] == ("launched", "pe")


def test_a_learner_removed_elsewhere_is_created_again(lti_env):
    """The row the worker remembers is gone (an administrator removed the learner, a
    database restored from a backup): the launch creates the learner again, with a new
    opaque id, instead of writing for a learner that no longer exists."""
    env = lti_env
    env.launch("learner-1")
    before = _learner("learner-1")
    with session_scope() as s:
        s.execute(delete(Event))
        s.execute(delete(Learner).where(Learner.id == before.id))
    again = env.launch("learner-1")
    assert again.status_code == 200 and "Step 1 of" in again.text
    after = _learner("learner-1")
    assert after is not None and after.opaque_id != before.opaque_id
    assert _events(after.opaque_id) == [("registered", None), ("launched", None)]
    assert _events(before.opaque_id) == []


def test_a_remembered_learner_resumes_their_attempt(lti_env, reads):
    """The attempt statuses come with the write: a learner who left after the first step
    lands on the next one, not on a blank diagnostic."""
    env = lti_env
    browser = env.browser()
    second = leave_first_step(browser, env.launch("learner-1", browser=browser))
    # Answering the profile may fill in the learner's economy: this launch may read the row.
    env.launch("learner-1", browser=browser)
    reads.clear()
    again = env.launch("learner-1", browser=browser)
    assert len(reads) == (0 if _on_postgresql() else 1)
    assert again.status_code == 200 and "/learn/diagnostic" in again.url
    assert step_number(again) == step_number(second) > 1
