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
