"""Admin: staff login with roles, registrations and waiting list, outbox with preview and
resend, audit log, moderation, exports.

Roles: *viewer* reads everything except personal-data exports; *moderator* also approves or
rejects registrations and handles network reports; *organiser* also edits the event, resends
mail and exports personal data.
"""
from __future__ import annotations

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
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from symposium_portal import audit, exports
from symposium_portal.admin.forms import EventForm, LoginForm
from symposium_portal.admin.models import AuditEntry, Staff
from symposium_portal.auth import current_staff, sign_in_staff, sign_out, staff_required
from symposium_portal.db import db
from symposium_portal.evaluation import results as results_mod
from symposium_portal.extensions import form_limit, limiter
from symposium_portal.network.models import Report
from symposium_portal.outbox import QUEUED, OutboxMessage
from symposium_portal.registration import service
from symposium_portal.registration.forms import ActionForm
from symposium_portal.registration.models import WAITLISTED, Registration
from symposium_portal.validators import one_line

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

# A fixed hash to compare against when the email is unknown, so timing does not reveal it.
_DUMMY_HASH = "scrypt:32768:8:1$dummy$" + "0" * 128


def _actor() -> str:
    return f"staff:{current_staff().id}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        staff = db().scalars(select(Staff).where(
            func.lower(Staff.email) == form.email.data.strip().lower(),
            Staff.active.is_(True))).first()
        ok = check_password_hash(staff.password_hash if staff else _DUMMY_HASH,
                                 form.password.data)
        if staff and ok:
            sign_in_staff(staff)
            return redirect(url_for("admin.dashboard"), 303)
        form.password.errors.append(_("Wrong email address or password."))
        return render_template("admin/login.html", form=form), 401
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
def logout():
    """Ends this staff member's sessions everywhere (a copied cookie too), not only here."""
    ActionForm().validate_on_submit() or abort(400)
    sign_out(end_sessions=True)
    return redirect(url_for("registration.home"), 303)


@bp.get("/")
@staff_required("viewer")
def dashboard():
    dbs = db()
    event = service.current_event(dbs)
    counts = dict(dbs.execute(select(Registration.status, func.count()).where(
        Registration.event_id == event.id).group_by(Registration.status)).all())
    queued = dbs.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == QUEUED))
    open_reports = dbs.scalar(select(func.count()).select_from(Report).where(
        Report.status == "open"))
    return render_template("admin/dashboard.html", event=event, counts=counts, queued=queued,
                           taken=service.seats_taken(dbs, event.id), open_reports=open_reports)


@bp.route("/event", methods=["GET", "POST"])
@staff_required("organiser")
def event_settings():
    dbs = db()
    event = service.current_event(dbs)
    form = EventForm(obj=event)
    valid = form.validate_on_submit()
    if valid and form.capacity.data != event.capacity:
        try:
            service.set_capacity(dbs, event, form.capacity.data, _actor())
        except service.CapacityBelowTaken as below:
            # Lowering below the seats held would leave more people holding seats than the
            # event has: refuse, saying how many are taken and how to make room.
            dbs.rollback()
            form.capacity.errors.append(ngettext(
                "%(num)s seat is already taken, so the capacity cannot be lower than %(num)s. "
                "To make the event smaller, first withdraw or reject registrations.",
                "%(num)s seats are already taken, so the capacity cannot be lower than "
                "%(num)s. To make the event smaller, first withdraw or reject registrations.",
                below.taken))
            valid = False
    if valid:
        for name in ("requires_approval", "registration_open", "evaluation_open",
                     "virtual_room_url"):
            setattr(event, name, getattr(form, name).data or (None if name ==
                    "virtual_room_url" else False))
        audit.record(dbs, _actor(), "event.updated", f"event:{event.id}")
        dbs.commit()
        flash(_("Saved."))
        return redirect(url_for("admin.event_settings"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/event.html", form=form, event=event), status


@bp.get("/registrations")
@staff_required("viewer")
def registrations():
    dbs = db()
    event = service.current_event(dbs)
    status = request.args.get("status") or None
    stmt = select(Registration).where(Registration.event_id == event.id)
    if status:
        stmt = stmt.where(Registration.status == status)
    if status == WAITLISTED:
        stmt = stmt.order_by(Registration.waitlisted_at, Registration.id)
    else:
        stmt = stmt.order_by(Registration.created_at)
    regs = dbs.scalars(stmt.limit(2000)).all()
    return render_template("admin/registrations.html", regs=regs, event=event, status=status,
                           action=ActionForm())


@bp.post("/registrations/<int:reg_id>/<any(approve,reject,withdraw):what>")
@staff_required("moderator")
def registration_action(reg_id: int, what: str):
    ActionForm().validate_on_submit() or abort(400)
    dbs = db()
    event = service.current_event(dbs)
    reg = dbs.get(Registration, reg_id)
    if reg is None or reg.event_id != event.id:
        abort(404)
    if what == "withdraw":
        if current_staff().role != "organiser":
            abort(403)
        service.withdraw(dbs, event, reg, _actor())
    else:
        service.decide(dbs, event, reg, what == "approve", _actor())
    dbs.commit()
    flash(_("Done."))
    return redirect(request.referrer or url_for("admin.registrations"), 303)


@bp.get("/outbox")
@staff_required("viewer")
def outbox():
    msgs = db().scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())
                        .limit(500)).all()
    return render_template("admin/outbox.html", msgs=msgs)


