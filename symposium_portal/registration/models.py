"""Registrations. One row per person and event; the status says whether they hold a seat.

Seat rule (see docs/portal.md): a seat is *held* at registration, under the event lock, for
``DIGIREADY_PORTAL_HOLD_HOURS``; it *counts* (status ``confirmed``) once the registrant
confirms their email address (and, with approval on, once an organiser approves). Unconfirmed
holds expire and the waiting list moves up.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from digiready.storage.base import Base
from symposium_portal.db import UTCDateTime, utcnow
from symposium_portal.validators import check_single_line

HELD = "held"  # seat held, email not yet confirmed
PENDING_APPROVAL = "pending_approval"  # email confirmed, organiser must approve; seat held
CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
WITHDRAWN = "withdrawn"
REJECTED = "rejected"
EXPIRED = "expired"

SEAT_STATUSES = (HELD, PENDING_APPROVAL, CONFIRMED)
ACTIVE_STATUSES = (*SEAT_STATUSES, WAITLISTED)
INACTIVE_STATUSES = (WITHDRAWN, REJECTED, EXPIRED)
_INACTIVE_SQL = "status NOT IN ('withdrawn', 'rejected', 'expired')"


def new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
    return "SYM-" + "".join(secrets.choice(alphabet) for _ in range(6))


class PortalRegistration(Base):
    __tablename__ = "portal_registration"
    __table_args__ = (
        # One active registration per address and event, whatever the case; withdrawn,
        # rejected and expired rows do not block registering again.
        Index(
            "uq_portal_registration_event_email_active",
            "event_id",
            func.lower(text("email")),
            unique=True,
            postgresql_where=text(_INACTIVE_SQL),
            sqlite_where=text(_INACTIVE_SQL),
        ),
        Index("ix_portal_registration_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("portal_event.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(16), unique=True, default=new_reference)
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    economy: Mapped[str] = mapped_column(String(8))
    sector: Mapped[str] = mapped_column(String(16))
    # Optional (vocab.GENDERS; None = not answered): counted only in the anonymous totals of
    # who took part that the symposium report gives.
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    role: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    interests: Mapped[list] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    consent_privacy: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_directory: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consents_updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden_by_moderator: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rotated to invalidate every link sent so far (forwarded links, "sign out everywhere",
    # withdrawal).
    link_nonce: Mapped[str] = mapped_column(String(16), default=lambda: secrets.token_hex(8))
    # Rotated at sign-out: a session cookie is only good while it carries the current value,
    # so a copied cookie stops working when its owner signs out (the links still work).
    session_nonce: Mapped[str] = mapped_column(String(16), default=lambda: secrets.token_hex(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @validates("full_name", "organisation", "role", "email")
    def _one_line(self, key: str, value: str | None) -> str | None:
        """Whatever path writes them (a form, the CLI, a script): names and the address
        reach email headers, where a line break would add a header."""
        return check_single_line(value, key)

    def end_sessions(self) -> None:
        """Every session signed in so far ends (links keep working)."""
        self.session_nonce = secrets.token_hex(8)

    def revoke_links(self) -> None:
        """Every link sent so far and every session ends; mail written after this carries
        links with the new nonce."""
        self.link_nonce = secrets.token_hex(8)
        self.end_sessions()

    @property
    def analytics_user(self) -> str:
        """The portal user that analytics map to an opaque actor (``digiready.events``).
        The reference, not the id: it exists before the row is inserted, so the registration's
        own event can be written before the seat is taken (see ``service.register``)."""
        return f"registration:{self.reference}"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES

    @property
    def is_confirmed(self) -> bool:
        return self.status == CONFIRMED


# Mapped classes carry a Portal prefix because every area shares one declarative
# registry (another area has its own Registration); the short names are for this package.
Registration = PortalRegistration
