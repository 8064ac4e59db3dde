"""The real xblock-sdk workbench on a loopback port, for HTTP and browser tests.

It runs as its own process (``django-admin migrate --run-syncdb`` then ``runserver``) with a
throw-away SQLite database and the fixture pack as its content directory, exactly as a
developer would run it, so the tests see the same HTML, handlers and static files.
"""
from __future__ import annotations

import json
import os
import shutil
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
    """``content_dir`` None: the blocks use the packs installed with them. ``venv``: run the
    workbench of another virtualenv (an installed wheel) with nothing of this checkout on its
    path: its settings module is copied beside the workbench's database."""

    def __init__(self, workdir: Path, content_dir: Path | None, venv: Path | None = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        bin_dir = venv / "bin" if venv is not None else Path(sys.executable).parent
        self.django_admin = str(bin_dir / "django-admin")
        if venv is None:
            path, settings = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])), \
                "tests.xblocks.workbench_settings"
        else:
            (workdir / "settings").mkdir(parents=True, exist_ok=True)
            shutil.copy(Path(__file__).with_name("workbench_settings.py"), workdir / "settings" / "wb_settings.py")
            path, settings = str(workdir / "settings"), "wb_settings"
        env = {k: v for k, v in os.environ.items() if k not in ("DIGIREADY_CONTENT_DIR", "PYTHONPATH", "VIRTUAL_ENV")}
        if content_dir is not None:
            env["DIGIREADY_CONTENT_DIR"] = str(content_dir)
        self.env = dict(env, DJANGO_SETTINGS_MODULE=settings, PYTHONPATH=path, EXCLUDE_SAMPLE_XBLOCKS="yes",
                        PYTHONUNBUFFERED="1",
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
