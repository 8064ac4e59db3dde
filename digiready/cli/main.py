"""Entry point of the ``digiready`` console script.

Subcommands live beside the code they drive; each module listed in ``COMMAND_MODULES`` (the
core's) or registered by an adapter (:mod:`digiready.adapters`) has a ``register(subparsers)``
function. Modules of areas that are not installed (an XBlock-only install has no Flask) are
skipped, so ``digiready`` works with just the core.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "digiready.cli.pack_commands",
    "digiready.cli.diagnose_commands",
    "digiready.cli.db_commands",
    "digiready.cli.economy_commands",
    "digiready.cli.serve_commands",
    "digiready.cli.settings_commands",
    "digiready.cli.i18n_commands",
    "digiready.demo.cli",
    "digiready.events.cli",
    "digiready.media.cli",
    "digiready.courseexport.cli",
    "digiready.reports.cli",
    "digiready.ops.cli",
]


class CommandError(Exception):
    """A mistake the user can fix: printed as one line, exit status 1, never a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digiready", description="DigiReady: digital-maturity self-diagnostic for MSMEs."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    from digiready.adapters import registry

    for name in [*COMMAND_MODULES, *registry().command_modules]:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # The area is not installed (or not written yet): leave its commands out. A
            # missing dependency *inside* an installed area is a real error.
            if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
                continue
            if exc.name in {"flask", "sqlalchemy", "alembic", "weasyprint", "docx", "openpyxl"}:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"digiready: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; that is not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    # Run as `python -m digiready.cli.main`, this file is `__main__`, a module apart from the
    # `digiready.cli.main` whose CommandError the commands raise: call that one's main so
    # their mistakes print one line and never a traceback.
    from digiready.cli.main import main as _main

    sys.exit(_main())
