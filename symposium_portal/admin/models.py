"""Staff accounts with roles, and the audit log."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from digiready.storage.base import Base
from symposium_portal.db import UTCDateTime, utcnow
from symposium_portal.validators import check_single_line

ROLES = ("organiser", "moderator", "viewer")


class PortalStaff(Base):
    __tablename__ = "portal_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Rotated at logout and password change: every session cookie issued before stops
    # working, including a copy taken from the browser.
    session_nonce: Mapped[str] = mapped_column(String(16), default=lambda: secrets.token_hex(8))

    def end_sessions(self) -> None:
        self.session_nonce = secrets.token_hex(8)

    @validates("name", "email")
    def _one_line(self, key: str, value: str | None) -> str | None:
        return check_single_line(value, key)


class PortalAuditEntry(Base):
    __tablename__ = "portal_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "staff:3", "registrant:12", "system"
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


# Mapped classes carry a Portal prefix because every area shares one declarative
# registry (another area has its own Registration); the short names are for this package.
Staff = PortalStaff
AuditEntry = PortalAuditEntry
