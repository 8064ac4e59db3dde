"""Migrations and the core tables, on SQLite and on PostgreSQL."""
from __future__ import annotations

from sqlalchemy import inspect, select

from digiready.cli.main import main
from digiready.storage import get_engine, migrate, session_scope
from digiready.storage.models import Attempt, Learner


def test_upgrade_creates_core_tables_and_is_idempotent(database_url):
    migrate.upgrade(database_url)  # second run: nothing to do, no error
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert {"core_learner", "core_attempt", "alembic_version"} <= tables
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    applied, todo = set(), list(migrate.current_heads(database_url))
    while todo:  # everything the applied heads stand on, through down_revision and depends_on
        revision = script.get_revision(todo.pop())
        if revision.revision not in applied:
            applied.add(revision.revision)
            todo.extend(revision._all_down_revisions)
    assert set(script.get_heads()) <= applied
    assert "core_0001" in {rev.revision for rev in script.walk_revisions()}


def test_rollback_keeps_what_was_saved(database_url):
    with session_scope(database_url) as session:
        session.add(Learner(platform="test", external_id="u1"))
    try:
        with session_scope(database_url) as session:
            learner = session.scalars(select(Learner)).one()
            session.add(Attempt(learner=learner, number=1, pack_id="p", pack_version="1"))
            raise RuntimeError("simulated failure mid-request")
    except RuntimeError:
        pass
    with session_scope(database_url) as session:
        assert session.scalars(select(Learner.external_id)).all() == ["u1"]
        assert session.scalars(select(Attempt)).all() == []


def test_db_upgrade_command(sqlite_url, capsys):
    assert main(["db", "upgrade", "--database-url", sqlite_url]) == 0
    assert "database up to date" in capsys.readouterr().out


def test_first_session_configures_every_area_before_any_query(tmp_path):
    """A fresh process that only knows one area's models (the portal's, say) must still have
    every area's mappers configured by its first session: otherwise a threaded worker can
    configure them while another thread is half-way through importing a models module, and
    SQLAlchemy then fails every query for the life of the process (seen as 500s and hangs)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sqlalchemy.orm import Mapper\n"
        "from digiready.storage.base import Base\n"
        "from digiready.storage.engine import _session_factory\n"
        f"_session_factory('sqlite:///{tmp_path / 'x.sqlite3'}')\n"
        "assert 'digiready.storage.models' in sys.modules\n"
        "assert 'digiready.events.models' in sys.modules\n"
        "pending = [m for m in Base.registry.mappers if not m.configured]\n"
        "assert not pending, pending\n"
        "print('configured', len(Base.registry.mappers))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("configured ")


def _backend_pid(engine) -> int:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(pid: int) -> None:
    from sqlalchemy import create_engine, text

    from tests.conftest import PG_ADMIN_URL

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


def test_idle_pooled_connection_is_tested_and_replaced(postgres_url, monkeypatch):
    """A PostgreSQL connection that sat idle in the pool is pinged before use; one the server
    dropped (a restart, a firewall) is replaced without the request seeing an error."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from digiready.storage import engine as engine_module

    engine = get_engine(postgres_url)
    first = _backend_pid(engine)
    _terminate(first)
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 0.0)  # idle long enough
    second = _backend_pid(engine)
    assert second != first  # replaced at checkout, no error
    # A connection in constant use is not pinged (no extra round trip per request): a
    # connection dropped meanwhile fails once, and the whole pool is renewed at that error.
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 3600.0)
    _terminate(second)
    with pytest.raises(OperationalError), engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert _backend_pid(engine) not in (first, second)
    engine.dispose()
