"""Network: opt-in directory with filters, organisations, suggestions, meeting requests with
slots in both people's zones and their states, block and report."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from symposium_portal.db import new_session
from symposium_portal.network.models import MeetingRequest

from .conftest import Browser, confirm, outbox, register, registration

PEOPLE = [
    ("ana@example.org", dict(full_name="Ana Quispe", economy="PE", sector="cooperative",
                             organisation="Cooperativa Andina", timezone="America/Lima",
                             interests=["ecommerce", "payments", "coops"])),
    ("rangi@example.org", dict(full_name="Rangi Parata", economy="NZ", sector="cooperative",
                               organisation="Te Awa Cooperative", timezone="Pacific/Auckland",
                               interests=["ecommerce", "coops"])),
    ("maria@example.org", dict(full_name="Maria Santos", economy="PH", sector="chamber",
                               organisation="PCCI", timezone="Asia/Manila",
                               interests=["payments"])),
    ("hidden@example.org", dict(full_name="Not Listed", economy="PE", sector="msme",
                                organisation="Quiet SME", timezone="America/Lima",
                                interests=["ecommerce"], consent_directory="")),
]


def _people(app) -> dict[str, Browser]:
    out = {}
    for email, fields in PEOPLE:
        b = Browser(app.test_client())
        register(b, email, **fields)
        confirm(b, email)
        out[email] = b
    return out


def _text(r) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.get_data(as_text=True)))


def test_directory_filters_suggestions_and_organisations(portal_db, app):
    people = _people(app)
    ana = people["ana@example.org"]
    page = _text(ana.get("/network/"))
    assert "Rangi Parata" in page and "Maria Santos" in page
    assert "Not Listed" not in page and "3 people" not in page  # self and unlisted excluded
    # Suggestions: Rangi shares two interests, Maria one; Rangi comes first.
    sugg = page[page.index("Suggested for you"):page.index("Everyone listed")]
    assert sugg.index("Rangi Parata") < sugg.index("Maria Santos")
    assert "2 people" in _text(ana.get("/network/?economy="))
    assert "1 person" in _text(ana.get("/network/?economy=NZ"))
    only_chamber = _text(ana.get("/network/?sector=chamber"))
    assert "Maria Santos" in only_chamber.split("Everyone listed")[1]
    assert "Rangi Parata" not in only_chamber.split("Everyone listed")[1]
    assert "1 person" in _text(ana.get("/network/?interest=coops"))
    orgs = _text(ana.get("/network/organisations?sector=cooperative"))
    assert "Te Awa Cooperative" in orgs and "PCCI" not in orgs and "1 organisation" in orgs


def test_meeting_request_lifecycle_in_both_zones(portal_db, app):
    people = _people(app)
    ana, rangi = people["ana@example.org"], people["rangi@example.org"]
    rid = registration("rangi@example.org").id
    # Ana proposes 9 March 2027 17:00 Lima time = 10 March 11:00 in Auckland (NZDT).
    r = ana.post_form(f"/network/people/{rid}", {
        "note": "Let's compare online sales", "slot1": "2027-03-09T17:00",
        "slot2": "2027-03-10T08:00", "minutes": "30"})
    assert r.status_code == 303
    mail = outbox(portal_db, "rangi@example.org", "meeting_request")[0]
    assert mail.subject == "Meeting request from Ana Quispe"
    assert ("Wed 10 Mar 2027 11:00 NZDT (Pacific/Auckland) = "
            "Tue 9 Mar 2027 17:00 UTC-05 (America/Lima)") in mail.body
    page = _text(rangi.get("/network/meetings"))
    assert "From Ana Quispe" in page and "pending" in page
    assert "Wed 10 Mar 2027 11:00 NZDT (Pacific/Auckland) (you)" in page
    assert "Tue 9 Mar 2027 17:00 UTC-05 (America/Lima) (Ana Quispe)" in page

    dbs = new_session()
    meeting = dbs.scalars(select(MeetingRequest)).one()
    mid, first_slot = meeting.id, meeting.slots[0].id
    dbs.close()
    # Only the recipient accepts, choosing one of the slots.
    r = rangi.post_form(f"/network/meetings/{mid}/accept", {"slot": str(first_slot)})
    assert r.status_code == 303
    assert "accepted" in _text(ana.get("/network/meetings"))
    answer = outbox(portal_db, "ana@example.org", "meeting_answer")[-1]
    assert answer.subject == "Meeting accepted by Rangi Parata"
    assert "Tue 9 Mar 2027 17:00 UTC-05 (America/Lima) = " in answer.body
    # Accepting twice is a conflict, not a crash.
    assert rangi.post_form("/me", {"slot": str(first_slot)},
                           action=f"/network/meetings/{mid}/accept").status_code == 409
    # Either side may cancel an accepted meeting.
    assert ana.post_form("/me", {}, action=f"/network/meetings/{mid}/cancel").status_code == 303
    assert "cancelled" in _text(rangi.get("/network/meetings"))
    assert outbox(portal_db, "rangi@example.org", "meeting_answer")[-1].subject == \
        "Meeting cancelled by Ana Quispe"


def test_decline_and_requester_cancel(portal_db, app):
    people = _people(app)
    ana, maria = people["ana@example.org"], people["maria@example.org"]
    mid_id = registration("maria@example.org").id
    request = {"note": "Hi", "slot1": "2027-03-09T09:00", "minutes": "15"}
    assert ana.post_form(f"/network/people/{mid_id}", request).status_code == 303
    first = _meeting_ids()[-1]
    assert maria.post_form("/me", {}, action=f"/network/meetings/{first}/decline"
                           ).status_code == 303
    # Declined, no longer pending: asking again is allowed.
    assert ana.post_form(f"/network/people/{mid_id}", request).status_code == 303
    second = _meeting_ids()[-1]
    # The recipient cannot cancel a pending request (they decline it instead).
    assert maria.post_form("/me", {}, action=f"/network/meetings/{second}/cancel"
                           ).status_code == 409
    assert ana.post_form("/me", {}, action=f"/network/meetings/{second}/cancel"
                         ).status_code == 303
    dbs = new_session()
    assert [m.status for m in dbs.scalars(select(MeetingRequest).order_by(
        MeetingRequest.id))] == ["declined", "cancelled"]
    dbs.close()


def _meeting_ids() -> list[int]:
    dbs = new_session()
    try:
        return list(dbs.scalars(select(MeetingRequest.id).order_by(MeetingRequest.id)))
    finally:
        dbs.close()


def test_duplicate_pending_requests_and_past_slots_are_refused(portal_db, app):
    """Issue 13, item 8: a second request while one is pending, either way round, and a time
    that has passed are refused with a readable page; none queues an email."""
    people = _people(app)
    ana, rangi = people["ana@example.org"], people["rangi@example.org"]
    rangi_id, ana_id = registration("rangi@example.org").id, registration("ana@example.org").id
    request = {"note": "Hi", "slot1": "2027-03-09T09:00", "minutes": "30"}
    past = ana.post_form(f"/network/people/{rangi_id}", {**request, "slot1": "2020-01-01T09:00"})
    assert past.status_code == 400
    assert "This time has passed" in _text(past)
    assert _meeting_ids() == []
    assert ana.post_form(f"/network/people/{rangi_id}", request).status_code == 303
    again = ana.post_form(f"/network/people/{rangi_id}", {**request, "note": "Hello?"})
    assert again.status_code == 409
    assert "You already have a request to this person waiting" in _text(again)
    back = rangi.post_form(f"/network/people/{ana_id}", request)
    assert back.status_code == 409 and "answer their request" in _text(back)
    assert len(_meeting_ids()) == 1
    assert len(outbox(portal_db, "rangi@example.org", "meeting_request")) == 1
    assert outbox(portal_db, "ana@example.org", "meeting_request") == []


def test_pending_duplicates_are_refused_by_the_database_too(portal_db, app):
    """Two identical requests at once both pass the check; the partial unique index keeps
    one (other statuses are not limited)."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    _people(app)
    ana, rangi = registration("ana@example.org").id, registration("rangi@example.org").id
    dbs = new_session()
    try:
        dbs.add(MeetingRequest(requester_id=ana, recipient_id=rangi, note="a"))
        dbs.commit()
        dbs.add(MeetingRequest(requester_id=ana, recipient_id=rangi, note="b"))
        with pytest.raises(IntegrityError):
            dbs.commit()
        dbs.rollback()
        dbs.add(MeetingRequest(requester_id=ana, recipient_id=rangi, note="c",
                               status="declined"))
        dbs.commit()
    finally:
        dbs.close()


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_meeting_requests_and_reports_are_rate_limited(sqlite_portal, monkeypatch, storage,
                                                       request):
    """Issue 13, item 8: per sender and per recipient (all senders together); only what was
    sent counts; with Redis the counters are shared by every worker (two apps here)."""
    import uuid

    from symposium_portal.app import create_app

    monkeypatch.setenv("DIGIREADY_PORTAL_MEETING_RATELIMIT", "1/hour")
    monkeypatch.setenv("DIGIREADY_PORTAL_MEETING_RECIPIENT_RATELIMIT", "2/hour")
    monkeypatch.setenv("DIGIREADY_PORTAL_REPORT_RATELIMIT", "2/hour")
    if storage == "redis":
        monkeypatch.setenv("DIGIREADY_REDIS_URL", request.getfixturevalue("redis_url"))
    prefix = "t" + uuid.uuid4().hex[:8]
    apps = [create_app({"RATELIMIT_KEY_PREFIX": prefix}) for _ in range(2)]
    people = _people(apps[0])
    sam = Browser(apps[1].test_client())  # a fourth listed person, on the other "worker"
    register(sam, "sam@example.org", full_name="Sam Lee", economy="US")
    confirm(sam, "sam@example.org")
    ana, maria = people["ana@example.org"], people["maria@example.org"]
    ids = {e: registration(e).id for e in ("rangi@example.org", "maria@example.org",
                                           "ana@example.org")}
    request_ = {"note": "Hi", "slot1": "2027-03-09T09:00", "minutes": "30"}
    # A request refused for another reason does not count.
    assert ana.post_form(f"/network/people/{ids['rangi@example.org']}",
                         {**request_, "slot1": "2020-01-01T09:00"}).status_code == 400
    assert ana.post_form(f"/network/people/{ids['rangi@example.org']}",
                         request_).status_code == 303
    over = ana.post_form(f"/network/people/{ids['maria@example.org']}", request_)
    assert over.status_code == 429 and "Too many attempts" in over.get_data(as_text=True)
    # Rangi's inbox: two requests from everyone together, whichever worker takes them.
    assert maria.post_form(f"/network/people/{ids['rangi@example.org']}",
                           request_).status_code == 303
    assert sam.post_form(f"/network/people/{ids['rangi@example.org']}",
                         request_).status_code == 429
    # Sam's refused request did not use up Sam's own allowance.
    assert sam.post_form(f"/network/people/{ids['ana@example.org']}",
                         request_).status_code == 303
    assert len(outbox(sqlite_portal, "rangi@example.org", "meeting_request")) == 2
    assert outbox(sqlite_portal, "maria@example.org", "meeting_request") == []
    # Reports: two per reporter here; a duplicate of an open report is neither stored nor
    # counted.
    report = {"reason": "Spam"}

    def report_on(email: str):
        page = f"/network/people/{registration(email).id}"
        return ana.post_form(page, report, action=page + "/report")

    assert report_on("maria@example.org").status_code == 303
    dup = report_on("maria@example.org")
    assert dup.status_code == 303
    assert "already reported" in _text(ana.get(dup.headers["Location"]))
    assert report_on("rangi@example.org").status_code == 303
    assert report_on("sam@example.org").status_code == 429
    from symposium_portal.network.models import Report

    dbs = new_session()
    assert len(dbs.scalars(select(Report)).all()) == 2
    dbs.close()


