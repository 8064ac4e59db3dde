"""Synthetic learners and completed diagnostic attempts.

Answers come from a small latent-trait model: each business gets a digital-maturity trait
drawn around its economy's level and shifted by size, sector, area, gender and age band (so
the gaps that the reports look for exist and differ by economy); each dimension then varies
around that trait, and each answer follows the dimension's trait. The answers are scored by
the real engine (:func:`digiready.diagnostic.diagnose`) on the real pack, so every stored
result is one that a learner could have obtained.

Rows are written with bulk ``INSERT``s (a few statements per thousand rows), so three
economies of 3,000 responses take seconds.
"""
from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from digiready.demo import DemoContext, register
from digiready.packs.model import NA, SCALE_MAX, Pack, Question

PLATFORM = "demo"
TRIAL_DAYS = 180
# Share of learners who take the diagnostic a second time later on.
REASSESS_SHARE = 0.15
# The trial period's content change: version 2 of the content (the pack as it is now) replaced
# version 1 this many days before the data's end; diagnostics and module sessions before that
# day ran on version 1. The final report compares the two (scores, module completion,
# re-assessments across the change).
CONTENT_CHANGE_DAYS_BEFORE_END = 75


def earlier_version(version: str) -> str:
    """The label of the content's version 1 when the pack as it is now is version 2: the
    base pack's semantic version one minor (else major) step back, the overlay's part after
    "+" kept (1.1.0+pe.1.0.0 -> 1.0.0+pe.1.0.0); a version with no step back gets "-trial"."""
    base, plus, overlay = version.partition("+")
    parts = base.split(".")
    if len(parts) >= 2 and all(p.isdigit() for p in parts):
        numbers = [int(p) for p in parts]
        for i in (1, 0):
            if numbers[i] > 0:
                numbers[i] -= 1
                numbers[i + 1:] = [0] * (len(numbers) - i - 1)
                return (".".join(str(n) for n in numbers) + plus + overlay)[:32]
    return f"{version[:26]}-trial"


@dataclass(frozen=True)
class ContentVersions:
    """Which content version was live when: ``v1`` before ``change``, ``v2`` from it."""
    v1: str
    v2: str
    change: datetime

    def at(self, when: datetime) -> str:
        return self.v1 if when < self.change else self.v2


def content_versions(pack: Pack, end: datetime) -> ContentVersions:
    return ContentVersions(earlier_version(pack.version), pack.version,
                           end - timedelta(days=CONTENT_CHANGE_DAYS_BEFORE_END))

# Economy level of the latent trait (0-1). Plausible orderings, not measurements.
ECONOMY_BASE = {"pe": 0.42, "ph": 0.38, "vn": 0.45, "id": 0.41, "pg": 0.27}
DEFAULT_BASE = 0.40

SIZES = [("sole", 0.32, -0.10), ("micro", 0.46, -0.03), ("small", 0.16, 0.08),
         ("medium", 0.06, 0.15)]
SECTORS = [("g", 0.34, -0.02), ("i", 0.15, 0.0), ("c", 0.12, 0.0), ("a", 0.11, -0.12),
           ("s", 0.10, -0.04), ("h", 0.05, 0.02), ("m", 0.05, 0.10), ("f", 0.04, -0.05),
           ("j", 0.02, 0.18), ("p", 0.02, 0.06)]
GENDERS = [("woman", 0.46, -0.05), ("man", 0.49, 0.0), ("prefer_not", 0.05, 0.0)]
AGES = [("under_25", 0.12, 0.05), ("25_34", 0.27, 0.04), ("35_44", 0.27, 0.0),
        ("45_54", 0.20, -0.04), ("55_plus", 0.14, -0.09)]
AREAS = [("urban", 0.64, 0.03), ("rural", 0.36, -0.08)]
LEGAL_FORMS = [("sole_proprietor", 0.38), ("informal", 0.30), ("company", 0.12),
               ("partnership", 0.05), ("cooperative", 0.12), ("other", 0.03)]
