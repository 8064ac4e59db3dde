"""Meeting requests, blocks and reports between registrants who opted into the directory."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digiready.storage.base import Base
from symposium_portal.db import UTCDateTime, utcnow
from symposium_portal.registration.models import Registration

PENDING, ACCEPTED, DECLINED, CANCELLED = "pending", "accepted", "declined", "cancelled"


class PortalMeetingRequest(Base):
    __tablename__ = "portal_meeting_request"
    __table_args__ = (
        # One pending request per requester and recipient: a second is a duplicate email,
        # refused also when two arrive at once.
        Index("uq_portal_meeting_request_pending", "requester_id", "recipient_id",
              unique=True, postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    accepted_slot_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    requester: Mapped[Registration] = relationship(Registration, foreign_keys=[requester_id])
    recipient: Mapped[Registration] = relationship(Registration, foreign_keys=[recipient_id])
    slots: Mapped[list[MeetingSlot]] = relationship(
        lambda: PortalMeetingSlot, order_by=lambda: PortalMeetingSlot.starts_at, cascade="all, delete-orphan"
    )

    @property
    def accepted_slot(self) -> MeetingSlot | None:
        return next((s for s in self.slots if s.id == self.accepted_slot_id), None)


class PortalMeetingSlot(Base):
    __tablename__ = "portal_meeting_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("portal_meeting_request.id", ondelete="CASCADE")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=30)


class PortalBlock(Base):
    __tablename__ = "portal_block"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blocker_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE")
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalReport(Base):
    __tablename__ = "portal_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="SET NULL"), nullable=True
    )
    reported_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE")
    )
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|dismissed|hidden
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reported: Mapped[Registration] = relationship(Registration, foreign_keys=[reported_id])


# Mapped classes carry a Portal prefix because every area shares one declarative
# registry (another area has its own Registration); the short names are for this package.
MeetingRequest = PortalMeetingRequest
MeetingSlot = PortalMeetingSlot
Block = PortalBlock
Report = PortalReport
