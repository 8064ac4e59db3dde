"""``digiready db upgrade|heads``: apply the Alembic migrations of every installed area."""
from __future__ import annotations


def register(subparsers) -> None:
    db = subparsers.add_parser("db", help="database migrations")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    sub.required = True
    up = sub.add_parser("upgrade", help="apply all migrations (idempotent)")
    up.add_argument("--database-url", help="override DIGIREADY_DATABASE_URL")
    up.set_defaults(func=_upgrade)
    heads = sub.add_parser("current", help="print the applied revision of each branch")
    heads.add_argument("--database-url")
    heads.set_defaults(func=_current)


def _upgrade(args) -> int:
    from digiready.storage import migrate
    from digiready.storage.engine import database_url

    url = args.database_url or database_url()
    migrate.upgrade(url)
    print(f"database up to date: {_redact(url)}")
    return 0


def _current(args) -> int:
    from digiready.storage import migrate

    for head in sorted(migrate.current_heads(args.database_url)):
        print(head)
    return 0


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
