"""Public statistics at 10,000 cases in one month: computing and storing the month (the query,
three tables, complementary suppression), then /statistics served from the stored table.

    .venv/bin/python -m bench.statistics_month [--cases 10000] [--desks 6] [--runs 5]

Reference, measured in the same run: a bare `SELECT count(*)` over the same month's cases
(the least any computation must read), so the ratio says what the work above it costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics as pystats
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from core import desks as desk_cases
from core import statistics
from core.regions import PROVINCE_REGION
from crypto.keys import Identity
from store.models import Case, Desk, MonthlyStatistics, Source
from tests.factories import make_configs

MONTH_DAY = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--desks", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    configs = make_configs(Path(tempfile.mkdtemp(prefix="westrong-bench-stats-")))
    rng = random.Random(12)
    provinces = sorted(PROVINCE_REGION)
    with configs.session() as s, s.begin():
        for n in range(args.desks):
            desk_cases.add(s, None, f"desk{n}", f"หน่วยงานผู้รับเรื่อง {n}", f"Desk {n}",
                           [str(Identity.generate().recipient)])  # fmt: skip
        ids = list(s.scalars(select(Desk.id)))
        recipient = str(Identity.generate().recipient)
        s.execute(insert(Source), [
            {"lookup_id": os.urandom(16).hex(), "reply_recipient": recipient, "pending": False,
             "created_on": MONTH_DAY, "last_activity_on": MONTH_DAY}
            for _ in range(args.cases)
        ])  # fmt: skip
        sources = list(s.scalars(select(Source.id)))
        rows = []
        for i, source in enumerate(sources):
            day = MONTH_DAY + dt.timedelta(days=rng.randrange(31))
            ack = day + dt.timedelta(days=rng.randrange(10)) if rng.random() < 0.8 else None
            rows.append({
                "source_id": source, "desk_id": rng.choice(ids), "designation": f"case {i}",
                "last_activity_on": day, "status": "acknowledged" if ack else "received",
                "received_on": day, "acknowledged_on": ack,
                "first_feedback_on": ack + dt.timedelta(days=rng.randrange(90)) if ack else None,
                "category": rng.choice([*statistics.CATEGORIES, None]),
                "province": rng.choice([*provinces, None]),
                "starred": False,
            })  # fmt: skip
        s.execute(insert(Case), rows)
    month = statistics.month_key(MONTH_DAY)
    start, end = statistics.month_bounds(month)
    compute, reference = [], []
    for _ in range(args.runs):
        with configs.session() as s, s.begin():
            s.execute(delete(MonthlyStatistics))
        with configs.session() as s, s.begin():
            t = time.perf_counter()
            statistics.get(s, month, TODAY, 10)
            compute.append(time.perf_counter() - t)
        with configs.session() as s:
            t = time.perf_counter()
            s.scalar(select(func.count(Case.id)).where(Case.received_on >= start,
                                                       Case.received_on < end))  # fmt: skip
            reference.append(time.perf_counter() - t)
    import source_interface

    app = source_interface.create_app(configs.source)
    client = app.test_client()
    page = []
    for _ in range(args.runs):
        t = time.perf_counter()
        response = client.get(f"/statistics/{month}")
        page.append(time.perf_counter() - t)
        if response.status_code != 200:
            raise SystemExit(f"/statistics answered {response.status_code}")
    ours, ref = pystats.median(compute), pystats.median(reference)
    print(f"cases in the month: {args.cases}, desks: {args.desks}, runs: {args.runs}")
    print(f"compute and store the month: median {ours * 1000:.1f} ms")
    print(
        f"reference (count the month's cases): median {ref * 1000:.2f} ms, ratio {ours / ref:.0f}"
    )
    print(f"/statistics/{month} from the stored table: median {pystats.median(page) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
