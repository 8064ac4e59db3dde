"""Registration: seat held at registration, counting after email confirmation, waiting list
that promotes itself, approval, withdrawal and edits through the signed link — on SQLite and
PostgreSQL, through the real app with CSRF on."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from digiready.storage import get_engine
from symposium_portal.db import new_session, utcnow
from symposium_portal.programme.models import Event
from symposium_portal.registration.models import Registration

from .conftest import confirm, outbox, register, registration


def _set_event(**fields) -> None:
    dbs = new_session()
    dbs.execute(update(Event).values(**fields))
    dbs.commit()
    dbs.close()


def test_register_hold_then_confirm_counts(portal_db, browser):
    r = register(browser, "ana@example.org")
    assert r.status_code == 303 and "/register/sent?" in r.headers["Location"]
    sent_page = r.headers["Location"]
    reg = registration("ana@example.org")
    assert reg.status == "held" and reg.email_confirmed_at is None
    assert reg.hold_expires_at > utcnow() + timedelta(hours=47)
    assert reg.reference.startswith("SYM-")
    assert [m.kind for m in outbox(portal_db, "ana@example.org")] == ["received_held"]
    page = browser.get(sent_page).get_data(as_text=True)
    assert reg.reference in page and "A seat is held for you" in page

    r = confirm(browser, "ana@example.org")
    assert r.status_code == 303
    reg = registration("ana@example.org")
    assert reg.status == "confirmed" and reg.email_confirmed_at is not None
    assert reg.hold_expires_at is None
    assert "Confirmed: your seat counts." in browser.get("/me").get_data(as_text=True)
    assert [m.kind for m in outbox(portal_db, "ana@example.org")] == ["received_held",
                                                                       "confirmed"]


def test_duplicate_email_refused_case_insensitively(portal_db, browser):
    assert register(browser, "Ana@Example.org").status_code == 303
    r = register(browser, "  ana@EXAMPLE.ORG ")
    assert r.status_code == 409
    assert "already registered" in r.get_data(as_text=True)
    dbs = new_session()
    assert len(dbs.scalars(select(Registration)).all()) == 1
    dbs.close()
    # The rightful owner gets their link again, not the person typing.
    assert [m.kind for m in outbox(portal_db, "ana@example.org")] == [
        "received_held", "already_registered"]


def test_full_event_waitlists_and_withdrawal_promotes(portal_db, browser, app):
    _set_event(capacity=2)
    for i in range(4):
        assert register(app.test_client and browser, f"p{i}@example.org").status_code == 303
    statuses = [registration(f"p{i}@example.org").status for i in range(4)]
    assert statuses == ["held", "held", "waitlisted", "waitlisted"]
    waitmail = outbox(portal_db, "p3@example.org")[0]
    assert "position 2" in waitmail.subject
    # p2 confirms their address while waiting; p0 confirms and then withdraws.
    b2 = type(browser)(app.test_client())
    confirm(b2, "p2@example.org")
    assert registration("p2@example.org").status == "waitlisted"
    b0 = type(browser)(app.test_client())
    confirm(b0, "p0@example.org")
    r = b0.post_form("/me/withdraw", {})
    assert r.status_code == 303
    assert registration("p0@example.org").status == "withdrawn"
    # The first in the queue had confirmed their address: their seat counts at once.
    assert registration("p2@example.org").status == "confirmed"
    assert registration("p3@example.org").status == "waitlisted"
    assert [m.kind for m in outbox(portal_db, "p2@example.org")][-1] == "promoted_confirmed"
    assert outbox(portal_db, "p0@example.org")[-1].kind == "withdrawn"
    # Withdrawn people may register again (the unique index ignores withdrawn rows).
    assert register(browser, "P0@example.org").status_code == 303
    assert registration("p0@example.org").status == "waitlisted"


def test_unconfirmed_hold_expires_and_queue_moves(portal_db, browser, app):
    from symposium_portal.registration import service

    _set_event(capacity=1)
    register(browser, "slow@example.org")
    register(browser, "next@example.org")
    dbs = new_session()
    dbs.execute(update(Registration).where(Registration.email == "slow@example.org")
                .values(hold_expires_at=utcnow() - timedelta(minutes=1)))
    dbs.commit()
    with app.test_request_context():
        assert service.expire_holds(dbs, service.current_event(dbs)) == 1
        dbs.commit()
    dbs.close()
    assert registration("slow@example.org").status == "expired"
    nxt = registration("next@example.org")
    assert nxt.status == "held" and nxt.hold_expires_at > utcnow()
    assert outbox(portal_db, "next@example.org")[-1].kind == "promoted_held"
    assert outbox(portal_db, "slow@example.org")[-1].kind == "expired"


def test_optional_approval(portal_db, browser, app):
    _set_event(requires_approval=True)
    register(browser, "appr@example.org")
    confirm(browser, "appr@example.org")
    reg = registration("appr@example.org")
    assert reg.status == "pending_approval"
    from symposium_portal.registration import service

    dbs = new_session()
    with app.test_request_context():
        event = service.current_event(dbs)
        service.decide(dbs, event, dbs.get(Registration, reg.id), True, "staff:1")
        dbs.commit()
    dbs.close()
    assert registration("appr@example.org").status == "confirmed"
    assert outbox(portal_db, "appr@example.org")[-1].kind == "approved"


def test_edit_through_link_and_consents_are_separate(portal_db, browser):
    register(browser, "edit@example.org", consent_directory="", consent_contact="")
    reg = registration("edit@example.org")
    assert (reg.consent_privacy, reg.consent_directory, reg.consent_contact) == (
        True, False, False)
    confirm(browser, "edit@example.org")
    data = {"full_name": "Ana María Pérez", "organisation": "Coop", "role": "", "economy": "CL",
            "sector": "msme", "timezone": "America/Santiago", "language": "es", "bio": "",
            "consent_contact": "y"}
    r = browser.post_form("/me/edit", data)
    assert r.status_code == 303
    reg = registration("edit@example.org")
    assert (reg.full_name, reg.economy, reg.timezone) == (
        "Ana María Pérez", "CL", "America/Santiago")
    assert (reg.consent_directory, reg.consent_contact) == (False, True)
    mail = outbox(portal_db, "edit@example.org")[-1]
    assert mail.kind == "updated"
    # Emails follow the registrant's language.
    assert "cambiaron" in mail.subject or "modific" in mail.subject.lower()


def test_register_form_errors_are_tied_to_fields(portal_db, browser):
    r = browser.post_form("/register", {"email": "not-an-email", "full_name": ""})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'href="#email"' in html
    assert 'aria-describedby="email-hint email-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Traceback" not in html


def test_join_link_only_for_confirmed_registrants(portal_db, app, browser):
    url = "https://meet.example.org/digiready"
    anon = app.test_client().get("/programme/session/1").get_data(as_text=True)
    assert url not in anon and "shown to confirmed registrants" in anon
    register(browser, "join@example.org")
    from .conftest import link_path

    browser.get(link_path(outbox(portal_db, "join@example.org")[0].body))
    held = browser.get("/programme/session/1").get_data(as_text=True)
    assert registration("join@example.org").status == "held"
    assert url not in held and "once your registration is confirmed" in held
    # A click before confirmation records nothing and sends nobody to the room.
    early = browser.get("/programme/session/1/join")
    assert early.status_code == 303 and early.headers["Location"].endswith("/programme/session/1")
    assert url not in browser.get("/programme").get_data(as_text=True)
    browser.post_form("/me", {}, action="/me/confirm")
    page = browser.get("/programme/session/1").get_data(as_text=True)
    assert 'href="/programme/session/1/join"' in page and url not in page
    # The programme list has a join link on every session, once confirmed, each through
    # the join route (which records attendance), never the room's address itself.
    listing = browser.get("/programme").get_data(as_text=True)
    sessions = listing.count('class="session"')
    assert sessions > 3 and listing.count('class="button join" href="/programme/session/') == sessions
    assert url not in listing
    assert url not in anon and url not in app.test_client().get("/programme").get_data(
        as_text=True)
    # The join link records attendance (once per person and session) and opens the room.
    for _ in range(2):
        joined = browser.get("/programme/session/1/join")
        assert joined.status_code == 303 and joined.headers["Location"] == url
    with get_engine(portal_db).connect() as conn:
        rows = conn.execute(text("SELECT registration_id, session_id, joins FROM "
                                 "portal_attendance")).all()
    assert rows == [(registration("join@example.org").id, 1, 2)]


def test_gender_is_optional_and_stored_when_given(portal_db, browser):
    page = browser.get("/register").get_data(as_text=True)
    assert 'name="gender"' in page and "Gender (optional)" in page
    assert register(browser, "no-gender@example.org").status_code == 303
    assert registration("no-gender@example.org").gender is None
    assert register(browser, "woman@example.org", gender="woman").status_code == 303
    assert registration("woman@example.org").gender == "woman"
    bad = register(browser, "bad@example.org", gender="robot")
    assert bad.status_code == 400 and registration("bad@example.org") is None
    assert "Gender (optional)" in bad.get_data(as_text=True)


def test_spanish_interface(sqlite_portal, app):
    client = app.test_client()
    html = client.get("/register?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in html and "Inscripción en" in html
    assert "Correo electrónico" in html and "Consentimientos" in html
    # The choice sticks for the session; Accept-Language is used otherwise.
    assert "Programa" in client.get("/programme").get_data(as_text=True)
    other = app.test_client()
    assert '<html lang="es">' in other.get(
        "/", headers={"Accept-Language": "es-PE,es;q=0.9"}).get_data(as_text=True)


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u2060", " \u00a0\ufeff ", "\u3164",
                                  "\u2800\u2800", "\u00ad"])
def test_a_name_of_invisible_characters_is_refused(sqlite_portal, browser, name):
    r = register(browser, "ghost@example.org", full_name=name)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "only invisible characters" in html and 'href="#full_name"' in html
    assert registration("ghost@example.org") is None


def test_names_with_joiners_and_marks_are_kept(sqlite_portal, browser):
    # Joiners and combining marks are part of real names (Sinhala, Devanagari, Vietnamese).
    name = "\u0dc1\u0dca\u200d\u0dbb\u0dd3 Nguye\u0303n"
    assert register(browser, "real@example.org", full_name=name).status_code == 303
    assert registration("real@example.org").full_name == name
