"""The events API refuses, with a 400 that names the field, what no LRS would take: numbers
that are not finite (``Infinity``, ``NaN``, ``1e999`` all parse as JSON in Python), values
outside a video's range, a language that is no language tag. Posted by a browser to the LTI
tool's player endpoint over real HTTP, on SQLite and PostgreSQL: before, ``Infinity`` was
stored on SQLite (and stalled the LRS sender) and was a 500 on PostgreSQL."""
from __future__ import annotations

import html
import json
import re

import pytest
import requests
from sqlalchemy import func, select

from digiready.events import ingest_client_events
from digiready.events.models import Event
from digiready.events.xapi import build_statement
from digiready.storage import session_scope
from tests.lti_tool.conftest import _environment, use_pack_with_video

SESSION = "8d5e1c1e-7f4a-4b5e-9a43-0c6f2a1d9b10"
GOOD = ('{"kind": "video.paused", "object": "video", "session": "' + SESSION
        + '", "length": 60, "time": 12.5}')
BAD = [
    ('{"kind": "video.paused", "object": "video", "length": Infinity, "time": 1}', "length must be a finite number"),
    ('{"kind": "video.paused", "object": "video", "length": 60, "time": NaN}', "time must be a finite number"),
    ('{"kind": "video.paused", "object": "video", "length": 1e999, "time": 1}', "length must be a finite number"),
    ('{"kind": "video.played", "object": "video", "time": -3}', "time out of range"),
    ('{"kind": "video.played", "object": "video", "time": 90000}', "time out of range"),
    ('{"kind": "video.played", "object": "video", "time": true}', "time must be a number"),
    ('{"kind": "video.paused", "object": "video", "length": 60, "time": 1, "played_segments": [[0, Infinity]]}',
     "played segment end must be a finite number"),
    ('{"kind": "video.played", "object": "video", "time": 1, "language": "' + "e" * 300 + '"}',
     "language must be a language tag"),
    ('{"kind": "video.played", "object": "video", "time": 1, "language": "en_US"}',
     "language must be a language tag"),
    ('{"kind": "video.completed", "object": "video", "length": 60, "time": 60, "completion_threshold": 9}',
     "completion_threshold out of range"),
]


def _video_events() -> int:
    with session_scope() as db:
        return db.scalar(select(func.count()).select_from(Event).where(Event.kind.like("video.%")))


@pytest.fixture
def lti_env(database_url, monkeypatch):
    """The LTI tool and its platform over HTTP, on SQLite and then PostgreSQL."""
    yield from _environment(monkeypatch)


@pytest.fixture
def player_endpoint(lti_env, tmp_path, monkeypatch):
    """The events URL and CSRF token of a module page, as the player script reads them."""
    use_pack_with_video(tmp_path, monkeypatch)
    link = lti_env.platform.add_link("Module", {"digiready_target": "module:pay_basics"})
    page = lti_env.launch(link=link.id)
    assert page.status_code == 200, page.text[:300]
    url = html.unescape(re.search(r'data-events-url="([^"]+)"', page.text).group(1))
    csrf = re.search(r'data-csrf="([^"]+)"', page.text).group(1)
    return lti_env.tool_url + url, csrf


def _post(endpoint, body: str) -> requests.Response:
    url, csrf = endpoint
    return requests.post(url, data='{"events": [' + body + "]}", timeout=10,
                         headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})


def test_the_player_endpoint_refuses_what_no_lrs_takes(player_endpoint, ralph_validate):
    for body, reason in BAD:
        answer = _post(player_endpoint, body)
        assert answer.status_code == 400 and reason in answer.text, (body[:80], answer.status_code,
                                                                     answer.text[-300:])
    # One bad event in a post: none of the post is recorded.
    answer = _post(player_endpoint, GOOD + ", " + BAD[0][0])
    assert answer.status_code == 400 and "event 1: length must be a finite number" in answer.text
    assert _video_events() == 0
    assert _post(player_endpoint, GOOD).json() == {"recorded": 1}
    with session_scope() as db:
        event = db.scalar(select(Event).where(Event.kind == "video.paused"))
        ralph_validate(json.loads(json.dumps(build_statement(event), allow_nan=False)))


@pytest.mark.parametrize("language", ["en", "es-419", "fil", "tpi", "zh-Hant-TW", "vi-VN"])
def test_language_tags_the_packs_use_pass_and_ralph_validates_them(language, ralph_validate):
    [event] = ingest_client_events({"events": [{"kind": "video.played", "object": "video",
                                                "time": 3, "language": language}]},
                                   actor="a" * 36, object_prefix="module/m1", store=False)
    statement = event.statement()
    assert statement["context"]["language"] == language
    ralph_validate(statement)
