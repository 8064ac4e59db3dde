"""The diagnostic block's module page in the real workbench, in Debian's Chromium: the built
video plays from the block's own ``media`` handler (byte ranges through Django), its English
captions show, the audio-only switch works, no axe-core violation, fits 320 px."""
from __future__ import annotations

import re
import shutil

import pytest
import requests

from tests.xblocks.test_browser import ARGS, CHROMIUM, WCAG
from tests.xblocks.workbench import FIXTURES, Workbench, fixture_content

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def media_workbench(tmp_path_factory):
    pytest.importorskip("PIL")
    for program in ("ffmpeg", "ffprobe", "espeak-ng"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} not installed")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from digiready.media import build_module

    root = tmp_path_factory.mktemp("wb-media")
    media = root / "media"
    assert build_module("pay_basics", "en", pack_dir=FIXTURES / "pack", root=media,
                        backends=["espeak-ng"]).status == "built"
    bench = Workbench(root / "wb", fixture_content(root / "content"))
    bench.env["DIGIREADY_MEDIA_DIR"] = str(media)
    bench.env.pop("DIGIREADY_MEDIA_URL", None)
    bench.start()
    yield bench, media
    bench.stop()


def test_the_module_page_plays_the_video_from_the_blocks_media_handler(media_workbench):
    from axe_playwright_python.sync_playwright import Axe

    from digiready.media import load_manifest

    bench, media = media_workbench
    scenario = requests.get(f"{bench.url}/scenario/digiready_diagnostic.0/?student=wb", timeout=30).text
    usage = re.search(r"/handler/([^/]+)/save_answers/", scenario).group(1)
    url = f"{bench.url}/handler/{usage}/module_page/pay_basics/?student=wb"
    manifest = load_manifest("pay_basics", "en", root=media)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, "--autoplay-policy=no-user-gesture-required"])
        page = chromium.new_page(viewport={"width": 320, "height": 640})
        page.goto(url)
        video = page.locator("#dr-video")
        assert video.get_attribute("preload") == "none"
        results = Axe().run(page, options=WCAG)
        assert results.violations_count == 0, results.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.evaluate("() => { const v = document.getElementById('dr-video'); v.muted = true; return v.play(); }")
        page.wait_for_function("() => document.getElementById('dr-video').currentTime > 0.5", timeout=45000)
        track = page.evaluate("() => { const t = document.getElementById('dr-video').textTracks[0]; return [t.language, t.mode]; }")
        assert track == ["en", "showing"]
        page.get_by_role("button", name="Audio only (uses less data)").click()
        page.wait_for_function("""() => { const v = document.getElementById('dr-video');
            return v.currentSrc.includes('audio.m4a') && !v.paused && v.readyState >= 2; }""", timeout=45000)
        chromium.close()
    # the handler answers ranges through the workbench's Django
    src = re.search(r'data-video-src="([^"]+)"', requests.get(url, timeout=30).text).group(1).replace("&amp;", "&")
    part = requests.get(bench.url + src if src.startswith("/") else src, headers={"Range": "bytes=0-99"}, timeout=30)
    assert part.status_code == 206 and part.content == manifest.file("video_360p").read_bytes()[:100]
