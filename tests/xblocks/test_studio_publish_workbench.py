"""A DigiReady Studio publish reaches a block rendered by the real xblock-sdk workbench
without restarting it: economy ``th`` (created, translated and published with the functions
Studio's pages call, on a real SQLite database) is shown in Thai, pages' words included; a
second version replaces it at the next page load, and a rollback brings the first back, while
the same workbench process keeps running."""
from __future__ import annotations

import re

import pytest
import requests

from tests.xblocks.workbench import REPO, Workbench

PROFILE_TEXT = re.compile(r"^profile\.[a-z0-9_]+\.text$")


def _translate(session, version: str) -> None:
    """Every page word as "[th] <English>", every profile question as "[th vN] <English>"."""
    from digiready.authoring import store
    from digiready.authoring.build import units_for
    from digiready.packs import base_pack_dir
    from tests.digiready.thai_overlay import thai_texts

    units = units_for(store.load_content(session, "th", with_blobs=False), base_pack_dir())["th"]
    questions = [(u.key, f"[th {version}] {u.source}", "") for u in units if PROFILE_TEXT.match(u.key)]
    assert questions
    store.import_translations(session, "th", "th", [
        *((unit, text, "") for unit, text in thai_texts().items()), *questions], "test")


def _page(workbench: Workbench) -> str:
    scenarios = requests.get(workbench.url + "/", timeout=30).text
    found = re.search(r'href="(/scenario/digiready_diagnostic\.\d+/)"[^>]*>[^<]*\(th overlay, th\)',
                      scenarios)
    assert found, scenarios[:3000]
    page = requests.get(workbench.url + found.group(1), timeout=60)
    assert page.status_code == 200
    return page.text


@pytest.fixture
def studio_db(sqlite_url, tmp_path, monkeypatch):
    from digiready.storage import migrate

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DIGIREADY_PUBLISHED_DIR", str(tmp_path / "published"))
    migrate.upgrade(sqlite_url)
    return sqlite_url


def test_a_studio_publish_reaches_the_running_workbench(studio_db, tmp_path):
    from digiready.authoring import publishing, store
    from digiready.packs import base_pack_dir
    from digiready.storage import session_scope

    base = base_pack_dir()
    with session_scope() as s:
        store.create_economy(s, base, "th", "th", "Thailand", "test")
        _translate(s, "v1")
        publishing.publish(s, "th", base, "test", "Thai, every word")
    content = tmp_path / "content"
    (content / "economies").mkdir(parents=True)
    (content / "base").symlink_to(REPO / "content" / "base")
    (content / "schema").symlink_to(REPO / "content" / "schema")
    workbench = Workbench(tmp_path / "workbench", content).start()
    try:
        pid = workbench.process.pid
        first = _page(workbench)
        assert 'lang="th"' in first and "[th] Save and continue" in first and "[th v1] " in first
        assert "DigiReadyI18N" in first  # the block's script strings, from the overlay too

        with session_scope() as s:
            _translate(s, "v2")
            publishing.publish(s, "th", base, "test", "second wording")
        second = _page(workbench)
        assert "[th v2] " in second and "[th v1] " not in second

        with session_scope() as s:
            publishing.rollback(s, "th", 1, "test")
        again = _page(workbench)
        assert "[th v1] " in again and "[th v2] " not in again
        assert workbench.process.poll() is None and workbench.process.pid == pid  # no restart
    finally:
        workbench.stop()
