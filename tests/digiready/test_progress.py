"""Where a returning learner resumes: ``progress``'s current step (the LTI launch and the
XBlock both land there)."""
from __future__ import annotations

import pytest

from digiready.diagnostic.questionnaire import progress
from digiready.packs import load_pack
from digiready.packs.paths import base_pack_dir


@pytest.fixture(scope="module")
def ph_pack():
    # The Philippine overlay adds an optional profile question (region) to the base's.
    pack = load_pack(str(base_pack_dir()), "ph", "en")
    assert any(not p.required for p in pack.profile)
    return pack


def required_profile(pack) -> dict:
    return {p.id: p.options[0].id if p.options else "x"
            for p in pack.profile if p.required}


def test_a_blank_attempt_starts_on_the_profile_step(ph_pack):
    state = progress(ph_pack, {}, {})
    assert state["current_step"] == 0 and not state["steps"][0]["complete"]


def test_optional_profile_questions_left_blank_do_not_hold_the_learner_back(ph_pack):
    state = progress(ph_pack, required_profile(ph_pack), {})
    assert state["steps"][0]["complete"]
    assert state["current_step"] == 1
    # The blank optional ones still count as unanswered in the progress bar.
    assert state["answered"] < state["total"]


def test_a_required_profile_question_left_blank_keeps_the_profile_step(ph_pack):
    profile = required_profile(ph_pack)
    del profile[next(p.id for p in ph_pack.profile if p.required)]
    assert progress(ph_pack, profile, {})["current_step"] == 0
