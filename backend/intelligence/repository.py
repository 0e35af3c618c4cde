"""SQL for the intelligence domain: what the jobs learn from, and the tables they write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Product, Sku
from backend.intelligence.models import (
    BehaviourEvent,
    CampaignTarget,
    DemandForecast,
    MemberSegment,
    PriceSuggestion,
    Recommendation,
    ReplenishmentSuggestion,
    RiskHold,
    TransferSuggestion,
)
from backend.intelligence.models import SaleHistory as History
from backend.inventory.models import Stock, StockBatch
from backend.orders.models import Order, OrderLine
from backend.stores.models import Store

# Orders that are sales (paid at least once, not cancelled before payment).
SOLD = (
    "paid",
    "picking",
    "ready_for_pickup",
    "out_for_delivery",
    "shipped",
    "completed",
    "partially_refunded",
)


@dataclass(frozen=True)
class SaleLine:
    basket: str
    member_id: int | None
    customer: str | None
    store_id: int | None
    sku_id: int
    quantity: int
    amount: int
    at: datetime


async def sale_lines(session: AsyncSession, since: datetime | None = None) -> list[SaleLine]:
    """Live order lines and imported history lines, oldest first."""
    live = (
        select(
            Order.id,
            Order.member_id,
            OrderLine.store_id,
            OrderLine.sku_id,
            OrderLine.quantity,
            OrderLine.line_total,
            func.coalesce(Order.sold_at, Order.created_at),
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.status.in_(SOLD))
    )
    past = select(
        History.order_ref,
        History.member_id,
        History.customer_ref,
        History.store_id,
        History.sku_id,
        History.quantity,
        History.amount,
        History.sold_at,
    ).where(History.sku_id.is_not(None), History.quantity > 0)
    if since is not None:
        live = live.where(func.coalesce(Order.sold_at, Order.created_at) >= since)
        past = past.where(History.sold_at >= since)
    out = [
        SaleLine(f"o{oid}", mid, None if mid is None else f"m{mid}", sid, sku, qty, amt, at)
        for oid, mid, sid, sku, qty, amt, at in (await session.execute(live)).all()
    ]
    for ref, mid, cust, sid, sku, qty, amt, at in (await session.execute(past)).all():
        customer = f"m{mid}" if mid is not None else (f"c{cust}" if cust else None)
        out.append(SaleLine(f"h{ref}", mid, customer, sid, sku, qty, amt, at))
    out.sort(key=lambda s: s.at)
    return out


async def behaviour(session: AsyncSession, since: datetime) -> list[tuple[int, int, str, datetime]]:
    rows = await session.execute(
        select(BehaviourEvent.member_id, BehaviourEvent.sku_id, BehaviourEvent.kind, BehaviourEvent.at).where(
            BehaviourEvent.at >= since
        )
    )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def replace_recommendations(
    session: AsyncSession, rows: Sequence[tuple[str, int, list[Any]]], at: datetime
) -> None:
    await session.execute(delete(Recommendation))
    session.add_all(Recommendation(kind=k, key=key, items=items, computed_at=at) for k, key, items in rows)
    await session.flush()


async def recommendation(session: AsyncSession, kind: str, key: int) -> Recommendation | None:
    return await session.scalar(
        select(Recommendation).where(Recommendation.kind == kind, Recommendation.key == key)
    )


async def sellable_skus(session: AsyncSession, sku_ids: Sequence[int]) -> dict[int, tuple[Sku, Product]]:
    rows = await session.execute(
        select(Sku, Product)
        .join(Product, Product.id == Sku.product_id)
        .where(Sku.id.in_(sku_ids), Sku.status == "active", Product.status == "on_sale")
    )
    return {sku.id: (sku, product) for sku, product in rows.all()}


async def store_regions(session: AsyncSession) -> dict[int, int]:
    return dict((await session.execute(select(Store.id, Store.region_id))).all())  # type: ignore[arg-type]


async def stores_of_kind(session: AsyncSession, kind: str = "store") -> list[Store]:
    return list(await session.scalars(select(Store).where(Store.kind == kind, Store.status == "open")))


async def stock_levels(session: AsyncSession) -> dict[tuple[int, int], int]:
    rows = await session.execute(select(Stock.store_id, Stock.sku_id, Stock.on_hand - Stock.reserved))
    return {(s, k): int(a) for s, k, a in rows.all()}


async def expiring(session: AsyncSession, before: Any) -> dict[tuple[int, int], list[tuple[Any, int]]]:
    rows = await session.execute(
        select(StockBatch.store_id, StockBatch.sku_id, StockBatch.expires_on, StockBatch.quantity).where(
            StockBatch.expires_on.is_not(None), StockBatch.expires_on <= before, StockBatch.quantity > 0
        )
    )
    out: dict[tuple[int, int], list[tuple[Any, int]]] = {}
    for store_id, sku_id, on, qty in rows.all():
        out.setdefault((store_id, sku_id), []).append((on, qty))
    return out


async def sku_prices(session: AsyncSession, sku_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    rows = await session.execute(select(Sku.id, Sku.base_price, Sku.cost_price).where(Sku.id.in_(sku_ids)))
    return {i: (p, c if c is not None else p * 7 // 10) for i, p, c in rows.all()}


async def clear(session: AsyncSession, *models: Any) -> None:
    for model in models:
        await session.execute(delete(model))


async def forecasts(session: AsyncSession, store_id: int | None = None) -> list[DemandForecast]:
    query = select(DemandForecast).order_by(DemandForecast.store_id, DemandForecast.sku_id)
    if store_id is not None:
        query = query.where(DemandForecast.store_id == store_id)
    return list(await session.scalars(query))


async def replenishment(
    session: AsyncSession, store_ids: Sequence[int] | None, only_orders: bool = True
) -> list[ReplenishmentSuggestion]:
    query = select(ReplenishmentSuggestion).order_by(
        ReplenishmentSuggestion.store_id, ReplenishmentSuggestion.sku_id
    )
    if store_ids is not None:
        query = query.where(ReplenishmentSuggestion.store_id.in_(store_ids))
    if only_orders:
        query = query.where(ReplenishmentSuggestion.quantity > 0)
    return list(await session.scalars(query))


async def transfer_suggestions(session: AsyncSession) -> list[TransferSuggestion]:
    return list(await session.scalars(select(TransferSuggestion).order_by(TransferSuggestion.benefit.desc())))


async def segments(session: AsyncSession, segment: str | None, sleeping: bool | None) -> list[MemberSegment]:
    query = select(MemberSegment).order_by(MemberSegment.churn_risk.desc(), MemberSegment.member_id)
    if segment:
        query = query.where(MemberSegment.segment == segment)
    if sleeping is not None:
        query = query.where(MemberSegment.sleeping == sleeping)
    return list(await session.scalars(query))


async def responses(session: AsyncSession, campaign_id: int) -> list[tuple[CampaignTarget, int, int]]:
    """Each target with the number and value of sales orders they placed after their coupon."""
    after = (
        Order.member_id == CampaignTarget.member_id,
        Order.created_at >= CampaignTarget.issued_at,
        Order.status.in_(SOLD),
    )
    count = select(func.count(Order.id)).where(*after).correlate(CampaignTarget).scalar_subquery()
    value = (
        select(func.coalesce(func.sum(Order.total), 0))
        .where(*after)
        .correlate(CampaignTarget)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(CampaignTarget, count, value).where(CampaignTarget.campaign_id == campaign_id)
    )
    return [(t, int(n or 0), int(v or 0)) for t, n, v in rows.all()]


async def hold_for(session: AsyncSession, order_id: int) -> RiskHold | None:
    return await session.scalar(select(RiskHold).where(RiskHold.order_id == order_id))


async def holds(session: AsyncSession, status: str | None) -> list[RiskHold]:
    query = select(RiskHold).order_by(RiskHold.id.desc())
    if status:
        query = query.where(RiskHold.status == status)
    return list(await session.scalars(query))


# --- pricing suggestions


async def forecast_means(session: AsyncSession, days: int = 14) -> dict[tuple[int, int], float]:
    """Mean forecast daily demand over the next ``days`` days per store × SKU."""
    rows = await session.execute(select(DemandForecast.store_id, DemandForecast.sku_id, DemandForecast.daily))
    out = {}
    for store_id, sku_id, daily in rows.all():
        head = [float(v) for v in (daily or [])[:days]]
        out[(store_id, sku_id)] = sum(head) / len(head) if head else 0.0
    return out


async def sku_cost_category(
    session: AsyncSession, sku_ids: Sequence[int]
) -> dict[int, tuple[int | None, int | None]]:
    rows = await session.execute(
        select(Sku.id, Sku.cost_price, Product.category_id)
        .join(Product, Product.id == Sku.product_id)
        .where(Sku.id.in_(sku_ids))
    )
    return {i: (c, cat) for i, c, cat in rows.all()}


async def promotions_running(
    session: AsyncSession, at: datetime
) -> list[tuple[str, list[Any], list[Any] | None]]:
    """(scope, scope_ids, store_ids) of the promotions in force that name SKUs or categories."""
    from backend.marketing.models import Promotion

    rows = await session.execute(
        select(Promotion.scope, Promotion.scope_ids, Promotion.store_ids).where(
            Promotion.active.is_(True),
            Promotion.starts_at <= at,
            Promotion.ends_at > at,
            Promotion.scope.in_(("skus", "categories")),
        )
    )
    return [(s, list(ids or []), None if stores is None else list(stores)) for s, ids, stores in rows.all()]


async def flash_sales_running(session: AsyncSession, at: datetime) -> set[tuple[int, int]]:
    """(store, SKU) pairs on a flash sale now."""
    from backend.campaigns.models import FlashItem

    rows = await session.execute(
        select(FlashItem.store_id, FlashItem.sku_id).where(
            FlashItem.status == "open", FlashItem.starts_at <= at, FlashItem.ends_at > at
        )
    )
    return {(s, k) for s, k in rows.all()}


async def batches_expiring(session: AsyncSession, first: Any, last: Any) -> list[tuple[int, int, Any, int]]:
    rows = await session.execute(
        select(StockBatch.store_id, StockBatch.sku_id, StockBatch.expires_on, StockBatch.quantity)
        .where(
            StockBatch.expires_on.is_not(None),
            StockBatch.expires_on >= first,
            StockBatch.expires_on <= last,
            StockBatch.quantity > 0,
        )
        .order_by(StockBatch.store_id, StockBatch.sku_id, StockBatch.expires_on)
    )
    return [(s, k, on, int(q)) for s, k, on, q in rows.all()]


async def live_markdowns(session: AsyncSession, today: Any) -> dict[tuple[int, int], int]:
    """The regular price a store × SKU's approved, still running markdown ladder counts from."""
    rows = await session.execute(
        select(PriceSuggestion.store_id, PriceSuggestion.sku_id, PriceSuggestion.reference_price)
        .where(
            PriceSuggestion.kind == "markdown",
            PriceSuggestion.status == "approved",
            PriceSuggestion.until >= today,
        )
        .order_by(PriceSuggestion.decided_at)
    )
    return {(s, k): p for s, k, p in rows.all()}


