"""``digiready lti ...`` (platforms, URLs, keys) and ``digiready demo`` (the local demo)."""
from __future__ import annotations

import argparse


def demo_port() -> int:
    from digiready.demo.ports import port

    return port("LTI")


ECONOMIES_HELP = ("economies learners may choose, e.g. pe,ph or \"pe ph\", or `any`: each "
                  "learner's answer to the economy question then picks the overlay (and its "
                  "language); --economy is the overlay for answers outside the list")


def register(subparsers: argparse._SubParsersAction) -> None:
    lti = subparsers.add_parser("lti", help="LTI 1.3 tool: platforms, URLs, keys")
    sub = lti.add_subparsers(dest="lti_command", metavar="COMMAND")
    sub.required = True

    platform = sub.add_parser("platform", help="platform registrations")
    psub = platform.add_subparsers(dest="platform_command", metavar="COMMAND")
    psub.required = True
    add = psub.add_parser("add", help="register a platform (or add a deployment to one)")
    add.add_argument("--issuer", required=True, help="platform issuer, e.g. https://moodle.example.org")
    add.add_argument("--client-id", required=True)
    add.add_argument("--deployment-id", required=True, action="append",
                     help="deployment id (repeat for several)")
    add.add_argument("--auth-login-url", required=True, help="platform OIDC authorisation URL")
    add.add_argument("--token-url", required=True, help="platform OAuth2 token URL")
    add.add_argument("--jwks-url", required=True, help="platform public keyset URL")
    add.add_argument("--economy", help="economy overlay, e.g. pe; `none` clears it (the "
                                       "APEC-wide base pack); left out: unchanged")
    add.add_argument("--economies", metavar="CODES",
                     help=ECONOMIES_HELP + "; `none` clears it; left out: unchanged")
    add.add_argument("--language", help="content and UI language, e.g. es; `none` clears it "
                                        "(each learner's LMS language); left out: unchanged")
    add.add_argument("--title", help="a name for this platform")
    add.set_defaults(func=_platform_add)
    ls = psub.add_parser("list", help="list registered platforms")
    ls.set_defaults(func=_platform_list)
    rm = psub.add_parser("remove", help="remove a platform (or one of its deployments)")
    rm.add_argument("--issuer", required=True)
    rm.add_argument("--client-id")
    rm.add_argument("--deployment-id", help="remove only this deployment")
    rm.set_defaults(func=_platform_remove)

    invite = sub.add_parser(
        "registration-url",
        help="create a one-time address with which one platform registers itself (Dynamic "
             "Registration)",
        description="Print a new one-time Dynamic Registration address. Give it to the "
                    "platform's admin, who enters it as the tool URL (Moodle: Tool URL; Canvas: "
                    "LTI Registration URL). It registers one new platform, with the economy "
                    "chosen here, and never changes an existing registration; it expires unused "
                    "after --expires. Change an existing registration with `digiready lti "
                    "platform add`.")
    invite.add_argument("--economy",
                        help="economy overlay of the new registration, e.g. pe; `base` for the "
                             "APEC-wide pack (required unless --economies is given; then "
                             "default base)")
    invite.add_argument("--economies", metavar="CODES", help=ECONOMIES_HELP)
    invite.add_argument("--language", help="content and UI language, e.g. es (default: each "
                                           "learner's LMS language; the platform's admin may "
                                           "change it while registering)")
    invite.add_argument("--expires", default="24h",
                        help="lifetime: 30m, 12h, 7d... up to 30d (default 24h)")
    invite.add_argument("--base-url", help="public base URL (default: DIGIREADY_LTI_BASE_URL)")
    invite.set_defaults(func=_registration_url)

    info = sub.add_parser("info", help="print the URLs a platform admin enters")
    info.add_argument("--base-url", help="public base URL (default: DIGIREADY_LTI_BASE_URL)")
    info.set_defaults(func=_info)

    keys = sub.add_parser("keys", help="tool signing keys")
    ksub = keys.add_subparsers(dest="keys_command", metavar="COMMAND")
    ksub.required = True
    rotate = ksub.add_parser("rotate", help="new signing key; old ones stay published for "
                                            "DIGIREADY_LTI_KEY_OVERLAP_HOURS")
    rotate.set_defaults(func=_keys_rotate)
    kl = ksub.add_parser("list", help="list keys")
    kl.set_defaults(func=_keys_list)

    demo = subparsers.add_parser("demo", help="local demo: the LTI tool and a built-in LMS "
                                              "on SQLite (migrate, seed, serve)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=demo_port(),
                      help="default %(default)s (DIGIREADY_DEMO_LTI_PORT)")
    demo.add_argument("--no-serve", action="store_true", help="migrate and seed only")
    demo.set_defaults(func=_demo)


