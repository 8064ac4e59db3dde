"""Forwarding to a real Ralph LRS: every statement arrives exactly once across an outage, 5xx
answers, lost acknowledgements, slow answers and a killed sender."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from digiready import events
from digiready.events.forwarder import Forwarder, enqueue_all, wait_for
from digiready.events.models import Event, Outbox
from digiready.storage import session_scope
from tests.events.lrs import PASSWORD, USER

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)


def _record(n: int, prefix: str = "u") -> set[str]:
    ids = set()
    for i in range(n):
        actor = events.actor_for("lti:test", f"{prefix}{i % 7}")
        kind = ["launched", "viewed", "video.played", "module.progressed"][i % 4]
        data = {"time": float(i)} if kind == "video.played" else (
            {"progress": i % 100} if kind == "module.progressed" else {})
        ids.add(events.record(kind, actor=actor, object_id=f"module/m{i % 5}", economy="ph",
                              timestamp=T0 + timedelta(seconds=i), data=data,
                              source="lti").statement_id)
    return ids


def _forwarder(url: str, **kw) -> Forwarder:
    kw.setdefault("backoff_base", 0.001)
    kw.setdefault("backoff_cap", 0.002)
    return Forwarder(url, username=USER, password=PASSWORD, **kw)


def _drain(fwd: Forwarder, passes: int = 20) -> None:
    for _ in range(passes):
        fwd.forward_once()
        if fwd.pending() == 0:
            return
        time.sleep(0.01)


def test_exactly_once_across_outage_5xx_lost_acks_and_slow_lrs(database_url, ralph, fault_proxy, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LRS_URL", fault_proxy.url)
    expected = _record(60)
    fwd = _forwarder(fault_proxy.url, batch_size=25, timeout=0.5)

    fault_proxy.mode = "down"  # the LRS host is unreachable
    report = fwd.forward_once()
    assert (report.sent, report.pending) == (0, 60) and report.failed == 60

    fault_proxy.mode = "500"  # the LRS answers 5xx
    time.sleep(0.01)
    assert fwd.forward_once().sent == 0 and fwd.pending() == 60

    fault_proxy.mode = "ack-lost"  # the LRS stores the batch but we never learn it
    time.sleep(0.01)
    fwd.forward_once(limit=25)
    assert fwd.pending() == 60 and len(ralph.stored_ids()) > 0

    fault_proxy.mode = "slow"  # stored, but the answer comes after our timeout
    fault_proxy.delay = 1.0
    time.sleep(0.01)
    fwd.forward_once(limit=25)
    assert fwd.pending() == 60

    fault_proxy.mode = "pass"
    _drain(fwd)
    assert fwd.pending() == 0
    stored = ralph.stored_ids()
    assert sorted(stored) == sorted(expected)  # every statement, each exactly once


def test_sender_killed_and_restarted_delivers_everything_once(sqlite_db, ralph, fault_proxy, tmp_path):
    env = dict(os.environ, DIGIREADY_DATABASE_URL=sqlite_db, DIGIREADY_LRS_URL=fault_proxy.url,
               DIGIREADY_LRS_USERNAME=USER, DIGIREADY_LRS_PASSWORD=PASSWORD,
               DIGIREADY_LRS_TIMEOUT="5", DIGIREADY_LRS_BATCH_SIZE="10")
    os.environ["DIGIREADY_LRS_URL"] = fault_proxy.url
    try:
        expected = _record(80)
    finally:
        del os.environ["DIGIREADY_LRS_URL"]
    command = [sys.executable, "-m", "digiready.cli.main", "analytics", "forward", "--loop",
               "--interval", "0.2"]
    fault_proxy.mode, fault_proxy.delay = "slow", 0.3
    sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        # Let two batches through, then kill it while a third is stored but not acknowledged.
        assert wait_for(lambda: _pending(sqlite_db) <= 60 and len(ralph.stored_ids()) >= 30, 30)
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        if sender.poll() is None:
            sender.kill()
    assert 0 < _pending(sqlite_db) <= 60
    fault_proxy.mode = "pass"
    sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: _pending(sqlite_db) == 0, 30)
    finally:
        sender.send_signal(signal.SIGTERM)
        assert sender.wait(10) == 0  # a clean stop on SIGTERM
    assert sorted(ralph.stored_ids()) == sorted(expected)


def _pending(url: str) -> int:
    with session_scope(url) as db:
        return db.scalar(select(func.count()).select_from(Outbox))


def _outbox_rows() -> list[Outbox]:
    with session_scope() as db:
        rows = list(db.scalars(select(Outbox).order_by(Outbox.event_id)))
        db.expunge_all()
        return rows


def test_a_refused_statement_is_set_aside_with_its_reason(sqlite_db, ralph, monkeypatch, capsys):
    from digiready.cli.main import main

    monkeypatch.setenv("DIGIREADY_LRS_URL", ralph.url)
    expected = _record(12)
    with session_scope() as db:  # corrupt one stored event so that the LRS refuses it
        bad = db.scalar(select(Event).order_by(Event.id).offset(5).limit(1))
        db.execute(update(Event).where(Event.id == bad.id).values(actor=""))  # an account with no name
        bad_id = bad.statement_id
    fwd = _forwarder(ralph.url, batch_size=50)
    report = fwd.forward_once()
    assert (report.sent, report.failed, report.pending, report.set_aside) == (11, 1, 0, 1)
    assert sorted(ralph.stored_ids()) == sorted(expected - {bad_id})
    [row] = _outbox_rows()
    assert row.attempts == 1 and "HTTP 422" in row.last_error and row.set_aside_at  # kept, with the reason
    # Set aside: later passes do not send it again.
    assert fwd.forward_once().as_dict()["set_aside"] == 1 and _outbox_rows()[0].attempts == 1
    assert main(["analytics", "set-aside"]) == 0
    listed = capsys.readouterr().out
    assert bad_id in listed and "HTTP 422" in listed and "attempts=1" in listed
    # Sent again when an admin asks: refused again, set aside again.
    assert main(["analytics", "set-aside", "--retry"]) == 0
    assert "1 statement(s) back in line" in capsys.readouterr().out
    assert fwd.forward_once().failed == 1 and _outbox_rows()[0].attempts == 2


def test_a_statement_that_is_not_json_never_holds_back_the_rest(sqlite_db, ralph, tmp_path, capsys):
    """An event stored with an infinite number (before the events API refused them) cannot be
    sent as JSON: it is set aside and every other statement of its batch arrives."""
    from sqlalchemy import text

    from digiready.cli.main import main

    expected = _record(40)
    with session_scope() as db:
        bad = db.scalar(select(Event).where(Event.kind == "video.played").order_by(Event.id).limit(1))
        db.execute(text("UPDATE events_event SET data = :data WHERE id = :id"),
                    {"data": '{"time": Infinity, "length": Infinity}', "id": bad.id})
        bad_id = bad.statement_id
    assert enqueue_all() == 40
    report = _forwarder(ralph.url, batch_size=25).forward_once()
    assert (report.sent, report.set_aside, report.pending) == (39, 1, 0)
    assert sorted(ralph.stored_ids()) == sorted(expected - {bad_id})
    assert "not valid JSON" in _outbox_rows()[0].last_error
    # The export leaves it out and says so: the file stays JSON lines.
    out = tmp_path / "statements.jsonl"
    assert main(["analytics", "export-xapi", "--out", str(out)]) == 0
    assert "1 left out, not valid JSON" in capsys.readouterr().err and bad_id not in out.read_text()
    import json
    assert len([json.loads(line) for line in out.read_text().splitlines()]) == 39


def test_a_statement_ralph_refuses_is_set_aside_and_the_rest_flows(sqlite_db, ralph):
    """Ralph already holds a different statement under one of our ids (409 Conflict): that
    statement alone is set aside, with Ralph's answer, and the other nine arrive."""
    import requests

    expected = _record(10)
    conflicting = sorted(expected)[3]
    other = {"id": conflicting, "actor": {"objectType": "Agent", "account": {
                 "homePage": "https://elsewhere.example", "name": "someone-else"}},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
             "object": {"objectType": "Activity", "id": "https://elsewhere.example/a"},
             "timestamp": "2026-01-01T00:00:00.000Z", "version": "1.0.3"}
    assert requests.post(ralph.url + "statements", json=[other], auth=(USER, PASSWORD), timeout=10,
                         headers={"X-Experience-API-Version": "1.0.3"}).status_code == 200
    assert enqueue_all() == 10
    report = _forwarder(ralph.url, batch_size=10).forward_once()
    assert (report.sent, report.set_aside, report.pending) == (9, 1, 0)
    assert sorted(ralph.stored_ids()) == sorted(expected)  # ours, and the other one's id
    [row] = _outbox_rows()
    assert "HTTP 409" in row.last_error and "Differing statements" in row.last_error


def test_backfill_requeues_and_the_lrs_drops_what_it_has(sqlite_db, ralph):
    expected = _record(15)  # recorded while no LRS was configured: no outbox rows
    assert _pending(sqlite_db) == 0
    assert enqueue_all() == 15
    fwd = _forwarder(ralph.url)
    fwd.forward_once()
    assert enqueue_all() == 15  # a second backfill
    fwd.forward_once()
    assert sorted(ralph.stored_ids()) == sorted(expected)


def test_synthetic_events_are_not_forwarded(sqlite_db, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LRS_URL", "http://127.0.0.1:9/xAPI/")
    events.record("viewed", actor="a" * 36, object_id="/x", synthetic=True, source="demo")
    assert _pending(sqlite_db) == 0


def test_forward_without_lrs_is_a_one_line_error(sqlite_db, capsys):
    from digiready.cli.main import main

    assert main(["analytics", "forward"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "digiready: error: DIGIREADY_LRS_URL is not set: there is no LRS to forward to"


@pytest.fixture(autouse=True)
def _no_lrs_env(monkeypatch):
    for name in ("DIGIREADY_LRS_URL", "DIGIREADY_LRS_USERNAME", "DIGIREADY_LRS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
