"""Statistical disclosure control: one small-group threshold, and which cells to hide so that
nobody can be singled out — in the reports, the indicators and the dashboards alike.

The rule (``DIGIREADY_MIN_CELL_SIZE``, default 10):

- *Primary suppression*: a count of 1 to k-1, or any figure (mean, share, total) resting on
  fewer than k people, is not printed. A count of 0 is printed: it describes nobody.
- *Complementary suppression*: a table whose parts add up to a printed total (the groups of
  a breakdown and their "All" row, the months of a series and the total) would give a hidden
  part away by subtraction: total − the printed parts. So whenever the hidden parts of such
  a set are a single cell, or rest together on fewer than k people, further parts (the
  smallest first) are hidden with them. Tables with totals both ways (need × gender with a
  total per need and per gender) are protected along rows and columns until both hold.

The same functions serve every area, so a figure hidden in a report is hidden on the LTI
tool's dashboard and in the portal's results too.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from digiready import config

config.declare(
    "MIN_CELL_SIZE", "10",
    "Smallest group any published figure may rest on, everywhere (reports, indicators, "
    "dashboards, the portal's evaluation results): a count of 1 to N-1, or a figure about "
    "fewer than N people, is hidden, and so are enough other cells that it cannot be worked "
    "out from totals (complementary suppression).")

DEFAULT = 10
K = TypeVar("K", bound=Hashable)


def threshold() -> int:
    """The configured minimum group size (at least 2: a group of one is always a person)."""
    try:
        return max(2, int(float(config.get("MIN_CELL_SIZE") or DEFAULT)))
    except ValueError:
        return DEFAULT


def at_least_threshold(value: int | None) -> int:
    """A threshold asked for on a command line or by a caller: it may raise the configured
    one, never lower it."""
    k = threshold()
    return k if value is None else max(k, int(value))


def is_small(n: int, k: int | None = None) -> bool:
    """A count that may not be printed: 1 to k-1 (0 describes nobody)."""
    k = threshold() if k is None else k
    return 0 < n < k


def protect(parts: Mapping[K, int], k: int | None = None, *, total_shown: bool = True,
            hidden: Iterable[K] = ()) -> set[K]:
    """The parts of one additive set to hide.

    ``parts`` maps each part (a group, a month) to the number of people it rests on.
    ``hidden`` are parts already hidden for another reason (e.g. by a column of a grid).
    With ``total_shown`` (the parts' total is printed), the hidden parts are completed, the
    smallest visible non-empty parts first, until they are at least two and rest together on
    at least k people — or everything is hidden when that is impossible.
    """
    k = threshold() if k is None else k
    out = {key for key, n in parts.items() if is_small(n, k)} | set(hidden) & set(parts)
    if total_hidden(parts, k):
        return set(parts)  # the total itself is a small group: nothing of it is printed
    if not total_shown or not out:
        return out
    order = sorted((key for key in parts if key not in out and parts[key] > 0),
                   key=lambda key: (parts[key], str(key)))
    while order and (len(out) < 2 or sum(parts[key] for key in out) < k):
        out.add(order.pop(0))
    if len(out) < 2 or sum(parts[key] for key in out) < k:
        # Only empty parts are left visible: the hidden ones are the whole total.
        out |= set(parts)
    return out


@dataclass
class GridProtection:
    """What to hide in a two-way table: cells, and the totals of rows and columns."""
    cells: set = field(default_factory=set)
    row_totals: set = field(default_factory=set)
    column_totals: set = field(default_factory=set)


def protect_grid(cells: Mapping[tuple[K, K], int], k: int | None = None, *,
                 row_totals: bool = True, column_totals: bool = True,
                 hidden_rows: Iterable[K] = ()) -> GridProtection:
    """Cells (and totals) of a two-way table to hide, protecting each row against its total
    and each column against its total, repeated until neither adds a cell; then checked
    against the whole system of totals (a hidden cell can be pinned down by combining rows
    and columns even when each line hides two), hiding one more cell while any can, or the
    totals through it when no cell is left to hide. ``hidden_rows``: rows already hidden
    elsewhere (their total too), e.g. a group hidden in the table of group sizes."""
    k = threshold() if k is None else k
    rows: dict[K, dict[tuple[K, K], int]] = {}
    columns: dict[K, dict[tuple[K, K], int]] = {}
    for key, n in cells.items():
        rows.setdefault(key[0], {})[key] = n
        columns.setdefault(key[1], {})[key] = n
    out = GridProtection()
    # A total under k is itself hidden; an unprinted kind of total protects nothing.
    out.row_totals = {r for r, line in rows.items() if not row_totals or total_hidden(line, k)}
    out.column_totals = {c for c, line in columns.items()
                         if not column_totals or total_hidden(line, k)}
    hidden: set[tuple[K, K]] = {key for key, n in cells.items() if is_small(n, k)}
    for r in set(hidden_rows) & rows.keys():
        out.row_totals.add(r)
        hidden |= rows[r].keys()
    while True:
        before = len(hidden)
        for r, line in rows.items():
            hidden |= protect(line, k, total_shown=r not in out.row_totals,
                              hidden=hidden & line.keys())
        for c, line in columns.items():
            hidden |= protect(line, k, total_shown=c not in out.column_totals,
                              hidden=hidden & line.keys())
        if len(hidden) != before:
            continue
        printed = ([set(line) for r, line in rows.items() if r not in out.row_totals]
                   + [set(line) for c, line in columns.items() if c not in out.column_totals])
        # A hidden empty cell that can be worked out describes nobody: no harm.
        exposed = {key for key in derivable(hidden, printed) if cells[key] > 0}
        if not exposed:
            out.cells = hidden
            return out
        cell = min(exposed, key=str)
        visible = [key for line in (rows[cell[0]], columns[cell[1]]) for key in line
                   if key not in hidden and cells[key] > 0]
        if visible:
            hidden.add(min(visible, key=lambda key: (cells[key], str(key))))
        else:
            out.row_totals.add(cell[0])
            out.column_totals.add(cell[1])


def derivable(hidden: Iterable[K], lines: Iterable[set[K]]) -> set[K]:
    """The hidden cells whose exact value follows from the printed totals of ``lines`` (each
    line: the cells that add up to a printed total) and the printed cells: those whose unit
    vector lies in the span of the lines' equations over the hidden cells (Gaussian
    elimination with exact fractions; report tables are small)."""
    from fractions import Fraction

    hidden = sorted(set(hidden), key=str)
    index = {key: i for i, key in enumerate(hidden)}
    matrix = []
    for line in lines:
        row = [Fraction(0)] * len(hidden)
        for key in line:
            if key in index:
                row[index[key]] = Fraction(1)
        if any(row):
            matrix.append(row)
    pivots: list[tuple[int, list[Fraction]]] = []
    for row in matrix:  # reduced row echelon form, built row by row
        for col, pivot_row in pivots:
            if row[col]:
                factor = row[col]
                row = [a - factor * b for a, b in zip(row, pivot_row, strict=True)]
        lead = next((i for i, v in enumerate(row) if v), None)
        if lead is None:
            continue
        row = [v / row[lead] for v in row]
        reduced = []
        for col, pivot_row in pivots:
            if pivot_row[lead]:
                factor = pivot_row[lead]
                pivot_row = [a - factor * b for a, b in zip(pivot_row, row, strict=True)]
            reduced.append((col, pivot_row))
        pivots = [*reduced, (lead, row)]
    return {hidden[col] for col, row in pivots if sum(1 for v in row if v) == 1}


def total_hidden(parts: Mapping[K, int], k: int | None = None) -> bool:
    """Whether the total itself rests on too few people to be printed."""
    return is_small(sum(parts.values()), k)
