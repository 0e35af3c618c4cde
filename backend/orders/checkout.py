"""Placing an order: fulfilment rules, routing, price snapshot, stock reservation, idempotency."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog.models import Product, Sku
from backend.core.errors import OutOfStock
from backend.core.geo import haversine_m
from backend.core.settings import Settings
from backend.core.time import as_utc, utcnow
from backend.inventory.service import stock as inventory
from backend.marketing import coupons
from backend.marketing.errors import CouponUnavailable
from backend.orders import cart as carts
from backend.orders import payment, routing, state
from backend.orders import repository as repo
from backend.orders.errors import (
    BadPickupSlot,
    CartEmpty,
    CartInvalid,
    FulfilmentUnavailable,
    IdempotencyMismatch,
    OutsideDeliveryArea,
)
from backend.orders.models import IdempotencyKey, Order, OrderLine, OrderStatus, Shipment
from backend.orders.payment import line_ref
from backend.orders.pricer import CartContext, ContextLine, PricedCart, PricedLineData, price
from backend.orders.schemas import OrderCreate
from backend.stores.errors import StoreNotFound
from backend.stores.hours import open_through
from backend.stores.models import Store
from backend.stores.service import delivery_fee

SLOT_MINUTES = 30
SLOT_HORIZON = timedelta(days=7)
COUPON_ATTEMPTS = 5


def request_hash(body: OrderCreate) -> str:
    canonical = json.dumps(
        body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def new_number(session: AsyncSession, now: datetime) -> str:
    for _ in range(10):
        number = now.strftime("%Y%m%d") + f"{secrets.randbelow(10**10):010d}"
        if not await repo.number_taken(session, number):
            return number
    raise RuntimeError("could not allocate an order number")


def check_slot(store: Store, start: datetime, now: datetime) -> tuple[datetime, datetime]:
    start = as_utc(start)
    end = start + timedelta(minutes=SLOT_MINUTES)
    if start < now - timedelta(minutes=5) or start > now + SLOT_HORIZON:
        raise BadPickupSlot(
            "自提时间须在未来7天内 / Choose a pickup time within the next 7 days.",
            detail={"pickup_slot_start": start.isoformat()},
        )
    tz = ZoneInfo(store.timezone)
    local = start.astimezone(tz)
    if not open_through(store.opening_hours or {}, local, end.astimezone(tz)):
        raise BadPickupSlot(
            detail={
                "store_id": store.id,
                "opening_hours": store.opening_hours,
                "slot_local": local.strftime("%a %H:%M"),
                "slot_minutes": SLOT_MINUTES,
            }
        )
    return start, end


async def _store(session: AsyncSession, store_id: int) -> Store:
    store = await repo.get_store(session, store_id)
    if store is None:
        raise StoreNotFound(detail={"store_id": store_id})
    return store


async def checked_catalog(
    session: AsyncSession, lines: list[tuple[int, int]]
) -> dict[int, tuple[Sku, Product]]:
    """The lines' SKUs with their products; CartInvalid naming every unknown or off-shelf line."""
    catalog = await repo.skus_with_products(session, [sku for sku, _ in lines])
    problems = []
    for sku_id, _ in lines:
        found = catalog.get(sku_id)
        if found is None:
            problems.append({"sku_id": sku_id, "code": "unknown_sku"})
        elif not carts.on_sale(*found):
            problems.append({"sku_id": sku_id, "code": "off_shelf"})
    if problems:
        raise CartInvalid(detail={"lines": problems})
    return catalog


def order_line(
    order_id: int,
    store_id: int,
    data: PricedLineData,
    sku: Sku,
    product: Product,
    *,
    shipment_id: int | None = None,
    specs: dict[str, str] | None = None,
    handed_over: bool = False,
) -> OrderLine:
    """The order line of a priced line; ``handed_over`` for a sale the customer leaves with (all picked)."""
    return OrderLine(
        order_id=order_id,
        shipment_id=shipment_id,
        store_id=store_id,
        sku_id=sku.id,
        sku_code=sku.code,
        name_zh=product.name_zh,
        name_en=product.name_en,
        specs={**(sku.specs or {}), **(specs or {})},
        quantity=data.quantity,
        base_price=data.base_price,
        unit_price=data.unit_price,
        price_reason=data.price_reason,
        discounts=data.discounts,
        discount_total=data.discount_total,
        line_total=data.line_total,
        picked_qty=data.quantity if handed_over else 0,
    )


