"""Issue 17, item 3: a block that lets learners choose their economy loads the overlay of the
learner's answer to "In which economy is your business?" (the core decides:
digiready.packs.paths.overlay_for)."""
from __future__ import annotations

from pathlib import Path

import pytest

from digiready.packs.paths import allowed_economies, overlay_for
from tests.xblocks.conftest import call
from xblocks.diagnostic import DiagnosticXBlock

REPO = Path(__file__).resolve().parents[2]


def test_overlay_for_decides_once_for_every_adapter():
    codes = ["pe", "ph", "vn"]
    assert allowed_economies("pe, ph  vn") == ("pe", "ph", "vn")
    assert allowed_economies(["PE", "any"]) == "any"
    assert overlay_for("pe", "", "ph", codes) == "pe"          # no choice: the registration's own
    assert overlay_for("pe", "pe ph", None, codes) is None     # not answered yet: ask (base pack)
    assert overlay_for("pe", "pe ph", "ph", codes) == "ph"     # the learner's answer counts
    assert overlay_for("pe", "pe ph", "vn", codes) == "pe"     # not allowed: the registration's own
    assert overlay_for(None, "any", "vn", codes) == "vn"
    assert overlay_for(None, "any", "other", codes) is None    # no overlay for "another economy"


@pytest.fixture
def real_content(monkeypatch):
    monkeypatch.setenv("DIGIREADY_CONTENT_DIR", str(REPO / "content"))


def test_the_learners_economy_answer_selects_the_overlay(make_block, real_content):
    block = make_block(DiagnosticXBlock, economies="pe ph", language="auto")
    assert block.load_pack().economy is None  # the base pack asks the economy question
    status, body = call(block, "save_answers", {"attempt": 1, "profile": {"economy": "ph", "area": "urban"},
                                                 "answers": {}})
    assert status == 200, body
    pack = block.load_pack()
    assert pack.economy == "ph"
    assert any(t.id == "ph_gcash" for t in pack.tools)
    assert any(p.id == "ph_negosyo_centers" for p in pack.programmes)
    # a block without the choice keeps its own overlay whatever the learner answers
    fixed = make_block(DiagnosticXBlock, usage="u2", economy="pe")
    fixed.profile = {"economy": "ph"}
    assert fixed.load_pack().economy == "pe"


def test_an_economy_outside_the_list_keeps_the_blocks_own(make_block, real_content):
    block = make_block(DiagnosticXBlock, economies="pe ph", economy="pe")
    block.profile = {"economy": "vn"}
    assert block.load_pack().economy == "pe"
