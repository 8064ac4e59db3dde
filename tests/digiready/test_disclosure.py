"""One small-group rule with complementary suppression: no hidden cell can be worked out
from the printed totals and cells (the subtraction attack), checked on random tables."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from digiready import disclosure

K = 10


def _attack_1d(parts: dict[str, int], hidden: set[str]) -> dict[str, int]:
    """What total − printed parts reveals: the hidden part when it is alone (and the total is
    printed, i.e. not itself a small group)."""
    if len(hidden) == 1 and not disclosure.is_small(sum(parts.values()), K):
        (only,) = hidden
        return {only: sum(parts.values()) - sum(n for key, n in parts.items() if key != only)}
    return {}


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 40), min_size=1))
@settings(max_examples=300, deadline=None)
def test_a_breakdown_never_gives_a_small_group_away(parts):
    hidden = disclosure.protect(parts, K)
    assert all(key in hidden for key, n in parts.items() if 0 < n < K)  # primary
    assert not _attack_1d(parts, hidden)  # never one hidden part alone
    if hidden and hidden != set(parts):
        assert sum(parts[key] for key in hidden) >= K  # together they are not a small group


def test_the_subtraction_attack_on_means_fails():
    """12 firms, one of them in a group of its own: with the overall mean and the other
    group's mean printed, the lone firm's score would be 12 × m − 11 × m₁."""
    scores = {"woman": [40.0] * 11, "prefer_not": [73.0]}
    n = {g: len(v) for g, v in scores.items()}
    hidden = disclosure.protect(n, K)
    assert hidden == {"woman", "prefer_not"}  # the big group goes too
    # Unprotected, the attack works:
    total = sum(sum(v) for v in scores.values())
    assert total - sum(scores["woman"]) == 73.0


@given(st.dictionaries(st.tuples(st.sampled_from("ABCDE"), st.sampled_from("wxyz")),
                       st.integers(0, 30), min_size=1))
@settings(max_examples=200, deadline=None)
def test_no_cell_of_a_two_way_table_can_be_solved_for(cells):
    protection = disclosure.protect_grid(cells, K)
    hidden = protection.cells
    rows = {}
    cols = {}
    for key in cells:
        rows.setdefault(key[0], set()).add(key)
        cols.setdefault(key[1], set()).add(key)
    assert all(key in hidden for key, n in cells.items() if 0 < n < K)
    printed = [line for r, line in rows.items() if r not in protection.row_totals]
    printed += [line for c, line in cols.items() if c not in protection.column_totals]
    assert all(not disclosure.is_small(sum(cells[key] for key in line), K) for line in printed)
    assert not {key for key in disclosure.derivable(hidden, printed) if cells[key] > 0}


def test_derivable_finds_a_cell_pinned_by_combining_rows_and_columns():
    """Two hidden rectangles joined by one cell (a bridge): every line hides at least two
    cells, yet rows A + B − columns w − x give the joining cell exactly."""
    hidden = {("A", "w"), ("A", "x"), ("B", "w"), ("B", "x"), ("B", "y"),
              ("C", "y"), ("C", "z"), ("D", "y"), ("D", "z")}
    lines: dict[str, set] = {}
    for row, col in hidden:
        lines.setdefault(row, set()).add((row, col))
        lines.setdefault(col, set()).add((row, col))
    assert all(len(line) >= 2 for line in lines.values())
    assert disclosure.derivable(hidden, list(lines.values())) == {("B", "y")}
    assert not disclosure.derivable(hidden - {("B", "y")},
                                    [line - {("B", "y")} for line in lines.values()])


def test_the_threshold_is_configured_once_and_can_only_be_raised(monkeypatch):
    monkeypatch.setenv("DIGIREADY_MIN_CELL_SIZE", "15")
    assert disclosure.threshold() == 15
    assert disclosure.at_least_threshold(5) == 15
    assert disclosure.at_least_threshold(30) == 30
    monkeypatch.setenv("DIGIREADY_MIN_CELL_SIZE", "1")
    assert disclosure.threshold() == 2  # a group of one is a person