def test_deleting_an_account_scrubs_it_from_other_peoples_mail(portal_db, app, smtp_server):
    """Issue 13, item 10: the person's name and private meeting note leave every other
    person's message, sent or queued (and a queued one is not sent any more)."""
    from sqlalchemy import insert

    from digiready.cli.main import main as cli
    from symposium_portal.db import utcnow
    from symposium_portal.outbox import OutboxMessage

    people = _people(app)
    ana = people["ana@example.org"]
    rangi_id = registration("rangi@example.org").id
    maria_id = registration("maria@example.org").id
    secret = "my secret supplier plan"
    assert ana.post_form(f"/network/people/{rangi_id}", {
        "note": secret, "slot1": "2027-03-09T09:00", "minutes": "30"}).status_code == 303
    assert cli(["portal", "send-mail"]) == 0  # Rangi's copy is sent
    assert ana.post_form(f"/network/people/{maria_id}", {
        "note": secret, "slot1": "2027-03-09T10:00", "minutes": "30"}).status_code == 303
    dbs = new_session()  # a message queued before messages recorded whom they are about
    dbs.execute(insert(OutboxMessage.__table__).values(
        kind="meeting_answer", registration_id=maria_id, to_email="maria@example.org",
        to_name="Maria Santos", subject="Meeting declined by Ana Quispe",
        body="Ana Quispe declined your meeting request.", status="queued", attempts=0,
        last_error="", created_at=utcnow()))
    dbs.commit()
    dbs.close()
    others_before = {m.id: m.subject for m in outbox(portal_db)
                     if "Ana Quispe" not in m.subject + m.body and m.to_email != "ana@example.org"}
    assert ana.post_form("/me/delete", {}).status_code == 200

    remaining = outbox(portal_db)
    for m in remaining:
        text = f"{m.subject} {m.body} {m.to_name} {m.to_email} {m.last_error}"
        assert "Ana Quispe" not in text and secret not in text and "ana@" not in text, m.id
    scrubbed = sorted((m.to_email, m.status) for m in remaining
                      if m.subject.startswith("Removed"))
    assert scrubbed == [("maria@example.org", "cancelled"), ("maria@example.org", "cancelled"),
                        ("rangi@example.org", "sent")]
    # Messages about anyone else are untouched.
    assert {m.id: m.subject for m in remaining if m.id in others_before} == others_before
    sent_before = len(smtp_server.messages)
    assert cli(["portal", "send-mail"]) == 0
    assert all("Ana Quispe" not in str(m) for m in smtp_server.messages[sent_before:])


