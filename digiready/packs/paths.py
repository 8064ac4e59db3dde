"""Where content lives: the repository's ``content/`` in a checkout, or the copy installed
with the distribution (the data package ``digiready_content``, which setup.py maps to
``content/``), unless ``DIGIREADY_CONTENT_DIR`` says otherwise."""
from __future__ import annotations

import os
from pathlib import Path

from digiready import config


def content_dir() -> Path:
    configured = config.get("CONTENT_DIR")
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parents[2] / "content"
    if checkout.is_dir():
        return checkout
    return installed_content_dir()


def installed_content_dir() -> Path:
    """The packs installed with a wheel or sdist. ``digiready_content`` holds data only (no
    ``__init__.py``: the folder stays a plain content folder for economy teams), so it is a
    namespace package and is found through its ``__path__``."""
    try:
        import digiready_content
    except ModuleNotFoundError:
        raise FileNotFoundError("DigiReady's content packs are not installed: set DIGIREADY_CONTENT_DIR to a "
                                "folder holding base/pack.yaml") from None
    return Path(next(iter(digiready_content.__path__)))


def schema_dir() -> Path:
    return content_dir() / "schema"


def base_pack_dir() -> Path:
    return content_dir() / "base"


def economy_dir(base: Path, economy: str) -> Path:
    """An overlay named by code lives in ``economies/<code>`` beside the base pack; a path
    is taken as it is."""
    candidate = Path(economy)
    if candidate.is_dir() and (candidate / "overlay.yaml").exists():
        return candidate
    # realpath, not Path.resolve(): a folder that is a symbolic-link loop must not raise here
    return Path(os.path.realpath(base)).parent / "economies" / economy.lower()


def economy_codes() -> list[str]:
    """The economies with an overlay beside the base pack, or a version published by
    DigiReady Studio (:mod:`digiready.packs.published`), by code."""
    from digiready.packs.published import published_economies

    root = Path(os.path.realpath(base_pack_dir())).parent / "economies"
    found = {p.name for p in root.iterdir() if (p / "overlay.yaml").is_file()} \
        if root.is_dir() else set()
    return sorted(found | set(published_economies()))


ANY_ECONOMY = "any"


def allowed_economies(value: object) -> tuple[str, ...] | str:
    """A registration's or block's list of economies a learner may choose: "pe ph", "pe,ph",
    a list, or ``any``; empty means none (the one fixed economy only)."""
    if value is None:
        return ()
    items = value.replace(",", " ").split() if isinstance(value, str) else [str(v) for v in value]  # type: ignore[attr-defined]
    codes = tuple(dict.fromkeys(item.strip().lower() for item in items if item.strip()))
    return ANY_ECONOMY if ANY_ECONOMY in codes else codes


def overlay_for(fixed: str | None, allowed: object, answer: str | None,
                available: list[str] | None = None) -> str | None:
    """The economy overlay a learner sees (issue 17, item 3), decided here once for every
    adapter: with no choice allowed, the registration's own economy (``fixed``); else the
    learner's answer to the economy question when the registration allows it and an overlay
    exists for it; before any answer, none (the base pack, which asks the question); an
    answer outside the list keeps the registration's own economy."""
    choice = allowed_economies(allowed)
    if not choice:
        return fixed or None
    if not answer:
        return None
    codes = economy_codes() if available is None else available
    if (choice == ANY_ECONOMY or answer in choice) and answer in codes:
        return answer
    return fixed or None
