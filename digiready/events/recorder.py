"""Recording events: the one write path every adapter uses.

``record`` is cheap (one INSERT, two for a completed diagnostic) and works inside the caller's
SQLAlchemy session (a Flask request, a CLI transaction) or on its own. Without SQLAlchemy (an
XBlock-only Open edX install) it still returns the event, whose ``statement()`` the XBlock
publishes through the runtime, and stores nothing.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from digiready import config
from digiready.events import segments as seg
from digiready.events.vocabulary import KINDS, VIDEO_KINDS

log = logging.getLogger(__name__)

# Namespaces of the UUIDv5 statement ids and of the fallback actor ids. Never change them:
# replays must keep producing the same ids so that the LRS drops duplicates.
STATEMENT_NAMESPACE = uuid.UUID("6f1d5e0c-3b7a-5d43-9a51-7c0de1ea4d10")
ACTOR_NAMESPACE = uuid.UUID("0b8a3f4e-51c2-5e7d-8f36-2a9d4c7e1b55")

PROFILE_FIELDS = ("economy", "gender", "age_band", "sector", "size")
# Everything an event may carry. Anything else is refused, so that no name, email or free
# text typed by a learner can slip into the analytics tables or an xAPI statement.
DATA_FIELDS = frozenset({
    "title", "language", "role", "attempt", "question", "response", "score", "level",
    "dimensions", "progress", "length", "time", "time_from", "time_to", "played_segments",
    "completion_threshold", "duration", "success", "course", "result",
    # The content (pack) version the learner used: trial-period comparisons of version 1
    # and version 2 read it; in xAPI it is the statement's context.revision.
    "content_version",
})
SOURCES = frozenset({"core", "lti", "xblock", "portal", "cli", "demo", "import"})
# xAPI limits checked when an event comes in, so that no statement the LRS would refuse is
# stored: a video's times within a day, a language tag as RFC 5646 shapes it.
MAX_SECONDS = 24 * 3600.0
MAX_SEGMENTS = 1000
MAX_SEGMENTS_TEXT = 40_000
MAX_LANGUAGE_TAG = 35
LANGUAGE_TAG = re.compile(
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language (extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|[xX](?:-[A-Za-z0-9]{1,8})+")  # a private-use tag alone
EPOCH = date(1970, 1, 1)


class EventError(ValueError):
    """An event the adapter built wrongly (unknown kind, missing actor, unknown data key)."""


@dataclass(frozen=True)
class Recorded:
    """An event as stored (or as it would be stored, without a database)."""

    statement_id: str
    kind: str
    actor: str
    object_id: str
    timestamp: datetime
    economy: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    source: str = "core"
    synthetic: bool = False
    progress: float | None = None
    score: float | None = None
    level: str | None = None
    stored: bool = False  # False: a duplicate of an earlier event, or no database

    def statement(self) -> dict[str, Any]:
        """The xAPI statement of this event (what the LRS and the Open edX runtime get)."""
        from digiready.events.xapi import build_statement

        return build_statement(self)


def _have_db() -> bool:
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        return False
    return True


def statement_id(actor: str, verb: str, object_id: str, timestamp: datetime,
                 session_id: str | None = None) -> str:
    """UUIDv5 over actor, verb, object, timestamp and session: the same event always gets the
    same id (a replay is stored once). The session is part of it because two sessions can
    do the same thing in the same millisecond (one learner's two launches, from two tabs or
    a double click, each with its own launch id) and both happened."""
    key = "|".join((actor, verb, object_id, _iso(timestamp)))
    if session_id:
        key += "|" + session_id
    return uuid5_text(STATEMENT_NAMESPACE, key)


def uuid5_text(namespace: uuid.UUID, name: str) -> str:
    """``str(uuid.uuid5(namespace, name))``, three times faster: the canonical text is
    written from the SHA-1 digest without building a UUID object (every stored event needs
    one; bulk imports and demo data store hundreds of thousands)."""
    digest = bytearray(hashlib.sha1(namespace.bytes + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _iso(ts: datetime) -> str:
    return ts.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _utc_ms(ts: datetime | None) -> datetime:
    ts = ts or datetime.now(timezone.utc)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    ts = ts.astimezone(timezone.utc)
    return ts.replace(microsecond=ts.microsecond // 1000 * 1000)


def _number(value: Any, name: str, low: float = 0.0, high: float | None = None) -> float:
    """A finite number in [low, high]. ``Infinity`` and ``NaN`` (which Python's JSON parser
    accepts) are refused: stored, they made the export non-JSON and stalled the LRS sender,
    and PostgreSQL's JSON refuses them outright."""
    if isinstance(value, bool):
        raise EventError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise EventError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise EventError(f"{name} must be a finite number, got {value!r}")
    if number < low or (high is not None and number > high):
        raise EventError(f"{name} out of range: {value!r}")
    return number


