"""What the LTI tool supplies to the core (see :mod:`digiready.adapters`): its commands,
settings, tables, web app, and its part of ``digiready check-config``.

Declared in ``setup.py`` under the ``digiready.adapters`` entry points. Nothing here imports
Flask: the registry is read by every ``digiready`` command, on installs without the tool's
dependencies too.
"""
from __future__ import annotations

from collections.abc import Iterator

from digiready.adapters import Registry
from digiready.ops.checks import Problem, first_line
from lti_tool.translations import CATALOG


def check_signing_keys() -> Iterator[Problem]:
    """The tool's signing key (kept in the database) loads; absent is fine on a new install
    (the first launch creates it)."""
    try:
        from joserfc.jwk import RSAKey

        from lti_tool.models import ToolKey
    except ImportError:
        return  # the LTI tool's dependencies are not installed
    from sqlalchemy import select

    from digiready.storage import session_scope

    with session_scope() as session:
        rows = session.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))).all()
        if not rows:
            yield Problem("warning", None, "no LTI signing key yet: the first launch creates one "
                                           "(or run `digiready lti keys rotate` now)")
        for row in rows:
            try:
                RSAKey.import_key(row.private_pem)
            except Exception as exc:  # noqa: BLE001 - any failure means it cannot sign
                yield Problem("error", None,
                              f"LTI signing key {row.kid} cannot be loaded ({first_line(exc)}): "
                              "run `digiready lti keys rotate` to replace it")


def register(registry: Registry) -> None:
    registry.add_commands("lti_tool.cli")
    registry.add_settings("lti_tool.app")
    registry.add_migrations("lti_tool", "lti_tool.models")
    registry.add_app("lti", "lti_tool.app:create_app()")
    # Every pack the launches may need, loaded in each new worker before it takes traffic.
    registry.add_warm_up("lti", "lti_tool.content:warm_up")
    registry.add_config_check(check_signing_keys, needs_database=True)
    registry.add_ui_catalog(CATALOG)
