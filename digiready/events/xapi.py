"""Events as xAPI statements, following the profiles Ralph validates strictly.

- Videos: the xAPI Video Profile (category ``https://w3id.org/xapi/video``, ``session-id``
  a UUID, ``length`` on paused/completed/terminated, ``played-segments``, ``progress`` and
  ``completion-threshold`` as ratios 0-1). Verb displays use ``en-US``, which is where Open
  edX's own statements fail Ralph's ``VideoPlayed``.
- Registration: the LMS profile (course activity, category ``https://w3id.org/xapi/lms``).
- Modules: cmi5-style progress (``.../cmi5/result/extensions/progress``, integer 0-100).
- Actor: ``account{homePage, name=opaque id}``, never a name or email.
- Economy (and the synthetic flag of demo data) in context extensions under the project's
  own IRI, which is fixed so statements from every deployment can be pooled.

The builder is a pure function of the stored event, so a statement rebuilt for a retry or an
export is identical to the first one: the LRS sees an equivalent duplicate and drops it.
"""
from __future__ import annotations

import uuid
from typing import Any, Protocol
from urllib.parse import quote

from digiready import config
from digiready.events import settings as _settings  # noqa: F401
from digiready.events.segments import parse as parse_segments
from digiready.events.segments import to_xapi as segments_to_xapi
from digiready.events.vocabulary import KINDS, VIDEO_KINDS

PROJECT_IRI = "https://digiready.example.org/xapi"
EXT_ECONOMY = PROJECT_IRI + "/extensions/economy"
EXT_SYNTHETIC = PROJECT_IRI + "/extensions/synthetic"
EXT_LEVEL = PROJECT_IRI + "/extensions/level"
EXT_DIMENSIONS = PROJECT_IRI + "/extensions/dimension-scores"
EXT_ATTEMPT = PROJECT_IRI + "/extensions/attempt"

VIDEO_EXT = "https://w3id.org/xapi/video/extensions/"
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
CMI5_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
LMS_ROLE = "https://w3id.org/xapi/lms/extensions/role"
PROFILE_TYPE = "http://adlnet.gov/expapi/activities/profile"
VIDEO_SESSION_NAMESPACE = uuid.UUID("a3c1e0f2-7d4b-5c19-8e62-4f0b9d2a6c33")
FULL_VIEW_THRESHOLD = 0.95


class EventLike(Protocol):
    statement_id: str
    kind: str
    actor: str
    object_id: str
    economy: str | None
    session_id: str | None
    data: dict[str, Any]
    synthetic: bool

    @property
    def timestamp(self) -> Any: ...


def base_iri() -> str:
    return (config.get("XAPI_BASE_IRI") or PROJECT_IRI).rstrip("/")


def activity_iri(object_id: str) -> str:
    if object_id.startswith(("http://", "https://")):
        return object_id
    return f"{base_iri()}/{quote(object_id.strip('/'), safe='/-_.~')}"


def video_session(event: EventLike) -> str:
    """The Video Profile wants a UUID per player session; derive a stable one otherwise."""
    if event.session_id:
        try:
            return str(uuid.UUID(event.session_id))
        except ValueError:
            key = event.session_id
    else:
        key = f"{event.actor}|{event.object_id}|{_iso(event.timestamp)[:10]}"
    return str(uuid.uuid5(VIDEO_SESSION_NAMESPACE, key))


def _iso(ts) -> str:
    from datetime import timezone

    if ts.tzinfo is None:  # SQLite returns naive UTC datetimes
        ts = ts.replace(tzinfo=timezone.utc)
    ts = ts.astimezone(timezone.utc)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _ratio(percent: float | None) -> float | None:
    return None if percent is None else round(min(100.0, max(0.0, percent)) / 100, 3)


