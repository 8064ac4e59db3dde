"""Log output: one JSON object per line in production, readable text in development.

Both formats carry the request id of the request being served (see :mod:`requestid`), so a
line from deep inside the core can be matched with nginx's and the access line.
"""
from __future__ import annotations

import json
import logging
import sys
import time

from digiready import config
from digiready.ops import requestid

# Fields the access line adds with ``extra=``; copied into the JSON object when present.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "remote_addr")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    the access fields when the record has them, and the traceback as a string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _utc_iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": requestid.current.get(),
        }
        for field in ACCESS_FIELDS:
            value = record.__dict__.get(field)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = requestid.current.get() or "-"
        return super().format(record)


def _utc_iso(created: float) -> str:
    seconds = int(created)
    millis = int((created - seconds) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def log_format() -> str:
    value = (config.get("LOG_FORMAT") or "text").strip().lower()
    if value not in ("text", "json"):
        raise ValueError(f"DIGIREADY_LOG_FORMAT must be `text` or `json`, not {value!r}")
    return value


def access_log_enabled() -> bool:
    value = (config.get("ACCESS_LOG") or "auto").strip().lower()
    if value == "auto":
        return log_format() == "json"
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"DIGIREADY_ACCESS_LOG must be `auto`, `1` or `0`, not {value!r}")


def configure_logging(stream=None) -> None:
    """Install the DigiReady handler on the root logger (idempotent: an app factory may run
    many times in one process).

    JSON mode always takes over the root logger's output: in production nothing else should
    write unstructured lines. Text mode only adds a handler when none exists, so a developer's
    or a test runner's own logging set-up is left alone.
    """
    fmt = log_format()
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_digiready", False)]
    for handler in ours:
        root.removeHandler(handler)
    if fmt == "text" and root.handlers:
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._digiready = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel((config.get("LOG_LEVEL") or "INFO").upper())
