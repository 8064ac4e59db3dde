"""``digiready backup`` / ``restore`` on real SQLite and real PostgreSQL databases filled by the
demo generators (learners, attempts, events, portal evaluations)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from digiready.cli.main import main


def populate(url: str) -> None:
    from digiready.storage import migrate

    migrate.upgrade(url)
    assert main(["demo-data", "--economies", "pe", "--responses", "12", "--quiet",
                 "--database-url", url]) == 0


def counts(url: str) -> dict[str, int]:
    from digiready.ops import dbinfo

    return dbinfo.table_counts(url)


def only_backup(directory):
    (path,) = [p for p in directory.iterdir() if not p.name.endswith(".manifest.json")]
    return path


@pytest.fixture
def second_pg_database():
    """A second fresh database beside ``postgres_url``: restore into another database."""
    from tests.conftest import fresh_pg_database

    yield from fresh_pg_database()


def test_sqlite_backup_and_restore(tmp_path, capsys):
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    populate(source)
    before = counts(source)
    assert before["core_attempt"] > 0 and before["events_event"] > 0

    assert main(["backup", "--database-url", source, "--output", str(tmp_path / "b")]) == 0
    path = only_backup(tmp_path / "b")
    manifest = json.loads((path.parent / (path.name + ".manifest.json")).read_text())
    assert manifest["database"] == "sqlite" and manifest["tables"] == before
    assert any(r.startswith("lti_") for r in manifest["alembic_revisions"])
    assert manifest["digiready_version"] and manifest["created"].endswith("Z")
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)

    target = f"sqlite:///{tmp_path / 'restored' / 'new.sqlite3'}"
    capsys.readouterr()
    assert main(["restore", str(path), "--database-url", target]) == 0
    assert "row counts of all" in capsys.readouterr().out
    assert counts(target) == before

    # A database in use is never overwritten by accident...
    assert main(["restore", str(path), "--database-url", source]) == 1
    err = capsys.readouterr().err
    assert "the target database is not empty" in err and "pass --force" in err
    # ...but can be on purpose: rows written after the backup are gone again.
    with sqlite3.connect(tmp_path / "live.sqlite3") as conn:
        conn.execute("DELETE FROM events_event")
    assert main(["restore", str(path), "--database-url", source, "--force"]) == 0
    assert counts(source) == before


def test_restore_checks_manifest_and_file(tmp_path, capsys):
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    populate(source)
    assert main(["backup", "--database-url", source, "--output", str(tmp_path / "b")]) == 0
    path = only_backup(tmp_path / "b")
    mpath = path.parent / (path.name + ".manifest.json")
    manifest = json.loads(mpath.read_text())
    learners = manifest["tables"]["core_learner"]
    manifest["tables"]["core_learner"] = learners + 1
    mpath.write_text(json.dumps(manifest))
    capsys.readouterr()
    target = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert main(["restore", str(path), "--database-url", target]) == 1
    assert (f"restored database does not match the manifest: core_learner: expected "
            f"{learners + 1}, found {learners}") in capsys.readouterr().err

    with path.open("r+b") as handle:  # a truncated copy
        handle.truncate(path.stat().st_size // 2)
    assert main(["restore", str(path), "--database-url", target, "--force"]) == 1
    assert "does not match its manifest's checksum" in capsys.readouterr().err
    mpath.unlink()
    assert main(["restore", str(path), "--database-url", target]) == 1
    assert f"no manifest beside the backup: expected {mpath}" in capsys.readouterr().err


def test_a_truncated_backup_with_an_edited_checksum_is_refused_and_the_target_kept(tmp_path, capsys):
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    populate(source)
    before = counts(source)
    assert main(["backup", "--database-url", source, "--output", str(tmp_path / "b")]) == 0
    path = only_backup(tmp_path / "b")
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    import hashlib

    mpath = path.parent / (path.name + ".manifest.json")
    manifest = json.loads(mpath.read_text())
    manifest["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()  # made to match
    mpath.write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["restore", str(path), "--database-url", source, "--force"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and path.name in err and "the target database is unchanged" in err
    assert counts(source) == before
    with sqlite3.connect(tmp_path / "live.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # An edited manifest missing what a restore reads is named, not a traceback.
    mpath.write_text(json.dumps({"sha256": manifest["sha256"], "tables": "all"}))
    assert main(["restore", str(path), "--database-url", source, "--force"]) == 1
    assert "is not a DigiReady backup manifest" in capsys.readouterr().err


def test_postgresql_backup_and_restore(postgres_url, second_pg_database, tmp_path, capsys):
    populate(postgres_url)
    before = counts(postgres_url)
    assert main(["backup", "--database-url", postgres_url, "--output", str(tmp_path / "b")]) == 0
    path = only_backup(tmp_path / "b")
    assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    manifest = json.loads((path.parent / (path.name + ".manifest.json")).read_text())
    assert manifest["database"] == "postgresql" and manifest["tables"] == before

    assert main(["restore", str(path), "--database-url", second_pg_database]) == 0
    assert counts(second_pg_database) == before
    # the sequences came along: a new row gets the next id, not a duplicate
    from sqlalchemy import text

    from digiready.ops import dbinfo

    engine = dbinfo.probe_engine(second_pg_database)
    with engine.begin() as conn:
        top = conn.execute(text("SELECT max(id) FROM events_event")).scalar_one()
        new_id = conn.execute(text("SELECT nextval(pg_get_serial_sequence('events_event','id'))")
                              ).scalar_one()
    engine.dispose()
    assert new_id == top + 1

    capsys.readouterr()
    assert main(["restore", str(path), "--database-url", second_pg_database]) == 1
    assert "the target database is not empty" in capsys.readouterr().err
    assert main(["restore", str(path), "--database-url", second_pg_database, "--force"]) == 0
    assert counts(second_pg_database) == before

    sqlite_target = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert main(["restore", str(path), "--database-url", sqlite_target]) == 1
    assert "is a postgresql backup; the target is sqlite" in capsys.readouterr().err
