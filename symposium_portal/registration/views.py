"""Registration pages: register, confirm, manage through a signed link, sign in, privacy."""
from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from digiready import disclosure
from digiready.events import forget_actor
from symposium_portal import audit, mails, timez
from symposium_portal.auth import (
    current_registrant,
    registrant_required,
    sign_in_registrant,
    sign_out,
)
from symposium_portal.db import db, utcnow
from symposium_portal.evaluation.models import EvaluationSubmission
from symposium_portal.extensions import form_limit, limiter
from symposium_portal.network.models import Block, MeetingRequest, Report
from symposium_portal.outbox import OutboxMessage
from symposium_portal.registration import service
from symposium_portal.registration.forms import (
    ActionForm,
    EmailOnlyForm,
    ProfileFields,
    RegistrationForm,
)
from symposium_portal.registration.models import (
    HELD,
    INACTIVE_STATUSES,
    SEAT_STATUSES,
    WAITLISTED,
    Registration,
    new_reference,
)
from symposium_portal.security import LinkExpired, LinkInvalid, read_link_token
from symposium_portal.viewing import viewer_zone

bp = Blueprint("registration", __name__, template_folder="templates")

PROFILE_FIELDS = ("full_name", "organisation", "role", "economy", "sector", "gender", "timezone",
                  "language", "interests", "bio", "consent_directory", "consent_contact")


@bp.get("/")
def home():
    dbs = db()
    event = service.current_event(dbs)
    days = [day.date for day in event.days]
    dates = timez.date_range(min(days), max(days)) if days else None
    return render_template("registration/home.html", event=event, dates=dates,
                           seats_left=max(event.capacity - event.seats_taken, 0))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def register():
    dbs = db()
    form = RegistrationForm()
    if request.method == "POST" and form.validate_on_submit():
        if form.website.data:
            return _honeypot(form.email.data.strip())
        data = {name: getattr(form, name).data for name in PROFILE_FIELDS}
        data["email"] = form.email.data.strip()
        data["consent_privacy"] = True
        try:
            reg = service.register(dbs, service.current_event_id(dbs), data)
            dbs.commit()
        except service.RegistrationClosed:
            dbs.rollback()
            return render_template("registration/closed.html",
                                   event=service.current_event(dbs)), 403
        except IntegrityError:
            # The address is already registered (in any case), perhaps by a request racing
            # this one: the unique index kept one row.
            dbs.rollback()
            event = service.current_event(dbs)
            return _already_registered(event, service.find_active(dbs, event.id,
                                                                  data["email"]))
        return _sent(reg.reference, reg.status, reg.position)
    event = service.current_event(dbs)
    if not event.registration_open:
        return render_template("registration/closed.html", event=event), 403
    if request.method == "GET":
        # The zone the programme would use (a cookie from tz.js, the browser's language
        # region), else the event's: right for most people even without scripts.
        form.timezone.data = form.timezone.data or viewer_zone().name or event.timezone
        form.language.data = str(get_locale() or "en")  # the page's language
    status = 400 if request.method == "POST" else 200
    return render_template("registration/register.html", form=form, event=event), status


def _sent(reference: str, status: str, position: int | None):
    # In the address, not the session: saves re-signing the session cookie on the busiest
    # request. The reference is not a credential.
    return redirect(url_for("registration.sent", ref=reference, status=status,
                            position=position), 303)


def _honeypot(email: str):
    """A bot filled the hidden field: store nothing, send nothing, and answer exactly as a
    person with the same input would be answered (closed, already registered, a held seat
    or a place on the waiting list, with a reference of the same form), so the bot cannot
    tell that it was caught and change its filling."""
    dbs = db()
    event = service.current_event(dbs)
    if not event.registration_open:
        return render_template("registration/closed.html", event=event), 403
    if service.find_active(dbs, event.id, email) is not None:
        return render_template("registration/already.html", event=event), 409
    if event.capacity - event.seats_taken > 0:
        return _sent(new_reference(), HELD, None)
    return _sent(new_reference(), WAITLISTED, event.waitlisted_count + 1)


