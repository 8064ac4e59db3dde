"""Which content pack a block uses, chosen by name in Studio and resolved on the server.

Authors pick a pack folder and an economy overlay by *name*, never by path: the folders live
in the content directory that the LMS admin controls (``XBLOCK_SETTINGS["DigiReady"]
["CONTENT_DIR"]``, else ``DIGIREADY_CONTENT_DIR``, else the content shipped with the
package). A Studio field can therefore never point the server at an arbitrary file.
"""
from __future__ import annotations

import re
from pathlib import Path

from digiready.packs import Pack, PackError, load_pack
from digiready.packs.paths import content_dir

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DEFAULT_PACK = "base"


class ContentError(Exception):
    """A pack or overlay the block cannot use; the message is meant for the course author."""


def root(configured: str | None = None) -> Path:
    return Path(configured) if configured else content_dir()


def available_packs(configured: str | None = None) -> list[str]:
    base = root(configured)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "pack.yaml").is_file() and NAME.match(p.name))


def available_economies(configured: str | None = None) -> list[str]:
    """Overlays in the content directory and those published by DigiReady Studio."""
    from digiready.packs.published import published_economies

    folder = root(configured) / "economies"
    found = {p.name for p in folder.iterdir() if (p / "overlay.yaml").is_file()
             and NAME.match(p.name)} if folder.is_dir() else set()
    return sorted(found | set(published_economies()))


def resolve(pack: str, economy: str, language: str | None, configured: str | None = None) -> Pack:
    """The merged, localised pack, or :class:`ContentError` saying what is wrong."""
    pack = (pack or DEFAULT_PACK).strip()
    economy = (economy or "").strip().lower()
    if not NAME.match(pack):
        raise ContentError(f"Content pack name {pack!r} is not valid: use the name of a folder "
                           "in the content directory, such as 'base'.")
    path = root(configured) / pack
    if not (path / "pack.yaml").is_file():
        raise ContentError(f"Content pack {pack!r} was not found in the content directory "
                           f"(available: {', '.join(available_packs(configured)) or 'none'}).")
    if economy:
        if not NAME.match(economy) or economy not in available_economies(configured):
            raise ContentError(f"Economy overlay {economy!r} was not found (available: "
                               f"{', '.join(available_economies(configured)) or 'none'}).")
    try:
        return load_pack(path, economy=economy or None, language=language)
    except PackError as exc:
        first = next((str(i) for i in exc.issues if i.severity == "error"), str(exc))
        raise ContentError(f"Content pack {pack!r} has errors; first: {first}") from exc
