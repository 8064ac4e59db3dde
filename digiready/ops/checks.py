"""``digiready check-config``'s findings: every setting with its source, and every mistake that
would make an instance fail or run unsafely, found before it starts.

Each check names the setting and says what to do. Errors stop a deployment (exit status 1);
warnings are worth reading but an instance can run with them.
"""
from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from digiready import config

# DIGIREADY_* variables that are not settings of a running instance, so not typos.
NOT_SETTINGS = {
    "DIGIREADY_PORTAL_STAFF_PASSWORD": "read once by `digiready portal staff add`",
    "DIGIREADY_REQUIRE_SERVICES": "test suite: fail instead of skip without PostgreSQL/Redis",
    "DIGIREADY_PIP_REQUIREMENT": "Tutor plugin: what to install instead of its bundled wheel",
}
NOT_SETTINGS_PREFIXES = ("DIGIREADY_TEST_", "DIGIREADY_BENCH_")
# Settings that were replaced: named with their successor instead of "did you mean".
RETIRED = {
    "DIGIREADY_REPORT_MIN_CELL": "DIGIREADY_MIN_CELL_SIZE (one small-group threshold for "
                                 "reports, indicators, dashboards and the portal)",
    "DIGIREADY_PORTAL_MIN_GROUP": "DIGIREADY_MIN_CELL_SIZE (one small-group threshold for "
                                  "reports, indicators, dashboards and the portal)",
}
ENVIRONMENTS = ("development", "production")


@dataclass
class Problem:
    level: str  # "error" or "warning"
    setting: str | None  # the variable it is about, when there is one
    message: str


@dataclass
class SettingReport:
    name: str
    value: str | None
    source: str  # "environment", "file" or "default"


