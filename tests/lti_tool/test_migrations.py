"""The LTI tool's Alembic branch builds exactly the tables its models describe, on SQLite and
PostgreSQL, and lti_0003 (the economies a registration's learners may choose) keeps every
registration, deployment and launch on the way up and down."""
from __future__ import annotations

import warnings

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from digiready.storage import Base, migrate
from digiready.storage.engine import get_engine


def test_no_drift_between_models_and_migrations(database_url):
    migrate.import_all_models()
    with get_engine(database_url).connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect expression indexes
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, Base.metadata)
    assert [d for d in diffs if "lti_" in repr(d)] == []
    assert "lti_0003" in migrate.current_heads(database_url)


def test_registration_economies_added_and_removed_without_losing_a_row(database_url):
    cfg = migrate.alembic_config(database_url)
    command.downgrade(cfg, "lti_0002")
    engine = get_engine(database_url)
    assert "economies" not in {c["name"] for c in inspect(engine).get_columns("lti_registration")}
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO lti_registration (id, issuer, client_id, auth_login_url, token_url,"
            " jwks_url, economy, language, created_at) VALUES (1, 'https://lms.example.org',"
            " 'c1', 'https://lms.example.org/auth', 'https://lms.example.org/token',"
            " 'https://lms.example.org/jwks', 'pe', 'es', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO lti_deployment (registration_id, deployment_id,"
                          " created_at) VALUES (1, 'd1', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO lti_registration_invite (token_hash, economy, created_at, expires_at)"
            " VALUES ('h', 'pe', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))

    def rows():
        with engine.connect() as conn:
            return (conn.execute(text("SELECT issuer, economy, language FROM lti_registration"))
                    .all(),
                    conn.execute(text("SELECT deployment_id FROM lti_deployment")).scalars().all(),
                    conn.execute(text("SELECT economy FROM lti_registration_invite")).scalars().all())

    before = rows()
    migrate.upgrade(database_url)
    assert rows() == before
    with engine.begin() as conn:  # an existing registration keeps one economy for everyone
        assert conn.execute(text("SELECT economies FROM lti_registration")).scalar() is None
        conn.execute(text("UPDATE lti_registration SET economies = 'pe ph'"))
        conn.execute(text("UPDATE lti_registration_invite SET economies = 'any'"))
    command.downgrade(cfg, "lti_0002")
    assert rows() == before  # SQLite drops the column in place: no cascade from a table copy
    migrate.upgrade(database_url)
    assert rows() == before
