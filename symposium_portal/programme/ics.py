"""iCalendar files: one per session and one for the whole event.

Times are written in UTC (``…Z``), which every calendar converts to the reader's zone; the
event zone is named in the description so people can tell event time apart. Texts are in the
language of the page the file was downloaded from.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent

from symposium_portal.programme.models import Event, Session
from symposium_portal.programme.texts import localized


def _calendar(event: Event) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//DigiReady//Symposium portal//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", localized(event, "title"))
    return cal


def _vevent(event: Event, session: Session, base_url: str) -> IcsEvent:
    item = IcsEvent()
    item.add("uid", f"portal-{event.slug}-session-{session.id}@digiready")
    item.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    item.add("dtstart", session.starts_at)
    item.add("dtend", session.ends_at)
    item.add("summary", localized(session, "title"))
    speakers = ", ".join(s.name for s in session.speakers)
    url = f"{base_url}/programme/session/{session.id}"
    desc = localized(session, "description")
    if speakers:
        desc += "\n\n" + _("Speakers: %(names)s", names=speakers)
    desc += "\n\n" + _("Event time zone: %(tz)s. Join link: %(url)s", tz=event.timezone, url=url)
    item.add("description", desc.strip())
    item.add("url", url)
    item.add("location", url)
    return item


def session_ics(event: Event, session: Session, base_url: str) -> bytes:
    cal = _calendar(event)
    cal.add_component(_vevent(event, session, base_url))
    return cal.to_ical()


def event_ics(event: Event, sessions: list[Session], base_url: str) -> bytes:
    cal = _calendar(event)
    for session in sessions:
        cal.add_component(_vevent(event, session, base_url))
    return cal.to_ical()