async def recently_rejected(session: AsyncSession, since: datetime) -> set[tuple[str, str, int, int]]:
    rows = await session.execute(
        select(
            PriceSuggestion.kind, PriceSuggestion.scope, PriceSuggestion.scope_value, PriceSuggestion.sku_id
        ).where(PriceSuggestion.status == "rejected", PriceSuggestion.decided_at >= since)
    )
    return {(k, s, v, sku) for k, s, v, sku in rows.all()}


async def clear_pending_price_suggestions(session: AsyncSession) -> None:
    await session.execute(delete(PriceSuggestion).where(PriceSuggestion.status == "pending"))


async def price_suggestions(
    session: AsyncSession,
    store_ids: frozenset[int] | None,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 500,
) -> list[PriceSuggestion]:
    """Suggestions, newest first; a caller bound to stores sees only those stores' markdowns."""
    query = select(PriceSuggestion).order_by(
        PriceSuggestion.status != "pending", PriceSuggestion.computed_at.desc(), PriceSuggestion.id
    )
    if store_ids is not None:
        query = query.where(PriceSuggestion.store_id.in_(store_ids))
    if status is not None:
        query = query.where(PriceSuggestion.status == status)
    if kind is not None:
        query = query.where(PriceSuggestion.kind == kind)
    return list(await session.scalars(query.limit(limit)))


async def price_suggestion(
    session: AsyncSession, suggestion_id: int, store_ids: frozenset[int] | None
) -> PriceSuggestion | None:
    query = select(PriceSuggestion).where(PriceSuggestion.id == suggestion_id)
    if store_ids is not None:
        query = query.where(PriceSuggestion.store_id.in_(store_ids))
    return await session.scalar(query)
