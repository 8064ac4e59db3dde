"""Aggregates of completed diagnostics, read from ``core_attempt``, with small-cell
suppression.

A *response* is one business: its first completed attempt (the baseline the field study
and the needs assessment describe). Later attempts of the same learner measure change over
the trial period. Any group with fewer than ``min_cell`` responses is reported as
suppressed, never as a number, so that nobody can be singled out in a small group.
"""
from __future__ import annotations

import gc
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from digiready import disclosure

LOW_SCORE = 40.0  # below "Competent": the dimension is a gap for this business
DII_BANDS = ["very_low", "low", "high", "very_high"]
DII_BAND_TITLES = {"very_low": "Very low (0-3)", "low": "Low (4-6)", "high": "High (7-9)",
                   "very_high": "Very high (10-12)"}


def min_cell() -> int:
    """The one small-group threshold (DIGIREADY_MIN_CELL_SIZE) every area applies."""
    return disclosure.threshold()


@dataclass
class Response:
    learner_id: int
    economy: str
    profile: dict[str, Any]
    answers: dict[str, Any]
    overall: float | None
    level: str | None
    dimensions: dict[str, float | None]
    dii_count: int | None
    dii_band: str | None
    dii_items: list[str]
    rules: set[str]
    completed_at: datetime | None
    synthetic: bool
    source: str
    pack_version: str = ""


@dataclass
class Group:
    label: str
    n: int
    mean: float | None  # None when suppressed
    suppressed: bool


@dataclass
class EconomyData:
    economy: str
    responses: list[Response]
    followups: list[tuple[Response, Response]]  # (first, latest) for re-assessed learners
    attempts_total: int
    min_cell: int
    unfinished: int = 0  # diagnostics started and not completed (for the completion rate)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.responses)

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.responses)

    @property
    def synthetic_count(self) -> int:
        return sum(1 for r in self.responses if r.synthetic)

    def mean_overall(self) -> float | None:
        values = [r.overall for r in self.responses if r.overall is not None]
        return round(statistics.fmean(values), 1) if values else None

    def median_overall(self) -> float | None:
        values = [r.overall for r in self.responses if r.overall is not None]
        return round(statistics.median(values), 1) if values else None

    def level_counts(self) -> Counter:
        return Counter(r.level for r in self.responses if r.level)

    def dimension_means(self) -> dict[str, tuple[int, float | None]]:
        """(businesses scored, mean score or None when too few) per area; computed once (the
        findings ask for it once per area and report)."""
        if "dimension_means" not in self._cache:
            values: dict[str, list[float]] = defaultdict(list)
            for r in self.responses:
                for dim, score in r.dimensions.items():
                    if score is not None:
                        values[dim].append(score)
            self._cache["dimension_means"] = {
                dim: (len(v), round(statistics.fmean(v), 1) if len(v) >= self.min_cell else None)
                for dim, v in values.items()}
        return dict(self._cache["dimension_means"])

    def dimension_low_share(self, dim: str) -> tuple[int, int]:
        """(respondents below LOW_SCORE in the dimension, respondents scored in it)."""
        scored = [r.dimensions[dim] for r in self.responses if r.dimensions.get(dim) is not None]
        return sum(1 for s in scored if s < LOW_SCORE), len(scored)

    def groups(self, key: str) -> list[Group]:
        """Mean overall score by a profile field. The groups add up to the economy's
        responses (printed), so small groups are hidden with complementary suppression:
        no hidden group is the total minus the others, in count or in mean."""
        values: dict[str, list[float]] = defaultdict(list)
        for r in self.responses:
            if r.overall is not None:
                values[group_of(r, key)].append(r.overall)
        hidden = disclosure.protect({g: len(v) for g, v in values.items()}, self.min_cell)
        out = []
        for label, v in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            small = label in hidden
            out.append(Group(label, len(v), None if small else round(statistics.fmean(v), 1),
                             small))
        return out

    def visible(self, pack) -> list[set[str]]:
        """For each response, the questions it was shown (skip rules applied): a question
        a respondent never saw is never counted for them."""
        if "visible" not in self._cache:
            from digiready.diagnostic.questionnaire import visible_questions

            self._cache["visible"] = [
                {q.id for q in visible_questions(pack, r.profile, r.answers)[0]}
                for r in self.responses]
        return self._cache["visible"]

    def shown_count(self, pack, rule) -> int:
        """Responses shown every question a rule reads (its possible population)."""
        questions = rule_questions(rule.when or {})
        return sum(1 for shown in self.visible(pack) if questions <= shown)

    def dii_bands(self) -> Counter:
        return Counter(r.dii_band for r in self.responses if r.dii_band)

    def dii_item_share(self) -> dict[str, float]:
        if "dii_share" in self._cache:
            return self._cache["dii_share"]
        if not self.responses:
            return {}
        counts = Counter(item for r in self.responses for item in r.dii_items)
        share = {item: round(100 * c / self.n, 1) for item, c in counts.items()}
        self._cache["dii_share"] = share
        return share

    def rule_counts(self) -> Counter:
        if "rules" not in self._cache:
            self._cache["rules"] = Counter(rule for r in self.responses for rule in r.rules)
        return self._cache["rules"]

    def monthly(self) -> list[tuple[str, int]]:
        counts = Counter(r.completed_at.strftime("%Y-%m") for r in self.responses
                         if r.completed_at is not None)
        return sorted(counts.items())

    def mean_change(self) -> float | None:
        deltas = [b.overall - a.overall for a, b in self.followups
                  if a.overall is not None and b.overall is not None]
        if len(deltas) < self.min_cell:
            return None
        return round(statistics.fmean(deltas), 1)