async def _claim_key(session: AsyncSession, owner: str, key: str, digest: str) -> IdempotencyKey | Order:
    """Claim the key for this request, or return the order an earlier identical request placed."""
    existing = await repo.idempotency_key(session, owner, key)
    if existing is None:
        row = IdempotencyKey(owner_key=owner, key=key, request_hash=digest)
        try:
            async with session.begin_nested():
                session.add(row)
                await session.flush()
            return row
        except IntegrityError:
            existing = await repo.idempotency_key(session, owner, key)
            assert existing is not None
    if existing.request_hash != digest:
        raise IdempotencyMismatch(detail={"idempotency_key": key})
    order = await repo.get_order(session, existing.order_id) if existing.order_id else None
    assert order is not None
    return order


async def price_and_hold_coupons(session: AsyncSession, cart: CartContext, order_ref: str) -> PricedCart:
    """Price the cart and mark the coupons it uses as used by ``order_ref``, in the order's transaction.

    Each coupon is taken by one conditional update, so it is used at most once however many checkouts
    race for it. A named coupon that is gone fails the checkout; an automatically chosen one is left
    out and the cart priced again without it.
    """
    at = cart.at or utcnow()
    cart = replace(cart, at=at)
    excluded: set[int] = set()
    for _ in range(COUPON_ATTEMPTS):
        priced = await price(session, cart, exclude=frozenset(excluded))
        taken: list[int] = []
        lost: int | None = None
        for coupon_id in priced.coupon_ids:
            if await coupons.use_for_order(session, coupon_id, order_ref, at):
                taken.append(coupon_id)
            else:
                lost = coupon_id
                break
        if lost is None:
            return priced
        for coupon_id in taken:
            await coupons.release_coupon(session, coupon_id, order_ref)
        if cart.coupon_ids is not None:
            raise CouponUnavailable(detail={"coupon_id": lost})
        excluded.add(lost)
    raise CouponUnavailable(detail={"coupon_ids": sorted(excluded)})


