"""Backups and restores of the app database, each with a manifest that proves what it holds.

SQLite is copied with SQLite's online backup API (``Connection.backup``): a consistent copy
while the apps keep writing. PostgreSQL is dumped with ``pg_dump -Fc`` inside an exported
snapshot, and the row counts of the manifest are taken in the same snapshot, so the counts
describe exactly what the dump holds. A restore checks the counts again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import digiready
from digiready.ops import dbinfo

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """What went wrong, in words an operator can act on."""


@dataclass
class BackupResult:
    path: Path
    manifest_path: Path
    manifest: dict


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def backup(url: str, output: Path) -> BackupResult:
    """Write a backup of ``url`` to ``output`` (a directory: a timestamped name in it)."""
    kind = dbinfo.kind(url)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    if output.is_dir() or not output.suffix:
        output.mkdir(parents=True, exist_ok=True)
        output = output / f"digiready-{stamp}.{'sqlite3' if kind == 'sqlite' else 'dump'}"
    if output.exists():
        raise BackupError(f"{output} exists already; choose another name")
    output.parent.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        counts, revisions = _backup_sqlite(url, output)
    else:
        counts, revisions = _backup_postgresql(url, output)
    manifest = {
        "format": 1,
        "database": kind,
        "file": output.name,
        "sha256": _sha256(output),
        "alembic_revisions": revisions,
        "tables": counts,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "digiready_version": digiready.__version__,
    }
    mpath = manifest_path_for(output)
    mpath.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
    return BackupResult(output, mpath, manifest)


def _backup_sqlite(url: str, output: Path) -> tuple[dict[str, int], list[str]]:
    source_path = dbinfo.sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(output)
    try:
        source.backup(target)  # page by page, consistent, while writers go on
    finally:
        source.close()
        target.close()
    # Counted in the copy itself: exactly what the backup holds.
    return dbinfo.table_counts(f"sqlite:///{output}"), dbinfo.revisions(f"sqlite:///{output}")


def _backup_postgresql(url: str, output: Path) -> tuple[dict[str, int], list[str]]:
    from sqlalchemy import text

    engine = dbinfo.probe_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts = dbinfo.table_counts_on(conn)
                revisions = dbinfo.revisions_on(conn)
                # The snapshot lives as long as this transaction: dump inside it.
                _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                      f"--snapshot={snapshot}", f"--file={output}"], url)
    finally:
        engine.dispose()
    return counts, revisions


def read_manifest(backup_path: Path) -> dict:
    mpath = manifest_path_for(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"no backup file at {backup_path}")
    try:
        manifest = json.loads(mpath.read_text("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"no manifest beside the backup: expected {mpath}") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"{mpath} is not valid JSON: {exc}") from None
    _check_manifest(manifest, mpath)
    if manifest.get("sha256") != _sha256(backup_path):
        raise BackupError(f"{backup_path} does not match its manifest's checksum "
                          "(truncated or changed since the backup)")
    return manifest


def _check_manifest(manifest, mpath: Path) -> None:
    """The fields a restore reads, with the types it reads them as: an edited manifest is
    named, not a KeyError."""
    tables = manifest.get("tables") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or manifest.get("database") not in ("sqlite", "postgresql") \
            or not isinstance(manifest.get("sha256"), str) or not isinstance(tables, dict) \
            or not all(isinstance(k, str) and isinstance(v, int) for k, v in tables.items()):
        raise BackupError(f"{mpath} is not a DigiReady backup manifest (it needs database, "
                          "sha256 and tables with row counts)")


def restore(backup_path: Path, url: str, *, force: bool = False) -> dict:
    """Restore ``backup_path`` into ``url``; returns the manifest it was checked against."""
    manifest = read_manifest(backup_path)
    kind = dbinfo.kind(url)
    if manifest["database"] != kind:
        raise BackupError(f"{backup_path.name} is a {manifest['database']} backup; the target "
                          f"is {kind} (to move between them use `digiready migrate-data`)")
    if not force:
        found = dbinfo.nonempty_tables(url)
        if found:
            raise BackupError(
                f"the target database is not empty ({len(found)} tables with rows, e.g. "
                f"{', '.join(found[:3])}); pass --force to replace its contents")
    if kind == "sqlite":
        _check_sqlite_file(backup_path)
        _restore_sqlite(backup_path, url)
    else:
        _restore_postgresql(backup_path, url)
    counts = dbinfo.table_counts(url)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        detail = ", ".join(f"{t}: expected {n}, found {got}" for t, (n, got) in sorted(wrong.items()))
        raise BackupError(f"restored database does not match the manifest: {detail}")
    return manifest


def _check_sqlite_file(backup_path: Path) -> None:
    """Read every page of the backup before the target is touched. The checksum only proves
    the file is the one the manifest describes, and a manifest can be edited: a truncated or
    damaged copy is refused here, with the target left as it was."""
    unchanged = "nothing was restored; the target database is unchanged"
    try:
        conn = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchmany(3)]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{backup_path.name} is not a readable SQLite database ({exc}); "
                          f"{unchanged}") from None
    if problems != ["ok"]:
        raise BackupError(f"{backup_path.name} is damaged (SQLite: {'; '.join(problems)}); "
                          f"{unchanged}")


def _restore_sqlite(backup_path: Path, url: str) -> None:
    target_path = dbinfo.sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)  # replaces every page of the target, in one go
    except sqlite3.Error as exc:  # one transaction: the target keeps its pages
        raise BackupError(f"restoring {backup_path.name} failed ({exc}); the target database "
                          "is unchanged") from None
    finally:
        source.close()
        target.close()


def _restore_postgresql(backup_path: Path, url: str) -> None:
    # --clean drops what the dump recreates; one transaction: all or nothing.
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", str(backup_path)], url)


def _run(argv: list[str], url: str) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} not found: install the PostgreSQL client "
                          "(Debian: apt-get install postgresql-client)")
    conninfo, password = dbinfo.libpq_url(url)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password  # not on the command line, where `ps` shows it
    argv = [*argv, f"--dbname={conninfo}"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