def _session():
    """A database session for one command (committed on success)."""
    import lti_tool.models  # noqa: F401  (register the tables)
    from digiready.storage import session_scope

    return session_scope()


def _db_error(exc: Exception):
    from digiready.cli.main import CommandError

    return CommandError(f"database not ready ({type(exc).__name__}); run `digiready db upgrade`")


def _platform_add(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from digiready.cli.main import CommandError
    from lti_tool.registration import service

    data = service.PlatformInput(
        issuer=args.issuer.rstrip("/") if args.issuer.count("/") > 2 else args.issuer,
        client_id=args.client_id, deployment_ids=args.deployment_id,
        auth_login_url=args.auth_login_url, token_url=args.token_url, jwks_url=args.jwks_url,
        economy=_cleared_or(args.economy, str.lower), language=_cleared_or(args.language),
        title=args.title,
        economies=_cleared_or(args.economies, service.normalise_economies))
    try:
        with _session() as s:
            row, created = service.add(s, data)
            deployments = ", ".join(d.deployment_id for d in row.deployments)
            economy, language, economies = row.economy, row.language, row.economies
    except service.RegistrationError as exc:
        raise CommandError(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise _db_error(exc) from exc
    # What is stored now, not what was typed: an option left out keeps the earlier value.
    print(f"{'added' if created else 'updated'}: {data.issuer} client_id={data.client_id} "
          f"deployments=[{deployments}] economy={economy or '-'} language={language or '-'}"
          f" economies={_codes(economies)}")
    return 0


def _codes(economies: str | None) -> str:
    """A stored ``economies`` as the commands print it: pe,ph / any / - (none)."""
    return ",".join(economies.split()) if economies else "-"


def _cleared_or(value: str | None, normalise=str) -> str | None:
    """An option's value for :class:`PlatformInput`: None (left out: keep), "" (``none``
    or an empty string: clear), or the normalised value."""
    if value is None:
        return None
    value = value.strip()
    return "" if value.lower() in ("", "none", "-") else normalise(value)


def _platform_list(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from lti_tool.registration import service

    try:
        with _session() as s:
            rows = service.listing(s)
            lines = [f"{r.issuer}\tclient_id={r.client_id}\tdeployments="
                     f"{','.join(d.deployment_id for d in r.deployments) or '-'}\t"
                     f"economy={r.economy or '-'}\tlanguage={r.language or '-'}\t"
                     f"economies={_codes(r.economies)}" for r in rows]
    except SQLAlchemyError as exc:
        raise _db_error(exc) from exc
    print("\n".join(lines) if lines else "no platforms registered "
          "(digiready lti platform add --help)")
    return 0


def _platform_remove(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from digiready.cli.main import CommandError
    from lti_tool.registration import service

    try:
        with _session() as s:
            count = service.remove(s, args.issuer, args.client_id, args.deployment_id)
    except SQLAlchemyError as exc:
        raise _db_error(exc) from exc
    if not count:
        raise CommandError(f"nothing registered matches issuer {args.issuer!r}"
                           + (f" client_id {args.client_id!r}" if args.client_id else "")
                           + (f" deployment {args.deployment_id!r}" if args.deployment_id else ""))
    noun = "deployment" if args.deployment_id else "registration"
    print(f"removed {count} {noun}{'' if count == 1 else 's'}")
    return 0


def _registration_url(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from digiready import config
    from digiready.cli.main import CommandError
    from digiready.packs.paths import economy_codes
    from lti_tool import settings  # noqa: F401
    from lti_tool.app import LANGUAGES
    from lti_tool.registration import invites, service
    from lti_tool.urls import registration_url

    if args.economy is None and not args.economies:
        raise CommandError("--economy is required (an economy code such as pe, or base), "
                           "unless --economies lets learners choose theirs")
    economy = (args.economy or "base").lower()
    known = economy_codes()
    if economy != "base" and economy not in known:
        raise CommandError(f"--economy must be one of {', '.join(known + ['base'])}; "
                           f"got {args.economy!r}")
    economies = service.normalise_economies(args.economies) or None
    try:
        service.check_economies(economies)
    except service.RegistrationError as exc:
        raise CommandError(str(exc)) from exc
    if args.language and args.language not in LANGUAGES:
        raise CommandError(f"--language must be one of {', '.join(LANGUAGES)}; got {args.language!r}")
    try:
        lifetime = invites.parse_lifetime(args.expires)
    except ValueError as exc:
        raise CommandError(f"--expires {exc}") from exc
    base = (args.base_url or config.get("LTI_BASE_URL") or "").rstrip("/")
    if not base:
        raise CommandError("the tool's public address is unknown: set DIGIREADY_LTI_BASE_URL "
                           "or pass --base-url https://...")
    try:
        with _session() as s:
            secret, invite = invites.create(s, None if economy == "base" else economy,
                                            args.language, lifetime, economies)
    except SQLAlchemyError as exc:
        raise _db_error(exc) from exc
    print(registration_url(base, secret))
    print(f"One platform can register with this address until "
          f"{invite.expires_at:%Y-%m-%d %H:%M} UTC (economy {economy}"
          f"{', learners choose among ' + _codes(economies) if economies else ''}"
          f"{', language ' + args.language if args.language else ''}). It is shown only now.")
    return 0


def _info(args) -> int:
    from digiready import config
    from lti_tool import settings  # noqa: F401
    from lti_tool.urls import all_urls

    base = (args.base_url or config.get("LTI_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    width = max(len(k) for k in all_urls(base))
    for name, value in all_urls(base).items():
        print(f"{name:<{width}}  {value}")
    print(f"{'Custom parameter (optional)':<{width}}  digiready_target=diagnostic | "
          "module:<id> | survey:<id>")
    print(f"{'Dynamic registration URL':<{width}}  one-time, one per platform: "
          "digiready lti registration-url --economy CODE")
    if not (args.base_url or config.get("LTI_BASE_URL")):
        print("(set DIGIREADY_LTI_BASE_URL or --base-url to your public HTTPS address)")
    return 0


def _keys_rotate(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from lti_tool import keys, settings

    try:
        with _session() as s:
            new, retired = keys.rotate(s)
            kid, old = new.kid, [r.kid for r in retired]
    except SQLAlchemyError as exc:
        raise _db_error(exc) from exc
    print(f"new signing key: {kid}")
    if old:
        print(f"retired (still published for {settings.key_overlap_hours():g} h): {', '.join(old)}")
    return 0


def _keys_list(args) -> int:
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from lti_tool.models import ToolKey

    try:
        with _session() as s:
            rows = s.scalars(select(ToolKey).order_by(ToolKey.id)).all()
            lines = [f"{r.kid}\tcreated={r.created_at:%Y-%m-%d %H:%M}\t"
                     f"{'retired=' + format(r.retired_at, '%Y-%m-%d %H:%M') if r.retired_at else 'active'}"
                     for r in rows]
    except SQLAlchemyError as exc:
        raise _db_error(exc) from exc
    print("\n".join(lines) if lines else "no keys yet (one is created on first use)")
    return 0


def _demo(args) -> int:
    from lti_tool.demo.server import run_demo

    return run_demo(args.host, args.port, serve=not args.no_serve)
