"""Intelligence factories: imported sales history lines."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Sku
from backend.intelligence.models import SaleHistory
from backend.stores.models import Store

_seq = itertools.count(1)


async def sale(
    session: AsyncSession,
    sku: Sku,
    at: datetime,
    *,
    member_id: int | None = None,
    store: Store | None = None,
    quantity: int = 1,
    amount: int = 1000,
    order_ref: str | None = None,
    line_no: int = 1,
) -> SaleHistory:
    row = SaleHistory(
        order_ref=order_ref or f"T{next(_seq)}",
        line_no=line_no,
        customer_ref=None,
        member_id=member_id,
        store_id=store.id if store else None,
        store_code=store.code if store else None,
        sku_id=sku.id,
        sku_code=sku.code,
        quantity=quantity,
        amount=amount,
        sold_at=at,
    )
    session.add(row)
    await session.flush()
    return row


async def basket(
    session: AsyncSession,
    skus: list[Sku],
    at: datetime,
    *,
    member_id: int | None = None,
    store: Store | None = None,
) -> None:
    ref = f"B{next(_seq)}"
    for n, sku in enumerate(skus, start=1):
        await sale(session, sku, at, member_id=member_id, store=store, order_ref=ref, line_no=n)
