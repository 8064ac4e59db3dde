"""The indicators the project is judged on, computed in SQL over the events tables.

Each figure is one aggregate query that reads an index where it can, so a million events
take well under a second on SQLite. Filters (economy, gender, age band, sector, size, date
range) narrow the learners first; every cell that rests on fewer distinct learners than the
one small-group threshold (:mod:`digiready.disclosure`, ``DIGIREADY_MIN_CELL_SIZE``, default
10) is suppressed: its value becomes ``null`` and ``suppressed`` is true, so nobody can be
singled out from a small group. Breakdowns, the level distribution and the visits series add
up to printed totals, so they get complementary suppression too: no hidden group can be
worked out as the total minus the groups shown.

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

from digiready import disclosure
from digiready.events import settings as _settings  # noqa: F401

EPOCH = date(1970, 1, 1)
VISIT_KINDS = ("launched", "viewed")
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
    return disclosure.threshold()


def _day(d: date) -> int:
    return (d - EPOCH).days


class _Query:
    """Builds the WHERE clauses shared by every indicator."""

    def __init__(self, filters: Filters) -> None:
        from digiready.events.models import ActorProfile, Event

        self.f = filters
        self.E, self.P = Event, ActorProfile
        self.levels: dict[str | None, int] = {}

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


    def daily_where(self, table=None) -> list:
        """The same filters on a rollup (learner-day by default)."""
        from digiready.events.models import DailyActivity

        D = table if table is not None else DailyActivity
        clauses = []
        if self.f.date_from:
            clauses.append(D.day >= _day(self.f.date_from))
        if self.f.date_to:
            clauses.append(D.day <= _day(self.f.date_to))
        if self.f.economy:
            clauses.append(D.economy == self.f.economy.lower())
        profile = self.f.profile_filters()
        if profile:
            from sqlalchemy import select

            actors = select(self.P.actor).where(*[getattr(self.P, k) == v for k, v in profile.items()])
            clauses.append(D.actor.in_(actors))
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
    cells = _cells(db, q)
    total = _sum(cells.values())
    out.update(_figures(total, k))
    out.update(_video_and_modules(db, q, k))
    out["visits_series"] = _visits_series(db, q, k, period)
    out["level_distribution"], out["dimension_scores"] = _results(db, q, k)
    out["overall_score"] = _cell(_avg(total), total["scored"], k)
    out["breakdowns"] = {}
    hidden_by: dict[str, set] = {}
    for index, name in enumerate(("economy", "gender", "age_band")):
        groups = _marginal(cells, index)
        # The groups add up to the printed totals: hide enough of them together.
        hidden_by[name] = disclosure.protect({g: int(v["learners"]) for g, v in groups.items()}, k)
        out["breakdowns"][name] = [
            {name: key if key is not None else "unknown",
             **_group(values, k, hidden=key in hidden_by[name])}
            for key, values in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]
    out["priority_groups"] = {}
    for name, (field, values) in PRIORITY_GROUPS.items():
        hidden = hidden_by[field]
        # A union of groups printed beside the breakdown must not split its hidden groups:
        # (total − shown groups) − (the union's hidden part) would isolate the rest.
        splits = bool(hidden & set(values)) and bool(hidden - set(values))
        out["priority_groups"][name] = _group(
            _sum(v for key, v in cells.items() if key[1 if field == "gender" else 2] in values),
            k, hidden=splits)
    return out


# Per-learner totals summed per (economy, gender, age band) cell; every figure below is a sum
# of these cells, so totals, breakdowns and priority groups come from one pass over the rollup.
CELL_FIELDS = ("learners", "registered", "visits", "unique_visits", "visitors", "starts",
               "starters", "completions", "completers", "plays", "viewers", "scored", "score_sum")


def _cells(db, q: _Query) -> dict[tuple, dict[str, float]]:
    from sqlalchemy import case, func, select

    from digiready.events.models import ActorTotal as T
    from digiready.events.models import DailyActivity as D

    P = q.P
    flag = lambda column: func.sum(case((column > 0, 1), else_=0))
    if q.f.date_from or q.f.date_to:  # sum the learner-days in the range
        per_actor = (select(D.actor.label("actor"), func.max(D.economy).label("economy"),
                            func.max(D.registered).label("registered"), func.sum(D.visits).label("visits"),
                            flag(D.visits).label("visit_days"), func.sum(D.starts).label("starts"),
                            func.sum(D.completions).label("completions"), func.sum(D.plays).label("plays"))
                     .where(*q.daily_where()).group_by(D.actor)).subquery()
    else:  # all time: one row per learner, already summed
        per_actor = (select(T.actor, T.economy, T.registered, T.visits, T.visit_days, T.starts,
                            T.completions, T.plays).where(*q.daily_where(T))).subquery()
    a = per_actor.c
    rows = db.execute(
        select(a.economy, P.gender, P.age_band, func.count(), flag(a.registered), func.sum(a.visits),
               func.sum(a.visit_days), flag(a.visits), func.sum(a.starts), flag(a.starts),
               func.sum(a.completions), flag(a.completions), func.sum(a.plays), flag(a.plays))
        .select_from(per_actor).outerjoin(P, P.actor == a.actor)
        .group_by(a.economy, P.gender, P.age_band)).all()
    cells: dict[tuple, dict[str, float]] = {}
    for economy, gender, age_band, *values in rows:
        cell = dict(zip(CELL_FIELDS, [int(v or 0) for v in values] + [0, 0.0], strict=True))
        cells[(economy or None, gender, age_band)] = cell
    from digiready.events.models import Result as R

    # Latest results per cell and level, in one pass: the cells' scores and the levels.
    latest = _latest_completions(q)
    levels: dict[str | None, int] = {}
    for economy, gender, age_band, level, n, scored, score_sum in db.execute(
            select(R.economy, P.gender, P.age_band, R.level, func.count(), func.count(R.score),
                   func.sum(R.score))
            .join(latest, R.event_id == latest.c.id).outerjoin(P, P.actor == R.actor)
            .group_by(R.economy, P.gender, P.age_band, R.level)).all():
        cell = cells.setdefault((economy or None, gender, age_band), dict.fromkeys(CELL_FIELDS, 0))
        cell["scored"] += int(scored or 0)
        cell["score_sum"] += float(score_sum or 0.0)
        levels[level] = levels.get(level, 0) + int(n)
    q.levels = levels
    return cells


def _sum(cells) -> dict[str, float]:
    total = dict.fromkeys(CELL_FIELDS, 0)
    for cell in cells:
        for key in CELL_FIELDS:
            total[key] += cell[key]
    return total


def _marginal(cells: dict[tuple, dict[str, float]], index: int) -> dict[Any, dict[str, float]]:
    groups: dict[Any, list[dict[str, float]]] = {}
    for key, cell in cells.items():
        groups.setdefault(key[index], []).append(cell)
    return {key: _sum(values) for key, values in groups.items()}


def _avg(cell: dict[str, float]) -> float | None:
    return round(cell["score_sum"] / cell["scored"], 1) if cell["scored"] else None


def _figures(t: dict[str, float], k: int) -> dict[str, Any]:
    return {
        "learners": _cell(t["learners"], t["learners"], k),
        "registered_users": _cell(t["registered"], t["registered"], k),
        "visits": _cell(t["visits"], t["visitors"], k),
        "unique_visits": _cell(t["unique_visits"], t["visitors"], k),
        "unique_visitors": _cell(t["visitors"], t["visitors"], k),
        "diagnostic_starts": _cell(t["starts"], t["starters"], k),
        "diagnostic_completions": _cell(t["completions"], t["completers"], k),
        "video_plays": _cell(t["plays"], t["viewers"], k),
        "video_viewers": _cell(t["viewers"], t["viewers"], k),
    }


def _group(t: dict[str, float], k: int, hidden: bool = False) -> dict[str, Any]:
    ok = t["learners"] >= k and not hidden
    show = lambda value, n: value if ok and n >= k else None
    return {
        "learners": show(t["learners"], t["learners"]),
        "registered_users": show(t["registered"], t["registered"]),
        "diagnostic_completions": show(t["completions"], t["completers"]),
        "average_score": show(_avg(t), t["scored"]),
        "video_plays": show(t["plays"], t["viewers"]),
        "suppressed": not ok,
    }


def _video_and_modules(db, q: _Query, k: int) -> dict[str, Any]:
    from sqlalchemy import func, select, text

    from digiready.events.models import FULL_VIEW_WHERE

    E = q.E
    full = (select(E.actor, E.object_id).where(text(FULL_VIEW_WHERE), *q.where())
            .group_by(E.actor, E.object_id)).subquery()
    full_views, full_viewers = db.execute(
        select(func.count(), func.count(func.distinct(full.c.actor)))).one()
    done = (select(E.actor, E.object_id).where(*q.where("module.completed"))
            .group_by(E.actor, E.object_id)).subquery()
    completions, completers = db.execute(
        select(func.count(), func.count(func.distinct(done.c.actor)))).one()
    return {"full_views": _cell(full_views, full_viewers, k),
            "module_completions": _cell(completions, completers, k),
            "modules": _modules(db, q, k)}


def _period_key(column_day, column_month, period: str):
    if period == "day":
        return column_day
    if period == "week":  # Monday-based: 1970-01-01 was a Thursday
        return (column_day + 3) // 7
    return column_month


def _period_label(period: str, key: int) -> str:
    if period == "day":
        return str(EPOCH + timedelta(days=int(key)))
    if period == "week":
        return str(EPOCH + timedelta(days=int(key) * 7 - 3))  # the Monday
    return f"{int(key) // 100:04d}-{int(key) % 100:02d}"


def _visits_series(db, q: _Query, k: int, period: str) -> list[dict[str, Any]]:
    """Visits, unique visits (learner-days) and unique visitors per day, week or month."""
    from sqlalchemy import func, select

    from digiready.events.models import DailyActivity as D
    from digiready.events.models import MonthlyActivity as M

    if period == "month" and not (q.f.date_from or q.f.date_to):
        # One row per learner and month: visitors are rows, unique visits are summed days.
        rows = db.execute(
            select(M.month, func.sum(M.visits), func.sum(M.visit_days), func.count(func.distinct(M.actor)))
            .where(*q.daily_where(M)).group_by(M.month).order_by(M.month)).all()
    else:
        key = _period_key(D.day, D.month, period).label("key")
        rows = db.execute(
            select(key, func.sum(D.visits), func.count(), func.count(func.distinct(D.actor)))
            .where(*q.daily_where(), D.visits > 0).group_by(key).order_by(key)).all()
    # The periods add up to the printed totals: protect them together.
    hidden = disclosure.protect({row[0]: int(row[3]) for row in rows}, k)
    series = []
    for key_value, visits, unique_visits, visitors in rows:
        ok = visitors >= k and key_value not in hidden
        series.append({"period": _period_label(period, key_value),
                       "visits": int(visits) if ok else None,
                       "unique_visits": int(unique_visits) if ok else None,
                       "unique_visitors": int(visitors) if ok else None,
                       "suppressed": not ok})
    return series


def _latest_completions(q: _Query):
    """The event id of each learner's latest completed diagnostic in the range."""
    from sqlalchemy import func, select

    from digiready.events.models import Result as R

    clauses = []
    if q.f.date_from:
        clauses.append(R.day >= _day(q.f.date_from))
    if q.f.date_to:
        clauses.append(R.day <= _day(q.f.date_to))
    if q.f.economy:
        clauses.append(R.economy == q.f.economy.lower())
    profile = q.f.profile_filters()
    if profile:
        actors = select(q.P.actor).where(*[getattr(q.P, k) == v for k, v in profile.items()])
        clauses.append(R.actor.in_(actors))
    return select(func.max(R.event_id).label("id")).where(*clauses).group_by(R.actor).subquery()


