"""``digiready demo-data``: fill the database with synthetic learners, attempts, events and
evaluations for demos, tests and benchmarks."""
from __future__ import annotations

import argparse
import re


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo-data", help="generate synthetic demo data (marked synthetic everywhere)",
        description="Replace earlier synthetic data of the given economies with fresh data.")
    p.add_argument("--economies", default="pe,ph,vn",
                   help="comma-separated ISO 3166 alpha-2 codes (default pe,ph,vn)")
    p.add_argument("--responses", type=int, default=300,
                   help="completed diagnostics per economy (default 300)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--pack", default=None,
                   help="content pack directory (default: content/base and its overlays)")
    p.add_argument("--database-url", default=None,
                   help="database URL (default: DIGIREADY_DATABASE_URL or the SQLite file)")
    p.add_argument("--only", default=None,
                   help="comma-separated generators to run (attempts, events, evaluations)")
    p.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    p.set_defaults(func=run)


def parse_economies(text: str) -> list[str]:
    from digiready.cli.main import CommandError

    codes = [c.strip().lower() for c in text.split(",") if c.strip()]
    bad = [c for c in codes if not re.fullmatch(r"[a-z]{2}", c)]
    if not codes or bad:
        raise CommandError(f"--economies wants two-letter codes such as pe,ph,vn; got {text!r}")
    return list(dict.fromkeys(codes))


def run(args: argparse.Namespace) -> int:
    from digiready.cli.main import CommandError
    from digiready.demo import DemoContext, generate, no_progress, stderr_progress
    from digiready.storage.engine import database_url

    if args.responses < 1:
        raise CommandError("--responses must be at least 1")
    ctx = DemoContext(
        url=args.database_url or database_url(), economies=parse_economies(args.economies),
        responses=args.responses, seed=args.seed, pack_path=args.pack,
        progress=no_progress if args.quiet else stderr_progress)
    only = [n.strip() for n in args.only.split(",")] if args.only else None
    try:
        summary = generate(ctx, only)
    except _db_errors() as exc:
        raise CommandError(f"database not ready ({type(exc).__name__}); "
                           "run `digiready db upgrade` first") from exc
    for name, info in summary.items():
        details = ", ".join(f"{k}={v}" for k, v in info.items())
        print(f"{name}: {details}")
    return 0


def _db_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    return (OperationalError, ProgrammingError)
