"""A launch's whole write in one statement on PostgreSQL.

The write step of a launch (see :mod:`lti_tool.launch.views`) is: use the nonce up, create
the learner at their first launch, store the launch, record its events and their rollups.
On PostgreSQL these go to the database as one statement of data-modifying CTEs: one round
trip instead of four or five, and one statement for SQLAlchemy and psycopg to handle (each
cost about 0.25 ms of CPU in the tool and as much in the backend).

The launch's session runs in autocommit (:func:`autocommit`): its reads and this statement
are sent without BEGIN and COMMIT (two round trips fewer). One statement is atomic by
itself: PostgreSQL commits all of its CTEs when it succeeds, and none when it fails. The
same checks hold:

- the nonce is inserted with ``ON CONFLICT DO NOTHING``; when it comes back empty the id_token
  was used before (by any worker or host: a concurrent replay waits for the first one's
  commit). The statement's result then divides by the number of nonces claimed, so it
  fails (``division_by_zero``) and nothing of it is stored, not even the launch and events
  its other CTEs inserted;
- likewise when the learner's CTE inserted nothing (another request created the same
  learner between the launch's read and this write: a double click);
- the learner's and the events' rows are the core's own (``digiready.learners
  .create_learner_cte``, ``digiready.events.recorder.one_statement_parts``), with the same
  rules as their general path;
- a returning learner the worker remembers (``digiready.learners.RecentLearners``) was not
  read before this statement: it checks that their row still has the id, opaque id and
  economy remembered (the result divides by that count too) and reads their attempt
  statuses, where the launch lands;
- everything commits together, before the page is answered, or not at all.

In these failures, and when the launch needs more than this statement, :func:`store` raises
:class:`GeneralPath` and the view does the launch again in a transaction, one statement per
write: there a replayed nonce is refused (``claim_nonce``) and a learner created meanwhile is
read. The general path is also the only one for SQLite, Redis-held nonces, events that need
more (a profile to update) and a returning learner whose economy is filled in now.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from functools import lru_cache

from digiready import config
from digiready.learners import (
    ATTEMPT_STATUSES_SQL,
    REMEMBERED_LEARNER_HOLDS_SQL,
    LearnerRef,
    create_learner_cte,
    remembered_learner_parameters,
)
from lti_tool import events
from lti_tool.launch import nonces
from lti_tool.launch.validation import VerifiedLaunch
from lti_tool.models import Launch

log = logging.getLogger("lti_tool.launch")

_LAUNCH_COLUMNS = tuple(c.key for c in Launch.__table__.columns)
_JSON_COLUMNS = frozenset(c.key for c in Launch.__table__.columns
                          if c.type.__class__.__name__.upper() in ("JSON", "JSONB"))


class GeneralPath(Exception):
    """Nothing was stored: do the launch again the general way, in a transaction (a replayed
    nonce, a learner created by another request meanwhile, or a launch that needs more)."""


def usable(session) -> bool:
    return (session.get_bind().dialect.name == "postgresql" and not config.get("REDIS_URL"))


def autocommit(session) -> None:
    """Run ``session``'s statements without BEGIN/COMMIT: call before its first statement.
    For the launch's reads and its one write only (see the module docstring); the pool
    resets the connection when it is returned."""
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _sql(new_learner: bool, events_sql: str | None, remembered: bool = False) -> str:
    key = (new_learner, events_sql, remembered)
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
        # Fails (division_by_zero: everything undone) unless the deployment is still
        # registered (the launch's reads may come from the worker's last seconds) and the
        # nonce and, at a first launch, the learner were inserted by this statement.
        # A remembered learner (digiready.learners.RecentLearners) must still be what the
        # worker remembers; the statement then also reads their attempt statuses (where the
        # launch lands), which the launch did not read before.
        guard = ("1 / ((SELECT count(*) FROM lti_deployment WHERE registration_id = "
                 "%(launch_registration_id)s AND deployment_id = %(launch_deployment_id)s) "
                 "* (SELECT count(*) FROM nonce)"
                 + (" * (SELECT count(*) FROM learner)" if new_learner else "")
                 + (f" * {REMEMBERED_LEARNER_HOLDS_SQL}" if remembered else "") + ")")
        sql = _SQL[key] = (
            "WITH " + ", ".join(ctes) + f" SELECT {guard}, "
            + ("(SELECT id FROM learner)" if new_learner else "NULL") + ", "
            + (ATTEMPT_STATUSES_SQL if remembered else "NULL"))
    return sql


_SQL: dict[tuple, str] = {}


@lru_cache(maxsize=64)
def _converted(query: bytes, encoding: str):
    from psycopg._queries import _query2pg_nocache

    return _query2pg_nocache(query, encoding)


def _cursor(connection):
    """A psycopg cursor that converts this module's statements (``%(name)s`` to ``$n``)
    once per process. psycopg caches that conversion only for statements under 4 KB and 50
    parameters (a launch's is about 4.5 KB with 55), and redoing it took about 0.11 ms of
    a 2 ms launch. Uses psycopg's query class hook (``Cursor._query_cls``); on a psycopg
    without it, a plain cursor (the same statement, converted each time)."""
    if _KeptCursor is None or connection.cursor_factory is not _KeptCursor.__base__:
        return connection.cursor()  # another psycopg, or a connection set up otherwise
    return _KeptCursor(connection)


try:
    import psycopg
    from psycopg._queries import PostgresQuery as _PostgresQuery

    class _KeptQuery(_PostgresQuery):
        def convert(self, query, vars):  # noqa: A002 - psycopg's signature
            if vars is None or not isinstance(query, str):
                return super().convert(query, vars)
            (self.query, self._want_formats, self._order, self._parts) = _converted(
                self._ensure_bytes(query), self._tx.encoding)
            self.dump(vars)

    class _KeptCursor(psycopg.Cursor):
        _query_cls = _KeptQuery

    if psycopg.Cursor._query_cls is not _PostgresQuery:  # pragma: no cover
        _KeptCursor = None
except (ImportError, AttributeError):  # pragma: no cover - another psycopg
    _KeptCursor = None


def store(session, verified: VerifiedLaunch, launch: Launch, learner: LearnerRef | None,
          platform: str, *, remembered: bool = False,
          ) -> tuple[LearnerRef | None, frozenset[str] | None]:
    """Claim the nonce and store the launch, its learner and its events in one statement.
    Returns the learner (as :func:`lti_tool.launch.views.store_launch` does) and, when
    ``learner`` is ``remembered`` by the worker rather than read just before, their attempt
    statuses (as :func:`digiready.learners.find_learner_and_attempt_statuses` gives them;
    else None). Raises :class:`GeneralPath` when nothing was stored and the launch must be
    done again the general way (also when the remembered learner has changed meanwhile)."""
    from psycopg.errors import DivisionByZero, ForeignKeyViolation
    from psycopg.types.json import Json

    from digiready.events.recorder import EventError, build_many, one_statement_parts

    sub = verified.claims.get("sub")
    economy = launch.economy_to_fill()
    if learner is not None and economy and not learner.economy:
        raise GeneralPath("the learner's economy is filled in: an UPDATE")
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
                raise GeneralPath("these events need the general path")
            events_sql, event_params = parts
            params.update(event_params)
    nonces.clean_up_sometimes(session)
    params.update(nonce_issuer=verified.registration.issuer[:255],
                  nonce_nonce=verified.nonce[:255], nonce_expires_at=verified.nonce_expires_at)
    launch.learner_id = learner.id if learner is not None and not new_learner else None
    for column in _LAUNCH_COLUMNS:
        value = getattr(launch, column)
        params["launch_" + column] = Json(value) if column in _JSON_COLUMNS else value
    if remembered:  # a returning learner: not new
        params.update(remembered_learner_parameters(learner))
    conn = session.connection()
    with _cursor(conn.connection.driver_connection) as cur:
        try:
            cur.execute(_sql(new_learner, events_sql, remembered), params)
        except (DivisionByZero, ForeignKeyViolation):  # nothing of the statement was stored
            raise GeneralPath("nonce used before, learner created or changed meanwhile, or "
                              "the deployment removed") from None
        _one, learner_id, statuses = cur.fetchone()
    if new_learner:
        learner = replace(learner, id=learner_id)
        launch.learner_id = learner_id
    return learner, (frozenset(statuses or ()) if remembered else None)
