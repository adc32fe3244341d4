"""Property test of the public statistics' two rules, over random case populations.

Rule 1: no published number is below k (every number shown, every named province and the rest
of its region, every median is over at least k cases).

Rule 2: no suppressed entry is derivable. Precisely: the attacker knows every shown number;
that an entry marked "fewer than k" is an integer in 0..k-1 and one marked "withheld" an
integer >= k; that every entry is a non-negative integer; and that in each of the three tables
(by category, by region, by outcome) every desk's row adds up to its row total, every column to
its column total, and the row totals and the column totals to the grand total, the row totals
and the grand total being the same numbers in all three tables. An entry is derivable when all
integer solutions of that system give it the same value. For each suppressed entry the test
solves two integer programs (scipy's milp, HiGHS): its least and its greatest possible value,
and requires them to differ. That is an independent check: it shares no code with the
suppression, which reasons with cycles.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from core import statistics, suppression
from core.regions import PROVINCE_REGION

DESKS = ["d1", "d2", "d3", "d4"]
PROVINCES = [*sorted(PROVINCE_REGION)[:12], "TH-10", "TH-50", "TH-90", None]  # some regions
DAY = dt.date(2026, 11, 3)


def records() -> st.SearchStrategy[list[statistics.Record]]:
    # A few desks and skewed labels, so that tables mix large and small cells.
    record = st.builds(
        statistics.Record,
        desk=st.sampled_from(DESKS),
        category=st.one_of(st.none(), st.sampled_from(statistics.CATEGORIES[:4])),
        province=st.sampled_from(PROVINCES),
        outcome=st.sampled_from(statistics.OUTCOMES),
        received_on=st.just(DAY),
        acknowledged_on=st.one_of(st.none(), st.just(DAY + dt.timedelta(days=2))),
        first_feedback_on=st.one_of(st.none(), st.just(DAY + dt.timedelta(days=30))),
    )
    return st.lists(record, max_size=160)


def _solve(body: dict[str, Any], k: int) -> None:
    """Check rule 2 with integer programs over the joint system of the three tables."""
    tables = body["tables"]
    index: dict[tuple[str, int, int], int] = {}
    bounds: list[tuple[float, float]] = []

    def var(name: str, i: int, j: int, value: int | str) -> int:
        rows = len(tables[name]) - 1
        cols = len(tables[name][0]) - 1
        key = ("shared", i, 0) if j == cols else (name, i, j)
        del rows
        if key not in index:
            index[key] = len(bounds)
            if value == suppression.SMALL:
                bounds.append((0, k - 1))
            elif value == suppression.WITHHELD:
                bounds.append((k, np.inf))
            else:
                assert isinstance(value, int)
                bounds.append((value, value))
        return index[key]

    equations: list[dict[int, float]] = []
    for name, grid in tables.items():
        R, C = len(grid) - 1, len(grid[0]) - 1
        ids = [[var(name, i, j, grid[i][j]) for j in range(C + 1)] for i in range(R + 1)]
        for i in range(R + 1):  # each row (the totals row too) adds up to its last entry
            equations.append({**{ids[i][j]: 1.0 for j in range(C)}, ids[i][C]: -1.0})
        for j in range(C + 1):  # each column adds up to its total
            equations.append({**{ids[i][j]: 1.0 for i in range(R)}, ids[R][j]: -1.0})
    n = len(bounds)
    A = np.zeros((len(equations), n))
    for row, eq in enumerate(equations):
        for col, coef in eq.items():
            A[row, col] += coef
    constraint = LinearConstraint(A, 0, 0)
    lower = np.array([b[0] for b in bounds])
    upper = np.array([b[1] for b in bounds])
    for key, col in index.items():
        if lower[col] == upper[col]:
            continue  # shown
        found = []
        for sense in (1.0, -1.0):
            c = np.zeros(n)
            c[col] = sense
            result = milp(
                c,
                constraints=[constraint],
                integrality=np.ones(n),
                bounds=Bounds(lower, upper),
            )
            if sense == -1.0 and result.status == 3:  # unbounded above: not derivable
                found.append(np.inf)
                continue
            assert result.status == 0, (key, result.message)
            found.append(result.x[col])
        low, high = found
        assert high - low >= 1 - 1e-6, f"{key} is derivable: always {low}"


def _rule_one(body: dict[str, Any], k: int) -> None:
    for grid in body["tables"].values():
        for row in grid:
            for value in row:
                assert value in (suppression.SMALL, suppression.WITHHELD) or value >= k
    for region in body["provinces"]:
        assert region["rest"] >= k
        assert all(p["count"] >= k for p in region["provinces"])
    for median in body["medians"]:
        for value in (median["acknowledge_days"], median["feedback_days"]):
            assert value == suppression.SMALL or isinstance(value, float)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population=records(), k=st.integers(5, 12), desks=st.integers(1, 4))
def test_no_small_cell_is_shown_or_derivable(
    population: list[statistics.Record], k: int, desks: int
) -> None:
    chosen = DESKS[:desks]
    population = [r for r in population if r.desk in chosen]
    body = statistics.tabulate(population, chosen, k)
    if not body["published"]:
        assert body["tables"] == {}
        return
    _rule_one(body, k)
    _solve(body, k)
    # What is shown is the truth: the totals are the number of cases.
    grand = body["tables"]["category"][-1][-1]
    assert grand in (suppression.SMALL, suppression.WITHHELD) or grand == len(population)


def test_a_single_small_cell_gets_a_partner() -> None:
    """One small cell in a row whose total is shown: another cell of that row and of that
    column must go too, or the totals give it away."""
    g = suppression.grid([[30, 3, 40], [25, 20, 35]])
    assert suppression.suppress([g], 10)
    assert g.state[0][1] == suppression.SMALL
    row = [g.state[0][j] for j in (0, 2)]
    column = [g.state[1][1], g.state[2][1]]
    assert suppression.WITHHELD in row
    assert suppression.WITHHELD in column
