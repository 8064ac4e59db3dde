"""Core tables: learners (pseudonymous) and their diagnostic attempts.

Adapters that keep attempts server-side (the LTI tool, demo data, field-study imports) store
them here, so indicators and reports read one table whatever the source. The XBlocks keep
their state in XBlock fields instead, as Open edX expects.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digiready.storage.base import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Learner(Base):
    __tablename__ = "core_learner"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Opaque id used in every analytics statement; the link to a real account is
    # (platform, external_id), which deleting the user removes.
    opaque_id: Mapped[str] = mapped_column(
        String(36), unique=True, default=lambda: str(uuid.uuid4())
    )
    platform: Mapped[str] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="learner", order_by="Attempt.number", cascade="all, delete-orphan"
    )


class Attempt(Base):
    __tablename__ = "core_attempt"
    __table_args__ = (UniqueConstraint("learner_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("core_learner.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    pack_id: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(32))
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16), default="in_progress")  # or "completed"
    source: Mapped[str] = mapped_column(String(32), default="lti")  # lti|fieldstudy|demo|cli
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    profile: Mapped[dict] = mapped_column(JSON, default=dict)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Denormalised from profile/result so that indicators and benchmarks filter in SQL.
    sector: Mapped[str | None] = mapped_column(String(16), nullable=True)
    size: Mapped[str | None] = mapped_column(String(16), nullable=True)
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(16), nullable=True)
    overall_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    level: Mapped[str | None] = mapped_column(String(32), nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    learner: Mapped[Learner] = relationship(back_populates="attempts")
