"""UI strings of the blocks, from their own gettext catalog (``translations/<locale>/LC_MESSAGES/text.mo``).

Open edX's i18n service would translate into the learner's site language only; a DigiReady
block may show a pack language chosen by the author (Spanish overlay on an English site), and
its buttons must then speak the same language as its questions. So the block picks one
language and takes both the pack and the UI strings in it.
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "translations"
DOMAIN = "text"
# English plus the languages of the economy overlays (pe, ph, vn, id, pg).
LOCALES: tuple[str, ...] = ("en", "es", "fil", "vi", "id", "tpi")
# Codes a browser or LMS may send for the same languages.
ALIASES = {"tl": "fil", "in": "id", "es-419": "es"}


def negotiate(language: str | None) -> str:
    """The supported locale closest to ``language`` (``es-PE`` -> ``es``); English otherwise."""
    if not language:
        return "en"
    code = language.replace("_", "-").lower()
    if code in ALIASES:
        return ALIASES[code]
    base = code.split("-")[0]
    base = ALIASES.get(base, base)
    return base if base in LOCALES else "en"


@lru_cache(maxsize=len(LOCALES) + 1)
def translation(locale: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[negotiate(locale)],
                               fallback=True)


class Translator:
    """What templates and the JS catalog need: ``gettext``/``ngettext`` bound to a locale."""

    def __init__(self, locale: str) -> None:
        self.locale = negotiate(locale)
        self._t = translation(self.locale)

    def gettext(self, text: str) -> str:
        return self._t.gettext(text)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    __call__ = gettext


def js_catalog(locale: str, msgids: tuple[str, ...]) -> dict[str, str]:
    """The translated strings the block's JavaScript shows, passed in its init data."""
    t = Translator(locale)
    return {msgid: t.gettext(msgid) for msgid in msgids}
