"""Every setting DigiReady reads, in one place.

Settings come from environment variables prefixed ``DIGIREADY_``. Each is declared here once,
with its default and meaning, so that ``docs/configuration.md``, ``digiready check-config`` and
the code agree. Adapters read settings through :func:`get`, never ``os.environ`` directly.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PREFIX = "DIGIREADY_"


@dataclass(frozen=True)
class Setting:
    name: str  # without the prefix
    default: str | None
    doc: str
    secret: bool = False
    # For numbers: the smallest value that makes sense (`digiready check-config` refuses less).
    minimum: float | None = None

    @property
    def env_name(self) -> str:
        return PREFIX + self.name


SETTINGS: dict[str, Setting] = {}


def declare(name: str, default: str | None, doc: str, secret: bool = False,
            minimum: float | None = None) -> Setting:
    """Declare a setting; areas declare theirs at import time beside the code that reads it."""
    setting = Setting(name, default, doc, secret, minimum)
    SETTINGS[name] = setting
    return setting


def get(name: str) -> str | None:
    """The value of a declared setting: environment first, then the declared default."""
    setting = SETTINGS[name]
    return os.environ.get(setting.env_name, setting.default)


def source(name: str) -> str:
    """Where a setting's value comes from: ``environment`` or ``default``."""
    return "environment" if SETTINGS[name].env_name in os.environ else "default"


def var_dir() -> Path:
    """Directory for the SQLite database, keys and other local state (created on demand)."""
    path = Path(get("VAR_DIR") or "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


declare("ENV", "development", "`development` or `production`; production refuses default secrets.")
declare("VAR_DIR", "var", "Directory for the SQLite database, keys and local state.")
declare(
    "DATABASE_URL",
    None,
    "SQLAlchemy URL. Default: SQLite file `$DIGIREADY_VAR_DIR/digiready.sqlite3` (WAL mode). "
    "Scale-out: `postgresql+psycopg://user@host/db`.",
)
declare("REDIS_URL", None, "Optional Redis URL for caches, rate limits and LTI nonces.")
declare("SECRET_KEY", "dev-insecure-secret", "Signs sessions, CSRF tokens and links.", secret=True)
declare("CONTENT_DIR", None, "Root of the content packs (default: the repository's `content/`).")
declare("DEFAULT_ECONOMY", None, "Economy overlay used when a request names none.")
declare("LOG_FORMAT", "text", "`text` or `json` (structured logs with a request id).")
