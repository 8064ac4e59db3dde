"""The symposium as it happened: what an event adapter supplies for the symposium report.

The core does not know how a portal stores its event. An adapter registers a *symposium
source* (:meth:`digiready.adapters.Registry.add_symposium_source`), a function
``source(url, economies, as_of)`` returning :class:`SymposiumData` (or ``None`` when it has
no event), and the report reads only these plain records.

The records hold no name, email or free identifier of a participant: a registration is its
categories (economy, sector, public/private, gender) and the sessions it joined; an
evaluation answer is anonymous. The report aggregates them under the one small-group rule
(:mod:`digiready.disclosure`). Speakers are public figures of the programme and are named.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


def nps(scores: list[int]) -> float | None:
    """Net Promoter Score of 0-10 answers: % promoters (9-10) minus % detractors (0-6), one
    decimal; None without answers. The portal's results page and the symposium report both
    call this one function, so they never disagree."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


# Organisation types a registration is counted under (the "public / private" breakdown).
ORG_TYPES = ("public", "private", "other")
GENDERS = ("woman", "man", "another", "undisclosed")


@dataclass(frozen=True)
class Speaker:
    name: str
    position: str
    organisation: str
    economy: str | None  # lower-case ISO code


@dataclass(frozen=True)
class Session:
    id: str
    day: int
    title: str
    kind: str  # plenary | panel | workshop | networking | session
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    speakers: tuple[str, ...] = ()  # speaker names, in programme order


@dataclass(frozen=True)
class Day:
    number: int
    date: date  # in the event's time zone
    title: str


@dataclass(frozen=True)
class Registration:
    """One person's registration, reduced to the categories the report counts."""
    economy: str | None  # lower-case ISO code
    sector: str  # the event's own registration categories (ministry, msme, cooperative...)
    sector_label: str
    org_type: str  # one of ORG_TYPES
    gender: str  # one of GENDERS
    status: str  # confirmed | waitlisted | withdrawn | pending | ...
    sessions_joined: frozenset[str] = frozenset()  # Session.id values
    synthetic: bool = False

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def attended(self) -> bool:
        return bool(self.sessions_joined)


@dataclass(frozen=True)
class EvaluationAnswer:
    """One anonymous evaluation: Kirkpatrick level 1 (1-5), NPS (0-10), and a then-post
    self-rating per learning objective (before, now; 1-5)."""
    economy: str | None
    sector: str | None
    satisfaction: int
    relevance: int
    speakers: int
    nps: int
    ratings: dict[str, tuple[int, int]] = field(default_factory=dict)
    recommendation: str = ""
    synthetic: bool = False


@dataclass
class SymposiumData:
    title: str
    description: str
    timezone: str  # the event's IANA zone (every time in the report is given in it)
    days: list[Day]
    sessions: list[Session]
    speakers: list[Speaker]
    objectives: dict[str, str]  # objective id -> text, in order
    registrations: list[Registration]
    evaluations: list[EvaluationAnswer]
    # People who could answer the evaluation (confirmed registrants, plus answers of deleted
    # accounts), the denominator of the response rate.
    invited: int
    sector_labels: dict[str, str] = field(default_factory=dict)
    # Networking: listed in the directory, meeting requests by state.
    networking: dict[str, int] = field(default_factory=dict)
    capacity: int | None = None
    evaluation_open: bool = False
    source: str = ""  # where it came from, said in the report ("the symposium portal")

    @property
    def starts_on(self) -> date | None:
        return min((d.date for d in self.days), default=None)

    @property
    def ends_on(self) -> date | None:
        return max((d.date for d in self.days), default=None)

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.registrations) or any(
            e.synthetic for e in self.evaluations)

    def held_by(self, as_of: date) -> bool:
        """Whether the event had ended by ``as_of`` (its evaluation can exist)."""
        return self.ends_on is not None and self.ends_on < as_of
