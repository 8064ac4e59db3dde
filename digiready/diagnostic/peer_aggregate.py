"""Class-wide results as a bounded aggregate: per peer group, how many businesses and how their
latest scores spread over whole points (0-100).

An LMS component that keeps class results in one shared field (Open edX's
``user_state_summary`` is read and written whole) should not keep one record per learner: the
field would grow with the class and be rewritten in full at every submission. This aggregate
grows with the number of peer groups (economy x sector x size, a few per course) and score
points only. A learner's own contribution is kept with their state so a re-assessment
replaces it instead of counting them twice.

:func:`benchmark_from_aggregate` answers as :func:`digiready.diagnostic.benchmark.benchmark`
does from a list of peers, with scores compared at whole-point resolution.
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic.benchmark import peer_group
from digiready.packs.model import Pack

GROUP_FIELDS = ("economy", "sector", "size")


def group_key(pack: Pack, profile: dict[str, Any]) -> str:
    group = peer_group(pack, profile)
    return "|".join(str(group.get(f) or "") for f in GROUP_FIELDS)


def _point(score: float | None) -> int | None:
    return None if score is None else int(round(score))


def contribution(pack: Pack, profile: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """What one submitted result adds to the aggregate (and what to take out when it is replaced)."""
    return {"group": group_key(pack, profile), "overall": _point(result["overall"]["score"]),
            "dimensions": {d["id"]: _point(d["score"]) for d in result["dimensions"] if d["score"] is not None}}


def _bump(histogram: dict[str, int], point: int, sign: int) -> None:
    key = str(point)
    count = histogram.get(key, 0) + sign
    if count > 0:
        histogram[key] = count
    else:
        histogram.pop(key, None)


def apply(aggregate: dict[str, Any], item: dict[str, Any] | None, sign: int = 1) -> dict[str, Any]:
    """A new aggregate with ``item`` added (``sign=1``) or taken out (``sign=-1``)."""
    groups = {k: {"n": g["n"], "overall": dict(g["overall"]),
                  "dimensions": {d: dict(h) for d, h in g["dimensions"].items()}}
              for k, g in (aggregate or {}).get("groups", {}).items()}
    if item and item.get("overall") is not None:
        group = groups.setdefault(item["group"], {"n": 0, "overall": {}, "dimensions": {}})
        group["n"] = max(0, group["n"] + sign)
        _bump(group["overall"], item["overall"], sign)
        for dim, point in item.get("dimensions", {}).items():
            _bump(group["dimensions"].setdefault(dim, {}), point, sign)
            if not group["dimensions"][dim]:
                del group["dimensions"][dim]
        if group["n"] == 0:
            del groups[item["group"]]
    return {"groups": groups}


def _percentile(point: int, histogram: dict[str, int]) -> float:
    """Mid-rank percentile, as :func:`digiready.diagnostic.benchmark.percentile`."""
    total = sum(histogram.values())
    below = sum(c for p, c in histogram.items() if int(p) < point)
    return round(100 * (below + 0.5 * histogram.get(str(point), 0)) / total, 1)


def benchmark_from_aggregate(pack: Pack, profile: dict[str, Any], result: dict[str, Any],
                             aggregate: dict[str, Any], min_group: int | None = None) -> dict[str, Any]:
    """The benchmark of ``result`` among the aggregate's peers (which must not include it)."""
    minimum = pack.min_peer_group if min_group is None else min_group
    group = peer_group(pack, profile)
    stats = (aggregate or {}).get("groups", {}).get(group_key(pack, profile))
    count = stats["n"] if stats else 0
    if count < minimum:
        return {"available": False, "group": group, "peers": count, "min_group": minimum,
                "reason": f"only {count} comparable businesses so far; "
                          f"at least {minimum} are needed to compare fairly"}
    overall = _point(result["overall"]["score"])
    dims = {}
    for dim in result["dimensions"]:
        histogram = stats["dimensions"].get(dim["id"], {})
        if dim["score"] is not None and sum(histogram.values()) >= minimum:
            dims[dim["id"]] = _percentile(_point(dim["score"]), histogram)
    return {"available": True, "group": group, "peers": count, "min_group": minimum,
            "overall_percentile": _percentile(overall, stats["overall"]) if overall is not None else None,
            "dimensions": dims}


def group_rows(aggregate: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per peer group: the fields, the number of businesses, mean scores."""
    rows = []
    for key, stats in sorted((aggregate or {}).get("groups", {}).items()):
        row: dict[str, Any] = dict(zip(GROUP_FIELDS, key.split("|"), strict=True))
        row["businesses"] = stats["n"]
        row["overall_mean"] = _mean(stats["overall"])
        row["dimensions"] = {d: _mean(h) for d, h in sorted(stats["dimensions"].items())}
        rows.append(row)
    return rows


def _mean(histogram: dict[str, int]) -> float | None:
    total = sum(histogram.values())
    return round(sum(int(p) * c for p, c in histogram.items()) / total, 1) if total else None
