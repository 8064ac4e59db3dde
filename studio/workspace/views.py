"""The economy workspace: create an economy, see its draft, edit every overlay item.

Item forms are made from the published JSON Schemas (:mod:`digiready.authoring.forms`) and
checked by the core validator: on submit, and as the person types through ``studio.js``
(``POST .../item/check`` answers the same messages as JSON). Two people saving the same item:
the second is told, shown both versions, and loses nothing (optimistic lock).
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from digiready.authoring import forms as item_forms
from digiready.authoring import store
from digiready.authoring.build import base_collections, build_overlay
from digiready.packs.paths import base_pack_dir
from studio.accounts.forms import ActionForm
from studio.auth import actor, current_user, economy_permission, login_required
from studio.db import db
from studio.workspace.kinds import COLLECTIONS, KINDS, OPERATION_TEXT, item_key, label, split_key

bp = Blueprint("workspace", __name__)
CODE = re.compile(r"^[a-z]{2}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


def base_dir() -> Path:
    return base_pack_dir()


@bp.get("/")
@login_required
def home():
    user = current_user()
    rows = [e for e in store.economies(db()) if user.role_in(e.code)]
    return render_template("workspace/home.html", economies=rows, title=_("Your economies"))


@bp.route("/economies/new", methods=["GET", "POST"])
@login_required
def new_economy():
    """What ``digiready economy new`` does, in the browser (site admins only)."""
    if not current_user().is_admin:
        abort(403)
    errors: dict[str, str] = {}
    values = {k: (request.form.get(k) or "").strip() for k in ("code", "language", "name")}
    if request.method == "POST":
        ActionForm().validate_on_submit() or abort(400)
        values["code"] = values["code"].lower()
        if not CODE.match(values["code"]):
            errors["code"] = _("Use the two-letter ISO 3166-1 code, e.g. th.")
        elif store.economy(db(), values["code"]) is not None:
            errors["code"] = _("This economy already exists.")
        if not LANGUAGE.match(values["language"]):
            errors["language"] = _("Use a language code such as th, es or fil.")
        if not values["name"]:
            errors["name"] = _("Please give the economy's name.")
        elif item_forms.text_problem(values["name"]):
            errors["name"] = item_forms.text_problem(values["name"])
        if not errors:
            store.create_economy(db(), base_dir(), values["code"], values["language"],
                                 values["name"], actor())
            db().commit()
            flash(_("Economy %(name)s created. Its overlay already validates: learners see the "
                    "English texts until they are translated.", name=values["name"]))
            return redirect(url_for(".overview", code=values["code"]), 303)
    return render_template("workspace/new.html", values=values, errors=errors,
                           action=ActionForm(), title=_("Create an economy")), \
        (422 if errors else 200)


@bp.get("/e/<code>/")
@economy_permission("view")
def overview(code: str, economy):
    rows = store.items(db(), code)
    groups: dict[str, list] = {kind: [] for kind in KINDS}
    files = []
    for row in rows:
        kind, op, item_id = split_key(row.key)
        if kind == "files":
            files.append((row, item_id))
        elif kind in groups:
            groups[kind].append((row, op, item_id))
    return render_template("workspace/overview.html", groups=groups, files=files, kinds=KINDS,
                           collections=COLLECTIONS, operation_text=OPERATION_TEXT,
                           title=economy.name)


@bp.get("/e/<code>/check")
@economy_permission("view")
def check(code: str, economy):
    """The whole draft through the core validator, as ``digiready pack validate`` would."""
    built = build_overlay(store.load_content(db(), code), base_dir())
    return render_template("workspace/check.html", built=built, title=_("Check the draft"))


def _item_context(code: str):
    """(kind, op, key of the item being edited or None, its row) from the query string."""
    key = request.args.get("key")
    if key:
        row = store.item_row(db(), code, key)
        if row is None:
            abort(404)
        kind, op, _item_id = split_key(key)
        return kind, op, key, row
    kind = request.args.get("kind", "")
    op = request.args.get("op") or ("add" if kind in COLLECTIONS else None)
    if kind not in KINDS or kind == "overlay" or (kind in COLLECTIONS and op not in OPERATION_TEXT):
        abort(404)
    return kind, op, None, None


def _specs(kind: str, op: str | None):
    if op == "disable":
        return [item_forms.FieldSpec("id", "select", True)]
    specs = item_forms.fields_for(kind)
    if kind == "modules":
        specs = [s for s in specs if s.name not in ("script", "captions")]
    return specs


def _problems(code: str, kind: str, op: str | None, key: str | None, data: dict,
              specs) -> dict[str, str]:
    """Everything wrong with the posted item, by field: the schema's and the validator's
    messages, and ids that clash with the base pack or another item of this overlay."""
    base = base_collections(base_dir())
    item_id = str(data.get("id") or "")
    if op == "disable":
        if item_id not in base.get(kind, {}):
            return {"id": _("Choose an item of the base pack.")}
        return {}
    errors = item_forms.item_errors(kind, data, specs)
    if not item_id or "id" in errors:
        return errors
    new_key = item_key(kind, op, item_id)
    if new_key != key and store.item_row(db(), code, new_key) is not None:
        errors["id"] = _("'%(id)s' is already used by another item of this overlay.", id=item_id)
    elif op == "add" and item_id in base.get(kind, {}):
        errors["id"] = _("'%(id)s' already exists in the base pack: choose another id, or "
                         "change the base item instead.", id=item_id)
    elif op == "replace" and item_id not in base.get(kind, {}):
        errors["id"] = _("'%(id)s' is not an item of the base pack.", id=item_id)
    elif kind == "tools" and data.get("category"):
        categories = set(base.get("tool_categories", {})) | {
            split_key(r.key)[2] for r in store.items(db(), code, "tool_categories/")}
        if data["category"] not in categories:
            errors["category"] = _("'%(c)s' is not a known tool category.", c=data["category"])
    if kind == "modules" and op is None:
        data.setdefault("script", "script.md")
        data.setdefault("captions", "captions.vtt")
    return errors


@bp.route("/e/<code>/item", methods=["GET", "POST"])
@economy_permission("view")
def item(code: str, economy):
    kind, op, key, row = _item_context(code)
    user = current_user()
    editable = user.can(code, "edit")
    specs = _specs(kind, op)
    base = base_collections(base_dir())
    if row is not None:
        data = row.data if isinstance(row.data, dict) else {"id": split_key(key)[2]}
        note, revision = row.note, row.revision
    else:
        prefill = request.args.get("id", "")
        data = dict(base.get(kind, {}).get(prefill) or {}) if op == "replace" else {}
        if op == "disable":
            data = {"id": prefill}
        note, revision = "", None
    errors: dict[str, str] = {}
    conflict = None
    if request.method == "POST":
        if not editable:
            abort(403)
        if request.form.get("delete") and row is not None:
            try:
                store.delete_item(db(), code, key, revision=int(request.form.get("revision", 0)),
                                  actor=actor())
                db().commit()
            except store.Conflict as exc:
                db().rollback()
                flash(str(exc))
                return redirect(url_for(".item", code=code, key=key), 303)
            flash(_("Deleted."))
            return redirect(url_for(".overview", code=code), 303)
        data, errors = item_forms.parse_form(specs, request.form, data if row else None)
        note = (request.form.get("note") or "").replace("\r\n", "\n").strip()
        if not errors:
            errors = _problems(code, kind, op, key, data, specs)
        if item_forms.text_problem(note):
            errors["note"] = item_forms.text_problem(note)
        if not errors:
            item_id = str(data.get("id") or "")
            new_key = item_key(kind, op, item_id)
            value = None if op == "disable" else data
            posted_revision = request.form.get("revision")
            try:
                store.save_item(db(), code, new_key, value, note,
                                revision=int(posted_revision) if posted_revision else None,
                                actor=actor(), old_key=key)
                db().commit()
            except store.Conflict as exc:
                db().rollback()
                conflict = exc
            else:
                flash(_("Saved in the draft. Learners see it once a reviewer publishes."))
                return redirect(url_for(".overview", code=code), 303)
    values = item_forms.form_values(specs, data)
    theirs = None
    if conflict is not None and conflict.current is not None:
        current = conflict.current
        theirs = {"values": item_forms.form_values(specs, current.data if isinstance(current.data, dict) else {}),
                  "by": current.updated_by, "at": current.updated_at, "revision": current.revision,
                  "note": current.note}
        revision = current.revision  # saving again now overwrites theirs, knowingly
    status = 409 if conflict else 422 if errors else 200
    choices = sorted(base.get(kind, {})) if op == "disable" else None
    return render_template("workspace/item.html", kind=kind, op=op, key=key, row=row,
                           specs=specs, values=values, errors=errors, note=note,
                           revision=revision, editable=editable, conflict=conflict,
                           theirs=theirs, label=label, choices=choices, kinds=KINDS,
                           operation_text=OPERATION_TEXT, action=ActionForm(),
                           title=_item_title(kind, op, key)), status


def _item_title(kind: str, op: str | None, key: str | None) -> str:
    plural, noun = KINDS[kind]
    if kind == "overlay":
        return str(plural)
    if key:
        return f"{str(noun).capitalize()} {split_key(key)[2]}"
    return _("New %(noun)s", noun=noun)


@bp.post("/e/<code>/item/check")
@economy_permission("view")
def check_item(code: str, economy):
    """The live check behind the form: the same messages as a submit, as JSON."""
    kind, op, key, row = _item_context(code)
    specs = _specs(kind, op)
    data, errors = item_forms.parse_form(specs, request.form,
                                         row.data if row is not None and isinstance(row.data, dict) else None)
    if not errors:
        errors = _problems(code, kind, op, key, data, specs)
    return jsonify({"errors": errors})


@bp.get("/e/<code>/choose")
@economy_permission("edit")
def choose_base(code: str, economy):
    """Pick the base item to change or remove."""
    kind, op = request.args.get("kind", ""), request.args.get("op", "")
    if kind not in COLLECTIONS or op not in ("replace", "disable"):
        abort(404)
    choices = sorted(base_collections(base_dir()).get(kind, {}).items())
    title = _("Change a base item") if op == "replace" else _("Remove a base item")
    return render_template("workspace/choose_base.html", kind=kind, op=op, choices=choices,
                           title=f"{title}: {KINDS[kind][0]}")
