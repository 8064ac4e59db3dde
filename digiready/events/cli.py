"""``digiready analytics``: export statements, compute indicators, forward to the LRS."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("analytics", help="learning events: xAPI export, indicators, LRS forwarding")
    sub = p.add_subparsers(dest="analytics_command", metavar="ACTION")
    sub.required = True

    ex = sub.add_parser("export-xapi", help="write every stored event as an xAPI statement (JSON lines)")
    ex.add_argument("--out", required=True, help="output file (`-` for stdout)")
    ex.add_argument("--no-synthetic", action="store_true", help="leave out synthetic (demo) events")
    ex.add_argument("--database-url", default=None)
    ex.set_defaults(func=_export)

    ind = sub.add_parser("indicators", help="usage and diagnostic indicators (small cells suppressed)")
    ind.add_argument("--economy", help="two-letter economy code")
    ind.add_argument("--from", dest="date_from", type=_date, help="first day, YYYY-MM-DD")
    ind.add_argument("--to", dest="date_to", type=_date, help="last day, YYYY-MM-DD (inclusive)")
    for name in ("gender", "age-band", "sector", "size"):
        ind.add_argument(f"--{name}", help=f"only learners with this {name.replace('-', ' ')}")
    ind.add_argument("--period", choices=["day", "week", "month"], default="month",
                     help="granularity of the visits series (default month)")
    ind.add_argument("--min-cell", type=int, default=None,
                     help="suppress groups smaller than this; may raise DIGIREADY_MIN_CELL_SIZE "
                          "(default 10), never lower it")
    ind.add_argument("--json", action="store_true", help="print JSON (default: a short text summary)")
    ind.add_argument("--database-url", default=None)
    ind.set_defaults(func=_indicators)

    fw = sub.add_parser("forward", help="send outbox statements to the LRS (DIGIREADY_LRS_URL)")
    fw.add_argument("--loop", action="store_true", help="keep forwarding until interrupted")
    fw.add_argument("--interval", type=float, default=5.0, help="seconds between passes with --loop")
    fw.add_argument("--backfill", action="store_true",
                    help="first queue every stored event again (a new or emptied LRS)")
    fw.add_argument("--batch-size", type=int, default=None)
    fw.add_argument("--database-url", default=None)
    fw.set_defaults(func=_forward)

    sa = sub.add_parser("set-aside", help="statements the LRS refused: list them with the reason, "
                                          "or send them again")
    sa.add_argument("--retry", action="store_true",
                    help="put them back in line for the next `forward` (after fixing the LRS or "
                         "the data)")
    sa.add_argument("--database-url", default=None)
    sa.set_defaults(func=_set_aside)


def _set_aside(args) -> int:
    from digiready.events.forwarder import retry_set_aside, set_aside_statements

    try:
        if args.retry:
            print(f"{retry_set_aside(args.database_url)} statement(s) back in line for the LRS")
            return 0
        rows = set_aside_statements(args.database_url)
    except _db_errors() as exc:
        raise _not_ready(exc) from exc
    for row in rows:
        print(f"{row.statement_id}\t{row.kind}\t{row.since:%Y-%m-%d %H:%M}\t"
              f"attempts={row.attempts}\t{row.reason}")
    if not rows:
        print("no statement is set aside")
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _db_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    return (OperationalError, ProgrammingError)


def _not_ready(exc: BaseException):
    from digiready.cli.main import CommandError

    return CommandError(f"database not ready ({type(exc).__name__}); run `digiready db upgrade` first")


def _export(args) -> int:
    from digiready.cli.main import CommandError
    from digiready.events.export import export_jsonl

    skipped: list[str] = []
    try:
        if args.out == "-":
            count = export_jsonl(sys.stdout, database_url=args.database_url,
                                 include_synthetic=not args.no_synthetic, skipped=skipped)
        else:
            try:
                out = open(args.out, "w", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise CommandError(f"cannot write {args.out}: {exc.strerror}") from None
            with out:
                count = export_jsonl(out, database_url=args.database_url,
                                     include_synthetic=not args.no_synthetic, skipped=skipped)
    except _db_errors() as exc:
        raise _not_ready(exc) from exc
    print(f"{count} statements written to {args.out}", file=sys.stderr)
    if skipped:
        print(f"{len(skipped)} left out, not valid JSON (a number that is not finite): "
              + ", ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else ""), file=sys.stderr)
    return 0


def _indicators(args) -> int:
    from digiready.cli.main import CommandError
    from digiready.events.indicators import Filters, compute

    if args.economy and not (len(args.economy) == 2 and args.economy.isalpha()):
        raise CommandError(f"--economy wants a two-letter code such as pe; got {args.economy!r}")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise CommandError("--from is after --to")
    filters = Filters(economy=args.economy, date_from=args.date_from, date_to=args.date_to,
                      gender=args.gender, age_band=args.age_band, sector=args.sector,
                      size=args.size)
    try:
        from digiready.disclosure import at_least_threshold

        data = compute(filters, database_url=args.database_url,
                       min_cell=at_least_threshold(args.min_cell), period=args.period)
    except _db_errors() as exc:
        raise _not_ready(exc) from exc
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        from digiready.events.indicators import summary_lines

        print("\n".join(summary_lines(data)))
    return 0


def _forward(args) -> int:
    import logging
    import signal
    import threading

    from digiready.cli.main import CommandError
    from digiready.events.forwarder import Forwarder, ForwarderError, enqueue_all

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        forwarder = Forwarder(database_url=args.database_url, batch_size=args.batch_size)
    except ForwarderError as exc:
        raise CommandError(str(exc)) from None
    try:
        if args.backfill:
            print(f"queued {enqueue_all(args.database_url)} events", file=sys.stderr)
        if not args.loop:
            report = forwarder.forward_once()
            print(json.dumps(report.as_dict()))
            return 0 if report.failed == 0 else 2
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        forwarder.run(interval=args.interval, stop=stop)
    except _db_errors() as exc:
        raise _not_ready(exc) from exc
    return 0
