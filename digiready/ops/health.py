"""Readiness checks: can this instance reach what it needs to serve (database, Redis)?

Each check opens its own short-lived connection with a short timeout instead of borrowing the
app's pool: a probe must not wait behind busy requests for a pooled connection, and it must
fail within a second or two when the server is gone, not after TCP's minutes.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from digiready import config

log = logging.getLogger("digiready.ops.health")


def _timeout() -> float:
    return float(config.get("READY_TIMEOUT") or 2)


@lru_cache(maxsize=4)
def _probe_engine(url: str, timeout: float):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    if url.startswith("sqlite"):
        args = {"timeout": timeout}
    else:
        args = {"connect_timeout": max(1, round(timeout)),
                "options": f"-c statement_timeout={int(timeout * 1000)}"}
    # NullPool: a probe every few seconds does not need a pool, and a fresh connection is
    # what proves the database is reachable right now.
    return create_engine(url, poolclass=NullPool, connect_args=args)


def check_database(url: str | None = None) -> None:
    """Raise when the database does not answer ``SELECT 1``."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from digiready.storage.engine import database_url

    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # SQLite would create a missing file: an empty database is not a ready one.
        if not Path(parsed.database).is_file():
            raise FileNotFoundError(f"no SQLite database at {parsed.database} "
                                    "(`digiready db upgrade` creates it)")
    with _probe_engine(url, _timeout()).connect() as conn:
        conn.execute(text("SELECT 1")).scalar_one()


@lru_cache(maxsize=4)
def _redis_client(url: str, timeout: float):
    import redis

    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def check_redis(url: str) -> None:
    """Raise when Redis does not answer PING."""
    if not _redis_client(url, _timeout()).ping():
        raise ConnectionError("Redis did not answer PING")


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {check: "ok" or the error's class name}); Redis only when configured."""
    checks = {"database": check_database}
    redis_url = config.get("REDIS_URL")
    if redis_url:
        checks["redis"] = lambda: check_redis(redis_url)
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            log.warning("readiness: %s failed: %s", name, exc)
            results[name] = type(exc).__name__
    return all(v == "ok" for v in results.values()), results
