"""Server-side diagnostic attempts: the one repository every adapter that stores attempts uses.

The LTI tool, the reports, the indicators and the demo data all read and write
``core_learner`` / ``core_attempt`` through these functions, so "what an attempt is" (how
partial answers are merged, when the denormalised columns are filled, who counts as a peer)
is decided once. Every function takes an open SQLAlchemy session and leaves committing to
the caller (:func:`digiready.storage.session_scope`), so a caller can group several steps in
one transaction and nothing is half-saved.

Typical use::

    with session_scope() as s:
        learner = get_or_create_learner(s, platform="https://moodle.example", external_id=sub)
        attempt = current_attempt(s, learner) or start_attempt(s, learner, pack)
        errors = save_answers(attempt, pack, profile={"sector": "g"}, answers={"q1": 3})
        ...
        result = complete_attempt(s, attempt, pack)   # raises DiagnosticError if incomplete
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from digiready.diagnostic import DiagnosticError, compare, diagnose, peer_group, validate
from digiready.learners import find_or_create_learner
from digiready.packs.model import Pack
from digiready.storage.models import Attempt, Learner

__all__ = [
    "Attempt",
    "Learner",
    "attempt_history",
    "complete_attempt",
    "current_attempt",
    "get_or_create_learner",
    "latest_completed",
    "record_economy_answer",
    "peers_for",
    "result_in_language",
    "save_answers",
    "start_attempt",
]

# Profile keys copied to columns of core_attempt so that SQL can filter on them.
DENORMALISED_PROFILE = ("sector", "size", "gender", "age_band")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def get_or_create_learner(
    session: Session,
    platform: str,
    external_id: str,
    *,
    economy: str | None = None,
    synthetic: bool = False,
) -> Learner:
    """The learner known as ``external_id`` on ``platform`` (an LTI issuer, ``demo``...), as
    an ORM object, for callers that navigate its attempts. The mapping itself (creation,
    concurrent first requests, the economy) is :func:`digiready.learners.find_or_create_learner`."""
    ref = find_or_create_learner(session, platform, external_id, economy=economy,
                                 synthetic=synthetic)
    learner = session.get(Learner, ref.id)
    if learner.economy != ref.economy:  # filled in just now by a Core statement
        session.refresh(learner, ["economy"])
    return learner


# Built once: every page of the LTI tool asks for the current attempt, and constructing the
# statement and its cache key costs about as much as running it.
_IN_PROGRESS = (
    select(Attempt)
    .where(Attempt.learner_id == bindparam("learner_id"), Attempt.status == "in_progress")
    .order_by(Attempt.number.desc())
    .limit(1)
)
_IN_PROGRESS_FOR_PACK = _IN_PROGRESS.where(Attempt.pack_id == bindparam("pack_id"))


def current_attempt(session: Session, learner: Learner, pack: Pack | None = None) -> Attempt | None:
    """The learner's attempt still in progress (for this pack when given), if any."""
    if pack is None:
        return session.scalars(_IN_PROGRESS, {"learner_id": learner.id}).first()
    return session.scalars(_IN_PROGRESS_FOR_PACK, {"learner_id": learner.id, "pack_id": pack.id}).first()


def start_attempt(
    session: Session,
    learner: Learner,
    pack: Pack,
    *,
    source: str = "lti",
    language: str | None = None,
    synthetic: bool = False,
) -> Attempt:
    """A new, empty attempt numbered after the learner's last one (re-assessment keeps every
    attempt). The economy comes from the pack's overlay, else from the learner."""
    last = session.scalar(select(func.max(Attempt.number)).where(Attempt.learner_id == learner.id))
    attempt = Attempt(
        learner_id=learner.id,
        number=(last or 0) + 1,
        pack_id=pack.id,
        pack_version=pack.version,
        economy=pack.economy or learner.economy,
        language=language or pack.language,
        status="in_progress",
        source=source,
        synthetic=synthetic,
        profile={},
        answers={},
    )
    session.add(attempt)
    session.flush()
    return attempt


