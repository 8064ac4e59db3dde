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
    report = checks.run(file_values)
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
