"""What DigiReady Studio supplies to the core (see :mod:`digiready.adapters`): its commands
(``digiready studio ...``), settings, tables and web app (``digiready serve studio``).

Declared in ``setup.py`` under the ``digiready.adapters`` entry points. Nothing here imports
Flask: the registry is read by every ``digiready`` command.
"""
from __future__ import annotations

from digiready.adapters import Registry
from studio.translations import CATALOG


def register(registry: Registry) -> None:
    registry.add_commands("studio.cli")
    registry.add_settings("studio.settings")
    registry.add_migrations("studio", "studio.models")
    registry.add_app("studio", "studio.app:create_app()")
    registry.add_ui_catalog(CATALOG)
