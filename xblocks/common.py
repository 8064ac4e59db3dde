"""What both blocks share: the pack fields, the services they use, JSON handlers with clear
errors, and the learner's pseudonymous id.

Handlers answer JSON ``{"error": message, "errors": [...]}`` with a 4xx status for every
mistake a browser (or a tampered request) can make (``errors`` in the learner's words, which
the page shows; ``detail``, when present, the same problems with ids for developers), and they check everything before they
write a field, so a rejected request never changes saved state.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from webob import Response
from xblock.core import XBlock
from xblock.fields import Scope, String

from digiready.packs import Pack
from digiready.packs.paths import overlay_for
from xblocks import content
from xblocks.i18n import (
    LOCALES,
    Translator,
    js_catalog,
    negotiate,
    overlay_js_catalog,
    overlay_translator,
)

SETTINGS_BUCKET = "DigiReady"
STAFF_ATTR = "edx-platform.user_is_staff"
ANONYMOUS_ID_ATTR = "edx-platform.anonymous_user_id"


def _(text: str) -> str:
    """Marks a string for extraction; translated later with the block's chosen language."""
    return text


class HandlerError(Exception):
    def __init__(self, status: int, message: str, errors: list[str] | None = None,
                 detail: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.detail = detail or []


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json", charset="utf8")


def json_endpoint(func: Callable) -> Callable:
    """Like ``XBlock.json_handler``, plus POST only, a JSON object only, and HandlerError
    turned into a readable 4xx answer (XBlock's own wrapper gives a bare message)."""

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        if request.method != "POST":
            return json_response({"error": "Use POST for this request."}, 405)
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            return json_response({"error": "The request body is not valid JSON."}, 400)
        if not isinstance(data, dict):
            return json_response({"error": "The request body must be a JSON object."}, 400)
        try:
            return json_response(func(self, data, suffix))
        except HandlerError as exc:
            body = {"error": exc.message, "errors": exc.errors}
            if exc.detail:
                body["detail"] = exc.detail
            return json_response(body, exc.status)
        except content.ContentError as exc:
            return json_response({"error": str(exc)}, 503)

    return wrapper


# What the Studio editor's script says (studio_edit.js), passed translated in its init data.
STUDIO_JS_STRINGS = (_("this is not valid JSON"), _("Unable to update settings"))
LANGUAGE_VALUES = [{"display_name": _("Learner's language (automatic)"), "value": "auto"}] + [
    {"display_name": code, "value": code} for code in LOCALES]
# Fields whose Studio editor takes JSON text (Dict and List fields: "generic", "list").
STUDIO_JSON_TYPES = ("generic", "list")


class DigiReadyBlockMixin:
    """Fields and helpers common to both blocks (mixed into an XBlock subclass, which
    declares ``@XBlock.wants("user", "settings")`` and ``@XBlock.needs("i18n")``)."""

    # Section of Open edX's XBLOCK_SETTINGS that the settings service hands to both blocks.
    block_settings_key = SETTINGS_BUCKET

    # Field labels are marked with _(): Studio's editor translates them through the i18n
    # service, which hands it the blocks' own catalog (docs/xblocks.md, "Languages").
    pack = String(
        display_name=_("Content pack"), scope=Scope.settings, default=content.DEFAULT_PACK,
        help=_("Name of the content pack folder in the content directory (the LMS admin's choice; "
              "'base' is the APEC-wide English pack)."))
    economy = String(
        display_name=_("Economy overlay"), scope=Scope.settings, default="",
        help=_("Economy overlay to merge into the pack (pe, ph, vn, id, pg...); empty for none."))
    economies = String(
        display_name=_("Economies learners may choose"), scope=Scope.settings, default="",
        help=_("Economy codes separated by spaces (pe ph vn...), or 'any': the learner's answer to "
              "'In which economy is your business?' then selects the overlay and its language. "
              "Empty: the economy overlay above for everyone."))
    language = String(
        display_name=_("Language"), scope=Scope.settings, default="auto", values=LANGUAGE_VALUES,
        help=_("Language of the questions and buttons; 'auto' follows the learner's language "
              "when the pack has it."))

    # -- services -------------------------------------------------------------------------
    def _service(self, name: str):
        try:
            return self.runtime.service(self, name)
        except Exception:  # noqa: BLE001 - a runtime without the service: act as without it
            return None

    def block_settings(self) -> dict[str, Any]:
        service = self._service("settings")
        if service is None:
            return {}
        try:
            return service.get_settings_bucket(self, default={}) or {}
        except Exception:  # noqa: BLE001
            return {}

    def _current_user(self):
        service = self._service("user")
        try:
            return service.get_current_user() if service is not None else None
        except NotImplementedError:
            return None

    def is_staff(self) -> bool:
        user = self._current_user()
        return bool(user is not None and user.opt_attrs.get(STAFF_ATTR))

    def learner_key(self) -> str:
        """Pseudonymous, stable per learner: Open edX's anonymous id, else a hash of the
        runtime's user id. Never a name, e-mail or username."""
        user = self._current_user()
        anonymous = user.opt_attrs.get(ANONYMOUS_ID_ATTR) if user is not None else None
        if anonymous:
            return str(anonymous)
        raw = f"{self.scope_ids.usage_id}:{self.scope_ids.user_id}".encode()
        return hashlib.sha256(raw).hexdigest()[:32]

    # -- due dates --------------------------------------------------------------------------
    def is_past_due(self) -> bool:
        """Whether the due date (plus grace period) has passed. edx-platform mixes ``due`` and
        ``graceperiod`` into every block (its InheritanceMixin) and folds a learner's
        extended due date into ``due``; a runtime without them has no due date. Only a
        declared field counts: the xblock-sdk workbench sets a plain ``due`` attribute to
        "now" before every handler call (for the LTI consumer block), which is no due date."""
        due = getattr(self, "due", None) if "due" in self.fields else None
        if due is None:
            return False
        grace = getattr(self, "graceperiod", None)
        if grace:
            due = due + grace
        if due.tzinfo is None:
            due = due.replace(tzinfo=timezone.utc)
        return datetime.now(timezone.utc) > due

    def check_due(self, translate: Callable[[str], str]) -> None:
        """Graded submissions stop at the due date, as problems do (ungraded ones go on)."""
        if self.weight and self.is_past_due():
            raise HandlerError(403, translate(_("The due date has passed: your answers were not submitted.")))

    # -- Studio ------------------------------------------------------------------------------
    def studio_view(self, context=None):
        """The XBlock editor, plus a check that JSON fields hold JSON before anything is sent
        (the editor itself throws in the browser and the Save button silently does nothing)."""
        fragment = super().studio_view(context)
        fragment.add_javascript(_studio_js())
        fragment.initialize_js("DigiReadyStudioEdit", {"json_fields": [
            name for name in self.editable_fields
            if self._make_field_info(name, self.fields[name]).get("type") in STUDIO_JSON_TYPES],
            # in the author's Studio language (the editor's own labels come through ugettext)
            "messages": js_catalog(self.author_language(), STUDIO_JS_STRINGS)})
        return fragment

    def author_language(self) -> str:
        """Studio's language for the signed-in author (the runtime's i18n service)."""
        return negotiate(self.learner_language())

    @XBlock.handler
    def submit_studio_edits(self, request, suffix=""):
        """The editor's save, with a value of the wrong JSON type answered as a readable 400
        in the shape the editor shows (``{"error": {"messages": [...]}}``), not a 500."""
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            data = None
        values = data.get("values") if isinstance(data, dict) else None
        if not isinstance(values, dict) or not isinstance(data.get("defaults", []), list):
            return _studio_error([Translator(self.author_language())(
                _("The settings could not be read: send them from the Studio editor."))])
        problems = []
        for name in self.editable_fields:
            field = self.fields[name]
            if name in values:
                try:
                    field.from_json(values[name])
                except (TypeError, ValueError) as exc:
                    label = Translator(self.author_language())(field.display_name or name)
                    problems.append(f"{label}: {exc}")
        if problems:
            return _studio_error(problems)
        return super().submit_studio_edits(request, suffix)

    def index_document(self, content_type: str, texts: list[str]) -> dict[str, Any]:
        """What course search (edx-search) indexes for this component, added to what the LMS
        gives every block (``index_dictionary`` of its XModuleMixin, when there is one)."""
        parent = getattr(super(), "index_dictionary", None)
        body = parent() if callable(parent) else {}
        body.setdefault("content", {}).update({"display_name": self.display_name,
                                               "text": " ".join(t for t in texts if t)})
        body["content_type"] = content_type
        return body

    # -- events --------------------------------------------------------------------------
    def publish(self, event_type: str, data: dict[str, Any]) -> None:
        """``runtime.publish``, except where the runtime has none (Studio's preview), so a
        staff member trying the block in Studio does not get an error."""
        try:
            self.runtime.publish(self, event_type, data)
        except NotImplementedError:
            pass

    def publish_grade(self, score) -> None:
        self.publish("grade", {"value": score.raw_earned, "max_value": score.raw_possible,
                               "only_if_higher": None})

    # -- language and content -----------------------------------------------------------
    def learner_language(self) -> str | None:
        """The learner's language, from the runtime's i18n service.

        edx-platform's ``XBlockI18nService`` is a pass-through to whatever it translates with:
        the block's own gettext catalog for the learner's language when it finds one (in the
        OEP-58 folder ``conf/plugins-locale/xblock.v1/xblocks/`` that Tutor's image fills),
        else ``django.utils.translation``. A catalog has no ``get_language``, but its header names
        its language; Django's module has ``get_language``. The workbench's service is the
        latter kind."""
        service = self._service("i18n")
        if service is None:
            return None
        try:
            get_language = getattr(service, "get_language", None)
            if callable(get_language) and get_language():
                return get_language()
            info = getattr(service, "info", None)  # gettext.GNUTranslations.info(): the .mo header
            return (info() or {}).get("language") if callable(info) else None
        except Exception:  # noqa: BLE001 - Django not configured: no site language
            return None

    def chosen_language(self) -> str:
        if self.language and self.language != "auto":
            return self.language
        return negotiate(self.learner_language())

    def uncompiled_language(self) -> str | None:
        """The language asked for (the block's setting, else the learner's) when the blocks
        have no catalogue for it (``th``): only an economy overlay's interface strings can
        serve it (:func:`xblocks.i18n.overlay_translator`)."""
        wanted = self.language if self.language and self.language != "auto" else self.learner_language()
        if not wanted:
            return None
        code = wanted.replace("_", "-").split("-")[0].lower()
        return None if code == "en" or negotiate(wanted) != "en" else code

    def load_pack(self) -> Pack:
        """The pack in the language asked for. A pack language the blocks have no catalogue
        for (asked for, or the overlay's default) only when the overlay's interface strings
        cover every text of the blocks; else the pack in English, like the buttons: one
        language per block."""
        configured = self.block_settings().get("CONTENT_DIR")
        economy = self.economy_overlay()
        pack = content.resolve(self.pack, economy,
                               self.uncompiled_language() or self.chosen_language(), configured)
        if pack.language not in LOCALES and overlay_translator(pack) is None:
            pack = content.resolve(self.pack, economy, "en", configured)
        return pack

    def economy_overlay(self) -> str:
        """The overlay: the block's own, or the learner's economy answer when the block lets
        learners choose (the core decides: digiready.packs.paths.overlay_for)."""
        if not (getattr(self, "economies", "") or "").strip():
            return self.economy
        profile = getattr(self, "profile", None) or {}
        return overlay_for(self.economy, self.economies, profile.get("economy")) or ""

    def translator(self, pack: Pack | None = None) -> Translator:
        """UI strings in the pack's language when the pack has the one chosen, so that the
        buttons and the questions always speak the same language."""
        if pack is not None and pack.language not in LOCALES:
            found = overlay_translator(pack)
            if found is not None:
                return found
        return Translator(pack.language if pack is not None else self.chosen_language())

    def add_js_catalog(self, fragment, pack: Pack) -> str:
        """The translations the block's script shows, for the pack's language; returns the
        locale. A compiled catalogue is a static file; an overlay's is written inline."""
        translator = self.translator(pack)
        if not translator.compiled:
            fragment.add_javascript(overlay_js_catalog(pack))
        elif translator.locale != "en":
            fragment.add_javascript_url(self.runtime.local_resource_url(
                self, f"public/js/translations/{translator.locale}/textjs.js"))
        return translator.locale

    def validate_content_fields(self, validation, data) -> None:
        from xblock.validation import ValidationMessage

        try:
            content.resolve(data.pack, data.economy, None, self.block_settings().get("CONTENT_DIR"))
        except content.ContentError as exc:
            validation.add(ValidationMessage(ValidationMessage.ERROR, str(exc)))


def _studio_error(messages: list[str]) -> Response:
    return json_response({"error": {"messages": [{"type": "error", "text": m} for m in messages]}}, 400)


@functools.lru_cache(maxsize=1)
def _studio_js() -> str:
    from xblocks import rendering

    return rendering.load("public/js/studio_edit.js")
