"""All SQL of the pricing domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, delete, false, func, null, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Sku
from backend.inventory.models import StockBatch
from backend.pricing.days import local_date
from backend.pricing.models import Markdown, PriceList, PriceListItem, PriceScope
from backend.stores.models import Region, Store


@dataclass(frozen=True, slots=True)
class StoreContext:
    """What decides which price lists reach a store."""

    store_id: int
    region_id: int
    city_tier: int


async def store_context(session: AsyncSession, store_id: int) -> StoreContext | None:
    row = (
        await session.execute(select(Store.id, Store.region_id, Store.city_tier).where(Store.id == store_id))
    ).first()
    return None if row is None else StoreContext(row[0], row[1], row[2])


def in_window(at: datetime) -> list[ColumnElement[bool]]:
    """Active lists whose validity window [valid_from, valid_to) contains ``at``."""
    return [
        PriceList.active.is_(True),
        PriceList.valid_from <= at,
        or_(PriceList.valid_to.is_(None), PriceList.valid_to > at),
    ]


def _scope_matches(ctx: StoreContext) -> ColumnElement[bool]:
    return or_(
        and_(PriceList.scope == PriceScope.STORE.value, PriceList.scope_value == ctx.store_id),
        and_(PriceList.scope == PriceScope.REGION.value, PriceList.scope_value == ctx.region_id),
        and_(PriceList.scope == PriceScope.CITY_TIER.value, PriceList.scope_value == ctx.city_tier),
    )


def markdown_bp(ctx: StoreContext | None, today: date) -> Any:
    """The deepest markdown (basis points) of the enclosing query's ``Sku`` at the store, counting only
    batches that still have units there and have not expired; NULL when none."""
    if ctx is None:
        return null()
    return (
        select(func.max(Markdown.percent_bp))
        .join(StockBatch, StockBatch.id == Markdown.batch_id)
        .where(
            Markdown.store_id == ctx.store_id,
            Markdown.sku_id == Sku.id,
            Markdown.expires_on >= today,
            StockBatch.quantity > 0,
        )
        .correlate(Sku)
        .scalar_subquery()
    )


async def price_rows(
    session: AsyncSession, ctx: StoreContext | None, sku_ids: Sequence[int], at: datetime, today: date
) -> Sequence[Row[Any]]:
    """One row per (SKU, applicable list item), or one row with NULL list columns when none applies.

    Columns: sku_id, base_price, price, list_id, list_name, scope, priority, valid_from, markdown_bp
    (the SKU's near-expiry markdown at the store on local day ``today``).
    """
    applicable = (
        select(
            PriceListItem.sku_id,
            PriceListItem.price,
            PriceList.id.label("list_id"),
            PriceList.name.label("list_name"),
            PriceList.scope,
            PriceList.priority,
            PriceList.valid_from,
        )
        .join(PriceList, PriceList.id == PriceListItem.price_list_id)
        .where(PriceListItem.sku_id.in_(sku_ids), _scope_matches(ctx) if ctx else false(), *in_window(at))
        .subquery()
    )
    query = (
        select(
            Sku.id.label("sku_id"),
            Sku.base_price,
            applicable.c.price,
            applicable.c.list_id,
            applicable.c.list_name,
            applicable.c.scope,
            applicable.c.priority,
            applicable.c.valid_from,
            markdown_bp(ctx, today).label("markdown_bp"),
        )
        .outerjoin(applicable, applicable.c.sku_id == Sku.id)
        .where(Sku.id.in_(sku_ids))
    )
    return (await session.execute(query)).all()


def effective_price(ctx: StoreContext | None, at: datetime) -> ColumnElement[int]:
    """The price of the enclosing query's ``Sku`` row at a store, as one SQL expression.

    The same order as ``service.price_for``: store list, region list, city-tier list, base price;
    within a level the highest priority, then the newest ``valid_from``; then any near-expiry markdown.
    """
    if ctx is None:
        return Sku.base_price

    def level(scope: PriceScope, value: int) -> Any:
        return (
            select(PriceListItem.price)
            .join(PriceList, PriceList.id == PriceListItem.price_list_id)
            .where(
                PriceListItem.sku_id == Sku.id,
                PriceList.scope == scope.value,
                PriceList.scope_value == value,
                *in_window(at),
            )
            .order_by(PriceList.priority.desc(), PriceList.valid_from.desc(), PriceList.id.desc())
            .limit(1)
            .correlate(Sku)
            .scalar_subquery()
        )

    listed = func.coalesce(
        level(PriceScope.STORE, ctx.store_id),
        level(PriceScope.REGION, ctx.region_id),
        level(PriceScope.CITY_TIER, ctx.city_tier),
        Sku.base_price,
    )
    # A near-expiry markdown takes its percentage off, rounded half up like ``money.percent_of``.
    bp = func.coalesce(markdown_bp(ctx, local_date(at)), 0)
    return listed - (listed * bp + 5000) // 10000


async def existing_sku_ids(session: AsyncSession, sku_ids: Iterable[int]) -> set[int]:
    ids = list(set(sku_ids))
    if not ids:
        return set()
    return set(await session.scalars(select(Sku.id).where(Sku.id.in_(ids))))


async def get_list(session: AsyncSession, list_id: int) -> PriceList | None:
    return await session.get(PriceList, list_id)


async def list_lists(
    session: AsyncSession,
    *,
    scope: str | None = None,
    scope_value: int | None = None,
    active: bool | None = None,
) -> list[PriceList]:
    query = select(PriceList).order_by(PriceList.id)
    if scope:
        query = query.where(PriceList.scope == scope)
    if scope_value is not None:
        query = query.where(PriceList.scope_value == scope_value)
    if active is not None:
        query = query.where(PriceList.active.is_(active))
    return list(await session.scalars(query))


async def items_of(session: AsyncSession, list_id: int) -> list[PriceListItem]:
    return list(
        await session.scalars(
            select(PriceListItem).where(PriceListItem.price_list_id == list_id).order_by(PriceListItem.sku_id)
        )
    )


async def items_by_sku(
    session: AsyncSession, list_id: int, sku_ids: Iterable[int]
) -> dict[int, PriceListItem]:
    ids = list(sku_ids)
    if not ids:
        return {}
    rows = await session.scalars(
        select(PriceListItem).where(PriceListItem.price_list_id == list_id, PriceListItem.sku_id.in_(ids))
    )
    return {item.sku_id: item for item in rows}


async def delete_item(session: AsyncSession, list_id: int, sku_id: int) -> int:
    result = await session.execute(
        delete(PriceListItem).where(PriceListItem.price_list_id == list_id, PriceListItem.sku_id == sku_id)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


async def store_exists(session: AsyncSession, store_id: int) -> bool:
    return await session.scalar(select(Store.id).where(Store.id == store_id)) is not None


async def region_exists(session: AsyncSession, region_id: int) -> bool:
    return await session.scalar(select(Region.id).where(Region.id == region_id)) is not None
