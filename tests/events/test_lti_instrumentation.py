"""The LTI tool's instrumentation end to end: a real launch records registration (once) and
the launch; the module page loads the player script under the tool's CSP and its events reach
the tool's endpoint (CSRF header, learner from the launch) and the events tables."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from digiready.events.models import Event
from digiready.storage import session_scope
from tests.lti_tool.conftest import _environment, use_pack_with_video


@pytest.fixture
def lti(sqlite_db, monkeypatch):
    yield from _environment(monkeypatch)


def _count(kind: str) -> int:
    with session_scope() as db:
        return db.scalar(select(func.count()).select_from(Event).where(Event.kind == kind))


def test_launches_record_registration_once_and_every_launch(lti):
    lti.launch(user="learner-1")
    lti.launch(user="learner-1")
    assert _count("registered") == 1
    assert _count("launched") == 2
    with session_scope() as db:
        actors = set(db.scalars(select(Event.actor)))
    assert len(actors) == 1 and "learner-1" not in next(iter(actors))


def test_module_page_player_events_reach_the_events_tables(lti, tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    use_pack_with_video(tmp_path, monkeypatch)
    link = lti.platform.add_link("Module", {"digiready_target": "module:pay_basics"})
    page = lti.launch(link=link.id)
    assert "/analytics/static/player.js" in page.text
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto(page.url)
        tab.wait_for_function("() => window.DigiReadyPlayer && document.querySelector('video[data-events-attached]')")
        # No media can load here (no internet): drive the element's own events.
        tab.evaluate("""() => { const v = document.getElementById('dr-video');
                                v.dispatchEvent(new Event('play')); v.dispatchEvent(new Event('pause')); }""")
        tab.wait_for_timeout(1500)
        browser.close()
    with session_scope() as db:
        video = list(db.scalars(select(Event).where(Event.kind.like("video.%")).order_by(Event.id)))
    assert [e.kind for e in video] == ["video.initialized", "video.played", "video.paused"], errors
    assert all(e.object_id == "module/pay_basics/video" and e.source == "lti" for e in video)
    assert video[0].data["length"] == 60.0  # from data-duration until metadata loads
