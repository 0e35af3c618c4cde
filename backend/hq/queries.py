"""All SQL behind the HQ pages; every query is scoped to the stores the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Product, Sku
from backend.core.audit import AuditEntry
from backend.inventory.models import Stock, StockBatch
from backend.members.models import Member
from backend.stores.models import Region, Store


def scoped(query: Select, column, store_ids: frozenset[int] | None) -> Select:  # type: ignore[no-untyped-def]
    """The query limited to the stores the user may see (None: every store)."""
    return query if store_ids is None else query.where(column.in_(store_ids))


@dataclass(frozen=True)
class StockByStore:
    store_id: int
    code: str
    name_zh: str
    city: str
    units: int
    value_at_cost: int
    low_lines: int


async def stores(session: AsyncSession, store_ids: frozenset[int] | None) -> list[tuple[Store, Region]]:
    query = select(Store, Region).join(Region, Region.id == Store.region_id).order_by(Store.code)
    return [(s, r) for s, r in (await session.execute(scoped(query, Store.id, store_ids))).all()]


async def stock_by_store(session: AsyncSession, store_ids: frozenset[int] | None) -> list[StockByStore]:
    low = func.sum(case((Stock.on_hand - Stock.reserved <= Stock.reorder_point, 1), else_=0))
    query = (
        select(
            Store.id,
            Store.code,
            Store.name_zh,
            Store.city,
            func.coalesce(func.sum(Stock.on_hand), 0),
            func.coalesce(func.sum(Stock.on_hand * func.coalesce(Sku.cost_price, 0)), 0),
            func.coalesce(low, 0),
        )
        .select_from(Store)
        .outerjoin(Stock, Stock.store_id == Store.id)
        .outerjoin(Sku, Sku.id == Stock.sku_id)
        .group_by(Store.id, Store.code, Store.name_zh, Store.city)
        .order_by(Store.code)
    )
    rows = await session.execute(scoped(query, Store.id, store_ids))
    return [StockByStore(*row) for row in rows.all()]


async def near_expiry_value(
    session: AsyncSession, store_ids: frozenset[int] | None, today: date, days: int = 3
) -> tuple[int, int]:
    """(units, value at cost) in batches expiring within ``days``."""
    query = (
        select(
            func.coalesce(func.sum(StockBatch.quantity), 0),
            func.coalesce(func.sum(StockBatch.quantity * func.coalesce(Sku.cost_price, 0)), 0),
        )
        .join(Sku, Sku.id == StockBatch.sku_id)
        .where(
            StockBatch.quantity > 0,
            StockBatch.expires_on.is_not(None),
            StockBatch.expires_on <= today + timedelta(days=days),
        )
    )
    units, value = (await session.execute(scoped(query, StockBatch.store_id, store_ids))).one()
    return int(units), int(value)


async def catalog_counts(session: AsyncSession) -> dict[str, int]:
    on_sale = await session.scalar(
        select(func.count()).select_from(Product).where(Product.status == "on_sale")
    )
    skus = await session.scalar(select(func.count()).select_from(Sku))
    return {"products_on_sale": int(on_sale or 0), "skus": int(skus or 0)}


async def member_counts(session: AsyncSession, since: datetime) -> dict[str, int]:
    total = await session.scalar(select(func.count()).select_from(Member).where(Member.deleted_at.is_(None)))
    new = await session.scalar(
        select(func.count())
        .select_from(Member)
        .where(Member.deleted_at.is_(None), Member.created_at >= since)
    )
    return {"members": int(total or 0), "new_members": int(new or 0)}


async def audit_entries(
    session: AsyncSession, store_ids: frozenset[int] | None, limit: int
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list(await session.scalars(scoped(query, AuditEntry.store_id, store_ids)))
