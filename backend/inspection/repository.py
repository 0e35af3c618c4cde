"""Store-audit queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.inspection.analysis import OrderRow
from backend.inspection.models import InspectionFlag, InspectionRun
from backend.orders.models import Order, Tender
from backend.stores.models import Store


async def stores(session: AsyncSession) -> dict[int, tuple[dict[str, Any] | None, str, int | None]]:
    rows = await session.execute(select(Store.id, Store.opening_hours, Store.timezone, Store.merchant_id))
    return {sid: (hours, tz, merchant_id) for sid, hours, tz, merchant_id in rows}


async def order_rows(
    session: AsyncSession, start: datetime, end: datetime, previous_start: datetime
) -> list[OrderRow]:
    """Store orders created from ``previous_start`` to ``end`` with their cash tendered."""
    cash = (
        select(Tender.order_id, func.sum(Tender.amount).label("cash"))
        .where(Tender.method == "cash")
        .group_by(Tender.order_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Order.store_id,
            Order.cashier_id,
            Order.cashier_kind,
            Order.status,
            Order.subtotal,
            Order.discount_total,
            Order.paid_amount,
            Order.refunded_amount,
            Order.paid_at,
            Order.created_at,
            func.coalesce(cash.c.cash, 0),
        )
        .outerjoin(cash, cash.c.order_id == Order.id)
        .where(Order.store_id.is_not(None), Order.created_at >= previous_start, Order.created_at < end)
    )
    return [
        OrderRow(
            store_id=store_id,
            cashier_id=cashier_id if cashier_kind == "staff" else None,
            status=status,
            subtotal=subtotal,
            discount_total=discount_total,
            paid_amount=paid_amount,
            refunded_amount=refunded_amount,
            paid_at=paid_at,
            cash=int(cash_amount),
            in_period=created >= start,
        )
        for (
            store_id,
            cashier_id,
            cashier_kind,
            status,
            subtotal,
            discount_total,
            paid_amount,
            refunded_amount,
            paid_at,
            created,
            cash_amount,
        ) in rows
    ]


async def replace_flags(session: AsyncSession, run: InspectionRun, flags: Sequence[InspectionFlag]) -> None:
    """The period's run and flags, in place of any earlier computation of the same period."""
    await session.execute(delete(InspectionFlag).where(InspectionFlag.period_end == run.period_end))
    await session.execute(delete(InspectionRun).where(InspectionRun.period_end == run.period_end))
    session.add(run)
    session.add_all(flags)
    await session.flush()


async def latest_period_end(session: AsyncSession) -> datetime | None:
    return await session.scalar(select(func.max(InspectionRun.period_end)))


async def flags(
    session: AsyncSession, period_end: datetime, merchant_id: int | None, store_ids: frozenset[int] | None
) -> list[InspectionFlag]:
    query = select(InspectionFlag).where(InspectionFlag.period_end == period_end)
    if merchant_id is not None:
        query = query.where(InspectionFlag.merchant_id == merchant_id)
    if store_ids is not None:
        query = query.where(InspectionFlag.store_id.in_(store_ids))
    query = query.order_by(InspectionFlag.robust_z.desc(), InspectionFlag.id)
    return list(await session.scalars(query))
