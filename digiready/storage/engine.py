"""Engines and sessions. SQLite gets WAL and a busy timeout so that several gunicorn workers
on one small server can share the file; PostgreSQL gets a pool that tests the connections
left idle (see ``IDLE_PING_SECONDS``).

SQLite runs with ``synchronous=NORMAL``, which is safe in WAL mode: a commit is atomic and
survives a crash of the application (or of every worker), and the database is never
corrupted; only an operating-system crash or power loss can lose the last transactions
committed since the previous WAL checkpoint. In exchange a commit does not wait for an
fsync (several milliseconds on a small server's disk, during which the single SQLite writer
lock is held). Deployments that cannot lose a committed transaction on power loss use
PostgreSQL (docs/deployment.md, scale-out)."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from digiready import config

try:
    import fcntl
except ImportError:  # not POSIX: writers of one process still queue on the thread lock
    fcntl = None  # type: ignore[assignment]


def database_url() -> str:
    url = config.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            # Use psycopg 3 unless the URL names a driver.
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    var = config.get("VAR_DIR") or "var"
    # Resolving and creating the directory costs a few syscalls: a session per request
    # would pay them every time. Keyed by the setting (and the working directory when the
    # setting is relative) so that a changed DIGIREADY_VAR_DIR is still honoured.
    return _sqlite_url(var, "" if os.path.isabs(var) else os.getcwd())


@lru_cache(maxsize=32)
def _sqlite_url(_var_setting: str, _cwd: str) -> str:
    return f"sqlite:///{config.var_dir() / 'digiready.sqlite3'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Durable against application crashes in WAL mode; see the module docstring.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# A pooled PostgreSQL connection is tested (``SELECT 1``) before use only when it has sat
# idle in the pool for this long: that is when the server may have restarted or a firewall
# dropped it. SQLAlchemy's ``pool_pre_ping`` tests it at every checkout instead, one more
# round trip for every request (most of a millisecond on a launch). A connection that breaks
# while busy is still handled: SQLAlchemy invalidates the whole pool on the first
# disconnect error, so after a database restart under load at most the requests already
# running, and one per worker, fail.
IDLE_PING_SECONDS = 5.0


def _mark_idle(_dbapi_connection, record) -> None:
    """On connect and on every return to the pool."""
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    if time.monotonic() - record.info.get("idle_since", 0.0) < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()  # the driver opened a transaction for the SELECT
    except Exception as exc:  # noqa: BLE001 - any failure means: use another connection
        # The pool drops this connection and checks out another (a new one if need be).
        raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=5, max_overflow=10)
        event.listen(engine, "connect", _mark_idle)
        event.listen(engine, "checkin", _mark_idle)
        event.listen(engine, "checkout", _ping_if_idle)
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


def connection_of(db) -> Connection:
    """The Connection behind ``db`` (a Session, or already a Connection), for plain Core
    statements. Taken once per call: ``Session.connection()`` walks the session's
    transaction state each time it is asked. A SAVEPOINT taken on it costs less than the
    Session's nested transaction (a flush, its own bookkeeping)."""
    return db.connection() if isinstance(db, Session) else db


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


class _WriterSlot:
    """One SQLite writer at a time from this host's processes that use it: a thread lock
    (threads of one worker) and an ``flock`` on a file beside the database (the workers).

    SQLite allows one writer anyway; what this changes is how the others wait. SQLite's busy
    handler polls with sleeps of 1, 2, 5, 10... ms, so a writer that holds the lock for 3 ms
    makes the next one wait 12 ms, and under load the waits pile up. Waiting here wakes the
    next writer as soon as the slot is free."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int | None:
        if self.path is None:
            return None
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    @contextmanager
    def held(self) -> Iterator[None]:
        with self.thread_lock:
            fd = self._file()
            if fd is not None and fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
            try:
                yield
            finally:
                if fd is not None and fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)


_slots: dict[str, _WriterSlot] = {}
_slots_lock = threading.Lock()


def _writer_slot(engine: Engine) -> _WriterSlot:
    key = str(engine.url)
    with _slots_lock:
        slot = _slots.get(key)
        if slot is None:
            database = engine.url.database
            path = (database + "-writer.lock"
                    if database and database != ":memory:" and not database.startswith("file:")
                    else None)
            slot = _slots[key] = _WriterSlot(path)
        return slot


@contextmanager
def serialized_commit(session: Session) -> Iterator[None]:
    """Run the writes inside, then commit (or roll back on error), as this host's only SQLite
    writer at the time; on PostgreSQL just commit.

    For a request's short write phase: do the reads first, then the writes in here, so the
    SQLite write lock is held for as little time as possible and other writers queue on
    :class:`_WriterSlot` instead of SQLite's sleeping busy handler. Nothing inside may open
    another session that writes (it would wait for this one)."""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        yield
        session.commit()
        return
    with _writer_slot(engine).held():
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise
