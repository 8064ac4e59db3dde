"""The XBlocks' instrumentation on the XBlock test runtime: the diagnostic and survey publish
xAPI statements (Ralph-valid, pseudonymous) through the runtime, store them when the site has
a DigiReady database, and the module page carries the player script and its handler."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from digiready.events.models import Event
from digiready.storage import session_scope
from tests.xblocks.conftest import call, content_dir, make_block  # noqa: F401  (fixtures)
from tests.xblocks.test_diagnostic_handlers import complete
from xblocks.diagnostic import DiagnosticXBlock

SESSION = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


def _statements(block):
    return [data["statement"] for kind, data in block.runtime.published if kind == "digiready.xapi"]


def test_diagnostic_publishes_valid_statements_without_a_database(make_block, ralph_validate):  # noqa: F811
    block = make_block(DiagnosticXBlock)
    complete(block)
    statements = _statements(block)
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in statements] == ["attempted", "completed"]
    for s in statements:
        ralph_validate(s)
        assert "learner-1" not in json.dumps(s) and "anon-learner-1" not in json.dumps(s)
    assert statements[1]["result"]["score"]["raw"] == block.result["overall"]["score"]


def test_with_a_database_the_events_are_stored_with_the_profile(make_block, sqlite_db):  # noqa: F811
    block = make_block(DiagnosticXBlock)
    complete(block)
    with session_scope() as db:
        kinds = [e.kind for e in db.scalars(select(Event).order_by(Event.id))]
    assert kinds == ["diagnostic.attempted", "diagnostic.completed"]
    from digiready.events.indicators import compute

    data = compute(min_cell=1)
    assert data["diagnostic_completions"]["value"] == 1
    assert data["breakdowns"]["economy"]  # the profile reached the actor's record


def test_module_page_player_and_its_handler(make_block, sqlite_db, content_dir, monkeypatch):  # noqa: F811
    import shutil

    import yaml

    base = content_dir / "base"
    target = base.resolve()
    base.unlink()
    shutil.copytree(target, base)  # a writable copy of the fixture pack, with a video source
    module_file = base / "modules" / "safe_online" / "module.yaml"
    module = yaml.safe_load(module_file.read_text())
    module["video"]["html5_url"] = "https://cdn.example.org/safe_online.mp4"
    module_file.write_text(yaml.safe_dump(module))
    block = make_block(DiagnosticXBlock)
    status, page = call(block, "module_page", method="GET", suffix="safe_online")
    assert status == 200 and "<video" in page
    from html import escape

    url = block.runtime.handler_url(block, "player_events", "safe_online")
    assert f'data-events-url="{escape(url)}"' in page
    assert 'data-csrf-header="X-CSRFToken"' in page and "DigiReadyPlayer" in page
    payload = {"events": [{"kind": "video.initialized", "object": "video", "session": SESSION, "length": 90},
                          {"kind": "video.played", "object": "video", "session": SESSION, "time": 0}]}
    status, body = call(block, "player_events", payload, suffix="safe_online")
    assert (status, body) == (200, {"recorded": 2})
    # Opening the page counted as progress in the module, then the two video events.
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in _statements(block)] == ["progressed", "initialized", "played"]
    with session_scope() as db:
        assert set(db.scalars(select(Event.object_id))) == {"module/safe_online", "module/safe_online/video"}
    assert call(block, "player_events", {"events": [{"kind": "registered"}]}, suffix="safe_online")[0] == 400
    assert call(block, "player_events", payload, suffix="nope")[0] == 404


@pytest.fixture(autouse=True)
def _content(content_dir):  # noqa: F811
    return content_dir
