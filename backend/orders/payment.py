"""Money in and out of an order: starting a payment, marking the order paid (once), refunding to the
original tenders. Provider payments go through the payments domain when it is installed; without it a
sandbox tender is recorded directly."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import ModuleType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.errors import OutOfStock
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders import repository as repo
from backend.orders import state
from backend.orders.models import Order, OrderLine, OrderStatus, Refund, Shipment, ShipmentStatus, Tender
from backend.orders.schemas import PaymentStart

# Units of a paid order stay held until it is handed over; the hold is renewed when the order is paid.
PAID_HOLD = timedelta(days=30)


def payments_service() -> ModuleType | None:
    """The payments domain's service module, if that domain is installed."""
    try:
        module = importlib.import_module("backend.payments.service")
    except ImportError:
        return None
    return module if hasattr(module, "create_payment") else None


def line_ref(line: OrderLine | int) -> str:
    return str(line if isinstance(line, int) else line.id)


async def hold_for_paid(session: AsyncSession, order: Order, actor: Any) -> None:
    """Renew every line's reservation so it lasts until handover; re-reserve lines whose hold lapsed."""
    until = utcnow() + PAID_HOLD
    for line in sorted(await repo.order_lines(session, order.id), key=lambda ln: (ln.store_id, ln.sku_id)):
        remaining = line.quantity - line.short_qty
        if remaining <= 0:
            continue
        await inventory.release(session, "order_line", line_ref(line), "renewed on payment", actor)
        await inventory.reserve(
            session, line.store_id, [(line.sku_id, remaining)], "order_line", line_ref(line), until, actor
        )


async def open_tasks(session: AsyncSession, order: Order) -> None:
    for shipment in await repo.shipments(session, order.id):
        if shipment.status == ShipmentStatus.RESERVED:
            shipment.status = ShipmentStatus.TO_PICK
            await state.notify(
                session,
                order,
                "picking.task_created",
                {"shipment_id": shipment.id, "store_id": shipment.store_id},
            )


async def mark_paid(
    session: AsyncSession,
    order: Order,
    *,
    method: str,
    amount: int,
    payment_id: str | None,
    reference: str | None = None,
    actor: Any = None,
) -> Order:
    """Record the payment and move the order to paid; a second call for the same payment does nothing.

    A payment that arrives after the order was cancelled (or after its stock was sold elsewhere) is
    refunded at once.
    """
    from backend.orders.pickup import assign_code

    if payment_id is not None and any(
        t.payment_id == payment_id for t in await repo.tenders(session, order.id)
    ):
        return order
    if order.status != OrderStatus.PENDING_PAYMENT:
        if payment_id is None:
            return order
        # A second payment of a paid order, or one that arrives after it was cancelled: the money goes back.
        why = "paid after cancellation" if order.status == OrderStatus.CANCELLED else "duplicate payment"
        tender = Tender(
            order_id=order.id, method=method, amount=amount, payment_id=payment_id, reference=reference
        )
        session.add(tender)
        order.paid_amount += amount
        await session.flush()
        await refund(session, order, amount, why, actor=actor, tenders=[tender])
        return order
    try:
        async with session.begin_nested():
            await hold_for_paid(session, order, actor)
    except OutOfStock as exc:
        tender = Tender(
            order_id=order.id, method=method, amount=amount, payment_id=payment_id, reference=reference
        )
        session.add(tender)
        for line in await repo.order_lines(session, order.id):
            await inventory.release(session, "order_line", line_ref(line), "stock gone before payment", actor)
        for shipment in await repo.shipments(session, order.id):
            shipment.status = ShipmentStatus.CANCELLED
        await state.transition(
            session,
            order,
            OrderStatus.CANCELLED,
            actor,
            "stock gone before payment",
            cancel_reason="stock_gone",
            cancelled_at=utcnow(),
            paid_amount=amount,
        )
        await session.flush()
        await refund(session, order, amount, "stock gone before payment", actor=actor, tenders=[tender])
        await state.notify(session, order, "order.refunded", {"amount": amount, "detail": exc.detail})
        return order
    session.add(
        Tender(order_id=order.id, method=method, amount=amount, payment_id=payment_id, reference=reference)
    )
    now = utcnow()
    await state.transition(
        session, order, OrderStatus.PAID, actor, f"paid by {method}", paid_at=now, paid_amount=amount
    )
    if order.fulfilment == "pickup":
        await assign_code(session, order)
    await open_tasks(session, order)
    await session.flush()
    return order


