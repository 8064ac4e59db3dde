"""The event, its days, sessions and speakers. Times are UTC instants; the event's IANA zone
is stored once, and pages derive every local time from those two.

Every text an attendee reads is written in English (its column) and, optionally, in the other
languages the portal offers: ``translations`` holds ``{"es": {"title": "..."}, ...}``, and
:func:`symposium_portal.programme.texts.localized` shows the reader's, else the English."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digiready.storage.base import Base
from symposium_portal.db import UTCDateTime, utcnow

session_speaker = Table(
    "portal_session_speaker",
    Base.metadata,
    Column("session_id", ForeignKey("portal_session.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("portal_speaker.id", ondelete="CASCADE"), primary_key=True),
)


class PortalEvent(Base):
    __tablename__ = "portal_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # title, description
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer, default=300)
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    registration_open: Mapped[bool] = mapped_column(Boolean, default=True)
    evaluation_open: Mapped[bool] = mapped_column(Boolean, default=False)
    virtual_room_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Bumped by the SQLite branch of lock_event(); harmless on PostgreSQL.
    lock_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Counters kept under the event lock (registration.service._set_status), so taking a seat
    # costs O(1) instead of a count over every registration.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    waitlisted_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Targets are given as callables, not names: other areas share the declarative base
    # and may have their own "Session" or "Registration" class.
    days: Mapped[list[Day]] = relationship(lambda: PortalDay, order_by=lambda: PortalDay.number,
                                           cascade="all, delete-orphan")
    sessions: Mapped[list[Session]] = relationship(
        lambda: PortalSession, order_by=lambda: PortalSession.starts_at, cascade="all, delete-orphan", viewonly=False
    )


class PortalDay(Base):
    __tablename__ = "portal_day"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("portal_event.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # An optional theme of the day ("" for none): pages head each day with its number and
    # date in the reader's language (texts.day_heading), then this.
    title: Mapped[str] = mapped_column(String(200))
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # title
    date: Mapped[date] = mapped_column(Date)  # in the event's time zone

    sessions: Mapped[list[Session]] = relationship(
        lambda: PortalSession, order_by=lambda: PortalSession.starts_at, back_populates="day",
        overlaps="sessions"
    )


class PortalSpeaker(Base):
    __tablename__ = "portal_speaker"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("portal_event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # position, bio
    photo_url: Mapped[str | None] = mapped_column(String(500), nullable=True)

    sessions: Mapped[list[Session]] = relationship(
        lambda: PortalSession, secondary=session_speaker, back_populates="speakers",
        order_by=lambda: PortalSession.starts_at,
    )


class PortalSession(Base):
    __tablename__ = "portal_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("portal_event.id", ondelete="CASCADE"), index=True
    )
    day_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_day.id", ondelete="SET NULL"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default="session")
    description: Mapped[str] = mapped_column(Text, default="")
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # title, description
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_url: Mapped[str | None] = mapped_column(String(500), nullable=True)

    day: Mapped[Day | None] = relationship(lambda: PortalDay, back_populates="sessions",
                                           overlaps="sessions")
    speakers: Mapped[list[Speaker]] = relationship(
        lambda: PortalSpeaker, secondary=session_speaker, back_populates="sessions",
        order_by=lambda: PortalSpeaker.name,
    )


class PortalAttendance(Base):
    """A confirmed registrant opened a session's virtual room through the portal's join
    link: the attendance per session of the symposium report (one row per person and
    session, however often they click)."""

    __tablename__ = "portal_attendance"
    __table_args__ = (Index("ix_portal_attendance_session", "session_id"),)

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("portal_session.id", ondelete="CASCADE"), primary_key=True)
    first_joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joins: Mapped[int] = mapped_column(Integer, default=1)


# Mapped classes carry a Portal prefix because every area shares one declarative
# registry (another area has its own Registration); the short names are for this package.
Attendance = PortalAttendance
Event = PortalEvent
Day = PortalDay
Speaker = PortalSpeaker
Session = PortalSession
