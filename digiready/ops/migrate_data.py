"""Move a whole install from one database to another (typically a single server's SQLite file
to PostgreSQL) with nothing lost, and prove it.

The target's schema comes from the same Alembic migrations as always (never from
``create_all``), so it is exactly what ``digiready db upgrade`` would build. Rows are copied
table by table in foreign-key order, primary keys kept, in one target transaction (a failure
leaves the target as empty as it was). Afterwards every table's row count and an
order-independent checksum of its normalised values are compared between the two databases.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Table, func, select, text

from digiready.ops import dbinfo, schema

CHECKSUM_MODULUS = 1 << 128


class MigrationRefused(Exception):
    """The source or target is not in a state that allows a faithful copy."""


@dataclass
class TableComparison:
    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def matches(self) -> bool:
        return (self.source_rows, self.source_checksum) == (self.target_rows, self.target_checksum)


def tables_in_order() -> list[Table]:
    """Every installed area's tables, parents before children."""
    from digiready.storage.base import Base
    from digiready.storage.migrate import import_all_models

    import_all_models()
    return list(Base.metadata.sorted_tables)


def check_ready(source: str, target: str) -> None:
    if dbinfo.kind(source) == "sqlite" and not dbinfo.sqlite_path(source).is_file():
        raise MigrationRefused(f"no SQLite database at {dbinfo.sqlite_path(source)}")
    found = schema.state(source)
    if not found.at_head:
        missing = ", ".join(sorted(found.missing | found.unknown)) or "no schema"
        raise MigrationRefused(
            f"the source database is not at head ({missing}): run `digiready db upgrade "
            "--database-url <source>` with this release first")
    known = {t.name for t in tables_in_order()} | {"alembic_version"}
    foreign = sorted(set(dbinfo.table_counts(source)) - known)
    if foreign:
        raise MigrationRefused(
            f"the source has tables no installed area declares ({', '.join(foreign)}): install "
            "the area they belong to, or they would be left behind")
    busy = dbinfo.nonempty_tables(target)
    if busy:
        raise MigrationRefused(
            f"the target database is not empty ({', '.join(busy[:5])}"
            f"{', ...' if len(busy) > 5 else ''}): migrate into a new, empty database")


def migrate(source: str, target: str, *, batch_size: int = 1000,
            progress=lambda table, rows: None) -> list[TableComparison]:
    """Copy ``source`` into ``target`` and compare; returns one comparison per table."""
    from digiready.storage import migrate as alembic_migrate

    source, target = dbinfo.normalise(source), dbinfo.normalise(target)
    for url in (source, target):
        dbinfo.kind(url)  # a clear error for a mistyped URL before anything is opened
    check_ready(source, target)
    alembic_migrate.upgrade(target)  # the source is at head: the same revisions
    tables = tables_in_order()
    src_engine, dst_engine = dbinfo.probe_engine(source), dbinfo.probe_engine(target)
    try:
        with src_engine.connect() as src, dst_engine.begin() as dst:
            if dst.dialect.name == "sqlite":
                dst.execute(text("PRAGMA foreign_keys=ON"))
            for table in tables:
                copied = 0
                for batch in _batches(src, table, batch_size):
                    dst.execute(table.insert(), [_for_target(table, row) for row in batch])
                    copied += len(batch)
                progress(table.name, copied)
            if dst.dialect.name == "postgresql":
                _reset_sequences(dst, tables)
        return compare(source, target, tables)
    finally:
        src_engine.dispose()
        dst_engine.dispose()


def _batches(conn, table: Table, size: int) -> Iterator[list[dict]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=size).execute(select(table).order_by(*order))
    keys = [c.key for c in table.columns]
    for chunk in result.partitions(size):
        yield [dict(zip(keys, row, strict=True)) for row in chunk]


def _for_target(table: Table, row: dict) -> dict:
    # SQLite keeps no zone: a naive value in a timezone-aware column is UTC (the apps write
    # UTC), and must say so before PostgreSQL reads it in its session's zone.
    for column in table.columns:
        value = row[column.key]
        if isinstance(value, datetime) and value.tzinfo is None \
                and isinstance(column.type, DateTime) and column.type.timezone:
            row[column.key] = value.replace(tzinfo=timezone.utc)
    return row


def _reset_sequences(conn, tables: list[Table]) -> None:
    """After explicit ids, each serial/identity sequence continues after the largest one."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": table.name, "c": column.name}).scalar()
            if sequence is None:
                continue
            top = conn.execute(select(func.max(column))).scalar()
            conn.execute(text("SELECT setval(:s, :v, :called)"),
                         {"s": sequence, "v": top or 1, "called": top is not None})


# -- comparison ----------------------------------------------------------------------------

def normalise_value(value):
    """One canonical form per value, whichever database it was read from."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (float, Decimal)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return repr(number)
        if number == int(number) and abs(number) < 2**53:
            return int(number)
        return format(number, ".12g")  # both sides store doubles; the text may differ
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): normalise_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise_value(v) for v in value]
    return str(value)


def table_checksum(conn, table: Table, batch_size: int = 2000) -> tuple[int, str]:
    """(rows, checksum): the sum of each row's hash, so row order does not matter but a
    missing, extra, duplicated or changed row does."""
    total = rows = 0
    for batch in _batches(conn, table, batch_size):
        for row in batch:
            canonical = json.dumps([normalise_value(row[c.key]) for c in table.columns],
                                   sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = hashlib.sha256(canonical.encode()).digest()
            total = (total + int.from_bytes(digest[:16], "big")) % CHECKSUM_MODULUS
            rows += 1
    return rows, f"{total:032x}"


def compare(source: str, target: str, tables: list[Table] | None = None) -> list[TableComparison]:
    tables = tables or tables_in_order()
    src_engine, dst_engine = dbinfo.probe_engine(source), dbinfo.probe_engine(target)
    try:
        with src_engine.connect() as src, dst_engine.connect() as dst:
            found = []
            for table in tables:
                s_rows, s_sum = table_checksum(src, table)
                d_rows, d_sum = table_checksum(dst, table)
                found.append(TableComparison(table.name, s_rows, d_rows, s_sum, d_sum))
            return found
    finally:
        src_engine.dispose()
        dst_engine.dispose()
