"""The demo LMS of ``make run``: a learner launch in a chosen economy and language (a custom
claim and the launch's locale, over real HTTP), and a gradebook kept across restarts that
shows the latest score per learner with its history."""
from __future__ import annotations

from sqlalchemy import select

from digiready.storage import session_scope
from lti_tool.demo.platform import PeerPlatform


def _score(user: str, progress: str, given: float | None = None, at: str = "") -> dict:
    score = {"userId": user, "activityProgress": progress, "timestamp": at,
             "gradingProgress": "FullyGraded" if given is not None else "NotReady",
             "scoreMaximum": 100}
    if given is not None:
        score["scoreGiven"] = given
    return score


def test_the_gradebook_survives_a_restart_with_the_latest_score_first(tmp_path):
    log = tmp_path / "scores.jsonl"
    lms = PeerPlatform(base_url="http://lms.test", tool_base_url="http://tool.test",
                       score_log=log)
    lms.record_score("1", _score("learner-1", "Started", at="2026-01-01T10:00:00Z"))
    lms.record_score("1", _score("learner-2", "Completed", 40.0, at="2026-01-01T10:05:00Z"))
    lms.record_score("1", _score("learner-1", "Completed", 72.5, at="2026-01-01T10:20:00Z"))
    with log.open("a") as f:
        f.write('{"userId": "learner-3", "activ')  # a line cut short by a crash
    again = PeerPlatform(base_url="http://lms.test", tool_base_url="http://tool.test",
                         score_log=log, keys=lms.keys)
    rows = {row["user_id"]: row for row in again.gradebook()}
    assert set(rows) == {"learner-1", "learner-2"}
    assert rows["learner-1"]["latest"]["scoreGiven"] == 72.5
    assert [s["activityProgress"] for s in rows["learner-1"]["history"]] == ["Completed",
                                                                           "Started"]
    page = again.app().test_client().get("/").get_data(as_text=True)
    assert "72.5 / 100" in page and "History (2 scores)" in page
    assert page.count("<tr><th scope=\"row\">") == 2  # one row per learner, not per score


def test_a_learner_launch_carries_the_chosen_economy_and_language(sqlite_env, monkeypatch):
    from lti_tool.models import Launch

    monkeypatch.delenv("DIGIREADY_LTI_PACK")  # the shipped content, with its overlays
    english = sqlite_env.launch("learner-2", economy="vn", language="en")
    assert '<html lang="en"' in english.text
    assert "In which economy is your business?" in english.text
    vietnamese = sqlite_env.launch("learner-3", economy="vn")  # the economy's language
    assert '<html lang="vi"' in vietnamese.text
    assert "Cơ sở kinh doanh của bạn ở nền kinh tế nào?" in vietnamese.text
    with session_scope() as s:
        launches = {row.sub: row for row in s.scalars(select(Launch))}
    assert launches["learner-2"].services["economy"] == "vn"
    assert launches["learner-2"].language == "en"  # from the launch's locale
    assert launches["learner-3"].language is None
    refused = sqlite_env.browser().get(sqlite_env.platform_url + "/launch",
                                       params={"user": "learner-1", "economy": "Peru"})
    assert refused.status_code == 400
