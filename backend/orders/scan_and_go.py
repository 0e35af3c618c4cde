"""Scan-and-go (扫码购): a shopper in the store scans goods into a list on their phone, pays, and walks out.

The order is placed like any online order (the same pricing, promotions, coupons, wallet tenders and
stock reservation at the one store) with fulfilment ``in_store`` and channel ``scan_go``, so HQ sales
count it as an in-store sale. Once paid it completes at once: the goods are already in the shopper's
hands, so the reservation taken at checkout is fulfilled as at the till. An unpaid one is cancelled by
the unpaid-order job like any other, its stock going back. Staff at the door check the exit pass (a QR
holding the order number) against their own store.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.errors import Conflict
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders import checkout, state
from backend.orders import repository as repo
from backend.orders.errors import FulfilmentUnavailable, OrderNotFound, WrongStore
from backend.orders.models import Order, OrderEvent, OrderStatus, ShipmentStatus
from backend.orders.payment import line_ref
from backend.orders.schemas import OrderCreate, ScanAndGoCreate

CHANNEL = "scan_go"
FULFILMENT = "in_store"
EXIT_PREFIX = "OMO-EXIT:"


EXIT_CHECKED = "exit_checked"


class ExitPassInvalid(Conflict):
    code = "exit_pass_invalid"
    default_message = "该订单不能出店 / This order is not a paid scan-and-go order."


def is_scan_and_go(order: Order) -> bool:
    return order.channel == CHANNEL and order.fulfilment == FULFILMENT


def exit_pass(order: Order) -> str:
    """The text the exit-pass QR holds."""
    return f"{EXIT_PREFIX}{order.number}"


async def place(
    session: AsyncSession, principal: Principal, body: ScanAndGoCreate, key: str, settings: Settings
) -> tuple[Order, bool]:
    """Place the scan-and-go order at the shopper's current store (or return the one this key placed)."""
    store = await repo.get_store(session, body.store_id)
    if store is not None and (store.kind != "store" or store.status != "open"):
        raise FulfilmentUnavailable(
            "该门店不支持扫码购 / This store does not offer scan-and-go.",
            detail={"store_id": store.id, "status": store.status, "kind": store.kind},
        )
    order_body = OrderCreate.model_construct(
        fulfilment=FULFILMENT,
        store_id=body.store_id,
        lines=body.lines,
        address=None,
        pickup_slot_start=None,
        note=body.note,
        coupon_ids=body.coupon_ids,
        points_amount=body.points_amount,
        stored_value=body.stored_value,
    )
    return await checkout.place_order(session, principal, order_body, key, settings, channel=CHANNEL)


async def on_paid(session: AsyncSession, order: Order, actor: Any) -> None:
    """A paid scan-and-go order is handed over already: take its held stock and complete it."""
    for line in sorted(await repo.order_lines(session, order.id), key=lambda ln: (ln.store_id, ln.sku_id)):
        await inventory.fulfil(session, "order_line", line_ref(line), actor)
    for shipment in await repo.shipments(session, order.id):
        shipment.status = ShipmentStatus.DELIVERED
    await state.transition(
        session, order, OrderStatus.COMPLETED, actor, "scan-and-go: paid in store", completed_at=utcnow()
    )


def number_from(code: str) -> str:
    code = code.strip()
    return code[len(EXIT_PREFIX) :] if code.startswith(EXIT_PREFIX) else code


async def check_exit(session: AsyncSession, principal: Principal, store_id: int, code: str) -> Order:
    """Staff at the door: the scanned exit pass names a paid scan-and-go order of this store."""
    principal.require_store(store_id)
    order = await repo.order_by_number(session, number_from(code))
    if order is None:
        raise OrderNotFound(detail={"code": code})
    if order.store_id != store_id:
        raise WrongStore(
            "该订单属于其他门店 / This order was bought at another store.",
            detail={"order_store_id": order.store_id, "store_id": store_id},
        )
    if not is_scan_and_go(order) or order.status != OrderStatus.COMPLETED:
        raise ExitPassInvalid(detail={"order_id": order.id, "status": order.status, "channel": order.channel})
    # A pass lets its goods out once; the check is kept in the order's event log.
    used = await session.scalar(
        select(OrderEvent.created_at).where(OrderEvent.order_id == order.id, OrderEvent.note == EXIT_CHECKED)
    )
    if used is not None:
        raise ExitPassInvalid(
            "该出店码已使用 / This exit pass has already been used.",
            detail={"order_id": order.id, "used_at": used.isoformat()},
        )
    session.add(
        OrderEvent(
            order_id=order.id,
            from_status=order.status,
            to_status=order.status,
            actor_kind=principal.kind,
            actor_id=principal.id,
            note=EXIT_CHECKED,
        )
    )
    await session.flush()
    return order