@dataclass
class Report:
    settings: list[SettingReport]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def as_dict(self) -> dict:
        return {"ok": not self.errors, "settings": [asdict(s) for s in self.settings],
                "problems": [asdict(p) for p in self.problems]}


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's ``EnvironmentFile=`` and compose's ``env_file`` read them:
    blank lines and ``#`` comments skipped, one pair of surrounding quotes removed."""
    values: dict[str, str] = {}
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ValueError(f"{path}:{number}: expected NAME=value, got {raw.strip()!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def mask_url(value: str) -> str:
    """A URL with its password replaced by ``****`` (database and Redis URLs carry them)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.password is None:
        return value
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}:****@{host}" + (f":{parts.port}" if _port(parts) else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _port(parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def shown_value(name: str) -> str | None:
    setting = config.SETTINGS[name]
    value = config.get(name)
    if name == "DATABASE_URL" and not value:
        from digiready.storage.engine import database_url

        return database_url()  # the SQLite file it falls back to
    if value is None:
        return None
    if setting.secret:
        return "****" if value else ""
    return mask_url(value) if "://" in value else value


def _add(problems: list[Problem], level: str, setting: str | None, message: str) -> None:
    problems.append(Problem(level, setting, message))


# -- the checks ---------------------------------------------------------------------------

def check_unknown_variables(environ, problems: list[Problem]) -> None:
    known = {s.env_name for s in config.SETTINGS.values()}
    for name in sorted(environ):
        if not name.startswith(config.PREFIX) or name in known or name in NOT_SETTINGS:
            continue
        if name.startswith(NOT_SETTINGS_PREFIXES):
            continue
        if name in RETIRED:
            _add(problems, "error", name, f"{name} is no longer read; use {RETIRED[name]}")
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else ""
        _add(problems, "error", name, f"{name} is not a DigiReady setting{hint}; it has no effect")


def check_values(problems: list[Problem]) -> None:
    """Values of the right kind: environment name, numbers, log options, proxy hops."""
    from digiready.ops import logs, wsgi

    env = config.get("ENV")
    if env not in ENVIRONMENTS:
        _add(problems, "error", "DIGIREADY_ENV",
             f"DIGIREADY_ENV must be `development` or `production`, not {env!r}")
    for setting in config.SETTINGS.values():
        value = config.get(setting.name)
        if setting.default is None or value is None or not _is_number(setting.default):
            continue
        if not _is_number(value):
            _add(problems, "error", setting.env_name,
                 f"{setting.env_name} must be a number (default {setting.default}), not {value!r}")
        elif setting.minimum is not None and float(value) < setting.minimum:
            _add(problems, "error", setting.env_name,
                 f"{setting.env_name} must be at least {setting.minimum:g} (default "
                 f"{setting.default}), not {value!r}")
    for name, check in (("LOG_FORMAT", logs.log_format), ("ACCESS_LOG", logs.access_log_enabled),
                        ("PROXY_HOPS", wsgi.proxy_hops)):
        try:
            check()
        except ValueError as exc:
            if not any(p.setting == config.PREFIX + name for p in problems):
                _add(problems, "error", config.PREFIX + name, str(exc))
    from digiready.reports.trial import target_problems

    for setting, message in target_problems():  # the funder's targets the final report reads
        _add(problems, "error", setting, message)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def check_production_secrets(problems: list[Problem]) -> None:
    if config.get("ENV") != "production":
        return
    for setting in config.SETTINGS.values():
        if not setting.secret or setting.default is None:
            continue
        value = config.get(setting.name)
        if not value:
            _add(problems, "error", setting.env_name,
                 f"{setting.env_name} is empty in production: set a long random value")
        elif value == setting.default:
            _add(problems, "error", setting.env_name,
                 f"{setting.env_name} is left at its default in production: anyone can forge "
                 "what it signs; set a long random value (e.g. `python -c \"import secrets; "
                 "print(secrets.token_urlsafe(48))\"`)")
        elif len(value) < 32:
            # A short secret can be guessed offline from one signed cookie or link.
            _add(problems, "error", setting.env_name,
                 f"{setting.env_name} is only {len(value)} characters in production: anyone "
                 "who guesses it can forge what it signs; use a random value of at least 32 "
                 "(e.g. `python -c \"import secrets; print(secrets.token_urlsafe(48))\"`)")


def check_urls(problems: list[Problem]) -> None:
    from digiready.storage.engine import database_url

    raw_db = config.get("DATABASE_URL")
    if raw_db:
        message = _database_url_problem(database_url())
        if message:
            _add(problems, "error", "DIGIREADY_DATABASE_URL",
                 f"DIGIREADY_DATABASE_URL {mask_url(raw_db)!r} is malformed: {message}")
    redis_url = config.get("REDIS_URL")
    if redis_url:
        parts = _split(redis_url)
        if parts is None or parts.scheme not in ("redis", "rediss", "unix") or (
                parts.scheme != "unix" and not parts.hostname):
            _add(problems, "error", "DIGIREADY_REDIS_URL",
                 f"DIGIREADY_REDIS_URL {mask_url(redis_url)!r} is malformed: expected "
                 "redis://host:port/db, rediss://... or unix:///path")
    for setting in config.SETTINGS.values():
        if setting.name in ("DATABASE_URL", "REDIS_URL"):
            continue
        if not (setting.name.endswith("_URL") or setting.name.endswith("_IRI")):
            continue
        value = config.get(setting.name)
        if not value:
            continue
        parts = _split(value)
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            _add(problems, "error", setting.env_name,
                 f"{setting.env_name} {mask_url(value)!r} is malformed: expected an "
                 "http:// or https:// URL with a host name")


def _split(value: str):
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
        return parts
    except ValueError:
        return None


def _database_url_problem(url: str) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "expected e.g. sqlite:////srv/digiready/digiready.sqlite3 or " \
               "postgresql://user@host/db"
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        return f"DigiReady runs on SQLite or PostgreSQL, not {parsed.get_backend_name()}"
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        return f"no SQLAlchemy driver {parsed.drivername!r}"
    if parsed.get_backend_name() == "postgresql" and not parsed.database:
        return "no database name"
    return None


def check_services(problems: list[Problem]) -> bool:
    """Database and Redis reachable; returns whether the database is."""
    from digiready.ops import health
    from digiready.storage.engine import database_url

    db_ok = True
    if not any(p.setting == "DIGIREADY_DATABASE_URL" for p in problems):
        try:
            health.check_database()
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            db_ok = False
            _add(problems, "error", "DIGIREADY_DATABASE_URL",
                 f"database unreachable at {mask_url(database_url())}: {first_line(exc)}")
    else:
        db_ok = False
    redis_url = config.get("REDIS_URL")
    if redis_url and not any(p.setting == "DIGIREADY_REDIS_URL" for p in problems):
        try:
            health.check_redis(redis_url)
        except Exception as exc:  # noqa: BLE001
            _add(problems, "error", "DIGIREADY_REDIS_URL",
                 f"Redis unreachable at {mask_url(redis_url)}: {first_line(exc)}")
    return db_ok


def check_migrations(problems: list[Problem], before_upgrade: bool = False) -> bool:
    """The database at the code's Alembic heads; returns whether its schema can be used.
    Just before ``digiready db upgrade`` a schema behind head is expected: a warning then."""
    from digiready.ops import schema
    from digiready.storage.engine import database_url

    level = "warning" if before_upgrade else "error"
    found = schema.state(database_url())
    if not found.applied:
        _add(problems, level, "DIGIREADY_DATABASE_URL",
             "database has no DigiReady schema: run `digiready db upgrade`")
        return False
    if found.unknown:
        _add(problems, "warning", "DIGIREADY_DATABASE_URL",
             f"database has revisions this code does not know ({', '.join(sorted(found.unknown))}):"
             " a newer release migrated it; upgrade this instance")
    if found.missing:
        _add(problems, level, "DIGIREADY_DATABASE_URL",
             f"database is not migrated to head (missing {', '.join(sorted(found.missing))}): "
             "run `digiready db upgrade`")
        return False
    return True


def check_adapters(problems: list[Problem], *, database_ready: bool) -> None:
    """The checks the adapters register (:mod:`digiready.adapters`): the LTI tool's signing
    keys, the portal's settings... Those that read the database run only once it is
    reachable and migrated. A check that crashes is reported, not raised: the others run."""
    from digiready.adapters import registry

    for registered in registry().config_checks:
        if registered.needs_database and not database_ready:
            continue
        try:
            problems.extend(registered.check())
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the rest
            _add(problems, "error", None,
                 f"the {registered.adapter} check {getattr(registered.check, '__name__', '?')} "
                 f"failed: {first_line(exc)}")


def first_line(exc: BaseException) -> str:
    exc = getattr(exc, "orig", None) or exc  # the driver's own words, not SQLAlchemy's wrapper
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def run(file_values: dict[str, str] | None = None, *, before_upgrade: bool = False,
        environ: dict[str, str] | None = None) -> Report:
    """Check the configuration this process would run with (``os.environ``, where the values
    read from an env file have already been applied) and report on it."""
    from digiready.cli.settings_commands import load_all_declarations

    load_all_declarations()
    environ = dict(os.environ if environ is None else environ)
    file_values = file_values or {}
    settings = []
    for setting in sorted(config.SETTINGS.values(), key=lambda s: s.env_name):
        source = config.source(setting.name)
        if source == "environment" and setting.env_name in file_values \
                and environ.get(setting.env_name) == file_values[setting.env_name]:
            source = "file"
        settings.append(SettingReport(setting.env_name, shown_value(setting.name), source))
    problems: list[Problem] = []
    steps: list[Callable[[list[Problem]], object]] = [
        lambda p: check_unknown_variables(environ, p), check_values, check_production_secrets,
        check_urls]
    for step in steps:
        step(problems)
    database_ready = check_services(problems) and check_migrations(problems, before_upgrade)
    check_adapters(problems, database_ready=database_ready)
    return Report(settings, problems)
