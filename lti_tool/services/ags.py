"""Assignment and Grade Services: send a score when a learner completes the diagnostic or a
module, into the launch's line item (or one we find or create by resource link and tag).

A failed send never loses anything: the attempt is already saved, and the try is recorded in
``lti_score`` with the platform's answer for the admin to see.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

import requests
from sqlalchemy import select

from lti_tool import claims as C
from lti_tool.models import Launch, LineItem, ScoreSent
from lti_tool.services.tokens import ServiceError, access_token

log = logging.getLogger("lti_tool.ags")
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"


def _scores_url(lineitem: str) -> str:
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _next_link(response: requests.Response) -> str | None:
    link = response.links.get("next")
    return link.get("url") if link else None


def find_or_create_lineitem(session, launch: Launch, tag: str, label: str,
                            maximum: float) -> str | None:
    """The line item for (resource link, tag), created when the platform allows it."""
    ags = launch.services.get("ags") or {}
    scopes = ags.get("scope") or []
    if ags.get("lineitem") and tag == launch.target:
        return ags["lineitem"]  # the link's own gradebook column
    if not ags.get("lineitems") or not launch.resource_link_id:
        return ags.get("lineitem")
    known = session.scalar(select(LineItem.url).where(
        LineItem.registration_id == launch.registration_id,
        LineItem.resource_link_id == launch.resource_link_id, LineItem.tag == tag))
    if known:
        return known
    readable = C.SCOPE_LINEITEM in scopes or C.SCOPE_LINEITEM_READONLY in scopes
    if not readable:
        return ags.get("lineitem")
    token = access_token(launch.registration, [s for s in scopes if s.startswith(C.SCOPE_LINEITEM)])
    url: str | None = ags["lineitems"]
    found = None
    params = {"resource_link_id": launch.resource_link_id, "tag": tag}
    while url and found is None:  # follow Link: rel="next" pages
        response = requests.get(url, params=params, timeout=10, headers={
            "Authorization": f"Bearer {token}", "Accept": CONTAINER_TYPE})
        if response.status_code != 200:
            raise ServiceError(f"line items answered {response.status_code}", response.status_code)
        for item in response.json() or []:
            if item.get("tag") == tag and item.get("resourceLinkId") in (None, launch.resource_link_id):
                found = item.get("id")
                break
        url, params = _next_link(response), None
    if found is None and C.SCOPE_LINEITEM in scopes:
        response = requests.post(ags["lineitems"], json={
            "scoreMaximum": maximum, "label": label, "tag": tag,
            "resourceLinkId": launch.resource_link_id, "resourceId": tag,
        }, timeout=10, headers={"Authorization": f"Bearer {token}", "Content-Type": LINEITEM_TYPE,
                                "Accept": LINEITEM_TYPE})
        if response.status_code not in (200, 201):
            raise ServiceError(f"creating a line item answered {response.status_code}",
                               response.status_code)
        found = response.json().get("id")
    if found:
        session.add(LineItem(registration_id=launch.registration_id,
                             resource_link_id=launch.resource_link_id, tag=tag, url=found))
    return found or ags.get("lineitem")


def send_score(session, launch: Launch, *, activity: str, score_given: float | None,
               score_maximum: float, activity_progress: str, grading_progress: str,
               label: str | None = None) -> ScoreSent | None:
    """POST a score; returns the ``lti_score`` row, or None when the launch has no AGS."""
    ags = launch.services.get("ags") or {}
    if not launch.sub or C.SCOPE_SCORE not in (ags.get("scope") or []):
        return None
    row = ScoreSent(launch_id=launch.id, lineitem_url="", user_id=launch.sub, activity=activity,
                    score_given=score_given, score_maximum=score_maximum,
                    activity_progress=activity_progress, grading_progress=grading_progress)
    try:
        lineitem = find_or_create_lineitem(session, launch, activity, label or activity,
                                           score_maximum)
        if not lineitem:
            return None
        row.lineitem_url = lineitem
        body = {"userId": launch.sub, "activityProgress": activity_progress,
                "gradingProgress": grading_progress,
                "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds")}
        if score_given is not None:
            body.update(scoreGiven=round(score_given, 2), scoreMaximum=score_maximum)
        token = access_token(launch.registration, [C.SCOPE_SCORE])
        response = requests.post(_scores_url(lineitem), json=body, timeout=10, headers={
            "Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE})
        row.status_code = response.status_code
        if response.status_code >= 300:
            row.error = response.text[:500]
    except (ServiceError, requests.RequestException, ValueError) as exc:
        row.error = str(exc)[:500]
        row.status_code = getattr(exc, "status", None)
    if row.error:
        log.warning("score for %s not accepted: %s", launch.sub, row.error)
    session.add(row)
    return row


def queue_score(launch: Launch, **score) -> None:
    """Send this score once the request's own transaction has committed.

    The answers are saved first; the platform call happens after, outside any database
    transaction, so a slow or failing LMS can neither hold locks nor undo a saved attempt."""
    from flask import g

    ags = launch.services.get("ags") or {}
    if launch.sub and C.SCOPE_SCORE in (ags.get("scope") or []):
        g.setdefault("pending_scores", []).append((launch.id, score))


def flush_queued() -> None:
    from flask import g

    from digiready.storage import session_scope

    for launch_id, score in g.pop("pending_scores", []):
        try:
            with session_scope() as s:
                launch = s.get(Launch, launch_id)
                if launch is not None:
                    send_score(s, launch, **score)
        except Exception:  # noqa: BLE001 - the learner's page must not fail on grading
            log.exception("score for launch %s could not be sent", launch_id)
