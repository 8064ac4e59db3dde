"""The real xblock-sdk workbench on a loopback port, for HTTP and browser tests.

It runs as its own process (``django-admin migrate --run-syncdb`` then ``runserver``) with a
throw-away SQLite database and the fixture pack as its content directory, exactly as a
developer would run it, so the tests see the same HTML, handlers and static files.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "digiready" / "fixtures"


def fixture_content(root: Path) -> Path:
    """A content directory: the fixture pack as ``base``, its overlay ``xx``, the schemas."""
    (root / "economies").mkdir(parents=True, exist_ok=True)
    for link, target in ((root / "base", FIXTURES / "pack"), (root / "economies" / "xx", FIXTURES / "economies" / "xx"),
                         (root / "schema", REPO / "content" / "schema")):
        if not link.exists():
            link.symlink_to(target)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Workbench:
    def __init__(self, workdir: Path, content_dir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        bin_dir = Path(sys.executable).parent
        self.django_admin = str(bin_dir / "django-admin")
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        self.env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.xblocks.workbench_settings", PYTHONPATH=path,
                        EXCLUDE_SAMPLE_XBLOCKS="yes",
                        DIGIREADY_CONTENT_DIR=str(content_dir), PYTHONUNBUFFERED="1",
                        WORKBENCH_DATABASES=json.dumps({"default": {
                            "ENGINE": "django.db.backends.sqlite3", "NAME": str(workdir / "workbench.db")}}))
        self.process: subprocess.Popen | None = None

    def start(self) -> Workbench:
        (self.workdir / "var").mkdir(parents=True, exist_ok=True)
        subprocess.run([self.django_admin, "migrate", "--run-syncdb", "-v", "0"], cwd=self.workdir,
                       env=self.env, check=True, timeout=120)
        self.log = open(self.workdir / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([self.django_admin, "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                                        cwd=self.workdir, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(self.url + "/", timeout=30).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()  # never leave a half-started server behind
        raise RuntimeError("workbench did not start: " + (self.workdir / "server.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.log.close()
