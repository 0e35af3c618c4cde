"""The distribution books' scheduled pass: account paid and refunded orders, settle past the window."""

from __future__ import annotations

from datetime import datetime

from backend.core.db import Database
from backend.core.settings import Settings
from backend.distribution import service


async def sync_commissions(db: Database, now: datetime | None = None) -> dict[str, int]:
    """Run sync passes (each its own transaction) until no order is left to account."""
    totals = {"orders": 0, "accrued": 0, "reversed": 0, "settled": 0}
    while True:
        async with db.sessionmaker() as session:
            result = await service.sync(session, now)
            await session.commit()
        for key in totals:
            totals[key] += getattr(result, key)
        if result.orders < service.BATCH:
            return totals


async def job(db: Database, settings: Settings) -> dict[str, int]:
    return await sync_commissions(db)
