"""Request-scoped sessions, a UTC-aware datetime type and the event lock.

The event lock is the heart of capacity control: Indico checks capacity without one and
overbooks under concurrency. Every change that can take or free a seat runs after
:func:`lock_event` in the same transaction.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import g
from sqlalchemy import DateTime, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from digiready.storage.engine import _session_factory, database_url


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Always timezone-aware UTC in Python: SQLite drops the offset, PostgreSQL keeps it, and
    mixing naive and aware datetimes is how portals end up showing server time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def new_session() -> Session:
    return _session_factory(database_url())()


def db() -> Session:
    """The request's session; views commit explicitly, teardown rolls back what was not."""
    if "portal_db" not in g:
        g.portal_db = new_session()
    return g.portal_db


def close_request_session(_exc: BaseException | None = None) -> None:
    session = g.pop("portal_db", None)
    if session is not None:
        session.rollback()
        session.close()


def lock_event(session: Session, event_id: int):
    """Serialise seat changes for one event until the transaction ends; return the event row
    freshly read under the lock (its seat counters are only trusted that way).

    PostgreSQL: ``SELECT … FOR UPDATE`` on the event row. SQLite: a write to the event row as
    the transaction's first write takes the database write lock (busy_timeout waits for it),
    which is what serialises writers there.
    """
    from symposium_portal.programme.models import Event

    stmt = select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        return session.scalars(stmt.with_for_update()).one()
    session.execute(
        update(Event).where(Event.id == event_id).values(lock_seq=Event.lock_seq + 1)
        .execution_options(synchronize_session=False)
    )
    return session.scalars(stmt).one()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def ping(session: Session) -> None:
    session.execute(text("SELECT 1"))
