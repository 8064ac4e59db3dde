"""Shared fixtures: real databases (SQLite file and a throw-away PostgreSQL database), Redis.

PostgreSQL and Redis tests skip with a reason when the server is not reachable; with
``DIGIREADY_REQUIRE_SERVICES=1`` (set by ``.ci/run``) such a skip becomes a failure.
"""
from __future__ import annotations

import os
import socket
import uuid

import pytest

PG_HOST = os.environ.get("DIGIREADY_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("DIGIREADY_TEST_PG_PORT", "5432"))
PG_ADMIN_URL = os.environ.get(
    "DIGIREADY_TEST_PG_URL", f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/test"
)
REDIS_URL = os.environ.get("DIGIREADY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (or, in CI, fail) when a service the test needs is not running."""
    if _reachable(host, port):
        return
    message = f"{name} not reachable at {host}:{port}"
    if os.environ.get("DIGIREADY_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (DIGIREADY_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _isolated_var_dir(tmp_path, monkeypatch):
    """Every test gets its own var/ so nothing leaks into the working tree."""
    monkeypatch.setenv("DIGIREADY_VAR_DIR", str(tmp_path / "var"))
    # Tests edit packs and reload them at once: look for changes on every use.
    monkeypatch.setenv("DIGIREADY_PACK_RECHECK_SECONDS", "0")
    monkeypatch.delenv("DIGIREADY_DATABASE_URL", raising=False)


def _create_pg_database() -> str:
    from sqlalchemy import create_engine, text

    name = "digiready_t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    from digiready.storage.engine import get_engine

    get_engine(url).dispose()
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_pg_database():
    """A fresh, empty PostgreSQL database for the length of a fixture (a generator to yield
    from), dropped afterwards; skipped, or failed under DIGIREADY_REQUIRE_SERVICES, without
    a server."""
    require_service("PostgreSQL", PG_HOST, PG_PORT)
    url = _create_pg_database()
    yield url
    _drop_pg_database(url)


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database, dropped after the test."""
    yield from fresh_pg_database()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'digiready.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, monkeypatch):
    """Runs the test once on SQLite and once on PostgreSQL, migrated to the latest schema,
    with ``DIGIREADY_DATABASE_URL`` pointing at it."""
    from digiready.storage import migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'digiready.sqlite3'}"
        cleanup = None
    else:
        require_service("PostgreSQL", PG_HOST, PG_PORT)
        url = _create_pg_database()
        cleanup = url
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", url)
    migrate.upgrade(url)
    yield url
    if cleanup:
        _drop_pg_database(cleanup)


@pytest.fixture
def redis_url():
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL
