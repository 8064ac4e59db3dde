"""Forwarding statements to an LRS (Ralph, or any xAPI 1.0.3 LRS) from the outbox.

Guarantees, in the order they matter:
- **Nothing lost.** An outbox row is deleted only after the LRS answered 200/204 for the
  batch holding it. A crash, a timeout, a 5xx or an outage leaves it for a later pass.
- **Nothing duplicated.** Statement ids are deterministic and statements are rebuilt
  identically from the stored event, so a resend (after a timeout where the LRS did store
  the batch, or by a second sender) is an *equivalent* statement the LRS drops (Ralph answers
  204). On PostgreSQL, concurrent senders also skip each other's rows (``SKIP LOCKED``).
- **No poison pill.** A batch the LRS refuses (4xx, or a 5xx that persists) is split in
  halves until the offending statement travels alone; refused alone, it is *set aside* with
  the LRS's answer as its reason, and the rest flows. A statement that cannot be written as
  JSON (a number that is not finite, stored before the events API refused them) is set aside
  before it is sent, so it never holds back the batch it would have been in. Set-aside
  statements stay in the outbox until an admin sends them again
  (``digiready analytics set-aside --retry``, after fixing the LRS or the data).

Retries back off exponentially with jitter, capped, per row.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from digiready import config
from digiready.events import settings as _settings  # noqa: F401
from digiready.events.xapi import build_statement

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"


class ForwarderError(RuntimeError):
    """Forwarding is not configured (no ``DIGIREADY_LRS_URL``)."""


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    pending: int = 0
    set_aside: int = 0  # in the outbox, set aside (not only by this pass)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "pending": self.pending,
                "set_aside": self.set_aside, "errors": self.errors[:10]}


@dataclass
class _Row:
    event_id: int
    attempts: int
    statement: dict[str, Any]
    body: str = ""  # the statement as JSON, once encoded


class Forwarder:
    """One sender. Cheap to create; ``forward_once`` does one pass over due rows."""

    def __init__(self, lrs_url: str | None = None, *, username: str | None = None,
                 password: str | None = None, database_url: str | None = None,
                 batch_size: int | None = None, timeout: float | None = None,
                 backoff_base: float = 2.0, backoff_cap: float = 900.0) -> None:
        import requests

        url = lrs_url or config.get("LRS_URL")
        if not url:
            raise ForwarderError("DIGIREADY_LRS_URL is not set: there is no LRS to forward to")
        self.endpoint = url.rstrip("/") + "/statements" if not url.rstrip("/").endswith(
            "/statements") else url.rstrip("/")
        self.database_url = database_url
        self.batch_size = max(1, int(batch_size or config.get("LRS_BATCH_SIZE") or 200))
        self.timeout = float(timeout or config.get("LRS_TIMEOUT") or 10)
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.http = requests.Session()
        user = username if username is not None else config.get("LRS_USERNAME")
        secret = password if password is not None else config.get("LRS_PASSWORD")
        if user:
            self.http.auth = (user, secret or "")
        self.http.headers.update({"X-Experience-API-Version": XAPI_VERSION,
                                  "Content-Type": "application/json"})

    # -- one pass -----------------------------------------------------------------------
    def forward_once(self, limit: int | None = None) -> PassReport:
        """Send due rows in batches until none is due (or ``limit`` rows were tried)."""
        report = PassReport()
        tried = 0
        # Rows that fail in this pass are rescheduled after ``cutoff``: never retried in it.
        cutoff = datetime.now(timezone.utc)
        while limit is None or tried < limit:
            progressed = self._one_batch(report, cutoff)
            if progressed == 0:
                break
            tried += progressed
        report.pending = self.pending()
        report.set_aside = self.set_aside_count()
        return report

    def _one_batch(self, report: PassReport, cutoff: datetime) -> int:
        from sqlalchemy import delete, select

        from digiready.events.models import Event, Outbox
        from digiready.storage import session_scope

        now = datetime.now(timezone.utc)
        with session_scope(self.database_url) as db:
            postgres = db.get_bind().dialect.name == "postgresql"
            query = (select(Outbox.event_id, Outbox.attempts)
                     .where(Outbox.next_attempt_at <= cutoff, Outbox.set_aside_at.is_(None))
                     .order_by(Outbox.event_id).limit(self.batch_size))
            if postgres:  # concurrent senders take disjoint batches
                query = query.with_for_update(skip_locked=True)
            due = db.execute(query).all()
            if not due:
                return 0
            ids = [r.event_id for r in due]
            events = {e.id: e for e in db.scalars(select(Event).where(Event.id.in_(ids)))}
            rows = [_Row(r.event_id, r.attempts, build_statement(events[r.event_id]))
                    for r in due if r.event_id in events]
            if not postgres:
                db.commit()  # SQLite: hold no write lock while waiting for the LRS
            rows, failures = self._encode(rows)
            delivered, refused = self._deliver(rows) if rows else ([], [])
            failures += refused
            if delivered:
                db.execute(delete(Outbox).where(Outbox.event_id.in_(delivered)))
            for row, error, set_aside in failures:
                self._reschedule(db, row, error, set_aside, now)
            report.sent += len(delivered)
            report.failed += len(failures)
            report.errors.extend(e for _r, e, _p in failures[:3])
        return len(due)

    @staticmethod
    def _encode(rows: list[_Row]) -> tuple[list[_Row], list[tuple[_Row, str, bool]]]:
        """Each statement as JSON; those that cannot be (a non-finite number) are set aside
        here: sent in a batch, they would fail the whole batch before it left."""
        ready, unsendable = [], []
        for row in rows:
            try:
                row.body = json.dumps(row.statement, allow_nan=False, separators=(",", ":"))
            except (TypeError, ValueError) as exc:
                unsendable.append((row, f"not valid JSON, not sent: {exc}", True))
                continue
            ready.append(row)
        return ready, unsendable

    def _deliver(self, rows: list[_Row]) -> tuple[list[int], list[tuple[_Row, str, bool]]]:
        """POST ``rows``; split a refused batch to isolate the statement at fault."""
        status, error = self._post("[" + ",".join(r.body for r in rows) + "]")
        if status in (200, 204):
            return [r.event_id for r in rows], []
        client_error = status is not None and 400 <= status < 500 and status not in (401, 403, 408, 429)
        persistent = min(r.attempts for r in rows) >= 2 and status is not None and status >= 500
        if len(rows) > 1 and (client_error or persistent):
            half = len(rows) // 2
            ok1, bad1 = self._deliver(rows[:half])
            ok2, bad2 = self._deliver(rows[half:])
            return ok1 + ok2, bad1 + bad2
        return [], [(r, error, client_error) for r in rows]  # refused alone: set aside

    def _post(self, body: str) -> tuple[int | None, str]:
        import requests

        try:
            response = self.http.post(self.endpoint, data=body.encode("utf-8"),
                                      timeout=self.timeout)
        except requests.RequestException as exc:
            return None, f"{type(exc).__name__}: {exc}"[:500]
        if response.status_code in (200, 204):
            return response.status_code, ""
        return response.status_code, f"HTTP {response.status_code}: {response.text[:300]}"

    def _reschedule(self, db, row: _Row, error: str, set_aside: bool, now: datetime) -> None:
        from sqlalchemy import update

        from digiready.events.models import Outbox

        attempts = row.attempts + 1
        if set_aside:
            db.execute(update(Outbox).where(Outbox.event_id == row.event_id).values(
                attempts=attempts, last_error=error[:500], set_aside_at=now))
            log.warning("statement %s set aside (the LRS will not take it): %s",
                        row.statement.get("id"), error)
            return
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempts - 1))
        delay *= random.uniform(0.5, 1.0)
        db.execute(update(Outbox).where(Outbox.event_id == row.event_id).values(
            attempts=attempts, last_error=error[:500],
            next_attempt_at=now + timedelta(seconds=delay)))
        log.warning("LRS unreachable or failing (attempt %d, retry in %.0fs): %s",
                    attempts, delay, error)

    # -- bookkeeping --------------------------------------------------------------------
    def pending(self) -> int:
        """Statements still to send (not counting those set aside)."""
        return self._count(set_aside=False)

    def set_aside_count(self) -> int:
        return self._count(set_aside=True)

    def _count(self, *, set_aside: bool) -> int:
        from sqlalchemy import func, select

        from digiready.events.models import Outbox
        from digiready.storage import session_scope

        column = Outbox.set_aside_at
        with session_scope(self.database_url) as db:
            return db.scalar(select(func.count()).select_from(Outbox).where(
                column.is_not(None) if set_aside else column.is_(None))) or 0

    def next_due_in(self) -> float | None:
        from sqlalchemy import func, select

        from digiready.events.models import Outbox
        from digiready.storage import session_scope

        with session_scope(self.database_url) as db:
            when = db.scalar(select(func.min(Outbox.next_attempt_at))
                             .where(Outbox.set_aside_at.is_(None)))
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())

    def run(self, *, interval: float = 5.0, stop: threading.Event | None = None) -> None:
        """Forward until ``stop`` is set: a pass, then sleep until the next row is due
        (at most ``interval`` seconds, so newly recorded events leave promptly)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                self.forward_once()
                wait = self.next_due_in()
            except Exception:  # the database blinked: keep the loop alive, try again
                log.exception("forwarding pass failed")
                wait = interval
            stop.wait(min(interval, wait) if wait is not None else interval)


