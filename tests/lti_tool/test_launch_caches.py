"""What the launch path keeps between requests, and what it must still refuse: platform keys
cached per worker (a withdrawn key stops working once the platform's Cache-Control max-age
has passed; an outage at expiry keeps the keys), the login step's registration lookup (a
removed platform's launch is refused at once), a nonce replayed to another tool process,
launch events committed with the launch, and the serialized SQLite write phase under
concurrent launches."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, text

from lti_tool.launch import platform_keys
from tests.lti_tool.test_launch_checks import login, post_launch

ROOT = Path(__file__).resolve().parents[2]


def _launch_with(env, key, user="learner-1") -> requests.Response:
    issued = login(env, user=user)
    claims = env.platform.launch_claims(env.platform.users[user], None, issued["nonce"])
    return post_launch(env, env.platform.sign(claims, key=key), issued["state"])


@pytest.mark.parametrize(("header", "seconds"), [
    ("max-age=600", 600), ("public, max-age=0", 5), ("no-cache", 5), ("no-store", 5),
    (None, 3600), ("max-age=9999999", 86400), ('max-age="120"', 120), ("private", 3600),
])
def test_max_age_follows_cache_control_within_bounds(header, seconds, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LTI_JWKS_MIN_REFETCH_SECONDS", "5")
    assert platform_keys.max_age(header) == seconds


def test_withdrawn_platform_key_is_refused_once_max_age_has_passed(sqlite_env, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LTI_JWKS_MIN_REFETCH_SECONDS", "0")
    env = sqlite_env
    env.platform.jwks_cache_control = "max-age=1"
    old = env.platform.signing_key
    assert _launch_with(env, old).status_code == 200  # key fetched and cached
    env.platform.rotate_key()  # the old key is withdrawn from the platform's JWKS
    assert _launch_with(env, old).status_code == 200  # still within the max-age
    time.sleep(1.2)
    refused = _launch_with(env, old)
    assert refused.status_code == 400 and "<code>kid</code>" in refused.text
    assert _launch_with(env, env.platform.signing_key).status_code == 200


def test_platform_outage_at_expiry_keeps_the_cached_keys(sqlite_env, monkeypatch, caplog):
    monkeypatch.setenv("DIGIREADY_LTI_JWKS_MIN_REFETCH_SECONDS", "0")
    env = sqlite_env
    env.platform.jwks_cache_control = "max-age=1"
    assert _launch_with(env, env.platform.signing_key).status_code == 200
    fetches = []

    def down():
        fetches.append(1)
        raise RuntimeError("platform down")  # the platform answers 500

    env.platform.jwks = down
    time.sleep(1.2)
    assert _launch_with(env, env.platform.signing_key).status_code == 200
    assert fetches and "keeping the keys fetched before" in caplog.text


def test_new_worker_starts_from_the_stored_key_set(sqlite_env):
    env = sqlite_env
    assert env.launch().status_code == 200
    platform_keys.forget()  # a worker that has never seen the platform
    fetches = []
    original = env.platform.jwks
    env.platform.jwks = lambda: fetches.append(1) or original()
    assert env.launch().status_code == 200
    assert fetches == []  # verified with the key set stored in the database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _second_tool_process(port: int) -> subprocess.Popen:
    code = ("import sys; from werkzeug.serving import make_server; "
            "from lti_tool.app import create_app; "
            f"make_server('127.0.0.1', {port}, create_app(), threaded=True).serve_forever()")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)))
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("second tool process did not start")


def test_nonce_replayed_to_another_tool_process_is_refused(lti_env):
    env = lti_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    token = env.platform.sign(claims)
    assert post_launch(env, token, issued["state"]).status_code == 200
    port = _free_port()
    other = _second_tool_process(port)
    try:
        replay = requests.post(f"http://127.0.0.1:{port}/lti/launch",
                               data={"id_token": token, "state": issued["state"]},
                               allow_redirects=False, timeout=10)
    finally:
        other.terminate()
        other.wait(10)
    assert replay.status_code == 400 and "<code>nonce</code>" in replay.text


def _count_events(kind: str) -> int:
    from digiready.events.models import Event
    from digiready.storage import session_scope

    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Event).where(Event.kind == kind))


def test_launch_events_are_committed_with_the_launch(sqlite_env):
    """Stored by the time the launch's response is out (an instance killed right after
    answering loses none), and a replayed launch adds none."""
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    token = env.platform.sign(claims)
    assert post_launch(env, token, issued["state"]).status_code == 200
    assert _count_events("launched") == 1 and _count_events("registered") == 1
    assert post_launch(env, token, issued["state"]).status_code >= 400
    assert _count_events("launched") == 1


def test_concurrent_launches_on_sqlite_all_land_with_their_events(sqlite_env):
    from lti_tool.demo.platform import ROLE_LEARNER, User
    env = sqlite_env
    users = [f"learner-c{n}" for n in range(8)]  # each launches 3 times, at different moments
    for user in users:
        env.platform.users[user] = User(user, user.title(), [ROLE_LEARNER])

    def one(n: int) -> int:
        user = users[n % len(users)]
        issued = login(env, user=user)
        claims = env.platform.launch_claims(env.platform.users[user], None, issued["nonce"])
        return post_launch(env, env.platform.sign(claims), issued["state"]).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(one, range(24)))
    assert codes == [200] * 24
    assert _count_events("launched") == 24 and _count_events("registered") == 8


def test_serialized_commit_rolls_back_on_error_and_frees_the_slot(sqlite_env):
    from digiready.storage import session_scope
    from digiready.storage.engine import serialized_commit

    with session_scope() as s:
        s.execute(text("CREATE TABLE t_slot (x INTEGER)"))
    with pytest.raises(RuntimeError), session_scope() as s, serialized_commit(s):
        s.execute(text("INSERT INTO t_slot VALUES (1)"))
        raise RuntimeError("a failed write phase")
    with session_scope() as s, serialized_commit(s):  # would hang if the slot were kept
        s.execute(text("INSERT INTO t_slot VALUES (2)"))
    with session_scope() as s:
        assert s.execute(text("SELECT x FROM t_slot")).scalars().all() == [2]


def test_platform_removed_elsewhere_cannot_launch_while_its_login_is_remembered(sqlite_env,
                                                                              monkeypatch):
    """The login step remembers a registration for a few seconds; the launch reads it from the
    database again, so a platform removed by another process (``digiready lti platform
    remove``) gets no launch through, and no login once the lookup is stale."""
    from digiready.storage import session_scope
    from lti_tool.launch import login_lookup

    env = sqlite_env
    issued = login(env)  # remembered by this worker
    with session_scope() as s:  # another process removes the platform
        s.execute(text("DELETE FROM lti_deployment"))
        s.execute(text("DELETE FROM lti_registration"))
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    refused = post_launch(env, env.platform.sign(claims), issued["state"])
    assert 400 <= refused.status_code < 500 and "<code>" in refused.text
    assert login(env)["state"]  # still remembered: the login alone stores and grants nothing
    monkeypatch.setattr(login_lookup, "LOGIN_LOOKUP_SECONDS", 0.0)
    stale = requests.get(env.tool_url + "/lti/login", allow_redirects=False, params={
        "iss": env.platform.issuer, "login_hint": "learner-1",
        "target_link_uri": env.platform.tool_launch_url, "client_id": env.platform.client_id})
    assert stale.status_code == 404 and "no platform is registered" in stale.text