def build_statement(event: EventLike) -> dict[str, Any]:
    """The xAPI 1.0.3 statement of a stored (or built) event."""
    kind = KINDS[event.kind]
    data = event.data or {}
    language = data.get("language") or "en"
    obj: dict[str, Any] = {
        "objectType": "Activity",
        "id": activity_iri(event.object_id),
        "definition": {"type": kind.activity_type},
    }
    if data.get("title"):
        obj["definition"]["name"] = {language: str(data["title"])[:200]}
    context: dict[str, Any] = {}
    extensions: dict[str, Any] = {}
    result: dict[str, Any] = {}
    if kind.category:
        context["contextActivities"] = {
            "category": [{"id": kind.category, "objectType": "Activity",
                          "definition": {"type": PROFILE_TYPE}}]
        }
    if event.kind in VIDEO_KINDS:
        _video(event, data, extensions, result)
    else:
        if event.session_id:
            extensions[CMI5_SESSION] = event.session_id
        _other(event, data, obj, extensions, result)
    if event.economy:
        extensions[EXT_ECONOMY] = event.economy
    if event.synthetic:
        extensions[EXT_SYNTHETIC] = True
    if extensions:
        context["extensions"] = extensions
    if data.get("language"):
        context["language"] = data["language"]
    if data.get("content_version"):
        context["revision"] = data["content_version"]  # xAPI: the activity's revision
    statement: dict[str, Any] = {
        "id": event.statement_id,
        "actor": {"objectType": "Agent",
                  "account": {"homePage": base_iri(), "name": event.actor}},
        "verb": {"id": kind.verb, "display": {"en-US": kind.display}},
        "object": obj,
        "timestamp": _iso(event.timestamp),
        "version": "1.0.3",
    }
    if result:
        statement["result"] = result
    if context:
        statement["context"] = context
    return statement


def _video(event: EventLike, data: dict, extensions: dict, result: dict) -> None:
    extensions[VIDEO_EXT + "session-id"] = video_session(event)
    if "length" in data:
        extensions[VIDEO_EXT + "length"] = float(data["length"])
    if event.kind in {"video.initialized", "video.completed", "video.paused", "video.terminated"}:
        extensions[VIDEO_EXT + "completion-threshold"] = float(
            data.get("completion_threshold") or FULL_VIEW_THRESHOLD)
    if event.kind == "video.initialized":
        extensions.setdefault(VIDEO_EXT + "length", 0.0)
        return
    res: dict[str, Any] = {}
    if event.kind == "video.seeked":
        res[VIDEO_EXT + "time-from"] = float(data["time_from"])
        res[VIDEO_EXT + "time-to"] = float(data["time_to"])
    else:
        res[VIDEO_EXT + "time"] = float(data.get("time") or 0.0)
        segments = parse_segments(data.get("played_segments"))
        if segments:
            res[VIDEO_EXT + "played-segments"] = segments_to_xapi(segments)
        progress = _ratio(data.get("progress"))
        if progress is not None or event.kind in {"video.completed", "video.terminated"}:
            res[VIDEO_EXT + "progress"] = progress if progress is not None else 0.0
    if event.kind == "video.completed":
        result["completion"] = True
    result["extensions"] = res


def _other(event: EventLike, data: dict, obj: dict, extensions: dict, result: dict) -> None:
    kind = event.kind
    if kind == "registered":
        extensions[LMS_ROLE] = str(data.get("role") or "learner")
    elif kind.startswith("module."):
        progress = data.get("progress")
        if progress is not None:
            result["extensions"] = {CMI5_PROGRESS: int(round(float(progress)))}
        if kind == "module.completed":
            result["completion"] = True
    elif kind == "diagnostic.answered":
        response = data.get("response")
        if isinstance(response, (list, tuple)):
            response = "[,]".join(str(r) for r in response)
        if response not in (None, ""):
            result["response"] = str(response)[:500]
    elif kind == "diagnostic.completed":
        result["completion"] = True
        if data.get("score") is not None:
            raw = float(data["score"])
            result["score"] = {"scaled": round(raw / 100, 4), "raw": raw, "min": 0, "max": 100}
        res_ext = {}
        if data.get("level"):
            res_ext[EXT_LEVEL] = data["level"]
        if data.get("dimensions"):
            res_ext[EXT_DIMENSIONS] = dict(data["dimensions"])
        if res_ext:
            result["extensions"] = res_ext
    if data.get("attempt") is not None:
        extensions[EXT_ATTEMPT] = int(data["attempt"])
