"""Store orders for store-audit tests, written through the order models."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.orders.models import Order, Tender

_seq = iter(range(1, 10**9))


async def add_sales(
    session: AsyncSession,
    store_id: int,
    cashier_id: int,
    start: datetime,
    *,
    count: int = 60,
    days: int = 30,
    refund_share: float = 0.02,
    cancel_share: float = 0.03,
    discount_share: float = 0.05,
    cash_share: float = 0.4,
    local_hour: tuple[int, int] = (10, 19),
    seed: int = 0,
) -> None:
    """``count`` till sales spread over ``days`` from ``start`` (Shanghai hours), paid or cancelled."""
    rng = random.Random(seed)
    for _ in range(count):
        day = start + timedelta(days=rng.randrange(days))
        at = day.replace(hour=0, minute=0) + timedelta(
            hours=rng.randint(*local_hour) - 8, minutes=rng.randint(0, 59)
        )
        subtotal = rng.randint(20, 200) * 100
        cancelled = rng.random() < cancel_share
        discount = int(subtotal * discount_share * rng.uniform(0.5, 1.5))
        total = subtotal - discount
        order = Order(
            number=f"T{next(_seq):010d}",
            channel="pos",
            fulfilment="in_store",
            status="cancelled" if cancelled else "completed",
            store_id=store_id,
            cashier_kind="staff",
            cashier_id=cashier_id,
            subtotal=subtotal,
            discount_total=discount,
            total=total,
            paid_amount=0 if cancelled else total,
            refunded_amount=0 if cancelled or rng.random() >= refund_share else total,
            discounts=[],
            paid_at=None if cancelled else at,
            created_at=at,
        )
        session.add(order)
        await session.flush()
        if not cancelled:
            method = "cash" if rng.random() < cash_share else "sandbox_qr"
            session.add(Tender(order_id=order.id, method=method, amount=total))
    await session.flush()
