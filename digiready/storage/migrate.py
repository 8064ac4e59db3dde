"""Alembic, driven from Python so that ``digiready db upgrade`` needs no alembic.ini.

Every area owns an Alembic *branch* (``core``, ``events``, and each adapter's, e.g. ``lti``,
``portal``) in its own ``migrations/versions`` folder; ``upgrade`` applies all heads. The
core's areas are listed here; adapters register theirs (:mod:`digiready.adapters`). Areas that
are not installed (an XBlock-only install has no Flask) simply contribute no branch.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config

# (package holding ``migrations/versions``, module whose import registers its models)
AREAS: list[tuple[str, str]] = [
    ("digiready.storage", "digiready.storage.models"),
    ("digiready.events", "digiready.events.models"),
    ("digiready.authoring", "digiready.authoring.models"),
]


def _installed_areas() -> list[tuple[Path, str]]:
    """Areas whose package *and* dependencies are installed: an XBlock-only install has the
    portal's code but not Flask, so the portal's tables and migrations are left out."""
    from digiready.adapters import registry

    found = []
    for package, models in [*AREAS, *registry().migration_areas]:
        try:
            module = importlib.import_module(package)
            importlib.import_module(models)
        except ModuleNotFoundError as exc:
            own = (exc.name or "").split(".")[0] == package.split(".")[0] and exc.name not in (package, models)
            if own:  # a broken import inside our own code is a bug, not a missing extra
                raise
            continue
        versions = Path(module.__file__).parent / "migrations" / "versions"
        if versions.is_dir():
            found.append((versions, models))
    return found


def import_all_models() -> None:
    """Register every installed area's tables on the shared metadata."""
    _installed_areas()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option(
        "version_locations", " ".join(str(v) for v, _m in _installed_areas())
    )
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    from digiready.storage.engine import database_url

    command.upgrade(alembic_config(url or database_url()), revision)


def current_heads(url: str | None = None) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    from digiready.storage.engine import database_url, get_engine

    with get_engine(url or database_url()).connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())