def _language(value: Any) -> str:
    """An RFC 5646 language tag (what xAPI's ``context.language`` and language maps hold),
    at most 35 characters, the length RFC 5646 asks implementations to support."""
    if not isinstance(value, str) or len(value) > MAX_LANGUAGE_TAG or not LANGUAGE_TAG.fullmatch(value):
        raise EventError(f"language must be a language tag such as en or es-419, got {str(value)[:40]!r}")
    return value


def _segments(value: Any) -> list[list[float]]:
    """Played segments, each bound finite and within a video's longest length."""
    if isinstance(value, str) and len(value) > MAX_SEGMENTS_TEXT:
        raise EventError("played_segments is too long")
    if not isinstance(value, str) and not isinstance(value, list | tuple):
        raise EventError(f"played_segments must be a list of [start, end], got {value!r:.40}")
    if isinstance(value, list | tuple) and len(value) > MAX_SEGMENTS:
        raise EventError(f"at most {MAX_SEGMENTS} played segments")
    segments = seg.parse(value)
    if len(segments) > MAX_SEGMENTS:
        raise EventError(f"at most {MAX_SEGMENTS} played segments")
    for start, end in segments:
        _number(start, "played segment start", 0, MAX_SECONDS)
        _number(end, "played segment end", 0, MAX_SECONDS)
    return [list(s) for s in segments]


