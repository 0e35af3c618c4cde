"""Intelligence jobs on the demo chain: training and scoring time of each, against reading their input.

The demo chain (stores, catalog, members and eight weeks of sales history) is loaded into a scratch
PostgreSQL database; each job then runs through the product's own entry point (``tasks.run``, what the
schedule and ``omo intelligence run`` call), twice, and the second run is reported. The baseline, in the
same run, is the bare read of the history the jobs learn from (every order line with its order's member,
store and time), so the ratio says how much the models cost above the I/O floor. The same models on the
public datasets are timed by the evaluations in ``bench/evals`` (their "fit" lines).

    .venv/bin/python -m bench.jobs_bench
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.core.db import Database  # noqa: E402
from backend.core.settings import Settings  # noqa: E402
from backend.intelligence.tasks import TASKS, run  # noqa: E402
from backend.seed import demo  # noqa: E402
from bench.common import SECRET, scratch_database  # noqa: E402

HISTORY = text(
    "SELECT o.member_id, o.store_id, o.created_at, l.sku_id, l.quantity, l.line_total"
    " FROM order_lines l JOIN orders o ON o.id = l.order_id"
)


async def measure(url: str) -> str:
    settings = Settings(database_url=url, secret_key=SECRET, jobs_enabled=False)
    started = time.perf_counter()
    await demo.run(settings)
    seeded_s = time.perf_counter() - started
    db = Database(url)
    try:
        async with db.sessionmaker() as session:
            orders = (await session.execute(text("SELECT count(*) FROM orders"))).scalar_one()
            read_times = []
            for _ in range(3):
                t = time.perf_counter()
                lines = len((await session.execute(HISTORY)).all())
                read_times.append(time.perf_counter() - t)
        baseline = min(read_times)
        rows = []
        for name in TASKS:
            await run(db, name)
            t = time.perf_counter()
            result = await run(db, name)
            rows.append((name, time.perf_counter() - t, result))
    finally:
        await db.dispose()
    out = [
        f"demo chain seeded in {seeded_s:.0f} s: {orders} orders, {lines} order lines",
        f"{'job':<28}{'seconds':>9}{'× read':>9}  result",
        f"{'baseline: read the history':<28}{baseline:>9.2f}{1.0:>9.1f}  {lines} lines",
    ]
    for name, seconds, result in rows:
        summary = ", ".join(f"{k} {v}" for k, v in list(result.items())[:4])
        out.append(f"{name:<28}{seconds:>9.2f}{seconds / baseline:>9.1f}  {summary}")
    return "\n".join(out)


def main() -> None:
    with scratch_database() as url:
        print(asyncio.run(measure(url)))


if __name__ == "__main__":
    main()
