"""Learning events: the one API every adapter records through.

Adapters (LTI tool, XBlocks, portal, CLI, demo data) call :func:`record`; events are stored in
the app database and become xAPI statements (Video Profile, cmi5-style progress, LMS profile)
with a pseudonymous actor, a deterministic id and the economy in a context extension. They
are forwarded to an LRS when ``DIGIREADY_LRS_URL`` is set (see docs/analytics.md).

Usage, from a Flask view, an XBlock handler or a script::

    from digiready import events

    actor = events.actor_for("lti:" + issuer, sub, db=session)    # opaque id, never the sub
    events.record("launched", actor=actor, object_id="lti/diagnostic", economy="pe",
                  session_id=launch_id, source="lti", db=session)
    events.record("video.played", actor=actor, object_id="module/online-sales/video",
                  session_id=player_session_uuid, data={"time": 12.5}, source="lti")

``db`` is optional: pass the request's SQLAlchemy session to write in its transaction (the
caller commits), or leave it out to write in a short transaction of its own. Without
SQLAlchemy installed, ``record`` stores nothing and returns the event; ``.statement()`` gives
the xAPI statement, e.g. for ``runtime.publish``.

Kinds and their ``data`` (all keys optional unless marked; any other key is refused, so no
name, email or free text can reach a statement):

==========================  ==============================================================
``registered``              object: the platform/programme; ``role`` (learner, attendee)
``launched``                object: the LTI resource launched; ``title``
``viewed``                  object: the page path (e.g. ``/modules/online-sales``); ``title``
``diagnostic.attempted``    object: the diagnostic (``diagnostic/<pack id>``); ``attempt``
``diagnostic.answered``     object: the question; ``question``, ``response``
``diagnostic.completed``    ``result`` (a ``diagnose()`` result) or ``score``, ``level``,
                            ``dimensions`` {id: score}; its profile fills the actor's
``module.progressed``       object: ``module/<id>``; ``progress`` 0-100 (cmi5)
``module.completed``        object: ``module/<id>``
``video.initialized``       object: ``module/<id>/video``; ``length`` (s)
``video.played``            ``time`` (s)
``video.paused``            ``time``, **``length``**, ``played_segments``, ``progress``
``video.seeked``            **``time_from``**, **``time_to``**
``video.completed``         **``length``**, ``time``, ``played_segments`` (coverage -> progress)
``video.terminated``        **``length``**, ``time``, ``played_segments``
==========================  ==============================================================

Common: ``title``, ``language``. ``played_segments`` is ``[[start, end], ...]`` in seconds or
the Video Profile string ``"0[.]5[,]12[.]22"``. Video ``session_id`` should be a UUID (one per
player load). ``profile`` (economy, gender, age_band, sector, size) files the actor's business
profile for the indicators' filters. Errors in what an adapter passes raise
:class:`EventError`.

Users: :func:`actor_for` maps (platform, external id) to an opaque id kept in ``core_learner``;
:func:`forget_actor` deletes that mapping when a user is deleted (events stay, pseudonymous).
Browser-posted player events go through :func:`ingest_client_events`; the player script that
posts them is ``STATIC_DIR / "player.js"`` (any ``<video data-events-url=... data-csrf=...>``).
"""
from pathlib import Path as _Path

from digiready.events import settings as _settings  # noqa: F401  (declares DIGIREADY_LRS_*)
from digiready.events.client import ClientEventError, ingest_client_events
from digiready.events.recorder import (
    EventError,
    Recorded,
    actor_for,
    build,
    forget_actor,
    record,
    record_many,
    set_profile,
)
from digiready.events.vocabulary import CLIENT_KINDS, KINDS, VIDEO_KINDS

# The video player script (``player.js``) that adapters serve on module pages.
STATIC_DIR = _Path(__file__).parent / "static"

__all__ = [
    "CLIENT_KINDS", "ClientEventError", "EventError", "KINDS", "Recorded", "STATIC_DIR", "VIDEO_KINDS",
    "actor_for", "build", "forget_actor", "ingest_client_events", "record", "record_many",
    "set_profile",
]
