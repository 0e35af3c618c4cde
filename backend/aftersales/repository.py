"""All SQL of the after-sales domain."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales.enums import RequestStatus
from backend.aftersales.models import CategoryRule, ReturnRequest, ReturnRequestLine, ReturnRequestPhoto
from backend.catalog.models import Category, Product, Sku

OPEN = (RequestStatus.PENDING, RequestStatus.APPROVED)


async def get(session: AsyncSession, request_id: int, *, lock: bool = False) -> ReturnRequest | None:
    query = select(ReturnRequest).where(ReturnRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def by_client_ref(session: AsyncSession, member_id: int, client_ref: str) -> ReturnRequest | None:
    return await session.scalar(
        select(ReturnRequest).where(
            ReturnRequest.member_id == member_id, ReturnRequest.client_ref == client_ref
        )
    )


async def lines(session: AsyncSession, request_id: int) -> list[ReturnRequestLine]:
    query = select(ReturnRequestLine).where(ReturnRequestLine.request_id == request_id)
    return list(await session.scalars(query.order_by(ReturnRequestLine.id)))


async def photos(session: AsyncSession, request_id: int) -> list[ReturnRequestPhoto]:
    query = select(ReturnRequestPhoto).where(ReturnRequestPhoto.request_id == request_id)
    return list(await session.scalars(query.order_by(ReturnRequestPhoto.id)))


async def open_quantities(session: AsyncSession, order_line_ids: Collection[int]) -> dict[int, int]:
    """Units of each order line already asked for by requests still pending or approved."""
    rows = await session.execute(
        select(ReturnRequestLine.order_line_id, func.sum(ReturnRequestLine.quantity))
        .join(ReturnRequest, ReturnRequest.id == ReturnRequestLine.request_id)
        .where(ReturnRequestLine.order_line_id.in_(order_line_ids), ReturnRequest.status.in_(OPEN))
        .group_by(ReturnRequestLine.order_line_id)
    )
    return {line_id: int(qty) for line_id, qty in rows.all()}


async def recent_auto_approvals(session: AsyncSession, member_id: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count()).where(
                ReturnRequest.member_id == member_id,
                ReturnRequest.auto_approved.is_(True),
                ReturnRequest.created_at >= since,
            )
        )
        or 0
    )


async def sku_products(session: AsyncSession, sku_ids: Collection[int]) -> dict[int, tuple[Sku, Product]]:
    rows = await session.execute(
        select(Sku, Product).join(Product, Product.id == Sku.product_id).where(Sku.id.in_(sku_ids))
    )
    return {sku.id: (sku, product) for sku, product in rows.all()}


async def categories(session: AsyncSession) -> dict[int, Category]:
    return {c.id: c for c in await session.scalars(select(Category))}


async def rules(session: AsyncSession) -> dict[int, CategoryRule]:
    return {r.category_id: r for r in await session.scalars(select(CategoryRule))}


async def rule_for(session: AsyncSession, category_id: int) -> CategoryRule | None:
    return await session.scalar(select(CategoryRule).where(CategoryRule.category_id == category_id))


async def member_requests(session: AsyncSession, member_id: int) -> list[ReturnRequest]:
    query = select(ReturnRequest).where(ReturnRequest.member_id == member_id)
    return list(await session.scalars(query.order_by(ReturnRequest.id.desc())))


async def store_requests(
    session: AsyncSession, store_ids: Collection[int] | None, status: str | None, limit: int = 200
) -> list[ReturnRequest]:
    """Requests of the given stores (None = every store), oldest first so the queue is worked in order."""
    query = select(ReturnRequest)
    if store_ids is not None:
        query = query.where(ReturnRequest.store_id.in_(store_ids))
    if status is not None:
        query = query.where(ReturnRequest.status == status)
    return list(await session.scalars(query.order_by(ReturnRequest.id).limit(limit)))
