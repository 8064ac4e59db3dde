"""Helpers every report section shares: names, number formats, and tables of groups that
follow the one small-group rule (:mod:`digiready.disclosure`)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from digiready import disclosure
from digiready.economies import APEC_ECONOMIES
from digiready.packs.model import Pack
from digiready.reports.aggregate import UNKNOWN, EconomyData, Response, group_of
from digiready.reports.model import NO_DATA, SUPPRESSED, Table

ECONOMY_NAMES = {**APEC_ECONOMIES, "eu": "European Union (comparison)"}
OTHER_GROUPS = "Other groups (combined)"


def economy_name(code: str | None) -> str:
    if not code:
        return "not stated"
    return ECONOMY_NAMES.get(code, code.upper())


def fmt(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def labels(pack: Pack, key: str) -> dict[str, str]:
    pq = pack.profile_question(key)
    found = {o.id: o.label for o in pq.options} if pq else {}
    found[UNKNOWN] = "Not stated"
    found[OTHER_GROUPS] = OTHER_GROUPS
    return found


def recoded(responses: list[Response], key: str, k: int) -> dict[str, list[Response]]:
    """Responses by a profile field, the groups under k merged into one "other" group
    (recoding before suppression: fewer cells hidden, the same protection)."""
    groups: dict[str, list[Response]] = {}
    for r in responses:
        groups.setdefault(group_of(r, key), []).append(r)
    small = [g for g, v in groups.items() if len(v) < k]
    if len(small) >= 2:
        merged = [r for g in small for r in groups.pop(g)]
        groups[OTHER_GROUPS] = merged
    return groups


def group_sizes(data: EconomyData, key: str) -> tuple[dict[str, list[Response]], set[str]]:
    """The economy's groups for a field and those hidden in the table of group sizes
    (their total, the economy's responses, is printed)."""
    cached = data._cache.get(("group_sizes", key))
    if cached is None:  # every need's breakdown asks again for the same groups
        groups = recoded(data.responses, key, data.min_cell)
        hidden = disclosure.protect({g: len(v) for g, v in groups.items()}, data.min_cell)
        cached = data._cache[("group_sizes", key)] = (groups, hidden)
    return cached


def shown(value: Any, hidden: bool) -> Any:
    return SUPPRESSED if hidden else value


def subset_breakdown(data: EconomyData, pack: Pack, key: str, members: set[int], *,
                     table_id: str, caption: str, what: str) -> tuple[Table, dict[str, Any]]:
    """A subset of the economy (the businesses with a need) by a profile field: per group,
    its size, how many are in the subset and the share. The two-way table (group × in the
    subset or not) is protected along rows (group sizes are printed) and columns (the
    subset's size is printed); groups hidden in the size table stay hidden here."""
    groups, hidden_groups = group_sizes(data, key)
    cells = {}
    for g, rs in groups.items():
        inside = sum(1 for r in rs if id(r) in members)
        cells[(g, "in")] = inside
        cells[(g, "out")] = len(rs) - inside
    protection = disclosure.protect_grid(cells, data.min_cell, hidden_rows=hidden_groups)
    names = labels(pack, key)
    rows, facts = [], {}
    for g in sorted(groups, key=lambda g: (g in (UNKNOWN, OTHER_GROUPS), -len(groups[g]), g)):
        n = len(groups[g])
        inside = cells[(g, "in")]
        cell_hidden = (g, "in") in protection.cells
        rows.append([names.get(g, g), shown(n, g in protection.row_totals),
                     shown(inside, cell_hidden), shown(pct(inside, n), cell_hidden)])
        facts[g] = None if cell_hidden else pct(inside, n)
    return Table(table_id, caption, [what, "Businesses", "With the need", "Share (%)"], rows,
                 notes=f"Groups of fewer than {data.min_cell} businesses are merged or "
                       "suppressed, with enough others that none can be worked out from the "
                       "totals."), facts


def counter_rows(counts: Counter, total: int, k: int, names: dict[str, str]) -> list[list[Any]]:
    """Category counts that add up to a printed total, protected together."""
    hidden = disclosure.protect(dict(counts), k)
    return [[names.get(c, c), shown(n, c in hidden), shown(pct(n, total), c in hidden)]
            for c, n in counts.most_common()]
