"""How many statements a complete launch (login + id_token POST + first page) sends to the
database: a test that fails if a change adds one. On PostgreSQL the launch's whole write
(nonce, learner, launch, events and rollups) is one statement (lti_tool.launch
.one_statement); when another request creates the same learner between the launch's read
and its write, the launch is done again the general way and still stores one of each."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from digiready.storage.engine import database_url, get_engine
from tests.lti_tool.test_launch_checks import login, post_launch, stored

# Statements of one complete launch, BEGIN and COMMIT not counted.
LIMITS = {
    # learner + attempts, nonce, learner, launch, event, 3 rollups (the registration and
    # deployment read is kept by the worker for a few seconds; the launch's INSERT checks it)
    ("sqlite", "first"): 8, ("sqlite", "returning"): 7,
    # learner + attempts, then one statement with every write (the registration and
    # deployment read is kept by the worker for a few seconds; the statement checks it)
    ("postgresql", "first"): 2, ("postgresql", "returning"): 1,
}


@pytest.fixture
def statements(monkeypatch):
    """Every statement sent, through SQLAlchemy or straight to psycopg."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    bind = get_engine(database_url())
    event.listen(bind, "before_cursor_execute", record)
    if bind.dialect.name == "postgresql":
        import psycopg

        real = psycopg.Cursor.execute

        def counted(self, query, *args, **kwargs):
            # SQLAlchemy's own executes are counted by its event already.
            if not getattr(counted, "inside", False):
                sent.append(str(query))
            return real(self, query, *args, **kwargs)

        def sqlalchemy_execute(self, cursor, statement, parameters, context=None):
            counted.inside = True
            try:
                return real_do_execute(self, cursor, statement, parameters, context)
            finally:
                counted.inside = False

        real_do_execute = type(bind.dialect).do_execute
        monkeypatch.setattr(psycopg.Cursor, "execute", counted)
        monkeypatch.setattr(type(bind.dialect), "do_execute", sqlalchemy_execute)
    yield sent
    event.remove(bind, "before_cursor_execute", record)


def _launch(env, user):
    issued = login(env, user=user)
    claims = env.platform.launch_claims(env.platform.users[user], None, issued["nonce"])
    response = post_launch(env, env.platform.sign(claims), issued["state"])
    assert response.status_code == 200, response.text[:300]
    return response


def test_statements_per_launch(lti_env, statements, monkeypatch):
    env = lti_env
    dialect = get_engine(database_url()).dialect.name
    import random

    monkeypatch.setattr(random, "random", lambda: 0.5)  # no occasional nonce clean-up now
    _launch(env, "learner-1")  # warm: keys fetched and stored
    statements.clear()
    _launch(env, "learner-2")
    first = [s for s in statements if not s.startswith(("BEGIN", "COMMIT"))]
    statements.clear()
    _launch(env, "learner-2")
    returning = [s for s in statements if not s.startswith(("BEGIN", "COMMIT"))]
    assert len(first) <= LIMITS[(dialect, "first")], first
    assert len(returning) <= LIMITS[(dialect, "returning")], returning


def test_learner_created_by_another_request_meanwhile(lti_env, monkeypatch):
    """The launch read no learner, but one exists by its write (a double click): on
    PostgreSQL the one statement finds the learner taken and the launch is done again the
    general way; either way one learner, two launches, one "registered" event."""
    from digiready.events.models import Event
    from digiready.storage import session_scope
    from lti_tool.launch import views

    env = lti_env
    _launch(env, "learner-1")
    monkeypatch.setattr(views, "launching_learner", lambda s, v: (None, frozenset()))
    env.app.extensions["digiready_recent_learners"].clear()  # so the launch reads
    _launch(env, "learner-1")
    assert stored("learner") == 1 and stored("launch") == 2
    with session_scope() as s:
        kinds = s.execute(select(Event.kind, func.count()).group_by(Event.kind)).all()
    assert dict(kinds) == {"registered": 1, "launched": 2}


def test_replayed_nonce_stores_nothing(lti_env):
    env = lti_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    token = env.platform.sign(claims)
    assert post_launch(env, token, issued["state"]).status_code == 200
    counts = stored("launch"), stored("learner"), stored("nonce"), _events()
    replay = post_launch(env, token, issued["state"])
    assert replay.status_code == 400 and "<code>nonce</code>" in replay.text
    # On PostgreSQL the replay's one statement inserted a launch and its event before
    # finding the nonce used: none of it may stay (the statement fails as a whole).
    assert (stored("launch"), stored("learner"), stored("nonce"), _events()) == counts