def _already_registered(event, existing: Registration | None):
    dbs = db()
    if existing is not None:
        mails.registration_mail(dbs, event, existing, "already_registered")
        dbs.commit()
    return render_template("registration/already.html", event=event), 409


@bp.get("/register/sent")
def sent():
    info = {"status": request.args.get("status"), "ref": request.args.get("ref", "")[:16],
            "position": request.args.get("position", type=int)}
    return render_template("registration/sent.html", info=info)


@bp.get("/r/<token>")
def link(token: str):
    try:
        payload = read_link_token("manage", token)
    except LinkExpired:
        abort(410)
    except LinkInvalid:
        abort(404)
    reg = db().scalars(select(Registration).where(
        Registration.reference == payload.reference)).first()
    if reg is None or reg.link_nonce != payload.nonce:
        abort(404)
    sign_in_registrant(reg)
    # Redirect so the token leaves the address bar (and any Referer header).
    return redirect(url_for("registration.me"), 303)


@bp.get("/me")
@registrant_required()
def me():
    dbs = db()
    reg = current_registrant()
    event = service.current_event(dbs)
    return render_template(
        "registration/me.html", reg=reg, event=event, form=ActionForm(),
        position=service.waitlist_position(dbs, reg), inactive=reg.status in INACTIVE_STATUSES,
        holds_seat=reg.status in SEAT_STATUSES,
        hold_until=(timez.shown_range(reg.hold_expires_at, reg.hold_expires_at, reg.timezone)
                    if reg.hold_expires_at else None),
    )


@bp.post("/me/confirm")
@registrant_required()
def confirm():
    ActionForm().validate_on_submit() or abort(400)
    dbs = db()
    reg = current_registrant()
    event = service.current_event(dbs)
    try:
        service.confirm_email(dbs, event, reg)
        dbs.commit()
    except (service.RegisteredAgain, IntegrityError):
        # An old, expired hold opened from an old email after registering again with the
        # same address (IntegrityError: the same, racing another request).
        dbs.rollback()
        newer = service.find_active(dbs, event.id, reg.email)
        if newer is not None:
            mails.registration_mail(dbs, event, newer, "already_registered")
            dbs.commit()
        return render_template("registration/registered_again.html"), 409
    flash(_("Thank you: your email address is confirmed."))
    return redirect(url_for("registration.me"), 303)


