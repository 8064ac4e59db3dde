"""Which content pack a launch sees: the configured pack with the launch's economy overlay,
localised to the launch's language (the registration's, a link's custom parameter, or the
platform's locale). An economy without an overlay in this pack gets the base pack rather
than an error page: the diagnostic still works, only local content is missing.

A registration that lets its learners choose their economy (``Registration.economies``,
copied to the launch as ``services["economies"]``) shows the base pack until the learner has
answered "In which economy is your business?", then the overlay of their answer, in its
default language when the launch's is not one of the overlay's (the core decides:
:func:`digiready.packs.paths.overlay_for`; the answer is kept as the learner's economy, see
:func:`lti_tool.learner.views.diagnostic`).

One language per page: the pages speak the pack's language (:func:`page_language`), which
is the launch's when the pack has it, else the pack's default (Peru's overlay: Spanish). The
pages' words come from the tool's catalogue (``lti_tool/translations``) or, for a language it
has none for (Thai, added by an economy team in DigiReady Studio), from the overlay's
interface strings (:func:`overlay_translations`), but only once those cover every text of
the catalogue; until then the pack is shown in English, like the pages, rather than a page
half in each language. A Studio preview shows the draft in its own language, with whatever
interface strings the draft has so far: its point is to show the work in progress."""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

from flask import abort, g
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from digiready import config
from digiready.packs import PackError, interface, load_pack
from digiready.packs.model import Pack
from digiready.packs.paths import base_pack_dir, overlay_for
from digiready.packs.published import available_economies as economies_beside
from lti_tool.translations import CATALOG

log = logging.getLogger("lti_tool.content")
_warned: set[tuple] = set()  # (economy, language) shown in English, logged once each
TEMPLATE = CATALOG.pot_path  # the texts of the pages, whose words an overlay may supply


def pack_for(economy: str | None, language: str | None) -> Pack:
    # load_pack caches, and looks for edited files at most every DIGIREADY_PACK_RECHECK_SECONDS.
    lang = language.replace("_", "-").split("-")[0].lower() if language else None
    configured = config.get("LTI_PACK")
    return _load(_pack_dir(configured, config.get("CONTENT_DIR"), os.getcwd()), economy, lang)


@lru_cache(maxsize=16)
def _pack_dir(configured: str | None, _content_dir: str | None, _cwd: str) -> str:
    """The pack's absolute directory, worked out once per setting: finding the content
    folder costs a dozen syscalls, which every page would pay otherwise (the pack itself
    is cached, and its files re-checked, by :func:`load_pack`)."""
    return str(Path(configured).resolve() if configured else base_pack_dir().resolve())


def _load(path: str | None, economy: str | None, lang: str | None) -> Pack:
    try:
        try:
            return load_pack(path, economy, lang)
        except (PackError, FileNotFoundError, KeyError, ValueError) as exc:
            if not economy:
                raise
            log.warning("economy %r not usable in pack %s (%s); serving the base pack",
                        economy, path, str(exc).splitlines()[-1])
            return load_pack(path, None, lang)
    except PackError as exc:
        log.error("content pack does not validate: %s", exc)
        abort(503, description="The course content is being updated and has an error; "
                               "please try again later. (An administrator can run "
                               "`digiready pack validate`.)")


def warm_up(progress=None) -> None:
    """The configured pack with every economy and language loaded and validated (see
    :mod:`digiready.packs.warm`): a new worker's first launches find them cached."""
    from digiready.packs.warm import warm_up as warm_packs
    from lti_tool import settings  # noqa: F401  (declares DIGIREADY_LTI_PACK)

    warm_packs(_pack_dir(config.get("LTI_PACK"), config.get("CONTENT_DIR"), os.getcwd()),
               progress)


def available_economies() -> list[str]:
    """The economies with an overlay for the tool's pack: beside it, or published by
    DigiReady Studio."""
    pack_dir = _pack_dir(config.get("LTI_PACK"), config.get("CONTENT_DIR"), os.getcwd())
    return economies_beside(Path(pack_dir).parent)


def learner_economy(launch) -> str | None:
    """The launching learner's economy as this request knows it (``g.learner``: the page's
    learner, read with its launch; a launch's own response sets it too), or None."""
    learner = g.get("learner") if g else None
    if learner is None or launch.learner_id is None or learner.id != launch.learner_id:
        return None
    return learner.economy


def launch_economy(launch) -> str | None:
    """The economy overlay of the launch's pages: the registration's (or the link's) own,
    or, where the registration lets learners choose, the one their answer picks."""
    fixed = launch.services.get("economy")
    allowed = launch.services.get("economies")
    if not allowed:
        return fixed
    # Decided once per request, with the answer as the request found it: a page that saves
    # a new answer is still rendered in the pack it started with (one language per page);
    # the next page shows the new overlay. Finding the overlays also lists a folder or two.
    memo = g.get("_launch_economy") if g else None
    key = (launch.id, launch.learner_id)
    if memo is not None and memo[0] == key:
        return memo[1]
    answer = learner_economy(launch)
    economy = overlay_for(fixed, allowed, answer, available_economies() if answer else [])
    if g and launch.learner_id is not None:
        g._launch_economy = (key, economy)
    return economy


def launch_pack(launch) -> Pack:
    from lti_tool.app import LANGUAGES

    # A DigiReady Studio preview names the folder of the draft it shows (lti_tool.preview).
    preview = launch.services.get("preview_overlay")
    economy = preview or launch_economy(launch)
    pack = pack_for(economy, launch.language)
    if pack.language not in LANGUAGES and not preview and (
            not dates_and_numbers_known(pack.language)
            or interface.page_translations(pack, TEMPLATE) is None):
        if (economy, pack.language) not in _warned:
            _warned.add((economy, pack.language))
            missing = len(interface.missing_messages(pack, TEMPLATE))
            log.warning("the pages have no %r catalogue (lti_tool/translations) and economy "
                        "%r's interface strings lack %d of its texts; showing the pack in "
                        "English", pack.language, economy, missing)
        pack = pack_for(economy, "en")
    return pack


@lru_cache(maxsize=64)
def dates_and_numbers_known(language: str) -> bool:
    """Whether Babel (Flask-Babel's locale) knows the language: a page's dates and numbers
    are written in it, whatever its words are."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def overlay_translations(launch):
    """The pages' translations from the launch's overlay, for a page language the tool has
    no catalogue for (None otherwise: Flask-Babel's own catalogue is used)."""
    from lti_tool.app import LANGUAGES

    try:
        pack = launch_pack(launch)
    except HTTPException:
        return None
    if pack.language in LANGUAGES:
        return None
    return interface.page_translations(pack, TEMPLATE,
                                       partial=bool(launch.services.get("preview_overlay")))


def page_language(launch) -> str | None:
    """The language of a launch's pages: its pack's (None if the pack cannot be loaded, or
    the launch cannot be read any more because the request's transaction was rolled back by
    the error being shown: the error page then speaks the browser's language)."""
    try:
        return launch_pack(launch).language
    except (HTTPException, SQLAlchemyError):
        return None
