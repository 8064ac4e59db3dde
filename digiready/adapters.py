"""How the adapters (the LTI tool, the symposium portal, Studio, ...) plug into the core.

The core defines what it can take from an adapter; an adapter supplies it. Each adapter
declares one module in the ``digiready.adapters`` entry-point group of its distribution
(``setup.py``)::

    entry_points={"digiready.adapters": ["events_site = events_site.adapter"]}

and that module has ``register(registry)``, as a CLI command module has
``register(subparsers)``::

    def register(registry: digiready.adapters.Registry) -> None:
        registry.add_commands("events_site.cli")
        registry.add_config_check(check_outbox, needs_database=True)
        registry.add_symposium_source(load_symposium)

The core reads only the registry, so it never imports or names an adapter (not even its
tables; ``tests/digiready/test_adapter_boundary.py`` greps for it). An adapter whose
dependencies are not installed (the portal's code without Flask on an XBlock-only Open edX
install) is left out, as an area that is not installed.

What an adapter can supply:

- ``add_commands(module)``: a module with ``register(subparsers)`` (``digiready`` subcommands);
- ``add_settings(module)``: a module whose import declares its ``DIGIREADY_*`` settings;
- ``add_migrations(package, models)``: an Alembic branch (``package/migrations/versions``)
  and the module whose import maps its tables;
- ``add_app(name, factory)``: a WSGI app for ``digiready serve NAME`` (``"pkg.app:create_app()"``);
- ``add_config_check(check)``: ``check() -> iterable of digiready.ops.checks.Problem`` for
  ``digiready check-config`` (run only once the database is reachable and migrated when
  ``needs_database``);
- ``add_symposium_source(source)``: ``source(url, economies, as_of) -> SymposiumData | None``
  (:mod:`digiready.symposium`), the symposium as it happened, for the symposium report;
- ``add_demo_data(module)``: a module registering generators with
  :func:`digiready.demo.register` (its part of ``digiready demo-data``);
- ``add_ui_catalog(catalog)``: its interface's gettext catalogue, a
  :class:`digiready.ui_catalogs.UICatalog` (``digiready i18n update|compile|check``);
- ``add_warm_up(app, function)``: ``"module:function(progress)"`` that a new worker of the
  web app ``app`` runs before it takes traffic (loading content packs: :func:`warm_up`);
  it calls ``progress()`` now and then (the worker is alive).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digiready.ops.checks import Problem
    from digiready.symposium import SymposiumData
    from digiready.ui_catalogs import UICatalog

ENTRY_POINT_GROUP = "digiready.adapters"
# Third-party packages an adapter may need that an installation can lack: an adapter failing
# to import one of these is "not installed", any other import error is a bug to show.
OPTIONAL_DEPENDENCIES = frozenset({
    "flask", "flask_wtf", "flask_limiter", "flask_babel", "werkzeug", "sqlalchemy", "alembic",
    "joserfc", "requests", "pylti1p3", "lti1p3platform", "openpyxl", "icalendar",
    "email_validator", "gunicorn", "xblock", "django", "web_fragments",
})

ConfigCheck = Callable[[], "Iterable[Problem]"]
SymposiumSource = Callable[..., "SymposiumData | None"]


@dataclass(frozen=True)
class RegisteredCheck:
    adapter: str
    check: ConfigCheck
    needs_database: bool


@dataclass
class Registry:
    """What the installed adapters supply, in the order they registered it."""
    command_modules: list[str] = field(default_factory=list)
    settings_modules: list[str] = field(default_factory=list)
    migration_areas: list[tuple[str, str]] = field(default_factory=list)
    apps: dict[str, str] = field(default_factory=dict)
    config_checks: list[RegisteredCheck] = field(default_factory=list)
    symposium_sources: list[tuple[str, SymposiumSource]] = field(default_factory=list)
    demo_modules: list[str] = field(default_factory=list)
    ui_catalogs: list[UICatalog] = field(default_factory=list)
    warm_ups: dict[str, list[str]] = field(default_factory=dict)  # app name -> functions
    # Adapters declared but left out, with why (shown by `digiready check-config --json`).
    unavailable: dict[str, str] = field(default_factory=dict)
    _current: str = "?"

    # -- what an adapter's register() calls ------------------------------------------------
    def add_commands(self, module: str) -> None:
        self.command_modules.append(module)

    def add_settings(self, module: str) -> None:
        self.settings_modules.append(module)

    def add_migrations(self, package: str, models: str) -> None:
        self.migration_areas.append((package, models))

    def add_app(self, name: str, factory: str) -> None:
        if name in self.apps and self.apps[name] != factory:
            raise ValueError(f"two adapters serve an app named {name!r}")
        self.apps[name] = factory

    def add_config_check(self, check: ConfigCheck, *, needs_database: bool = True) -> None:
        self.config_checks.append(RegisteredCheck(self._current, check, needs_database))

    def add_symposium_source(self, source: SymposiumSource) -> None:
        self.symposium_sources.append((self._current, source))

    def add_demo_data(self, module: str) -> None:
        self.demo_modules.append(module)

    def add_ui_catalog(self, catalog: UICatalog) -> None:
        if any(c.name == catalog.name for c in self.ui_catalogs):
            raise ValueError(f"two adapters declare an interface catalogue named {catalog.name!r}")
        self.ui_catalogs.append(catalog)

    def add_warm_up(self, app: str, function: str) -> None:
        self.warm_ups.setdefault(app, []).append(function)

    # -- loading -----------------------------------------------------------------------------
    def load_module(self, name: str, module: str) -> bool:
        """Import an adapter module and let it register; False when it is not installed."""
        try:
            loaded = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if is_missing_dependency(exc, module):
                self.unavailable[name] = f"{exc.name} is not installed"
                return False
            raise
        self._current = name
        try:
            loaded.register(self)
        finally:
            self._current = "?"
        return True


def is_missing_dependency(exc: ModuleNotFoundError, module: str) -> bool:
    """Whether importing ``module`` failed because the module itself or an optional
    third-party package is absent (an area not installed), not because of a bug in it."""
    missing = exc.name or ""
    if module == missing or module.startswith(missing + "."):
        return True
    return missing.split(".")[0] in OPTIONAL_DEPENDENCIES


def declared_adapters() -> list[tuple[str, str]]:
    """(name, module) of every adapter the installed distributions declare."""
    found = {(ep.name, ep.value) for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(found)


_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The registry of the installed adapters, loaded once per process."""
    global _REGISTRY
    if _REGISTRY is None:
        reg = Registry()
        for name, module in declared_adapters():
            reg.load_module(name, module)
        _REGISTRY = reg
    return _REGISTRY


