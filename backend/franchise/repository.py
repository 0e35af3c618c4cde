"""All SQL of the franchise domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.franchise.models import DiscountFunding, Merchant, Statement
from backend.marketing.models import Coupon
from backend.orders.models import Order, OrderLine, Refund, ReturnLine
from backend.stores.models import Store

# Refunds of money that never was a sale (a second payment of a paid order) are not the merchant's.
NOT_SALES_REFUNDS = ("duplicate payment",)


async def merchant(session: AsyncSession, merchant_id: int) -> Merchant | None:
    return await session.get(Merchant, merchant_id)


async def merchant_by_code(session: AsyncSession, code: str) -> Merchant | None:
    return await session.scalar(select(Merchant).where(Merchant.code == code))


async def merchants(session: AsyncSession, only: int | None = None) -> list[Merchant]:
    query = select(Merchant).order_by(Merchant.id)
    if only is not None:
        query = query.where(Merchant.id == only)
    return list(await session.scalars(query))


async def stores_of(session: AsyncSession, merchant_id: int) -> list[Store]:
    return list(
        await session.scalars(select(Store).where(Store.merchant_id == merchant_id).order_by(Store.id))
    )


async def funding(session: AsyncSession) -> list[DiscountFunding]:
    return list(await session.scalars(select(DiscountFunding).order_by(DiscountFunding.id)))


async def funding_row(session: AsyncSession, kind: str, ref_id: int) -> DiscountFunding | None:
    return await session.scalar(
        select(DiscountFunding).where(DiscountFunding.kind == kind, DiscountFunding.ref_id == ref_id)
    )


async def sold_lines(
    session: AsyncSession, store_ids: list[int], start: datetime, end: datetime
) -> list[Row[Any]]:
    """Lines sold at the stores by orders paid in ``[start, end)``."""
    return list(
        (
            await session.execute(
                select(
                    OrderLine.order_id,
                    OrderLine.store_id,
                    OrderLine.quantity,
                    OrderLine.unit_price,
                    OrderLine.discounts,
                    OrderLine.discount_total,
                    OrderLine.line_total,
                )
                .join(Order, Order.id == OrderLine.order_id)
                .where(OrderLine.store_id.in_(store_ids), Order.paid_at >= start, Order.paid_at < end)
                .order_by(OrderLine.id)
            )
        ).all()
    )


async def shipped_orders(
    session: AsyncSession, store_ids: list[int], start: datetime, end: datetime
) -> list[Row[Any]]:
    """(order id, store id, total, Σ line totals) for orders of the stores paid in ``[start, end)``."""
    lines_total = select(OrderLine.order_id, OrderLine.line_total).subquery()
    summed = (
        select(lines_total.c.order_id, func.sum(lines_total.c.line_total).label("lines"))
        .group_by(lines_total.c.order_id)
        .subquery()
    )
    return list(
        (
            await session.execute(
                select(Order.id, Order.store_id, Order.total, func.coalesce(summed.c.lines, 0))
                .outerjoin(summed, summed.c.order_id == Order.id)
                .where(Order.store_id.in_(store_ids), Order.paid_at >= start, Order.paid_at < end)
            )
        ).all()
    )


async def refunds_in(session: AsyncSession, start: datetime, end: datetime) -> list[Refund]:
    """Refunds given in ``[start, end)`` against orders that were sales (paid)."""
    return list(
        await session.scalars(
            select(Refund)
            .join(Order, Order.id == Refund.order_id)
            .where(
                Refund.created_at >= start,
                Refund.created_at < end,
                Order.paid_at.is_not(None),
                Refund.reason.not_in(NOT_SALES_REFUNDS),
            )
            .order_by(Refund.id)
        )
    )


async def return_line_stores(
    session: AsyncSession, return_ids: list[int]
) -> dict[int, list[tuple[int, int]]]:
    """Per return: (the selling store of each returned line, the amount returned on it)."""
    if not return_ids:
        return {}
    rows = await session.execute(
        select(ReturnLine.return_id, OrderLine.store_id, ReturnLine.amount)
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
        .where(ReturnLine.return_id.in_(return_ids))
        .order_by(ReturnLine.id)
    )
    out: dict[int, list[tuple[int, int]]] = {}
    for return_id, store_id, amount in rows.all():
        out.setdefault(return_id, []).append((store_id, amount))
    return out


async def coupon_templates(session: AsyncSession, coupon_ids: set[int]) -> dict[int, int]:
    if not coupon_ids:
        return {}
    rows = await session.execute(select(Coupon.id, Coupon.template_id).where(Coupon.id.in_(coupon_ids)))
    return {c: t for c, t in rows.all()}


async def statement(session: AsyncSession, statement_id: int) -> Statement | None:
    return await session.get(Statement, statement_id)


async def statement_for(session: AsyncSession, merchant_id: int, start: date, end: date) -> Statement | None:
    return await session.scalar(
        select(Statement).where(
            Statement.merchant_id == merchant_id, Statement.period_start == start, Statement.period_end == end
        )
    )


async def statements(session: AsyncSession, merchant_id: int | None) -> list[Statement]:
    query = select(Statement).order_by(Statement.period_start.desc(), Statement.id.desc()).limit(500)
    if merchant_id is not None:
        query = query.where(Statement.merchant_id == merchant_id)
    return list(await session.scalars(query))
