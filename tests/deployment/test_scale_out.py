"""Scale-out on this machine: two gunicorn instances of each app behind Debian's nginx,
sharing PostgreSQL and Redis, under a bounded mixed load (LTI launches from a real platform
peer, diagnostic answers, symposium registrations for a small event); one instance of each
app is killed with SIGKILL mid-run. Afterwards, nothing acknowledged may be missing, no
nonce may have been accepted twice, no event lost or duplicated, no seat oversold."""
from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text

from benchmarks.clients import Ledger, LtiLearner, PlatformPeer, Registrant, run_mixed
from deployment.loopback import Stack
from tests.deployment.conftest import app_env, prepare_database, require_nginx

SEATS = 12
LOAD_SECONDS = 14.0
KILL_AT = 5.0


@pytest.fixture
def scale_out(tmp_path, postgres_url, redis_url, monkeypatch):
    require_nginx()
    env = app_env(tmp_path, postgres_url, redis_url)
    prepare_database(env, capacity=SEATS)
    stack = Stack(tmp_path / "stack", env, lti_instances=2, portal_instances=2)
    peer = PlatformPeer(stack.nginx.url("lti"))
    peer.register_with_tool({**os.environ, **env})
    stack.start()
    # The platform checks our client assertions against our JWKS, over nginx's TLS.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stack.nginx.cert))
    engine = create_engine(postgres_url)
    try:
        yield stack, peer, engine
    finally:
        engine.dispose()
        peer.stop()
        stack.stop()
        print(stack.logs()[-8000:])


def replay_across_instances(stack: Stack, peer: PlatformPeer) -> tuple[int, int, str]:
    """One login through nginx, then the same signed id_token sent straight to each LTI
    instance (with the headers nginx would add): the first accepts it, the second must not."""
    cert = str(stack.nginx.cert)
    platform = peer.platform
    peer.add_learner("replay-learner")
    login = requests.get(stack.nginx.url("lti") + "/lti/login", allow_redirects=False, verify=cert,
                         params={"iss": platform.issuer, "login_hint": "replay-learner",
                                 "target_link_uri": platform.tool_launch_url,
                                 "client_id": platform.client_id}, timeout=10)
    assert login.status_code == 302, login.text[:500]
    query = parse_qs(urlsplit(login.headers["Location"]).query)
    nonce, state = query["nonce"][0], query["state"][0]
    token = platform.sign(platform.launch_claims(platform.users["replay-learner"], None, nonce))
    forwarded = {"X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": f"127.0.0.1:{stack.ports.lti}"}
    codes = []
    for instance in stack.lti:
        r = requests.post(instance.url + "/lti/launch", data={"id_token": token, "state": state},
                          headers=forwarded, allow_redirects=False, timeout=10)
        codes.append((r.status_code, r.text))
    return codes[0][0], codes[1][0], codes[1][1]


def test_two_instances_per_app_one_killed_nothing_acknowledged_is_lost(scale_out):
    stack, peer, engine = scale_out
    first, second, refusal = replay_across_instances(stack, peer)
    assert first == 200  # the learner's diagnostic page, answered by the launch
    assert second == 400 and "<code>nonce</code>" in refusal

    ledger = Ledger()
    cert = str(stack.nginx.cert)
    learner = LtiLearner(peer, ledger, verify=cert, replay_every=3)
    registrant = Registrant(stack.nginx.url("portal"), ledger, verify=cert)
    killed = []

    def kill_one_of_each() -> None:
        for instance in (stack.lti[0], stack.portal[0]):
            instance.kill()
            killed.append(instance.port)

    run_mixed(learner, registrant, seconds=LOAD_SECONDS, learner_threads=5, registrant_threads=3,
              tag="so", during=[(KILL_AT, kill_one_of_each)])
    assert len(killed) == 2
    print(f"acknowledged: {len(ledger.launches)} launches, {ledger.submissions} answers, "
          f"{len(ledger.completed)} diagnostics completed, {len(ledger.registrations)} "
          f"registrations, {ledger.replays_refused} replays refused; errors: {dict(ledger.errors)}")

    # The load did real work on both sides of the kill (else the checks below prove little).
    assert len(ledger.launches) >= 8, ledger.errors
    assert ledger.submissions >= 20, ledger.errors
    assert len(ledger.registrations) > SEATS, ledger.errors
    assert ledger.completed, ledger.errors
    # Requests in flight on a killed instance may fail; everything after goes to the survivor.
    assert sum(ledger.errors.values()) <= 20, ledger.errors

    with engine.connect() as conn:
        # Every acknowledged launch is stored, with exactly one "launched" event.
        stored_launches = {lid for (lid,) in conn.execute(text("SELECT id FROM lti_launch"))}
        assert set(ledger.launches) <= stored_launches
        launched = dict(conn.execute(text(
            "SELECT session_id, count(*) FROM events_event WHERE kind = 'launched' "
            "GROUP BY session_id")).all())
        missing = [lid for lid in ledger.launches if launched.get(lid) != 1]
        assert not missing, f"{len(missing)} acknowledged launches without exactly one event"
        assert all(n == 1 for n in launched.values())

        # Every acknowledged answer is stored in the learner's attempt.
        rows = conn.execute(text(
            "SELECT l.external_id, a.answers, a.profile, a.status FROM core_attempt a "
            "JOIN core_learner l ON l.id = a.learner_id")).all()
        stored: dict[str, set[str]] = {}
        # A learner may hold two attempts: pressing "next" again on the last step after its
        # answer was lost with a killed instance starts a new one (the first is completed).
        states: dict[str, list[str]] = {}
        for user, answers, profile, state in rows:
            stored.setdefault(user, set()).update(answers or {}, profile or {})
            states.setdefault(user, []).append(state)
        for user, fields in ledger.answers.items():
            assert fields <= stored.get(user, set()), (user, fields - stored.get(user, set()))
        for user in ledger.completed:
            assert "completed" in states[user], user
        completed_events = conn.execute(text(
            "SELECT count(*) FROM events_event WHERE kind = 'diagnostic.completed'")).scalar()
        # One event per completed attempt: none lost, none doubled.
        assert completed_events == sum(s.count("completed") for s in states.values())
        assert completed_events >= len(ledger.completed)

        # No replayed id_token was accepted, by any instance, during the load either.
        assert ledger.replays_accepted == []
        assert ledger.replays_refused >= 3

        # Every acknowledged registration is stored once; the seats hold exactly.
        emails = {e for (e,) in conn.execute(text("SELECT lower(email) FROM portal_registration"))}
        assert ledger.registrations <= emails
        counts = dict(conn.execute(text(
            "SELECT status, count(*) FROM portal_registration GROUP BY status")).all())
        taken, waiting, capacity = conn.execute(text(
            "SELECT seats_taken, waitlisted_count, capacity FROM portal_event")).one()
        seat_rows = sum(counts.get(s, 0) for s in ("held", "pending_approval", "confirmed"))
        assert capacity == SEATS
        assert taken == seat_rows == SEATS  # more registrations than seats: all taken, none over
        assert waiting == counts.get("waitlisted", 0) == len(emails) - SEATS
        registered = conn.execute(text(
            "SELECT count(*), count(DISTINCT actor) FROM events_event "
            "WHERE kind = 'registered' AND source = 'portal'")).one()
        assert registered[0] == registered[1]
        assert len(ledger.registrations) <= registered[0] <= len(emails)

        # Statement ids are unique over the whole events table.
        total, distinct = conn.execute(text(
            "SELECT count(*), count(DISTINCT statement_id) FROM events_event")).one()
        assert total == distinct
