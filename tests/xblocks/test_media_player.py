"""The diagnostic block's module page plays the built video (digiready.media's player) and its
``media`` handler serves the files with byte ranges, for sites where nginx does not."""
from __future__ import annotations

import html
import re
import shutil

import pytest
from webob import Request

from tests.xblocks.conftest import FIXTURES, call
from xblocks.diagnostic import DiagnosticXBlock


@pytest.fixture(scope="module")
def built_media(tmp_path_factory):
    pytest.importorskip("PIL")  # building needs Pillow; reading manifests does not
    for program in ("ffmpeg", "ffprobe", "espeak-ng"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} not installed")
    from digiready.media import build_module

    root = tmp_path_factory.mktemp("xblock-media")
    result = build_module("pay_basics", "en", pack_dir=FIXTURES / "pack", root=root, backends=["espeak-ng"])
    assert result.status == "built"
    return root, result.manifest


def _pack_claiming_ten_minutes(content_dir) -> None:
    """The content's base pack, copied, with module pay_basics claiming 600 s."""
    import yaml

    (content_dir / "base").unlink()
    shutil.copytree(FIXTURES / "pack", content_dir / "base")
    module_file = content_dir / "base" / "modules" / "pay_basics" / "module.yaml"
    module = yaml.safe_load(module_file.read_text())
    module["duration_seconds"] = 600
    module_file.write_text(yaml.safe_dump(module))


def test_module_page_plays_the_built_video_and_serves_ranges(make_block, built_media, content_dir, monkeypatch):
    root, manifest = built_media
    _pack_claiming_ten_minutes(content_dir)
    monkeypatch.setenv("DIGIREADY_MEDIA_DIR", str(root))
    monkeypatch.delenv("DIGIREADY_MEDIA_URL", raising=False)
    block = make_block(DiagnosticXBlock)
    status, page = call(block, "module_page", method="GET", suffix="pay_basics")
    assert status == 200
    assert 'preload="none"' in page and "data-audio-src=" in page and '<track kind="captions"' in page
    assert "DigiReadyPlayer" in page  # the player script (events, audio-only switch) is inline
    assert manifest.duration_seconds < 60 and ">1 min<" in page and "10 min" not in page  # the manifest's
    relative = manifest.relative("video_360p", root)
    expected = block.runtime.handler_url(block, "media", relative)  # the toy runtime's stand-in URL
    assert f'data-video-src="{html.escape(expected)}"' in page
    request = Request.blank("/", headers={"Range": "bytes=10-109"})
    response = block.handle("media", request, relative)
    data = manifest.file("video_360p").read_bytes()
    assert response.status_code == 206 and response.body == data[10:110]
    assert response.headers["Content-Range"] == f"bytes 10-109/{len(data)}"
    assert block.handle("media", Request.blank("/"), "../../etc/passwd").status_code == 404


def test_media_url_setting_points_the_player_at_nginx(make_block, built_media, monkeypatch):
    root, manifest = built_media
    monkeypatch.setenv("DIGIREADY_MEDIA_DIR", str(root))
    monkeypatch.setenv("DIGIREADY_MEDIA_URL", "https://cdn.example.org/media/")
    block = make_block(DiagnosticXBlock)
    _status, page = call(block, "module_page", method="GET", suffix="pay_basics")
    assert f'data-audio-src="https://cdn.example.org/media/{manifest.relative("audio", root)}"' in page


def test_results_show_the_built_videos_duration(make_block, built_media, content_dir, monkeypatch):
    from tests.xblocks.test_diagnostic_handlers import complete

    root, _manifest = built_media
    _pack_claiming_ten_minutes(content_dir)
    monkeypatch.setenv("DIGIREADY_MEDIA_DIR", str(root))
    html = complete(make_block(DiagnosticXBlock))["html"]
    title = re.search(r">(Module pay_basics)</(?:a|strong)> <span class=\"dr-meta\">\((\d+) min\)", html)
    assert title and title.group(2) == "1", html[:2000]  # not the pack's 10 minutes
