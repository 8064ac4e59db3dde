"""The portal's Alembic branch builds exactly the tables the models describe, on SQLite and
PostgreSQL, and the case-insensitive partial unique index behaves on both."""
from __future__ import annotations

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from digiready.storage import Base, migrate
from digiready.storage.engine import get_engine

EVENT_ROW = text(
    "INSERT INTO portal_event (id, slug, title, description, timezone, capacity,"
    " requires_approval, registration_open, evaluation_open, lock_seq, seats_taken,"
    " waitlisted_count, created_at) VALUES (1, 'x', 'X', '', 'UTC', 5, false, true,"
    " false, 0, 0, 0, CURRENT_TIMESTAMP)")

# A confirmed registration as the tables were before portal_0005 (no session nonce).
OLD_REGISTRATION_ROW = text(
    "INSERT INTO portal_registration (id, event_id, reference, email, full_name,"
    " organisation, economy, sector, role, timezone, language, interests, bio,"
    " consent_privacy, consent_directory, consent_contact, consents_updated_at,"
    " status, hidden_by_moderator, link_nonce, created_at, updated_at) VALUES"
    " (:i, 1, :ref, :email, 'N', 'O', 'PE', 'msme', '', 'UTC', 'en', '[]', '', true,"
    " false, false, CURRENT_TIMESTAMP, 'confirmed', false, 'n', CURRENT_TIMESTAMP,"
    " CURRENT_TIMESTAMP)")


def test_no_drift_between_models_and_migrations(database_url):
    migrate.import_all_models()
    with get_engine(database_url).connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect expression indexes
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, Base.metadata)

    def portal(diff) -> bool:
        return "portal_" in repr(diff)

    assert [d for d in diffs if portal(d)] == []
    assert "portal" in {h.split("_")[0] for h in migrate.current_heads(database_url)}


def test_unique_email_index_ignores_case_and_withdrawn(database_url):
    engine = get_engine(database_url)
    insert = text(
        "INSERT INTO portal_registration (event_id, reference, email, full_name, organisation,"
        " economy, sector, role, timezone, language, interests, bio, consent_privacy,"
        " consent_directory, consent_contact, consents_updated_at, status, hidden_by_moderator,"
        " link_nonce, created_at, updated_at) VALUES (1, :ref, :email, 'N', 'O', 'PE', 'msme',"
        " '', 'UTC', 'en', '[]', '', true, false, false, CURRENT_TIMESTAMP, :status, false,"
        " 'n', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    with engine.begin() as conn:
        conn.execute(EVENT_ROW)
        conn.execute(insert, {"ref": "A", "email": "Same@Example.org", "status": "withdrawn"})
        conn.execute(insert, {"ref": "B", "email": "same@example.org", "status": "held"})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"ref": "C", "email": "SAME@EXAMPLE.ORG", "status": "waitlisted"})


