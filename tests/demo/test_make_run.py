"""``make run`` as a newcomer meets it: ``scripts/run_demo.sh`` (what the make target runs,
with the venv already installed) starts every part of the demo on free ports, prints each
address and the demo login, a registration is confirmed through the mail catcher's copy of
the email, the printed organiser login opens the admin, and SIGTERM stops everything."""
from __future__ import annotations

import html
import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "run_demo.sh"
PORTS = ("LTI", "PORTAL", "STUDIO", "SMTP", "MAIL")


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Demo:
    """The script's process and what it printed, read on a thread (never an unread pipe)."""

    def __init__(self, env: dict) -> None:
        self.proc = subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.printed: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def until(self, marker: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.printed.append(line)
            if marker in line:
                return "".join(self.printed)
        raise AssertionError(f"no {marker!r} within {timeout} s:\n" + "".join(self.printed))

    def kill_all(self) -> None:
        """Safety net once the test is done: the script's own process group."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def demo(tmp_path):
    ports = dict(zip(PORTS, _free_ports(len(PORTS)), strict=True))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DIGIREADY_DATABASE_URL", "DIGIREADY_SMTP_", "DIGIREADY_PORTAL_"))}
    env.update({f"DIGIREADY_DEMO_{name}_PORT": str(port) for name, port in ports.items()})
    env.update(DIGIREADY_VAR_DIR=str(tmp_path / "var"), BIN=str(Path(sys.executable).parent),
               DIGIREADY_MEDIA_DEMO_BUILD="none")  # videos: tests/media build them
    for name in ("DIGIREADY_STUDIO_BASE_URL", "DIGIREADY_STUDIO_PREVIEW_URL"):
        env.pop(name, None)
    run = Demo(env)
    run.ports, run.var = ports, tmp_path / "var"
    yield run
    if run.proc.poll() is None:
        run.kill_all()
        run.proc.wait(10)
    # Shown by pytest only when the test failed: what each part of the demo logged.
    for log in sorted((run.var / "demo-logs").glob("*.log")):
        print(f"--- {log.name} ---\n{log.read_text(errors='replace')[-3000:]}")


def _register(portal: str, email: str) -> None:
    s = requests.Session()
    page = s.get(portal + "/register", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = s.post(portal + "/register", timeout=30, data={
        "csrf_token": token, "full_name": "Ana Quispe", "email": email,
        "organisation": "Cooperativa Andina", "economy": "PE", "sector": "cooperative",
        "timezone": "America/Lima", "language": "en", "consent_privacy": "y"})
    assert "/register/sent" in answer.url, answer.text[:2000]


def _caught_mail(mail_page: str, email: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in requests.get(mail_page + "messages.json", timeout=5).json():
            if email in message["to"]:
                return message
        time.sleep(0.3)
    raise AssertionError(f"no email to {email} reached the mail catcher in {timeout} s")


def test_make_run_starts_everything_confirms_a_registration_by_mail_and_stops(demo):
    printed = demo.until("Logs:", timeout=240)  # a loaded 2-core CI machine: ~60 s
    lms, portal, mail_page = (re.search(pattern, printed).group(1) for pattern in (
        r"Demo LMS.*?(http://\S+/lms/)", r"Symposium portal\s+(http://\S+)/\n",
        r"Sent emails.*?(http://\S+/)\n"))
    assert lms == f"http://127.0.0.1:{demo.ports['LTI']}/lms/"
    assert portal == f"http://127.0.0.1:{demo.ports['PORTAL']}"
    assert mail_page == f"http://127.0.0.1:{demo.ports['MAIL']}/"
    login = re.search(r"organiser: (\S+@\S+) / (\S+)", printed)
    assert login and f"{portal}/admin/" in printed, printed
    assert f"http://127.0.0.1:{demo.ports['STUDIO']}/" in printed
    assert re.search(r"sign in: \S+@\S+ / \S+", printed), printed

    # The LMS offers a learner launch in any economy and language.
    course = requests.get(lms, timeout=30).text
    assert 'name="economy"' in course and 'value="pe"' in course and 'value="tpi"' in course

    # A registration, confirmed by the link in the email the mail worker delivered.
    _register(portal, "newcomer@example.org")
    message = _caught_mail(mail_page, "newcomer@example.org")
    assert "Confirm your email address" in message["subject"]
    # As a newcomer does it: the mail catcher's page, its clickable confirmation link.
    shown = requests.get(mail_page, timeout=5).text
    assert "Confirm your email address" in shown and "newcomer@example.org" in shown
    link = html.unescape(re.search(r'<a href="(http://[^"]+/r/[^"]+)">', shown).group(1))
    assert link.startswith(portal)
    assert link == re.search(r"(http://\S+/r/\S+)", message["text"]).group(1)
    browser = requests.Session()
    me = browser.get(link, timeout=30)
    assert me.url == portal + "/me"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', me.text).group(1)
    browser.post(portal + "/me/confirm", data={"csrf_token": token}, timeout=30)
    with sqlite3.connect(demo.var / "digiready.sqlite3") as db:
        status = db.execute("SELECT status FROM portal_registration WHERE email = ?",
                            ("newcomer@example.org",)).fetchone()
    assert status == ("confirmed",)

    # The printed organiser login opens the admin.
    admin = requests.Session()
    page = admin.get(portal + "/admin/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = admin.post(portal + "/admin/login", timeout=30, data={
        "csrf_token": token, "email": login.group(1), "password": login.group(2)})
    assert answer.url == portal + "/admin/", answer.status_code

    # SIGTERM (what Ctrl+C's trap does too) stops every part, and nothing keeps listening.
    started = time.monotonic()
    demo.proc.send_signal(signal.SIGTERM)
    assert demo.proc.wait(30) == 0
    deadline = time.monotonic() + 10
    while any(_listening(p) for p in demo.ports.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in demo.ports.values() if _listening(p)]
    assert subprocess.run(["pgrep", "-g", str(demo.proc.pid)], capture_output=True).stdout == b""
    assert time.monotonic() - started < 20


def test_the_script_defaults_are_the_declared_demo_ports():
    """scripts/run_demo.sh and the commands it starts agree on the default ports."""
    from digiready import config
    from digiready.demo import ports  # noqa: F401  (declares them)

    text = SCRIPT.read_text()
    for name in PORTS:
        found = re.search(rf"DIGIREADY_DEMO_{name}_PORT:-(\d+)", text)
        assert found and found.group(1) == config.SETTINGS[f"DEMO_{name}_PORT"].default


def test_make_run_runs_the_script():
    dry = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True)
    assert "scripts/run_demo.sh" in dry.stdout, dry.stdout + dry.stderr
