"""Helpers for the operations tests: the real apps on real loopback servers."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[2]
FACTORIES = {"lti": "lti_tool.app:create_app()", "portal": "symposium_portal.app:create_app()"}


def create(app_name: str):
    if app_name == "lti":
        from lti_tool.app import create_app
    else:
        from symposium_portal.app import create_app
    return create_app()


class ThreadServer:
    """A WSGI app on a loopback port (werkzeug, threaded), stopped by :meth:`stop`."""

    def __init__(self, wsgi_app) -> None:
        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    """``serve(wsgi_app) -> base URL``; every server is stopped after the test."""
    servers: list[ThreadServer] = []

    def start(wsgi_app) -> str:
        servers.append(ThreadServer(wsgi_app))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def app_env(monkeypatch):
    monkeypatch.setenv("DIGIREADY_SECRET_KEY", "ops-test-secret")
    monkeypatch.delenv("DIGIREADY_REDIS_URL", raising=False)
    monkeypatch.delenv("DIGIREADY_PROXY_HOPS", raising=False)
    monkeypatch.delenv("DIGIREADY_LOG_FORMAT", raising=False)
    monkeypatch.delenv("DIGIREADY_ACCESS_LOG", raising=False)


class Gunicorn:
    """One app under gunicorn on a free port; stderr (where the app logs) goes to a file."""

    def __init__(self, app_name: str, env: dict[str, str]) -> None:
        with socket_port() as port:
            self.url = f"http://127.0.0.1:{port}"
        log = tempfile.NamedTemporaryFile(prefix="ops-gunicorn-", suffix=".log", delete=False)
        self.log_path = Path(log.name)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", self.url[7:], "--workers", "1",
             "--threads", "2", FACTORIES[app_name]],
            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        deadline = time.time() + 120  # a loaded 2-core CI machine starts 4 workers slowly
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.log()[-3000:])
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.time() > deadline:
                self.stop()
                raise RuntimeError("gunicorn did not start: " + self.log()[-3000:])
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_path.unlink(missing_ok=True)


class socket_port:
    """A free loopback port (closed again before gunicorn binds it)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.sock.close()

def revisions_beyond_core(url: str) -> list[str]:
    """Every revision of the code's other branches, sorted: what a core-only database lacks
    (read from the scripts, so that a new migration does not break these tests)."""
    from alembic.script import ScriptDirectory

    from digiready.storage import migrate

    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    return sorted(rev.revision for rev in script.walk_revisions()
                  if not rev.revision.startswith("core_"))

