"""Signing out ends the session on the server: a copy of the session cookie (from a shared
computer, a proxy log, malware) stops working at once, for staff and registrants, over real
HTTP (issue 13, item 9)."""
from __future__ import annotations

import requests

from digiready.cli.main import main as cli

from .conftest import csrf_from, link_path, outbox

PASSWORD = "correct horse battery"


def _post(client: requests.Session, base: str, page: str, action: str, data: dict):
    token = csrf_from(client.get(base + page, timeout=10).text)
    return client.post(base + action, data={"csrf_token": token, **data},
                       allow_redirects=False, timeout=10)


def _copy(client: requests.Session) -> requests.Session:
    thief = requests.Session()
    thief.cookies.set("portal_session", client.cookies["portal_session"])
    return thief


def test_staff_logout_ends_a_copied_session(portal_db, live_server, monkeypatch):
    monkeypatch.setenv("DIGIREADY_PORTAL_STAFF_PASSWORD", PASSWORD)
    assert cli(["portal", "create-staff", "org@org.example", "--role", "organiser"]) == 0
    staff = requests.Session()
    r = _post(staff, live_server, "/admin/login", "/admin/login",
              {"email": "org@org.example", "password": PASSWORD})
    assert r.status_code == 303
    thief = _copy(staff)
    assert thief.get(live_server + "/admin/", allow_redirects=False, timeout=10).status_code == 200
    export = live_server + "/admin/exports/registrations.csv"
    assert thief.get(export, allow_redirects=False, timeout=10).status_code == 200
    assert _post(staff, live_server, "/admin/", "/admin/logout", {}).status_code == 303
    for path in ("/admin/", "/admin/exports/registrations.csv", "/admin/outbox"):
        r = thief.get(live_server + path, allow_redirects=False, timeout=10)
        assert r.status_code == 302 and "/admin/login" in r.headers["Location"], path
    # Signing in again works, and a new password ends the sessions made with the old one.
    again = requests.Session()
    assert _post(again, live_server, "/admin/login", "/admin/login",
                 {"email": "org@org.example", "password": PASSWORD}).status_code == 303
    monkeypatch.setenv("DIGIREADY_PORTAL_STAFF_PASSWORD", PASSWORD + "!")
    assert cli(["portal", "create-staff", "org@org.example", "--role", "organiser"]) == 0
    assert again.get(live_server + "/admin/", allow_redirects=False,
                     timeout=10).status_code == 302


def test_registrant_sign_out_ends_a_copied_session_but_not_the_link(portal_db, live_server):
    from .conftest import REG

    person = requests.Session()
    r = _post(person, live_server, "/register", "/register",
              {**REG, "email": "copied@example.org"})
    assert r.status_code == 303
    link = live_server + link_path(outbox(portal_db, "copied@example.org")[0].body)
    assert person.get(link, allow_redirects=False, timeout=10).status_code == 303
    thief = _copy(person)
    assert thief.get(live_server + "/me", allow_redirects=False, timeout=10).status_code == 200
    assert _post(person, live_server, "/me", "/sign-out", {}).status_code == 303
    r = thief.get(live_server + "/me", allow_redirects=False, timeout=10)
    assert r.status_code == 302 and "/sign-in" in r.headers["Location"]
    assert thief.get(live_server + "/me/data.json", allow_redirects=False,
                     timeout=10).status_code == 302
    # The emailed link is the registrant's key: it still signs them in.
    fresh = requests.Session()
    assert fresh.get(link, allow_redirects=False, timeout=10).status_code == 303
    assert fresh.get(live_server + "/me", allow_redirects=False, timeout=10).status_code == 200
