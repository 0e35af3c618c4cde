"""Scheduled jobs of the orders domain: cancel orders left unpaid, and the loop that runs it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database
from backend.core.errors import RetailError
from backend.core.time import utcnow
from backend.orders import repository as repo
from backend.orders.picking import cancel_order

BATCH = 200


async def cancel_unpaid(session: AsyncSession, now: datetime | None = None, limit: int = BATCH) -> int:
    """Cancel orders unpaid after their payment window, giving their held stock back; returns how many."""
    now = now or utcnow()
    cancelled = 0
    for order_id in await repo.unpaid_due(session, now, limit):
        order = await repo.get_order(session, order_id)
        if order is None:
            continue
        try:
            async with session.begin_nested():
                await cancel_order(session, order, None, "未按时付款，订单自动取消 / not paid in time")
        except RetailError:
            continue
        cancelled += 1
    return cancelled


async def cancel_unpaid_orders(db: Database, now: datetime | None = None) -> int:
    """Run ``cancel_unpaid`` in batches, each its own transaction, until nothing is due; returns how many."""
    total = 0
    while True:
        async with db.sessionmaker() as session:
            due = len(await repo.unpaid_due(session, now or utcnow(), BATCH))
            count = await cancel_unpaid(session, now)
            await session.commit()
        total += count
        if due < BATCH:
            return total
