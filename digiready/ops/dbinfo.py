"""Small facts about a database that backups, restores and data migration all need."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


def normalise(url: str) -> str:
    return "postgresql+psycopg://" + url[len("postgresql://"):] \
        if url.startswith("postgresql://") else url


def kind(url: str) -> str:
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(normalise(url)).get_backend_name()
    except ArgumentError:
        raise ValueError(f"{url!r} is not a database URL (e.g. sqlite:///var/digiready.sqlite3 "
                         "or postgresql://user@host/dbname)") from None
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"DigiReady runs on SQLite or PostgreSQL, not {backend}")
    return backend


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError(f"{url} names no SQLite file")
    return Path(database)


def probe_engine(url: str) -> Engine:
    """An engine of its own (no pool): the commands must not share the apps' cached ones."""
    return create_engine(normalise(url), poolclass=NullPool)


def table_names_on(conn) -> list[str]:
    return sorted(inspect(conn).get_table_names())


def table_counts_on(conn) -> dict[str, int]:
    preparer = conn.dialect.identifier_preparer
    return {name: conn.execute(text(f"SELECT count(*) FROM {preparer.quote(name)}")).scalar_one()
            for name in table_names_on(conn)}


def revisions_on(conn) -> list[str]:
    if "alembic_version" not in table_names_on(conn):
        return []
    return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _with_conn(url: str, read):
    engine = probe_engine(url)
    try:
        with engine.connect() as conn:
            return read(conn)
    finally:
        engine.dispose()


def table_counts(url: str) -> dict[str, int]:
    return _with_conn(url, table_counts_on)


def revisions(url: str) -> list[str]:
    return _with_conn(url, revisions_on)


def nonempty_tables(url: str) -> list[str]:
    """Tables holding rows (``alembic_version`` alone does not make a database "in use")."""
    if kind(url) == "sqlite" and not sqlite_path(url).exists():
        return []
    counts = table_counts(url)
    return [t for t, n in counts.items() if n and t != "alembic_version"]


def libpq_url(url: str) -> tuple[str, str | None]:
    """(URL for pg_dump/pg_restore without the password, the password)."""
    parsed = make_url(normalise(url))
    password = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), (str(password) if password else None)
