"""Network: directory of people and organisations, suggestions, meetings, block, report.

Only signed-in confirmed registrants see it, and only people who opted in are listed. Any id
that is not visible to the viewer (another person's meeting, a blocked or unlisted person)
answers 404, so ids reveal nothing.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from symposium_portal import audit, mails, timez
from symposium_portal.auth import current_registrant, registrant_required
from symposium_portal.db import db
from symposium_portal.extensions import (
    by_person_addressed,
    by_registrant,
    done,
    limiter,
    meeting_limit,
    meeting_recipient_limit,
    report_limit,
)
from symposium_portal.mails import N_
from symposium_portal.network import service
from symposium_portal.network.forms import (
    AcceptForm,
    FilterForm,
    MeetingForm,
    ReportForm,
)
from symposium_portal.network.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    PENDING,
    Block,
    MeetingRequest,
    MeetingSlot,
    Report,
)
from symposium_portal.registration.forms import ActionForm
from symposium_portal.viewing import viewer_zone

bp = Blueprint("network", __name__, url_prefix="/network", template_folder="templates")


@bp.get("/")
@registrant_required(confirmed=True)
def directory():
    dbs = db()
    me = current_registrant()
    form = FilterForm(request.args)
    form.validate()
    people = service.listed(dbs, me)
    shown = service.filter_people(people, form.q.data, form.economy.data, form.sector.data,
                                  form.interest.data)
    return render_template("network/directory.html", form=form, people=shown, me=me,
                           suggestions=service.suggestions(me, people))


@bp.get("/organisations")
@registrant_required(confirmed=True)
def organisations():
    dbs = db()
    me = current_registrant()
    form = FilterForm(request.args)
    form.validate()
    people = service.filter_people(service.listed(dbs, me), form.q.data, form.economy.data,
                                   form.sector.data, form.interest.data)
    return render_template("network/organisations.html", form=form,
                           orgs=service.organisations(people))


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
# Each request is an email to the person: limited per sender and per recipient (all senders
# together), counters in Redis when configured. Only requests actually sent count.
@limiter.limit(meeting_limit, key_func=by_registrant, methods=["POST"], deduct_when=done,
               scope="meeting-sent")
@limiter.limit(meeting_recipient_limit, key_func=by_person_addressed, methods=["POST"],
               deduct_when=done, scope="meeting-received")
@registrant_required(confirmed=True)
def person(person_id: int):
    dbs = db()
    me = current_registrant()
    other = service.visible_person(dbs, me, person_id)
    if other is None:
        abort(404)
    form = MeetingForm(zone=me.timezone)
    refused = None
    if form.validate_on_submit():
        refused = service.pending_between(dbs, me.id, other.id)
        if refused is None:
            meeting = MeetingRequest(requester_id=me.id, recipient_id=other.id,
                                     note=form.note.data.strip())
            meeting.slots = [MeetingSlot(starts_at=s, minutes=int(form.minutes.data))
                             for s in form.slots_utc()]
            dbs.add(meeting)
            try:
                dbs.flush()
            except IntegrityError:  # the same request, sent twice at once
                dbs.rollback()
                refused = "sent"
        if refused is None:
            mails.meeting_mail(dbs, "meeting_request", other, me,
                               N_("Meeting request from %(name)s"),
                               note=meeting.note, slots=meeting.slots)
            audit.record(dbs, f"registrant:{me.id}", "meeting.requested",
                         f"meeting:{meeting.id}")
            dbs.commit()
            flash(_("Your request was sent."))
            return redirect(url_for("network.meetings"), 303)
    status = 409 if refused else 400 if request.method == "POST" else 200
    return render_template("network/person.html", p=other, me=me, form=form,
                           action=ActionForm(), report=ReportForm(),
                           refused=REFUSED[refused] if refused else None), status


REFUSED = {
    "sent": _l("You already have a request to this person waiting for an answer. Wait for "
               "it, or cancel it under My meetings and send a new one."),
    "received": _l("This person has already asked you for a meeting: answer their request "
                   "under My meetings."),
}


@bp.get("/meetings")
@registrant_required(confirmed=True)
def meetings():
    dbs = db()
    me = current_registrant()
    items = dbs.scalars(
        select(MeetingRequest).where(or_(MeetingRequest.requester_id == me.id,
                                         MeetingRequest.recipient_id == me.id))
        .order_by(MeetingRequest.created_at.desc())
    ).all()
    # The agreed time in the zone the viewer reads pages in (chosen on the programme, else
    # their registration's), as a line of its own, not a word at the end of a slot.
    zone = viewer_zone().name or me.timezone
    return render_template("network/meetings.html", items=items, me=me, action=ActionForm(),
                           zone=zone, timedelta=timedelta)


def _meeting_for(meeting_id: int, role: str) -> MeetingRequest:
    me = current_registrant()
    meeting = db().get(MeetingRequest, meeting_id)
    if meeting is None or me.id not in (meeting.requester_id, meeting.recipient_id):
        abort(404)
    if role == "recipient" and meeting.recipient_id != me.id:
        abort(403)
    return meeting


def _answer(meeting: MeetingRequest, kind: str, message: str, slot=None) -> None:
    me = current_registrant()
    other = meeting.recipient if meeting.requester_id == me.id else meeting.requester
    subjects = {  # in the recipient's language, by mails.meeting_mail
        ACCEPTED: N_("Meeting accepted by %(name)s"),
        DECLINED: N_("Meeting declined by %(name)s"),
        CANCELLED: N_("Meeting cancelled by %(name)s"),
    }
    mails.meeting_mail(db(), "meeting_answer", other, me, subjects[kind], message=message,
                       slot=slot)


@bp.route("/meetings/<int:meeting_id>/accept", methods=["GET", "POST"])
@registrant_required(confirmed=True)
def accept(meeting_id: int):
    meeting = _meeting_for(meeting_id, "recipient")
    if meeting.status != PENDING:
        abort(409)
    me = current_registrant()
    form = AcceptForm()
    form.slot.choices = [
        (s.id, (f"{timez.plain_time(s.starts_at, me.timezone)} = "
               f"{timez.plain_time(s.starts_at, meeting.requester.timezone)}"))
        for s in meeting.slots
    ]
    if form.validate_on_submit():
        meeting.status, meeting.accepted_slot_id = ACCEPTED, form.slot.data
        _answer(meeting, ACCEPTED, _("%(name)s accepted your meeting request.",
                                     name=me.full_name), meeting.accepted_slot)
        db().commit()
        flash(_("Meeting accepted."))
        return redirect(url_for("network.meetings"), 303)
    return render_template("network/accept.html", meeting=meeting, form=form)


@bp.post("/meetings/<int:meeting_id>/decline")
@registrant_required(confirmed=True)
def decline(meeting_id: int):
    ActionForm().validate_on_submit() or abort(400)
    meeting = _meeting_for(meeting_id, "recipient")
    if meeting.status != PENDING:
        abort(409)
    meeting.status = DECLINED
    _answer(meeting, DECLINED, _("%(name)s declined your meeting request.",
                                 name=current_registrant().full_name))
    db().commit()
    flash(_("Meeting declined."))
    return redirect(url_for("network.meetings"), 303)


@bp.post("/meetings/<int:meeting_id>/cancel")
@registrant_required(confirmed=True)
def cancel(meeting_id: int):
    ActionForm().validate_on_submit() or abort(400)
    meeting = _meeting_for(meeting_id, "either")
    me = current_registrant()
    allowed = (meeting.status == ACCEPTED) or (
        meeting.status == PENDING and meeting.requester_id == me.id)
    if not allowed:
        abort(409)
    meeting.status = CANCELLED
    _answer(meeting, CANCELLED, _("%(name)s cancelled the meeting.", name=me.full_name))
    db().commit()
    flash(_("Meeting cancelled."))
    return redirect(url_for("network.meetings"), 303)


@bp.post("/people/<int:person_id>/block")
@registrant_required(confirmed=True)
def block(person_id: int):
    ActionForm().validate_on_submit() or abort(400)
    dbs = db()
    me = current_registrant()
    if service.visible_person(dbs, me, person_id) is None:
        abort(404)
    dbs.add(Block(blocker_id=me.id, blocked_id=person_id))
    # Pending requests between the two end with the block.
    for m in dbs.scalars(select(MeetingRequest).where(
            MeetingRequest.status == PENDING,
            or_((MeetingRequest.requester_id == me.id) & (MeetingRequest.recipient_id == person_id),
                (MeetingRequest.requester_id == person_id) & (MeetingRequest.recipient_id == me.id)))):
        m.status = CANCELLED
    try:
        dbs.commit()
    except IntegrityError:
        dbs.rollback()
    flash(_("Blocked. You no longer see each other in the network."))
    return redirect(url_for("network.directory"), 303)


@bp.post("/people/<int:person_id>/report")
@limiter.limit(report_limit, key_func=by_registrant, deduct_when=done, scope="report-sent")
@registrant_required(confirmed=True)
def report(person_id: int):
    dbs = db()
    me = current_registrant()
    if service.visible_person(dbs, me, person_id) is None and not dbs.scalar(
            select(MeetingRequest.id).where(MeetingRequest.requester_id == person_id,
                                            MeetingRequest.recipient_id == me.id)):
        abort(404)
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400)
    if dbs.scalar(select(Report.id).where(Report.reporter_id == me.id,
                                          Report.reported_id == person_id,
                                          Report.status == "open")):
        # The moderators have not looked at the first one yet: one is enough.
        g.not_counted = True
        flash(_("You have already reported this person; a moderator will look at it."))
        return redirect(url_for("network.directory"), 303)
    rep = Report(reporter_id=me.id, reported_id=person_id, reason=form.reason.data.strip())
    dbs.add(rep)
    dbs.flush()
    audit.record(dbs, f"registrant:{me.id}", "network.reported", f"report:{rep.id}")
    dbs.commit()
    flash(_("Thank you. A moderator will look at your report."))
    return redirect(url_for("network.directory"), 303)
