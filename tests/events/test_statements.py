"""Every statement the project emits passes Ralph's strict xAPI models (the Video Profile,
LMS and navigation models where they apply), and none names a person."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from digiready import events
from digiready.events.vocabulary import KINDS

WHEN = datetime(2026, 4, 1, 10, 0, tzinfo=timezone.utc)
SESSION = "9b2f7c1e-0d4a-4e5b-8f6a-1c2d3e4f5a6b"
FULL = {
    "registered": ({"role": "learner"}, "LMSRegisteredCourse"),
    "launched": ({"title": "DigiReady"}, "BaseXapiStatement"),
    "viewed": ({"title": "Your results", "language": "es"}, "PageViewed"),
    "diagnostic.attempted": ({"attempt": 2}, "BaseXapiStatement"),
    "diagnostic.answered": ({"question": "q1", "response": ["a", "b"]}, "BaseXapiStatement"),
    "diagnostic.completed": ({"score": 47.5, "level": "competent", "dimensions": {"d1": 50}}, "BaseXapiStatement"),
    "module.progressed": ({"progress": 42}, "BaseXapiStatement"),
    "module.completed": ({}, "BaseXapiStatement"),
    "video.initialized": ({"length": 183.4}, "VideoInitialized"),
    "video.played": ({"time": 12.5}, "VideoPlayed"),
    "video.paused": ({"time": 40, "length": 183.4, "played_segments": [[0, 40]]}, "VideoPaused"),
    "video.seeked": ({"time_from": 40, "time_to": 90}, "VideoSeeked"),
    "video.completed": ({"time": 183.4, "length": 183.4, "played_segments": [[0, 40], [90, 183.4], [40, 90]]},
                        "VideoCompleted"),
    "video.terminated": ({"time": 60, "length": 183.4, "played_segments": "0[.]60"}, "VideoTerminated"),
}


def test_every_kind_is_covered():
    assert set(FULL) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(FULL))
@pytest.mark.parametrize("minimal", [False, True])
def test_statement_passes_ralphs_strict_models(kind, minimal, ralph_validate):
    data, model = FULL[kind]
    if minimal:  # only what the kind requires
        data = {k: v for k, v in data.items() if k in {"length", "time_from", "time_to"}
                and (kind != "video.initialized")}
    event = events.build(kind, actor="4d7f0a52-6b1e-4c0e-9a53-1e2f3a4b5c6d", object_id="module/m1/video"
                         if kind.startswith("video.") else "module/m1", economy="PE",
                         session_id=SESSION if not minimal else None, timestamp=WHEN, data=data,
                         synthetic=minimal)
    statement = event.statement()
    parsed = ralph_validate(statement)
    assert type(parsed).__name__ == model
    assert statement["id"] == event.statement_id
    assert statement["verb"]["display"] == {"en-US": KINDS[kind].display}
    ext = statement["context"]["extensions"]
    assert ext["https://digiready.example.org/xapi/extensions/economy"] == "pe"
    if kind.startswith("video."):
        assert statement["context"]["contextActivities"]["category"][0]["id"] == "https://w3id.org/xapi/video"


def test_video_statement_details():
    event = events.build("video.completed", actor="a1", object_id="module/m1/video", session_id=SESSION,
                         timestamp=WHEN, data=FULL["video.completed"][0])
    s = event.statement()
    res = s["result"]["extensions"]
    assert res["https://w3id.org/xapi/video/extensions/played-segments"] == "0[.]40[,]90[.]183.4[,]40[.]90"
    assert res["https://w3id.org/xapi/video/extensions/progress"] == 1.0
    assert s["context"]["extensions"]["https://w3id.org/xapi/video/extensions/session-id"] == SESSION
    assert s["context"]["extensions"]["https://w3id.org/xapi/video/extensions/completion-threshold"] == 0.95
    assert s["result"]["completion"] is True
    progressed = events.build("module.progressed", actor="a1", object_id="module/m1", timestamp=WHEN,
                              data={"progress": 42.4}).statement()
    assert progressed["result"]["extensions"] == {"https://w3id.org/xapi/cmi5/result/extensions/progress": 42}


def test_demo_data_statements_all_validate_and_name_nobody(sqlite_db, ralph_validate, tmp_path, fixture_pack):
    """The whole pipeline on generated data: learners with real external ids, attempts scored
    by the engine, events, then ``export-xapi``: every line valid, no external id, no email."""
    from digiready.cli.main import main
    from digiready.storage import session_scope
    from digiready.storage.models import Learner

    assert main(["demo-data", "--economies", "pe,vn", "--responses", "25", "--seed", "3",
                 "--pack", str(fixture_pack), "--quiet", "--only", "attempts,events"]) == 0
    # A real (non-synthetic) learner too, registered with an email as the platform's id.
    actor = events.actor_for("portal", "maria.lopez@example.org")
    events.record("registered", actor=actor, object_id="symposium", source="portal",
                  data={"role": "attendee"})
    out = tmp_path / "statements.jsonl"
    assert main(["analytics", "export-xapi", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) > 25 * 2 * 5
    with session_scope() as db:
        external = [x for (x,) in db.query(Learner.external_id).all() if x]
    seen = set()
    text = out.read_text()
    for secret in external:
        assert secret not in text
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)  # no email anywhere
    for line in lines:
        statement = json.loads(line)
        seen.add(type(ralph_validate(statement)).__name__)
        assert set(statement["actor"]) == {"objectType", "account"}
        assert set(statement["actor"]["account"]) == {"homePage", "name"}
    assert {"LMSRegisteredCourse", "PageViewed", "VideoInitialized", "VideoPlayed"} <= seen
    synthetic = [json.loads(line) for line in lines
                 if "https://digiready.example.org/xapi/extensions/synthetic" in line]
    assert len(synthetic) == len(lines) - 1  # every demo statement says it is synthetic


@pytest.fixture
def fixture_pack():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "digiready" / "fixtures" / "pack"