def save_answers(
    attempt: Attempt,
    pack: Pack,
    *,
    profile: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
) -> list[str]:
    """Merge one step's answers into what the attempt already holds (save as you go).

    Only the new values are validated (``validate(..., complete=False)``); valid ones are
    kept even when others in the same step are wrong, and the errors (one readable line per
    problem) are returned for the page to show. A value of ``None`` clears an answer (an
    unticked checklist). Saving to a completed attempt is refused: its result is final."""
    if attempt.status != "in_progress":
        return ["this attempt is already completed; start a new one to change answers"]
    new_profile = {k: v for k, v in (profile or {}).items() if v is not None}
    new_answers = {k: v for k, v in (answers or {}).items() if v is not None}
    clean_profile, clean_answers, errors = validate(pack, new_profile, new_answers, complete=False)
    merged_profile = dict(attempt.profile or {})
    merged_profile.update(clean_profile)
    for key, value in (profile or {}).items():
        if value is None:
            merged_profile.pop(key, None)
    merged_answers = dict(attempt.answers or {})
    merged_answers.update(clean_answers)
    for key, value in (answers or {}).items():
        if value is None:
            merged_answers.pop(key, None)
    # New dict objects, so SQLAlchemy sees the JSON columns change.
    attempt.profile = merged_profile
    attempt.answers = merged_answers
    attempt.updated_at = _now()
    _denormalise_profile(attempt)
    return errors


def record_economy_answer(attempt: Attempt, learner: Learner) -> str | None:
    """Where learners choose their economy (a registration or block that allows several,
    see :func:`digiready.packs.paths.overlay_for`), their saved answer to the economy
    question is the attempt's economy and the learner's: the next pages load its overlay,
    and events and reports count the learner there (one economy per learner, the latest
    answer). Returns the answer, or None when the attempt holds none."""
    answer = (attempt.profile or {}).get("economy")
    if not isinstance(answer, str) or not answer:
        return None
    answer = answer.lower()[:8]
    attempt.economy = answer
    if learner.economy != answer:
        learner.economy = answer
    return answer


def _denormalise_profile(attempt: Attempt) -> None:
    for key in DENORMALISED_PROFILE:
        value = (attempt.profile or {}).get(key)
        setattr(attempt, key, str(value)[:16] if value is not None else None)


def latest_completed(session: Session, learner: Learner, *, before: Attempt | None = None) -> Attempt | None:
    """The learner's most recent completed attempt (before ``before`` when given)."""
    query = select(Attempt).where(Attempt.learner_id == learner.id, Attempt.status == "completed")
    if before is not None:
        query = query.where(Attempt.number < before.number)
    return session.scalars(query.order_by(Attempt.number.desc())).first()


def peers_for(
    session: Session,
    pack: Pack,
    profile: dict[str, Any],
    *,
    exclude_learner_id: int | None = None,
    limit: int = 5000,
) -> list[dict[str, Any]]:
    """Completed results of *other* learners in the same economy and sector, shaped as
    :func:`digiready.diagnostic.benchmark` expects (it applies the size pooling itself).

    Only each learner's latest completed attempt counts, so re-assessing does not weigh a
    business twice. Filtering happens in SQL on the denormalised columns."""
    group = peer_group(pack, {**profile, "economy": profile.get("economy") or pack.economy})
    latest = (
        select(Attempt.learner_id, func.max(Attempt.number).label("n"))
        .where(Attempt.status == "completed", Attempt.pack_id == pack.id)
        .group_by(Attempt.learner_id)
        .subquery()
    )
    query = (
        select(Attempt)
        .join(latest, (Attempt.learner_id == latest.c.learner_id) & (Attempt.number == latest.c.n))
        .where(Attempt.sector == group["sector"])
    )
    query = query.where(
        Attempt.economy.is_(None) if group["economy"] is None else Attempt.economy == group["economy"]
    )
    if exclude_learner_id is not None:
        query = query.where(Attempt.learner_id != exclude_learner_id)
    peers = []
    for attempt in session.scalars(query.limit(limit)):
        result = attempt.result or {}
        peers.append(
            {
                "economy": attempt.economy,
                "sector": attempt.sector,
                "size": attempt.size,
                "overall": attempt.overall_score,
                "dimensions": {d["id"]: d["score"] for d in result.get("dimensions", [])},
            }
        )
    return peers


