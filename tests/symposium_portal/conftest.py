"""Portal fixtures: a migrated database with the demo event, the real app, real servers
(werkzeug and gunicorn on loopback ports), a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf_from(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no CSRF token in page"
    return m.group(1) or m.group(2)


def seed(url: str, capacity: int = 300, **event_fields) -> int:
    """Seed the demo event into ``url`` and return its id."""
    from symposium_portal.app import create_app
    from symposium_portal.db import new_session
    from symposium_portal.seed import seed_demo

    with create_app().app_context():
        dbs = new_session()
        event = seed_demo(dbs, force=True, capacity=capacity)
        for k, v in event_fields.items():
            setattr(event, k, v)
        dbs.commit()
        event_id = event.id
        dbs.close()
    return event_id


@pytest.fixture
def portal_env(monkeypatch):
    monkeypatch.setenv("DIGIREADY_PORTAL_RATELIMIT", "1000/minute")
    monkeypatch.delenv("DIGIREADY_REDIS_URL", raising=False)
    monkeypatch.setenv("DIGIREADY_SECRET_KEY", "test-secret-key-for-portal")


def check_counters(url: str) -> None:
    """The event's seat counters must equal what the rows say, whatever a test did."""
    from sqlalchemy import text

    from digiready.storage.engine import get_engine

    with get_engine(url).connect() as conn:
        for event_id, taken, waiting in conn.execute(text(
                "SELECT id, seats_taken, waitlisted_count FROM portal_event")):
            rows = dict(conn.execute(text(
                "SELECT status, count(*) FROM portal_registration WHERE event_id = :e "
                "GROUP BY status"), {"e": event_id}).all())
            seats = sum(rows.get(s, 0) for s in ("held", "pending_approval", "confirmed"))
            assert (taken, waiting) == (seats, rows.get("waitlisted", 0)), rows


@pytest.fixture
def portal_db(database_url, portal_env):
    """SQLite and PostgreSQL, migrated, with the demo event (capacity 300)."""
    seed(database_url)
    yield database_url
    check_counters(database_url)


@pytest.fixture
def sqlite_portal(tmp_path, monkeypatch, portal_env):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", url)
    migrate.upgrade(url)
    seed(url)
    yield url
    check_counters(url)


@pytest.fixture
def app(portal_env):
    from symposium_portal.app import create_app

    return create_app()


class Browser:
    """A tiny HTTP client on the Flask test client that follows CSRF like a browser."""

    def __init__(self, client):
        self.c = client

    def get(self, path, **kw):
        return self.c.get(path, **kw)

    def post_form(self, page: str, data: dict, action: str | None = None, **kw):
        html = self.c.get(page).get_data(as_text=True)
        payload = {"csrf_token": csrf_from(html), **data}
        return self.c.post(action or page, data=payload, **kw)


REG = dict(full_name="Ana Pérez", organisation="Cooperativa Andina", economy="PE",
           sector="cooperative", timezone="America/Lima", language="en", role="Manager",
           consent_privacy="y", consent_directory="y", interests=["ecommerce", "payments"])


def register(browser: Browser, email: str, **over):
    data = {**REG, "email": email, **over}
    return browser.post_form("/register", data)


def outbox(url: str, email: str | None = None, kind: str | None = None):
    from sqlalchemy import func, select

    from symposium_portal.db import new_session
    from symposium_portal.outbox import OutboxMessage

    dbs = new_session()
    try:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if email:
            stmt = stmt.where(func.lower(OutboxMessage.to_email) == email.lower())
        if kind:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return list(dbs.scalars(stmt))
    finally:
        dbs.close()


def link_path(body: str) -> str:
    m = re.search(r"https?://[^/\s]+(/r/[A-Za-z0-9_.\-]+)", body)
    assert m, body
    return m.group(1)


def registration(email: str):
    from sqlalchemy import func, select

    from symposium_portal.db import new_session
    from symposium_portal.registration.models import Registration

    dbs = new_session()
    try:
        return dbs.scalars(select(Registration).where(
            func.lower(Registration.email) == email.lower())
            .order_by(Registration.id.desc())).first()
    finally:
        dbs.close()


def confirm(browser: Browser, email: str):
    """Follow the emailed link, then press "Confirm my email address"."""
    msg = outbox("", email)[0]
    r = browser.get(link_path(msg.body))
    assert r.status_code == 303, r.status_code
    return browser.post_form("/me", {}, action="/me/confirm")


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def live_server(app):
    """The app on a real loopback port (werkzeug, threaded)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def start_gunicorn(env: dict, workers: int = 4, threads: int = 1) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free port. Its log goes to a file, never to an unread pipe: a full pipe
    blocks the worker that writes the 65th kilobyte, which looks exactly like a hung request."""
    import tempfile

    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
           str(workers), "--threads", str(threads), "--log-level", "warning",
           "symposium_portal.app:create_app()"]
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=log)
    proc.log_path = log.name
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120  # a loaded 2-core CI machine starts 4 workers slowly
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + server_log(proc)[-2000:])
        try:
            if requests.get(base + "/privacy", timeout=1).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError("gunicorn did not start: " + server_log(proc)[-2000:])


def server_log(proc: subprocess.Popen) -> str:
    return Path(proc.log_path).read_text(errors="replace")


def stop(proc: subprocess.Popen) -> None:
    """Stop gunicorn; print its log (pytest shows it with a failure) and remove the file."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    text = server_log(proc)
    if text.strip():
        print("--- gunicorn log ---\n" + text[-20000:])
    os.unlink(proc.log_path)


class Inbox:
    """What the SMTP server received: parsed messages and each one's envelope recipients.
    ``refuse`` maps an address to the reply its RCPT TO gets (e.g. "550 No such user")."""

    def __init__(self):
        self.messages = []
        self.recipients: list[list[str]] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(msg)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server (aiosmtpd) on a loopback port; DIGIREADY_SMTP_* point at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("DIGIREADY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DIGIREADY_SMTP_PORT", str(port))
    yield inbox
    controller.stop()
