"""Evaluation: anonymous answers, one per person.

Two tables that share no key: ``portal_evaluation_submission`` records *who* has submitted
(so nobody submits twice) and ``portal_evaluation_response`` holds *what* was answered, with a
random id, no timestamp and no person column. On SQLite the response table is WITHOUT ROWID
so even the hidden insertion order is gone. What the database itself stores beside the rows
(PostgreSQL's transaction ids and physical order) is taken care of by how answers are
written: see :mod:`symposium_portal.evaluation.ballot_box`, which writes every real answer
(``digiready demo-data`` adds synthetic ones, with no markers).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from digiready.storage.base import Base
from symposium_portal.db import UTCDateTime, utcnow


class PortalLearningObjective(Base):
    __tablename__ = "portal_learning_objective"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("portal_event.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # text, per language


class PortalEvaluationSubmission(Base):
    __tablename__ = "portal_evaluation_submission"
    __table_args__ = (UniqueConstraint("event_id", "registration_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("portal_event.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE")
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalEvaluationResponse(Base):
    __tablename__ = "portal_evaluation_response"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it)

    id: Mapped[str] = mapped_column(
        String(36), primary_key=True, default=lambda: str(uuid.uuid4())
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("portal_event.id", ondelete="CASCADE"))
    # Copied at submission for the breakdowns; small groups are hidden (digiready.disclosure).
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    sector: Mapped[str | None] = mapped_column(String(16), nullable=True)
    satisfaction: Mapped[int] = mapped_column(Integer)
    relevance: Mapped[int] = mapped_column(Integer)
    speakers: Mapped[int] = mapped_column(Integer)
    nps: Mapped[int] = mapped_column(Integer)
    # {"<objective id>": [before, now]}
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    recommendations: Mapped[str] = mapped_column(Text, default="")


# Mapped classes carry a Portal prefix because every area shares one declarative
# registry (another area has its own Registration); the short names are for this package.
LearningObjective = PortalLearningObjective
EvaluationSubmission = PortalEvaluationSubmission
EvaluationResponse = PortalEvaluationResponse
