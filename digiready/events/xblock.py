"""Events from the XBlocks: through the Open edX runtime, and into the DigiReady database
when the site has one.

Open edX keeps learner state in XBlock fields and has no DigiReady database by default, so
an event always goes out as ``runtime.publish(block, "digiready.xapi", {"statement": ...})``
(the tracking log, where an Open edX analytics pipeline picks it up) and is stored with
:func:`digiready.events.record` only when ``DIGIREADY_DATABASE_URL`` is set explicitly, never
into a SQLite file in the LMS's working directory. The actor is the opaque id of the block's
pseudonymous learner key (Open edX's anonymous user id), never a username or email.
Duck-typed on the block (``runtime``, ``scope_ids``, ``learner_key()``): no XBlock import.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from digiready import config
from digiready.events.client import ClientEventError, ingest_client_events
from digiready.events.recorder import ACTOR_NAMESPACE, EventError, Recorded, actor_for, build, record

log = logging.getLogger("digiready.events")
PUBLISH_EVENT = "digiready.xapi"


def _platform(block) -> str:
    course = getattr(getattr(block, "scope_ids", None), "usage_id", None)
    course_key = getattr(course, "course_key", None)
    return f"openedx:{course_key}" if course_key else "openedx"


def _use_db() -> bool:
    return config.source("DATABASE_URL") == "environment"


def _actor(block, use_db: bool) -> str:
    key = str(block.learner_key())
    if use_db:
        return actor_for(_platform(block), key)
    return str(uuid.uuid5(ACTOR_NAMESPACE, f"{_platform(block)}|{key}"))


def block_event(block, kind: str, *, object_id: str, economy: str | None = None,
                data: Mapping[str, Any] | None = None, profile: Mapping[str, Any] | None = None,
                session_id: str | None = None, publish: bool = True) -> Recorded | None:
    """Record (when there is a database) and publish one event; never raises for storage
    problems, so a learner's submission is never lost to analytics."""
    use_db = _use_db()
    kwargs = {"object_id": object_id, "economy": economy, "data": data, "session_id": session_id,
              "source": "xblock"}
    try:
        actor = _actor(block, use_db)
        if use_db:
            event = record(kind, actor=actor, profile=profile, **kwargs)
        else:
            event = build(kind, actor=actor, profile=dict(profile or {}), **kwargs)
    except EventError:
        log.exception("XBlock event %s on %s is malformed", kind, object_id)
        return None
    except Exception as exc:  # noqa: BLE001 - the database is down or not migrated
        log.warning("XBlock event %s not stored (%s); publishing only", kind, exc)
        event = build(kind, actor=_actor(block, False), profile=dict(profile or {}), **kwargs)
    if publish:
        _publish(block, event)
    return event


def _publish(block, event: Recorded) -> None:
    try:
        block.runtime.publish(block, PUBLISH_EVENT, {"statement": event.statement()})
    except NotImplementedError:  # Studio's preview runtime publishes nothing
        pass


def block_player_events(block, payload: Any, *, module_id: str, economy: str | None = None) -> int:
    """The player script's events for a module page served by a block. Raises
    :class:`ClientEventError` for a malformed payload (answer 400)."""
    use_db = _use_db()
    prefix = f"module/{module_id}"
    recorded = None
    if use_db:
        try:
            recorded = ingest_client_events(payload, actor=_actor(block, True), object_prefix=prefix,
                                            economy=economy, source="xblock")
        except ClientEventError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database is down or not migrated
            log.warning("XBlock player events not stored (%s); publishing only", exc)
    if recorded is None:
        recorded = ingest_client_events(payload, actor=_actor(block, False), object_prefix=prefix,
                                        economy=economy, source="xblock", store=False)
    for event in recorded:
        _publish(block, event)
    return len(recorded)
