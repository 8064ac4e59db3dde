"""Used launch nonces, so that no id_token is accepted twice, across every worker and host.

The database is the default store (a primary key on (issuer, nonce) makes the check and the
insert one atomic step); with ``DIGIREADY_REDIS_URL`` set, Redis ``SET NX EX`` does the same
with automatic expiry. A nonce is kept until the id_token that carried it expires (plus the
leeway), after which the token itself is refused anyway.
"""
from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from digiready import config
from lti_tool.models import Nonce


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def claim(session: Session, issuer: str, nonce: str, expires_at: datetime) -> bool:
    """Record the nonce; False when it was already used (a replay)."""
    url = config.get("REDIS_URL")
    if url:
        key = "digiready:lti:nonce:" + hashlib.sha256(f"{issuer}\n{nonce}".encode()).hexdigest()
        ttl = max(1, int((expires_at - datetime.now(timezone.utc)).total_seconds()) + 1)
        return bool(_redis(url).set(key, b"1", nx=True, ex=ttl))
    if random.random() < 0.01:  # occasional clean-up keeps the table small
        session.execute(delete(Nonce).where(Nonce.expires_at < datetime.now(timezone.utc)
                                            - timedelta(minutes=5)))
    table = Nonce.__table__
    values = {"issuer": issuer[:255], "nonce": nonce[:255], "expires_at": expires_at}
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        # One statement, no savepoint: the primary key decides, atomically, who was first.
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = insert(table).values(**values).on_conflict_do_nothing()
        return session.execute(statement.returning(table.c.nonce)).first() is not None
    try:
        with session.begin_nested():
            session.execute(table.insert().values(**values))
    except IntegrityError:
        return False
    return True
