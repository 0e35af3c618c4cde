"""Demo orders for the demo chain: one order in every status, made through the real order flow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.catalog.models import Product, Sku
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.inventory.models import Stock
from backend.members.models import Member
from backend.orders import checkout, payment, picking, pickup, pos, returns
from backend.orders import repository as repo
from backend.orders.models import Order
from backend.orders.schemas import OrderCreate, PickupScan, PosSaleCreate, ReturnCreate
from backend.stores.models import Store

MARKER = "demo-order-"
STATES = (
    "pending_payment",
    "paid",
    "picking",
    "ready_for_pickup",
    "out_for_delivery",
    "shipped",
    "completed",
    "cancelled",
    "partially_refunded",
    "refunded",
    "pos",
)
SYSTEM = Principal(kind="staff", id=0, roles=frozenset({StaffRole.HQ_ADMIN}), store_ids=None)


async def _ingredients(session: AsyncSession) -> tuple[Store, list[int], Member] | None:
    """An open store with at least two on-sale SKUs in good stock, and a member."""
    member = await session.scalar(
        select(Member).where(Member.deleted_at.is_(None)).order_by(Member.id).limit(1)
    )
    if member is None:
        return None
    rows = await session.execute(
        select(Stock.store_id, Stock.sku_id)
        .join(Sku, Sku.id == Stock.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .join(Store, Store.id == Stock.store_id)
        .where(
            Stock.on_hand - Stock.reserved >= 20,
            Product.status == "on_sale",
            Sku.status == "active",
            Product.kind == "goods",
            Store.kind == "store",
            Store.status == "open",
        )
        .order_by(Stock.store_id, Stock.sku_id)
    )
    by_store: dict[int, list[int]] = {}
    for store_id, sku_id in rows:
        by_store.setdefault(store_id, []).append(sku_id)
    for store_id, skus in by_store.items():
        if len(skus) >= 2:
            store = await session.get(Store, store_id)
            assert store is not None
            return store, skus[:2], member
    return None


def _pickup_start(store: Store) -> Any:
    """A pickup slot that starts within the store's opening hours, tomorrow or later."""
    from zoneinfo import ZoneInfo

    from backend.stores.schemas import DAYS

    tz = ZoneInfo(store.timezone)
    for days in range(1, 8):
        day = (utcnow() + timedelta(days=days)).astimezone(tz)
        span = (store.opening_hours or {}).get(DAYS[day.weekday()])
        if span:
            hh, mm = (int(x) for x in span[0].split(":"))
            local = day.replace(hour=hh, minute=mm, second=0, microsecond=0) + timedelta(minutes=30)
            return local
    return None


async def _online(
    session: AsyncSession,
    settings: Settings,
    member: Member,
    store: Store,
    skus: list[int],
    fulfilment: str,
    tag: str,
) -> Order:
    shopper = Principal(kind="member", id=member.id)
    body: dict[str, Any] = {
        "fulfilment": fulfilment,
        "store_id": store.id,
        "lines": [{"sku_id": skus[0], "quantity": 2}, {"sku_id": skus[1], "quantity": 1}],
    }
    if fulfilment == "pickup":
        body["pickup_slot_start"] = _pickup_start(store)
    else:
        body["address"] = {
            "contact_name": member.name or "演示顾客",
            "phone": member.phone if member.phone[:1] == "1" and len(member.phone) == 11 else "13800000000",
            "text": "演示地址 " + store.address,
            "latitude": store.latitude,
            "longitude": store.longitude,
        }
    order, _ = await checkout.place_order(
        session, shopper, OrderCreate.model_validate(body), MARKER + tag, settings
    )
    order.client_id = MARKER + tag
    return order


async def _pick_all(session: AsyncSession, order: Order) -> None:
    for shipment in await repo.shipments(session, order.id):
        await picking.start(session, SYSTEM, shipment.id)
        for line in await repo.shipment_lines(session, shipment.id):
            line.picked_qty = line.quantity
        await session.flush()
        await picking.mark_ready(session, SYSTEM, shipment.id)


async def seed_orders(session: AsyncSession, settings: Settings) -> int:
    """Create one demo order in every status (once: later calls find the marker and add nothing)."""
    done = set(await session.scalars(select(Order.client_id).where(Order.client_id.like(MARKER + "%"))))
    found = await _ingredients(session)
    if found is None:
        return 0
    store, skus, member = found
    if _pickup_start(store) is None:
        return 0
    created = 0
    for tag in STATES:
        if MARKER + tag in done:
            continue
        if tag == "pos":
            sale = PosSaleCreate(
                client_id=MARKER + tag,
                store_id=store.id,
                member_id=member.id,
                lines=[{"sku_id": skus[0], "quantity": 1}],
                tenders=[{"method": "cash", "amount": 100_000}],
            )
            await pos.create_sale(session, SYSTEM, sale)
            created += 1
            continue
        fulfilment = {"out_for_delivery": "delivery", "shipped": "shipping"}.get(tag, "pickup")
        order = await _online(session, settings, member, store, skus, fulfilment, tag)
        created += 1
        if tag == "pending_payment":
            continue
        if tag == "cancelled":
            await picking.cancel_order(session, order, SYSTEM, "演示：顾客取消")
            continue
        await payment.mark_paid(
            session, order, method="sandbox_qr", amount=order.total, payment_id=None, reference="demo"
        )
        if tag == "paid":
            continue
        if tag == "picking":
            shipment = (await repo.shipments(session, order.id))[0]
            await picking.start(session, SYSTEM, shipment.id)
            continue
        await _pick_all(session, order)
        if tag in ("out_for_delivery", "shipped"):
            shipment = (await repo.shipments(session, order.id))[0]
            await picking.hand_over(
                session, SYSTEM, shipment.id, "SF1234567890" if tag == "shipped" else None
            )
            continue
        if tag == "ready_for_pickup":
            continue
        assert order.pickup_code is not None
        await pickup.hand_over(
            session, SYSTEM, PickupScan(store_id=store.id, code=order.pickup_code), settings
        )
        if tag in ("partially_refunded", "refunded"):
            lines = await repo.order_lines(session, order.id)
            chosen = lines[:1] if tag == "partially_refunded" else lines
            await returns.create_return(
                session,
                SYSTEM,
                ReturnCreate(
                    order_id=order.id,
                    store_id=store.id,
                    reason="演示退货",
                    lines=[{"order_line_id": ln.id, "quantity": ln.picked_qty} for ln in chosen],
                ),
            )
    await session.flush()
    return created
