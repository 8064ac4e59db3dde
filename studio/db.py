"""The request's database session: views commit explicitly; teardown rolls back the rest."""
from __future__ import annotations

from flask import g
from sqlalchemy.orm import Session

from digiready.storage.engine import _session_factory, database_url


def db() -> Session:
    if "studio_db" not in g:
        g.studio_db = _session_factory(database_url())()
    return g.studio_db


def close_request_session(_exc: BaseException | None = None) -> None:
    session = g.pop("studio_db", None)
    if session is not None:
        session.rollback()
        session.close()