async def start(session: AsyncSession, order: Order, provider: str = "sandbox") -> PaymentStart:
    """Open a provider payment for the order's total (the payments domain); or say it is not installed."""
    service = payments_service()
    if service is None:
        return PaymentStart(order_id=order.id, amount=order.total, provider="none")
    paid = await service.create_payment(
        session,
        ref_type="order",
        ref_id=str(order.id),
        amount=order.total,
        provider=provider,
        description=f"订单 {order.number}",
        payer_member_id=order.member_id,
        store_id=order.store_id,
    )
    return PaymentStart(
        order_id=order.id,
        amount=paid.amount,
        payment_id=str(paid.id),
        provider=paid.provider,
        pay_url=paid.pay_url,
        qr_payload=paid.qr_text,
    )


async def _payable(session: AsyncSession, principal: Principal, ref_id: str) -> Any:
    """What a caller owes for an order (the payments domain asks before it opens a payment)."""
    from backend.orders.access import may_see
    from backend.orders.errors import OrderNotFound

    service = payments_service()
    assert service is not None
    order = await repo.get_order(session, int(ref_id)) if ref_id.isdigit() else None
    if order is None or not await may_see(session, principal, order):
        raise OrderNotFound(detail={"order_id": ref_id})
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise state.refuse(order, OrderStatus.PAID)
    return service.PayableRef(
        amount=order.total,
        description=f"订单 {order.number}",
        store_id=order.store_id,
        payer_member_id=order.member_id,
    )


async def _on_paid(session: AsyncSession, ref_id: str, paid: Any) -> None:
    order = await repo.get_order(session, int(ref_id))
    if order is None:
        return
    await mark_paid(
        session,
        order,
        method="online",
        amount=int(paid.amount),
        payment_id=str(paid.id),
        reference=getattr(paid, "no", None),
    )


def register_handlers() -> None:
    """Tell the payments domain what an order costs and what to do when it is paid."""
    service = payments_service()
    if service is None:
        return
    service.register_ref_checker("order", _payable)
    service.register_paid_handler("order", _on_paid)


async def refund(
    session: AsyncSession,
    order: Order,
    amount: int,
    reason: str,
    *,
    actor: Any = None,
    return_id: int | None = None,
    store_id: int | None = None,
    tenders: list[Tender] | None = None,
) -> list[Refund]:
    """Give ``amount`` back to the order's tenders in the order they were taken; provider tenders are
    refunded through the payments domain, cash and card at the till."""
    if amount <= 0:
        return []
    service = payments_service()
    done: list[Refund] = []
    left = amount
    for tender in tenders or await repo.tenders(session, order.id):
        room = tender.amount - tender.refunded_amount
        if left <= 0 or room <= 0:
            continue
        part = min(room, left)
        provider_id = None
        if tender.payment_id and service is not None:
            result = await service.refund(session, int(tender.payment_id), part, reason, actor=actor)
            provider_id = result.no
        tender.refunded_amount += part
        row = Refund(
            order_id=order.id,
            tender_id=tender.id,
            return_id=return_id,
            method=tender.method,
            amount=part,
            reason=reason[:60],
            provider_refund_id=provider_id,
            store_id=store_id or order.store_id,
        )
        session.add(row)
        done.append(row)
        left -= part
    given = amount - left
    order.refunded_amount += given
    await session.flush()
    if given:
        await state.notify(session, order, "order.refund", {"amount": given, "reason": reason})
    return done


async def shipment_done(session: AsyncSession, shipment: Shipment) -> None:
    """Turn the shipment's held units into a sale: whole lines fulfil their reservation; a short line
    releases it and sells only what was picked."""
    for line in await repo.shipment_lines(session, shipment.id):
        ref = line_ref(line)
        if line.picked_qty == line.quantity:
            await inventory.fulfil(session, "order_line", ref)
            continue
        await inventory.release(session, "order_line", ref, "short picked")
        if line.picked_qty > 0:
            await inventory.sell(session, line.store_id, [(line.sku_id, line.picked_qty)], "order_line", ref)
