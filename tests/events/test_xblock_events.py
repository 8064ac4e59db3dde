"""XBlock events: published through the runtime always, stored only when the site has a
DigiReady database (``DIGIREADY_DATABASE_URL`` set), never under a learner's real name."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from digiready.events import ClientEventError
from digiready.events.models import Event
from digiready.events.xblock import PUBLISH_EVENT, block_event, block_player_events
from digiready.storage import session_scope


class FakeRuntime:
    def __init__(self):
        self.published = []

    def publish(self, block, event_type, data):
        self.published.append((event_type, data))


class FakeBlock:
    def __init__(self):
        self.runtime = FakeRuntime()
        self.scope_ids = SimpleNamespace(usage_id=SimpleNamespace(course_key="course-v1:APEC+DR+2026"))

    def learner_key(self):
        return "anon-42"


PAYLOAD = {"events": [
    {"kind": "video.initialized", "object": "video", "session": "2b1f0e4c-5d6a-4b7c-8d9e-0f1a2b3c4d5e",
     "length": 120},
    {"kind": "video.played", "object": "video", "session": "2b1f0e4c-5d6a-4b7c-8d9e-0f1a2b3c4d5e", "time": 0},
]}


def test_without_a_configured_database_events_are_published_not_stored(tmp_path, ralph_validate):
    block = FakeBlock()
    event = block_event(block, "diagnostic.completed", object_id="diagnostic/base", economy="pe",
                        data={"score": 55.0, "level": "competent"})
    assert event is not None and event.stored is False
    assert block_player_events(block, PAYLOAD, module_id="online-sales", economy="pe") == 2
    kinds = [kind for kind, _ in block.runtime.published]
    assert kinds == [PUBLISH_EVENT] * 3
    for _, data in block.runtime.published:
        statement = data["statement"]
        ralph_validate(statement)
        assert "anon-42" not in str(statement)
    assert not (tmp_path / "var" / "digiready.sqlite3").exists()  # no stray SQLite file


def test_with_a_database_events_are_stored_and_published(sqlite_db):
    block = FakeBlock()
    block_event(block, "diagnostic.attempted", object_id="diagnostic/base", economy="pe")
    block_player_events(block, PAYLOAD, module_id="online-sales", economy="pe")
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Event)) == 3
        objects = set(db.scalars(select(Event.object_id)))
    assert objects == {"diagnostic/base", "module/online-sales/video"}
    assert len(block.runtime.published) == 3


def test_bad_player_payload_is_refused(sqlite_db):
    with pytest.raises(ClientEventError):
        block_player_events(FakeBlock(), {"events": [{"kind": "registered"}]}, module_id="m")


def test_a_broken_database_still_publishes(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", f"sqlite:///{tmp_path / 'not-migrated.sqlite3'}")
    block = FakeBlock()
    assert block_event(block, "module.completed", object_id="module/m") is not None
    assert block_player_events(block, PAYLOAD, module_id="m") == 2
    assert len(block.runtime.published) == 3
