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

from sqlalchemy import bindparam, delete, text
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
    clean_up_sometimes(session)
    values = {"issuer": issuer[:255], "nonce": nonce[:255], "expires_at": expires_at}
    if session.get_bind().dialect.name in ("sqlite", "postgresql"):
        # One statement, no savepoint: the primary key decides, atomically, who was first.
        return session.execute(_CLAIM, values).first() is not None
    try:
        with session.begin_nested():
            session.execute(Nonce.__table__.insert().values(**values))
    except IntegrityError:
        return False
    return True


def clean_up_sometimes(session: Session) -> None:
    """An occasional clean-up of expired nonces keeps the table small."""
    if random.random() < 0.01:
        session.execute(delete(Nonce).where(Nonce.expires_at < datetime.now(timezone.utc)
                                            - timedelta(minutes=5)))


# Written out once (SQLite and PostgreSQL share the syntax): the dialects' ``insert()
# .on_conflict_do_nothing()`` constructs carry no cache key, so SQLAlchemy would compile the
# statement again at every launch. The typed parameter keeps its datetime conversion.
_CLAIM = text(
    "INSERT INTO lti_nonce (issuer, nonce, expires_at) VALUES (:issuer, :nonce, :expires_at) "
    "ON CONFLICT DO NOTHING RETURNING nonce"
).bindparams(bindparam("expires_at", type_=Nonce.__table__.c.expires_at.type))
