"""The tool's learning events: one function per action, each called from exactly one place.

They go through the core API (:func:`digiready.events.record`), which stores them and turns
them into xAPI statements. Each event is written in a savepoint of the request's transaction,
so an analytics failure is logged and never breaks (or rolls back) a learner's page. Video
player events come from the module page's ``<video>`` element (``data-module-id``,
``data-duration``) through the events area's player script.
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("lti_tool.events")


def _record(db, kind: str, learner, object_id: str, **kwargs: Any) -> None:
    if learner is None:
        return
    try:
        from digiready import events
    except ImportError:  # the events area is not installed: log only
        log.info("event %s %s %s", kind, object_id, kwargs)
        return
    try:
        with db.begin_nested():
            events.record(kind, actor=learner.opaque_id, object_id=object_id,
                          economy=learner.economy, source="lti", db=db, **kwargs)
    except Exception:  # noqa: BLE001 - analytics must never break the learner's flow
        log.exception("event %s on %s could not be recorded", kind, object_id)


def launched(db, launch, learner) -> None:
    # "registered" is stamped with the learner's creation time: the same statement id at
    # every launch, so it is stored once, at the learner's first launch.
    if learner is not None and learner.created_at is not None:
        _record(db, "registered", learner, "course/digiready", timestamp=learner.created_at,
                data={"role": "learner"})
    _record(db, "launched", learner, f"lti/{launch.target}", session_id=launch.id)


def page_viewed(db, launch, learner, path: str, title: str | None = None) -> None:
    _record(db, "viewed", learner, path, session_id=launch.id,
            data={"title": title} if title else None)


def diagnostic_attempted(db, launch, learner, attempt) -> None:
    _record(db, "diagnostic.attempted", learner, f"diagnostic/{attempt.pack_id}",
            session_id=launch.id, data={"attempt": attempt.number},
            profile={k: v for k, v in (attempt.profile or {}).items()
                     if k in ("gender", "age_band", "sector", "size")})


def diagnostic_completed(db, launch, learner, attempt) -> None:
    _record(db, "diagnostic.completed", learner, f"diagnostic/{attempt.pack_id}",
            session_id=launch.id, data={"attempt": attempt.number, "result": attempt.result})


def module_opened(db, launch, learner, module_id: str) -> None:
    _record(db, "module.progressed", learner, f"module/{module_id}", session_id=launch.id,
            data={"progress": 10})


def module_completed(db, launch, learner, module_id: str, score: float | None) -> None:
    _record(db, "module.completed", learner, f"module/{module_id}", session_id=launch.id,
            data={"score": score} if score is not None else None)
