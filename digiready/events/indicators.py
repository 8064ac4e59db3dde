"""The indicators the project is judged on, computed in SQL over the events tables.

Each figure is one aggregate query that reads an index where it can, so a million events
take well under a second on SQLite. Filters (economy, gender, age band, sector, size, date
range) narrow the learners first; every cell that rests on fewer distinct learners than the
minimum cell size (``DIGIREADY_MIN_CELL_SIZE``, default 5) is suppressed: its value becomes
``null`` and ``suppressed`` is true, so nobody can be singled out from a small group.

Definitions (also in docs/analytics.md):
- registered users: distinct learners with a ``registered`` event in the range;
- visits: ``launched`` and ``viewed`` events; unique visits: distinct learners per day (as
  the reference defines it), summed over the days; unique visitors: distinct learners;
- diagnostic starts / completions: ``diagnostic.attempted`` / ``diagnostic.completed``;
- level distribution and average scores: each learner's latest completed diagnostic in the
  range (a re-assessment replaces, never doubles, a learner);
- video plays: ``video.played`` events; full views: distinct (learner, video) pairs with a
  video event whose played segments cover at least 95 % of the video;
- module completions: distinct (learner, module) pairs with ``module.completed``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from digiready import config
from digiready.events import settings as _settings  # noqa: F401
from digiready.events.segments import FULL_VIEW_PERCENT

EPOCH = date(1970, 1, 1)
VISIT_KINDS = ("launched", "viewed")
VIDEO_PROGRESS_KINDS = ("video.paused", "video.completed", "video.terminated")
PRIORITY_GROUPS = {
    "women_led": ("gender", ("woman",)),
    "youth_led": ("age_band", ("under_25", "25_34")),
}


@dataclass(frozen=True)
class Filters:
    economy: str | None = None
    gender: str | None = None
    age_band: str | None = None
    sector: str | None = None
    size: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def profile_filters(self) -> dict[str, str]:
        return {k: v for k, v in (("gender", self.gender), ("age_band", self.age_band),
                                  ("sector", self.sector), ("size", self.size)) if v}


def min_cell_size() -> int:
    try:
        return max(1, int(config.get("MIN_CELL_SIZE") or 5))
    except ValueError:
        return 5


def _day(d: date) -> int:
    return (d - EPOCH).days


class _Query:
    """Builds the WHERE clauses shared by every indicator."""

    def __init__(self, filters: Filters) -> None:
        from digiready.events.models import ActorProfile, Event

        self.f = filters
        self.E, self.P = Event, ActorProfile

    def where(self, *kinds: str, table=None) -> list:
        E = table if table is not None else self.E
        clauses = []
        if len(kinds) == 1:
            clauses.append(E.kind == kinds[0])
        elif kinds:
            clauses.append(E.kind.in_(kinds))
        if self.f.date_from:
            clauses.append(E.day >= _day(self.f.date_from))
        if self.f.date_to:
            clauses.append(E.day <= _day(self.f.date_to))
        if self.f.economy:
            clauses.append(E.economy == self.f.economy.lower())
        profile = self.f.profile_filters()
        if profile:
            from sqlalchemy import select

            actors = select(self.P.actor).where(*[getattr(self.P, k) == v for k, v in profile.items()])
            clauses.append(E.actor.in_(actors))
        return clauses


def _cell(value: Any, learners: int, min_cell: int) -> dict[str, Any]:
    if learners < min_cell:
        return {"value": None, "learners": None, "suppressed": True}
    return {"value": value, "learners": learners, "suppressed": False}


def compute(filters: Filters | None = None, *, database_url: str | None = None,
            min_cell: int | None = None, period: str = "month", db=None) -> dict[str, Any]:
    """Every indicator for ``filters``, as a JSON-ready dict."""
    if db is None:
        from digiready.storage import session_scope

        with session_scope(database_url) as own:
            return compute(filters, min_cell=min_cell, period=period, db=own)
    filters = filters or Filters()
    k = min_cell if min_cell is not None else min_cell_size()
    q = _Query(filters)
    out: dict[str, Any] = {
        "filters": {key: (str(v) if isinstance(v, date) else v) for key, v in asdict(filters).items()},
        "min_cell_size": k,
    }
    out.update(_counts(db, q, k))
    out["visits_series"] = _visits_series(db, q, k, period)
    out["level_distribution"], out["dimension_scores"], out["overall_score"] = _results(db, q, k)
    out["modules"] = _modules(db, q, k)
    out["breakdowns"] = {dim: _breakdown(db, q, k, dim) for dim in ("economy", "gender", "age_band")}
    out["priority_groups"] = _priority(db, q, k)
    return out


def _counts(db, q: _Query, k: int) -> dict[str, Any]:
    from sqlalchemy import func, select

    E = q.E
    distinct = func.count(func.distinct(E.actor))
    registered = db.execute(select(distinct).where(*q.where("registered"))).scalar() or 0
    visits, visitors = db.execute(select(func.count(), distinct).where(*q.where(*VISIT_KINDS))).one()
    per_day = (select(E.day, E.actor).where(*q.where(*VISIT_KINDS)).group_by(E.day, E.actor)).subquery()
    unique_visits = db.execute(select(func.count()).select_from(per_day)).scalar() or 0
    starts, starters = db.execute(select(func.count(), distinct).where(*q.where("diagnostic.attempted"))).one()
    completions, completers = db.execute(
        select(func.count(), distinct).where(*q.where("diagnostic.completed"))).one()
    plays, viewers = db.execute(select(func.count(), distinct).where(*q.where("video.played"))).one()
    full = (select(E.actor, E.object_id)
            .where(*q.where(*VIDEO_PROGRESS_KINDS), E.progress >= FULL_VIEW_PERCENT)
            .group_by(E.actor, E.object_id)).subquery()
    full_views, full_viewers = db.execute(
        select(func.count(), func.count(func.distinct(full.c.actor)))).one()
    done = (select(E.actor, E.object_id).where(*q.where("module.completed"))
            .group_by(E.actor, E.object_id)).subquery()
    module_completions, module_completers = db.execute(
        select(func.count(), func.count(func.distinct(done.c.actor)))).one()
    learners = db.execute(select(distinct).where(*q.where())).scalar() or 0
    return {
        "learners": _cell(learners, learners, k),
        "registered_users": _cell(registered, registered, k),
        "visits": _cell(visits, visitors, k),
        "unique_visits": _cell(unique_visits, visitors, k),
        "unique_visitors": _cell(visitors, visitors, k),
        "diagnostic_starts": _cell(starts, starters, k),
        "diagnostic_completions": _cell(completions, completers, k),
        "video_plays": _cell(plays, viewers, k),
        "video_viewers": _cell(viewers, viewers, k),
        "full_views": _cell(full_views, full_viewers, k),
        "module_completions": _cell(module_completions, module_completers, k),
    }


def _period_key(q: _Query, period: str):
    E = q.E
    if period == "day":
        return E.day
    if period == "week":  # Monday-based: 1970-01-01 was a Thursday
        return (E.day + 3) / 7
    return E.month


def _period_label(period: str, key: int) -> str:
    if period == "day":
        return str(EPOCH + timedelta(days=int(key)))
    if period == "week":
        return str(EPOCH + timedelta(days=int(key) * 7 - 3))  # the Monday
    return f"{int(key) // 100:04d}-{int(key) % 100:02d}"


def _visits_series(db, q: _Query, k: int, period: str) -> list[dict[str, Any]]:
    """Visits, unique visits (learner-days) and unique visitors per day, week or month."""
    from sqlalchemy import func, select

    E = q.E
    key = _period_key(q, period).label("key")
    daily = (select(key, E.day, E.actor, func.count().label("n"))
             .where(*q.where(*VISIT_KINDS)).group_by(key, E.day, E.actor)).subquery()
    rows = db.execute(
        select(daily.c.key, func.sum(daily.c.n), func.count(), func.count(func.distinct(daily.c.actor)))
        .group_by(daily.c.key).order_by(daily.c.key)).all()
    series = []
    for key_value, visits, unique_visits, visitors in rows:
        ok = visitors >= k
        series.append({"period": _period_label(period, key_value),
                       "visits": int(visits) if ok else None,
                       "unique_visits": int(unique_visits) if ok else None,
                       "unique_visitors": int(visitors) if ok else None,
                       "suppressed": not ok})
    return series


def _latest_completions(q: _Query):
    """The id of each learner's latest completed diagnostic in the range."""
    from sqlalchemy import func, select

    E = q.E
    return (select(func.max(E.id).label("id")).where(*q.where("diagnostic.completed"))
            .group_by(E.actor)).subquery()


