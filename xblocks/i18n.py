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

from digiready.ui_catalogs import UICatalog

LOCALE_DIR = Path(__file__).parent / "translations"
DOMAIN = "text"
# The Open edX layout (translations/<locale>/LC_MESSAGES/text.po, an English one included);
# `digiready i18n update|compile|check --app xblocks` keeps it whole (docs/translation.md).
CATALOG = UICatalog(name="xblocks", root=Path(__file__).resolve().parents[1],
                    mapping="xblocks/babel.cfg", directory="xblocks/translations", domain=DOMAIN,
                    project="DigiReady XBlocks", source_catalog=True,
                    after_compile="xblocks.i18n_build:write_js_catalogs", pack_pages=True)
# English and each compiled translation (the economy overlays' languages: es, fil, vi, id, tpi).
LOCALES: tuple[str, ...] = CATALOG.offered()
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
    """What templates and the JS catalog need: ``gettext``/``ngettext`` bound to a locale.
    ``translations`` replaces the blocks' own catalogue for a language they have none for
    (an overlay's interface strings: :func:`overlay_translator`)."""

    def __init__(self, locale: str, translations: gettext.NullTranslations | None = None) -> None:
        self.locale = locale if translations is not None else negotiate(locale)
        self._t = translations if translations is not None else translation(self.locale)
        self.compiled = translations is None

    def gettext(self, text: str) -> str:
        return self._t.gettext(text)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    __call__ = gettext


def overlay_translator(pack, *, partial: bool = False) -> Translator | None:
    """The blocks' words in ``pack.language`` from its overlay's interface strings, for a
    language the blocks have no catalogue for; None unless they cover every text of the
    blocks' catalogue (one language per block: never buttons half in English)."""
    from digiready.packs.interface import page_translations

    found = page_translations(pack, CATALOG.pot_path, partial=partial)
    return Translator(pack.language, found) if found is not None else None


@lru_cache(maxsize=1)
def _js_msgids() -> frozenset[str]:
    from xblocks.i18n_build import js_msgids

    return frozenset(js_msgids())


def overlay_js_catalog(pack) -> str:
    """What ``public/js/translations/<locale>/textjs.js`` defines, from the overlay's
    interface strings of ``pack.language`` (there is no file to point at)."""
    from digiready.packs.interface import plural_expression
    from xblocks.i18n_build import js_catalog_source

    wanted = _js_msgids()
    strings = {msgid: list(text) if isinstance(text, tuple) else text
               for (context, msgid), text in pack.interface.strings.items()
               if context is None and msgid in wanted and text}
    return js_catalog_source(pack.language, strings, plural_expression(pack.interface.plural_forms))


def js_catalog(locale: str, msgids: tuple[str, ...]) -> dict[str, str]:
    """The translated strings the block's JavaScript shows, passed in its init data."""
    t = Translator(locale)
    return {msgid: t.gettext(msgid) for msgid in msgids}
