"""``digiready portal …``: send queued mail, load the demo programme, manage staff, expire
unconfirmed seat holds. Each command runs inside the portal's app context so emails render
with the same templates and translations as the web pages."""
from __future__ import annotations

import getpass
import os
import sys
import time


def register(subparsers) -> None:
    portal = subparsers.add_parser("portal", help="symposium portal tasks")
    sub = portal.add_subparsers(dest="portal_command", metavar="ACTION")
    sub.required = True

    send = sub.add_parser("send-mail", help="send committed emails from the outbox (SMTP)")
    send.add_argument("--loop", action="store_true", help="keep running (a worker)")
    send.add_argument("--interval", type=float, default=5.0, help="seconds between runs")
    send.add_argument("--limit", type=int, default=200, help="messages per run")
    send.add_argument("--runs", type=int, default=0, help="stop after N runs (0: forever)")
    send.set_defaults(func=_send_mail)

    seed = sub.add_parser("seed-demo", help="load a sample 3-day programme (idempotent)")
    seed.add_argument("--force", action="store_true", help="replace the existing event")
    seed.add_argument("--capacity", type=int, default=300)
    seed.set_defaults(func=_seed)

    load = sub.add_parser("load-programme", help="create the event from a YAML programme file")
    load.add_argument("file")
    load.add_argument("--replace", action="store_true",
                      help="delete the existing event (and its registrations) first")
    load.set_defaults(func=_load)

    tmpl = sub.add_parser("programme-template", help="print the demo programme as YAML")
    tmpl.set_defaults(func=_template)

    staff = sub.add_parser("create-staff", help="add or update a staff account")
    staff.add_argument("email")
    staff.add_argument("--role", choices=["organiser", "moderator", "viewer"], required=True)
    staff.add_argument("--name", default="")
    staff.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input")
    staff.set_defaults(func=_create_staff)

    exp = sub.add_parser("expire-holds", help="release unconfirmed seat holds past expiry")
    exp.set_defaults(func=_expire)


def _app():
    from symposium_portal.app import create_app

    return create_app()


def _send_mail(args) -> int:
    import symposium_portal.models  # noqa: F401  (every table, so foreign keys resolve)
    from digiready.storage.engine import database_url
    from symposium_portal.db import new_session
    from symposium_portal.outbox import send_pending

    database_url()
    runs = 0
    total_sent = total_failed = 0
    while True:
        if args.loop:
            _expire_quietly()  # the worker also releases expired seat holds
        sent, failed = send_pending(new_session, limit=args.limit)
        total_sent, total_failed = total_sent + sent, total_failed + failed
        runs += 1
        if args.loop:
            if sent or failed:
                print(f"sent {sent}, failed {failed}", flush=True)
            if args.runs and runs >= args.runs:
                break
            time.sleep(args.interval)
            continue
        break
    print(f"sent {total_sent}, failed {total_failed}")
    return 1 if total_failed and not total_sent else 0


def _expire_quietly() -> None:
    from symposium_portal.db import new_session
    from symposium_portal.registration import service

    with _app().test_request_context():
        dbs = new_session()
        try:
            if service.expire_holds(dbs, service.current_event(dbs)):
                dbs.commit()
        except Exception as exc:  # a worker keeps sending mail whatever happens here
            print(f"expire-holds failed: {exc}", file=sys.stderr, flush=True)
        finally:
            dbs.rollback()
            dbs.close()


def _seed(args) -> int:
    from symposium_portal.db import new_session
    from symposium_portal.seed import seed_demo

    with _app().app_context():
        dbs = new_session()
        try:
            event = seed_demo(dbs, force=args.force, capacity=args.capacity)
            dbs.commit()
        finally:
            dbs.close()
    print(f"event {event.slug!r}: {event.title} ({event.timezone}), capacity {event.capacity}")
    return 0


def _load(args) -> int:
    from pathlib import Path

    from digiready.cli.main import CommandError
    from digiready.packs.yamlfile import load_yaml
    from symposium_portal.db import new_session
    from symposium_portal.seed import ProgrammeError, load_programme

    # The content packs' loader: bounded (size, aliases, nesting, plain tags only), so a
    # hostile or broken programme file is one line at file:line, never a traceback or a hang.
    document, issues = load_yaml(Path(args.file))
    errors = [str(issue) for issue in issues if issue.severity == "error"]
    if errors:
        raise CommandError("; ".join(errors))
    data = document.data
    with _app().app_context():
        dbs = new_session()
        try:
            event = load_programme(dbs, data, replace=args.replace)
            dbs.commit()
        except ProgrammeError as exc:
            raise CommandError(f"{args.file}: {exc}") from exc
        finally:
            dbs.close()
    print(f"event {event.slug!r}: {event.title} ({event.timezone}), capacity {event.capacity}")
    return 0


def _template(args) -> int:
    import yaml

    from symposium_portal.seed import demo_programme

    print(yaml.safe_dump(demo_programme(), allow_unicode=True, sort_keys=False), end="")
    return 0


def _create_staff(args) -> int:
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from digiready.cli.main import CommandError
    from symposium_portal.admin.models import Staff
    from symposium_portal.db import new_session

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = os.environ.get("DIGIREADY_PORTAL_STAFF_PASSWORD") or getpass.getpass()
    if len(password) < 10:
        raise CommandError("password too short: use at least 10 characters")
    from symposium_portal.validators import control_character

    for label, value in (("email", args.email), ("--name", args.name)):
        if control_character(value):
            raise CommandError(f"{label}: control character {control_character(value)} is not "
                               "allowed (use one line of ordinary text)")
    dbs = new_session()
    try:
        staff = dbs.scalars(select(Staff).where(
            func.lower(Staff.email) == args.email.lower())).first()
        if staff is None:
            staff = Staff(email=args.email)
            dbs.add(staff)
        staff.role, staff.name = args.role, args.name or staff.name or ""
        staff.password_hash = generate_password_hash(password)
        staff.end_sessions()  # a new password ends the sessions signed in with the old one
        staff.active = True
        dbs.commit()
    finally:
        dbs.close()
    print(f"staff {args.email}: {args.role}")
    return 0


def _expire(args) -> int:
    from symposium_portal.db import new_session
    from symposium_portal.registration import service

    with _app().test_request_context():
        dbs = new_session()
        try:
            count = service.expire_holds(dbs, service.current_event(dbs))
            dbs.commit()
        finally:
            dbs.close()
    print(f"expired {count} {'hold' if count == 1 else 'holds'}")
    return 0
