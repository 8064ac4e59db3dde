"""``digiready demo-data``: fill the database with synthetic learners, attempts, events and
evaluations for demos, tests and benchmarks. ``digiready mail-catcher``: the local SMTP
server and sent-mail page of ``make run``."""
from __future__ import annotations

import argparse
import re

from digiready.demo import ports


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

    mail = subparsers.add_parser(
        "mail-catcher", help="a local SMTP server that shows every email it gets on a web page "
                             "(for the demo; nothing is relayed)")
    mail.add_argument("--host", default="127.0.0.1")
    mail.add_argument("--smtp-port", type=int, default=ports.port("SMTP"),
                      help="default %(default)s (DIGIREADY_DEMO_SMTP_PORT)")
    mail.add_argument("--http-port", type=int, default=ports.port("MAIL"),
                      help="the page of sent emails; default %(default)s "
                           "(DIGIREADY_DEMO_MAIL_PORT)")
    mail.set_defaults(func=catch_mail)


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
    from digiready.economies import UnknownEconomy, check
    from digiready.storage.engine import database_url

    if args.responses < 1:
        raise CommandError("--responses must be at least 1")
    economies = parse_economies(args.economies)
    try:
        check(economies, args.pack)
    except UnknownEconomy as exc:
        raise CommandError(str(exc)) from None
    ctx = DemoContext(
        url=args.database_url or database_url(), economies=economies,
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


def catch_mail(args: argparse.Namespace) -> int:
    """Serve until interrupted (Ctrl+C or SIGTERM), then stop both servers."""
    import signal
    import threading

    from digiready.cli.main import CommandError

    try:
        from digiready.demo.mailcatcher import MailCatcher
        catcher = MailCatcher(args.host, args.smtp_port, args.http_port)
        catcher.start()
    except ModuleNotFoundError as exc:
        raise CommandError(f"the mail catcher needs {exc.name} (a development dependency): "
                           "pip install 'digiready[dev]'") from exc
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host} (SMTP {args.smtp_port}, page "
                           f"{args.http_port}): {exc.strerror or exc}") from exc
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"Mail catcher: SMTP {args.host}:{args.smtp_port}, sent emails at {catcher.page_url}",
          flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        catcher.stop()
    return 0
