"""The apps compress their own pages, styles and scripts (no nginx in front: ``make run``,
``digiready serve`` alone), over real HTTP: brotli or gzip as the client accepts, identity
when it accepts neither, never a byte range (a static file's or a training video's under
``/media/``), and nothing with ``DIGIREADY_COMPRESS=0``. Behind nginx the site file
compresses (tests/deployment/test_nginx.py)."""
from __future__ import annotations

import gzip

import brotli
import pytest
import requests

from tests.ops.conftest import create


@pytest.fixture
def lti_url(app_env, sqlite_url, tmp_path, monkeypatch, serve):
    from digiready.storage import migrate

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DIGIREADY_MEDIA_DIR", str(tmp_path / "media"))
    migrate.upgrade(sqlite_url)
    # A built module's files as digiready.media writes them: captions are text, yet a range
    # of them must come back as stored.
    folder = tmp_path / "media" / "base" / "m01" / "en"
    folder.mkdir(parents=True)
    (folder / "captions.vtt").write_text("WEBVTT\n\n" + "00:00.000 --> 00:01.000\nHello\n\n" * 200)
    (folder / "video-360p.mp4").write_bytes(bytes(range(256)) * 400)
    return serve(create("lti"))


def _get(url: str, encoding: str | None, **headers) -> requests.Response:
    """The raw response (requests must not decode it: the test reads the bytes sent).
    ``encoding`` None: the client accepts no compression."""
    headers["Accept-Encoding"] = encoding or "identity"
    response = requests.get(url, headers=headers, stream=True, timeout=10)
    response.raw.decode_content = False
    response._content = response.raw.read()
    return response


@pytest.fixture
def lti(app_env, sqlite_url, monkeypatch):
    """The tool and its peer platform (tests/lti_tool) on SQLite."""
    from digiready.storage import migrate
    from tests.lti_tool.conftest import _environment

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    migrate.upgrade(sqlite_url)
    yield from _environment(monkeypatch)


def test_the_launch_page_styles_and_scripts_are_compressed_as_the_client_accepts(lti):
    # requests asks for "gzip, deflate, br, zstd", as a browser does, and decodes the page;
    # the header says what was sent.
    page = lti.launch()
    assert page.status_code == 200 and "Step 1 of" in page.text
    assert page.headers["Content-Encoding"] == "br" and "Accept-Encoding" in page.headers["Vary"]

    css_url = lti.tool_url + "/lti-static/tool.css"
    plain = _get(css_url, None)
    assert "Content-Encoding" not in plain.headers and len(plain.content) > 500
    zipped = _get(css_url, "gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    best = _get(css_url, "gzip, deflate, br")
    assert best.headers["Content-Encoding"] == "br"
    assert brotli.decompress(best.content) == plain.content

    script = _get(lti.tool_url + "/analytics/static/player.js", "gzip")
    assert script.status_code == 200 and script.headers["Content-Encoding"] == "gzip"
    assert b"function" in gzip.decompress(script.content)


def test_byte_ranges_are_never_compressed(lti_url):
    whole = _get(lti_url + "/lti-static/tool.css", None).content
    part = _get(lti_url + "/lti-static/tool.css", "gzip, br", Range="bytes=10-99")
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.content == whole[10:100]

    for name in ("captions.vtt", "video-360p.mp4"):
        url = f"{lti_url}/media/base/m01/en/{name}"
        full = _get(url, None).content
        ranged = _get(url, "gzip, br", Range="bytes=100-1099")
        assert ranged.status_code == 206 and "Content-Encoding" not in ranged.headers, name
        assert ranged.content == full[100:1100]
        assert ranged.headers["Content-Range"] == f"bytes 100-1099/{len(full)}"


def test_no_compression_when_a_proxy_does_it(app_env, sqlite_url, monkeypatch, serve):
    from digiready.storage import migrate

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DIGIREADY_COMPRESS", "0")
    migrate.upgrade(sqlite_url)
    url = serve(create("lti"))
    css = _get(url + "/lti-static/tool.css", "gzip, br")
    assert css.status_code == 200 and "Content-Encoding" not in css.headers


def test_the_portal_compresses_too(app_env, sqlite_url, monkeypatch, serve):
    from digiready.storage import migrate

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    migrate.upgrade(sqlite_url)
    url = serve(create("portal"))
    page = _get(url + "/privacy", "gzip")
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.content)