def test_analytics_users_move_from_id_to_reference_and_back(database_url):
    """portal_0002 renames existing analytics users so a registrant keeps their opaque actor."""
    from alembic import command

    cfg = migrate.alembic_config(database_url)
    command.downgrade(cfg, "portal_0001")
    engine = get_engine(database_url)
    with engine.begin() as conn:
        conn.execute(EVENT_ROW)
        conn.execute(text(
            "INSERT INTO portal_registration (id, event_id, reference, email, full_name,"
            " organisation, economy, sector, role, timezone, language, interests, bio,"
            " consent_privacy, consent_directory, consent_contact, consents_updated_at, status,"
            " hidden_by_moderator, link_nonce, created_at, updated_at) VALUES (7, 1, 'SYM-ABC234',"
            " 'a@example.org', 'N', 'O', 'PE', 'msme', '', 'UTC', 'en', '[]', '', true, false,"
            " false, CURRENT_TIMESTAMP, 'held', false, 'n', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        for opaque, external in (("actor-7", "registration:7"), ("actor-lti", "registration:7")):
            platform = "portal" if opaque == "actor-7" else "lti:x"
            conn.execute(text(
                "INSERT INTO core_learner (opaque_id, platform, external_id, synthetic, created_at)"
                " VALUES (:o, :p, :e, false, CURRENT_TIMESTAMP)"),
                {"o": opaque, "p": platform, "e": external})

    def mapping() -> dict:
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT opaque_id, external_id FROM core_learner")).all())

    migrate.upgrade(database_url)
    # Only the portal's mapping moves; another platform's user with the same text stays.
    assert mapping() == {"actor-7": "registration:SYM-ABC234", "actor-lti": "registration:7"}
    command.downgrade(cfg, "portal_0001")
    assert mapping() == {"actor-7": "registration:7", "actor-lti": "registration:7"}
    migrate.upgrade(database_url)


def test_answers_stored_before_portal_0004_are_unlinked_without_loss(database_url):
    """Answers written with their marker in one transaction (as before portal_0004) are
    rewritten: the same answers afterwards, none paired with its respondent by xmin."""
    from alembic import command

    command.downgrade(migrate.alembic_config(database_url), "portal_0003")
    engine = get_engine(database_url)
    with engine.begin() as conn:
        conn.execute(EVENT_ROW)
    for i in range(4):
        with engine.begin() as conn:  # one transaction per person, as the old code did
            conn.execute(OLD_REGISTRATION_ROW, {"i": i + 1, "ref": f"SYM-{i}",
                                                "email": f"{i}@x.org"})
            conn.execute(text(
                "INSERT INTO portal_evaluation_submission (event_id, registration_id,"
                " submitted_at) VALUES (1, :i, CURRENT_TIMESTAMP)"), {"i": i + 1})
            conn.execute(text(
                "INSERT INTO portal_evaluation_response (id, event_id, economy, sector,"
                " satisfaction, relevance, speakers, nps, ratings, recommendations) VALUES"
                " (:id, 1, 'PE', 'msme', 4, 5, 3, :nps, '{\"1\": [2, 4]}', :rec)"),
                {"id": f"00000000-0000-4000-8000-00000000000{i}", "nps": i, "rec": f"idea {i}"})

    def answers() -> list[tuple]:
        with engine.connect() as conn:
            return sorted(conn.execute(text(
                "SELECT nps, satisfaction, relevance, speakers, economy, sector,"
                " recommendations FROM portal_evaluation_response")).all())

    before = answers()
    migrate.upgrade(database_url)
    assert answers() == before and len(before) == 4
    with engine.connect() as conn:
        ids = set(conn.execute(text("SELECT id FROM portal_evaluation_response")).scalars())
        assert not any(i.startswith("00000000-") for i in ids)  # fresh random ids
        if database_url.startswith("postgresql"):
            paired = conn.execute(text(
                "SELECT s.registration_id, r.nps FROM portal_evaluation_submission s"
                " JOIN portal_evaluation_response r ON r.xmin = s.xmin")).all()
            assert paired == []


def test_duplicate_pending_meeting_requests_are_cancelled_not_lost(database_url):
    """portal_0006's unique index needs one pending request per pair: older duplicates (the
    flood of issue 13) are kept, marked cancelled; other pairs and statuses are untouched."""
    from alembic import command

    command.downgrade(migrate.alembic_config(database_url), "portal_0004")
    engine = get_engine(database_url)
    meeting = text("INSERT INTO portal_meeting_request (id, requester_id, recipient_id, note,"
                   " status, created_at, updated_at) VALUES (:id, :a, :b, 'hi', :s,"
                   " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    with engine.begin() as conn:
        conn.execute(EVENT_ROW)
        for i in (1, 2, 3):
            conn.execute(OLD_REGISTRATION_ROW, {"i": i, "ref": f"SYM-{i}", "email": f"{i}@x.org"})
        for mid, a, b, status in ((1, 1, 2, "pending"), (2, 1, 2, "pending"), (3, 1, 2, "pending"),
                                  (4, 2, 1, "pending"), (5, 1, 3, "pending"),
                                  (6, 1, 3, "declined")):
            conn.execute(meeting, {"id": mid, "a": a, "b": b, "s": status})
    migrate.upgrade(database_url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT id, status FROM portal_meeting_request")).all())
        nonces = conn.execute(text("SELECT session_nonce FROM portal_registration")).scalars()
        assert len(set(nonces)) == 3  # portal_0005: a random one each
    assert rows == {1: "pending", 2: "cancelled", 3: "cancelled", 4: "pending", 5: "pending",
                    6: "declined"}


def test_fresh_upgrade_on_sqlite_warns_nothing(tmp_path):
    """`make run` reads the demo's first line of output: a migration's reflection warning on
    stderr came first (and the browser tests then waited for an address that never came)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, DIGIREADY_VAR_DIR=str(tmp_path))
    env.pop("DIGIREADY_DATABASE_URL", None)
    run = subprocess.run([sys.executable, "-W", "error::Warning", "-m", "digiready", "db",
                          "upgrade"], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stderr == "", run.stderr[-3000:]


def test_programme_translations_keep_every_row_and_drop_only_generated_day_titles(database_url):
    """portal_0008 adds the programme's translations; day titles that only repeated the day's
    number and English date are emptied (pages write them per language), an organiser's own
    theme stays; going down and up again loses no registration (SQLite's batch mode would
    have copied and dropped portal_event, cascading into every registration)."""
    from alembic import command

    cfg = migrate.alembic_config(database_url)
    command.downgrade(cfg, "portal_0007")
    engine = get_engine(database_url)
    with engine.begin() as conn:
        conn.execute(EVENT_ROW)
        conn.execute(OLD_REGISTRATION_ROW, {"i": 1, "ref": "SYM-AAAAAA", "email": "a@example.org"})
        for number, title in ((1, "Day 1 – Tuesday 09 March 2027"), (2, "Day 2"),
                              (3, "Day 3 – Cooperatives")):
            conn.execute(text("INSERT INTO portal_day (id, event_id, number, title, date) VALUES"
                              " (:n, 1, :n, :t, '2027-03-09')"), {"n": number, "t": title})
    migrate.upgrade(database_url)

    def rows():
        with engine.connect() as conn:
            days = conn.execute(text("SELECT title FROM portal_day ORDER BY number")).scalars().all()
            return days, conn.execute(text("SELECT count(*) FROM portal_registration")).scalar()

    assert rows() == (["", "", "Day 3 – Cooperatives"], 1)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT translations FROM portal_event")).scalar() in ({}, "{}")
    command.downgrade(cfg, "portal_0007")
    migrate.upgrade(database_url)
    assert rows()[1] == 1
