"""Programmes from data: the demo (3 days, about 3 hours a day) and any organiser's YAML file.

Event time for the demo is Asia/Singapore, 13:00–16:00: early evening in Auckland, late
evening the day before in Los Angeles, and around midnight in Lima, which exercises every
timezone path. ``digiready portal programme-template`` prints the demo as YAML to start from;
``digiready portal load-programme FILE`` loads one, with errors that name the field.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from symposium_portal import settings, timez
from symposium_portal.evaluation.models import LearningObjective
from symposium_portal.programme.models import Day, Event, Session, Speaker
from symposium_portal.validators import url_problem


class ProgrammeError(ValueError):
    """A mistake in a programme file, with the path of the field (``sessions[3].start``)."""


def demo_programme() -> dict:
    first = date(2027, 3, 9)
    speakers = [
        ("ana", "Ana Lucía Quispe", "Director of MSME Policy", "Ministry of Production", "PE",
         "Leads Peru's programme for the digital transformation of small businesses."),
        ("rangi", "Rangi Parata", "Chief Executive", "Te Awa Cooperative", "NZ",
         "Runs a Māori-owned agricultural cooperative that moved its sales online."),
        ("maria", "Maria Santos", "Vice President", "Philippine Chamber of Commerce", "PH",
         "Coordinates digital-skills training for chamber members across the islands."),
        ("hoa", "Nguyễn Thị Hoa", "Researcher", "Viet Nam Digital Business Institute", "VN",
         "Co-author of Viet Nam's digital business index for SMEs."),
        ("kila", "Kila Aisi", "Founder", "Port Moresby Market Pay", "PG",
         "Builds mobile payment tools for market vendors in Papua New Guinea."),
        ("daniel", "Daniel Kim", "Programme Manager", "Korea SMEs and Startups Agency", "KR",
         "Manages a voucher scheme for cloud tools in small firms."),
        ("sofia", "Sofía Herrera", "Adviser", "Chilean Chamber of Commerce", "CL",
         "Works on e-invoicing adoption among micro-enterprises."),
        ("emily", "Emily Carter", "Senior Economist", "APEC Policy Support Unit", "US",
         "Studies the digital divide among MSMEs in the APEC region."),
    ]
    sessions = [
        (1, "13:00", 30, "Opening: why MSME digitalisation matters now", "plenary", ["emily"]),
        (1, "13:30", 60, "Measuring digital maturity: the DigiReady diagnostic", "panel",
         ["hoa", "ana"]),
        (1, "14:45", 60, "Digital payments for market vendors", "panel", ["kila", "maria"]),
        (1, "15:45", 15, "Networking: meet participants from other economies", "networking",
         []),
        (2, "13:00", 45, "Cooperatives going online", "panel", ["rangi", "maria"]),
        (2, "13:45", 60, "Workshop: from diagnostic to action plan", "workshop", ["hoa"]),
        (2, "15:00", 60, "E-invoicing and tax: what small firms need", "panel",
         ["sofia", "daniel"]),
        (3, "13:00", 60, "Financing digital adoption: vouchers and grants", "panel",
         ["daniel", "ana"]),
        (3, "14:15", 60, "Building a lasting APEC network", "workshop", ["rangi", "emily"]),
        (3, "15:15", 45, "Closing and evaluation", "plenary", ["emily", "ana"]),
    ]
    return {
        "event": {
            "title": "DigiReady APEC Virtual Symposium",
            "description": ("Three half-days on closing the digital-skills gaps of MSMEs and "
                            "cooperatives: what works, what each economy is doing, and who to "
                            "work with next."),
            "timezone": "Asia/Singapore", "capacity": 300, "requires_approval": False,
            "virtual_room_url": "https://meet.example.org/digiready",
        },
        "days": [{"number": n, "date": (first + timedelta(days=n - 1)).isoformat(),
                  "title": f"Day {n} – {first + timedelta(days=n - 1):%A %d %B %Y}"}
                 for n in (1, 2, 3)],
        "speakers": [{"key": k, "name": n, "position": p, "organisation": o, "economy": e,
                      "bio": b} for k, n, p, o, e, b in speakers],
        "sessions": [{"day": d, "start": s, "minutes": m, "title": t, "kind": k,
                      "description": f"{t}. Live, with questions from participants.",
                      "speakers": who} for d, s, m, t, k, who in sessions],
        "objectives": [
            "Assess the digital maturity of a small business with the DigiReady diagnostic",
            "Choose digital payment and e-commerce tools that fit a business and an economy",
            "Explain e-invoicing and data-protection duties for small firms",
            "Find financing and support programmes for digital adoption",
        ],
    }


def _need(obj: dict, key: str, where: str, kind: type = str):
    if key not in obj or obj[key] in (None, ""):
        raise ProgrammeError(f"{where}.{key}: missing")
    value = obj[key]
    if kind is int and not isinstance(value, int):
        raise ProgrammeError(f"{where}.{key}: must be a whole number, got {value!r}")
    if kind is str and not isinstance(value, str):
        value = str(value)
    return value


def _url(obj: dict, key: str, where: str) -> str | None:
    """An optional organiser-entered URL: only https (http for localhost), never javascript:."""
    value = obj.get(key)
    if value in (None, ""):
        return None
    problem = url_problem(str(value).strip())
    if problem:
        raise ProgrammeError(f"{where}.{key}: {value!r} {problem}")
    return str(value).strip()


def load_programme(dbs: DbSession, data: dict, replace: bool = False) -> Event:
    """Create the event from ``data`` (see :func:`demo_programme` for the shape). Validates
    everything before writing anything; with ``replace`` an existing event (and its
    registrations) is deleted first, otherwise an existing event is left untouched."""
    if not isinstance(data, dict):
        raise ProgrammeError("top level: expected a mapping with event, days, sessions")
    ev = data.get("event") or {}
    tz = _need(ev, "timezone", "event")
    if not timez.is_valid_zone(tz):
        raise ProgrammeError(f"event.timezone: unknown IANA time zone {tz!r}")
    title = _need(ev, "title", "event")
    room = _url(ev, "virtual_room_url", "event")
    zone = ZoneInfo(tz)
    days = {}
    for i, d in enumerate(data.get("days") or []):
        where = f"days[{i}]"
        try:
            day_date = date.fromisoformat(str(_need(d, "date", where)))
        except ValueError as exc:
            raise ProgrammeError(f"{where}.date: use YYYY-MM-DD ({exc})") from exc
        days[_need(d, "number", where, int)] = (day_date, d.get("title") or
                                                 f"Day {d['number']}")
    if not days:
        raise ProgrammeError("days: at least one day is needed")
    speaker_keys = {}
    for i, sp in enumerate(data.get("speakers") or []):
        speaker_keys[_need(sp, "key", f"speakers[{i}]")] = sp
        _need(sp, "name", f"speakers[{i}]")
        _url(sp, "photo_url", f"speakers[{i}]")
    sessions = []
    for i, s in enumerate(data.get("sessions") or []):
        where = f"sessions[{i}]"
        number = _need(s, "day", where, int)
        if number not in days:
            raise ProgrammeError(f"{where}.day: no day number {number} in days")
        try:
            start_time = time.fromisoformat(str(_need(s, "start", where)))
        except ValueError as exc:
            raise ProgrammeError(f"{where}.start: use HH:MM in event time ({exc})") from exc
        minutes = _need(s, "minutes", where, int)
        for key in s.get("speakers") or []:
            if key not in speaker_keys:
                raise ProgrammeError(f"{where}.speakers: unknown speaker key {key!r}")
        _url(s, "room_url", where)
        start = datetime.combine(days[number][0], start_time, zone).astimezone(timezone.utc)
        sessions.append((number, start, start + timedelta(minutes=minutes), s))
    slug = settings.get("PORTAL_EVENT")
    existing = dbs.scalars(select(Event).where(Event.slug == slug)).first()
    if existing is not None:
        if not replace:
            return existing
        dbs.delete(existing)
        dbs.flush()
        # Speakers and sessions went with the event (ON DELETE CASCADE); forget the old
        # objects so reused ids (SQLite) do not clash in the identity map.
        dbs.expunge_all()
    event = Event(slug=slug, title=title, description=ev.get("description", ""), timezone=tz,
                  capacity=int(ev.get("capacity", 300)),
                  requires_approval=bool(ev.get("requires_approval", False)),
                  virtual_room_url=room)
    dbs.add(event)
    dbs.flush()
    day_rows = {n: Day(event_id=event.id, number=n, date=d, title=t)
                for n, (d, t) in days.items()}
    dbs.add_all(day_rows.values())
    speakers = {k: Speaker(event_id=event.id, name=sp["name"], position=sp.get("position", ""),
                           organisation=sp.get("organisation", ""), economy=sp.get("economy"),
                           bio=sp.get("bio", ""), photo_url=_url(sp, "photo_url", "speakers"))
                for k, sp in speaker_keys.items()}
    dbs.add_all(speakers.values())
    dbs.flush()
    for number, start, end, s in sessions:
        row = Session(event_id=event.id, day_id=day_rows[number].id, title=str(s["title"]),
                      kind=s.get("kind", "session"), description=s.get("description", ""),
                      starts_at=start, ends_at=end, room_url=_url(s, "room_url", "sessions"))
        row.speakers = [speakers[k] for k in s.get("speakers") or []]
        dbs.add(row)
    for i, text in enumerate(data.get("objectives") or []):
        dbs.add(LearningObjective(event_id=event.id, position=i, text=str(text)))
    dbs.flush()
    from symposium_portal import mails

    mails._schedule_cache.clear()  # emails in this process show the new programme at once
    return event


def seed_demo(dbs: DbSession, force: bool = False, capacity: int = 300) -> Event:
    data = demo_programme()
    data["event"]["capacity"] = capacity
    return load_programme(dbs, data, replace=force)