def _results(db, q: _Query, k: int):
    from sqlalchemy import func, select

    from digiready.events.models import DimensionScore

    E = q.E
    latest = _latest_completions(q)
    rows = db.execute(select(E.level, func.count()).where(E.id.in_(select(latest.c.id)))
                      .group_by(E.level)).all()
    total = sum(n for _lvl, n in rows)
    levels = []
    for level, n in sorted(rows, key=lambda r: (r[0] is None, r[0] or "")):
        ok = n >= k and total >= k
        levels.append({"level": level, "learners": n if ok else None,
                       "share": round(100 * n / total, 1) if ok and total else None,
                       "suppressed": not ok})
    dims = db.execute(select(DimensionScore.dimension, func.avg(DimensionScore.score), func.count())
                      .where(DimensionScore.event_id.in_(select(latest.c.id)))
                      .group_by(DimensionScore.dimension).order_by(DimensionScore.dimension)).all()
    dimensions = [{"dimension": d, **_cell(round(float(avg), 1), n, k)} for d, avg, n in dims]
    avg, n = db.execute(select(func.avg(E.score), func.count(E.score))
                        .where(E.id.in_(select(latest.c.id)))).one()
    overall = _cell(round(float(avg), 1) if avg is not None else None, n, k)
    return levels, dimensions, overall


