"""The diagnostic block's module page plays the built video (digiready.media's player) and its
``media`` handler serves the files with byte ranges, for sites where nginx does not."""
from __future__ import annotations

import html
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


def test_module_page_plays_the_built_video_and_serves_ranges(make_block, built_media, monkeypatch):
    root, manifest = built_media
    monkeypatch.setenv("DIGIREADY_MEDIA_DIR", str(root))
    monkeypatch.delenv("DIGIREADY_MEDIA_URL", raising=False)
    block = make_block(DiagnosticXBlock)
    status, page = call(block, "module_page", method="GET", suffix="pay_basics")
    assert status == 200
    assert 'preload="none"' in page and "data-audio-src=" in page and '<track kind="captions"' in page
    assert "DigiReadyPlayer" in page  # the player script (events, audio-only switch) is inline
    minutes = max(1, -(-int(manifest.duration_seconds) // 60))
    assert f">{minutes} min<" in page  # the manifest's duration
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