UNKNOWN = "not stated"


def group_of(response: Response, key: str) -> str:
    value = response.profile.get(key)
    return UNKNOWN if value in (None, "") else str(value)


def rule_questions(cond: Any) -> set[str]:
    """The question ids a rule condition reads."""
    if isinstance(cond, list):
        return set().union(*[rule_questions(c) for c in cond]) if cond else set()
    if not isinstance(cond, dict):
        return set()
    found = {cond["question"]} if "question" in cond else set()
    for key in ("all", "any"):
        found |= rule_questions(cond.get(key, []))
    if "not" in cond:
        found |= rule_questions(cond["not"])
    return found


def _response(row: Any, loads: Callable[[Any], Any]) -> Response:
    result = _decoded(row.result, loads) or {}
    dims = {d["id"]: d.get("score") for d in result.get("dimensions", [])}
    dii = result.get("dii") or {}
    rules = {rec["rule"] for rec in result.get("recommendations", []) if rec.get("rule")}
    profile = dict(_decoded(row.profile, loads) or result.get("profile") or {})
    # The denormalised columns win: they are what indicators filter on.
    for key in ("sector", "size", "gender", "age_band"):
        if getattr(row, key):
            profile[key] = getattr(row, key)
    overall = row.overall_score
    if overall is None:
        overall = (result.get("overall") or {}).get("score")
    return Response(
        learner_id=row.learner_id, economy=row.economy, profile=profile,
        answers=dict(_decoded(row.answers, loads) or {}), overall=overall,
        level=row.level or (result.get("overall") or {}).get("level"), dimensions=dims,
        dii_count=dii.get("count"), dii_band=dii.get("band"), dii_items=list(dii.get("items", [])),
        rules=rules, completed_at=row.completed_at, synthetic=bool(row.synthetic),
        source=row.source, pack_version=row.pack_version or "")


def _json_loads() -> Callable[[Any], Any]:
    try:
        import orjson
        return orjson.loads
    except ImportError:  # the reports extra installs it; the stdlib works too
        import json
        return json.loads


def _decoded(value: Any, loads: Callable[[Any], Any]) -> Any:
    """A JSON column read as text (SQLite) decoded here; a driver that decodes JSON itself
    (psycopg, with the engine's deserializer) hands over the value already decoded."""
    if isinstance(value, str | bytes):
        return loads(value)
    return value


