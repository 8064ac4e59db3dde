"""Email outbox: messages are rows written in the same transaction as the action they report.

The anchors sent mail before the transaction committed (mail about a registration that was
then rolled back) or never. Here a rollback removes the message with the action, and
``digiready portal send-mail`` delivers only committed rows. Subjects name the action, so a
registrant can tell "confirm your address" from "a seat is now yours" in their inbox.

One message never holds up the others: a message that cannot be written (a header the email
library refuses) or that the server refuses for good (5xx for its recipient) is marked
*failed* with the reason at once; a temporary refusal (4xx) is retried later with a growing
delay (``next_attempt_at``) while the rest go out. Only trouble with the server itself (down,
disconnected) ends a run early.
"""
from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import ForeignKey, Integer, String, Text, insert, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from digiready.storage.base import Base
from symposium_portal import settings
from symposium_portal.db import UTCDateTime, utcnow
from symposium_portal.validators import one_line

QUEUED, SENT, FAILED, CANCELLED = "queued", "sent", "failed", "cancelled"
MAX_ATTEMPTS = 5
RETRY_MINUTES = (1, 5, 30, 120)  # after the 1st, 2nd, 3rd, 4th failed attempt


class PortalOutboxMessage(Base):
    __tablename__ = "portal_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # The other person a message is about (the requester of a meeting, who answered it):
    # their name and words are in it, so deleting their account scrubs it (scrub_about).
    about_registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="SET NULL"), nullable=True, index=True
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
    # A message the server refused for now waits until then; the others go first.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def queue(session: Session, *, kind: str, to_email: str, to_name: str, subject: str,
          body: str, registration_id: int | None = None,
          about_registration_id: int | None = None) -> None:
    """Add a message to the caller's transaction; it leaves only if that commits.

    A Core insert (no ORM object): it runs at once, after any pending ORM changes, and costs
    less on the registration hot path. Names reaching a header are one line here whatever
    the caller passed (rows stored before the form and model rules existed)."""
    session.execute(insert(PortalOutboxMessage.__table__).values(
        kind=kind, to_email=to_email, to_name=one_line(to_name), subject=one_line(subject),
        body=body, registration_id=registration_id,
        about_registration_id=about_registration_id, status=QUEUED, attempts=0, last_error="",
        created_at=utcnow()))


# Kinds whose text names another registrant (legacy rows have no about_registration_id).
ABOUT_ANOTHER_KINDS = ("meeting_request", "meeting_answer")
SCRUBBED = "Removed: the person this message was about deleted their account."


def scrub_about(session: Session, person_id: int, full_name: str) -> int:
    """Before a registrant's account is deleted: other people's messages that name them or
    quote their words (meeting requests and answers) lose their subject and body, in the
    outbox and in every copy; those not sent yet are cancelled. Messages *to* them go with
    their row (ON DELETE CASCADE). Returns how many were scrubbed.

    Rows queued before ``about_registration_id`` existed are found by the name in their
    subject, which every such message carries."""
    rows = list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.about_registration_id == person_id)))
    name = (full_name or "").strip()
    if name:
        rows += [m for m in session.scalars(select(OutboxMessage).where(
            OutboxMessage.about_registration_id.is_(None),
            OutboxMessage.kind.in_(ABOUT_ANOTHER_KINDS),
            OutboxMessage.registration_id != person_id))
            if name in m.subject or name in m.body]
    for msg in rows:
        msg.subject, msg.body = SCRUBBED, SCRUBBED
        if msg.status == QUEUED:
            msg.status, msg.last_error = CANCELLED, "not sent: " + SCRUBBED
        msg.about_registration_id = None
    return len(rows)


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


class Unsendable(Exception):
    """This message can never be sent as it is (its reason is stored); the others go on."""


class TryLater(Exception):
    """This message was refused for now; it waits (``next_attempt_at``), the others go on."""


class ServerTrouble(Exception):
    """The server is down or dropped us: stop this run, the next one tries again."""


def _deliver(client: smtplib.SMTP, msg: OutboxMessage) -> None:
    """Send one message, sorting every failure into one of the three kinds above."""
    try:
        email = to_email_message(msg)
    except (ValueError, TypeError, MessageError) as exc:
        raise Unsendable(f"cannot be written: {type(exc).__name__}: {exc}") from exc
    try:
        client.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        _refused(code, text, "recipient refused")
    except smtplib.SMTPDataError as exc:
        _refused(exc.smtp_code, exc.smtp_error, "message refused")
    except (smtplib.SMTPNotSupportedError, UnicodeError) as exc:
        # e.g. a non-ASCII address and a server without SMTPUTF8
        raise Unsendable(f"cannot be sent: {type(exc).__name__}: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise ServerTrouble(f"{type(exc).__name__}: {exc}") from exc


def _refused(code: int, text: bytes | str, what: str) -> None:
    reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    reason = f"{what}: {code} {reason}"
    if 500 <= code < 600:
        raise Unsendable(reason)
    raise TryLater(reason)


def send_pending(session_factory, limit: int = 100) -> tuple[int, int]:
    """Send committed, queued messages that are due. Each message is claimed with
    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so several workers never send one twice.
    Returns (sent, failed attempts)."""
    sent = failed = 0
    client: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            with session_factory() as session:
                now = utcnow()
                stmt = (select(OutboxMessage)
                        .where(OutboxMessage.status == QUEUED,
                               or_(OutboxMessage.next_attempt_at.is_(None),
                                   OutboxMessage.next_attempt_at <= now))
                        .order_by(OutboxMessage.id).limit(1))
                if session.get_bind().dialect.name == "postgresql":
                    stmt = stmt.with_for_update(skip_locked=True)
                msg = session.scalars(stmt).first()
                if msg is None:
                    break
                msg.attempts += 1
                try:
                    if client is None:
                        try:
                            client = _smtp()
                        except (smtplib.SMTPException, OSError) as exc:
                            raise ServerTrouble(f"{type(exc).__name__}: {exc}") from exc
                    _deliver(client, msg)
                except Unsendable as exc:
                    msg.status, msg.last_error = FAILED, str(exc)[:1000]
                    failed += 1
                    session.commit()
                    continue
                except (TryLater, ServerTrouble) as exc:
                    msg.last_error = str(exc)[:1000]
                    if msg.attempts >= MAX_ATTEMPTS:
                        msg.status = FAILED
                    else:
                        wait = RETRY_MINUTES[min(msg.attempts, len(RETRY_MINUTES)) - 1]
                        msg.next_attempt_at = now + timedelta(minutes=wait)
                    failed += 1
                    session.commit()
                    if isinstance(exc, ServerTrouble):
                        if client is not None:
                            client.close()
                        client = None
                        break  # the next run tries again
                    continue
                msg.status = SENT
                msg.sent_at = utcnow()
                msg.last_error = ""
                msg.next_attempt_at = None
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
