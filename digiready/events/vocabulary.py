"""The event kinds adapters record, and the xAPI verb and activity type each becomes.

Adapters speak in short, stable kind names (``"video.played"``); the IRIs are this module's
business, so a profile change is one edit here and never a change in an adapter.
"""
from __future__ import annotations

from dataclasses import dataclass

ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/"


@dataclass(frozen=True)
class Kind:
    name: str
    verb: str
    display: str
    activity_type: str
    category: str | None  # the profile this statement follows (contextActivities.category)


COURSE = "http://adlnet.gov/expapi/activities/course"
PAGE = "http://activitystrea.ms/schema/1.0/page"
LINK = "http://adlnet.gov/expapi/activities/link"
# Not ``cmi.interaction``: Ralph's model selector takes every "answered a cmi.interaction"
# statement for a Virtual Classroom poll answer and fails it on that profile's required
# fields, so a diagnostic answer is an ADL ``question`` (which Ralph checks as a base
# statement) to pass Ralph's strict validation.
INTERACTION = "http://adlnet.gov/expapi/activities/question"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
MODULE = "http://adlnet.gov/expapi/activities/module"
VIDEO_TYPE = VIDEO + "activity-type/video"
LMS_PROFILE = "https://w3id.org/xapi/lms"
VIDEO_PROFILE = "https://w3id.org/xapi/video"
CMI5_PROFILE = "https://w3id.org/xapi/cmi5/context/categories/moveon"

KINDS: dict[str, Kind] = {k.name: k for k in [
    # platform
    Kind("registered", ADL + "registered", "registered", COURSE, LMS_PROFILE),
    Kind("launched", ADL + "launched", "launched", LINK, None),
    Kind("viewed", "http://id.tincanapi.com/verb/viewed", "viewed", PAGE, None),
    # diagnostic
    Kind("diagnostic.attempted", ADL + "attempted", "attempted", ASSESSMENT, None),
    Kind("diagnostic.answered", ADL + "answered", "answered", INTERACTION, None),
    Kind("diagnostic.completed", ADL + "completed", "completed", ASSESSMENT, None),
    # training modules (cmi5-style progress)
    Kind("module.progressed", ADL + "progressed", "progressed", MODULE, None),
    Kind("module.completed", ADL + "completed", "completed", MODULE, None),
    # videos (xAPI Video Profile)
    Kind("video.initialized", ADL + "initialized", "initialized", VIDEO_TYPE, VIDEO_PROFILE),
    Kind("video.played", VIDEO + "verbs/played", "played", VIDEO_TYPE, VIDEO_PROFILE),
    Kind("video.paused", VIDEO + "verbs/paused", "paused", VIDEO_TYPE, VIDEO_PROFILE),
    Kind("video.seeked", VIDEO + "verbs/seeked", "seeked", VIDEO_TYPE, VIDEO_PROFILE),
    Kind("video.completed", ADL + "completed", "completed", VIDEO_TYPE, VIDEO_PROFILE),
    Kind("video.terminated", ADL + "terminated", "terminated", VIDEO_TYPE, VIDEO_PROFILE),
]}

VIDEO_KINDS = frozenset(k for k in KINDS if k.startswith("video."))
# What a browser may post to the events endpoint (the rest is recorded server-side only).
CLIENT_KINDS = VIDEO_KINDS | {"module.progressed"}
