"""Plausible synthetic symposium records (registrations, session attendance, evaluation
answers) for ``digiready demo-data``.

Framework-free: an event adapter (the symposium portal) asks for these records and stores
them in its own tables, flagged synthetic, so the portal's pages and the symposium report
read the same rows. Nothing here knows how the adapter stores them.
"""
from __future__ import annotations

import random

from digiready.symposium import EvaluationAnswer, Registration

COMMENTS = [
    "More time for questions from small businesses.",
    "Share the recordings with captions in our language.",
    "Invite more cooperatives and women-led businesses as speakers.",
    "A session on QR payments for market sellers would help.",
    "Keep the sessions short: connections are slow in rural areas.",
    "Follow up with a clinic on e-invoicing.",
    "Publish the slides before each session for people on slow connections.",
    "Give cooperatives a workshop of their own on shared online sales.",
    "Add interpretation into Spanish and Vietnamese.",
    "Connect participants with the financing programmes presented, after the event.",
    "",
]
SECTORS = ["ministry", "chamber", "msme", "cooperative", "other"]
# Mood of each economy's participants: small shifts so breakdowns differ.
MOOD = {"pe": 0.2, "ph": 0.1, "vn": 0.0, "id": 0.1, "pg": -0.2}


def responses_per_economy(responses: int) -> int:
    return max(20, min(150, responses // 20))


def synthetic_evaluations(economies: list[str], per_economy: int, seed: int,
                          objective_ids: list[str]) -> list[EvaluationAnswer]:
    """Mostly satisfied participants whose self-rated knowledge went up after the sessions."""
    out = []
    for economy in economies:
        rng = random.Random(f"{seed}/evaluations/{economy}")
        mood = MOOD.get(economy, 0.0)

        def rating(shift: float = 0.0, rng: random.Random = rng, mood: float = mood) -> int:
            return max(1, min(5, round(rng.gauss(4.0 + mood + shift, 0.8))))

        for _ in range(per_economy):
            ratings = {}
            for oid in objective_ids:
                before = max(1, min(5, round(rng.gauss(2.4, 0.9))))
                ratings[str(oid)] = (before,
                                     max(before, min(5, before + rng.choice([0, 1, 1, 2]))))
            out.append(EvaluationAnswer(
                economy=economy, sector=rng.choice(SECTORS), satisfaction=rating(),
                relevance=rating(0.1), speakers=rating(-0.1),
                nps=max(0, min(10, round(rng.gauss(8.0 + mood, 1.6)))), ratings=ratings,
                recommendation=rng.choice(COMMENTS), synthetic=True))
    return out


# Registrations: mostly confirmed, a few on the waiting list or withdrawn.
STATUSES = [("confirmed", 0.86), ("waitlisted", 0.06), ("withdrawn", 0.08)]
ORG_TYPE = {"ministry": "public", "chamber": "private", "msme": "private",
            "cooperative": "private", "other": "other"}


# An optional question: about one in seven leaves it or prefers not to say.
GENDER_WEIGHTS = [("woman", 43), ("man", 42), ("another", 1), ("undisclosed", 14)]


def synthetic_registrations(economies: list[str], per_economy: int, seed: int,
                            session_ids: list[str] | None = None) -> list[Registration]:
    """Registrants by economy, type of organisation, gender and status (no one's name: the
    adapter makes up placeholder identities to store them), with the sessions each
    confirmed registrant joined (``session_ids``: the sessions already held, in programme
    order; most registrants come, the first sessions draw the most)."""
    out = []
    held = list(session_ids or [])
    # Each session's draw: high at the opening, lower later, a little noise.
    draw = {sid: 0.75 - 0.3 * i / max(1, len(held) - 1) for i, sid in enumerate(held)}
    for economy in economies:
        rng = random.Random(f"{seed}/registrations/{economy}")
        for _ in range(per_economy):
            sector = rng.choices(SECTORS, weights=[18, 14, 40, 16, 12])[0]
            status = rng.choices([s for s, _w in STATUSES], weights=[w for _s, w in STATUSES])[0]
            gender = rng.choices([g for g, _w in GENDER_WEIGHTS],
                                 weights=[w for _g, w in GENDER_WEIGHTS])[0]
            joined: frozenset[str] = frozenset()
            if status == "confirmed" and held and rng.random() < 0.78:
                joined = frozenset(sid for sid in held
                                   if rng.random() < draw[sid] + rng.uniform(-0.05, 0.05))
            out.append(Registration(economy=economy, sector=sector, sector_label=sector,
                                    org_type=ORG_TYPE[sector], gender=gender,
                                    status=status, sessions_joined=joined, synthetic=True))
    return out
