"""Email outbox: messages are rows written in the same transaction as the action they report.

The anchors sent mail before the transaction committed (mail about a registration that was
then rolled back) or never. Here a rollback removes the message with the action, and
``digiready portal send-mail`` delivers only committed rows. Subjects name the action, so a
registrant can tell "confirm your address" from "a seat is now yours" in their inbox.
"""
from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import ForeignKey, Integer, String, Text, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from digiready.storage.base import Base
from symposium_portal import settings
from symposium_portal.db import UTCDateTime, utcnow

QUEUED, SENT, FAILED = "queued", "sent", "failed"
MAX_ATTEMPTS = 5


class PortalOutboxMessage(Base):
    __tablename__ = "portal_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE"), nullable=True, index=True
    )
    to_email: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def queue(session: Session, *, kind: str, to_email: str, to_name: str, subject: str,
          body: str, registration_id: int | None = None) -> None:
    """Add a message to the caller's transaction; it leaves only if that commits.

    A Core insert (no ORM object): it runs at once, after any pending ORM changes, and costs
    less on the registration hot path."""
    session.execute(insert(PortalOutboxMessage.__table__).values(
        kind=kind, to_email=to_email, to_name=to_name, subject=subject, body=body,
        registration_id=registration_id, status=QUEUED, attempts=0, last_error="",
        created_at=utcnow()))


def _smtp() -> smtplib.SMTP:
    client = smtplib.SMTP(settings.get("SMTP_HOST"), settings.get_int("SMTP_PORT"), timeout=30)
    if settings.get("SMTP_STARTTLS") == "1":
        client.starttls(context=ssl.create_default_context())
    user = settings.get("SMTP_USER")
    if user:
        client.login(user, settings.get("SMTP_PASSWORD"))
    return client


def to_email_message(msg: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.get("PORTAL_MAIL_FROM")
    email["To"] = formataddr((msg.to_name, msg.to_email)) if msg.to_name else msg.to_email
    email["Subject"] = msg.subject
    email["Message-ID"] = make_msgid(domain=settings.get("PORTAL_MAIL_FROM").split("@")[-1])
    email["X-DigiReady-Kind"] = msg.kind
    email.set_content(msg.body)
    return email


def send_pending(session_factory, limit: int = 100) -> tuple[int, int]:
    """Send committed, queued messages. Each message is claimed with ``FOR UPDATE SKIP LOCKED``
    on PostgreSQL so several workers never send one twice. Returns (sent, failed)."""
    sent = failed = 0
    client: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            with session_factory() as session:
                stmt = (select(OutboxMessage)
                        .where(OutboxMessage.status == QUEUED)
                        .order_by(OutboxMessage.id).limit(1))
                if session.get_bind().dialect.name == "postgresql":
                    stmt = stmt.with_for_update(skip_locked=True)
                msg = session.scalars(stmt).first()
                if msg is None:
                    break
                msg.attempts += 1
                try:
                    if client is None:
                        client = _smtp()
                    client.send_message(to_email_message(msg))
                except (smtplib.SMTPException, OSError) as exc:
                    msg.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                    if msg.attempts >= MAX_ATTEMPTS:
                        msg.status = FAILED
                    failed += 1
                    client = None
                    session.commit()
                    if msg.status == QUEUED:
                        break  # server trouble: try again on the next run
                    continue
                msg.status = SENT
                msg.sent_at = utcnow()
                msg.last_error = ""
                session.commit()
                sent += 1
    finally:
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return sent, failed


# Mapped classes carry a Portal prefix because every area shares one declarative
# registry (another area has its own Registration); the short names are for this package.
OutboxMessage = PortalOutboxMessage
