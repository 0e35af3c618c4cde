"""All SQL of the stores domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.inventory.models import Stock
from backend.stores.models import Region, Store


async def list_regions(session: AsyncSession) -> list[Region]:
    return list(await session.scalars(select(Region).order_by(Region.id)))


async def region_by_code(session: AsyncSession, code: str) -> Region | None:
    return await session.scalar(select(Region).where(Region.code == code))


async def get(session: AsyncSession, store_id: int) -> Store | None:
    return await session.get(Store, store_id)


async def by_code(session: AsyncSession, code: str) -> Store | None:
    return await session.scalar(select(Store).where(Store.code == code))


async def list_stores(
    session: AsyncSession,
    *,
    store_ids: frozenset[int] | None = None,
    city: str | None = None,
    region_id: int | None = None,
    kind: str | None = None,
    only_open: bool = False,
) -> list[Store]:
    query = select(Store).order_by(Store.id)
    if store_ids is not None:
        query = query.where(Store.id.in_(store_ids))
    if city:
        query = query.where(Store.city == city)
    if region_id:
        query = query.where(Store.region_id == region_id)
    if kind:
        query = query.where(Store.kind == kind)
    if only_open:
        query = query.where(Store.status == "open")
    return list(await session.scalars(query))


async def available_by_store(
    session: AsyncSession, store_ids: Iterable[int], sku_ids: Iterable[int]
) -> dict[tuple[int, int], int]:
    """(store_id, sku_id) -> on_hand - reserved."""
    stores, skus = list(store_ids), list(sku_ids)
    if not stores or not skus:
        return {}
    rows = await session.execute(
        select(Stock.store_id, Stock.sku_id, Stock.on_hand - Stock.reserved).where(
            Stock.store_id.in_(stores), Stock.sku_id.in_(skus)
        )
    )
    return {(store_id, sku_id): available for store_id, sku_id, available in rows}
