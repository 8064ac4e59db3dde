"""The LTI module page plays the built video in Debian's Chromium: it plays (currentTime
advances), shows the captions of the learner's language, switches to audio only and back
without losing its place, has no axe-core WCAG 2.1 AA violation and fits 320 px; the files
are served with byte ranges (206 with the right bytes), ETags and a long cache; and the
statements the real playback produced pass Ralph's strict Video Profile models."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from digiready.events.models import Event
from digiready.storage import session_scope
from tests.events.conftest import ralph_validate  # noqa: F401  (fixture)
from tests.lti_tool.conftest import FIXTURE_PACK, _environment
from tests.lti_tool.test_browser import ARGS, CHROMIUM, axe_violations, no_horizontal_scroll
from tests.media.conftest import needs_media_tools

PLAY_ARGS = [*ARGS, "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def fixture_media(tmp_path_factory) -> Path:
    """The fixture pack's module pay_basics (two sentences), built once."""
    needs_media_tools()
    from digiready.media import build_module

    root = tmp_path_factory.mktemp("lti-media")
    assert build_module("pay_basics", "en", pack_dir=FIXTURE_PACK, root=root, backends=["espeak-ng"]).status == "built"
    return root


@pytest.fixture
def lti(sqlite_db, fixture_media, tmp_path, monkeypatch):
    """The tool on a copy of the fixture pack whose module pay_basics claims 10 minutes: the
    pages must show the built video's length instead."""
    import shutil

    import yaml

    monkeypatch.setenv("DIGIREADY_MEDIA_DIR", str(fixture_media))
    environment = _environment(monkeypatch)
    env = next(environment)
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    module_file = pack / "modules" / "pay_basics" / "module.yaml"
    module = yaml.safe_load(module_file.read_text())
    module["duration_seconds"] = 600
    module_file.write_text(yaml.safe_dump(module))
    monkeypatch.setenv("DIGIREADY_LTI_PACK", str(pack))
    yield env
    next(environment, None)


@pytest.fixture
def sqlite_db(tmp_path, monkeypatch):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", url)
    migrate.upgrade(url)
    return url


