"""Network: opt-in directory with filters, organisations, suggestions, meeting requests with
slots in both people's zones and their states, block and report."""
from __future__ import annotations

import re

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
    assert "1 people" in _text(ana.get("/network/?economy=NZ"))
    only_chamber = _text(ana.get("/network/?sector=chamber"))
    assert "Maria Santos" in only_chamber.split("Everyone listed")[1]
    assert "Rangi Parata" not in only_chamber.split("Everyone listed")[1]
    assert "1 people" in _text(ana.get("/network/?interest=coops"))
    orgs = _text(ana.get("/network/organisations?sector=cooperative"))
    assert "Te Awa Cooperative" in orgs and "PCCI" not in orgs and "1 organisations" in orgs


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
            "Tue 09 Mar 2027 17:00 UTC-05 (America/Lima)") in mail.body
    page = _text(rangi.get("/network/meetings"))
    assert "From Ana Quispe" in page and "pending" in page
    assert "Wed 10 Mar 2027 11:00 NZDT (Pacific/Auckland) (you)" in page
    assert "Tue 09 Mar 2027 17:00 UTC-05 (America/Lima) (Ana Quispe)" in page

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
    assert "Tue 09 Mar 2027 17:00 UTC-05 (America/Lima) = " in answer.body
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
    for _ in range(2):
        ana.post_form(f"/network/people/{mid_id}", {"note": "Hi", "slot1": "2027-03-09T09:00",
                                                    "minutes": "15"})
    dbs = new_session()
    first, second = [m.id for m in dbs.scalars(select(MeetingRequest).order_by(
        MeetingRequest.id))]
    dbs.close()
    assert maria.post_form("/me", {}, action=f"/network/meetings/{first}/decline"
                           ).status_code == 303
    # The recipient cannot cancel a pending request (they decline it instead).
    assert maria.post_form("/me", {}, action=f"/network/meetings/{second}/cancel"
                           ).status_code == 409
    assert ana.post_form("/me", {}, action=f"/network/meetings/{second}/cancel"
                         ).status_code == 303
    dbs = new_session()
    assert [m.status for m in dbs.scalars(select(MeetingRequest).order_by(
        MeetingRequest.id))] == ["declined", "cancelled"]
    dbs.close()


def test_block_hides_both_ways_and_report_reaches_moderators(portal_db, app):
    people = _people(app)
    ana, maria = people["ana@example.org"], people["maria@example.org"]
    maria_id, ana_id = registration("maria@example.org").id, registration("ana@example.org").id
    r = ana.post_form(f"/network/people/{maria_id}", {"reason": "Sent spam"},
                      action=f"/network/people/{maria_id}/report")
    assert r.status_code == 303
    assert ana.post_form(f"/network/people/{maria_id}", {},
                         action=f"/network/people/{maria_id}/block").status_code == 303
    assert "Maria Santos" not in _text(ana.get("/network/"))
    assert "Ana Quispe" not in _text(maria.get("/network/"))
    assert maria.get(f"/network/people/{ana_id}").status_code == 404
    from symposium_portal.network.models import Report

    dbs = new_session()
    rep = dbs.scalars(select(Report)).one()
    assert (rep.reported_id, rep.reason, rep.status) == (maria_id, "Sent spam", "open")
    dbs.close()
