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
    assert "Tue 9 Mar 2027 18:00–21:00 NZDT (Pacific/Auckland)" in nz
    assert "13:00–16:00 UTC+08 (Asia/Singapore)" in nz
    lima = by_to["second@example.org"][0].get_content()
    assert "Tue 9 Mar 2027 00:00–03:00 UTC-05 (America/Lima)" in lima
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


# -- one registrant must never stop the mail (issue 13, item 2) ---------------------------

EVE = "Eve\r\nBcc: x@attacker.example"


def _queue_raw(url: str, to_email: str, to_name: str, subject: str = "Hello") -> None:
    """A row as it was stored before names were checked (the outbox of an upgraded site)."""
    from sqlalchemy import insert

    from symposium_portal.db import utcnow

    dbs = new_session()
    dbs.execute(insert(OutboxMessage.__table__).values(
        kind="sign_in", to_email=to_email, to_name=to_name, subject=subject, body="Body",
        status="queued", attempts=0, last_error="", created_at=utcnow()))
    dbs.commit()
    dbs.close()


def test_a_line_break_in_a_name_is_refused_by_the_form_and_the_model(sqlite_portal, browser,
                                                                    monkeypatch):
    from symposium_portal.admin.models import Staff
    from symposium_portal.registration.models import Registration

    from .conftest import registration

    for field, value in (("full_name", EVE), ("organisation", "Coop\nX-Header: y"),
                         ("role", "Boss\u202etxet"), ("full_name", "Tab\there")):
        r = register(browser, f"{field}@example.org", **{field: value})
        assert r.status_code == 400, (field, value)
        assert "line breaks and control characters are not allowed" in r.get_data(as_text=True)
        assert registration(f"{field}@example.org") is None
    # Joiners some scripts need are ordinary text.
    assert register(browser, "ok@example.org", full_name="Mehr\u200cdad").status_code == 303
    # The model refuses it whatever path writes it (a script, the CLI, another form).
    with pytest.raises(ValueError, match="full_name: control character U\\+000D"):
        Registration(full_name=EVE)
    with pytest.raises(ValueError, match="name: control character U\\+000A"):
        Staff(name="A\nB")
    monkeypatch.setenv("DIGIREADY_PORTAL_STAFF_PASSWORD", "a-long-password")
    assert cli(["portal", "create-staff", "s@example.org", "--role", "viewer", "--name",
                "A\r\nB"]) == 1


@pytest.mark.parametrize("loop", [False, True])
def test_an_unsendable_message_fails_with_its_reason_and_never_blocks_the_others(
        portal_db, smtp_server, browser, loop):
    _queue_raw(portal_db, "eve@example.org", EVE)  # first in the queue
    register(browser, "after1@example.org")
    register(browser, "after2@example.org")
    args = ["portal", "send-mail"] + (["--loop", "--runs", "2", "--interval", "0"] if loop
                                      else [])
    assert cli(args) == 0
    delivered = sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages)
    assert delivered == ["after1@example.org", "after2@example.org"]
    # Nothing reached the address the name tried to add as a header.
    assert all("x@attacker.example" not in r for r in smtp_server.recipients)
    eve = outbox(portal_db, "eve@example.org")[0]
    assert (eve.status, eve.attempts) == ("failed", 1)
    assert eve.last_error.startswith("cannot be written: ValueError")
    # Later runs neither retry it nor resend the others.
    assert cli(["portal", "send-mail"]) == 0
    assert len(smtp_server.messages) == 2 and outbox(portal_db, "eve@example.org")[0].attempts == 1


def test_refused_recipients_fail_for_good_or_wait_without_blocking(portal_db, smtp_server,
                                                                   browser):
    from datetime import timedelta

    from sqlalchemy import update

    from symposium_portal.db import utcnow

    smtp_server.refuse = {"gone@example.org": "550 5.1.1 No such user",
                          "grey@example.org": "451 4.7.1 Greylisted, try later"}
    for email in ("gone@example.org", "grey@example.org", "fine@example.org"):
        register(browser, email)
    assert send_pending(new_session) == (1, 2)
    gone = outbox(portal_db, "gone@example.org")[0]
    assert gone.status == "failed" and gone.last_error.startswith("recipient refused: 550")
    grey = outbox(portal_db, "grey@example.org")[0]
    assert grey.status == "queued" and grey.attempts == 1 and "451" in grey.last_error
    assert grey.next_attempt_at > utcnow()
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == [
        "fine@example.org"]
    # Not due yet: a second run leaves it alone; once due, it goes.
    assert send_pending(new_session) == (0, 0)
    smtp_server.refuse = {}
    dbs = new_session()
    dbs.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
                .where(OutboxMessage.id == grey.id))
    dbs.commit()
    dbs.close()
    assert send_pending(new_session) == (1, 0)
    assert outbox(portal_db, "grey@example.org")[0].status == "sent"


def test_mail_to_a_name_stored_before_the_rules_still_goes_out_on_one_line(
        portal_db, smtp_server, browser, app):
    from sqlalchemy import text

    from digiready.storage.engine import get_engine

    register(browser, "old@example.org")
    with get_engine(portal_db).begin() as conn:
        conn.execute(text("UPDATE portal_registration SET full_name = :n"), {"n": EVE})
    assert browser.post_form("/sign-in", {"email": "old@example.org"}).status_code == 200
    assert cli(["portal", "send-mail"]) == 0
    sign_in = [m for m in smtp_server.messages if m["X-DigiReady-Kind"] == "sign_in"][0]
    assert sign_in["To"].addresses[0].display_name == "Eve Bcc: x@attacker.example"
    assert sign_in["Bcc"] is None
    assert all("x@attacker.example" not in r for r in smtp_server.recipients)
