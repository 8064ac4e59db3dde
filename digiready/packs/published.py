"""Published economy overlays: the versions a CMS (DigiReady Studio) publishes, served by the
LTI tool and the XBlocks without a restart.

A published overlay is a plain overlay folder (the same files ``digiready pack validate``
reads), one folder per version, under ``DIGIREADY_PUBLISHED_DIR``::

    <published>/<economy>/v0003/overlay.yaml, tools.yaml, translations/th.yaml, modules/...
    <published>/<economy>/CURRENT        "v0003": the version learners see

Publishing writes a new version folder completely, then replaces ``CURRENT`` atomically
(``os.replace``), so a reader sees the old version or the new one, never half of one. A
rollback publishes an older version's files again as a new version. :func:`overlay_dir` is
what :func:`digiready.packs.load_pack` asks: a published overlay of an economy wins over the
folder of the same code in ``content/economies/``. The pack cache notices a new ``CURRENT``
within ``DIGIREADY_PACK_RECHECK_SECONDS``.

Only files and the standard library here: the XBlocks read published overlays too, and they
have no database. Several hosts share ``DIGIREADY_PUBLISHED_DIR`` (a network folder) or write
their own copy from the database (``digiready studio sync-published``).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from digiready import config

config.declare(
    "PUBLISHED_DIR", None,
    "Folder of the economy overlays published by DigiReady Studio, read by the LTI tool and "
    "the XBlocks (default: `$DIGIREADY_VAR_DIR/published`). Share it between hosts, or run "
    "`digiready studio sync-published` on each.")

CURRENT = "CURRENT"
VERSION_NAME = re.compile(r"^v\d{4,}$")
ECONOMY_CODE = re.compile(r"^[a-z]{2}$")


def published_root() -> Path:
    configured = config.get("PUBLISHED_DIR")
    return Path(configured) if configured else config.var_dir() / "published"


def version_name(number: int) -> str:
    return f"v{number:04d}"


def overlay_dir(economy: str, root: Path | None = None) -> Path | None:
    """The folder of the version of ``economy`` learners see now, or None if none was
    published (or ``CURRENT`` names something that is not a version folder)."""
    if not ECONOMY_CODE.match(economy or ""):
        return None
    folder = (root or published_root()) / economy
    try:
        name = (folder / CURRENT).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not VERSION_NAME.match(name):
        return None
    candidate = folder / name
    return candidate if (candidate / "overlay.yaml").is_file() else None


def published_economies(root: Path | None = None) -> list[str]:
    base = root or published_root()
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir()
                  if ECONOMY_CODE.match(p.name) and overlay_dir(p.name, base) is not None)


def available_economies(content_root: Path, root: Path | None = None) -> list[str]:
    """Economy codes learners can be given: overlays in ``content_root/economies`` and the
    published ones."""
    found = set(published_economies(root))
    folder = content_root / "economies"
    if folder.is_dir():
        found.update(p.name for p in folder.iterdir() if (p / "overlay.yaml").is_file()
                     and re.match(r"^[a-z0-9][a-z0-9_-]{0,63}$", p.name))
    return sorted(found)


def write_version(economy: str, number: int, files: dict[str, bytes],
                  root: Path | None = None) -> Path:
    """Write version ``number`` of ``economy`` (relative path -> content) and return its
    folder; learners do not see it until :func:`make_current`. Rewriting an existing version
    replaces it whole."""
    if not ECONOMY_CODE.match(economy):
        raise ValueError(f"not an economy code: {economy!r}")
    folder = (root or published_root()) / economy
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / version_name(number)
    staging = Path(tempfile.mkdtemp(prefix=f".{version_name(number)}-", dir=folder))
    try:
        write_files(staging, files)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` under ``folder``; paths are checked to stay inside it."""
    root = folder.resolve()
    for relative, content in sorted(files.items()):
        path = (root / relative).resolve()
        if root not in path.parents:
            raise ValueError(f"file path leaves the overlay folder: {relative!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def make_current(economy: str, number: int, root: Path | None = None) -> None:
    folder = (root or published_root()) / economy
    if not (folder / version_name(number) / "overlay.yaml").is_file():
        raise FileNotFoundError(f"version {number} of {economy} was not written")
    fd, temporary = tempfile.mkstemp(prefix=".CURRENT-", dir=folder)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(version_name(number) + "\n")
    os.replace(temporary, folder / CURRENT)


def current_version(economy: str, root: Path | None = None) -> int | None:
    found = overlay_dir(economy, root)
    return int(found.name[1:]) if found else None


def prune(economy: str, keep: int = 5, root: Path | None = None) -> None:
    """Remove old version folders, keeping the current one and the ``keep`` newest (the
    database keeps every version; these folders are only what is served)."""
    folder = (root or published_root()) / economy
    current = overlay_dir(economy, root)
    versions = sorted((p for p in folder.iterdir() if VERSION_NAME.match(p.name)),
                      key=lambda p: int(p.name[1:])) if folder.is_dir() else []
    for old in versions[:-keep] if keep else versions:
        if current is None or old != current:
            shutil.rmtree(old, ignore_errors=True)
