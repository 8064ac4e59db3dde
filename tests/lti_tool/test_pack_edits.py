"""The running tool while someone edits its pack: an editor's lock link beside a file changes
nothing for learners; a broken or hostile file gives the readable "being updated" page (503),
never a server error; fixed, the pack is served again without a restart."""
from __future__ import annotations

import os
import shutil

from tests.lti_tool.conftest import FIXTURE_PACK


def test_editing_the_pack_under_the_running_tool(sqlite_env, tmp_path, monkeypatch):
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    monkeypatch.setenv("DIGIREADY_LTI_PACK", str(pack))
    monkeypatch.setenv("DIGIREADY_PACK_RECHECK_SECONDS", "0")
    # Emacs marks a file being edited with a link to nowhere: `.#questions.yaml`.
    os.symlink("ana@laptop.4242:1733300000", pack / ".#questions.yaml")
    page = sqlite_env.launch()
    assert page.status_code == 200 and "/learn/" in page.url
    questions = (pack / "questions.yaml").read_text()
    for broken in ("questions: &q [*q]\n", "questions: !!python/name:os.system\n",
                   "questions: " + "[" * 3000):
        (pack / "questions.yaml").write_text(broken)
        page = sqlite_env.launch()
        assert page.status_code == 503 and "being updated" in page.text, page.text[:300]
    (pack / "questions.yaml").write_text(questions)
    assert "/learn/" in sqlite_env.launch().url
