"""The LTI tool's tables (prefixed ``lti_``): platforms, deployments, registration invites,
our signing keys, used nonces, pending logins, launches, line items and sent scores.

The OIDC login writes nothing (its state is signed, see
:mod:`lti_tool.launch.login_state`). Launch state lives here rather than in a cookie: the LMS shows the tool in an iframe, where
browsers increasingly block third-party cookies, so pages carry an opaque launch id instead.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digiready.storage.base import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Registration(Base):
    """One platform registration (issuer + client_id), mapped to an economy (or a choice of
    economies) and a language."""

    __tablename__ = "lti_registration"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1024))
    token_url: Mapped[str] = mapped_column(String(1024))
    jwks_url: Mapped[str] = mapped_column(String(1024))
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # The economies its learners may choose ("pe ph", or "any"): the learner's answer to the
    # economy question then picks the overlay (digiready.packs.paths.overlay_for); None: the
    # registration's own economy for everyone.
    economies: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    title: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The platform's public keys as last fetched (refetched once on an unknown kid). Loaded
    # only when asked for: pages load the registration with every launch, and the key set
    # is read by lti_tool.launch.platform_keys, once per worker.
    jwks: Mapped[dict | None] = mapped_column(JSON, nullable=True, deferred=True)
    jwks_fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="registration", cascade="all, delete-orphan")


class Deployment(Base):
    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="deployments")


class RegistrationInvite(Base):
    """A one-time dynamic-registration address an admin created (``digiready lti
    registration-url``). Only a hash of its secret is stored: a copy of the database does not
    give anyone a way to register. It is spent by the registration it allowed and can never
    change an existing registration."""

    __tablename__ = "lti_registration_invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    economy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    economies: Mapped[str | None] = mapped_column(Text, nullable=True)  # as Registration's
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set while a registration is being sent to the platform, and for good once it succeeded.
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="SET NULL"), nullable=True)


class ToolKey(Base):
    """Our RSA signing keys. The newest unretired key signs; retired keys stay in the JWKS
    for an overlap period so platforms that cached them keep verifying our messages."""

    __tablename__ = "lti_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Nonce(Base):
    """A launch nonce already accepted, kept until the id_token it came in expires."""

    __tablename__ = "lti_nonce"

    issuer: Mapped[str] = mapped_column(String(255), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Launch(Base):
    """An accepted launch: who, where, what for. Its id travels in every page and form."""

    __tablename__ = "lti_launch"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    message_type: Mapped[str] = mapped_column(String(64))
    sub: Mapped[str | None] = mapped_column(String(255), nullable=True)
    name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    context_id: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    context_title: Mapped[str | None] = mapped_column(String(255), nullable=True)
    resource_link_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    target: Mapped[str] = mapped_column(String(128), default="diagnostic")
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_learner.id", ondelete="SET NULL"), nullable=True)
    # Service endpoints and settings from the claims (AGS, NRPS, deep linking).
    services: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    registration: Mapped[Registration] = relationship(lazy="joined")

    def economy_to_fill(self) -> str | None:
        """The economy this launch records for a learner whose economy is unknown: its own,
        unless the registration lets learners choose theirs (their answer is recorded then,
        see :func:`lti_tool.learner.views.diagnostic`)."""
        services = self.services or {}
        return None if services.get("economies") else services.get("economy")


class LineItem(Base):
    """A gradebook column we found or created on a platform, by resource link and tag."""

    __tablename__ = "lti_line_item"
    __table_args__ = (UniqueConstraint("registration_id", "resource_link_id", "tag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    tag: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(String(1024))


class ScoreSent(Base):
    """Every score we tried to send, with the platform's answer: the audit trail an
    instructor or admin needs when a grade did not arrive."""

    __tablename__ = "lti_score"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    launch_id: Mapped[str] = mapped_column(String(64), index=True)
    lineitem_url: Mapped[str] = mapped_column(String(1024))
    user_id: Mapped[str] = mapped_column(String(255))
    activity: Mapped[str] = mapped_column(String(32))
    score_given: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_maximum: Mapped[float] = mapped_column(Float)
    activity_progress: Mapped[str] = mapped_column(String(32))
    grading_progress: Mapped[str] = mapped_column(String(32))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ModuleProgress(Base):
    """A learner's progress in one module: opened, then completed with the survey."""

    __tablename__ = "lti_module_progress"
    __table_args__ = (UniqueConstraint("learner_id", "module_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("core_learner.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="started")  # or "completed"
    survey: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
