"""A sample 3-day programme (about 3 hours a day) so a fresh install shows something real.

Event time is Asia/Singapore, 13:00–16:00: early evening in Auckland, late evening in Los
Angeles the day before, and past midnight in Lima, which exercises every timezone path.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from symposium_portal import settings
from symposium_portal.evaluation.models import LearningObjective
from symposium_portal.programme.models import Day, Event, Session, Speaker

TZ = "Asia/Singapore"
FIRST_DAY = date(2027, 3, 9)

SPEAKERS = [
    ("Ana Lucía Quispe", "Director of MSME Policy", "Ministry of Production", "PE",
     "Leads Peru's programme for the digital transformation of small businesses."),
    ("Rangi Parata", "Chief Executive", "Te Awa Cooperative", "NZ",
     "Runs a Māori-owned agricultural cooperative that moved its sales online."),
    ("Maria Santos", "Vice President", "Philippine Chamber of Commerce", "PH",
     "Coordinates digital-skills training for chamber members across the islands."),
    ("Nguyễn Thị Hoa", "Researcher", "Viet Nam Digital Business Institute", "VN",
     "Co-author of Viet Nam's digital business index for SMEs."),
    ("Kila Aisi", "Founder", "Port Moresby Market Pay", "PG",
     "Builds mobile payment tools for market vendors in Papua New Guinea."),
    ("Daniel Kim", "Programme Manager", "Korea SMEs and Startups Agency", "KR",
     "Manages a voucher scheme for cloud tools in small firms."),
    ("Sofía Herrera", "Adviser", "Chilean Chamber of Commerce", "CL",
     "Works on e-invoicing adoption among micro-enterprises."),
    ("Emily Carter", "Senior Economist", "APEC Policy Support Unit", "US",
     "Studies the digital divide among MSMEs in the APEC region."),
]

# (day, start "HH:MM" event time, minutes, title, kind, speaker indexes)
SESSIONS = [
    (1, "13:00", 30, "Opening: why MSME digitalisation matters now", "plenary", [7]),
    (1, "13:30", 60, "Measuring digital maturity: the DigiReady diagnostic", "panel", [3, 0]),
    (1, "14:45", 60, "Digital payments for market vendors", "panel", [4, 2]),
    (1, "15:45", 15, "Networking: meet participants from other economies", "networking", []),
    (2, "13:00", 45, "Cooperatives going online", "panel", [1, 2]),
    (2, "13:45", 60, "Workshop: from diagnostic to action plan", "workshop", [3]),
    (2, "15:00", 60, "E-invoicing and tax: what small firms need", "panel", [6, 5]),
    (3, "13:00", 60, "Financing digital adoption: vouchers and grants", "panel", [5, 0]),
    (3, "14:15", 60, "Building a lasting APEC network", "workshop", [1, 7]),
    (3, "15:15", 45, "Closing and evaluation", "plenary", [7, 0]),
]

OBJECTIVES = [
    "Assess the digital maturity of a small business with the DigiReady diagnostic",
    "Choose digital payment and e-commerce tools that fit a business and an economy",
    "Explain e-invoicing and data-protection duties for small firms",
    "Find financing and support programmes for digital adoption",
]


def seed_demo(dbs: DbSession, force: bool = False, capacity: int = 300) -> Event:
    slug = settings.get("PORTAL_EVENT")
    existing = dbs.scalars(select(Event).where(Event.slug == slug)).first()
    if existing is not None:
        if not force:
            return existing
        dbs.delete(existing)
        dbs.flush()
    tz = ZoneInfo(TZ)
    event = Event(
        slug=slug, title="DigiReady APEC Virtual Symposium",
        description=("Three half-days on closing the digital-skills gaps of MSMEs and "
                     "cooperatives: what works, what each economy is doing, and who to "
                     "work with next."),
        timezone=TZ, capacity=capacity, virtual_room_url="https://meet.example.org/digiready",
    )
    dbs.add(event)
    dbs.flush()
    speakers = [Speaker(event_id=event.id, name=n, position=p, organisation=o, economy=e, bio=b)
                for n, p, o, e, b in SPEAKERS]
    dbs.add_all(speakers)
    days = {}
    for number in (1, 2, 3):
        d = FIRST_DAY + timedelta(days=number - 1)
        days[number] = Day(event_id=event.id, number=number, date=d,
                           title=f"Day {number} – {d:%A %d %B %Y}")
        dbs.add(days[number])
    dbs.flush()
    for number, hhmm, minutes, title, kind, who in SESSIONS:
        d = days[number].date
        start = datetime.combine(d, time.fromisoformat(hhmm), tz).astimezone(UTC)
        s = Session(event_id=event.id, day_id=days[number].id, title=title, kind=kind,
                    description=f"{title}. Live, with questions from participants.",
                    starts_at=start, ends_at=start + timedelta(minutes=minutes))
        s.speakers = [speakers[i] for i in who]
        dbs.add(s)
    for i, text in enumerate(OBJECTIVES):
        dbs.add(LearningObjective(event_id=event.id, position=i, text=text))
    dbs.flush()
    return event