def enqueue_all(database_url: str | None = None, *, include_synthetic: bool = False) -> int:
    """Put every stored event back in the outbox (a new LRS, a lost LRS volume). Safe: the
    LRS drops statements it already holds."""
    from sqlalchemy import DateTime, Integer, func, insert, literal, select

    from digiready.events.models import Event, Outbox
    from digiready.storage import session_scope

    now = datetime.now(timezone.utc)
    with session_scope(database_url) as db:
        query = select(Event.id, literal(0, Integer()), literal(now, DateTime(timezone=True))).where(~Event.id.in_(select(Outbox.event_id)))
        if not include_synthetic:
            query = query.where(Event.synthetic.is_(False))
        before = db.scalar(select(func.count()).select_from(Outbox))
        db.execute(insert(Outbox).from_select(["event_id", "attempts", "next_attempt_at"], query))
        return db.scalar(select(func.count()).select_from(Outbox)) - before


def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    """Poll ``condition`` until true or ``timeout`` (used by ``--loop`` shutdown and tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@dataclass
class SetAside:
    statement_id: str
    kind: str
    attempts: int
    reason: str
    since: datetime


def set_aside_statements(database_url: str | None = None, limit: int = 1000) -> list[SetAside]:
    """The statements set aside, oldest first, with the reason each was refused."""
    from sqlalchemy import select

    from digiready.events.models import Event, Outbox
    from digiready.storage import session_scope

    with session_scope(database_url) as db:
        rows = db.execute(
            select(Event.statement_id, Event.kind, Outbox.attempts, Outbox.last_error,
                   Outbox.set_aside_at)
            .join(Event, Event.id == Outbox.event_id)
            .where(Outbox.set_aside_at.is_not(None))
            .order_by(Outbox.set_aside_at, Outbox.event_id).limit(limit)).all()
    return [SetAside(r[0], r[1], r[2], r[3] or "", r[4]) for r in rows]


def retry_set_aside(database_url: str | None = None) -> int:
    """Put every set-aside statement back in line (after the LRS or the data was fixed);
    returns how many."""
    from sqlalchemy import update

    from digiready.events.models import Outbox
    from digiready.storage import session_scope

    with session_scope(database_url) as db:
        return db.execute(update(Outbox).where(Outbox.set_aside_at.is_not(None)).values(
            set_aside_at=None, next_attempt_at=datetime.now(timezone.utc))).rowcount