async def place_order(
    session: AsyncSession,
    principal: Principal,
    body: OrderCreate,
    key: str,
    settings: Settings,
    channel: str = "online",
) -> tuple[Order, bool]:
    """Place the order (or return the one this key already placed: ``(order, True)``)."""
    owner = f"member:{principal.id}"
    claimed = await _claim_key(session, owner, key, request_hash(body))
    if isinstance(claimed, Order):
        return claimed, True
    now = utcnow()
    from_cart = not body.lines
    if from_cart:
        cart = await carts.get_cart(session, principal, None, create=False)
        lines = [(ln.sku_id, ln.quantity) for ln in await repo.cart_lines(session, cart.id)] if cart else []
    else:
        lines = [(ln.sku_id, ln.quantity) for ln in body.lines]
    if not lines:
        raise CartEmpty()
    catalog = await checked_catalog(session, lines)

    address = body.address.model_dump() if body.address else None
    lat = body.address.latitude if body.address else None
    lng = body.address.longitude if body.address else None
    slot: tuple[datetime, datetime] | None = None
    fees: dict[int, int] = {}
    distance_m: int | None = None
    route: routing.Route | None = None
    if body.fulfilment == "pickup":
        assert body.store_id is not None and body.pickup_slot_start is not None
        store = await _store(session, body.store_id)
        if store.kind != "store" or store.status != "open" or not store.pickup_enabled:
            raise FulfilmentUnavailable(
                "该门店不提供自提 / This store does not offer pickup.", detail={"store_id": store.id}
            )
        slot = check_slot(store, body.pickup_slot_start, now)
        assignments = {store.id: lines}
    elif body.store_id is not None:
        store = await _store(session, body.store_id)
        if store.status != "open":
            raise FulfilmentUnavailable(detail={"store_id": store.id, "status": store.status})
        if body.fulfilment == "delivery":
            assert lat is not None and lng is not None
            distance = haversine_m(lat, lng, store.latitude, store.longitude)
            fee = delivery_fee(store, distance)
            if fee is None:
                raise OutsideDeliveryArea(
                    f"该地址距门店 {distance / 1000:.1f} 公里，"
                    f"超出 {store.delivery_radius_m / 1000:.1f} 公里配送范围 / "
                    f"The address is {distance / 1000:.1f} km away; {store.name_en} delivers within "
                    f"{store.delivery_radius_m / 1000:.1f} km.",
                    detail={
                        "store_id": store.id,
                        "distance_m": round(distance),
                        "radius_m": store.delivery_radius_m,
                        "delivery_enabled": store.delivery_enabled,
                    },
                )
            fees[store.id] = fee
            distance_m = round(distance)
        assignments = {store.id: lines}
    else:
        route = await routing.route(session, lines, body.fulfilment, lat, lng)
        assignments = route.assignments
        if body.fulfilment == "delivery":
            for store_id in assignments:
                distance = route.distances[store_id]
                assert distance is not None
                fee = delivery_fee(route.stores[store_id], distance)
                assert fee is not None
                fees[store_id] = fee
            first = route.distances[next(iter(assignments))]
            distance_m = None if first is None else round(first)
    shipping_fee = sum(fees.values())
    if body.fulfilment == "shipping":
        shipping_fee = (await repo.routing_config(session)).shipping_fee

    context_lines = [
        ContextLine(sku, qty, store_id) for store_id, part in assignments.items() for sku, qty in part
    ]
    number = await new_number(session, now)
    priced = await price_and_hold_coupons(
        session,
        CartContext(
            lines=context_lines,
            member_id=principal.id,
            channel="online",
            fulfilment=body.fulfilment,
            shipping_fee=shipping_fee,
            at=now,
            coupon_ids=None if body.coupon_ids is None else tuple(body.coupon_ids),
        ),
        f"order:{number}",
    )
    order = Order(
        number=number,
        channel=channel,
        fulfilment=body.fulfilment,
        status=OrderStatus.PENDING_PAYMENT,
        member_id=principal.id,
        store_id=next(iter(assignments)),
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        shipping_fee=priced.shipping_fee,
        total=priced.total,
        discounts=priced.order_discounts,
        address=address,
        distance_m=distance_m,
        pickup_slot_start=slot[0] if slot else None,
        pickup_slot_end=slot[1] if slot else None,
        note=body.note,
        pay_by=now + timedelta(minutes=settings.unpaid_order_minutes),
        sold_at=now,
    )
    session.add(order)
    await session.flush()
    shipments = {}
    for store_id in assignments:
        shipment = Shipment(order_id=order.id, store_id=store_id, delivery_fee=fees.get(store_id, 0))
        session.add(shipment)
        shipments[store_id] = shipment
    await session.flush()
    order_lines: list[OrderLine] = []
    for data in priced.lines:
        assert data.store_id is not None
        line = order_line(
            order.id, data.store_id, data, *catalog[data.sku_id], shipment_id=shipments[data.store_id].id
        )
        session.add(line)
        order_lines.append(line)
    await session.flush()
    expires = now + timedelta(minutes=settings.reservation_minutes)
    holds = [(ln.store_id, ln.sku_id, ln.quantity, line_ref(ln)) for ln in order_lines]
    try:
        await inventory.reserve_each(session, holds, "order_line", expires, principal)
    except OutOfStock as exc:
        raise await _out_of_stock(session, order_lines, exc) from exc
    if route is not None:
        route.save(session, order.id)
    else:
        session.add(
            routing.RoutingDecision(
                order_id=order.id, strategy="fixed", store_ids=list(assignments), candidates=[], weights={}
            )
        )
    claimed.order_id = order.id
    await payment.take_wallet_tenders(
        session,
        order,
        points_amount=body.points_amount,
        stored_value=body.stored_value,
        store_id=order.store_id,
    )
    await state.record_created(session, order, principal)
    await payment.settle_if_covered(session, order, principal)
    if from_cart and cart is not None:
        await carts.clear(session, cart, [sku for sku, _ in lines])
    await session.flush()
    return order, False


async def _out_of_stock(session: AsyncSession, lines: list[OrderLine], exc: OutOfStock) -> OutOfStock:
    """Name every short line of the order, not only the first one the reservation hit."""
    stock = await repo.availability(session, {ln.store_id for ln in lines}, {ln.sku_id for ln in lines})
    short = [
        {
            "sku_id": ln.sku_id,
            "store_id": ln.store_id,
            "requested": ln.quantity,
            "available": max(0, stock.get((ln.store_id, ln.sku_id), 0)),
        }
        for ln in lines
        if stock.get((ln.store_id, ln.sku_id), 0) < ln.quantity
    ]
    return OutOfStock("库存不足 / Not enough stock.", detail={"lines": short or exc.detail})
