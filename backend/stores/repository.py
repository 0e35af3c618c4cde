"""All SQL of the stores domain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import StaffStore, StaffUser
from backend.inventory.models import Stock
from backend.stores.models import Region, Store, StoreClosure, StoreTarget


async def list_regions(session: AsyncSession) -> list[Region]:
    return list(await session.scalars(select(Region).order_by(Region.id)))


async def region_by_code(session: AsyncSession, code: str) -> Region | None:
    return await session.scalar(select(Region).where(Region.code == code))


async def get(session: AsyncSession, store_id: int) -> Store | None:
    return await session.get(Store, store_id)


async def by_code(session: AsyncSession, code: str) -> Store | None:
    return await session.scalar(select(Store).where(Store.code == code))


async def ids_by_code(session: AsyncSession, codes: Iterable[str]) -> dict[str, int]:
    """Store id by code, for the codes that exist."""
    wanted = list(codes)
    if not wanted:
        return {}
    return dict((await session.execute(select(Store.code, Store.id).where(Store.code.in_(wanted)))).all())


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


async def target(session: AsyncSession, store_id: int, month: date) -> StoreTarget | None:
    return await session.scalar(
        select(StoreTarget).where(StoreTarget.store_id == store_id, StoreTarget.month == month)
    )


async def targets(session: AsyncSession, month: date, store_ids: Iterable[int] | None) -> dict[int, int]:
    """store_id -> the month's target (fen), for the given stores (None: every store)."""
    query = select(StoreTarget.store_id, StoreTarget.amount).where(StoreTarget.month == month)
    if store_ids is not None:
        query = query.where(StoreTarget.store_id.in_(list(store_ids)))
    return {store_id: amount for store_id, amount in (await session.execute(query)).all()}


async def staff_counts(session: AsyncSession, store_ids: Iterable[int] | None) -> dict[int, int]:
    """store_id -> how many active staff work there."""
    query = (
        select(StaffStore.store_id, func.count())
        .join(StaffUser, StaffUser.id == StaffStore.staff_id)
        .where(StaffUser.active.is_(True))
        .group_by(StaffStore.store_id)
    )
    if store_ids is not None:
        query = query.where(StaffStore.store_id.in_(list(store_ids)))
    return {store_id: n for store_id, n in (await session.execute(query)).all()}


async def closures(
    session: AsyncSession,
    *,
    store_ids: Iterable[int] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[StoreClosure]:
    """Closed days, by day: chain-wide ones and those of ``store_ids`` (None: every store)."""
    query = select(StoreClosure).order_by(
        StoreClosure.day, StoreClosure.store_id.is_not(None), StoreClosure.id
    )
    if store_ids is not None:
        query = query.where(or_(StoreClosure.store_id.is_(None), StoreClosure.store_id.in_(list(store_ids))))
    if since is not None:
        query = query.where(StoreClosure.day >= since)
    if until is not None:
        query = query.where(StoreClosure.day <= until)
    return list(await session.scalars(query))


async def closures_on(
    session: AsyncSession, scope_keys: Iterable[int], days: Iterable[date]
) -> list[StoreClosure]:
    """The closures already recorded for any of these scopes (store id, 0 for the chain) on these days."""
    return list(
        await session.scalars(
            select(StoreClosure)
            .where(StoreClosure.scope_key.in_(list(scope_keys)), StoreClosure.day.in_(list(days)))
            .order_by(StoreClosure.day)
        )
    )


async def closure(session: AsyncSession, closure_id: int) -> StoreClosure | None:
    return await session.get(StoreClosure, closure_id)