def test_an_accepted_meeting_shows_its_agreed_time_in_the_viewers_zone(portal_db, app):
    people = _people(app)
    ana, rangi = people["ana@example.org"], people["rangi@example.org"]
    rid = registration("rangi@example.org").id
    assert ana.post_form(f"/network/people/{rid}", {
        "note": "Payments", "slot1": "2027-03-09T17:00", "slot2": "2027-03-10T08:00",
        "minutes": "30"}).status_code == 303
    dbs = new_session()
    meeting = dbs.scalars(select(MeetingRequest)).one()
    mid, second = meeting.id, meeting.slots[1].id
    dbs.close()
    assert "Agreed time" not in _text(ana.get("/network/meetings"))
    rangi.post_form(f"/network/meetings/{mid}/accept", {"slot": str(second)})
    page = _text(ana.get("/network/meetings"))
    # Ana (Lima) reads it in her zone first, then in Rangi's; the other slot is gone.
    assert ("Agreed time: Wed 10 Mar 2027 08:00–08:30 UTC-05 (America/Lima) "
            "For Rangi Parata: Thu 11 Mar 2027 02:00–02:30 NZDT (Pacific/Auckland)") in page
    assert "Tue 9 Mar 2027 17:00" not in page and "– agreed" not in page
    # The zone chosen on the programme applies here too.
    ana.get("/programme?tz=Asia/Manila")
    assert "Agreed time: Wed 10 Mar 2027 21:00–21:30 PST (Asia/Manila)" in _text(
        ana.get("/network/meetings"))
