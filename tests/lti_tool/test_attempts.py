"""The attempts repository (digiready.attempts) on SQLite and PostgreSQL: learners, save as
you go, completion with denormalised columns, history, peers for the benchmark."""
from __future__ import annotations

import pytest

from digiready.attempts import (
    attempt_history,
    complete_attempt,
    current_attempt,
    get_or_create_learner,
    peers_for,
    save_answers,
    start_attempt,
)
from digiready.diagnostic import DiagnosticError
from digiready.packs import load_pack
from digiready.storage import session_scope
from tests.lti_tool.conftest import FIXTURE_PACK

PROFILE = {"sector": "g", "size": "micro", "legal_form": "sole_proprietor", "gender": "woman"}
ANSWERS = {"channels": ["social", "maps"], "posting": 3, "accepts": ["cash", "qr"],
           "sells_online": "no", "staff_training": "yes", "protections": ["backup"]}


@pytest.fixture
def pack():
    return load_pack(FIXTURE_PACK)


def test_learner_is_unique_per_platform_and_user(database_url):
    with session_scope() as s:
        a = get_or_create_learner(s, "lti:https://lms.example", "u1", economy="pe")
        b = get_or_create_learner(s, "lti:https://lms.example", "u1")
        c = get_or_create_learner(s, "lti:https://other.example", "u1")
        assert a.id == b.id != c.id and b.economy == "pe"


def test_save_as_you_go_merges_keeps_valid_and_reports_invalid(database_url, pack):
    with session_scope() as s:
        learner = get_or_create_learner(s, "p", "u")
        attempt = start_attempt(s, learner, pack)
        assert save_answers(attempt, pack, profile={"sector": "g", "size": "micro"}) == []
        errors = save_answers(attempt, pack, answers={"posting": 9, "channels": ["social"]})
        assert errors and "posting" in errors[0]
        attempt_id = attempt.id
    with session_scope() as s:
        from digiready.storage.models import Attempt

        saved = s.get(Attempt, attempt_id)
        assert saved.profile == {"sector": "g", "size": "micro"} and saved.sector == "g"
        assert saved.answers == {"channels": ["social"]}  # the valid answer is kept
        assert save_answers(saved, pack, answers={"channels": None}) == []
        assert "channels" not in saved.answers


def test_complete_fills_columns_and_refuses_incomplete(database_url, pack):
    with session_scope() as s:
        learner = get_or_create_learner(s, "p", "u", economy="pe")
        attempt = start_attempt(s, learner, pack)
        save_answers(attempt, pack, profile=PROFILE, answers={"channels": ["social"]})
        with pytest.raises(DiagnosticError) as info:
            complete_attempt(s, attempt, pack)
        assert any("posting" in e for e in info.value.errors)
        assert attempt.status == "in_progress"
        save_answers(attempt, pack, answers=ANSWERS)
        result = complete_attempt(s, attempt, pack)
        assert attempt.status == "completed" and attempt.completed_at is not None
        assert attempt.overall_score == result["overall"]["score"] and attempt.level
        assert (attempt.economy, attempt.sector, attempt.size, attempt.gender) == ("pe", "g", "micro", "woman")
        assert save_answers(attempt, pack, answers={"posting": 1})  # final: refused
        assert current_attempt(s, learner, pack) is None


def test_history_compares_with_previous_and_peers_exclude_self(database_url, pack):
    with session_scope() as s:
        for n in range(3):
            other = get_or_create_learner(s, "p", f"peer{n}", economy="pe")
            a = start_attempt(s, other, pack)
            save_answers(a, pack, profile=PROFILE, answers=ANSWERS)
            complete_attempt(s, a, pack)
        me = get_or_create_learner(s, "p", "me", economy="pe")
        first = start_attempt(s, me, pack)
        save_answers(first, pack, profile=PROFILE, answers=dict(ANSWERS, posting=0))
        result = complete_attempt(s, first, pack)
        assert result["benchmark"]["available"] and result["benchmark"]["peers"] == 3
        second = start_attempt(s, me, pack)
        assert second.number == 2
        save_answers(second, pack, profile=PROFILE, answers=dict(ANSWERS, posting=5))
        result = complete_attempt(s, second, pack)
        assert result["change"]["overall"]["change"] > 0
        history = attempt_history(s, me)
        assert [h["number"] for h in history] == [1, 2] and history[1]["change"] is not None
        peers = peers_for(s, pack, dict(PROFILE, economy="pe"), exclude_learner_id=me.id)
        assert len(peers) == 3
        assert len(peers_for(s, pack, dict(PROFILE, economy="pe"))) == 4  # latest attempt only
