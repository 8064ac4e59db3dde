"""URLs an organiser enters (the virtual room, a session's room, a speaker's photo): only
https, http only for this machine, never javascript:; and a URL stored before these rules is
not shown to attendees (issue 13, item 12)."""
from __future__ import annotations

import pytest
import requests
from sqlalchemy import select, text, update

from digiready.cli.main import main as cli
from digiready.storage.engine import get_engine
from symposium_portal.db import new_session
from symposium_portal.programme.models import Event, Session
from symposium_portal.validators import url_problem

from .conftest import REG, csrf_from, link_path, outbox

BAD = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", " javascript:alert(1)",
       "data:text/html,<script>alert(1)</script>", "http://meet.example.org/room",
       "//meet.example.org/room", "/relative", "https://", "https://user:pw@meet.example.org/",
       "https://meet.example.org/a b", "https://meet.example.org/\nSet-Cookie:x",
       "vbscript:msgbox(1)", "ftp://files.example.org/x", "https://meet.example.org:99999/"]
GOOD = ["https://meet.example.org/digiready?pwd=abc", "HTTPS://Meet.Example.org/x",
        "http://localhost:8080/room", "http://127.0.0.1/room", "http://[::1]:8000/"]


@pytest.mark.parametrize("url", BAD)
def test_bad_urls_are_refused(url):
    assert url_problem(url)


@pytest.mark.parametrize("url", GOOD)
def test_good_urls_pass(url):
    assert url_problem(url) is None


def test_event_form_refuses_a_javascript_room(sqlite_portal, app, monkeypatch):
    from .test_admin import staff

    organiser = staff(app, "organiser", monkeypatch)
    form = {"capacity": "300", "registration_open": "y"}
    for url in ("javascript:alert(document.cookie)", "http://meet.example.org/room"):
        r = organiser.post_form("/admin/event", {**form, "virtual_room_url": url})
        assert r.status_code == 400 and "Enter a full address starting with https://" in \
            r.get_data(as_text=True), url
    assert _room() == "https://meet.example.org/digiready"  # unchanged
    r = organiser.post_form("/admin/event", {**form,
                                             "virtual_room_url": " https://meet.example.org/n "})
    assert r.status_code == 303 and _room() == "https://meet.example.org/n"


def _room() -> str | None:
    dbs = new_session()
    try:
        return dbs.scalars(select(Event.virtual_room_url)).one()
    finally:
        dbs.close()


def test_programme_file_refuses_bad_urls(sqlite_portal, tmp_path, capsys):
    import yaml

    from symposium_portal.seed import demo_programme

    for where, mutate in (
            ("event.virtual_room_url", lambda d: d["event"].update(
                virtual_room_url="javascript:alert(1)")),
            ("sessions[1].room_url", lambda d: d["sessions"][1].update(
                room_url="http://zoom.example.org/j/1")),
            ("speakers[0].photo_url", lambda d: d["speakers"][0].update(
                photo_url="data:image/svg+xml,<svg onload=alert(1)>"))):
        data = demo_programme()
        mutate(data)
        path = tmp_path / "programme.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert cli(["portal", "load-programme", str(path), "--replace"]) == 1
        err = capsys.readouterr().err
        assert f"{where}: " in err and "Traceback" not in err, err


def test_urls_stored_before_the_rules_are_not_shown(portal_db, live_server):
    """A confirmed attendee, over real HTTP: a javascript: room is never a link; a session
    whose own room is invalid gets no link (not the event's); a bad photo URL is replaced by
    the initials portrait."""
    attendee = requests.Session()
    page = attendee.get(live_server + "/register", timeout=10).text
    assert attendee.post(live_server + "/register", data={
        **REG, "email": "att@example.org", "csrf_token": csrf_from(page)},
        allow_redirects=False, timeout=10).status_code == 303
    attendee.get(live_server + link_path(outbox(portal_db, "att@example.org")[0].body),
                 timeout=10)
    page = attendee.get(live_server + "/me", timeout=10).text
    assert attendee.post(live_server + "/me/confirm", data={"csrf_token": csrf_from(page)},
                         timeout=10).status_code == 200
    dbs = new_session()
    first, second = [s.id for s in dbs.scalars(select(Session).order_by(Session.starts_at))][:2]
    dbs.execute(update(Event).values(virtual_room_url="javascript:alert(document.cookie)"))
    dbs.execute(update(Session).where(Session.id == second)
                .values(room_url="http://zoom.example.org/j/1"))
    dbs.commit()
    dbs.close()
    with get_engine(portal_db).begin() as conn:
        conn.execute(text("UPDATE portal_speaker SET photo_url = 'javascript:alert(1)'"))

    for session_id in (first, second):
        html = attendee.get(f"{live_server}/programme/session/{session_id}", timeout=10).text
        assert "javascript:" not in html and "zoom.example.org" not in html
        assert 'id="join-link"' not in html
    speakers = attendee.get(live_server + "/speakers", timeout=10).text
    assert "javascript:" not in speakers and "/photo.svg" in speakers
    # Once the organiser fixes the room, it is shown (the check is not simply "never").
    dbs = new_session()
    dbs.execute(update(Event).values(virtual_room_url="https://meet.example.org/fixed"))
    dbs.commit()
    dbs.close()
    html = attendee.get(f"{live_server}/programme/session/{first}", timeout=10).text
    assert f'href="/programme/session/{first}/join"' in html and 'id="join-link"' in html
    joined = attendee.get(f"{live_server}/programme/session/{first}/join", timeout=10,
                          allow_redirects=False)
    assert joined.status_code == 303
    assert joined.headers["Location"] == "https://meet.example.org/fixed"
    # The session whose own room is still invalid sends nobody anywhere unsafe.
    refused = attendee.get(f"{live_server}/programme/session/{second}/join", timeout=10,
                           allow_redirects=False)
    assert refused.status_code == 303 and "zoom.example.org" not in refused.headers["Location"]
