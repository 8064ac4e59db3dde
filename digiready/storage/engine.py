"""Engines and sessions. SQLite gets WAL and a busy timeout so that several gunicorn workers
on one small server can share the file; PostgreSQL gets a pre-ping pool."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from digiready import config


def database_url() -> str:
    url = config.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            # Use psycopg 3 unless the URL names a driver.
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{config.var_dir() / 'digiready.sqlite3'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    return engine


def configure_models() -> None:
    """Import every installed area's models and configure all mappers, once, up front.

    Areas import each other's models lazily, inside functions. Left to the first query, mapper
    configuration could run in one thread while another thread is still executing a models
    module's body (``Learner`` defined, ``Attempt`` not yet): SQLAlchemy then marks the mapper
    as failed for the life of the process and every later query raises. Doing it before the
    first session exists removes that race in every adapter.
    """
    from sqlalchemy.orm import configure_mappers

    from digiready.storage.migrate import import_all_models

    import_all_models()
    configure_mappers()


@lru_cache(maxsize=8)
def _session_factory(url: str) -> sessionmaker[Session]:
    configure_models()
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session committed on success and rolled back on any error: nothing half-saved."""
    session = _session_factory(url or database_url())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
