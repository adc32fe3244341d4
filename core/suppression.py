"""Small-cell suppression for tables that share their row totals (docs/decisions/061).

A table here is a count per (row, column) with its margins: row totals, column totals and
the grand total, laid out as an (R+1) x (C+1) grid whose last row and last column hold the
totals. Several tables (by category, by region, by outcome) have the same rows (the desks), so
their row totals and grand total — the last column — are one shared set of numbers.

Every entry, margins included, is either shown, `SMALL` (primary: its count is below k, shown
as "fewer than k", so the public knows it lies in 0..k-1) or `WITHHELD` (complementary: at
least k, withheld so that a small entry cannot be worked out; the public knows it is >= k).

An entry is *derivable* when every grid of non-negative integers that agrees with what is
published (shown numbers, the bounds above, every row and column adding up to its total, in
every table at once) gives it the same value. It is not derivable exactly when some integer
change of the suppressed entries keeps all of that true and changes it: such a change is a
sum of alternating cycles in the grid (+1, -1, +1, ... along rows and columns, once the
totals are given the opposite sign), so we look for one cycle through the entry whose every
step stays within its bounds. Cycles that avoid the shared last column need nothing from the
other tables; a change of shared totals must be matched in every table, which we require
explicitly. The check is sufficient, and exact for cycles inside one table; when it cannot
find a cycle, more entries are withheld, and as a last resort the whole month is withheld.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

SHOWN = "shown"
SMALL = "small"
WITHHELD = "withheld"

Entry = tuple[int, int]
Node = tuple[str, int]


@dataclass
class Grid:
    """One table with its margins: counts[i][j] for i <= R, j <= C (R, C index the totals)."""

    counts: list[list[int]]
    state: list[list[str]] = field(default_factory=list)

    @property
    def total_row(self) -> int:
        return len(self.counts) - 1

    @property
    def total_col(self) -> int:
        return len(self.counts[0]) - 1

    def entries(self) -> Iterable[Entry]:
        for i in range(len(self.counts)):
            for j in range(len(self.counts[0])):
                yield i, j


def grid(cells: list[list[int]]) -> Grid:
    """Return a grid with its margins added, every entry shown."""
    columns = len(cells[0]) if cells else 0
    rows = [[*row, sum(row)] for row in cells]
    totals = [sum(row[j] for row in rows) for j in range(columns + 1)]
    counts = [*rows, totals]
    return Grid(counts, [[SHOWN] * (columns + 1) for _ in counts])


def _sign(g: Grid, i: int, j: int) -> int:
    """+1 for inner cells and the grand total, -1 for margins: every line then sums to 0."""
    inner = i < g.total_row and j < g.total_col
    grand = i == g.total_row and j == g.total_col
    return 1 if inner or grand else -1


def _can(g: Grid, i: int, j: int, step: int, k: int) -> bool:
    """Say whether the signed entry may change by `step` (+1/-1) within its public bounds."""
    state = g.state[i][j]
    if state == SHOWN:
        return False
    count = g.counts[i][j] + _sign(g, i, j) * step
    if state == SMALL:
        return 0 <= count <= k - 1
    return count >= k


def _arcs(g: Grid, k: int, skip: Entry | None) -> dict[Node, list[Node]]:
    """The directed graph of feasible steps, leaving out the shared last column."""
    arcs: dict[Node, list[Node]] = {}
    for i, j in g.entries():
        if j == g.total_col or (i, j) == skip:
            continue
        if _can(g, i, j, +1, k):
            arcs.setdefault(("c", j), []).append(("r", i))
        if _can(g, i, j, -1, k):
            arcs.setdefault(("r", i), []).append(("c", j))
    return arcs


def _reaches(arcs: dict[Node, list[Node]], start: Node, goal: Node) -> bool:
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for nxt in arcs.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False


def _inner_free(g: Grid, i: int, j: int, k: int) -> bool:
    """Say whether an entry outside the shared column lies on a feasible cycle in its grid."""
    arcs = _arcs(g, k, (i, j))
    up = _can(g, i, j, +1, k) and _reaches(arcs, ("r", i), ("c", j))
    return up or (_can(g, i, j, -1, k) and _reaches(arcs, ("c", j), ("r", i)))


def _shared_move(
    grids: list[Grid], graphs: list[dict[Node, list[Node]]], a: int, b: int, k: int
) -> bool:
    """Say whether the shared column may move -1 at row a and +1 at row b (signed), matched
    by a feasible path in every grid (`graphs` are their `_arcs`)."""
    first = grids[0]
    c = first.total_col
    if not (_can(first, a, c, -1, k) and _can(first, b, c, +1, k)):
        return False
    return all(_reaches(arcs, ("r", b), ("r", a)) for arcs in graphs)


def _shared_free(grids: list[Grid], a: int, k: int) -> bool:
    graphs = [_arcs(g, k, None) for g in grids]
    rows = range(grids[0].total_row + 1)
    return any(
        _shared_move(grids, graphs, a, b, k) or _shared_move(grids, graphs, b, a, k)
        for b in rows
        if b != a
    )


def _derivable(grids: list[Grid], k: int) -> tuple[int, Entry] | None:
    """Return (grid index, entry) of one suppressed entry that can be worked out, or None."""
    first = grids[0]
    for i in range(first.total_row + 1):
        if first.state[i][first.total_col] != SHOWN and not _shared_free(grids, i, k):
            return 0, (i, first.total_col)
    for index, g in enumerate(grids):
        for i, j in g.entries():
            if j != g.total_col and g.state[i][j] != SHOWN and not _inner_free(g, i, j, k):
                return index, (i, j)
    return None


def _withhold(grids: list[Grid], index: int, entry: Entry) -> None:
    i, j = entry
    if j != grids[index].total_col:
        grids[index].state[i][j] = WITHHELD
        return
    for g in grids:  # a shared total is withheld in every table
        g.state[i][g.total_col] = WITHHELD


def _candidates(grids: list[Grid], index: int, entry: Entry) -> list[tuple[int, Entry]]:
    """Shown entries whose withholding may protect `entry`: its row and column first."""
    g = grids[index]
    i, j = entry
    near = [(index, e) for e in g.entries() if (e[0] == i or e[1] == j)]
    if j == g.total_col:  # a shared total: the other totals, and its row in every grid
        near = [(0, (r, grids[0].total_col)) for r in range(g.total_row + 1)]
        near += [(x, (i, c)) for x, other in enumerate(grids) for c in range(other.total_col)]
    shown = [(x, e) for x, e in near if grids[x].state[e[0]][e[1]] == SHOWN]
    if shown:
        return shown
    return [
        (x, e)
        for x, other in enumerate(grids)
        for e in other.entries()
        if other.state[e[0]][e[1]] == SHOWN
    ]


def _protects(
    grids: list[Grid], index: int, entry: Entry, target: tuple[int, Entry], k: int
) -> bool:
    trial = [Grid(g.counts, [row[:] for row in g.state]) for g in grids]
    _withhold(trial, *target)
    i, j = entry
    if j == trial[index].total_col:
        return _shared_free(trial, i, k)
    return _inner_free(trial[index], i, j, k)


def suppress(grids: list[Grid], k: int) -> bool:
    """Mark small entries and withhold enough others that none can be worked out; return
    False when the tables cannot be published at all (then publish none of them)."""
    for g in grids:
        for i, j in g.entries():
            g.state[i][j] = SMALL if g.counts[i][j] < k else SHOWN
    while (found := _derivable(grids, k)) is not None:
        index, entry = found
        options = _candidates(grids, index, entry)
        if not options:
            return False
        options.sort(key=lambda o: grids[o[0]].counts[o[1][0]][o[1][1]])
        chosen = next((o for o in options if _protects(grids, index, entry, o, k)), options[0])
        _withhold(grids, *chosen)
    return True