@bp.get("/outbox/<int:msg_id>")
@staff_required("viewer")
def outbox_preview(msg_id: int):
    msg = db().get(OutboxMessage, msg_id)
    if msg is None:
        abort(404)
    return render_template("admin/outbox_preview.html", msg=msg, action=ActionForm())


@bp.post("/outbox/<int:msg_id>/resend")
@staff_required("organiser")
def outbox_resend(msg_id: int):
    ActionForm().validate_on_submit() or abort(400)
    dbs = db()
    msg = dbs.get(OutboxMessage, msg_id)
    if msg is None:
        abort(404)
    copy = OutboxMessage(kind=msg.kind, registration_id=msg.registration_id,
                         about_registration_id=msg.about_registration_id, to_email=msg.to_email, to_name=one_line(msg.to_name),
                         subject=one_line(msg.subject), body=msg.body)
    dbs.add(copy)
    dbs.flush()
    audit.record(dbs, _actor(), "outbox.resend", f"outbox:{msg.id}", copy=copy.id)
    dbs.commit()
    flash(_("Queued again."))
    return redirect(url_for("admin.outbox_preview", msg_id=copy.id), 303)


@bp.get("/audit")
@staff_required("viewer")
def audit_log():
    entries = db().scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)).all()
    # "staff:1" in the log reads as that person's email.
    staff_emails = dict(db().execute(select(Staff.id, Staff.email)).all())
    return render_template("admin/audit.html", entries=entries, staff_emails=staff_emails,
                           event=service.current_event(db()))


@bp.get("/reports")
@staff_required("moderator")
def reports():
    items = db().scalars(select(Report).order_by(Report.id.desc())).all()
    return render_template("admin/reports.html", items=items, action=ActionForm())


@bp.post("/reports/<int:report_id>/<any(hide,dismiss):what>")
@staff_required("moderator")
def report_action(report_id: int, what: str):
    ActionForm().validate_on_submit() or abort(400)
    dbs = db()
    rep = dbs.get(Report, report_id)
    if rep is None:
        abort(404)
    rep.status = "hidden" if what == "hide" else "dismissed"
    if what == "hide":
        rep.reported.hidden_by_moderator = True
    audit.record(dbs, _actor(), f"report.{what}", f"report:{rep.id}")
    dbs.commit()
    return redirect(url_for("admin.reports"), 303)


def _download(body: bytes, fmt: str, name: str) -> Response:
    mime = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.get("/exports/registrations.<any(csv,xlsx):fmt>")
@staff_required("organiser")
def export_registrations(fmt: str):
    dbs = db()
    event = service.current_event(dbs)
    regs = dbs.scalars(select(Registration).where(Registration.event_id == event.id)
                       .order_by(Registration.created_at)).all()
    header, rows = exports.registration_table(regs, event.timezone)
    audit.record(dbs, _actor(), "export.registrations", f"event:{event.id}", format=fmt)
    dbs.commit()
    body = exports.to_csv(header, rows, event.timezone) if fmt == "csv" else \
        exports.to_xlsx(header, rows, event.timezone, "registrations")
    return _download(body, fmt, "registrations")


@bp.get("/exports/evaluation.<any(csv,xlsx):fmt>")
@staff_required("viewer")
def export_results(fmt: str):
    dbs = db()
    event = service.current_event(dbs)
    header, rows = results_mod.table(results_mod.compute(dbs, event))
    body = exports.to_csv(header, rows, event.timezone) if fmt == "csv" else \
        exports.to_xlsx(header, rows, event.timezone, "evaluation")
    return _download(body, fmt, "evaluation-results")
