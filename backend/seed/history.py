"""Eight weeks of sales history for the demo chain, as a chain brings over from its previous system.

The orders are completed till sales and online orders dated in the past, written in bulk (they predate
today's opening stock, so they move no stock). Figures follow a weekly rhythm (busier weekends), store
size and a steady online share, from a fixed random seed, so the dashboard and the models have history.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Product, Sku
from backend.inventory.models import Stock
from backend.members.models import Member
from backend.orders.models import Order, OrderLine
from backend.stores.models import Store

MARKER = "hist-"
DAYS = 56
SEED = 2026


async def _already_loaded(session: AsyncSession) -> bool:
    return (
        await session.scalar(select(Order.id).where(Order.client_id.like(f"{MARKER}%")).limit(1))
    ) is not None


async def seed_history(session: AsyncSession, today: date, timezone: str = "Asia/Shanghai") -> int:
    """Write the history once; returns the number of orders added (0 when already there)."""
    if await _already_loaded(session):
        return 0
    zone = ZoneInfo(timezone)
    rng = random.Random(SEED)
    stores = list(
        await session.scalars(
            select(Store).where(Store.kind == "store", Store.status == "open").order_by(Store.code)
        )
    )
    members = list(
        await session.scalars(select(Member.id).where(Member.deleted_at.is_(None)).order_by(Member.id))
    )
    stocked = await session.execute(
        select(Stock.store_id, Sku, Product)
        .join(Sku, Sku.id == Stock.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .where(Product.kind == "goods", Product.status == "on_sale", Sku.status == "active")
        .order_by(Stock.store_id, Sku.id)
    )
    assortment: dict[int, list[tuple[Sku, Product]]] = {}
    for store_id, sku, product in stocked.all():
        assortment.setdefault(store_id, []).append((sku, product))
    added = 0
    serial = 0
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        made: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        weekend = 1.35 if day.weekday() >= 5 else 1.0
        for index, store in enumerate(stores):
            skus = assortment.get(store.id)
            if not skus:
                continue
            # Bigger flagship stores first in code order; a gentle growth over the eight weeks.
            base = (14 - 2 * min(index, 4)) * weekend * (0.85 + 0.3 * (DAYS - back) / DAYS)
            for _ in range(max(1, round(rng.gauss(base, base * 0.2)))):
                serial += 1
                online = rng.random() < 0.3
                made.append(_order(rng, serial, day, zone, store, skus, members, online))
        if not made:
            continue
        # Core bulk inserts: one batched INSERT … RETURNING for the day's orders, one for their lines.
        ids = (
            await session.execute(
                insert(Order).returning(Order.id, sort_by_parameter_order=True), [o for o, _ in made]
            )
        ).scalars()
        rows = [
            {**line, "order_id": order_id}
            for order_id, (_, lines) in zip(ids, made, strict=True)
            for line in lines
        ]
        await session.execute(insert(OrderLine), rows)
        added += len(made)
    return added


def _order(
    rng: random.Random,
    serial: int,
    day: date,
    zone: ZoneInfo,
    store: Store,
    skus: list[tuple[Sku, Product]],
    members: list[int],
    online: bool,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    local = datetime.combine(day, time(8)) + timedelta(minutes=rng.randrange(13 * 60))
    at = local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
    picks = rng.sample(skus, k=min(len(skus), rng.choice((1, 1, 2, 2, 3, 4))))
    lines = []
    for sku, product in picks:
        qty = rng.choice((1, 1, 1, 2, 2, 3))
        lines.append(
            {
                "store_id": store.id,
                "sku_id": sku.id,
                "sku_code": sku.code,
                "name_zh": product.name_zh,
                "name_en": product.name_en,
                "specs": sku.specs,
                "quantity": qty,
                "base_price": sku.base_price,
                "unit_price": sku.base_price,
                "price_reason": "base",
                "discounts": [],
                "discount_total": 0,
                "line_total": sku.base_price * qty,
                "picked_qty": qty,
                "short_qty": 0,
                "returned_qty": 0,
                "refunded_amount": 0,
            }
        )
    total = sum(line["line_total"] for line in lines)
    member = rng.choice(members) if members and (online or rng.random() < 0.55) else None
    fulfilment = ("pickup" if rng.random() < 0.6 else "delivery") if online else "in_store"
    order = dict(
        number=f"H{day:%y%m%d}{serial:06d}",
        channel="online" if online else "pos",
        fulfilment=fulfilment,
        status="completed",
        member_id=member,
        store_id=store.id,
        client_id=f"{MARKER}{serial}",
        subtotal=total,
        discount_total=0,
        shipping_fee=0,
        total=total,
        paid_amount=total,
        refunded_amount=0,
        discounts=[],
        note="历史订单（迁移自原系统）",
        sold_at=at,
        paid_at=at,
        completed_at=at + timedelta(minutes=rng.randrange(5, 240)) if online else at,
        created_at=at,
        updated_at=at,
    )
    return order, lines
