"""A launch's whole write in one statement on PostgreSQL.

The write step of a launch (see :mod:`lti_tool.launch.views`) is: use the nonce up, create
the learner at their first launch, store the launch, record its events and their rollups.
On PostgreSQL these go to the database as one statement of data-modifying CTEs: one round
trip instead of four or five, and one statement for SQLAlchemy and psycopg to handle (each
cost about 0.25 ms of CPU in the tool and as much in the backend). The same checks hold:

- the nonce is inserted with ``ON CONFLICT DO NOTHING``; when it comes back empty the id_token
  was used before (by any worker or host: a concurrent replay waits for the first one's
  commit), and the launch fails with everything of the statement rolled back;
- the learner's and the events' rows are the core's own (``digiready.learners
  .create_learner_cte``, ``digiready.events.recorder.one_statement_parts``), with the same
  rules as their general path;
- everything commits together, before the page is answered, or not at all.

The general path (one statement per write) is kept for SQLite, Redis-held nonces, events
that need more (a profile to update), a returning learner whose economy is filled in now,
and the rare race where another request created the same learner a moment earlier
(:class:`LearnerRace`: the view rolls back and does the launch again the general way).
"""
from __future__ import annotations

import logging
from dataclasses import replace

from digiready import config
from digiready.learners import LearnerRef, create_learner_cte
from lti_tool import events
from lti_tool.launch import nonces
from lti_tool.launch.validation import LaunchError, VerifiedLaunch
from lti_tool.models import Launch

log = logging.getLogger("lti_tool.launch")

_LAUNCH_COLUMNS = tuple(c.key for c in Launch.__table__.columns)
_JSON_COLUMNS = frozenset(c.key for c in Launch.__table__.columns
                          if c.type.__class__.__name__.upper() in ("JSON", "JSONB"))


class LearnerRace(Exception):
    """Another request created this launch's learner between our read and our write."""


def usable(session) -> bool:
    return (session.get_bind().dialect.name == "postgresql" and not config.get("REDIS_URL"))


def _sql(new_learner: bool, events_sql: str | None) -> str:
    key = (new_learner, events_sql)
    sql = _SQL.get(key)
    if sql is None:
        learner_id = "(SELECT id FROM learner)" if new_learner else "%(launch_learner_id)s"
        values = ", ".join(learner_id if c == "learner_id" else f"%(launch_{c})s"
                           for c in _LAUNCH_COLUMNS)
        ctes = ["nonce AS (INSERT INTO lti_nonce (issuer, nonce, expires_at) VALUES "
                "(%(nonce_issuer)s, %(nonce_nonce)s, %(nonce_expires_at)s) "
                "ON CONFLICT DO NOTHING RETURNING 1 AS claimed)"]
        if new_learner:
            ctes.append(create_learner_cte("", "")[0])
        ctes.append(f"launch AS (INSERT INTO lti_launch ({', '.join(_LAUNCH_COLUMNS)}) "
                    f"VALUES ({values}))")
        if events_sql:
            ctes.append(events_sql)
        sql = _SQL[key] = (
            "WITH " + ", ".join(ctes) + " SELECT (SELECT count(*) FROM nonce), "
            + ("(SELECT id FROM learner)" if new_learner else "NULL"))
    return sql


_SQL: dict[tuple, str] = {}


def store(session, verified: VerifiedLaunch, launch: Launch, learner: LearnerRef | None,
          platform: str) -> LearnerRef | None | bool:
    """Claim the nonce and store the launch, its learner and its events in one statement.
    Returns the learner (as :func:`lti_tool.launch.views.store_launch` does), or False when
    this launch needs the general path (nothing was written). Raises :class:`LaunchError`
    for a replayed nonce and :class:`LearnerRace` (both: the caller's transaction must be
    rolled back)."""
    from psycopg.types.json import Json

    from digiready.events.recorder import EventError, build_many, one_statement_parts

    sub = verified.claims.get("sub")
    economy = launch.economy_to_fill()
    if learner is not None and economy and not learner.economy:
        return False  # the learner's economy is filled in: an UPDATE, the general path
    params: dict = {}
    new_learner = bool(sub) and learner is None
    if new_learner:
        _cte, params, learner = create_learner_cte(platform, str(sub), economy=economy)
    elif not sub:
        learner = None
    events_sql = None
    specs = events.launch_specs(launch, learner)
    if specs:
        try:
            built = build_many(specs)
        except EventError:  # as record_many_with: logged, the launch goes on without them
            log.exception("events %s not recorded", [e.get("kind") for e in specs])
        else:
            parts = one_statement_parts(built)
            if parts is None:
                return False
            events_sql, event_params = parts
            params.update(event_params)
    nonces.clean_up_sometimes(session)
    params.update(nonce_issuer=verified.registration.issuer[:255],
                  nonce_nonce=verified.nonce[:255], nonce_expires_at=verified.nonce_expires_at)
    launch.learner_id = learner.id if learner is not None and not new_learner else None
    for column in _LAUNCH_COLUMNS:
        value = getattr(launch, column)
        params["launch_" + column] = Json(value) if column in _JSON_COLUMNS else value
    conn = session.connection()
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute(_sql(new_learner, events_sql), params)
        claimed, learner_id = cur.fetchone()
    if not claimed:
        raise LaunchError("nonce", "this id_token was already used (replayed nonce)")
    if new_learner:
        if learner_id is None:
            raise LearnerRace()
        learner = replace(learner, id=learner_id)
        launch.learner_id = learner_id
    return learner
