"""Operations commands: ``check-config``, ``backup``, ``restore``, ``migrate-data``."""
from __future__ import annotations

import json
import os
from pathlib import Path

from digiready.cli.main import CommandError


def register(subparsers) -> None:
    check = subparsers.add_parser(
        "check-config", help="report every setting and every configuration mistake")
    check.add_argument("--env-file", type=Path,
                       help="also read NAME=value lines from this file (as systemd's "
                            "EnvironmentFile=); the process environment wins")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument("--before-upgrade", action="store_true",
                       help="run before `digiready db upgrade`: a schema behind the code's "
                            "migrations (or none yet) is a warning, not an error")
    check.set_defaults(func=_check_config)

    backup = subparsers.add_parser(
        "backup", help="back up the database (SQLite online backup, PostgreSQL pg_dump)")
    backup.add_argument("--database-url", help="default: DIGIREADY_DATABASE_URL")
    backup.add_argument("--output", type=Path,
                        help="file or directory (default: $DIGIREADY_VAR_DIR/backups/)")
    backup.set_defaults(func=_backup)

    restore = subparsers.add_parser(
        "restore", help="restore a backup made by `digiready backup`, checking its manifest")
    restore.add_argument("backup", type=Path, help="the backup file (its manifest beside it)")
    restore.add_argument("--database-url", help="default: DIGIREADY_DATABASE_URL")
    restore.add_argument("--force", action="store_true",
                         help="replace the contents of a database that is not empty")
    restore.set_defaults(func=_restore)

    move = subparsers.add_parser(
        "migrate-data", help="copy every row to a new database (e.g. SQLite to PostgreSQL) "
                             "and compare counts and checksums")
    move.add_argument("--from", dest="source", required=True, metavar="URL",
                      help="source database, e.g. sqlite:////srv/digiready/digiready.sqlite3")
    move.add_argument("--to", dest="target", required=True, metavar="URL",
                      help="empty target database, e.g. postgresql://digiready@db/digiready")
    move.add_argument("--batch-size", type=int, default=1000, help="rows per INSERT batch")
    move.set_defaults(func=_migrate_data)


def _check_config(args) -> int:
    from digiready.ops import checks

    file_values: dict[str, str] = {}
    if args.env_file:
        try:
            file_values = checks.read_env_file(args.env_file)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for name, value in file_values.items():
            os.environ.setdefault(name, value)
    report = checks.run(file_values, before_upgrade=args.before_upgrade)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        _print_report(report)
    return 1 if report.errors else 0


def _print_report(report) -> None:
    width = max(len(s.name) for s in report.settings)
    print(f"{'setting':{width}}  {'source':11}  value")
    for s in report.settings:
        print(f"{s.name:{width}}  {s.source:11}  {'' if s.value is None else s.value}")
    print()
    for p in report.problems:
        print(f"{p.level}: {p.message}")
    errors = len(report.errors)
    warnings = len(report.problems) - errors
    if report.problems:
        print(f"{errors} error(s), {warnings} warning(s)")
    else:
        print("configuration OK")


def _database_url(args) -> str:
    from digiready.storage.engine import database_url

    return args.database_url or database_url()


def _backup(args) -> int:
    from digiready import config
    from digiready.ops import backup

    try:
        done = backup.backup(_database_url(args), args.output or config.var_dir() / "backups")
    except (backup.BackupError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    rows = sum(n for t, n in done.manifest["tables"].items() if t != "alembic_version")
    print(f"backup: {done.path} ({done.manifest['database']}, "
          f"{len(done.manifest['tables'])} tables, {rows} rows)")
    print(f"manifest: {done.manifest_path}")
    return 0


def _restore(args) -> int:
    from digiready.ops import backup
    from digiready.ops.checks import mask_url

    url = _database_url(args)
    try:
        manifest = backup.restore(args.backup, url, force=args.force)
    except (backup.BackupError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    print(f"restored {args.backup.name} (taken {manifest['created']}) into {mask_url(url)}; "
          f"row counts of all {len(manifest['tables'])} tables match the manifest")
    return 0


def _migrate_data(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from digiready.ops import migrate_data
    from digiready.ops.checks import mask_url

    if args.batch_size < 1:
        raise CommandError("--batch-size must be at least 1")
    try:
        comparisons = migrate_data.migrate(args.source, args.target, batch_size=args.batch_size)
    except (migrate_data.MigrationRefused, ValueError) as exc:
        raise CommandError(str(exc)) from None
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        raise CommandError(f"copy failed, the target was left empty: {str(orig).strip()[:500]}") \
            from None
    width = max(len(c.table) for c in comparisons)
    print(f"{'table':{width}}  {'source':>8}  {'target':>8}  checksum")
    for c in sorted(comparisons, key=lambda c: c.table):
        verdict = "match" if c.matches else f"MISMATCH {c.source_checksum[:12]} != {c.target_checksum[:12]}"
        print(f"{c.table:{width}}  {c.source_rows:>8}  {c.target_rows:>8}  {verdict}")
    bad = [c.table for c in comparisons if not c.matches]
    rows = sum(c.source_rows for c in comparisons)
    if bad:
        print(f"{len(bad)} table(s) differ: {', '.join(bad)}")
        return 1
    print(f"{len(comparisons)} tables, {rows} rows copied to {mask_url(args.target)}; "
          "counts and checksums match")
    return 0
