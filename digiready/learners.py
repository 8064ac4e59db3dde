"""Learners: the one mapping from a platform's user to DigiReady's learner row.

``core_learner`` links (platform, external id) — an LTI issuer and ``sub``, the portal and a
registration, an Open edX course and anonymous id — to the learner's row id (what attempts
point to) and opaque id (the only identity analytics and xAPI statements ever carry). The LTI
launch, the events API (:func:`digiready.events.actor_for`) and the attempts repository all
go through these functions, so the rules (who wins when two requests create the same learner,
when the economy is filled in) are decided once.

Everything here runs on a SQLAlchemy ``Session`` or ``Connection`` with plain Core statements
built once: a learner is looked up or created on every launch, where the ORM's unit of work
(savepoint, flush, identity map) would cost more than the statements themselves. The caller
commits.
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from sqlalchemy import and_, bindparam, literal_column, select, text, update

from digiready.storage.engine import connection_of
from digiready.storage.models import Attempt, Learner

__all__ = ["ATTEMPT_STATUSES_SQL", "LANDING_STATUSES", "REMEMBERED_LEARNER_HOLDS_SQL", "LearnerRef",
           "RecentLearners",
           "create_learner", "create_learner_cte", "fill_economy", "find_learner",
           "find_learner_and_attempt_statuses", "find_or_create_learner",
           "remembered_learner_parameters"]


@dataclass(frozen=True)
class LearnerRef:
    """The columns of a ``core_learner`` row that callers use, without an ORM object.
    ``created``: the row was inserted by this call (the learner's first appearance)."""

    id: int
    opaque_id: str
    economy: str | None
    created_at: datetime | None
    created: bool = False


_table = Learner.__table__
_FIND = select(_table.c.id, _table.c.opaque_id, _table.c.economy, _table.c.created_at).where(
    _table.c.platform == bindparam("platform"), _table.c.external_id == bindparam("external_id"))
_attempts = Attempt.__table__
# The attempt statuses that say where a learner's launch lands (see find_learner_and_attempt_
# statuses and ATTEMPT_STATUSES_SQL).
LANDING_STATUSES = ("in_progress", "completed")
_FIND_WITH_STATUSES = (
    select(_table.c.id, _table.c.opaque_id, _table.c.economy, _table.c.created_at,
           _attempts.c.status)
    .distinct()
    # The statuses written into the SQL: a tuple of values would be an "expanding"
    # parameter, which SQLAlchemy renders again at every execution (tens of µs a launch).
    .select_from(_table.outerjoin(_attempts, and_(
        _attempts.c.learner_id == _table.c.id, _attempts.c.status.in_(
            [literal_column(f"'{status}'") for status in LANDING_STATUSES]))))
    .where(_table.c.platform == bindparam("platform"),
           _table.c.external_id == bindparam("external_id")))
# Written out once (SQLite and PostgreSQL share the syntax): the dialects' ``insert()
# .on_conflict_do_nothing()`` constructs carry no cache key and would be compiled again at
# every call. The typed parameter and columns keep SQLAlchemy's datetime conversion.
_CREATE = text(
    "INSERT INTO core_learner (opaque_id, platform, external_id, economy, synthetic, created_at) "
    "VALUES (:opaque_id, :platform, :external_id, :economy, :synthetic, :created_at) "
    "ON CONFLICT (platform, external_id) DO NOTHING "
    "RETURNING id, opaque_id, economy, created_at"
).bindparams(
    bindparam("synthetic", type_=_table.c.synthetic.type),
    bindparam("created_at", type_=_table.c.created_at.type),
).columns(_table.c.id, _table.c.opaque_id, _table.c.economy, _table.c.created_at)
_SET_ECONOMY = update(_table).where(_table.c.id == bindparam("learner_id")).values(
    economy=bindparam("economy"))


def _ref(row, created: bool = False) -> LearnerRef:
    id_, opaque_id, economy, created_at = row
    if created_at is not None and created_at.tzinfo is None:  # SQLite keeps no time zone
        created_at = created_at.replace(tzinfo=timezone.utc)
    return LearnerRef(id_, opaque_id, economy, created_at, created)


def _key(platform: str, external_id: str) -> dict[str, str]:
    return {"platform": platform[:255], "external_id": str(external_id)[:255]}


def _economy(economy: str | None) -> str | None:
    return economy.lower()[:8] if economy else None


def find_learner(db, platform: str, external_id: str) -> LearnerRef | None:
    """The learner known as ``external_id`` on ``platform``, if any (reads only)."""
    row = connection_of(db).execute(_FIND, _key(platform, external_id)).first()
    return _ref(row) if row is not None else None


def find_learner_and_attempt_statuses(
        db, platform: str, external_id: str) -> tuple[LearnerRef | None, frozenset[str]]:
    """The learner, if any, and which of "in_progress" and "completed" their diagnostic
    attempts include, in one query: what a launch needs to know where to land."""
    rows = connection_of(db).execute(_FIND_WITH_STATUSES, _key(platform, external_id)).all()
    if not rows:
        return None, frozenset()
    return _ref(rows[0][:4]), frozenset(row[4] for row in rows if row[4] is not None)


def create_learner(db, platform: str, external_id: str, *, economy: str | None = None,
                   synthetic: bool = False) -> LearnerRef:
    """Insert the learner, or return the existing row when there is one.

    Insert first: for a caller that has just looked and found nothing (a first launch, a new
    registration) that is one statement. Two requests may create the same learner at once (a
    double click on the LMS link); the unique (platform, external_id) constraint lets one
    insert win, and the other, which gets no row back, reads the winner's — a learner never
    has two rows, and only the winner's result says ``created``."""
    conn = connection_of(db)
    key = _key(platform, external_id)
    row = conn.execute(_CREATE, {
        **key, "opaque_id": str(uuid.uuid4()), "economy": _economy(economy),
        "synthetic": bool(synthetic), "created_at": datetime.now(timezone.utc)}).first()
    if row is not None:
        return _ref(row, created=True)
    return fill_economy(conn, _ref(conn.execute(_FIND, key).one()), economy)


def create_learner_cte(platform: str, external_id: str, *, economy: str | None = None,
                       synthetic: bool = False) -> tuple[str, dict, LearnerRef]:
    """:func:`create_learner` as a data-modifying CTE named ``learner`` (PostgreSQL, psycopg
    parameters ``%(learner_...)s``), for a caller that writes the learner with its own rows
    in one statement (an LTI launch): ``(cte, parameters, learner)``. ``learner`` is what the
    row will hold, with ``id`` 0: the caller reads the id from ``SELECT id FROM learner``.
    When that gives nothing, another request created the learner first (the unique key
    decided, as in :func:`create_learner`): the caller must roll back and take the general
    path, whose :func:`create_learner` reads the winner's row."""
    key = _key(platform, external_id)
    ref = LearnerRef(0, str(uuid.uuid4()), _economy(economy), datetime.now(timezone.utc), True)
    params = {"learner_opaque_id": ref.opaque_id, "learner_platform": key["platform"],
              "learner_external_id": key["external_id"], "learner_economy": ref.economy,
              "learner_synthetic": bool(synthetic), "learner_created_at": ref.created_at}
    return _CREATE_CTE, params, ref


_CREATE_CTE = (
    "learner AS (INSERT INTO core_learner (opaque_id, platform, external_id, economy, synthetic, "
    "created_at) VALUES (%(learner_opaque_id)s, %(learner_platform)s, %(learner_external_id)s, "
    "%(learner_economy)s, %(learner_synthetic)s, %(learner_created_at)s) "
    "ON CONFLICT (platform, external_id) DO NOTHING RETURNING id)")


def fill_economy(db, learner: LearnerRef, economy: str | None) -> LearnerRef:
    """Record the learner's economy when it was unknown (a first economy is never replaced:
    the reports count each learner in one economy)."""
    economy = _economy(economy)
    if not economy or learner.economy:
        return learner
    connection_of(db).execute(_SET_ECONOMY, {"learner_id": learner.id, "economy": economy})
    return replace(learner, economy=economy)


def find_or_create_learner(db, platform: str, external_id: str, *, economy: str | None = None,
                           synthetic: bool = False, likely_new: bool = False) -> LearnerRef:
    """The learner known as ``external_id`` on ``platform``, created on first use; its
    economy is filled in when it was unknown. ``likely_new``: the caller knows the user is
    new (it has just created them), so the insert is tried first — the result is the same,
    with one statement instead of two."""
    if not likely_new:
        found = find_learner(db, platform, external_id)
        if found is not None:
            return fill_economy(db, found, economy)
    return create_learner(db, platform, external_id, economy=economy, synthetic=synthetic)


class RecentLearners:
    """The learners a process has met lately, by (platform, external id), at most ``size``
    of them (the least recently used go first). Thread-safe.

    What a remembered learner saves is the read before a write: a returning learner's launch
    on PostgreSQL becomes one statement instead of two. It is only a guess: another process
    may have filled in the learner's economy or erased the learner since. So a caller that
    writes with a remembered learner checks, in the same statement, that the row still holds
    exactly that (:data:`REMEMBERED_LEARNER_HOLDS_SQL`), writes nothing when it does not,
    forgets the learner (:meth:`forget`) and reads the row again."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._learners: OrderedDict[tuple[str, str], LearnerRef] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, platform: str, external_id: str) -> LearnerRef | None:
        key = _recent_key(platform, external_id)
        with self._lock:
            learner = self._learners.get(key)
            if learner is not None:
                self._learners.move_to_end(key)
            return learner

    def remember(self, platform: str, external_id: str, learner: LearnerRef) -> None:
        key = _recent_key(platform, external_id)
        with self._lock:
            self._learners[key] = replace(learner, created=False)
            self._learners.move_to_end(key)
            while len(self._learners) > self._size:
                self._learners.popitem(last=False)

    def forget(self, platform: str, external_id: str) -> None:
        with self._lock:
            self._learners.pop(_recent_key(platform, external_id), None)

    def clear(self) -> None:
        with self._lock:
            self._learners.clear()


def _recent_key(platform: str, external_id: str) -> tuple[str, str]:
    key = _key(platform, external_id)
    return key["platform"], key["external_id"]


# For one statement that writes with a remembered learner (PostgreSQL, psycopg parameters):
# 1 when the row still has the id, opaque id and economy the caller remembers, else 0 (the
# caller makes its statement fail on 0: nothing written, the row read again).
REMEMBERED_LEARNER_HOLDS_SQL = (
    "(SELECT count(*) FROM core_learner WHERE id = %(known_learner_id)s "
    "AND opaque_id = %(known_learner_opaque_id)s "
    "AND economy IS NOT DISTINCT FROM %(known_learner_economy)s)")
# Which of "in_progress" and "completed" the learner's diagnostic attempts include, as an
# array (NULL: none), as find_learner_and_attempt_statuses reads them.
ATTEMPT_STATUSES_SQL = (
    "(SELECT array_agg(DISTINCT status) FROM core_attempt WHERE learner_id = "
    "%(known_learner_id)s AND status IN ("
    + ", ".join(f"'{status}'" for status in LANDING_STATUSES) + "))")


def remembered_learner_parameters(learner: LearnerRef) -> dict:
    """The parameters of :data:`REMEMBERED_LEARNER_HOLDS_SQL` and :data:`ATTEMPT_STATUSES_SQL`."""
    return {"known_learner_id": learner.id, "known_learner_opaque_id": learner.opaque_id,
            "known_learner_economy": learner.economy}
