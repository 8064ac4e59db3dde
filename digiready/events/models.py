"""Event tables. One row per thing that happened, with the columns indicators filter and
group on pulled out of the JSON, so that every indicator is a single indexed SQL aggregate.

The actor column holds the *opaque* id only (``core_learner.opaque_id``); the link to a real
account lives in ``core_learner`` and is removed by :func:`digiready.events.forget_actor`,
while the pseudonymous events stay.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from digiready.storage.base import Base

# The partial index's predicate; the full-views query repeats it word for word so that
# SQLite's planner (which matches predicates textually) uses the index.
FULL_VIEW_WHERE = "progress >= 95 AND kind IN ('video.paused', 'video.completed', 'video.terminated')"

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL needs 64 bits at scale.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Event(Base):
    __tablename__ = "events_event"
    __table_args__ = (
        # Covering index: kind and economy first (economy has few values, so a query without
        # it skip-scans), then what the per-module and per-day queries read.
        Index("ix_events_event_kind_day", "kind", "economy", "day", "actor", "object_id"),
        Index("ix_events_event_actor", "actor"),
        # Only full views (>= 95 % of a video's segments): distinct (learner, video) pairs.
        Index("ix_events_event_full_view", "actor", "object_id",
              sqlite_where=text(FULL_VIEW_WHERE), postgresql_where=text(FULL_VIEW_WHERE)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # UUIDv5 over actor, verb, object and timestamp: a replayed event gets the same id.
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(255))
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Days since 1970-01-01 (UTC) and yyyymm: per-day/week/month counts without dialect SQL.
    day: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    progress: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0-100
    score: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0-100
    level: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source: Mapped[str] = mapped_column(String(16))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class DailyActivity(Base):
    """Per learner and day: what they did, kept up to date as events are stored.

    The indicators read this rollup instead of the raw events: one row per learner-day is a
    few hundred thousand rows for a million events, clustered by learner (``WITHOUT ROWID`` on
    SQLite), so distinct-learner counts stream in one pass. ``economy`` is '' when unknown.
    """

    __tablename__ = "events_daily"
    __table_args__ = {"sqlite_with_rowid": False}

    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy: Mapped[str] = mapped_column(String(8), primary_key=True, default="")
    month: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer, default=0)
    registered: Mapped[int] = mapped_column(Integer, default=0)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    starts: Mapped[int] = mapped_column(Integer, default=0)
    completions: Mapped[int] = mapped_column(Integer, default=0)
    plays: Mapped[int] = mapped_column(Integer, default=0)


class MonthlyActivity(Base):
    """Per learner and month: visits and days with a visit (the monthly visits series)."""

    __tablename__ = "events_monthly"
    __table_args__ = {"sqlite_with_rowid": False}

    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy: Mapped[str] = mapped_column(String(8), primary_key=True, default="")
    visits: Mapped[int] = mapped_column(Integer, default=0)
    visit_days: Mapped[int] = mapped_column(Integer, default=0)


class ActorTotal(Base):
    """Per learner, all time: the counters of ``events_daily`` summed, and the number of days
    with a visit. Indicators without a date range read these (one row per learner)."""

    __tablename__ = "events_actor_total"

    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    economy: Mapped[str] = mapped_column(String(8), default="")
    events: Mapped[int] = mapped_column(Integer, default=0)
    registered: Mapped[int] = mapped_column(Integer, default=0)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    visit_days: Mapped[int] = mapped_column(Integer, default=0)
    starts: Mapped[int] = mapped_column(Integer, default=0)
    completions: Mapped[int] = mapped_column(Integer, default=0)
    plays: Mapped[int] = mapped_column(Integer, default=0)


class ActorProfile(Base):
    """The business profile behind an opaque actor (economy, gender, age band, sector,
    size): what the indicators filter on. No name, no email, no external id."""

    __tablename__ = "events_actor"

    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sector: Mapped[str | None] = mapped_column(String(16), nullable=True)
    size: Mapped[str | None] = mapped_column(String(16), nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Result(Base):
    """One row per completed diagnostic (a narrow copy of those events), so that "each
    learner's latest result in the range" reads a small table, not the whole event log."""

    __tablename__ = "events_result"
    __table_args__ = (Index("ix_events_result_actor", "actor", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("events_event.id", ondelete="CASCADE"), primary_key=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    day: Mapped[int] = mapped_column(Integer)
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    level: Mapped[str | None] = mapped_column(String(32), nullable=True)


class DimensionScore(Base):
    """One row per dimension of a completed diagnostic, for averages per dimension in SQL."""

    __tablename__ = "events_dimension_score"

    event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("events_event.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class Outbox(Base):
    """Statements still to deliver to the LRS. A row leaves only once the LRS acknowledged
    it, so an outage, a 5xx or a crash of the sender loses nothing. A statement the LRS
    refused is kept here, set aside (``set_aside_at``, reason in ``last_error``), until an
    admin sends it again."""

    __tablename__ = "events_outbox"

    event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("events_event.id", ondelete="CASCADE"), primary_key=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    set_aside_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
