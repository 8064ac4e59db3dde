"""Recording that never breaks the caller's page: for adapters whose events are a side note
to the request (a portal page view, a registration already committed).

Each call runs in its own short transaction after the caller's work, and any failure (the
events tables not migrated yet, a locked database, a bug) is logged, not raised. Use
:func:`digiready.events.record` with the request's session instead when the event must be
atomic with the request's own writes.
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("digiready.events")


def record_quietly(kind: str, *, platform: str, user: str | int, object_id: str,
                   economy: str | None = None, source: str = "core", **kwargs: Any) -> bool:
    """Map ``(platform, user)`` to its opaque actor and record ``kind``; False on failure."""
    try:
        from digiready.events.recorder import actor_for, record

        actor = actor_for(platform, str(user), economy=economy)
        record(kind, actor=actor, object_id=object_id, economy=economy, source=source, **kwargs)
        return True
    except Exception:  # noqa: BLE001 - analytics must never break the page
        log.exception("event %s on %s not recorded", kind, object_id)
        return False
