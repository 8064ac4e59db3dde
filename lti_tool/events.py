"""The tool's learning events: one function per action, each called from exactly one place.

They go through the core API (:func:`digiready.events.record`), which stores them and turns
them into xAPI statements. Page events are written in a savepoint of the request's
transaction, so an analytics failure is logged and never breaks (or rolls back) a learner's
page. A launch's events are queued and written a moment later, batched with other
launches' (see :func:`launched`). Video player events come from the module page's
``<video>`` element (``data-module-id``, ``data-duration``) through the events area's player
script.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from datetime import datetime, timezone
from typing import Any

log = logging.getLogger("lti_tool.events")


def _events_api():
    try:
        from digiready import events
    except ImportError:  # the events area is not installed: log only
        return None
    return events


def _record(db, kind: str, learner, object_id: str, **kwargs: Any) -> None:
    if learner is None:
        return
    _record_all(db, learner, [dict(kind=kind, object_id=object_id, **kwargs)])


def _record_all(db, learner, specs: list[dict[str, Any]]) -> None:
    """Record the learner's events together: one savepoint and one batched write."""
    events = _events_api()
    if events is None:
        for spec in specs:
            log.info("event %s %s %s", spec["kind"], spec["object_id"], spec)
        return
    try:
        with db.begin_nested():
            if len(specs) == 1:
                spec = dict(specs[0])
                events.record(spec.pop("kind"), actor=learner.opaque_id, economy=learner.economy,
                              source="lti", db=db, **spec)
            else:
                events.record_many([dict(spec, actor=learner.opaque_id, economy=learner.economy,
                                         source="lti") for spec in specs], db=db)
    except Exception:  # noqa: BLE001 - analytics must never break the learner's flow
        log.exception("events %s could not be recorded", [s["kind"] for s in specs])


def launched(launch, learner) -> None:
    """Queue the launch's events ("registered" and "launched") for the writer thread (see
    ``BATCH_SECONDS``). Call it once the launch is committed."""
    if learner is None:
        return
    specs = []
    # "registered" is stamped with the learner's creation time: the same statement id at
    # every launch, so it is stored once, at the learner's first launch.
    if learner.created_at is not None:
        specs.append(dict(kind="registered", object_id="course/digiready",
                          timestamp=learner.created_at, data={"role": "learner"}))
    # Stamped now, not when the batch is written: the statement id includes the time, and
    # two launches of one learner in a batch are two events.
    specs.append(dict(kind="launched", object_id=f"lti/{launch.target}", session_id=launch.id,
                      timestamp=launch.created_at or datetime.now(timezone.utc)))
    from digiready.storage import database_url

    item = (database_url(), [dict(spec, actor=learner.opaque_id, economy=learner.economy,
                                  source="lti") for spec in specs])
    with _queue_lock:
        _queue.append(item)
    _start_writer()
    _wake.set()


# Launch events wait here, a few at a time. The launch is the tool's busiest write: its two
# events and their rollups cost as much CPU as the launch itself, and on SQLite every write
# holds the one write lock. A writer thread per worker stores what has queued up every
# BATCH_SECONDS in one transaction, so each launch's response goes out without them and
# their cost is shared by the launches of that interval. The price: the events reach the
# database up to BATCH_SECONDS (plus the write) after the launch, and a worker killed
# outright (SIGKILL, power loss) loses the events of its last interval's launches; the
# launches themselves were committed before their response, and a worker that stops
# normally writes its queue first.
BATCH_SECONDS = 0.1

_queue: list[tuple[str, list[dict[str, Any]]]] = []
_queue_lock = threading.Lock()
_writer = threading.Lock()
_wake = threading.Event()
_writer_pid = 0


def _start_writer() -> None:
    global _writer_pid
    if _writer_pid == os.getpid():
        return
    with _queue_lock:
        if _writer_pid == os.getpid():
            return
        _writer_pid = os.getpid()  # a forked worker starts its own
    threading.Thread(target=_write_periodically, name="lti-launch-events", daemon=True).start()


def _write_periodically() -> None:
    while True:
        _wake.wait()
        time.sleep(BATCH_SECONDS)  # let the launches of the next moments join this write
        _wake.clear()
        write_queued(wait=True)


def write_queued(wait: bool = True) -> None:
    """Write every queued launch event now. With ``wait`` (tests, shutdown), return once
    everything queued before the call is stored; without, return at once if another thread
    is writing (it takes what is queued before it stops)."""
    while True:
        if not _writer.acquire(blocking=wait):
            return
        try:
            while True:
                with _queue_lock:
                    batch, _queue[:] = list(_queue), []
                if not batch:
                    break
                _write(batch)
        finally:
            _writer.release()
        with _queue_lock:
            if not _queue:  # appended while the lock was being released: go round again
                return


def _write(batch: list[tuple[str, list[dict[str, Any]]]]) -> None:
    events = _events_api()
    if events is None:
        return
    from digiready.storage import session_scope
    from digiready.storage.engine import serialized_commit

    by_database: dict[str, list[list[dict[str, Any]]]] = {}
    for url, specs in batch:
        by_database.setdefault(url, []).append(specs)
    for url, launches in by_database.items():
        try:
            with session_scope(url) as db, serialized_commit(db):
                events.record_many([spec for specs in launches for spec in specs], db=db)
        except Exception:  # noqa: BLE001 - one bad launch must not cost the others theirs
            if len(launches) == 1:
                log.exception("events %s could not be recorded",
                              [spec["kind"] for spec in launches[0]])
                continue
            for specs in launches:
                _write([(url, specs)])


atexit.register(write_queued)


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