def use_registry(reg: Registry | None) -> Registry | None:
    """Replace the process's registry (tests: a registry holding only a test's adapter);
    ``None`` makes the next :func:`registry` call load the installed adapters again.
    Returns the previous one."""
    global _REGISTRY
    previous, _REGISTRY = _REGISTRY, reg
    return previous


def import_optional(module: str) -> Any | None:
    """Import a module an adapter named; None when its area's dependencies are absent."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if is_missing_dependency(exc, module):
            return None
        raise


def warm_up(app_factory: str | None, progress=None) -> list[str]:
    """Run the warm-ups of the web app served by ``app_factory`` (``"module:factory()"``, as
    gunicorn names it), in a new worker before it takes traffic; returns those run. A
    failing warm-up is logged: the worker still starts (the first requests then pay).
    ``progress``: called now and then (gunicorn's heartbeat, ``worker.notify``)."""
    import logging

    found = registry()
    names = [name for name, factory in found.apps.items() if factory == (app_factory or "")]
    ran = []
    for name in names:
        for function in found.warm_ups.get(name, []):
            module, _, attribute = function.partition(":")
            try:
                getattr(importlib.import_module(module), attribute)(progress or (lambda: None))
            except Exception:  # noqa: BLE001 - never keep a worker from starting
                logging.getLogger("digiready").exception("warm-up %s failed", function)
                continue
            ran.append(function)
    return ran
