"""The current request's id, shared by the middleware and the log formatters.

A proxy's ``X-Request-ID`` is kept when it is sane, so nginx's log line and the app's lines
carry the same id; anything else (too long, odd characters that could forge log fields) is
replaced by a fresh id.
"""
from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

HEADER = "X-Request-ID"
ENVIRON_KEY = "HTTP_X_REQUEST_ID"
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")

current: ContextVar[str | None] = ContextVar("digiready_request_id", default=None)


def accept_or_new(incoming: str | None) -> str:
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return secrets.token_hex(16)
