"""Studio accounts, their roles per economy, and invitations.

A role is held per economy: an editor of ``pe`` has no rights on ``ph``. ``is_admin`` marks
the site's administrators, who create economies and act as admin of every economy.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digiready.authoring.models import utcnow
from digiready.storage.base import Base

ROLES = ("admin", "editor", "translator", "reviewer")
# What each role may do in its economy. "view" = read every page of the economy.
PERMISSIONS = {
    "admin": {"view", "edit", "translate", "approve", "publish", "members"},
    "editor": {"view", "edit", "translate"},
    "translator": {"view", "translate"},
    "reviewer": {"view", "translate", "approve", "publish"},
}


class StudioUser(Base):
    __tablename__ = "studio_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on a password change: every other session of the account ends.
    session_nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list[StudioMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    def role_in(self, economy: str) -> str | None:
        if self.is_admin:
            return "admin"
        return next((m.role for m in self.memberships if m.economy == economy), None)

    def can(self, economy: str, permission: str) -> bool:
        role = self.role_in(economy)
        return role is not None and permission in PERMISSIONS[role]


class StudioMembership(Base):
    __tablename__ = "studio_membership"
    __table_args__ = (UniqueConstraint("user_id", "economy"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("studio_user.id", ondelete="CASCADE"))
    economy: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))

    user: Mapped[StudioUser] = relationship(back_populates="memberships")


class StudioInvitation(Base):
    """An invitation link: only the token's hash is stored, so the table leaks no usable link."""

    __tablename__ = "studio_invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    economy: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
