"""Many checkouts racing for the last units: exactly the stock on hand is reserved, never more."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from backend.core.time import utcnow
from backend.inventory import repository as repo
from backend.inventory import stock
from backend.inventory.errors import OutOfStock
from backend.inventory.models import Reservation, StockMovement
from tests.backend.inventory.factories import put_stock
from tests.factories import create_sku, create_store

CALLERS = 60
ON_HAND = 17


async def test_concurrent_reservations_never_oversell(app, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, ON_HAND)
    store_id, sku_id = store.id, sku.id
    await session.commit()
    maker = app.state.db.sessionmaker
    due = utcnow() + timedelta(minutes=15)

    async def checkout(i: int) -> bool:
        async with maker() as s:
            try:
                await stock.reserve(s, store_id, [(sku_id, 1)], "order", f"C{i}", due)
            except OutOfStock:
                await s.rollback()
                return False
            await s.commit()
            return True

    results = await asyncio.gather(*(checkout(i) for i in range(CALLERS)))
    assert sum(results) == ON_HAND
    async with maker() as s:
        row = await repo.get_stock(s, store_id, sku_id)
        assert (row.on_hand, row.reserved) == (ON_HAND, ON_HAND)
        assert await s.scalar(select(func.count()).select_from(Reservation)) == ON_HAND
        reserved_sum = await s.scalar(select(func.sum(StockMovement.reserved_delta)))
        assert reserved_sum == ON_HAND
        assert await stock.check_ledger_invariant(s) == []


async def test_concurrent_multi_line_sales_and_releases_keep_the_books(app, session):
    store = await create_store(session)
    a, b = await create_sku(session), await create_sku(session)
    await put_stock(session, store, a, 20)
    await put_stock(session, store, b, 20)
    store_id, a_id, b_id = store.id, a.id, b.id
    await session.commit()
    maker = app.state.db.sessionmaker
    due = utcnow() + timedelta(minutes=15)

    async def worker(i: int) -> str:
        # Lines in both orders, so row locks would deadlock if taken in caller order.
        lines = [(a_id, 2), (b_id, 1)] if i % 2 else [(b_id, 2), (a_id, 1)]
        async with maker() as s:
            try:
                if i % 3 == 0:
                    await stock.sell(s, store_id, lines, "pos", f"T{i}")
                else:
                    await stock.reserve(s, store_id, lines, "order", f"W{i}", due)
                    if i % 3 == 1:
                        await stock.release(s, "order", f"W{i}", "cancelled")
            except OutOfStock:
                await s.rollback()
                return "short"
            await s.commit()
            return "ok"

    results = await asyncio.gather(*(worker(i) for i in range(51)))
    assert "ok" in results and "short" in results
    async with maker() as s:
        for sku_id in (a_id, b_id):
            row = await repo.get_stock(s, store_id, sku_id)
            assert 0 <= row.reserved <= row.on_hand
        assert await stock.check_ledger_invariant(s) == []
