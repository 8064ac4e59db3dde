"""``digiready migrate-data``: a SQLite install filled through the real core, LTI tool and portal
moves to a fresh PostgreSQL database with every row intact, and the apps carry on there."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from digiready.cli.main import main
from digiready.ops import dbinfo, migrate_data
from tests.symposium_portal.conftest import Browser, register, registration


def lti_cli(url: str, *args: str) -> None:
    assert main(["lti", *args]) == 0, args


@pytest.fixture
def populated_sqlite(tmp_path, monkeypatch):
    from digiready.storage import migrate
    from symposium_portal.app import create_app

    url = f"sqlite:///{tmp_path / 'single-server.sqlite3'}"
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", url)
    monkeypatch.setenv("DIGIREADY_SECRET_KEY", "migrate-data-test-secret")
    monkeypatch.setenv("DIGIREADY_PORTAL_RATELIMIT", "1000/minute")
    monkeypatch.delenv("DIGIREADY_REDIS_URL", raising=False)
    migrate.upgrade(url)
    # core attempts, learning events, the symposium event and its evaluations
    assert main(["demo-data", "--economies", "pe,vn", "--responses", "10", "--quiet"]) == 0
    # the LTI tool: a platform with two deployments, two signing keys (one retired)
    lti_cli(url, "platform", "add", "--issuer", "https://moodle.example.org", "--client-id",
            "c1", "--deployment-id", "d1", "--deployment-id", "d2", "--auth-login-url",
            "https://moodle.example.org/auth", "--token-url", "https://moodle.example.org/token",
            "--jwks-url", "https://moodle.example.org/jwks", "--economy", "pe")
    lti_cli(url, "keys", "rotate")
    lti_cli(url, "keys", "rotate")
    # the portal: registrations through the real app (forms, CSRF, seat counters)
    browser = Browser(create_app().test_client())
    for i in range(3):
        assert register(browser, f"attendee{i}@example.org").status_code == 303
    return url


def test_sqlite_to_postgresql_keeps_every_row(populated_sqlite, postgres_url, monkeypatch,
                                              capsys):
    source = populated_sqlite
    before = dbinfo.table_counts(source)
    for table in ("core_attempt", "events_event", "events_result", "lti_registration",
                  "lti_deployment", "lti_key", "portal_registration", "portal_event",
                  "portal_evaluation_response", "portal_session"):
        assert before[table] > 0, table  # every area has rows to lose
    # A session time zone far from UTC: a naive SQLite timestamp read as local time would
    # move by five hours and fail the checksum.
    monkeypatch.setenv("PGTZ", "America/Lima")

    capsys.readouterr()
    assert main(["migrate-data", "--from", source, "--to", postgres_url,
                 "--batch-size", "50"]) == 0
    out = capsys.readouterr().out
    assert "counts and checksums match" in out and "MISMATCH" not in out
    after = dbinfo.table_counts(postgres_url)
    assert {t: n for t, n in after.items() if t != "alembic_version"} == \
        {t: n for t, n in before.items() if t != "alembic_version"}
    assert dbinfo.revisions(postgres_url) == dbinfo.revisions(source)

    # The apps carry on on PostgreSQL: new rows get fresh ids (sequences were reset).
    from symposium_portal.app import create_app

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", postgres_url)
    top = before["portal_registration"]
    browser = Browser(create_app().test_client())
    assert register(browser, "after-move@example.org").status_code == 303
    assert registration("after-move@example.org").id == top + 1
    lti_cli(postgres_url, "keys", "rotate")
    engine = dbinfo.probe_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT max(id) FROM lti_key")).scalar_one() == \
            before["lti_key"] + 1
        # a naive SQLite time (UTC) is the same instant in PostgreSQL
        first = conn.execute(text("SELECT created_at FROM lti_key ORDER BY id LIMIT 1")
                             ).scalar_one()
    engine.dispose()
    src = dbinfo.probe_engine(source)
    with src.connect() as conn:
        naive = conn.execute(text("SELECT created_at FROM lti_key ORDER BY id LIMIT 1")
                             ).scalar_one()
    src.dispose()
    assert first.utcoffset() is not None
    assert migrate_data.normalise_value(first) == migrate_data.normalise_value(
        __import__("datetime").datetime.fromisoformat(naive))

    # Refusals: a target in use, a source behind head.
    assert main(["migrate-data", "--from", source, "--to", postgres_url]) == 1
    assert "the target database is not empty" in capsys.readouterr().err


def test_checksums_catch_a_changed_missing_or_duplicated_row(populated_sqlite, tmp_path):
    import sqlite3

    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(dbinfo.sqlite_path(populated_sqlite)) as live, \
            sqlite3.connect(copy) as duplicate:
        live.backup(duplicate)  # not a file copy: the WAL holds recent pages
    target = f"sqlite:///{copy}"
    assert all(c.matches for c in migrate_data.compare(populated_sqlite, target))

    engine = dbinfo.probe_engine(target)
    with engine.begin() as conn:
        conn.execute(text("UPDATE portal_registration SET full_name = full_name || '.' "
                          "WHERE id = 1"))
        conn.execute(text("DELETE FROM events_event WHERE id = (SELECT max(id) FROM events_event)"))
    engine.dispose()
    differ = {c.table: c for c in migrate_data.compare(populated_sqlite, target)
              if not c.matches}
    assert set(differ) == {"portal_registration", "events_event"}
    assert differ["portal_registration"].source_rows == differ["portal_registration"].target_rows
    assert differ["events_event"].target_rows == differ["events_event"].source_rows - 1


def test_refuses_a_source_behind_head(tmp_path, postgres_url, capsys):
    from digiready.storage import migrate

    source = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(source, "core@head")
    assert main(["migrate-data", "--from", source, "--to", postgres_url]) == 1
    err = capsys.readouterr().err
    from tests.ops.conftest import revisions_beyond_core

    missing = ", ".join(revisions_beyond_core(source))
    assert f"the source database is not at head ({missing})" in err
    assert dbinfo.table_counts(postgres_url) == {}  # the target was not touched


def test_normalised_values_agree_across_databases():
    from datetime import datetime, timedelta, timezone
    from decimal import Decimal

    lima = timezone(timedelta(hours=-5))
    n = migrate_data.normalise_value
    assert n(datetime(2025, 3, 1, 12, 0)) == n(datetime(2025, 3, 1, 7, 0, tzinfo=lima))
    assert n(0.1 + 0.2) == n(Decimal("0.3000000000000000444")) != n(0.31)
    assert n(True) is True and n(1) == 1 and n(2.0) == 2
    assert n({"b": [1.5, None], "a": "x"}) == {"a": "x", "b": ["1.5", None]}


def test_a_mistyped_url_is_named_before_anything_is_opened(capsys):
    assert main(["migrate-data", "--from", "sqlite-old.db", "--to", "postgresql://x@h/db"]) == 1
    err = capsys.readouterr().err
    assert "'sqlite-old.db' is not a database URL" in err and "Traceback" not in err