REGIONS = {
    "pe": ["Lima", "Arequipa", "Cusco", "La Libertad", "Piura", "Junín"],
    "ph": ["Metro Manila", "Cebu", "Davao", "Iloilo", "Pampanga", "Bukidnon"],
    "vn": ["Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Lâm Đồng"],
    "id": ["DKI Jakarta", "Jawa Timur", "Jawa Barat", "Bali", "Sulawesi Selatan"],
    "pg": ["National Capital District", "Morobe", "Eastern Highlands", "East New Britain"],
}


def _pick(rng: random.Random, table: list[tuple]) -> tuple:
    weights = [row[1] for row in table]
    return rng.choices(table, weights=weights)[0]


def _stable_offset(*parts: str) -> float:
    """A fixed offset in [-0.1, 0.1] per (economy, dimension): each economy gets its own
    profile of strong and weak dimensions, the same on every run."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return (digest[0] / 255.0 - 0.5) * 0.2


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, x))


def load_demo_pack(pack_path: str | None, economy: str) -> Pack:
    """The pack with the economy's overlay, or the bare pack when that pack has no overlay
    for the economy (the small test fixture has none for pe/ph/vn)."""
    from digiready.packs import PackError, load_pack

    try:
        return load_pack(pack_path, economy)
    except (PackError, FileNotFoundError, KeyError, ValueError):
        return load_pack(pack_path)


def synthetic_profile(rng: random.Random, pack: Pack, economy: str) -> tuple[dict[str, Any], float]:
    """A business profile and its latent trait."""
    size, _w, size_fx = _pick(rng, SIZES)
    sector, _w, sector_fx = _pick(rng, SECTORS)
    gender, _w, gender_fx = _pick(rng, GENDERS)
    age, _w, age_fx = _pick(rng, AGES)
    area, _w, area_fx = _pick(rng, AREAS)
    legal = rng.choices([f for f, _ in LEGAL_FORMS], weights=[w for _, w in LEGAL_FORMS])[0]
    candidate = {"area": area, "sector": sector, "size": size, "legal_form": legal,
                 "gender": gender, "age_band": age,
                 "region": rng.choice(REGIONS.get(economy, ["Capital"]))}
    profile: dict[str, Any] = {"economy": economy}
    for pq in pack.profile:
        if pq.id in candidate:
            allowed = {o.id for o in pq.options}
            value = candidate[pq.id]
            if pq.type == "text" or value in allowed:
                profile[pq.id] = value
            elif pq.options:
                profile[pq.id] = pq.options[0].id
    # Women-led businesses in this model have a smaller gap in Viet Nam and a larger one in
    # Papua New Guinea, so that the gender breakdown differs between economies.
    gender_scale = {"vn": 0.4, "pg": 1.6}.get(economy, 1.0)
    trait = (ECONOMY_BASE.get(economy, DEFAULT_BASE) + size_fx + sector_fx
             + gender_fx * gender_scale + age_fx + area_fx + rng.gauss(0, 0.12))
    return profile, _clamp(trait, 0.02, 0.98)


@dataclass(frozen=True)
class _AnswerPlan:
    """What answering one question needs, worked out once per question (not per answer:
    demo data answer a question hundreds of thousands of times)."""
    type: str
    allow_na: bool
    regular: tuple[tuple[str, float], ...] = ()  # checklist options and their popularity
    fallback: str = ""  # the checklist's exclusive "none" option, else its first
    ordered: tuple[str, ...] = ()  # single-choice options, from lowest to highest score


def _plan(q: Question) -> _AnswerPlan:
    if q.type == "checklist":
        regular = [o for o in q.options if not o.exclusive]
        # Earlier options are the common ones (phone before website, cash before QR).
        popularity = [(o.id, 1.35 - 0.9 * i / max(1, len(regular) - 1))
                      for i, o in enumerate(regular)]
        exclusive = next((o.id for o in q.options if o.exclusive), None)
        return _AnswerPlan(q.type, q.allow_na, tuple(popularity),
                           exclusive or (regular[0].id if regular else ""))
    options = list(q.options)
    if all(o.score is not None for o in options):
        options.sort(key=lambda o: o.score)
    return _AnswerPlan(q.type, q.allow_na, ordered=tuple(o.id for o in options))


def _answer(rng: random.Random, plan: _AnswerPlan, level: float) -> Any:
    if plan.allow_na and rng.random() < 0.03:
        return NA
    kind = plan.type
    if kind == "checklist":
        gauss, rand = rng.gauss, rng.random
        chosen = [option for option, popularity in plan.regular
                  if rand() < _clamp(level * popularity + gauss(0, 0.05))]
        return chosen or [plan.fallback]
    if kind == "scale":
        return int(round(_clamp(level + rng.gauss(0, 0.15)) * SCALE_MAX))
    if kind == "yesno":
        x = level + rng.gauss(0, 0.2)
        return "yes" if x > 0.6 else "partly" if x > 0.35 else "no"
    index = round(_clamp(level + rng.gauss(0, 0.15)) * (len(plan.ordered) - 1))
    return plan.ordered[index]


def synthetic_answers(rng: random.Random, pack: Pack, economy: str, trait: float,
                      optional_share: float = 0.35) -> dict[str, Any]:
    levels = {d.id: _clamp(trait + _stable_offset(economy, d.id) + rng.gauss(0, 0.08))
              for d in pack.dimensions}
    take_optional = rng.random() < optional_share
    answers = {}
    for q, plan, optional in _plans(pack):
        if optional and not take_optional:
            continue
        answers[q.id] = _answer(rng, plan, levels.get(q.dimension, trait))
    return answers


_PLANS: dict[int, list[tuple[Question, _AnswerPlan, bool]]] = {}


def _plans(pack: Pack) -> list[tuple[Question, _AnswerPlan, bool]]:
    """Each question of the pack with its answer plan and whether its dimension is optional
    (cached per pack object: the loaded packs are cached too)."""
    found = _PLANS.get(id(pack))
    if found is None or found and found[0][0] is not pack.questions[0]:
        found = []
        for q in pack.questions:
            dim = pack.dimension(q.dimension)
            found.append((q, _plan(q), bool(dim is not None and dim.optional)))
        _PLANS[id(pack)] = found
    return found


def _slim(result: dict[str, Any]) -> dict[str, Any]:
    """The part of a result the learning events read (scores, profile, the recommended
    modules): the recommendations' texts are nine tenths of a result's memory."""
    return {"overall": result.get("overall"), "dimensions": result.get("dimensions"),
            "profile": result.get("profile"),
            "recommendations": [{"kind": r.get("kind"), "id": r.get("id")}
                                for r in result.get("recommendations", [])
                                if r.get("kind") == "module"]}


@dataclass(frozen=True)
class DemoLearner:
    id: int
    opaque_id: str
    created_at: datetime


@dataclass(frozen=True)
class DemoAttempt:
    """A stored synthetic attempt as the events generator reads it (completed)."""
    number: int
    pack_id: str
    profile: dict[str, Any]
    result: dict[str, Any]
    started_at: datetime
    completed_at: datetime
    status: str = "completed"
    pack_version: str = ""

    @property
    def updated_at(self) -> datetime:
        return self.completed_at


def _completed_at(rng: random.Random, end: datetime) -> datetime:
    # Uptake grows over the trial period: later days are more likely.
    day = int(TRIAL_DAYS * (rng.random() ** 0.6))
    return end - timedelta(days=TRIAL_DAYS - day, seconds=rng.randrange(86400))


def _attempt_row(pack: Pack, economy: str, result: dict[str, Any], answers: dict[str, Any],
                 learner_id: int, number: int, when: datetime,
                 versions: ContentVersions) -> dict[str, Any]:
    profile = result["profile"]
    overall = result["overall"]
    return {
        "learner_id": learner_id, "number": number, "pack_id": pack.id,
        "pack_version": versions.at(when), "economy": economy, "language": pack.language,
        "status": "completed", "source": PLATFORM, "synthetic": True, "profile": profile,
        "answers": answers, "result": result, "sector": profile.get("sector"),
        "size": profile.get("size"), "gender": profile.get("gender"),
        "age_band": profile.get("age_band"), "overall_score": overall.get("score"),
        "level": overall.get("level"), "started_at": when - timedelta(minutes=12),
        "updated_at": when, "completed_at": when,
    }


def clear_attempts(ctx: DemoContext) -> None:
    from sqlalchemy import delete, select

    from digiready.storage import session_scope
    from digiready.storage.models import Attempt, Learner

    with session_scope(ctx.url) as session:
        ids = select(Learner.id).where(Learner.platform == PLATFORM,
                                       Learner.economy.in_(ctx.economies))
        session.execute(delete(Attempt).where(Attempt.learner_id.in_(ids)))
        session.execute(delete(Learner).where(Learner.platform == PLATFORM,
                                              Learner.economy.in_(ctx.economies)))


@register("attempts", order=10, clear=clear_attempts)
def generate_attempts(ctx: DemoContext) -> dict[str, Any]:
    from sqlalchemy import insert

    from digiready.diagnostic import diagnose
    from digiready.storage.models import Attempt, Learner

    engine = _writing_engine(ctx.url)
    end = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    totals = {"learners": 0, "attempts": 0}
    learner_ids: dict[str, list[int]] = {}
    chunk = 1000
    for economy in ctx.economies:
        rng = random.Random(f"{ctx.seed}/{economy}")
        pack = load_demo_pack(ctx.pack_path, economy)
        versions = content_versions(pack, end)
        learner_ids[economy] = []
        for start in range(0, ctx.responses, chunk):
            count = min(chunk, ctx.responses - start)
            learners, attempts = [], []
            for n in range(start, start + count):
                profile, trait = synthetic_profile(rng, pack, economy)
                answers = synthetic_answers(rng, pack, economy, trait)
                result = diagnose(pack, profile, answers)
                when = _completed_at(rng, end)
                learners.append({
                    "opaque_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "platform": PLATFORM, "external_id": f"demo-{economy}-{n + 1:06d}",
                    "economy": economy, "synthetic": True,
                    "created_at": when - timedelta(minutes=15)})
                runs = [(answers, result, when)]
                if rng.random() < REASSESS_SHARE and when < end - timedelta(days=14):
                    later = when + timedelta(days=rng.randrange(14, 60))
                    answers2 = synthetic_answers(rng, pack, economy, _clamp(trait + 0.06))
                    runs.append((answers2, diagnose(pack, profile, answers2,
                                                    previous=result), min(later, end)))
                attempts.append(runs)
            with engine.begin() as conn:
                ids = list(conn.scalars(
                    insert(Learner).returning(Learner.id, sort_by_parameter_order=True),
                    learners))
                rows = [_attempt_row(pack, economy, res, ans, lid, number, when, versions)
                        for lid, runs in zip(ids, attempts, strict=True)
                        for number, (ans, res, when) in enumerate(runs, start=1)]
                conn.execute(insert(Attempt), rows)
            learner_ids[economy].extend(ids)
            # What the events generator needs, handed over in memory: re-reading ten
            # thousand stored results (15 KB of JSON each) was a fifth of demo-data's time.
            stored = ctx.shared.setdefault("attempts", {}).setdefault(economy, [])
            for lid, person, runs in zip(ids, learners, attempts, strict=True):
                stored.append((DemoLearner(lid, person["opaque_id"], person["created_at"]),
                               [DemoAttempt(number, pack.id, res["profile"], _slim(res),
                                            when - timedelta(minutes=12), when,
                                            pack_version=versions.at(when))
                                for number, (_ans, res, when) in enumerate(runs, start=1)]))
            totals["learners"] += count
            totals["attempts"] += sum(len(r) for r in attempts)
            ctx.progress("demo attempts", economy, 100 * (start + count) / ctx.responses)
    engine.dispose()
    ctx.shared["learner_ids"] = learner_ids
    return totals


def _writing_engine(url: str):
    """An engine that serialises the JSON columns with orjson when installed (the results
    are most of the bytes written); the standard library otherwise."""
    from sqlalchemy import create_engine

    try:
        import orjson

        def dumps(value: Any) -> str:
            return orjson.dumps(value).decode("utf-8")
    except ImportError:
        import json
        dumps = json.dumps
    kwargs: dict[str, Any] = {"json_serializer": dumps}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    return create_engine(url, **kwargs)
