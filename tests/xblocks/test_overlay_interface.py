"""A language the blocks have no catalogue for (Thai, from an economy team in DigiReady
Studio): a block speaks it with the overlay's interface strings once they cover every text
of the blocks' catalogue, buttons and script included, and stays English until then."""
from __future__ import annotations

import pytest

from tests.digiready.thai_overlay import publish_thai
from tests.xblocks.conftest import call


@pytest.fixture
def published_dir(content_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGIREADY_PUBLISHED_DIR", str(tmp_path / "published"))
    monkeypatch.setenv("DIGIREADY_PACK_RECHECK_SECONDS", "0")
    return tmp_path


def test_a_block_speaks_the_overlay_language_once_its_words_are_complete(published_dir, make_block):
    from xblocks.diagnostic import DiagnosticXBlock

    publish_thai(published_dir, 1, leave_out="Save and continue")
    block = make_block(DiagnosticXBlock, economy="th", language="th")
    fragment = block.student_view()
    assert 'lang="en"' in fragment.content and "Save and continue" in fragment.content
    assert "[th]" not in fragment.content

    publish_thai(published_dir, 2)
    fragment = block.student_view()
    assert 'lang="th"' in fragment.content, fragment.content[:400]
    assert "[th] Save and continue" in fragment.content
    scripts = [r.data for r in fragment.resources if r.kind == "text" and r.mimetype == "application/javascript"]
    catalog = next(s for s in scripts if "DigiReadyI18N" in s)  # the block's script strings
    assert '"th"' in catalog and "[th] " in catalog
    assert not any(r.kind == "url" and "/translations/" in r.data for r in fragment.resources)
    # Handlers answer in the same language as the page.
    status, answer = call(block, "submit", {"attempt": 1})
    assert status == 400 and answer["error"].startswith("[th] "), answer


def test_the_learners_language_is_used_when_the_block_follows_it(published_dir, make_block):
    """'auto': a Thai learner (the i18n service's language) gets the Thai block."""
    from xblocks.diagnostic import DiagnosticXBlock

    publish_thai(published_dir, 1)
    block = make_block(DiagnosticXBlock, economy="th")
    block.learner_language = lambda: "th-TH"
    assert 'lang="th"' in block.student_view().content
    block.learner_language = lambda: "es"  # not one of the overlay's: its default language
    assert 'lang="th"' in block.student_view().content
    publish_thai(published_dir, 2, leave_out="Save and continue")
    assert 'lang="en"' in block.student_view().content  # Thai words incomplete: all English