def _events() -> int:
    from digiready.events.models import Event
    from digiready.storage import session_scope

    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Event))


def test_postgresql_launch_round_trips(postgres_url, monkeypatch):
    """On PostgreSQL a launch's reads and its one write run in autocommit: no BEGIN or
    COMMIT goes to the server (the write is one statement, atomic by itself), so a complete
    launch is 3 round trips, first launch or not. Counted at psycopg's level, where BEGIN
    and COMMIT are sent."""
    import random

    from psycopg import _connection_base

    from digiready.storage import migrate
    from tests.lti_tool.conftest import _environment

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", postgres_url)
    migrate.upgrade(postgres_url)
    monkeypatch.setattr(random, "random", lambda: 0.5)  # no occasional nonce clean-up now
    commands: list[str] = []
    real = _connection_base.BaseConnection._exec_command

    def counted(self, command, *args, **kwargs):
        commands.append(command.decode() if isinstance(command, bytes) else str(command))
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(_connection_base.BaseConnection, "_exec_command", counted)
    from lti_tool.launch import one_statement

    one_statement._converted.cache_clear()
    env_gen = _environment(monkeypatch)
    env = next(env_gen)
    try:
        _launch(env, "learner-1")  # warm: keys fetched and stored
        for user in ("learner-2", "learner-2"):  # a first launch, then a returning one
            commands.clear()
            _launch(env, user)
            assert not [c for c in commands if c.startswith(("BEGIN", "COMMIT"))], commands
        assert stored("launch") == 3 and stored("learner") == 2
        # The one statement (over psycopg's 4 KB / 50 parameters caching limits) is
        # converted to PostgreSQL's placeholders once, not at every launch.
        from lti_tool.launch import one_statement

        assert one_statement._converted.cache_info().hits >= 1
    finally:
        env_gen.close()


@pytest.mark.parametrize("removed", ["deployment", "registration"])
def test_removed_elsewhere_refused_at_once(lti_env, removed):
    """The worker keeps the registration and deployment a launch found (PostgreSQL, a few
    seconds); removed by another process (here: straight in the database, so this worker's
    forget() is not called) the next launch is still refused at once and stores nothing:
    the one statement finds the deployment gone, and the general path reads afresh."""
    from sqlalchemy import text

    from digiready.storage import session_scope

    env = lti_env
    _launch(env, "learner-1")  # the registration and deployment are now kept
    issued = login(env, user="learner-2")  # before the removal: its state stays valid
    with session_scope() as s:  # (a registration takes its launches with it)
        s.execute(text("DELETE FROM lti_deployment") if removed == "deployment"
                  else text("DELETE FROM lti_registration"))
    counts = stored("launch"), stored("learner"), stored("nonce"), _events()
    claims = env.platform.launch_claims(env.platform.users["learner-2"], None, issued["nonce"])
    response = post_launch(env, env.platform.sign(claims), issued["state"])
    check, status = ("deployment_id", 403) if removed == "deployment" else ("registration", 404)
    assert response.status_code == status, response.text[:300]
    assert f"<code>{check}</code>" in response.text
    assert (stored("launch"), stored("learner"), stored("nonce"), _events()) == counts


def test_removed_elsewhere_with_redis_nonces_names_the_deployment(sqlite_env, redis_url,
                                                                 monkeypatch):
    """With nonces in Redis (not rolled back with the database), a deployment removed by
    another process while the worker keeps its lookup: the first attempt uses the nonce up
    in Redis and stores nothing; the second reads afresh and refuses the deployment before
    it reaches the nonce, so the learner is told what is wrong, not "replayed"."""
    from sqlalchemy import text

    from digiready.storage import session_scope

    monkeypatch.setenv("DIGIREADY_REDIS_URL", redis_url)
    env = sqlite_env
    _launch(env, "learner-1")
    issued = login(env, user="learner-2")
    with session_scope() as s:
        s.execute(text("DELETE FROM lti_deployment"))
    claims = env.platform.launch_claims(env.platform.users["learner-2"], None, issued["nonce"])
    response = post_launch(env, env.platform.sign(claims), issued["state"])
    assert response.status_code == 403, response.text[:300]
    assert "<code>deployment_id</code>" in response.text
    assert stored("launch") == 1
