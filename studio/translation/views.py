"""Translation side by side: the source beside the target, each string's state, coverage per
language, and PO files for professional translators."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from digiready.authoring import interface, store, xliff
from digiready.authoring import translation as tr
from digiready.authoring.build import units_for
from studio.accounts.forms import ActionForm
from studio.app import TOO_LARGE_PAGES, too_large_page
from studio.auth import actor, allowed_economy, current_user, economy_permission
from studio.db import db
from studio.workspace.views import base_dir

bp = Blueprint("translation", __name__)
PAGE = 40


def _units(code: str):
    return units_for(store.load_content(db(), code, with_blobs=False), base_dir())


def _language_units(code: str, language: str):
    units = _units(code).get(language)
    if units is None:
        abort(404)
    return units


@bp.get("/e/<code>/translate")
@economy_permission("view")
def languages(code: str, economy):
    found = _units(code)
    rows = {lang: store.translation_rows(db(), code, lang) for lang in found}
    stats = {lang: tr.coverage([u for u in units if not u.interface], rows[lang])
             for lang, units in found.items() if any(not u.interface for u in units)}
    pages = {lang: interface.coverage(lang, {k: r.text for k, r in rows[lang].items()})
             for lang, units in found.items() if any(u.interface for u in units)}
    return render_template("translation/languages.html", stats=stats, pages=pages,
                           title=_("Translation"))


@bp.get("/e/<code>/translate/<language>")
@economy_permission("view")
def strings(code: str, language: str, economy):
    return strings_page(code, language)


def strings_page(code: str, language: str, errors: dict | None = None,
                 texts: dict | None = None):
    """The side-by-side page, with ``errors`` and posted ``texts`` by string when a save
    failed (what the person typed stays in the box)."""
    units = _language_units(code, language)
    rows = store.translation_rows(db(), code, language)
    wanted = request.args.get("state") or ""
    collection = request.args.get("area") or ""
    shown = [u for u in units if (not wanted or tr.state(u, rows.get(u.key)) == wanted)
             and (not collection or u.collection == collection)]
    only = request.args.get("unit")
    if only:
        shown = [u for u in units if u.key == only]
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    pages = max(1, (len(shown) + PAGE - 1) // PAGE)
    visible = shown[(page - 1) * PAGE: page * PAGE]
    user = current_user()
    return render_template(
        "translation/strings.html", language=language, units=visible, rows=rows, state=tr.state,
        states=tr.STATES, wanted=wanted, area=collection, page=page, pages=pages,
        areas=sorted({u.collection for u in units}), total=len(shown),
        coverage=tr.coverage(units, rows), errors=errors or {}, texts=texts or {},
        can_translate=user.can(code, "translate"), can_approve=user.can(code, "approve"),
        title=_("Translate into %(lang)s", lang=language)), (422 if errors else 200)


@bp.post("/e/<code>/translate/<language>/save")
@economy_permission("translate")
def save(code: str, language: str, economy):
    units = {u.key: u for u in _language_units(code, language)}
    unit = units.get(request.form.get("unit", ""))
    if unit is None:
        abort(404)
    text = (request.form.get("text") or "").replace("\r\n", "\n")
    if not unit.long:
        text = text.strip()
    approve = request.form.get("action") == "approve"
    if approve and not current_user().can(code, "approve"):
        abort(403)
    error = tr.text_error(unit, text)
    back = dict(request.args)
    if error:
        return strings_page(code, language, errors={unit.key: error},
                       texts={unit.key: text if len(text) < 50_000 else ""})
    revision = request.form.get("revision")
    try:
        store.save_translation(db(), code, language, unit.key, text,
                               source_hash=unit.source_hash,
                               revision=int(revision) if revision else None, actor=actor(),
                               status=tr.APPROVED if approve else tr.DRAFT)
        db().commit()
    except store.Conflict as exc:
        db().rollback()
        current = exc.current.text if exc.current is not None else ""
        return strings_page(code, language, texts={unit.key: text}, errors={
            unit.key: _("Someone else saved this string meanwhile: theirs is now “%(t)s”. Your "
                        "text is still in the box; save again to replace theirs.", t=current[:300])})
    flash(_("Approved.") if approve else _("Saved."))
    return redirect(url_for(".strings", code=code, language=language, **back) + f"#{unit.dom_id}", 303)


def _too_large(code: str, language: str):
    """A script pasted far over the limit: say so at the field, save nothing."""
    if allowed_economy(code, "translate") is None:
        return too_large_page()
    unit = request.args.get("unit", "")
    return strings_page(code, language, errors={
        unit: _("What you sent is too large: a script or captions file can be at most "
                "%(n)s characters. Nothing was saved.", n=format_number(tr.MAX_LONG_TEXT))})


TOO_LARGE_PAGES["translation.save"] = _too_large


@bp.get("/e/<code>/translate/<language>.po")
@economy_permission("view")
def export_po(code: str, language: str, economy):
    return _download(code, language, tr.export_po, "text/x-gettext-translation", "po")


@bp.get("/e/<code>/translate/<language>.xlf")
@economy_permission("view")
def export_xliff(code: str, language: str, economy):
    return _download(code, language, xliff.export_xliff, "application/xliff+xml", "xlf")


def _download(code: str, language: str, export, mimetype: str, suffix: str) -> Response:
    """A language's strings as a translator's file (PO or XLIFF), with their states."""
    units = _language_units(code, language)
    data = export(units, store.translation_rows(db(), code, language), language, code)
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="digiready-{code}-{language}.{suffix}"'})


@bp.post("/e/<code>/translate/<language>/import")
@economy_permission("translate")
def import_file(code: str, language: str, economy):
    """A PO or XLIFF 2.0 file from a translator (told apart by their content): saved whole,
    or not at all with the line of each mistake."""
    ActionForm().validate_on_submit() or abort(400)
    units = _language_units(code, language)
    upload = request.files.get("po")
    if upload is None or not upload.filename:
        return _import_failed(code, language, [(0, _("Choose a PO or XLIFF file to import."))])
    data = upload.read()
    try:
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            found = xliff.import_xliff(data, units, language)
        else:
            found = tr.import_po(data, units)
    except tr.TranslationFileError as exc:
        return _import_failed(code, language, exc.problems)
    changed = store.import_translations(db(), code, language, [
        (entry.unit.key, entry.text, "" if entry.fuzzy else entry.unit.source_hash)
        for entry in found], actor())
    db().commit()
    flash(ngettext("%(num)s string imported.", "%(num)s strings imported.", changed))
    return redirect(url_for(".strings", code=code, language=language), 303)


def _import_failed(code, language, problems):
    return render_template("translation/import_failed.html", problems=problems,
                           language=language, title=_("Import failed")), 422
