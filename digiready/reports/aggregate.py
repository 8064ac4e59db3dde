"""Aggregates of completed diagnostics, read from ``core_attempt``, with small-cell
suppression.

A *response* is one business: its first completed attempt (the baseline the field study
and the needs assessment describe). Later attempts of the same learner measure change over
the trial period. Any group with fewer than ``min_cell`` responses is reported as
suppressed, never as a number, so that nobody can be singled out in a small group.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from digiready import config

config.declare("REPORT_MIN_CELL", "10",
               "Reports suppress any group with fewer responses than this (small-cell rule).")

LOW_SCORE = 40.0  # below "Competent": the dimension is a gap for this business
DII_BANDS = ["very_low", "low", "high", "very_high"]
DII_BAND_TITLES = {"very_low": "Very low (0-3)", "low": "Low (4-6)", "high": "High (7-9)",
                   "very_high": "Very high (10-12)"}


def min_cell() -> int:
    try:
        return max(1, int(config.get("REPORT_MIN_CELL") or 10))
    except ValueError:
        return 10


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
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.responses)

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.responses)

    def mean_overall(self) -> float | None:
        values = [r.overall for r in self.responses if r.overall is not None]
        return round(statistics.fmean(values), 1) if values else None

    def median_overall(self) -> float | None:
        values = [r.overall for r in self.responses if r.overall is not None]
        return round(statistics.median(values), 1) if values else None

    def level_counts(self) -> Counter:
        return Counter(r.level for r in self.responses if r.level)

    def dimension_means(self) -> dict[str, tuple[int, float | None]]:
        values: dict[str, list[float]] = defaultdict(list)
        for r in self.responses:
            for dim, score in r.dimensions.items():
                if score is not None:
                    values[dim].append(score)
        return {dim: (len(v), round(statistics.fmean(v), 1) if len(v) >= self.min_cell else None)
                for dim, v in values.items()}

    def dimension_low_share(self, dim: str) -> tuple[int, int]:
        """(respondents below LOW_SCORE in the dimension, respondents scored in it)."""
        scored = [r.dimensions[dim] for r in self.responses if r.dimensions.get(dim) is not None]
        return sum(1 for s in scored if s < LOW_SCORE), len(scored)

    def groups(self, key: str) -> list[Group]:
        """Mean overall score by a profile field, small groups suppressed."""
        values: dict[str, list[float]] = defaultdict(list)
        for r in self.responses:
            value = r.profile.get(key)
            if value is not None and r.overall is not None:
                values[str(value)].append(r.overall)
        out = []
        for label, v in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            small = len(v) < self.min_cell
            out.append(Group(label, len(v), None if small else round(statistics.fmean(v), 1),
                             small))
        return out

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


def _response(row: Any) -> Response:
    result = row.result or {}
    dims = {d["id"]: d.get("score") for d in result.get("dimensions", [])}
    dii = result.get("dii") or {}
    rules = {rec["rule"] for rec in result.get("recommendations", []) if rec.get("rule")}
    profile = dict(row.profile or result.get("profile") or {})
    # The denormalised columns win: they are what indicators filter on.
    for key in ("sector", "size", "gender", "age_band"):
        if getattr(row, key):
            profile[key] = getattr(row, key)
    overall = row.overall_score
    if overall is None:
        overall = (result.get("overall") or {}).get("score")
    return Response(
        learner_id=row.learner_id, economy=row.economy, profile=profile,
        answers=dict(row.answers or {}), overall=overall,
        level=row.level or (result.get("overall") or {}).get("level"), dimensions=dims,
        dii_count=dii.get("count"), dii_band=dii.get("band"), dii_items=list(dii.get("items", [])),
        rules=rules, completed_at=row.completed_at, synthetic=bool(row.synthetic),
        source=row.source)


def load(url: str | None, economies: list[str], *, cell: int | None = None) -> dict[str, EconomyData]:
    """Every economy's completed diagnostics (first attempt per learner = the response)."""
    from sqlalchemy import select

    from digiready.storage import session_scope
    from digiready.storage.models import Attempt

    cell = cell or min_cell()
    columns = [Attempt.learner_id, Attempt.number, Attempt.economy, Attempt.sector,
               Attempt.size, Attempt.gender, Attempt.age_band, Attempt.overall_score,
               Attempt.level, Attempt.profile, Attempt.answers, Attempt.result, Attempt.completed_at,
               Attempt.synthetic, Attempt.source]
    by_learner: dict[str, dict[int, list[Response]]] = {e: defaultdict(list) for e in economies}
    totals: Counter = Counter()
    with session_scope(url) as session:
        query = (select(*columns).where(Attempt.status == "completed",
                                        Attempt.economy.in_(economies))
                 .order_by(Attempt.economy, Attempt.learner_id, Attempt.number))
        for row in session.execute(query):
            by_learner[row.economy][row.learner_id].append(_response(row))
            totals[row.economy] += 1
    data = {}
    for economy in economies:
        firsts, followups = [], []
        for runs in by_learner[economy].values():
            firsts.append(runs[0])
            if len(runs) > 1:
                followups.append((runs[0], runs[-1]))
        data[economy] = EconomyData(economy, firsts, followups, totals[economy], cell)
    return data


@dataclass
class UsageData:
    """Learning events (video plays, visits) when the events area has recorded any."""
    available: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def load_usage(url: str | None, economies: list[str]) -> UsageData:
    """Monthly event counts by verb from the events table, read by reflection so that the
    reports need nothing from the events package (which may not be installed)."""
    from sqlalchemy import MetaData, Table, func, inspect, select

    from digiready.storage import get_engine

    engine = get_engine(url) if url else get_engine()
    names = set(inspect(engine).get_table_names())
    table_name = next((n for n in ("events_event", "event", "events_statement") if n in names), None)
    if table_name is None:
        return UsageData(False, note="no learning-event table in this database")
    table = Table(table_name, MetaData(), autoload_with=engine)
    cols = table.c
    time_col = next((cols[c] for c in ("timestamp", "occurred_at", "created_at", "time")
                     if c in cols), None)
    verb_col = next((cols[c] for c in ("verb", "kind", "type", "event_type", "name")
                     if c in cols), None)
    if time_col is None or verb_col is None or "economy" not in cols:
        return UsageData(False, note=f"table {table_name} has no time/verb/economy columns")
    rows = []
    with engine.connect() as conn:
        query = (select(cols.economy, verb_col, time_col)
                 .where(cols.economy.in_(economies)))
        counts: Counter = Counter()
        for economy, verb, when in conn.execute(query):
            if when is None:
                continue
            month = when.strftime("%Y-%m") if hasattr(when, "strftime") else str(when)[:7]
            counts[(economy, str(verb).rsplit("/", 1)[-1], month)] += 1
        _ = func  # (kept simple: Python-side grouping works on every backend)
    for (economy, verb, month), n in sorted(counts.items()):
        rows.append({"economy": economy, "verb": verb, "month": month, "count": n})
    return UsageData(bool(rows), rows, "" if rows else f"no events recorded in {table_name}")
