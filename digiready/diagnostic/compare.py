"""Re-assessment: what changed between two attempts, dimension by dimension."""
from __future__ import annotations

from typing import Any


def _change(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 1)


def compare(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Both arguments are result documents (or their ``dimensions``/``overall`` parts)."""
    before = {d["id"]: d for d in previous.get("dimensions", [])}
    dims = []
    for dim in current.get("dimensions", []):
        old = before.get(dim["id"], {})
        dims.append({"id": dim["id"], "title": dim.get("title"), "from": old.get("score"),
                     "to": dim["score"], "change": _change(old.get("score"), dim["score"]),
                     "level_from": old.get("level"), "level_to": dim.get("level")})
    p_overall, c_overall = previous.get("overall", {}), current.get("overall", {})
    return {
        "overall": {"from": p_overall.get("score"), "to": c_overall.get("score"),
                    "change": _change(p_overall.get("score"), c_overall.get("score")),
                    "level_from": p_overall.get("level"), "level_to": c_overall.get("level")},
        "dimensions": dims,
        "improved": [d["id"] for d in dims if (d["change"] or 0) > 0],
        "declined": [d["id"] for d in dims if (d["change"] or 0) < 0],
    }