def _modules(db, q: _Query, k: int) -> list[dict[str, Any]]:
    """Per module: learners who made progress and who completed it."""
    from sqlalchemy import func, select

    E = q.E
    started = dict(db.execute(
        select(E.object_id, func.count(func.distinct(E.actor)))
        .where(*q.where("module.progressed", "module.completed")).group_by(E.object_id)).all())
    completed = dict(db.execute(
        select(E.object_id, func.count(func.distinct(E.actor)))
        .where(*q.where("module.completed")).group_by(E.object_id)).all())
    rows = []
    for module in sorted(started):
        n = started[module]
        ok = n >= k
        done = completed.get(module, 0)
        rows.append({"module": module, "started": n if ok else None,
                     "completed": done if ok else None,
                     "completion_rate": round(100 * done / n, 1) if ok and n else None,
                     "suppressed": not ok})
    return rows


def _breakdown(db, q: _Query, k: int, dimension: str) -> list[dict[str, Any]]:
    """Registered users, completions and average score per economy, gender or age band."""
    from sqlalchemy import func, select

    E, P = q.E, q.P
    column = E.economy if dimension == "economy" else getattr(P, dimension)

    def grouped(*kinds, value=None):
        agg = value if value is not None else func.count(func.distinct(E.actor))
        stmt = select(column, agg, func.count(func.distinct(E.actor))).where(*q.where(*kinds))
        if dimension != "economy":
            stmt = stmt.join(P, P.actor == E.actor)
        return {key: (v, n) for key, v, n in db.execute(stmt.group_by(column)).all()}

    registered = grouped("registered")
    learners = grouped()
    latest = _latest_completions(q)
    stmt = (select(column, func.avg(E.score), func.count()).where(E.id.in_(select(latest.c.id))))
    if dimension != "economy":
        stmt = stmt.join(P, P.actor == E.actor)
    scores = {key: (avg, n) for key, avg, n in db.execute(stmt.group_by(column)).all()}
    out = []
    for key in sorted(set(learners) | set(scores), key=lambda x: (x is None, x or "")):
        n_learners = learners.get(key, (0, 0))[1]
        reg = registered.get(key, (0, 0))[0]
        avg, completers = scores.get(key, (None, 0))
        out.append({
            dimension: key if key is not None else "unknown",
            "learners": _cell(n_learners, n_learners, k)["value"],
            "registered_users": _cell(reg, reg, k)["value"],
            "diagnostic_completions": _cell(completers, completers, k)["value"],
            "average_score": _cell(round(float(avg), 1) if avg is not None else None, completers, k)["value"],
            "suppressed": n_learners < k,
        })
    return out


def _priority(db, q: _Query, k: int) -> dict[str, Any]:
    """Women-led and youth-led businesses: learners, completions and average score."""
    from sqlalchemy import func, select

    E, P = q.E, q.P
    latest = _latest_completions(q)
    out = {}
    for name, (field, values) in PRIORITY_GROUPS.items():
        in_group = getattr(P, field).in_(values)
        learners = db.execute(select(func.count(func.distinct(E.actor))).join(P, P.actor == E.actor)
                              .where(*q.where(), in_group)).scalar() or 0
        avg, n = db.execute(select(func.avg(E.score), func.count()).join(P, P.actor == E.actor)
                            .where(E.id.in_(select(latest.c.id)), in_group)).one()
        out[name] = {"learners": _cell(learners, learners, k)["value"],
                     "diagnostic_completions": _cell(n, n, k)["value"],
                     "average_score": _cell(round(float(avg), 1) if avg is not None else None, n, k)["value"],
                     "suppressed": learners < k}
    return out


def summary_lines(data: dict[str, Any]) -> list[str]:
    """A short plain-text view for the terminal."""
    def show(cell: dict[str, Any]) -> str:
        return "suppressed (small group)" if cell["suppressed"] else str(cell["value"])

    lines = [f"min cell size: {data['min_cell_size']}"]
    for key in ("learners", "registered_users", "visits", "unique_visits", "unique_visitors",
                "diagnostic_starts", "diagnostic_completions", "video_plays", "full_views",
                "module_completions"):
        lines.append(f"{key.replace('_', ' '):<24} {show(data[key])}")
    lines.append(f"{'average overall score':<24} {show(data['overall_score'])}")
    for row in data["level_distribution"]:
        lines.append(f"  level {row['level'] or 'none':<16} "
                     f"{'suppressed' if row['suppressed'] else row['learners']}")
    return lines
