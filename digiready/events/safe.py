"""Recording that never breaks the caller's page: for adapters whose events are a side note
to the request (a portal page view, a registration already committed).

Any failure (the events tables not migrated yet, a locked database, a bug) is logged, not
raised. Without ``db`` each call runs in its own short transaction after the caller's work.
With ``db`` (the request's session) it runs inside the caller's transaction, in a SAVEPOINT:
one commit for both (cheaper, and the event is stored if and only if the caller's work is),
while a failed event still rolls back alone. Use :func:`digiready.events.record` directly
when a failure to record must fail the request.
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("digiready.events")


def record_quietly(kind: str, *, platform: str, user: str | int, object_id: str,
                   economy: str | None = None, source: str = "core", db=None,
                   new_user: bool = False, **kwargs: Any) -> bool:
    """Map ``(platform, user)`` to its opaque actor and record ``kind``; False on failure."""
    try:
        from digiready.events.recorder import actor_for, record
        from digiready.storage.engine import connection_of

        if db is None:
            actor = actor_for(platform, str(user), economy=economy, likely_new=new_user)
            record(kind, actor=actor, object_id=object_id, economy=economy, source=source,
                   **kwargs)
            return True
        conn = connection_of(db)
        with conn.begin_nested():
            actor = actor_for(platform, str(user), economy=economy, db=conn, likely_new=new_user)
            record(kind, actor=actor, object_id=object_id, economy=economy, source=source,
                   db=conn, **kwargs)
        return True
    except Exception:  # noqa: BLE001 - analytics must never break the page
        log.exception("event %s on %s not recorded", kind, object_id)
        return False


def record_many_quietly(events: list[dict[str, Any]], *, db) -> bool:
    """Record events of an already mapped actor (each mapping holds the keyword arguments of
    :func:`digiready.events.record`) in a SAVEPOINT of the caller's transaction, as
    :func:`record_quietly` does; False on failure."""
    try:
        from digiready.events.recorder import record_many
        from digiready.storage.engine import connection_of

        conn = connection_of(db)
        with conn.begin_nested():
            record_many(events, db=conn)
        return True
    except Exception:  # noqa: BLE001 - analytics must never break the page
        log.exception("events %s not recorded", [e.get("kind") for e in events])
        return False



def record_many_with(events: list[dict[str, Any]], *, db) -> int:
    """Record events of an already mapped actor as part of the caller's own write, in its
    transaction without a savepoint (two statements fewer): they commit with the caller's
    writes or not at all, as a launch's events must. An event the adapter built wrongly is
    logged and nothing is recorded (checked before anything is written, so the caller's
    work goes on); a database error is the caller's (its transaction is rolled back, like
    any of its own failed writes). Returns how many events were new."""
    from digiready.events.recorder import EventError, build_many, store_built

    try:
        built = build_many(events)
    except EventError:
        log.exception("events %s not recorded", [e.get("kind") for e in events])
        return 0
    return store_built(db, built)
