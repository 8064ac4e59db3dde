"""The video player script in a real browser (headless Chromium): a real <video> element
posts its events to a real endpoint, which records them through ``ingest_client_events``;
every resulting statement passes Ralph's strict Video Profile models."""
from __future__ import annotations

import json
import struct
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from digiready import events
from digiready.events.models import Event
from digiready.storage import session_scope

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required"]
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Module</title></head>
<body><main><h1>Module</h1>
<video id="v" controls preload="auto" data-duration="2" data-csrf="tok-123"
  data-events-url="/events"><source src="/clip.wav" type="audio/wav"></video>
</main><script src="/player.js"></script></body></html>"""


def _wav(seconds: float = 2.0, rate: int = 8000) -> bytes:
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack("<h", 0) * int(seconds * rate))
    return buf.getvalue()


@pytest.fixture
def site(sqlite_db):
    clip = _wav()
    script = (events.STATIC_DIR / "player.js").read_bytes()
    actor = events.actor_for("lti:test", "learner-1")
    posts: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body, ctype = {"/": (PAGE.encode(), "text/html"), "/clip.wav": (clip, "audio/wav"),
                           "/player.js": (script, "text/javascript")}.get(self.path, (b"", ""))
            status = 200 if ctype else 404
            ranged = self.headers.get("Range", "")
            if ctype == "audio/wav" and ranged.startswith("bytes="):  # media must be seekable
                first, _, last = ranged[6:].partition("-")
                first, last = int(first or 0), int(last) if last else len(body) - 1
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {first}-{last}/{len(body)}")
                body, status = body[first:last + 1], 206
            else:
                self.send_response(status)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", ctype or "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            posts.append({"csrf": self.headers.get("X-CSRF-Token"), "payload": payload})
            with session_scope() as db:
                n = len(events.ingest_client_events(payload, actor=actor, object_prefix="module/m1",
                                                    economy="vn", source="lti", db=db))
            body = json.dumps({"recorded": n}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", posts
    server.shutdown()
    server.server_close()


def test_player_script_records_a_full_video_session(site, ralph_validate):
    from playwright.sync_api import sync_playwright

    url, posts = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.evaluate("() => { const v = document.getElementById('v'); v.playbackRate = 2; return v.play(); }")
        page.wait_for_function("() => document.getElementById('v').ended", timeout=15000)
        page.evaluate("() => { const v = document.getElementById('v'); v.currentTime = 0.5; }")
        page.wait_for_function("() => !document.getElementById('v').seeking")
        page.evaluate("() => document.getElementById('v').play()")
        page.wait_for_timeout(300)
        page.evaluate("() => document.getElementById('v').pause()")
        page.wait_for_timeout(300)
        page.goto("about:blank")  # pagehide: terminated, sent with keepalive
        page.wait_for_timeout(500)
        browser.close()

    assert posts and all(p["csrf"] == "tok-123" for p in posts)
    with session_scope() as db:
        stored = list(db.scalars(select(Event).order_by(Event.timestamp, Event.id)))
    kinds = [e.kind for e in stored]
    for kind in ("video.initialized", "video.played", "video.completed", "video.seeked",
                 "video.paused", "video.terminated"):
        assert kind in kinds, kinds
    assert kinds.count("video.initialized") == 1
    assert all(e.object_id == "module/m1/video" and e.economy == "vn" for e in stored)
    assert len({e.session_id for e in stored}) == 1
    completed = next(e for e in stored if e.kind == "video.completed")
    assert completed.progress >= 95  # the whole clip was played
    seeks = [e.data for e in stored if e.kind == "video.seeked"]
    assert any(s["time_to"] == pytest.approx(0.5, abs=0.05) for s in seeks), seeks
    for event in stored:
        model = ralph_validate(event_statement(event))
        assert type(model).__name__.startswith("Video"), type(model).__name__


def event_statement(event: Event) -> dict:
    from digiready.events.xapi import build_statement

    return build_statement(event)
