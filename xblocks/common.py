"""What both blocks share: the pack fields, the services they use, JSON handlers with clear
errors, and the learner's pseudonymous id.

Handlers answer JSON ``{"error": message, "errors": [...]}`` with a 4xx status for every
mistake a browser (or a tampered request) can make, and they check everything before they
write a field, so a rejected request never changes saved state.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from webob import Response
from xblock.core import XBlock
from xblock.fields import Scope, String

from digiready.packs import Pack
from xblocks import content
from xblocks.i18n import LOCALES, Translator, negotiate

SETTINGS_BUCKET = "DigiReady"
STAFF_ATTR = "edx-platform.user_is_staff"
ANONYMOUS_ID_ATTR = "edx-platform.anonymous_user_id"


def _(text: str) -> str:
    """Marks a string for extraction; translated later with the block's chosen language."""
    return text


class HandlerError(Exception):
    def __init__(self, status: int, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []


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
            return json_response({"error": exc.message, "errors": exc.errors}, exc.status)
        except content.ContentError as exc:
            return json_response({"error": str(exc)}, 503)

    return wrapper


LANGUAGE_VALUES = [{"display_name": "Learner's language (automatic)", "value": "auto"}] + [
    {"display_name": code, "value": code} for code in LOCALES]


class DigiReadyBlockMixin:
    """Fields and helpers common to both blocks (mixed into an XBlock subclass, which
    declares ``@XBlock.wants("user", "settings")`` and ``@XBlock.needs("i18n")``)."""

    # Section of Open edX's XBLOCK_SETTINGS that the settings service hands to both blocks.
    block_settings_key = SETTINGS_BUCKET

    pack = String(
        display_name="Content pack", scope=Scope.settings, default=content.DEFAULT_PACK,
        help="Name of the content pack folder in the content directory (the LMS admin's choice; "
             "'base' is the APEC-wide English pack).")
    economy = String(
        display_name="Economy overlay", scope=Scope.settings, default="",
        help="Economy overlay to merge into the pack (pe, ph, vn, id, pg...); empty for none.")
    language = String(
        display_name="Language", scope=Scope.settings, default="auto", values=LANGUAGE_VALUES,
        help="Language of the questions and buttons; 'auto' follows the learner's language "
             "when the pack has it.")

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
        the block's own gettext catalog for the learner's language when the block ships one
        (``xblocks/translations/<locale>/LC_MESSAGES/text.mo``), else
        ``django.utils.translation``. A catalog has no ``get_language``, but its header names
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

    def load_pack(self) -> Pack:
        return content.resolve(self.pack, self.economy, self.chosen_language(),
                               self.block_settings().get("CONTENT_DIR"))

    def translator(self, pack: Pack | None = None) -> Translator:
        """UI strings in the pack's language when the pack has the one chosen, so that the
        buttons and the questions always speak the same language."""
        return Translator(pack.language if pack is not None else self.chosen_language())

    def validate_content_fields(self, validation, data) -> None:
        from xblock.validation import ValidationMessage

        try:
            content.resolve(data.pack, data.economy, None, self.block_settings().get("CONTENT_DIR"))
        except content.ContentError as exc:
            validation.add(ValidationMessage(ValidationMessage.ERROR, str(exc)))
