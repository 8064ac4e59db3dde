"""What a visitor can get wrong or try on purpose: CSRF, floods, bots, old or forged links,
other people's ids. Each gets a readable page with the right status, never a traceback."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from symposium_portal.db import new_session
from symposium_portal.registration.models import Registration
from symposium_portal.security import make_link_token

from .conftest import REG, confirm, outbox, register, registration


def _count() -> int:
    dbs = new_session()
    try:
        return dbs.scalar(select(func.count()).select_from(Registration))
    finally:
        dbs.close()


def test_post_without_csrf_token_is_refused(sqlite_portal, app):
    client = app.test_client()
    r = client.post("/register", data={**REG, "email": "nocsrf@example.org"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "This form has expired" in html and "Traceback" not in html
    assert _count() == 0
    # Every state-changing form carries the token, including button-only ones.
    client.get("/register")
    r = client.post("/me/confirm")
    assert r.status_code in (302, 400)
    assert client.post("/sign-out").status_code == 400


def test_rate_limit_gives_429_page(sqlite_portal, app, monkeypatch, browser):
    monkeypatch.setenv("DIGIREADY_PORTAL_RATELIMIT", "3/minute")
    codes = [register(browser, f"flood{i}@example.org").status_code for i in range(5)]
    assert codes[:3] == [303, 303, 303] and codes[3:] == [429, 429]
    r = register(browser, "flood9@example.org")
    assert r.status_code == 429
    assert "Too many attempts" in r.get_data(as_text=True)
    assert int(r.headers["Retry-After"]) > 0
    assert _count() == 3
    # Reading the form is never limited.
    assert browser.get("/register").status_code == 200


def test_an_unreadable_rate_limit_falls_back_to_the_default(sqlite_portal, monkeypatch,
                                                            browser, caplog):
    """Issue 13, item 11: DIGIREADY_PORTAL_RATELIMIT=lots ran the portal with no limit at all;
    now the default (10/minute) applies and the log says why."""
    monkeypatch.setenv("DIGIREADY_PORTAL_RATELIMIT", "lots")
    codes = [register(browser, f"lots{i}@example.org").status_code for i in range(11)]
    assert codes == [303] * 10 + [429]
    assert "DIGIREADY_PORTAL_RATELIMIT='lots' is not a rate limit" in caplog.text


def test_rate_limit_uses_redis_when_configured(sqlite_portal, redis_url, monkeypatch):
    """With DIGIREADY_REDIS_URL the counter is shared: two app instances (two workers)
    together hit the limit."""
    import uuid

    from symposium_portal.app import create_app

    monkeypatch.setenv("DIGIREADY_REDIS_URL", redis_url)
    monkeypatch.setenv("DIGIREADY_PORTAL_RATELIMIT", "2/minute")
    prefix = "t" + uuid.uuid4().hex[:8]
    apps = [create_app({"RATELIMIT_KEY_PREFIX": prefix}) for _ in range(2)]
    from .conftest import Browser

    b1, b2 = Browser(apps[0].test_client()), Browser(apps[1].test_client())
    # The limiter keys on the client address: a fresh one keeps earlier runs' counts out.
    a, b, c = uuid.uuid4().bytes[:3]
    ip = f"10.{a}.{b}.{c}"
    b1.c.environ_base["REMOTE_ADDR"] = b2.c.environ_base["REMOTE_ADDR"] = ip
    assert register(b1, "r1@example.org").status_code == 303
    assert register(b2, "r2@example.org").status_code == 303
    assert register(b1, "r3@example.org").status_code == 429
    assert apps[0].config["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_honeypot_stores_nothing_but_looks_normal(sqlite_portal, browser):
    r = register(browser, "bot@example.org", website="http://spam.example")
    assert r.status_code == 303
    assert _count() == 0 and outbox(sqlite_portal) == []
    page = browser.get(r.headers["Location"]).get_data(as_text=True)
    assert "Check your email" in page and "A seat is held for you" in page


def test_honeypot_answer_cannot_be_told_from_a_persons(sqlite_portal, app):
    """Each answer a bot can get (seat held, waiting list, already registered) is the answer
    a person with the same input gets, reference format included (issue 13, item 15)."""
    import re

    from sqlalchemy import update

    from symposium_portal.programme.models import Event

    from .conftest import Browser

    def answer(email: str, bot: bool) -> tuple[int, str, str]:
        b = Browser(app.test_client())
        r = register(b, email, **({"website": "http://spam.example"} if bot else {}))
        location = r.headers.get("Location", "")
        page = b.get(location).get_data(as_text=True) if location else r.get_data(as_text=True)
        same = re.compile(r"SYM-[A-Z2-9]{6}")
        return r.status_code, same.sub("SYM-?", location), same.sub("SYM-?", page)

    dbs = new_session()
    dbs.execute(update(Event).values(capacity=1))
    dbs.commit()
    dbs.close()
    bot_held = answer("bot1@example.org", bot=True)
    assert bot_held == answer("person1@example.org", bot=False)  # the one seat, held
    assert "ref=SYM-%3F" in bot_held[1] or "ref=SYM-?" in bot_held[1]
    bot_waiting = answer("bot2@example.org", bot=True)
    assert bot_waiting == answer("person2@example.org", bot=False)  # waiting list, position 1
    assert "position=1" in bot_waiting[1]
    assert answer("person1@example.org", bot=True)[:1] == (409,)
    assert answer("person1@example.org", bot=True) == answer("PERSON1@example.org", bot=False)
    # Only the people's rows exist.
    assert _count() == 2
    assert {m.to_email for m in outbox(sqlite_portal)} == {"person1@example.org",
                                                           "person2@example.org"}


def test_withdrawal_ends_earlier_links_and_sessions(sqlite_portal, app, browser):
    from .conftest import Browser, link_path

    register(browser, "leaving@example.org")
    old_link = link_path(outbox(sqlite_portal, "leaving@example.org")[0].body)
    other_device = Browser(app.test_client())
    assert other_device.get(old_link).status_code == 303
    assert browser.get(old_link).status_code == 303
    assert browser.post_form("/me/withdraw", {}).status_code == 303
    # This browser stays signed in and sees the withdrawal...
    page = browser.get("/me")
    assert page.status_code == 200 and "Withdrawn." in page.get_data(as_text=True)
    # ...but the old link and the other device's session no longer open it.
    assert Browser(app.test_client()).get(old_link).status_code == 404
    assert other_device.get("/me").status_code == 302
    # The "withdrawn" email carries a fresh link that works.
    withdrawn = outbox(sqlite_portal, "leaving@example.org", "withdrawn")[0]
    assert link_path(withdrawn.body) != old_link
    assert Browser(app.test_client()).get(link_path(withdrawn.body)).status_code == 303


def test_confirming_an_old_expired_hold_after_registering_again(portal_db, app, browser):
    """Issue 13, item 13: a 500 before (two active registrations for one address)."""
    from datetime import timedelta

    from sqlalchemy import update

    from symposium_portal.db import utcnow

    from .conftest import Browser, link_path

    register(browser, "twice@example.org")
    old_link = link_path(outbox(portal_db, "twice@example.org")[0].body)
    dbs = new_session()
    dbs.execute(update(Registration).values(hold_expires_at=utcnow() - timedelta(minutes=1)))
    dbs.commit()
    dbs.close()
    from digiready.cli.main import main as cli

    assert cli(["portal", "expire-holds"]) == 0
    again = Browser(app.test_client())
    assert register(again, "Twice@example.org").status_code == 303
    assert browser.get(old_link).status_code == 303
    r = browser.post_form("/me", {}, action="/me/confirm")
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "You registered again" in html and "Traceback" not in html
    # Nothing changed, and the newer registration's link was emailed again.
    statuses = sorted(reg.status for reg in _all())
    assert statuses == ["expired", "held"]
    assert outbox(portal_db, "twice@example.org", "already_registered")


def _all():
    dbs = new_session()
    try:
        return list(dbs.scalars(select(Registration)))
    finally:
        dbs.close()


def test_signed_link_expiry_tamper_and_revocation(sqlite_portal, app, browser):
    register(browser, "link@example.org")
    reg = registration("link@example.org")
    client = app.test_client()
    with app.test_request_context():
        old = make_link_token("manage", reg.reference, reg.link_nonce,
                              issued_at=time.time() - 31 * 24 * 3600)
        fresh = make_link_token("manage", reg.reference, reg.link_nonce)
        other_purpose = make_link_token("other", reg.reference, reg.link_nonce)
    r = client.get(f"/r/{old}")
    assert r.status_code == 410
    assert "Link expired" in r.get_data(as_text=True)
    assert "Get a fresh link by email" in r.get_data(as_text=True)
    assert client.get(f"/r/{fresh[:-2]}xx").status_code == 404
    assert client.get(f"/r/{other_purpose}").status_code == 404
    assert client.get(f"/r/{fresh}").status_code == 303
    assert client.get("/me").status_code == 200
    # "Sign out everywhere" rotates the nonce: the same link and session stop working.
    html = client.get("/me").get_data(as_text=True)
    from .conftest import csrf_from

    client.post("/me/sign-out-everywhere", data={"csrf_token": csrf_from(html)})
    assert client.get(f"/r/{fresh}").status_code == 404
    assert client.get("/me").status_code == 302


def test_other_peoples_ids(sqlite_portal, app, browser):
    from sqlalchemy import update

    from .conftest import Browser

    register(browser, "a@example.org")
    confirm(browser, "a@example.org")
    b = Browser(app.test_client())
    register(b, "b@example.org", consent_directory="")
    confirm(b, "b@example.org")
    c = Browser(app.test_client())
    register(c, "c@example.org")
    confirm(c, "c@example.org")
    ids = {e: registration(e).id for e in ("a@example.org", "b@example.org", "c@example.org")}
    # b is not listed: a cannot open or contact them by id.
    assert browser.get(f"/network/people/{ids['b@example.org']}").status_code == 404
    assert browser.get("/network/people/999999").status_code == 404
    # a asks c for a meeting; b cannot see or answer it; c cannot cancel... it is theirs to
    # accept or decline, and a (the requester) cannot accept it.
    r = browser.post_form(f"/network/people/{ids['c@example.org']}",
                          {"note": "Hello", "slot1": "2027-03-09T10:00", "minutes": "30"})
    assert r.status_code == 303
    from symposium_portal.network.models import MeetingRequest

    dbs = new_session()
    mid = dbs.scalars(select(MeetingRequest.id)).one()
    dbs.close()
    assert b.get(f"/network/meetings/{mid}/accept").status_code == 404
    assert b.post_form("/me", {}, action=f"/network/meetings/{mid}/decline"
                       ).status_code == 404
    assert browser.get(f"/network/meetings/{mid}/accept").status_code == 403
    # Unconfirmed registrants have no network access.
    d = Browser(app.test_client())
    register(d, "d@example.org")
    d.get(__import__("tests.symposium_portal.conftest", fromlist=["link_path"]).link_path(
        outbox(sqlite_portal, "d@example.org")[0].body))
    assert d.get("/network/").status_code == 403
    # Staff pages: anonymous -> login, registrant -> login, viewer -> 403 on organiser pages.
    assert browser.get("/admin/").status_code == 302
    dbs = new_session()
    dbs.execute(update(Registration).values(hidden_by_moderator=False))
    dbs.commit()
    dbs.close()


@pytest.mark.parametrize("path", ["/nope", "/programme/session/999", "/speakers/999",
                                  "/r/garbage"])
def test_not_found_pages_are_readable(sqlite_portal, app, path):
    r = app.test_client().get(path)
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "Page not found" in html and "<h1>" in html and "Traceback" not in html