def _reading_engine(url: str | None):
    """A short-lived engine that decodes JSON columns with orjson when it is installed: the
    stored results are most of the bytes a report reads, and orjson parses them several
    times faster than the standard library."""
    from sqlalchemy import create_engine

    from digiready.storage.engine import database_url

    return create_engine(url or database_url(), json_deserializer=_json_loads())


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the data are loaded and the reports
    computed or written: they build hundreds of thousands of long-lived objects (every
    response's answers and scores, the PDF layout's boxes) and few reference cycles, so each
    automatic collection would scan the growing heap again for little (about 15 % of the
    time at 3 × 3,000 responses). Whatever cycles were made are collected by the next
    automatic collection once it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(url: str | None, economies: list[str], *, cell: int | None = None) -> dict[str, EconomyData]:
    """Every economy's completed diagnostics (first attempt per learner = the response)."""
    from sqlalchemy import Text, select, type_coerce

    from digiready.storage.models import Attempt

    cell = cell or min_cell()
    loads = _json_loads()
    # The JSON columns come as text and are decoded once here (not through SQLAlchemy's
    # JSON type, whose per-value wrapper costs a tenth of the load).
    columns = [Attempt.learner_id, Attempt.number, Attempt.economy, Attempt.sector,
               Attempt.size, Attempt.gender, Attempt.age_band, Attempt.overall_score,
               Attempt.level, type_coerce(Attempt.profile, Text).label("profile"),
               type_coerce(Attempt.answers, Text).label("answers"),
               type_coerce(Attempt.result, Text).label("result"), Attempt.completed_at,
               Attempt.synthetic, Attempt.source, Attempt.pack_version]
    by_learner: dict[str, dict[int, list[Response]]] = {e: defaultdict(list) for e in economies}
    totals: Counter = Counter()
    query = (select(*columns).where(Attempt.status == "completed",
                                    Attempt.economy.in_(economies))
             .order_by(Attempt.economy, Attempt.learner_id, Attempt.number))
    from sqlalchemy import func

    unfinished = Counter()
    engine = _reading_engine(url)
    try:
        with engine.connect() as conn:
            for row in conn.execute(query):
                by_learner[row.economy][row.learner_id].append(_response(row, loads))
                totals[row.economy] += 1
            for economy, count in conn.execute(
                    select(Attempt.economy, func.count()).where(
                        Attempt.status != "completed", Attempt.economy.in_(economies))
                    .group_by(Attempt.economy)):
                unfinished[economy] = count
    finally:
        engine.dispose()
    data = {}
    for economy in economies:
        firsts, followups = [], []
        for runs in by_learner[economy].values():
            firsts.append(runs[0])
            if len(runs) > 1:
                followups.append((runs[0], runs[-1]))
        data[economy] = EconomyData(economy, firsts, followups, totals[economy], cell,
                                    unfinished[economy])
    return data