def _normalise(kind: str, data: Mapping[str, Any] | None,
               profile: dict[str, Any]) -> tuple[dict[str, Any], float | None, float | None, str | None]:
    """Check and tidy the data of one event; returns (data, progress, score, level)."""
    data = dict(data or {})
    unknown = set(data) - DATA_FIELDS
    if unknown:
        raise EventError(f"{kind}: unknown data field(s) {', '.join(sorted(unknown))}")
    progress = score = None
    level = None
    if data.get("content_version") is not None:
        version = data["content_version"]
        if not isinstance(version, str) or not 0 < len(version) <= 32:
            raise EventError(f"content_version must be a version label of 1-32 characters, "
                             f"got {str(version)[:40]!r}")
    result = data.pop("result", None)
    if result is not None:  # a diagnose() result: keep only what analytics needs
        overall = result.get("overall") or {}
        data.setdefault("score", overall.get("score"))
        data.setdefault("level", overall.get("level"))
        data.setdefault("dimensions", {d["id"]: d.get("score") for d in result.get("dimensions", [])})
        for key in PROFILE_FIELDS:
            value = (result.get("profile") or {}).get(key)
            if value is not None:
                profile.setdefault(key, value)
    if data.get("language") is not None:
        data["language"] = _language(data["language"])
    if kind in VIDEO_KINDS:
        if "length" in data:
            data["length"] = _number(data["length"], "length", 0, MAX_SECONDS)
        for key in ("time", "time_from", "time_to"):
            if key in data:
                data[key] = _number(data[key], key, 0, MAX_SECONDS)
        if data.get("completion_threshold") is not None:
            data["completion_threshold"] = _number(data["completion_threshold"],
                                                   "completion_threshold", 0, 1)
        if "played_segments" in data:
            data["played_segments"] = _segments(data["played_segments"])
        if "progress" in data:
            progress = _number(data["progress"], "progress", 0, 100)
        elif data.get("played_segments") is not None and data.get("length"):
            progress = seg.coverage(seg.parse(data["played_segments"]), data["length"])
        if progress is not None:
            data["progress"] = progress
        if kind in {"video.paused", "video.completed", "video.terminated"} and "length" not in data:
            raise EventError(f"{kind} needs the video's length")
        if kind == "video.seeked" and not {"time_from", "time_to"} <= set(data):
            raise EventError("video.seeked needs time_from and time_to")
    elif kind.startswith("module."):
        if kind == "module.completed":
            data.setdefault("progress", 100)
        if "progress" in data:
            progress = data["progress"] = _number(data["progress"], "progress", 0, 100)
    if data.get("score") is not None:
        score = data["score"] = _number(data["score"], "score", 0, 100)
    if data.get("dimensions"):
        data["dimensions"] = {
            str(k): _number(v, f"dimension {k}", 0, 100)
            for k, v in data["dimensions"].items() if v is not None
        }
    if data.get("level") is not None:
        level = str(data["level"])[:32]
    clean = {k: v for k, v in data.items() if v is not None}
    try:  # whatever an adapter passed, what is stored is JSON (PostgreSQL would refuse it)
        json.dumps(clean, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise EventError(f"{kind}: data is not JSON ({exc})") from None
    return clean, progress, score, level


def build(kind: str, *, actor: str, object_id: str, economy: str | None = None,
          session_id: str | None = None, timestamp: datetime | None = None,
          data: Mapping[str, Any] | None = None, source: str = "core",
          synthetic: bool = False, profile: dict[str, Any] | None = None) -> Recorded:
    """Validate and shape an event without storing it (``record`` stores what this builds)."""
    spec = KINDS.get(kind)
    if spec is None:
        raise EventError(f"unknown event kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    if not actor or not isinstance(actor, str) or len(actor) > 64:
        raise EventError("actor must be an opaque id (see actor_for)")
    if not object_id or len(object_id) > 255:
        raise EventError("object_id must be 1-255 characters")
    if source not in SOURCES:
        raise EventError(f"unknown source {source!r}")
    ts = _utc_ms(timestamp)
    clean, progress, score, level = _normalise(kind, data, profile if profile is not None else {})
    economy = (economy or (profile or {}).get("economy") or None)
    session_id = str(session_id)[:64] if session_id else None
    return Recorded(
        statement_id=statement_id(actor, spec.verb, object_id, ts, session_id), kind=kind,
        actor=actor, object_id=object_id, timestamp=ts,
        economy=economy.lower() if economy else None, session_id=session_id, data=clean, source=source,
        synthetic=bool(synthetic), progress=progress, score=score, level=level,
    )


def _row(event: Recorded) -> dict[str, Any]:
    day = (event.timestamp.date() - EPOCH).days
    return {
        "statement_id": event.statement_id, "kind": event.kind, "actor": event.actor,
        "object_id": event.object_id, "economy": event.economy, "session_id": event.session_id,
        "timestamp": event.timestamp, "day": day,
        "month": event.timestamp.year * 100 + event.timestamp.month,
        "progress": event.progress, "score": event.score, "level": event.level,
        "source": event.source, "synthetic": event.synthetic, "data": event.data,
    }


def _insert(db, table):
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: replays are no-ops.
    ``db`` here and in the helpers below is a Connection (see
    :func:`digiready.storage.engine.connection_of`)."""
    if db.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


# Compiled statements, per dialect, statement name, column set and row mode. SQLAlchemy
# cannot cache the dialects' INSERT ... ON CONFLICT constructs (they carry no cache key), so
# left to it every event would build and compile five statements again: most of an event's
# CPU cost on a busy page. They are compiled once here and executed as ``Compiled`` objects,
# which keeps SQLAlchemy's type processing (datetimes, JSON, booleans) on both databases.
_COMPILED: dict[tuple, Any] = {}


def _compiled(db, name: str, make, keys: tuple[str, ...], many: bool):
    dialect = db.dialect
    key = (dialect.name, name, keys, many)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = make(db).compile(
            dialect=dialect, column_keys=list(keys), for_executemany=many)
    return compiled


def _many(db, name: str, make, rows: list[dict[str, Any]], returning: bool = False) -> list[tuple]:
    """Execute the statement ``make(db)`` builds (cached under ``name``) for many rows;
    with ``returning``, the statement's RETURNING rows come back.

    On PostgreSQL many rows go through psycopg's pipelined ``executemany`` with a one-row
    statement: SQLAlchemy's multi-row VALUES rendering makes psycopg re-parse a statement with
    thousands of placeholders per page, which is what limited bulk ingest. SQLite, and one
    row anywhere, take SQLAlchemy's path with the statement compiled once.
    """
    if not rows:
        return []
    keys = tuple(rows[0])
    if db.dialect.name != "postgresql" or len(rows) == 1:
        compiled = _compiled(db, name, make, keys, len(rows) > 1)
        result = db.execute(compiled, rows[0] if len(rows) == 1 else rows)
        return [tuple(r) for r in result] if returning else []
    from psycopg.types.json import Json

    sql = _compiled(db, name, make, keys, False).string
    params = [{k: (Json(v) if isinstance(v, (dict, list)) else v) for k, v in row.items()} for row in rows]
    raw = db.connection.driver_connection
    out: list[tuple] = []
    with raw.cursor() as cur:
        cur.executemany(sql, params, returning=returning)
        if returning:
            while True:
                out.extend(cur.fetchall())
                if not cur.nextset():
                    break
    return out


def _event_insert(db):
    from digiready.events.models import Event

    t = Event.__table__
    return (_insert(db, t).on_conflict_do_nothing(index_elements=["statement_id"])
            .returning(t.c.id, t.c.statement_id))


def _plain_insert(model_name: str):
    def make(db):
        from digiready.events import models

        return _insert(db, getattr(models, model_name).__table__)
    return make


def _outbox_insert(db):
    from digiready.events.models import Outbox

    return _insert(db, Outbox.__table__).on_conflict_do_nothing()


def _store(db, events: list[Recorded], profiles: dict[str, dict[str, Any]],
           soft_profiles: dict[str, dict[str, Any]] | None = None) -> set[str]:
    """Insert events (skipping known statement ids), their dimension scores, outbox rows and
    actor profiles. Returns the statement ids actually inserted."""
    from digiready.storage.engine import connection_of

    db = connection_of(db)
    if not events:
        return set()
    if (db.dialect.name == "postgresql" and len(events) <= ONE_STATEMENT_MAX
            and not any(e.kind == "diagnostic.completed" for e in events)):
        stored = _store_in_one_statement(db, events)
    else:
        stored = _store_and_roll_up(db, events)
    if soft_profiles:
        _upsert_profiles(db, {a: p for a, p in soft_profiles.items() if a not in profiles}, soft=True)
    if profiles:
        _upsert_profiles(db, profiles)
    return stored


def _store_and_roll_up(db, events: list[Recorded]) -> set[str]:
    inserted: dict[str, int] = {}
    rows = [_row(e) for e in events]
    for start in range(0, len(rows), 5000):
        chunk = rows[start:start + 5000]
        result = _many(db, "event", _event_insert, chunk, returning=True)
        inserted.update({sid: eid for eid, sid in result})
    completed = [e for e in events if e.statement_id in inserted and e.kind == "diagnostic.completed"]
    if completed:
        _many(db, "result", _plain_insert("Result"), [
            {"event_id": inserted[e.statement_id], "actor": e.actor, "economy": e.economy,
             "day": (e.timestamp.date() - EPOCH).days, "score": e.score, "level": e.level}
            for e in completed])
        scores = [{"event_id": inserted[e.statement_id], "dimension": dim, "score": value}
                  for e in completed for dim, value in (e.data.get("dimensions") or {}).items()]
        if scores:
            _many(db, "dimension_score", _plain_insert("DimensionScore"), scores)
    # Synthetic (demo) events never go to a real LRS.
    forward = [inserted[e.statement_id] for e in events
               if e.statement_id in inserted and not e.synthetic]
    if config.get("LRS_URL") and forward:
        now = datetime.now(timezone.utc)
        outbox = [{"event_id": eid, "attempts": 0, "next_attempt_at": now, "last_error": None}
                  for eid in forward]
        _many(db, "outbox", _outbox_insert, outbox)
    _roll_up(db, [e for e in events if e.statement_id in inserted])
    return set(inserted)


# A few events at a time (a launch's, a page view) on PostgreSQL: the events, their outbox
# rows and all three rollups in one statement (data-modifying CTEs) instead of four to five
# round trips. The rollups are computed from the rows the INSERT actually returned, so a
# replayed event counts nowhere, as in :func:`_roll_up` (same rules, in SQL). Completed
# diagnostics (results and dimension scores keyed by event id) take the general path.
ONE_STATEMENT_MAX = 50
_EVENT_COLUMNS = ("statement_id", "kind", "actor", "object_id", "economy", "session_id",
                  "timestamp", "day", "month", "progress", "score", "level", "source",
                  "synthetic", "data")


def _one_statement_sql(rows: int, outbox: bool) -> str:
    return "WITH " + _events_ctes(rows, outbox) + " SELECT statement_id FROM ev"


def _cte_parts(rows: int, outbox: bool) -> tuple[str, str, str]:
    """What both rollup statements share: the VALUES of ``rows`` events (parameters
    ``%(column_n)s``), the rollup counters over ``ev``, and the outbox CTE (when wanted)."""
    values = ", ".join(
        "(" + ", ".join(f"%({c}_{n})s" for c in _EVENT_COLUMNS) + ")" for n in range(rows))
    counters = ", ".join(
        f"count(*) FILTER (WHERE kind IN ({', '.join(repr(k) for k, c in ROLLUP_COLUMNS.items() if c == column)})) AS {column}"
        for column in COUNTERS[1:])
    outbox_cte = ("outbox AS (INSERT INTO events_outbox (event_id, attempts, next_attempt_at, "
                  "last_error) SELECT id, 0, now(), NULL FROM ev WHERE NOT synthetic "
                  "ON CONFLICT DO NOTHING), " if outbox else "")
    return values, counters, outbox_cte


def _add(table: str, columns) -> str:
    """``SET`` clauses adding the excluded row's counters to the stored ones."""
    return ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)


def _events_ctes(rows: int, outbox: bool) -> str:
    """The data-modifying CTEs (``ev``, ``outbox``, ``cells``, ``daily``, ``marked``,
    ``monthly``, ``total``) that store ``rows`` events (parameters ``%(column_n)s``) and
    roll them up."""
    values, counters, outbox_cte = _cte_parts(rows, outbox)
    return (
        f"ev AS (INSERT INTO events_event ({', '.join(_EVENT_COLUMNS)}) VALUES {values} "
        "ON CONFLICT (statement_id) DO NOTHING "
        "RETURNING id, statement_id, kind, actor, day, month, economy, synthetic), "
        + outbox_cte +
        "cells AS (SELECT actor, day, coalesce(economy, '') AS economy, min(month) AS month, "
        f"min(id) AS first_id, count(*) AS events, {counters} "
        "FROM ev GROUP BY actor, day, coalesce(economy, '')), "
        f"daily AS (INSERT INTO events_daily (actor, day, economy, month, {', '.join(COUNTERS)}) "
        f"SELECT actor, day, economy, month, {', '.join(COUNTERS)} FROM cells "
        "ON CONFLICT (actor, day, economy) DO UPDATE SET "
        f"{_add('events_daily', COUNTERS)} RETURNING actor, day, economy, visits), "
        # A learner-day's first visit: the day's visits are exactly the ones added now.
        "marked AS (SELECT c.*, CASE WHEN c.visits > 0 AND d.visits = c.visits THEN 1 "
        "ELSE 0 END AS new_day FROM cells c JOIN daily d USING (actor, day, economy)), "
        "monthly AS (INSERT INTO events_monthly (actor, month, economy, visits, visit_days) "
        "SELECT actor, month, economy, sum(visits), sum(new_day) FROM marked "
        "GROUP BY actor, month, economy HAVING sum(visits) > 0 "
        "ON CONFLICT (actor, month, economy) DO UPDATE SET "
        f"{_add('events_monthly', ('visits', 'visit_days'))}), "
        f"total AS (INSERT INTO events_actor_total (actor, economy, {', '.join(COUNTERS)}, "
        # The learner's economy in the first cell stored, as in _roll_up.
        "visit_days) SELECT actor, (array_agg(economy ORDER BY first_id))[1], "
        f"{', '.join(f'sum({c})' for c in COUNTERS)}, sum(new_day) FROM marked GROUP BY actor "
        "ON CONFLICT (actor) DO UPDATE SET "
        f"{_add('events_actor_total', (*COUNTERS, 'visit_days'))}, "
        "economy = CASE WHEN events_actor_total.economy = '' THEN excluded.economy "
        "ELSE events_actor_total.economy END)")


def _one_cell_ctes(rows: int, outbox: bool) -> str:
    """:func:`_events_ctes` for events that all share one learner-day (actor, day and
    economy: an LTI launch's), whose cell is known before the statement (the first event's
    parameters). Same rows, same rules, a smaller plan: no grouping, join or sort for
    PostgreSQL to set up at every execution (a third of a launch's database CPU was the
    general rollup's)."""
    values, counters, outbox_cte = _cte_parts(rows, outbox)
    return (
        f"ev AS (INSERT INTO events_event ({', '.join(_EVENT_COLUMNS)}) VALUES {values} "
        "ON CONFLICT (statement_id) DO NOTHING RETURNING id, statement_id, kind, synthetic), "
        + outbox_cte +
        # One row, events = 0 when every event was there already (then nothing is added).
        f"cell AS (SELECT count(*) AS events, {counters} FROM ev), "
        f"daily AS (INSERT INTO events_daily (actor, day, economy, month, {', '.join(COUNTERS)}) "
        "SELECT %(actor_0)s, %(day_0)s, coalesce(%(economy_0)s, ''), %(month_0)s, "
        f"{', '.join(COUNTERS)} FROM cell WHERE events > 0 "
        "ON CONFLICT (actor, day, economy) DO UPDATE SET "
        f"{_add('events_daily', COUNTERS)} RETURNING visits), "
        # The learner-day's first visit: the day's visits are exactly the ones added now.
        "marked AS (SELECT c.*, CASE WHEN c.visits > 0 AND d.visits = c.visits THEN 1 "
        "ELSE 0 END AS new_day FROM cell c CROSS JOIN daily d), "
        "monthly AS (INSERT INTO events_monthly (actor, month, economy, visits, visit_days) "
        "SELECT %(actor_0)s, %(month_0)s, coalesce(%(economy_0)s, ''), visits, new_day "
        "FROM marked WHERE visits > 0 "
        "ON CONFLICT (actor, month, economy) DO UPDATE SET "
        f"{_add('events_monthly', ('visits', 'visit_days'))}), "
        f"total AS (INSERT INTO events_actor_total (actor, economy, {', '.join(COUNTERS)}, "
        "visit_days) SELECT %(actor_0)s, coalesce(%(economy_0)s, ''), "
        f"{', '.join(COUNTERS)}, new_day FROM marked "
        "ON CONFLICT (actor) DO UPDATE SET "
        f"{_add('events_actor_total', (*COUNTERS, 'visit_days'))}, "
        "economy = CASE WHEN events_actor_total.economy = '' THEN excluded.economy "
        "ELSE events_actor_total.economy END)")


_ONE_STATEMENT: dict[tuple[int, bool], str] = {}
_PARTS: dict[tuple[int, bool, int, bool], str] = {}


def one_statement_parts(built: tuple[list[Recorded], dict, dict]) -> tuple[str, dict] | None:
    """What :func:`store_built` would write, as data-modifying CTEs for a caller that puts
    them in its own statement on PostgreSQL (an LTI launch: nonce, learner, launch and its
    events in one round trip): ``(ctes, parameters)``; the events' CTE is ``ev`` (RETURNING
    ``statement_id``), soft profiles ``prof_n``. The rollups follow the same rules as
    :func:`_store_in_one_statement`. None when the events need the general path (none,
    too many, a completed diagnostic, or profiles to update): call :func:`store_built`."""
    events, profiles, soft = built
    if (not events or profiles or len(events) > ONE_STATEMENT_MAX
            or any(e.kind == "diagnostic.completed" for e in events)):
        return None
    from psycopg.types.json import Json

    outbox = bool(config.get("LRS_URL"))
    first = events[0]
    one_cell = all(e.actor == first.actor and (e.economy or "") == (first.economy or "")
                   and e.timestamp.date() == first.timestamp.date() for e in events)
    key = (len(events), outbox, len(soft), one_cell)
    sql = _PARTS.get(key)
    if sql is None:
        # A profile created with the event's economy when the actor has none (the soft
        # profiles of _upsert_profiles; never overwritten).
        profiles_sql = "".join(
            f", prof_{n} AS (INSERT INTO events_actor (actor, economy, gender, age_band, "
            f"sector, size, synthetic, updated_at) VALUES (%(prof_actor_{n})s, "
            f"%(prof_economy_{n})s, NULL, NULL, NULL, NULL, %(prof_synthetic_{n})s, now()) "
            "ON CONFLICT (actor) DO NOTHING)" for n in range(len(soft)))
        sql = _PARTS[key] = ((_one_cell_ctes if one_cell else _events_ctes)(len(events), outbox)
                             + profiles_sql)
    params: dict[str, Any] = {}
    for n, event in enumerate(events):
        for column, value in _row(event).items():
            params[f"{column}_{n}"] = Json(value) if column == "data" else value
    for n, (actor, values) in enumerate(soft.items()):
        params[f"prof_actor_{n}"] = actor
        params[f"prof_economy_{n}"] = str(values["economy"]).lower()[:8]
        params[f"prof_synthetic_{n}"] = bool(values.get("synthetic", False))
    return sql, params


def _store_in_one_statement(db, events: list[Recorded]) -> set[str]:
    from psycopg.types.json import Json

    outbox = bool(config.get("LRS_URL"))
    key = (len(events), outbox)
    sql = _ONE_STATEMENT.get(key)
    if sql is None:
        sql = _ONE_STATEMENT[key] = _one_statement_sql(len(events), outbox)
    params: dict[str, Any] = {}
    for n, event in enumerate(events):
        for column, value in _row(event).items():
            params[f"{column}_{n}"] = Json(value) if column == "data" else value
    with db.connection.driver_connection.cursor() as cur:
        cur.execute(sql, params)
        return {row[0] for row in cur.fetchall()}


ROLLUP_COLUMNS = {"registered": "registered", "launched": "visits", "viewed": "visits",
                  "diagnostic.attempted": "starts", "diagnostic.completed": "completions",
                  "video.played": "plays"}
COUNTERS = ("events", "registered", "visits", "starts", "completions", "plays")


def _roll_up(db, events: list[Recorded]) -> None:
    """Add newly stored events to the rollups: per learner-day (``events_daily``), per
    learner-month (``events_monthly``) and per learner (``events_actor_total``)."""
    if not events:
        return
    cells: dict[tuple[str, int, str], dict[str, int]] = {}
    for e in events:
        day = (e.timestamp.date() - EPOCH).days
        key = (e.actor, day, e.economy or "")
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = {"actor": e.actor, "day": day, "economy": e.economy or "",
                                 "month": e.timestamp.year * 100 + e.timestamp.month,
                                 **dict.fromkeys(COUNTERS, 0)}
        cell["events"] += 1
        column = ROLLUP_COLUMNS.get(e.kind)
        if column:
            cell[column] += 1
    # RETURNING the updated visits tells which learner-days got their first visit now.
    returned = _many(db, "daily", _daily_upsert, list(cells.values()), returning=True)
    first_visit = {(a, d, e) for a, d, e, visits in returned
                   if cells[(a, d, e)]["visits"] and visits == cells[(a, d, e)]["visits"]}
    months: dict[tuple[str, int, str], dict[str, int]] = {}
    totals: dict[str, dict[str, Any]] = {}
    for key, cell in cells.items():
        new_day = int(key in first_visit)
        m = months.setdefault((cell["actor"], cell["month"], cell["economy"]), {
            "actor": cell["actor"], "month": cell["month"], "economy": cell["economy"],
            "visits": 0, "visit_days": 0})
        m["visits"] += cell["visits"]
        m["visit_days"] += new_day
        t = totals.setdefault(cell["actor"], {"actor": cell["actor"], "economy": cell["economy"],
                                              "visit_days": 0, **dict.fromkeys(COUNTERS, 0)})
        t["visit_days"] += new_day
        for c in COUNTERS:
            t[c] += cell[c]
    monthly = [m for m in months.values() if m["visits"]]
    if monthly:
        _many(db, "monthly", _monthly_upsert, monthly)
    _many(db, "total", _total_upsert, list(totals.values()))


def _daily_upsert(db):
    from digiready.events.models import DailyActivity

    table = DailyActivity.__table__
    stmt = _insert(db, table)
    return stmt.on_conflict_do_update(
        index_elements=["actor", "day", "economy"],
        set_={c: table.c[c] + stmt.excluded[c] for c in COUNTERS},
    ).returning(table.c.actor, table.c.day, table.c.economy, table.c.visits)


def _monthly_upsert(db):
    from digiready.events.models import MonthlyActivity

    mt = MonthlyActivity.__table__
    stmt = _insert(db, mt)
    return stmt.on_conflict_do_update(
        index_elements=["actor", "month", "economy"],
        set_={c: mt.c[c] + stmt.excluded[c] for c in ("visits", "visit_days")})


def _total_upsert(db):
    from sqlalchemy import literal_column

    from digiready.events.models import ActorTotal

    tt = ActorTotal.__table__
    stmt = _insert(db, tt)
    return stmt.on_conflict_do_update(
        index_elements=["actor"],
        set_={**{c: tt.c[c] + stmt.excluded[c] for c in (*COUNTERS, "visit_days")},
              # keep the first economy seen; fill it when it was unknown
              "economy": literal_column("CASE WHEN events_actor_total.economy = '' THEN "
                                        "excluded.economy ELSE events_actor_total.economy END")})


def rebuild_rollup(db) -> None:
    """Recompute the rollups from the events (after deleting events, or to check them)."""
    from sqlalchemy import case, delete, func, insert, select

    from digiready.events.models import ActorTotal, DailyActivity, Event, MonthlyActivity

    for table in (DailyActivity, MonthlyActivity, ActorTotal):
        db.execute(delete(table))
    columns = [func.count()]
    for counter in COUNTERS[1:]:
        kinds = [k for k, c in ROLLUP_COLUMNS.items() if c == counter]
        columns.append(func.sum(case((Event.kind.in_(kinds), 1), else_=0)))
    economy = func.coalesce(Event.economy, "")
    query = select(Event.actor, Event.day, economy, func.min(Event.month), *columns).group_by(
        Event.actor, Event.day, economy)
    db.execute(insert(DailyActivity).from_select(
        ["actor", "day", "economy", "month", *COUNTERS], query))
    D = DailyActivity
    db.execute(insert(MonthlyActivity).from_select(
        ["actor", "month", "economy", "visits", "visit_days"],
        select(D.actor, D.month, D.economy, func.sum(D.visits), func.count())
        .where(D.visits > 0).group_by(D.actor, D.month, D.economy)))
    db.execute(insert(ActorTotal).from_select(
        ["actor", "economy", *COUNTERS, "visit_days"],
        select(D.actor, func.min(D.economy), *[func.sum(getattr(D, c)) for c in COUNTERS],
               func.sum(case((D.visits > 0, 1), else_=0))).group_by(D.actor)))


def purge(db, *, synthetic_economies: list[str]) -> None:
    """Delete the synthetic events (and their rollups and profiles) of some economies."""
    from sqlalchemy import delete, select

    from digiready.events.models import ActorProfile, ActorTotal, DailyActivity, Event, MonthlyActivity

    actors = select(ActorProfile.actor).where(ActorProfile.synthetic.is_(True),
                                              ActorProfile.economy.in_(synthetic_economies))
    for table in (DailyActivity, MonthlyActivity, ActorTotal):
        db.execute(delete(table).where(table.actor.in_(actors)))
    db.execute(delete(Event).where(Event.synthetic.is_(True), Event.economy.in_(synthetic_economies)))
    db.execute(delete(ActorProfile).where(ActorProfile.synthetic.is_(True),
                                          ActorProfile.economy.in_(synthetic_economies)))


def _upsert_profiles(db, profiles: dict[str, dict[str, Any]], *, soft: bool = False) -> None:
    """Insert or update actor profiles, one executemany per set of known fields. ``soft``:
    only create missing profiles (the economy an event carried), never overwrite."""
    from digiready.events.models import ActorProfile
    from digiready.storage.engine import connection_of

    db = connection_of(db)
    now = datetime.now(timezone.utc)
    table = ActorProfile.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for actor, values in profiles.items():
        known = {k: str(v)[:16] for k, v in values.items()
                 if k in PROFILE_FIELDS and v not in (None, "")}
        if "economy" in known:
            known["economy"] = known["economy"].lower()[:8]
        row = {"actor": actor, "synthetic": bool(values.get("synthetic", False)),
               "updated_at": now, **{k: None for k in PROFILE_FIELDS}, **known}
        groups.setdefault(tuple(sorted(known)), []).append(row)
    for keys, rows in groups.items():
        def make(db, keys=keys):
            stmt = _insert(db, table)
            if soft:
                return stmt.on_conflict_do_nothing(index_elements=["actor"])
            # Update only what this call knows; a later partial profile erases nothing.
            update = {k: stmt.excluded[k] for k in keys} | {"updated_at": stmt.excluded.updated_at}
            return stmt.on_conflict_do_update(index_elements=["actor"], set_=update)
        _many(db, f"profile:{'soft' if soft else 'update'}:{','.join(keys)}", make, rows)


def record(kind: str, *, actor: str, object_id: str, economy: str | None = None,
           session_id: str | None = None, timestamp: datetime | None = None,
           data: Mapping[str, Any] | None = None, profile: Mapping[str, Any] | None = None,
           source: str = "core", synthetic: bool = False, db=None) -> Recorded:
    """Record one event; see the package docstring for the kinds and their data.

    ``db``: a SQLAlchemy ``Session`` to write in (the caller commits) or ``None`` to write
    in a short transaction of its own. A replay (same actor, kind, object and timestamp) is
    ignored and comes back with ``stored=False``.
    """
    profile_dict = dict(profile or {})
    event = build(kind, actor=actor, object_id=object_id, economy=economy,
                  session_id=session_id, timestamp=timestamp, data=data, source=source,
                  synthetic=synthetic, profile=profile_dict)
    if profile_dict and event.economy:
        profile_dict.setdefault("economy", event.economy)
    profiles = {actor: {**profile_dict, "synthetic": synthetic}} if profile_dict else {}
    soft = {actor: {"economy": event.economy, "synthetic": synthetic}} if event.economy else {}
    if not _have_db():
        log.debug("no database: event %s not stored", event.statement_id)
        return event
    if db is not None:
        stored = _store(db, [event], profiles, soft)
    else:
        from digiready.storage import session_scope

        with session_scope() as own:
            stored = _store(own, [event], profiles, soft)
    return _replace(event, stored=event.statement_id in stored)


def record_many(events: Iterable[Mapping[str, Any]], *, db=None) -> int:
    """Record many events at once (imports, demo data, benchmarks): each mapping holds the
    keyword arguments of :func:`record`. Returns how many were new."""
    built, profiles, soft = build_many(events)
    if db is not None:
        return len(_store(db, built, profiles, soft))
    from digiready.storage import session_scope

    with session_scope() as own:
        return len(_store(own, built, profiles, soft))


def build_many(events: Iterable[Mapping[str, Any]]) -> tuple[list[Recorded], dict, dict]:
    """Validate and shape events without storing them: (events, profiles, soft profiles),
    what :func:`store_built` stores. Raises :class:`EventError` before anything is written."""
    built: list[Recorded] = []
    profiles: dict[str, dict[str, Any]] = {}
    soft: dict[str, dict[str, Any]] = {}
    for spec in events:
        spec = dict(spec)
        profile = dict(spec.pop("profile", None) or {})
        kind = spec.pop("kind")
        event = build(kind, profile=profile, **spec)
        built.append(event)
        if profile:
            if event.economy:
                profile.setdefault("economy", event.economy)
            profiles.setdefault(event.actor, {"synthetic": event.synthetic}).update(profile)
        elif event.economy and event.actor not in soft:
            soft[event.actor] = {"economy": event.economy, "synthetic": event.synthetic}
    return built, profiles, soft


def store_built(db, built: tuple[list[Recorded], dict, dict]) -> int:
    """Store what :func:`build_many` built, in ``db``'s transaction (no savepoint): the
    events commit with the caller's writes or not at all. Returns how many were new."""
    events, profiles, soft = built
    return len(_store(db, events, profiles, soft))


def _replace(event: Recorded, **changes: Any) -> Recorded:
    from dataclasses import replace

    return replace(event, **changes)


def actor_for(platform: str, external_id: str, *, economy: str | None = None,
              synthetic: bool = False, db=None, likely_new: bool = False) -> str:
    """The opaque id of a platform user, creating the mapping on first use.

    The mapping (``core_learner``: platform + external id -> opaque id) stays in the app
    database; only the opaque id ever leaves it. Without a database (XBlock-only installs,
    where ``external_id`` is already Open edX's anonymous id) the id is a UUIDv5 of the pair.
    ``likely_new``: the caller has just created the user (a new registration), so the
    mapping is inserted first and only read back if it already existed; one statement
    instead of two. The result is the same either way.
    """
    if not platform or not external_id:
        raise EventError("actor_for needs a platform and an external id")
    if not _have_db():
        return str(uuid.uuid5(ACTOR_NAMESPACE, f"{platform}|{external_id}"))
    if db is not None:
        return _actor_for(db, platform, str(external_id), economy, synthetic, likely_new)
    from digiready.storage import session_scope

    with session_scope() as own:
        return _actor_for(own, platform, str(external_id), economy, synthetic, likely_new)


def _actor_for(db, platform: str, external_id: str, economy: str | None, synthetic: bool,
               likely_new: bool = False) -> str:
    from digiready.learners import find_or_create_learner

    return find_or_create_learner(db, platform, external_id, economy=economy,
                                  synthetic=synthetic, likely_new=likely_new).opaque_id


def forget_actor(platform: str, external_id: str, *, db=None) -> bool:
    """Delete the link between a platform user and their opaque id (the user was deleted).
    Their events stay, pseudonymous and no longer linkable. Returns whether a link existed."""
    if not _have_db():
        return False
    from sqlalchemy import update

    from digiready.storage.models import Learner

    stmt = (update(Learner.__table__)
            .where(Learner.__table__.c.platform == platform, Learner.__table__.c.external_id == str(external_id))
            .values(external_id=None))
    if db is not None:
        return db.execute(stmt).rowcount > 0
    from digiready.storage import session_scope

    with session_scope() as own:
        return own.execute(stmt).rowcount > 0


def set_profile(actor: str, *, db=None, synthetic: bool = False, **profile: Any) -> None:
    """Record the business profile behind an actor (economy, gender, age band, sector,
    size), for the indicators' filters. Unknown keys are ignored; None leaves a field."""
    if not _have_db():
        return
    values = {**profile, "synthetic": synthetic}
    if db is not None:
        _upsert_profiles(db, {actor: values})
        return
    from digiready.storage import session_scope

    with session_scope() as own:
        _upsert_profiles(own, {actor: values})
