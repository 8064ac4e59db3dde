"""Sign in and out, accept an invitation, manage an economy's members."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from digiready.authoring import store
from digiready.authoring.models import AuthoringAudit
from studio.accounts import service
from studio.accounts.forms import AcceptForm, ActionForm, InviteForm, LoginForm
from studio.accounts.models import ROLES, StudioMembership, StudioUser
from studio.auth import actor, authenticate, current_user, economy_permission, login_required, sign_in
from studio.db import db
from studio.extensions import form_limit, limiter

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("workspace.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user)
            store.audit(db(), f"user:{user.id}", "", "user.signed_in", f"user:{user.id}")
            db().commit()
            return redirect(_safe_next(request.args.get("next")), 303)
        form.password.errors.append(_("Wrong email address or password."))
        return render_template("accounts/login.html", form=form, title=_("Sign in")), 401
    return render_template("accounts/login.html", form=form, title=_("Sign in"))


@bp.post("/logout")
def logout():
    ActionForm().validate_on_submit() or abort(400)
    session.clear()
    return redirect(url_for("accounts.login"), 303)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def accept(token: str):
    found = service.invitation(db(), token)
    if found is None:
        return render_template("error.html", status=410, title=_("Invitation not valid"),
                               text=_("This invitation link was already used or has expired. "
                                      "Ask the economy's admin for a new one.")), 410
    existing = service.user_by_email(db(), found.email)
    form = AcceptForm()
    if existing is not None and request.method == "POST" and ActionForm().validate_on_submit():
        service.accept(db(), found, existing.name, "")
        db().commit()
        flash(_("You now have the role %(role)s in %(economy)s. Sign in to continue.",
                role=found.role, economy=found.economy))
        return redirect(url_for("accounts.login"), 303)
    if existing is None and form.validate_on_submit():
        user = service.accept(db(), found, form.name.data.strip(), form.password.data)
        db().commit()
        sign_in(user)
        return redirect(url_for("workspace.overview", code=found.economy), 303)
    return render_template("accounts/accept.html", form=form, invitation=found,
                           existing=existing, title=_("Join DigiReady Studio"))


@bp.route("/e/<code>/members", methods=["GET", "POST"])
@economy_permission("members")
def members(code: str, economy):
    form = InviteForm()
    link = None
    if form.validate_on_submit():
        link = service.invite(db(), form.email.data, code, form.role.data, actor())
        db().commit()
    people = db().scalars(select(StudioUser).join(StudioMembership).where(
        StudioMembership.economy == code).order_by(StudioUser.email)).all()
    return render_template("accounts/members.html", form=form, link=link, people=people,
                           roles=ROLES, action=ActionForm(), title=_("Members"))


@bp.post("/e/<code>/members/<int:user_id>")
@economy_permission("members")
def member_role(code: str, user_id: int, economy):
    ActionForm().validate_on_submit() or abort(400)
    user = db().get(StudioUser, user_id)
    if user is None:
        abort(404)
    role = request.form.get("role") or None
    if role is not None and role not in ROLES:
        abort(400)
    service.set_role(db(), user, code, role, actor())
    db().commit()
    flash(_("Saved."))
    return redirect(url_for(".members", code=code), 303)


@bp.get("/e/<code>/audit")
@economy_permission("view")
def audit_log(code: str, economy):
    entries = db().scalars(select(AuthoringAudit).where(AuthoringAudit.economy == code)
                           .order_by(AuthoringAudit.id.desc()).limit(500)).all()
    names = {f"user:{u.id}": u.name or u.email for u in db().scalars(select(StudioUser))}
    return render_template("accounts/audit.html", entries=entries, names=names,
                           title=_("Who changed what"))


@bp.get("/account")
@login_required
def account():
    return redirect(url_for("workspace.home"))


def user_name(actor_id: str) -> str:
    user = current_user()
    return user.name if user and actor_id == f"user:{user.id}" else actor_id
