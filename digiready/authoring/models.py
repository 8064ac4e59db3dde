"""Tables of economy overlays being edited in the CMS (prefix ``authoring_``).

The draft of an economy is its rows in ``authoring_item`` and ``authoring_translation``;
every published version keeps the exact files it published (``authoring_version.files``:
path -> sha256 of a row in ``authoring_blob``), so a diff or a rollback never depends on
anything that may have changed since. ``revision`` columns are the optimistic locks: a save
names the revision it started from and fails if someone saved in between.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from digiready.storage.base import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AuthoringEconomy(Base):
    __tablename__ = "authoring_economy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # "editing" or "in_review" (submitted to the reviewers, with a note)
    state: Mapped[str] = mapped_column(String(16), default="editing")
    state_note: Mapped[str] = mapped_column(Text, default="")
    state_by: Mapped[str] = mapped_column(String(64), default="")
    # Bumped by every change of the draft: previews and the diff page key their caches on it.
    draft_revision: Mapped[int] = mapped_column(Integer, default=0)
    published_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class AuthoringItem(Base):
    __tablename__ = "authoring_item"
    __table_args__ = (UniqueConstraint("economy", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy: Mapped[str] = mapped_column(String(8), index=True)
    key: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict | list | str | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuthoringTranslation(Base):
    """One string of one language. ``source_hash`` is the hash of the source text when the
    translation was last saved: a different hash now means the source changed since
    ("needs review")."""

    __tablename__ = "authoring_translation"
    __table_args__ = (UniqueConstraint("economy", "language", "unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy: Mapped[str] = mapped_column(String(8), index=True)
    language: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | approved
    source_hash: Mapped[str] = mapped_column(String(16), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuthoringBlob(Base):
    """File contents by hash: binary files of the draft (narrations) and every file of every
    published version, stored once however many versions share them."""

    __tablename__ = "authoring_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AuthoringVersion(Base):
    __tablename__ = "authoring_version"
    __table_args__ = (UniqueConstraint("economy", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy: Mapped[str] = mapped_column(String(8), index=True)
    number: Mapped[int] = mapped_column(Integer)
    files: Mapped[dict] = mapped_column(JSON)  # path -> sha256
    note: Mapped[str] = mapped_column(Text, default="")
    restores: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a rollback to N
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class AuthoringAudit(Base):
    """Who changed what, when: written in the transaction of the change itself."""

    __tablename__ = "authoring_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    economy: Mapped[str] = mapped_column(String(8), default="", index=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class AuthoringPreview(Base):
    """A draft frozen for a preview: its files, so any host can show it (see
    :mod:`digiready.authoring.previews`)."""

    __tablename__ = "authoring_preview"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    economy: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(16))
    files: Mapped[dict] = mapped_column(JSON)  # path -> sha256
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