def _results(db, q: _Query, k: int):
    from sqlalchemy import func, select

    from digiready.events.models import DimensionScore

    latest = _latest_completions(q)
    rows = list(q.levels.items())  # counted with the cells (see _cells)
    total = sum(n for _lvl, n in rows)
    hidden = disclosure.protect(dict(rows), k)
    levels = []
    for level, n in sorted(rows, key=lambda r: (r[0] is None, r[0] or "")):
        ok = n >= k and total >= k and level not in hidden
        levels.append({"level": level, "learners": n if ok else None,
                       "share": round(100 * n / total, 1) if ok and total else None,
                       "suppressed": not ok})
    dims = db.execute(select(DimensionScore.dimension, func.avg(DimensionScore.score), func.count())
                      .join(latest, DimensionScore.event_id == latest.c.id)
                      .group_by(DimensionScore.dimension).order_by(DimensionScore.dimension)).all()
    dimensions = [{"dimension": d, **_cell(round(float(avg), 1), n, k)} for d, avg, n in dims]
    return levels, dimensions


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
    # Those who completed a module and those who did not are both groups of people; and the
    # completions of all modules add up to the printed total, so they are protected together.
    split = {m for m in started if disclosure.is_small(completed.get(m, 0), k)
             or disclosure.is_small(started[m] - completed.get(m, 0), k)}
    hidden = disclosure.protect({m: completed.get(m, 0) for m in started}, k, hidden=split)
    rows = []
    for module in sorted(started):
        n = started[module]
        done = completed.get(module, 0)
        ok = n >= k
        shown = ok and module not in hidden
        rows.append({"module": module, "started": n if ok else None,
                     "completed": done if shown else None,
                     "completion_rate": round(100 * done / n, 1) if shown and n else None,
                     "suppressed": not ok})
    return rows


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
