"""The tool's learning events: one function per action, each called from exactly one place.

They go through the core API (:func:`digiready.events.safe.record_many_quietly`), which
stores them and turns them into xAPI statements. Every event is written in a savepoint of the
request's transaction: stored exactly when the request's own writes commit, while an
analytics failure is logged and never breaks (or rolls back) a learner's page or launch.
Video player events come from the module page's ``<video>`` element (``data-module-id``,
``data-duration``) through the events area's player script.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

log = logging.getLogger("lti_tool.events")


def _events_api():
    try:
        from digiready.events import safe
    except ImportError:  # the events area is not installed: log only
        return None
    return safe


def _record(db, kind: str, learner, object_id: str, **kwargs: Any) -> None:
    if learner is None:
        return
    _record_all(db, learner, [dict(kind=kind, object_id=object_id, **kwargs)])


def _record_all(db, learner, specs: list[dict[str, Any]], *, part_of_write: bool = False) -> None:
    """Record the learner's events together: one savepoint and one batched write. A
    synthetic learner (a DigiReady Studio preview) records nothing: previews are not use.
    ``part_of_write``: the events belong to the caller's write (the launch's), so no
    savepoint: they commit with it or not at all (see :func:`digiready.events.safe
    .record_many_with`)."""
    if getattr(learner, "synthetic", False):
        return
    events = _events_api()
    if events is None:
        for spec in specs:
            log.info("event %s %s %s", spec["kind"], spec["object_id"], spec)
        return
    batch = [dict(spec, actor=learner.opaque_id, economy=learner.economy, source="lti")
             for spec in specs]
    if part_of_write:
        events.record_many_with(batch, db=db)
    else:
        events.record_many_quietly(batch, db=db)


def launched(db, launch, learner) -> None:
    """The launch's events ("registered" at a learner's first launch, "launched"), written in
    the launch's own write transaction (no savepoint: they are part of the launch): committed
    with the launch or not at all, so an instance killed right after answering loses none,
    and a replayed launch adds none. A database error fails the launch like its own writes.
    ``learner`` is a :class:`digiready.learners.LearnerRef`; its ``created`` says this launch
    made it (the same transaction that stores the learner stores "registered"). Their
    statements are compiled once per process (see ``digiready.events.recorder``), which keeps
    them to a few quick INSERTs."""
    if learner is None:
        return
    _record_all(db, learner, launch_specs(launch, learner), part_of_write=True)


def launch_specs(launch, learner) -> list[dict[str, Any]]:
    """The launch's events as :func:`digiready.events.recorder.build_many` takes them
    (actor and economy included); empty for a synthetic learner (a Studio preview)."""
    if learner is None or getattr(learner, "synthetic", False):
        return []
    specs = []
    if learner.created:
        # Stamped with the learner's creation time: the same statement id however often it
        # is recorded.
        specs.append(dict(kind="registered", object_id="course/digiready",
                          timestamp=learner.created_at, data={"role": "learner"}))
    specs.append(dict(kind="launched", object_id=f"lti/{launch.target}", session_id=launch.id,
                      timestamp=launch.created_at or datetime.now(timezone.utc)))
    return [dict(spec, actor=learner.opaque_id, economy=learner.economy, source="lti")
            for spec in specs]


def page_viewed(db, launch, learner, path: str, title: str | None = None) -> None:
    _record(db, "viewed", learner, path, session_id=launch.id,
            data={"title": title} if title else None)


def _data(**values: Any) -> dict[str, Any] | None:
    """An event's data without its empty fields. ``content_version`` is the content (pack)
    version the learner used (xAPI context.revision): the final report's trial period
    compares module completion and re-assessments by it."""
    return {k: v for k, v in values.items() if v not in (None, "")} or None


def diagnostic_attempted(db, launch, learner, attempt) -> None:
    _record(db, "diagnostic.attempted", learner, f"diagnostic/{attempt.pack_id}",
            session_id=launch.id, data=_data(attempt=attempt.number,
                                       content_version=attempt.pack_version),
            profile={k: v for k, v in (attempt.profile or {}).items()
                     if k in ("gender", "age_band", "sector", "size")})


def diagnostic_completed(db, launch, learner, attempt) -> None:
    _record(db, "diagnostic.completed", learner, f"diagnostic/{attempt.pack_id}",
            session_id=launch.id, data=_data(attempt=attempt.number, result=attempt.result,
                                       content_version=attempt.pack_version))


def module_opened(db, launch, learner, module_id: str,
                  content_version: str | None = None) -> None:
    """The learner opened the module, on the content version live now (``pack.version``)."""
    _record(db, "module.progressed", learner, f"module/{module_id}", session_id=launch.id,
            data=_data(progress=10, content_version=content_version))


def module_completed(db, launch, learner, module_id: str, score: float | None,
                     content_version: str | None = None) -> None:
    _record(db, "module.completed", learner, f"module/{module_id}", session_id=launch.id,
            data=_data(score=score, content_version=content_version))
