"""A new gunicorn worker (deployment/gunicorn_conf.py) loads and validates every content pack
before it takes traffic: its first launch finds them loaded, so no learner waits for a pack
load (0.5-2.5 s). Real gunicorn, a real LTI platform peer, the app's own log lines."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import requests

from benchmarks.clients import Ledger, LtiLearner, PlatformPeer
from tests.deployment.conftest import REPO, app_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _messages(log: str) -> list[str]:
    """The app's JSON log lines' messages, in order (gunicorn's own lines are skipped)."""
    out = []
    for line in log.splitlines():
        try:
            out.append(json.loads(line)["message"])
        except (ValueError, KeyError, TypeError):
            continue
    return out


def test_a_fresh_workers_first_launch_does_not_load_the_pack(tmp_path):
    env = {**os.environ, **app_env(tmp_path, f"sqlite:///{tmp_path / 'warm.sqlite3'}",
                                   DIGIREADY_PROXY_HOPS="0", DIGIREADY_ACCESS_LOG="1",
                                   DIGIREADY_LOG_LEVEL="DEBUG")}
    subprocess.run([sys.executable, "-m", "digiready.cli.main", "db", "upgrade"], env=env,
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    tool = f"http://127.0.0.1:{port}"
    peer = PlatformPeer(tool)
    peer.register_with_tool(env)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(REPO / "deployment" / "gunicorn_conf.py"),
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
             "lti_tool.app:create_app()"], cwd=REPO, env=env, stdout=log, stderr=log)
    try:
        deadline = time.time() + 180  # the warm-up runs before the worker answers anything
        while True:
            assert server.poll() is None, log_path.read_text()[-3000:]
            try:
                if requests.get(tool + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.time() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.2)
        peer.add_learner("first-learner")
        launched = LtiLearner(peer, Ledger(), verify=False, replay_every=1000).launch("first-learner")
        assert launched is not None
    finally:
        server.terminate()
        server.wait(30)
        peer.stop()
    messages = _messages(log_path.read_text())
    warmed = [n for n, m in enumerate(messages) if m.startswith("content packs warmed")]
    loaded = [n for n, m in enumerate(messages) if m.startswith("content pack loaded")]
    first_request = next(n for n, m in enumerate(messages) if "/lti/login" in m)
    assert warmed and loaded, messages[:20]
    # Every pack load happened in the warm-up, none once requests came in.
    assert max(loaded) < warmed[0] < first_request, messages
    assert any("/lti/launch 200" in m for m in messages[first_request:]), messages
