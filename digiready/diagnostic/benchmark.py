"""Where a business stands among its peers (same economy, sector and size).

The percentile is withheld when the peer group is smaller than the pack's minimum, so that
nobody's answers can be inferred from a tiny group.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from digiready.packs.model import Pack


def peer_group(pack: Pack, profile: dict[str, Any]) -> dict[str, Any]:
    """The benchmark group of a profile; size options may pool (``peer_group``)."""
    size = profile.get("size")
    size_question = pack.profile_question("size")
    if size_question is not None:
        option = next((o for o in size_question.options if o.id == size), None)
        if option is not None and option.peer_group:
            size = option.peer_group
    return {"economy": profile.get("economy") or pack.economy, "sector": profile.get("sector"),
            "size": size}


def percentile(value: float, others: list[float]) -> float:
    """Mid-rank percentile: the share of peers below, counting ties as half."""
    below = sum(1 for o in others if o < value)
    equal = sum(1 for o in others if o == value)
    return round(100 * (below + 0.5 * equal) / len(others), 1)


def benchmark(pack: Pack, profile: dict[str, Any], scores: dict[str, Any],
              peers: Iterable[dict[str, Any]], min_group: int | None = None) -> dict[str, Any]:
    """``peers``: earlier results as ``{"economy", "sector", "size", "overall",
    "dimensions": {id: score}}`` (other respondents; not this one)."""
    minimum = pack.min_peer_group if min_group is None else min_group
    group = peer_group(pack, profile)
    size_question = pack.profile_question("size")
    pooled = {o.id: o.peer_group or o.id for o in size_question.options} if size_question else {}
    members = [
        p for p in peers
        if p.get("economy") == group["economy"] and p.get("sector") == group["sector"]
        and pooled.get(p.get("size"), p.get("size")) == group["size"] and p.get("overall") is not None
    ]
    if len(members) < minimum:
        return {"available": False, "group": group, "peers": len(members), "min_group": minimum,
                "reason": f"only {len(members)} comparable businesses so far; "
                          f"at least {minimum} are needed to compare fairly"}
    overall = scores["overall"]["score"]
    dims = {}
    for dim in scores["dimensions"]:
        if dim["score"] is None:
            continue
        values = [p["dimensions"][dim["id"]] for p in members
                  if (p.get("dimensions") or {}).get(dim["id"]) is not None]
        if len(values) >= minimum:
            dims[dim["id"]] = percentile(dim["score"], values)
    return {"available": True, "group": group, "peers": len(members), "min_group": minimum,
            "overall_percentile": percentile(overall, [p["overall"] for p in members])
            if overall is not None else None,
            "dimensions": dims}
