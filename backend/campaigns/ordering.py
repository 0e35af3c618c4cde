"""Turning a campaign purchase into an ordinary order (pickup at the member's store) at the campaign price,
so picking, pickup codes, refunds and returns work as for any other order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders import repository as order_repo
from backend.orders import state
from backend.orders.checkout import new_number
from backend.orders.models import Order, OrderLine, OrderStatus, RoutingDecision, Shipment
from backend.orders.payment import line_ref, mark_paid
from backend.pricing.service import price_for

# What a campaign order line says about its price (``OrderLine.price_reason``).
REASONS = {"group_buy", "bargain", "flash_sale"}


async def create_order(
    session: AsyncSession,
    *,
    member_id: int,
    store_id: int,
    sku_id: int,
    quantity: int,
    unit_price: int,
    reason: str,
    note: str,
    pay_minutes: int,
    actor: Any = None,
) -> Order:
    """A pickup order of one line at ``unit_price``, its units reserved at the store (or OutOfStock)."""
    assert reason in REASONS
    now = utcnow()
    sku, product = (await order_repo.skus_with_products(session, [sku_id]))[sku_id]
    regular = (await price_for(session, store_id, [sku_id], now))[sku_id].price
    total = unit_price * quantity
    order = Order(
        number=await new_number(session, now),
        channel="online",
        fulfilment="pickup",
        status=OrderStatus.PENDING_PAYMENT,
        member_id=member_id,
        store_id=store_id,
        subtotal=total,
        discount_total=0,
        shipping_fee=0,
        total=total,
        discounts=[],
        note=note[:200],
        pay_by=now + timedelta(minutes=pay_minutes),
        sold_at=now,
    )
    session.add(order)
    await session.flush()
    shipment = Shipment(order_id=order.id, store_id=store_id)
    session.add(shipment)
    await session.flush()
    line = OrderLine(
        order_id=order.id,
        shipment_id=shipment.id,
        store_id=store_id,
        sku_id=sku_id,
        sku_code=sku.code,
        name_zh=product.name_zh,
        name_en=product.name_en,
        specs=sku.specs or {},
        quantity=quantity,
        base_price=regular,
        unit_price=unit_price,
        price_reason=reason,
        discounts=[],
        discount_total=0,
        line_total=total,
    )
    session.add(line)
    session.add(
        RoutingDecision(order_id=order.id, strategy="fixed", store_ids=[store_id], candidates=[], weights={})
    )
    await session.flush()
    await inventory.reserve(
        session,
        store_id,
        [(sku_id, quantity)],
        "order_line",
        line_ref(line),
        now + timedelta(minutes=pay_minutes),
        actor,
    )
    await state.record_created(session, order, actor, note)
    return order


async def create_paid_order(
    session: AsyncSession, *, payment_id: int, payment_no: str | None, **fields: Any
) -> Order:
    """An order already paid by a campaign payment: it goes straight to picking."""
    order = await create_order(session, pay_minutes=15, **fields)
    await mark_paid(
        session, order, method="online", amount=order.total, payment_id=str(payment_id), reference=payment_no
    )
    return order