@bp.route("/me/edit", methods=["GET", "POST"])
@registrant_required()
def edit():
    dbs = db()
    reg = current_registrant()
    if reg.status in INACTIVE_STATUSES:
        abort(409)
    event = service.current_event(dbs)
    form = ProfileFields(obj=reg)
    if form.validate_on_submit():
        changed = [n for n in PROFILE_FIELDS if getattr(reg, n) != getattr(form, n).data]
        for name in PROFILE_FIELDS:
            setattr(reg, name, getattr(form, name).data)
        if {"consent_directory", "consent_contact"} & set(changed):
            reg.consents_updated_at = utcnow()
        if changed:
            audit.record(dbs, f"registrant:{reg.id}", "registration.updated",
                         f"registration:{reg.id}", fields=changed)
            mails.registration_mail(dbs, event, reg, "updated")
        dbs.commit()
        flash(_("Your changes are saved."))
        return redirect(url_for("registration.me"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("registration/edit.html", form=form, reg=reg), status


@bp.route("/me/withdraw", methods=["GET", "POST"])
@registrant_required()
def withdraw():
    dbs = db()
    reg = current_registrant()
    form = ActionForm()
    if form.validate_on_submit():
        service.withdraw(dbs, service.current_event(dbs), reg, f"registrant:{reg.id}")
        dbs.commit()
        # Withdrawal ends every earlier link and session; this browser stays signed in.
        sign_in_registrant(reg)
        flash(_("Your registration is withdrawn."))
        return redirect(url_for("registration.me"), 303)
    return render_template("registration/confirm_action.html", form=form,
                           title=_("Withdraw your registration?"),
                           text=_("Your seat goes to the next person on the waiting list. "
                                  "This cannot be undone, but you may register again."),
                           button=_("Yes, withdraw"))


@bp.get("/me/data.json")
@registrant_required()
def my_data():
    """Everything stored about the registrant, as JSON (right of access / portability)."""
    dbs = db()
    reg = current_registrant()
    columns = [c.name for c in Registration.__table__.columns
               if c.name not in ("link_nonce", "session_nonce")]
    data = {c: _plain(getattr(reg, c)) for c in columns}
    data["meeting_requests"] = [
        {"id": m.id, "with": m.recipient.full_name if m.requester_id == reg.id
         else m.requester.full_name, "direction": "sent" if m.requester_id == reg.id
         else "received", "note": m.note, "status": m.status,
         "slots_utc": [s.starts_at.isoformat() for s in m.slots]}
        for m in dbs.scalars(select(MeetingRequest).where(
            (MeetingRequest.requester_id == reg.id) | (MeetingRequest.recipient_id == reg.id)))
    ]
    data["blocked"] = [b.blocked_id for b in dbs.scalars(
        select(Block).where(Block.blocker_id == reg.id))]
    data["reports_made"] = [{"reported": r.reported_id, "reason": r.reason}
                            for r in dbs.scalars(select(Report).where(
                                Report.reporter_id == reg.id))]
    data["emails"] = [{"subject": m.subject, "status": m.status,
                       "created_at": m.created_at.isoformat(), "body": m.body}
                      for m in dbs.scalars(select(OutboxMessage).where(
                          OutboxMessage.registration_id == reg.id).order_by(OutboxMessage.id))]
    data["evaluation_submitted"] = dbs.scalar(select(EvaluationSubmission.id).where(
        EvaluationSubmission.registration_id == reg.id)) is not None
    data["evaluation_note"] = ("Evaluation answers are anonymous and stored without any link "
                               "to you, so they cannot be exported or deleted per person.")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{reg.reference}.json"'})


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@bp.route("/me/delete", methods=["GET", "POST"])
@registrant_required()
def delete():
    dbs = db()
    reg = current_registrant()
    form = ActionForm()
    if form.validate_on_submit():
        forget_actor("portal", reg.analytics_user, db=dbs)  # events stay, unlinkable
        service.delete_registration(dbs, service.current_event(dbs), reg)
        dbs.commit()
        sign_out()
        return render_template("registration/deleted.html")
    return render_template("registration/confirm_action.html", form=form,
                           title=_("Delete your account and all your data?"),
                           text=_("Your registration, profile, meeting requests and emails are "
                                  "erased now. Your seat goes to the waiting list. Anonymous "
                                  "evaluation answers cannot be linked to you and stay."),
                           button=_("Yes, delete everything"))


@bp.post("/me/sign-out-everywhere")
@registrant_required()
def sign_out_everywhere():
    ActionForm().validate_on_submit() or abort(400)
    dbs = db()
    reg = current_registrant()
    reg.revoke_links()
    audit.record(dbs, f"registrant:{reg.id}", "registration.links_revoked",
                 f"registration:{reg.id}")
    dbs.commit()
    sign_out()
    flash(_("Every link and session is now invalid. Ask for a new link to sign in."))
    return redirect(url_for("registration.sign_in"), 303)


@bp.post("/sign-out")
def sign_out_view():
    ActionForm().validate_on_submit() or abort(400)
    sign_out(end_sessions=True)
    return redirect(url_for("registration.home"), 303)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def sign_in():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        if not form.website.data:
            dbs = db()
            event = service.current_event(dbs)
            reg = service.find_active(dbs, event.id, form.email.data) or dbs.scalars(
                select(Registration).where(Registration.event_id == event.id,
                                           func.lower(Registration.email) == form.email.data.strip().lower())
                .order_by(Registration.id.desc())).first()
            if reg is not None:
                mails.registration_mail(dbs, event, reg, "sign_in")
                dbs.commit()
        # Same answer whether or not the address is registered.
        return render_template("registration/link_sent.html")
    status = 400 if request.method == "POST" else 200
    return render_template("registration/sign_in.html", form=form), status


@bp.get("/privacy")
def privacy():
    return render_template("registration/privacy.html",
                           min_group=disclosure.threshold())
