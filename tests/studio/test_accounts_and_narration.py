"""Accounts (the command line, invitation links), and narration uploads checked by size and
by content type, on SQLite and PostgreSQL where the database matters."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from tests.studio.conftest import PASSWORD, csrf_of, make_user, new_economy, post_form, signed_in

ROOT = Path(__file__).resolve().parents[2]


def wav_bytes(seconds: float = 0.2) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * int(8000 * seconds))
    return out.getvalue()


def test_user_add_on_the_command_line_then_sign_in(sqlite_db, app):
    env = {"DIGIREADY_STUDIO_PASSWORD": PASSWORD}
    import os

    done = subprocess.run([sys.executable, "-m", "digiready.cli.main", "studio", "user", "add",
                           "kim@example.org", "--economy", "th", "--role", "translator"],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "translator of th" in done.stdout
    client = signed_in(app, "kim@example.org")
    assert client.get("/").status_code == 200
    wrong = client.post("/login", data={"email": "kim@example.org", "password": "nope",
                                        "csrf_token": csrf_of(client.get("/login").text)})
    assert wrong.status_code == 401 and "Wrong email address or password" in wrong.text


def test_an_invitation_link_creates_the_account_with_its_role_once(app_any_db):
    app = app_any_db
    make_user("admin@example.org", admin=True)
    admin = signed_in(app, "admin@example.org")
    new_economy(admin)
    page = post_form(admin, "/e/th/members", {"email": "noi@example.org", "role": "reviewer"})
    link = re.search(r"/invitation/[A-Za-z0-9_-]+", page.text).group(0)
    guest = app.test_client()
    form = guest.get(link)
    assert form.status_code == 200 and "reviewer" in form.text
    short = guest.post(link, data={"name": "Noi", "password": "short", "confirm": "short",
                                   "csrf_token": csrf_of(form.text)})
    assert short.status_code == 200 and "at least 10" in short.text
    accepted = guest.post(link, data={"name": "Noi", "password": PASSWORD, "confirm": PASSWORD,
                                      "csrf_token": csrf_of(form.text)})
    assert accepted.status_code == 303 and accepted.headers["Location"].endswith("/e/th/")
    assert guest.get("/e/th/review").status_code == 200
    assert "Publish this draft" in guest.get("/e/th/review").text
    assert app.test_client().get(link).status_code == 410  # used once
    assert "member.invited" in admin.get("/e/th/audit").text


@pytest.fixture
def editor(app, monkeypatch):
    make_user("admin@example.org", admin=True)
    make_user("editor@example.org", roles={"th": "editor"})
    new_economy(signed_in(app, "admin@example.org"))
    return signed_in(app, "editor@example.org")


def upload(client, data: bytes, name: str, module="digital_payments"):
    page = client.get("/e/th/narrations")
    return client.post("/e/th/narrations", data={
        "csrf_token": csrf_of(page.text), "module": module, "language": "th",
        "audio": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def recordings():
    from digiready.authoring import store
    from digiready.storage import session_scope

    with session_scope() as s:
        return {r.key: r.data for r in store.items(s, "th", "files/")}


def test_a_narration_is_checked_by_content_and_exported_beside_the_module(editor):
    fake = upload(editor, b"<html>not audio</html>", "script.mp3")
    assert fake.status_code == 422 and "is not a WAV, Ogg, MP3 or M4A recording" in fake.text
    assert recordings() == {}
    assert upload(editor, wav_bytes(), "take1.wav").status_code == 303
    assert list(recordings()) == ["files/modules/digital_payments/narration.th.wav"]
    page = editor.get("/e/th/narrations").text
    assert "recorded" in page and "video not built yet" in page
    from digiready.authoring import store
    from digiready.authoring.content import structure_files
    from digiready.storage import session_scope

    with session_scope() as s:
        files = structure_files(store.load_content(s, "th"))
    assert files["modules/digital_payments/narration.th.wav"] == wav_bytes()


def test_a_narration_over_the_limit_is_refused_and_nothing_saved(sqlite_db, monkeypatch):
    monkeypatch.setenv("DIGIREADY_STUDIO_NARRATION_MAX_MB", "0.05")
    from tests.studio.conftest import _app

    app = _app()
    make_user("admin@example.org", admin=True)
    client = signed_in(app, "admin@example.org")
    new_economy(client)
    answer = upload(client, wav_bytes(seconds=10), "long.wav")
    assert answer.status_code == 422 and "larger than 0.05 MB" in answer.text
    assert recordings() == {}


def test_sign_in_attempts_are_rate_limited(sqlite_db, monkeypatch):
    from studio.app import create_app

    monkeypatch.setenv("DIGIREADY_STUDIO_RATELIMIT", "3/minute")
    app = create_app({"TESTING": True})
    client = app.test_client()
    statuses = []
    for _ in range(5):
        page = client.get("/login")
        statuses.append(client.post("/login", data={"email": "x@example.org", "password": "wrong",
                                                    "csrf_token": csrf_of(page.text)}).status_code)
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429]
    assert client.get("/login").status_code == 200  # reading the form is never limited
