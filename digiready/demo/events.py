"""Synthetic learning events for the synthetic learners of :mod:`digiready.demo.attempts`.

Each learner registers, launches the tool, views pages on a few days, starts and completes
the diagnostic(s) already stored for them, then follows some of their recommended modules:
module progress, a video session (initialized, played, paused, maybe seeked, then completed or
left) with its played segments, and sometimes a module completion. Rates differ a little by
economy so that the indicators differ too. Every event is flagged synthetic (the xAPI
statements carry the synthetic extension) and is never queued for an LRS.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from digiready.demo import DemoContext, register

PLATFORM = "demo"  # the learners' platform in core_learner (see demo.attempts)
PROFILE_KEYS = ("economy", "gender", "age_band", "sector", "size")
# Share of learners who open at least one recommended module, by economy.
ENGAGEMENT = {"pe": 0.62, "ph": 0.7, "vn": 0.66, "id": 0.6, "pg": 0.48}
PAGES = ["/", "/diagnostic", "/results", "/modules", "/help"]
# Chance that a learner who watched a module's whole video marks the module complete, by
# content version: version 2 (after the trial's content change: shorter videos, a clearer
# task) is completed more often, which the final report's trial section measures.
COMPLETE_AFTER_FULL_VIEW = {"v1": 0.72, "v2": 0.88}
# Share of video sessions watched to the end at once, by content version (version 2's
# videos are shorter).
WATCH_TO_END = {"v1": 0.3, "v2": 0.42}


def clear_events(ctx: DemoContext) -> None:
    from digiready.events.recorder import purge
    from digiready.storage import session_scope

    with session_scope(ctx.url) as db:
        purge(db, synthetic_economies=ctx.economies)


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)


def _video_session(rng: random.Random, base: dict[str, Any], when: datetime,
                   length: float, to_end: float = 0.3) -> tuple[list[dict[str, Any]], bool]:
    """One player session; returns its events and whether it was a full view."""
    session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    video = {**base, "object_id": base["object_id"] + "/video", "session_id": session}
    out = [{**video, "kind": "video.initialized", "timestamp": when, "data": {"length": length}}]
    t = when + timedelta(seconds=2)
    out.append({**video, "kind": "video.played", "timestamp": t, "data": {"time": 0}})
    watch_share = 1.0 if rng.random() < to_end else min(1.0, max(0.05, rng.betavariate(2.2, 1.1)))
    segments: list[list[float]] = []
    position = 0.0
    if rng.random() < 0.3:  # skims ahead once
        jump = round(min(length * 0.9, position + length * rng.uniform(0.1, 0.3)), 1)
        first = round(length * rng.uniform(0.05, 0.2), 1)
        segments.append([0.0, first])
        t += timedelta(seconds=first)
        out.append({**video, "kind": "video.seeked", "timestamp": t,
                    "data": {"time_from": first, "time_to": jump}})
        position = jump
    end = round(min(length, position + length * watch_share), 1)
    if end > position:
        segments.append([position, end])
    t += timedelta(seconds=max(1.0, end - position))
    if end >= length - 0.5:
        out.append({**video, "kind": "video.completed", "timestamp": t,
                    "data": {"length": length, "time": end, "played_segments": segments}})
    else:
        out.append({**video, "kind": "video.paused", "timestamp": t,
                    "data": {"length": length, "time": end, "played_segments": segments}})
        t += timedelta(seconds=rng.randint(5, 600))
        out.append({**video, "kind": "video.terminated", "timestamp": t,
                    "data": {"length": length, "time": end, "played_segments": segments}})
    watched = sum(b - a for a, b in segments)
    return out, watched >= 0.95 * length


def _learner_events(rng: random.Random, learner: Any, attempts: list[Any], modules: dict[str, float],
                    economy: str, versions: Any) -> list[dict[str, Any]]:
    first = attempts[0]
    profile = {k: (first.profile or {}).get(k) for k in PROFILE_KEYS}
    profile["economy"] = economy
    base = {"actor": learner.opaque_id, "economy": economy, "source": "demo", "synthetic": True}
    created = _aware(learner.created_at)
    events: list[dict[str, Any]] = [
        {**base, "kind": "registered", "object_id": "course/digiready", "timestamp": created,
         "data": {"role": "learner"}, "profile": profile},
    ]
    for attempt in attempts:
        started = _aware(attempt.started_at)
        session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        visit = {**base, "session_id": session}
        events.append({**visit, "kind": "launched", "object_id": "lti/diagnostic",
                       "timestamp": started, "data": {"title": "DigiReady diagnostic"}})
        events.append({**visit, "kind": "viewed", "object_id": "/diagnostic",
                       "timestamp": started + timedelta(seconds=3)})
        events.append({**visit, "kind": "diagnostic.attempted", "object_id": f"diagnostic/{attempt.pack_id}",
                       "timestamp": started + timedelta(seconds=5),
                       "data": {"attempt": attempt.number, "content_version": attempt.pack_version or None}})
        if attempt.status == "completed" and attempt.result:
            done = _aware(attempt.completed_at or attempt.updated_at)
            events.append({**visit, "kind": "diagnostic.completed", "object_id": f"diagnostic/{attempt.pack_id}",
                           "timestamp": done, "data": {"result": attempt.result, "attempt": attempt.number,
                                    "content_version": attempt.pack_version or None},
                           "profile": profile})
            events.append({**visit, "kind": "viewed", "object_id": "/results",
                           "timestamp": done + timedelta(seconds=2)})
    # Return visits on later days.
    last = _aware(attempts[-1].completed_at or attempts[-1].updated_at)
    for _ in range(rng.choices([0, 1, 2, 3, 5], weights=[30, 30, 20, 12, 8])[0]):
        when = last + timedelta(days=rng.randint(1, 40), seconds=rng.randint(0, 86399))
        session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        events.append({**base, "session_id": session, "kind": "launched", "object_id": "lti/modules",
                       "timestamp": when})
        events.append({**base, "session_id": session, "kind": "viewed", "object_id": rng.choice(PAGES),
                       "timestamp": when + timedelta(seconds=4)})
    # Recommended modules.
    recommended = [r["id"] for r in (attempts[-1].result or {}).get("recommendations", [])
                   if r.get("kind") == "module" and r.get("id") in modules]
    if not recommended or rng.random() > ENGAGEMENT.get(economy, 0.6):
        return events
    when = last + timedelta(minutes=rng.randint(2, 60))
    for module_id in recommended[: rng.randint(1, min(4, len(recommended)))]:
        mod = {**base, "object_id": f"module/{module_id}"}
        session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        # The content version live when the module was opened: the session keeps it.
        version = versions.at(when)
        stage = "v1" if version == versions.v1 else "v2"
        events.append({**mod, "session_id": session, "kind": "viewed", "object_id": f"/modules/{module_id}",
                       "timestamp": when})
        events.append({**mod, "session_id": session, "kind": "module.progressed", "timestamp": when + timedelta(seconds=1),
                       "data": {"progress": 10, "content_version": version}})
        video_events, full = _video_session(rng, mod, when + timedelta(seconds=5), modules[module_id],
                                           WATCH_TO_END[stage])
        events.extend(video_events)
        end = video_events[-1]["timestamp"]
        if full and rng.random() < COMPLETE_AFTER_FULL_VIEW[stage]:
            events.append({**mod, "session_id": session, "kind": "module.completed", "timestamp": end + timedelta(seconds=30),
                           "data": {"content_version": version}})
        else:
            events.append({**mod, "session_id": session, "kind": "module.progressed", "timestamp": end + timedelta(seconds=1),
                           "data": {"progress": 60, "content_version": version}})
        when = end + timedelta(hours=rng.randint(1, 72))
    return events


@register("events", order=20, clear=clear_events)
def generate_events(ctx: DemoContext) -> dict[str, Any]:
    from digiready.demo.attempts import content_versions, load_demo_pack
    from digiready.events import record_many
    from digiready.storage import session_scope

    total = 0
    learners_seen = 0
    now = datetime.now(timezone.utc)
    # The attempts' end date (see demo.attempts.generate_attempts): the same content change.
    end = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for economy in ctx.economies:
        rng = random.Random(f"{ctx.seed}/events/{economy}")
        pack = load_demo_pack(ctx.pack_path, economy)
        versions = content_versions(pack, end)
        modules = {m.id: float(m.duration_seconds or 180) for m in pack.modules.values()}
        people = (ctx.shared.get("attempts") or {}).get(economy)
        if people is None:  # `--only events`: the attempts stored by an earlier run
            people = _stored_attempts(ctx.url, economy)
        batch: list[dict[str, Any]] = []
        for index, (learner, attempts) in enumerate(people, start=1):
            # Return visits and module sessions after the data's end date have not happened
            # yet: a report dated today shows nothing after today.
            batch.extend(ev for ev in _learner_events(rng, learner, attempts, modules, economy, versions)
                         if ev["timestamp"] <= now)
            if len(batch) >= 20000 or index == len(people):
                with session_scope(ctx.url) as db:
                    total += record_many(batch, db=db)
                batch = []
                ctx.progress("demo events", economy, 100 * index / len(people))
        learners_seen += len(people)
    return {"events": total, "learners": learners_seen}


def _stored_attempts(url: str, economy: str) -> list[tuple[Any, list[Any]]]:
    """The economy's synthetic learners with their attempts, in learner order."""
    from sqlalchemy import select

    from digiready.storage import session_scope
    from digiready.storage.models import Attempt, Learner

    with session_scope(url) as db:
        learners = list(db.scalars(select(Learner).where(
            Learner.platform == PLATFORM, Learner.economy == economy).order_by(Learner.id)))
        attempts: dict[int, list[Attempt]] = {}
        for attempt in db.scalars(select(Attempt).join(Learner).where(
                Learner.platform == PLATFORM, Learner.economy == economy)
                .order_by(Attempt.learner_id, Attempt.number)):
            attempts.setdefault(attempt.learner_id, []).append(attempt)
        db.expunge_all()
    return [(learner, attempts[learner.id]) for learner in learners if learner.id in attempts]