def test_media_files_are_served_with_ranges_etags_and_a_long_cache(lti, fixture_media):
    from digiready.media import load_manifest

    m = load_manifest("pay_basics", "en", root=fixture_media)
    url = lti.tool_url + "/media/" + m.relative("video_360p", fixture_media)
    data = m.file("video_360p").read_bytes()
    part = requests.get(url, headers={"Range": "bytes=100-1099"}, timeout=10)
    assert part.status_code == 206 and part.content == data[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
    assert part.headers["Accept-Ranges"] == "bytes" and "immutable" in part.headers["Cache-Control"]
    tail = requests.get(url, headers={"Range": "bytes=-16"}, timeout=10)
    assert tail.status_code == 206 and tail.content == data[-16:]
    whole = requests.get(url, timeout=10)
    assert whole.status_code == 200 and whole.content == data and whole.headers["Content-Type"] == "video/mp4"
    again = requests.get(url, headers={"If-None-Match": whole.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    beyond = requests.get(url, headers={"Range": f"bytes={len(data)}-"}, timeout=10)
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    for bad in ("/media/../setup.py", "/media/base/pay_basics/en/.hidden", "/media/nope.mp4"):
        assert requests.get(lti.tool_url + bad, timeout=10).status_code == 404, bad


def test_the_module_page_plays_the_built_video(lti, fixture_media, ralph_validate):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from digiready.media import load_manifest

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium not installed")
    m = load_manifest("pay_basics", "en", root=fixture_media)
    link = lti.platform.add_link("Module", {"digiready_target": "module:pay_basics"})
    page = lti.launch(link=link.id)
    html = page.text
    assert 'preload="none"' in html and 'poster="/media/base/pay_basics/en/' in html
    assert '<track kind="captions"' in html and 'srclang="en"' in html
    assert m.duration_seconds < 60 and "About 1 minute<" in html  # ngettext: not "1 minutes"
    assert "About 10 minutes" not in html
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=PLAY_ARGS)
        context = browser.new_context(viewport={"width": 320, "height": 640})
        tab = context.new_page()
        media_requests: list[str] = []
        tab.on("request", lambda r: media_requests.append(r.url) if "/media/" in r.url else None)
        tab.goto(page.url)
        tab.wait_for_load_state("networkidle")
        # preload="none": only the poster and the (default) captions before play, no video byte
        assert sorted(u.rsplit("/", 1)[1] for u in media_requests) == ["captions.vtt", "poster.jpg"], media_requests
        assert axe_violations(tab) == []
        assert no_horizontal_scroll(tab)
        tab.evaluate("() => { const v = document.getElementById('dr-video'); v.muted = true; return v.play(); }")
        tab.wait_for_function("() => document.getElementById('dr-video').currentTime > 0.8", timeout=45000)
        track = tab.evaluate("""() => { const t = document.getElementById('dr-video').textTracks[0];
                                        return [t.language, t.mode, t.kind, t.cues ? t.cues.length : 0]; }""")
        assert track[:3] == ["en", "showing", "captions"] and track[3] >= 2, track
        before = tab.evaluate("() => document.getElementById('dr-video').currentTime")
        toggle = tab.get_by_role("button", name="Audio only (uses less data)")
        toggle.click()
        tab.wait_for_function("""() => { const v = document.getElementById('dr-video');
            return v.currentSrc.endsWith('/audio.m4a') && !v.paused && v.readyState >= 2; }""", timeout=45000)
        assert toggle.get_attribute("aria-pressed") == "true"
        after = tab.evaluate("() => document.getElementById('dr-video').currentTime")
        assert after >= before - 0.3  # the place is kept
        tab.wait_for_function(f"() => document.getElementById('dr-video').currentTime > {after + 0.5}", timeout=45000)
        assert axe_violations(tab) == []
        tab.get_by_role("button", name="Audio only (uses less data)").click()  # back to the video
        tab.wait_for_function("() => document.getElementById('dr-video').currentSrc.endsWith('/video-360p.mp4')", timeout=45000)
        tab.evaluate("() => { const v = document.getElementById('dr-video'); v.playbackRate = 2; }")
        tab.wait_for_function("() => document.getElementById('dr-video').ended", timeout=90000)
        tab.goto("about:blank")  # pagehide: terminated
        tab.wait_for_timeout(700)
        browser.close()
    assert any("Range" in u or u.endswith(".mp4") for u in media_requests)
    with session_scope() as db:
        stored = list(db.scalars(select(Event).where(Event.kind.like("video.%")).order_by(Event.timestamp, Event.id)))
    kinds = [e.kind for e in stored]
    assert kinds[:2] == ["video.initialized", "video.played"], kinds
    assert "video.completed" in kinds and kinds.count("video.initialized") == 1, kinds
    assert "video.seeked" not in kinds  # the audio-only switch is no seek
    completed = next(e for e in stored if e.kind == "video.completed")
    assert completed.data["length"] == pytest.approx(m.duration_seconds, abs=0.5)
    assert completed.progress >= 95
    from digiready.events.indicators import compute

    figures = compute(min_cell=1)
    played = kinds.count("video.played")
    assert figures["video_plays"]["value"] == played >= 1  # the indicator counts these real plays
    assert figures["full_views"]["value"] == 1  # played to the end: at least 95 % of segments
    for event in stored:
        from digiready.events.xapi import build_statement

        model = ralph_validate(build_statement(event))
        assert type(model).__name__.startswith("Video"), (event.kind, type(model).__name__)


def test_posters_from_a_media_url_on_another_origin_are_allowed_by_the_csp(sqlite_db, monkeypatch):
    from lti_tool.app import create_app

    monkeypatch.setenv("DIGIREADY_MEDIA_URL", "https://cdn.example.org/media/")
    csp = create_app().test_client().get("/no-such-page").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://cdn.example.org;" in csp
    monkeypatch.delenv("DIGIREADY_MEDIA_URL")
    assert "img-src 'self' data:;" in create_app().test_client().get("/x").headers["Content-Security-Policy"]
