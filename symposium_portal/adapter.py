"""What the symposium portal supplies to the core (see :mod:`digiready.adapters`): its
commands, settings, tables, web app, the symposium's data for the symposium report, and its
part of ``digiready demo-data``.

Declared in ``setup.py`` under the ``digiready.adapters`` entry points. Nothing here imports
Flask: the registry is read by every ``digiready`` command, on installs without the portal's
dependencies too.
"""
from __future__ import annotations

from digiready.adapters import Registry
from symposium_portal.translations import CATALOG


def symposium_source(url: str | None = None):
    from symposium_portal.report_data import load_symposium

    return load_symposium(url)


def check_portal_settings():
    from symposium_portal.config_checks import check_portal_settings as check

    return check()


def register(registry: Registry) -> None:
    registry.add_commands("symposium_portal.cli")
    registry.add_settings("symposium_portal.app")
    registry.add_migrations("symposium_portal", "symposium_portal.models")
    registry.add_app("portal", "symposium_portal.app:create_app()")
    registry.add_config_check(check_portal_settings, needs_database=False)
    registry.add_symposium_source(symposium_source)
    registry.add_demo_data("symposium_portal.demo_data")
    registry.add_ui_catalog(CATALOG)
