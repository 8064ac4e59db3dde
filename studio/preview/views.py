"""Preview: the draft as a learner of this economy and language will see it, shown by the LTI
tool's own learner pages (never a copy of them) from a frozen copy of the draft."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request
from flask_babel import gettext as _

from digiready.authoring import previews, store
from digiready.authoring.build import units_for
from studio import settings
from studio.accounts.forms import ActionForm
from studio.auth import actor, economy_permission
from studio.db import db
from studio.workspace.views import base_dir

bp = Blueprint("preview", __name__)


def _languages(code: str) -> list[str]:
    content = store.load_content(db(), code, with_blobs=False)
    found = list(content.overlay.get("languages") or [])
    found += [lang for lang in units_for(content, base_dir()) if lang not in found]
    return found + (["en"] if "en" not in found else [])


@bp.route("/e/<code>/preview", methods=["GET", "POST"])
@economy_permission("view")
def choose(code: str, economy):
    languages = _languages(code)
    if request.method == "POST":
        ActionForm().validate_on_submit() or abort(400)
        language = request.form.get("language", "")
        page = request.form.get("page", "diagnostic")
        if language not in languages or page not in ("diagnostic", "results", "module"):
            abort(400)
        try:
            token = previews.create(db(), code, language, base_dir(), actor())
        except previews.PreviewRefused as exc:
            db().rollback()
            return render_template("review/refused.html", issues=exc.issues,
                                   title=_("No preview")), 422
        store.audit(db(), actor(), code, "preview.created", language)
        db().commit()
        return redirect(f"{settings.preview_url()}/lti/preview/{token}?page={page}", 303)
    return render_template("preview/choose.html", languages=languages, title=_("Preview"))