@dataclass
class UsageData:
    """Usage indicators per economy from the events area (registered users, visits, unique
    visits, video plays, full views...), already small-cell suppressed by it."""
    available: bool
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""
    # Per economy: the funder's indicators month by month (see monthly_indicators).
    monthly: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Per economy and content version: module sessions opened and completed (see
    # module_versions); a version of None means the events did not record one.
    module_versions: dict[str, dict[str | None, dict[str, Any]]] = field(default_factory=dict)


USAGE_KEYS = [
    ("registered_users", "Registered users"), ("visits", "Visits"),
    ("unique_visits", "Unique visits (learner-days)"), ("unique_visitors", "Unique visitors"),
    ("diagnostic_completions", "Diagnostics completed"), ("video_plays", "Video plays"),
    ("full_views", "Full video views (95% of segments)"),
    ("module_completions", "Module completions"),
]


def load_usage(url: str | None, economies: list[str]) -> UsageData:
    """The events area's indicators per economy (by month), when that area is installed and
    has recorded events; otherwise a note that the report prints as "no data"."""
    try:
        from digiready.events.indicators import Filters, compute
    except ImportError:
        return UsageData(False, note="the events area is not installed")
    from sqlalchemy import inspect

    from digiready.storage import get_engine

    engine = get_engine(url) if url else get_engine()
    if "events_event" not in inspect(engine).get_table_names():
        return UsageData(False, note="no learning-event table in this database")
    from sqlalchemy.exc import SQLAlchemyError

    try:
        indicators = {e: compute(Filters(economy=e), database_url=url, period="month")
                      for e in economies}
    except SQLAlchemyError as exc:
        return UsageData(False, note="the events indicators could not be read "
                                     f"({type(exc).__name__}: is the database upgraded? run "
                                     "`digiready db upgrade`)")
    recorded = any((d.get("learners") or {}).get("value") for d in indicators.values())
    if not recorded:
        return UsageData(False, {}, "no learning events recorded for these economies")
    reading = _reading_engine(url)
    try:
        with reading.connect() as conn:
            monthly = monthly_indicators(conn, economies, min_cell())
            versions = module_versions(conn, economies, min_cell())
    finally:
        reading.dispose()
    return UsageData(True, indicators, "", monthly, versions)


# The funder's indicators month by month: (key, label, people the figure rests on).
MONTHLY_KEYS = [
    ("registered_users", "Registered users", "registered_users"),
    ("diagnostic_completions", "Diagnostics completed", "completers"),
    ("module_completions", "Module completions", "module_completers"),
    ("visits", "Visits", "visitors"),
    ("unique_visits", "Unique visits", "visitors"),
    ("video_plays", "Video plays", "viewers"),
]


def monthly_indicators(conn, economies: list[str], k: int) -> dict[str, list[dict[str, Any]]]:
    """Per economy, one row per month (``period`` "YYYY-MM") with each funder indicator.

    Read from the events area's learner-day rollup (and the module completions from the
    events). The months of one indicator add up to its printed total, so each indicator's
    months are protected together (:func:`digiready.disclosure.protect`) on the number of
    learners behind each month's figure: a hidden month cannot be worked out from the total.
    """
    from sqlalchemy import case, func, select

    from digiready.events.models import DailyActivity as D
    from digiready.events.models import Event as E

    flag = lambda column: func.sum(case((column > 0, 1), else_=0))
    per_actor = (select(D.economy.label("economy"), D.month.label("month"),
                        D.actor.label("actor"), func.sum(D.registered).label("registered"),
                        func.sum(D.visits).label("visits"), flag(D.visits).label("days"),
                        func.sum(D.completions).label("completions"),
                        func.sum(D.plays).label("plays"))
                 .where(D.economy.in_(economies)).group_by(D.economy, D.month, D.actor)
                 ).subquery()
    a = per_actor.c
    rows: dict[str, dict[int, dict[str, int]]] = {e: {} for e in economies}
    for economy, month, registered, visits, days, visitors, completions, completers, plays,             viewers in conn.execute(
                select(a.economy, a.month, flag(a.registered), func.sum(a.visits),
                       func.sum(a.days), flag(a.visits), func.sum(a.completions),
                       flag(a.completions), func.sum(a.plays), flag(a.plays))
                .group_by(a.economy, a.month)):
        rows[economy][int(month)] = {
            "registered_users": int(registered or 0), "visits": int(visits or 0),
            "unique_visits": int(days or 0), "visitors": int(visitors or 0),
            "diagnostic_completions": int(completions or 0), "completers": int(completers or 0),
            "video_plays": int(plays or 0), "viewers": int(viewers or 0),
            "module_completions": 0, "module_completers": 0}
    done = (select(E.economy.label("economy"), E.month.label("month"), E.actor.label("actor"),
                   E.object_id.label("object_id"))
            .where(E.kind == "module.completed", E.economy.in_(economies))
            .group_by(E.economy, E.month, E.actor, E.object_id)).subquery()
    for economy, month, n, people in conn.execute(
            select(done.c.economy, done.c.month, func.count(),
                   func.count(func.distinct(done.c.actor)))
            .group_by(done.c.economy, done.c.month)):
        cell = rows[economy].setdefault(int(month), dict.fromkeys(
            ("registered_users", "visits", "unique_visits", "visitors", "diagnostic_completions",
             "completers", "video_plays", "viewers"), 0))
        cell["module_completions"], cell["module_completers"] = int(n), int(people)
    out: dict[str, list[dict[str, Any]]] = {}
    for economy in economies:
        months = rows[economy]
        hidden = {key: disclosure.protect({m: c[people] for m, c in months.items()}, k)
                  for key, _label, people in MONTHLY_KEYS}
        out[economy] = [
            {"period": f"{m // 100:04d}-{m % 100:02d}",
             **{key: (None if m in hidden[key] else c[key]) for key, _l, _p in MONTHLY_KEYS}}
            for m, c in sorted(months.items())]
    return out


def module_versions(conn, economies: list[str], k: int) -> dict[str, dict[str | None, dict[str, Any]]]:
    """Module completion by the content version a learner opened the module in.

    A module session is one (learner, module); its version is the ``content_version`` of its
    first module event (the version live when it was opened). Per economy and version: the
    sessions opened, those completed, the learners behind them, and the first day the version
    was seen; figures resting on fewer than ``k`` learners are None.
    """
    from sqlalchemy import select

    from digiready.events.models import Event as E

    first: dict[tuple[str, str, str], tuple] = {}
    completed: set[tuple[str, str, str]] = set()
    for economy, actor, object_id, kind, timestamp, data in conn.execute(
            select(E.economy, E.actor, E.object_id, E.kind, E.timestamp, E.data)
            .where(E.kind.in_(("module.progressed", "module.completed")),
                   E.economy.in_(economies))
            .order_by(E.timestamp)):
        key = (economy, actor, object_id)
        if key not in first:
            first[key] = ((data or {}).get("content_version"), timestamp)
        if kind == "module.completed":
            completed.add(key)
    out: dict[str, dict[str | None, dict[str, Any]]] = {e: {} for e in economies}
    for (economy, actor, object_id), (version, when) in first.items():
        cell = out[economy].setdefault(version, {"opened": 0, "completed": 0, "learners": set(),
                                                 "first_seen": when})
        cell["opened"] += 1
        cell["completed"] += (economy, actor, object_id) in completed
        cell["learners"].add(actor)
        cell["first_seen"] = min(cell["first_seen"], when)
    for versions in out.values():
        for cell in versions.values():
            cell["learners"] = len(cell["learners"])
        # The versions add up to all module sessions: protected together.
        hidden = disclosure.protect({v: c["learners"] for v, c in versions.items()}, k)
        for version in hidden:
            versions[version]["opened"] = versions[version]["completed"] = None
    return out
