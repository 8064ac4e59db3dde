"""Recorded narrations: one audio file per module and language, checked by size and by its
content's type, stored in the draft as ``modules/<id>/narration.<lang>.<ext>`` beside the
overlay's module, where the video pipeline (digiready.media) looks for a recorded narration."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from digiready.authoring import store
from digiready.authoring.build import base_collections
from studio import settings
from studio.accounts.forms import ActionForm
from studio.app import TOO_LARGE_PAGES, too_large_page
from studio.auth import actor, allowed_economy, current_user, economy_permission
from studio.db import db
from studio.workspace.views import base_dir

bp = Blueprint("narration", __name__)
EXTENSIONS = ("wav", "ogg", "mp3", "m4a")


def audio_type(head: bytes) -> str | None:
    """The audio format by its first bytes (the file name and the browser's type can lie)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp":
        return "m4a"
    return None


def _modules(code: str) -> list[str]:
    found = set(base_collections(base_dir()).get("modules", {}))
    found |= {r.key.split("/", 1)[1] for r in store.items(db(), code, "modules/")}
    return sorted(found)


def _recordings(code: str) -> dict[tuple[str, str], object]:
    found = {}
    for row in store.items(db(), code, "files/modules/"):
        parts = row.key.split("/")
        name = parts[-1].split(".")
        if len(parts) == 4 and len(name) == 3 and name[0] == "narration" and name[2] in EXTENSIONS:
            found[(parts[2], name[1])] = row
    return found


@bp.get("/e/<code>/narrations")
@economy_permission("view")
def modules(code: str, economy):
    return modules_page(code)


def build_status(code: str, modules: list[str], languages: list[str]) -> dict:
    """(module, language) -> the last video build's manifest (None: not built), from the
    video pipeline; empty when it is not installed."""
    try:
        from digiready.media import load_manifest
    except ImportError:
        return {}
    return {(m, lang): load_manifest(m, lang, code) for m in modules for lang in languages}


def modules_page(code: str, error: str | None = None):
    content = store.load_content(db(), code, with_blobs=False)
    languages = list(content.overlay.get("languages") or ["en"])
    names = _modules(code)
    return render_template("narration/modules.html", modules=names, languages=languages,
                           builds=build_status(code, names, languages),
                           recordings=_recordings(code), error=error,
                           limit=settings.get("STUDIO_NARRATION_MAX_MB"),
                           can_edit=current_user().can(code, "edit"),
                           title=_("Recorded narrations")), (422 if error else 200)


@bp.post("/e/<code>/narrations")
@economy_permission("edit")
def upload(code: str, economy):
    ActionForm().validate_on_submit() or abort(400)
    module, language = request.form.get("module", ""), request.form.get("language", "")
    if module not in _modules(code) or not language:
        abort(400)
    upload = request.files.get("audio")
    if upload is None or not upload.filename:
        return modules_page(code, error=_("Choose an audio file."))
    data = upload.read()
    kind = audio_type(data[:16])
    if kind is None:
        return modules_page(code, error=_(
            "%(name)s is not a WAV, Ogg, MP3 or M4A recording. Nothing was saved.",
            name=upload.filename))
    for (mod, lang), row in _recordings(code).items():
        if (mod, lang) == (module, language):
            store.delete_item(db(), code, row.key, revision=row.revision, actor=actor())
    value = store.file_item_value(db(), data)
    store.save_item(db(), code, f"files/modules/{module}/narration.{language}.{kind}", value, "",
                    revision=None, actor=actor())
    db().commit()
    flash(_("Narration saved in the draft; the video is rebuilt from it after publishing."))
    return redirect(url_for(".modules", code=code), 303)


def _too_large(code: str):
    if allowed_economy(code, "edit") is None:
        return too_large_page()
    return modules_page(code, error=_(
        "This recording is larger than %(n)s MB. Nothing was saved.",
        n=settings.get("STUDIO_NARRATION_MAX_MB")))


TOO_LARGE_PAGES["narration.upload"] = _too_large
