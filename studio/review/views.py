"""Review and publish: the diff of the draft against what learners see, submit for review,
publish (reviewers), every version kept with its diff, rollback."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from digiready.authoring import interface, publishing, store
from digiready.authoring.build import interface_languages
from digiready.authoring.content import OverlayContent
from digiready.authoring.diff import diff, summary
from studio.accounts.forms import ActionForm
from studio.auth import actor, current_user, economy_permission
from studio.db import db
from studio.workspace.views import base_dir

bp = Blueprint("review", __name__)


def _published_content(code: str, number: int | None) -> OverlayContent:
    if number is None:
        return OverlayContent(code)
    row = publishing.version(db(), code, number)
    return publishing.files_content(publishing.version_files(db(), row), code)


@bp.get("/e/<code>/review")
@economy_permission("view")
def review(code: str, economy):
    draft = store.load_content(db(), code, with_blobs=False)
    live = _published_content(code, economy.published_number)
    for content in (draft, live):
        content.items = [i for i in content.items if i.key != "files/TRANSLATE.md"]
    changes = diff(live, draft)
    english_pages = [(language, found) for language in interface_languages(draft)
                     for found in interface.coverage(language, draft.translations.get(language, {}))
                     if not found.complete]
    return render_template("review/review.html", changes=changes, counts=summary(changes),
                           english_pages=english_pages,
                           versions=publishing.versions(db(), code), action=ActionForm(),
                           can_publish=current_user().can(code, "publish"),
                           can_submit=current_user().can(code, "translate"),
                           title=_("Review and publish"))


@bp.post("/e/<code>/submit")
@economy_permission("translate")
def submit(code: str, economy):
    ActionForm().validate_on_submit() or abort(400)
    publishing.submit_for_review(db(), code, (request.form.get("note") or "")[:2000], actor())
    db().commit()
    flash(_("Submitted for review."))
    return redirect(url_for(".review", code=code), 303)


@bp.post("/e/<code>/return")
@economy_permission("publish")
def send_back(code: str, economy):
    ActionForm().validate_on_submit() or abort(400)
    publishing.return_to_editing(db(), code, (request.form.get("note") or "")[:2000], actor())
    db().commit()
    flash(_("Sent back to the editors with your note."))
    return redirect(url_for(".review", code=code), 303)


@bp.post("/e/<code>/publish")
@economy_permission("publish")
def publish(code: str, economy):
    ActionForm().validate_on_submit() or abort(400)
    note = (request.form.get("note") or "")[:2000]
    try:
        version = publishing.publish(db(), code, base_dir(), actor(), note)
    except publishing.PublishRefused as exc:
        db().rollback()
        return render_template("review/refused.html", issues=exc.issues,
                               title=_("Not published")), 422
    flash(_("Version %(n)s published: learners see it now.", n=version.number))
    return redirect(url_for(".review", code=code), 303)


@bp.get("/e/<code>/versions/<int:number>")
@economy_permission("view")
def version(code: str, number: int, economy):
    row = publishing.version(db(), code, number)
    if row is None:
        abort(404)
    before = _published_content(code, number - 1 if number > 1 else None)
    after = _published_content(code, number)
    changes = diff(before, after)
    return render_template("review/version.html", version=row, changes=changes,
                           counts=summary(changes), action=ActionForm(),
                           can_publish=current_user().can(code, "publish"),
                           can_edit=current_user().can(code, "edit"),
                           title=_("Version %(n)s", n=number))


@bp.post("/e/<code>/versions/<int:number>/rollback")
@economy_permission("publish")
def rollback(code: str, number: int, economy):
    ActionForm().validate_on_submit() or abort(400)
    try:
        created = publishing.rollback(db(), code, number, actor())
    except store.NotFound:
        abort(404)
    flash(_("Learners see version %(old)s again (published as version %(n)s).",
            old=number, n=created.number))
    return redirect(url_for(".review", code=code), 303)


@bp.post("/e/<code>/versions/<int:number>/restore")
@economy_permission("edit")
def restore(code: str, number: int, economy):
    ActionForm().validate_on_submit() or abort(400)
    publishing.restore_draft(db(), code, number, actor())
    db().commit()
    flash(_("The draft is now version %(n)s's content.", n=number))
    return redirect(url_for("workspace.overview", code=code), 303)
