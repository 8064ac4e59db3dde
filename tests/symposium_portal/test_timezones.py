"""Times across APEC: every time shown in event time and the viewer's zone, named; sessions
that cross midnight for the viewer say so; daylight-saving changes inside a session are
shown with both abbreviations. Expected strings are written out by hand, not recomputed."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape

import pytest
from icalendar import Calendar
from sqlalchemy import select

from symposium_portal import timez
from symposium_portal.db import new_session
from symposium_portal.programme.models import Day, Session


def utc(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=timezone.utc)


# zone, UTC start, UTC end, expected start, expected end (with date), end abbreviation
CROSSING = [
    ("Pacific/Auckland", "2027-04-03T10:30", "2027-04-03T12:30",
     "Sat 3 Apr 2027 23:30", "Sun 4 Apr 2027 01:30", "NZDT"),
    ("Asia/Manila", "2027-03-09T15:30", "2027-03-09T17:00",
     "Tue 9 Mar 2027 23:30", "Wed 10 Mar 2027 01:00", "PST"),
    ("America/Lima", "2027-03-10T04:30", "2027-03-10T06:00",
     "Tue 9 Mar 2027 23:30", "Wed 10 Mar 2027 01:00", "UTC-05"),
    # Crosses midnight *and* the spring-forward change (02:00 PST -> 03:00 PDT).
    ("America/Los_Angeles", "2027-03-14T07:30", "2027-03-14T10:30",
     "Sat 13 Mar 2027 23:30", "Sun 14 Mar 2027 03:30", "PDT"),
    ("Pacific/Port_Moresby", "2027-03-09T13:30", "2027-03-09T15:00",
     "Tue 9 Mar 2027 23:30", "Wed 10 Mar 2027 01:00", "UTC+10"),
]

# The demo's first session, 13:00–13:30 Asia/Singapore on 9 March 2027, in each zone.
DEMO_FIRST = {
    "Pacific/Auckland": ("Tue 9 Mar 2027 18:00", "18:30", "NZDT"),
    "Asia/Manila": ("Tue 9 Mar 2027 13:00", "13:30", "PST"),
    "America/Lima": ("Tue 9 Mar 2027 00:00", "00:30", "UTC-05"),
    "America/Los_Angeles": ("Mon 8 Mar 2027 21:00", "21:30", "PST"),
    "Pacific/Port_Moresby": ("Tue 9 Mar 2027 15:00", "15:30", "UTC+10"),
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("zone,start,end,exp_start,exp_end,end_ab", CROSSING,
                         ids=[c[0] for c in CROSSING])
def test_range_crossing_midnight(app, zone, start, end, exp_start, exp_end, end_ab):
    with app.test_request_context():
        r = timez.shown_range(utc(start), utc(end), zone)
    assert f"{r.start_date} {r.start_time}" == exp_start
    assert f"{r.end_date} {r.end_time}" == exp_end
    assert r.crosses_midnight and r.end_abbrev == end_ab


def test_dst_change_inside_a_session_names_both_abbreviations(app):
    with app.test_request_context():
        # NZ autumn change: 03:00 NZDT -> 02:00 NZST on 4 April 2027.
        r = timez.shown_range(utc("2027-04-03T13:30"), utc("2027-04-03T14:30"),
                              "Pacific/Auckland")
    assert (r.start_time, r.end_time, r.abbrev, r.end_abbrev) == ("02:30", "02:30", "NZDT",
                                                                  "NZST")
    assert "02:30 NZDT" in r.text() and "02:30 NZST" in r.text()


@pytest.mark.parametrize("zone,start,end,exp_start,exp_end,end_ab", CROSSING,
                         ids=[c[0] for c in CROSSING])
def test_programme_page_in_viewer_zone(sqlite_portal, app, zone, start, end, exp_start,
                                       exp_end, end_ab):
    dbs = new_session()
    day1 = dbs.scalars(select(Day).where(Day.number == 1)).one()
    s = Session(event_id=day1.event_id, day_id=day1.id, title="Late panel",
                starts_at=utc(start), ends_at=utc(end))
    dbs.add(s)
    dbs.commit()
    sid = s.id
    dbs.close()
    client = app.test_client()
    html = client.get(f"/programme?tz={zone}").get_data(as_text=True)
    block = html[html.index("Late panel"):]
    block = _text(block[:block.index("</article>")])
    assert f"{exp_start}" in block and f"{exp_end} {end_ab}" in block
    assert f"(your time, {zone})" in block and "(ends the next day for you)" in block
    assert "(event time, Asia/Singapore)" in block
    # The first demo session, the other way round: not crossing midnight in most zones.
    first_start, first_end, first_ab = DEMO_FIRST[zone]
    text = _text(html)
    assert f"{first_start} – {first_end} {first_ab} (your time, {zone})" in text
    assert "Tue 9 Mar 2027 13:00 – 13:30 UTC+08 (event time, Asia/Singapore)" in text
    assert f"Your time zone: {zone} (chosen by you)" in text
    # The chosen zone is remembered for the next page.
    detail = _text(client.get(f"/programme/session/{sid}").get_data(as_text=True))
    assert f"{exp_end} {end_ab} (your time, {zone})" in detail


def test_zone_source_registration_then_detected(sqlite_portal, app, browser):
    from .conftest import register

    client = app.test_client()
    client.set_cookie("portal_tz", "Pacific/Port_Moresby")
    html = _text(client.get("/programme").get_data(as_text=True))
    assert "Your time zone: Pacific/Port_Moresby (detected from your device)" in html
    client.set_cookie("portal_tz", "Not/AZone")
    html = _text(client.get("/programme").get_data(as_text=True))
    assert "Choose your time zone" in html and "(your time," not in html
    # A signed-in registrant sees their registration's zone, unless they choose another.
    from .conftest import confirm

    register(browser, "tz@example.org", timezone="Asia/Manila")
    confirm(browser, "tz@example.org")
    html = _text(browser.get("/programme").get_data(as_text=True))
    assert "Your time zone: Asia/Manila (from your registration)" in html
    html = _text(browser.get("/programme?tz=America/Lima").get_data(as_text=True))
    assert "Your time zone: America/Lima (chosen by you)" in html


def test_ics_per_session_and_event_in_utc(sqlite_portal, app):
    client = app.test_client()
    r = client.get("/programme/session/1.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = Calendar.from_ical(r.data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    assert events[0]["DTSTART"].dt == utc("2027-03-09T05:00")
    assert b"DTSTART:20270309T050000Z" in r.data
    whole = Calendar.from_ical(client.get("/programme/event.ics").data)
    assert len(list(whole.walk("VEVENT"))) == 10
    assert client.get("/programme/session/999.ics").status_code == 404


@pytest.mark.parametrize("zone,start,end,night", [
    ("America/Lima", "2027-03-09T05:00", "2027-03-09T08:00", True),    # 00:00–03:00
    ("Asia/Manila", "2027-03-09T05:00", "2027-03-09T08:00", False),    # 13:00–16:00
    ("America/Lima", "2027-03-10T02:00", "2027-03-10T03:00", False),   # 21:00–22:00
    ("America/Lima", "2027-03-10T02:30", "2027-03-10T03:30", True),    # 21:30–22:30
    ("America/Lima", "2027-03-09T10:30", "2027-03-09T11:00", True),    # 05:30–06:00
    ("America/Lima", "2027-03-09T11:00", "2027-03-09T12:00", False),   # 06:00–07:00
])
def test_at_night_for_the_viewer(app, zone, start, end, night):
    with app.test_request_context():
        assert timez.shown_range(utc(start), utc(end), zone).at_night is night


def test_programme_applies_the_viewers_zone_at_once_and_notes_night(sqlite_portal, app):
    """No "Show" to press: the browser's language region (en-PE) gives Lima on the first
    response, and the demo's Singapore afternoons say they fall at night there."""
    client = app.test_client()
    html = client.get("/programme", headers={"Accept-Language": "en-PE,en;q=0.8"})
    text = unescape(_text(html.get_data(as_text=True)))
    assert "Your time zone: America/Lima (guessed from your browser's language and region)" in text
    assert "Tue 9 Mar 2027 00:00 – 00:30 UTC-05 (your time, America/Lima) At night for you" \
        in text
    assert '<option value="America/Lima" selected>' in html.get_data(as_text=True)
    # A region with several zones is not guessed: event time, said so.
    text = _text(app.test_client().get("/programme", headers={
        "Accept-Language": "en-US"}).get_data(as_text=True))
    assert "Times are shown in event time only (Asia/Singapore)." in text
    assert "(your time," not in text and "At night for you" not in text
    # Daytime for the viewer: no note.
    text = _text(app.test_client().get("/programme?tz=Asia/Manila").get_data(as_text=True))
    assert "(your time, Asia/Manila)" in text and "At night for you" not in text


def test_home_page_gives_the_event_dates(sqlite_portal, app):
    text = _text(app.test_client().get("/").get_data(as_text=True))
    assert "Dates: 9 – 11 Mar 2027 (event time, Asia/Singapore)" in text
    text = _text(app.test_client().get("/?lang=es").get_data(as_text=True))
    assert "9–11 mar 2027" in text
