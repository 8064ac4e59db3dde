"""Relational storage shared by every area: one SQLAlchemy metadata, one Alembic history.

Each area (core, LTI tool, portal, events) keeps its tables in its own ``models`` module on
:class:`Base` and its migrations in its own Alembic branch (see :mod:`digiready.storage.migrate`).
SQLAlchemy and Alembic are imported only here, so the XBlocks never need them.
"""
from digiready.storage.base import Base
from digiready.storage.engine import database_url, get_engine, session_scope

__all__ = ["Base", "database_url", "get_engine", "session_scope"]