def complete_attempt(session: Session, attempt: Attempt, pack: Pack) -> dict[str, Any]:
    """Score the attempt with :func:`digiready.diagnostic.diagnose`, benchmarked against
    peers and compared with the learner's previous completed attempt; store the result and
    fill the denormalised columns. Raises :class:`digiready.diagnostic.DiagnosticError`
    (with every missing or invalid answer) and then changes nothing."""
    if attempt.status == "completed" and attempt.result is not None:
        return attempt.result
    profile = dict(attempt.profile or {})
    if attempt.economy and "economy" not in profile:
        profile["economy"] = attempt.economy
    previous = latest_completed(session, attempt.learner, before=attempt)
    peers = peers_for(session, pack, profile, exclude_learner_id=attempt.learner_id)
    result = diagnose(
        pack,
        profile,
        attempt.answers or {},
        peers=peers,
        previous=previous.result if previous is not None and previous.result else None,
    )
    attempt.result = result
    attempt.status = "completed"
    attempt.completed_at = _now()
    attempt.economy = result["profile"].get("economy") or attempt.economy
    attempt.overall_score = result["overall"]["score"]
    attempt.level = result["overall"]["level"]
    _denormalise_profile(attempt)
    session.flush()
    return result


def result_in_language(attempt: Attempt, pack: Pack) -> dict[str, Any] | None:
    """The attempt's stored result, with its texts (areas, levels, recommendations) in
    ``pack``'s language, so that a page shows one language even when the attempt was scored
    in another (a learner who answered in Spanish and now opens the course in English).

    The texts come from scoring the stored answers again with ``pack``; the stored numbers,
    benchmark and change are kept. When ``pack`` is another version than the one that
    scored the attempt (its scoring may differ), or the answers no longer validate, the
    stored result is returned as it is."""
    stored = attempt.result
    if not stored:
        return stored
    scored_with = stored.get("pack") or {}
    if scored_with.get("language") == pack.language:
        return stored
    if (scored_with.get("id"), scored_with.get("version")) != (pack.id, pack.version):
        return stored
    profile = dict(attempt.profile or {})
    if attempt.economy and "economy" not in profile:
        profile["economy"] = attempt.economy
    try:
        fresh = diagnose(pack, profile, attempt.answers or {})
    except DiagnosticError:
        return stored
    titles = {d["id"]: d.get("title") for d in fresh["dimensions"]}
    change = stored.get("change")
    if change:
        change = dict(change, dimensions=[dict(d, title=titles.get(d["id"], d.get("title")))
                                          for d in change.get("dimensions", [])])
    return dict(fresh, benchmark=stored.get("benchmark"), change=change)


def attempt_history(session: Session, learner: Learner) -> list[dict[str, Any]]:
    """Every completed attempt, oldest first, each with its change from the one before
    (:func:`digiready.diagnostic.compare`), for a "your progress over time" view."""
    attempts = session.scalars(
        select(Attempt)
        .where(Attempt.learner_id == learner.id, Attempt.status == "completed")
        .order_by(Attempt.number)
    ).all()
    history = []
    previous = None
    for attempt in attempts:
        history.append(
            {
                "number": attempt.number,
                "completed_at": attempt.completed_at,
                "overall": attempt.overall_score,
                "level": attempt.level,
                "change": compare(previous.result, attempt.result)
                if previous is not None and previous.result and attempt.result
                else None,
            }
        )
        previous = attempt
    return history
