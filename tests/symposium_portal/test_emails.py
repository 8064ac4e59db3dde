"""Emails through a real SMTP server (aiosmtpd): queued in the transaction, sent only after
commit, none after a rollback, a distinct subject per action, times in the recipient's zone."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from digiready.cli.main import main as cli
from symposium_portal.db import new_session
from symposium_portal.outbox import OutboxMessage, send_pending
from symposium_portal.registration import service

from .conftest import REG, confirm, outbox, register


def test_mail_is_sent_only_after_commit(portal_db, smtp_server, browser):
    register(browser, "mail@example.org")
    # Queued, not sent: nothing reaches the server until the sender runs.
    assert smtp_server.messages == []
    assert [m.status for m in outbox(portal_db, "mail@example.org")] == ["queued"]
    assert cli(["portal", "send-mail"]) == 0
    assert len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]
    assert msg["To"].addresses[0].addr_spec == "mail@example.org"
    assert msg["Subject"].startswith("Confirm your email address to keep your seat")
    assert outbox(portal_db, "mail@example.org")[0].status == "sent"
    # Running again sends nothing twice.
    assert cli(["portal", "send-mail"]) == 0
    assert len(smtp_server.messages) == 1


def test_rollback_leaves_no_mail(portal_db, smtp_server, app):
    dbs = new_session()
    with app.test_request_context():
        event = service.current_event(dbs)
        data = {k: v for k, v in REG.items() if k != "consent_privacy"}
        data.update(email="rolled@example.org", consent_privacy=True,
                    consent_directory=True, consent_contact=False)
        service.register(dbs, event.id, data)
        dbs.flush()
        assert dbs.scalars(select(OutboxMessage)).all()  # queued inside the transaction
        dbs.rollback()  # e.g. a later step failed
    dbs.close()
    assert outbox(portal_db) == []
    assert send_pending(new_session) == (0, 0)
    assert smtp_server.messages == []


def test_subjects_differ_per_action_and_times_are_the_recipients(portal_db, smtp_server, app,
                                                                  browser):
    from sqlalchemy import update

    from symposium_portal.programme.models import Event

    dbs = new_session()
    dbs.execute(update(Event).values(capacity=1))
    dbs.commit()
    dbs.close()
    register(browser, "first@example.org", timezone="Pacific/Auckland")
    other = type(browser)(app.test_client())
    register(other, "second@example.org", timezone="America/Lima")
    confirm(browser, "first@example.org")
    confirm(other, "second@example.org")
    browser.post_form("/me/withdraw", {})
    assert cli(["portal", "send-mail"]) == 0
    subjects = [m["Subject"] for m in smtp_server.messages]
    kinds = [m["X-DigiReady-Kind"] for m in smtp_server.messages]
    assert len(subjects) == len(set(subjects)), subjects
    assert set(kinds) >= {"received_held", "received_waitlisted", "confirmed",
                          "waitlist_confirmed", "withdrawn", "promoted_confirmed"}
    by_to = {}
    for m in smtp_server.messages:
        by_to.setdefault(m["To"].addresses[0].addr_spec, []).append(m)
    # Day 1 runs 13:00–16:00 Asia/Singapore on 9 March 2027: 18:00–21:00 NZDT in Auckland,
    # 00:00–03:00 in Lima (the same calendar day there, but a different one from the event's).
    nz = by_to["first@example.org"][0].get_content()
    assert "Tue 09 Mar 2027 18:00–21:00 NZDT (Pacific/Auckland)" in nz
    assert "13:00–16:00 UTC+08 (Asia/Singapore)" in nz
    lima = by_to["second@example.org"][0].get_content()
    assert "Tue 09 Mar 2027 00:00–03:00 UTC-05 (America/Lima)" in lima
    # The hold deadline is also written in the recipient's zone.
    assert "(Pacific/Auckland)" in nz.split("held for you until")[1].splitlines()[0]


def test_smtp_down_keeps_mail_queued(portal_db, browser, monkeypatch):
    from .conftest import free_port

    monkeypatch.setenv("DIGIREADY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DIGIREADY_SMTP_PORT", str(free_port()))  # nothing listens there
    register(browser, "later@example.org")
    assert send_pending(new_session) == (0, 1)
    msg = outbox(portal_db, "later@example.org")[0]
    assert msg.status == "queued" and msg.attempts == 1 and "Error" in msg.last_error


@pytest.mark.parametrize("lang,expected", [("es", "Confirme su correo"), ("en", "Confirm your")])
def test_mail_in_registrants_language(sqlite_portal, browser, lang, expected):
    register(browser, f"{lang}@example.org", language=lang)
    assert outbox(sqlite_portal, f"{lang}@example.org")[0].subject.startswith(expected)


def test_worker_loop_sends_and_expires_holds(portal_db, smtp_server, browser):
    from datetime import timedelta

    from sqlalchemy import update

    from symposium_portal.db import utcnow
    from symposium_portal.registration.models import Registration

    from .conftest import registration

    register(browser, "worker@example.org")
    dbs = new_session()
    dbs.execute(update(Registration).values(hold_expires_at=utcnow() - timedelta(minutes=5)))
    dbs.commit()
    dbs.close()
    assert cli(["portal", "send-mail", "--loop", "--runs", "1", "--interval", "0"]) == 0
    assert registration("worker@example.org").status == "expired"
    kinds = [m["X-DigiReady-Kind"] for m in smtp_server.messages]
    assert kinds == ["received_held", "expired"]


def test_send_mail_in_a_fresh_process(portal_db, smtp_server, browser, tmp_path):
    """The worker runs as its own process (no web app imported): it must still work."""
    import os
    import subprocess
    import sys

    from .conftest import REPO

    register(browser, "fresh@example.org")
    env = {**os.environ, "DIGIREADY_DATABASE_URL": portal_db}
    run = subprocess.run([sys.executable, "-m", "digiready.cli.main", "portal", "send-mail"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "sent 1, failed 0" in run.stdout
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == [
        "fresh@example.org"]
