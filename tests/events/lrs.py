"""A real Ralph LRS (file-system backend, basic auth) on a loopback port, and a small
fault-injecting HTTP proxy in front of it (outage, 5xx, slow answers, lost acknowledgements)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

USER, PASSWORD = "digiready", "lrs-test-secret"

# Ralph 5.1's file-system LRS backend writes with the data backend's default operation,
# CREATE, which refuses to write to a file that exists: only the first POST would ever be
# stored. Appending is what an LRS on files needs, so the launcher sets that one default and
# runs Ralph's own ASGI app unchanged.
LAUNCHER = """
import sys
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ralph:
    """``uvicorn ralph.api:app`` with ``RALPH_RUNSERVER_BACKEND=fs``."""

    def __init__(self, root: Path) -> None:
        import bcrypt

        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        (root / "app").mkdir(exist_ok=True)
        self.auth_file = root / "app" / "auth.json"
        self.auth_file.write_text(json.dumps([{
            "agent": {"mbox": "mailto:lrs@digiready.example.org"}, "scopes": ["all"],
            "hash": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode(),
            "username": USER}]))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        env = dict(os.environ, RALPH_APP_DIR=str(self.root / "app"),
                   RALPH_AUTH_FILE=str(self.auth_file), RALPH_RUNSERVER_BACKEND="fs",
                   RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.data))
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(self.port)],
            cwd=self.data, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=0.5)
                return
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.1)
        raise RuntimeError("Ralph did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def stored_ids(self) -> list[str]:
        """Every statement id in the LRS file, duplicates included."""
        path = self.data / "fs_lrs.jsonl"
        if not path.exists():
            return []
        return [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]


class FaultProxy:
    """Forwards to Ralph unless told to fail. Modes: ``pass``, ``down`` (connection closed),
    ``500`` (answer 500 without forwarding), ``ack-lost`` (forward, then answer 500),
    ``slow`` (forward, then answer after ``delay`` seconds)."""

    def __init__(self, target_port: int) -> None:
        self.mode = "pass"
        self.delay = 1.0
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                proxy.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                mode = proxy.mode
                if mode == "down":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if mode == "500":
                    return self._answer(500, b'{"detail": "injected"}')
                upstream = requests.post(
                    f"http://127.0.0.1:{target_port}{self.path}", data=body, timeout=30,
                    headers={k: v for k, v in self.headers.items()
                             if k.lower() in {"authorization", "content-type",
                                              "x-experience-api-version"}})
                if mode == "ack-lost":
                    return self._answer(500, b'{"detail": "injected after storing"}')
                if mode == "slow":
                    time.sleep(proxy.delay)
                self._answer(upstream.status_code, upstream.content)

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # the client gave up: expected
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
