"""Events posted by the browser (the video player script, module progress).

The endpoint that receives them (in the LTI tool, the XBlock handler) knows who the learner
is from the server-side session; the browser never names the actor. This module checks the
untrusted payload and records it, so every adapter's endpoint is a few lines.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from digiready.events.recorder import EventError, Recorded, build, record
from digiready.events.vocabulary import CLIENT_KINDS

MAX_EVENTS_PER_POST = 50
CLIENT_FIELDS = frozenset({"length", "time", "time_from", "time_to", "played_segments",
                           "progress", "completion_threshold", "language"})
# Browser clocks are wrong; accept their time within this window, else use ours.
CLOCK_SKEW = timedelta(hours=12)


class ClientEventError(ValueError):
    """The payload is not a list of well-formed player events (answer 400)."""


def ingest_client_events(payload: Any, *, actor: str, object_prefix: str,
                         economy: str | None = None, source: str = "lti",
                         db=None, store: bool = True) -> list[Recorded]:
    """Record ``{"events": [{"kind", "object", "session", "timestamp", ...}]}``.

    ``object_prefix`` confines what the browser may name (e.g. ``module/online-sales``): the
    event's ``object`` is appended to it, so a script cannot record events about other pages.
    ``store=False`` checks and builds the events without storing them (no database).
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("events"), list):
        raise ClientEventError('expected {"events": [...]}')
    items = payload["events"]
    if len(items) > MAX_EVENTS_PER_POST:
        raise ClientEventError(f"at most {MAX_EVENTS_PER_POST} events per request")
    now = datetime.now(timezone.utc)
    recorded = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or item.get("kind") not in CLIENT_KINDS:
            raise ClientEventError(f"event {index}: kind must be one of {sorted(CLIENT_KINDS)}")
        suffix = str(item.get("object") or "").strip("/")
        if ".." in suffix or len(suffix) > 64:
            raise ClientEventError(f"event {index}: bad object")
        object_id = object_prefix.rstrip("/") + ("/" + suffix if suffix else "")
        data = {k: v for k, v in item.items() if k in CLIENT_FIELDS}
        kwargs = {"actor": actor, "object_id": object_id, "economy": economy, "data": data,
                  "session_id": _session(item.get("session")), "source": source,
                  "timestamp": _when(item.get("timestamp"), now)}
        try:
            recorded.append(record(item["kind"], db=db, **kwargs) if store else build(item["kind"], **kwargs))
        except EventError as exc:
            raise ClientEventError(f"event {index}: {exc}") from None
    return recorded


def _session(value: Any) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        raise ClientEventError("session must be a UUID") from None


def _when(value: Any, now: datetime) -> datetime:
    if not value:
        return now
    try:
        if isinstance(value, (int, float)):
            when = datetime.fromtimestamp(value / 1000, timezone.utc)
        else:
            when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ClientEventError(f"bad timestamp {value!r}") from None
    return when if abs(when - now) <= CLOCK_SKEW else now
