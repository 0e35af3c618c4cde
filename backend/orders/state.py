"""The order state machine: the one table of allowed transitions, and the history and events each writes.

pending_payment → paid → picking → ready_for_pickup | out_for_delivery | shipped → completed;
cancelled before handover; completed → partially_refunded → refunded by returns. Till sales are
created completed; a scan-and-go order (``backend.orders.scan_and_go``) goes paid → completed at once.

Membership follows the status: a completed order earns its points and counts towards the member's tier;
a cancelled one gives its coupons and wallet tenders back (``backend.orders.payment``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.events import emit
from backend.orders import repository as repo
from backend.orders.errors import IllegalTransition
from backend.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus

TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({S.PENDING_PAYMENT, S.COMPLETED}),
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED, S.HELD}),
    S.HELD: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    # A paid scan-and-go order completes at once (the goods are in the shopper's hands).
    S.PAID: frozenset({S.PICKING, S.CANCELLED, S.COMPLETED}),
    S.PICKING: frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY, S.SHIPPED, S.CANCELLED}),
    S.READY_FOR_PICKUP: frozenset({S.COMPLETED, S.CANCELLED}),
    S.OUT_FOR_DELIVERY: frozenset({S.COMPLETED}),
    S.SHIPPED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

STATUS_ZH = {
    S.PENDING_PAYMENT: "待付款",
    S.HELD: "风控审核中",
    S.PAID: "已付款",
    S.PICKING: "拣货中",
    S.READY_FOR_PICKUP: "待取货",
    S.OUT_FOR_DELIVERY: "配送中",
    S.SHIPPED: "已发货",
    S.COMPLETED: "已完成",
    S.CANCELLED: "已取消",
    S.PARTIALLY_REFUNDED: "部分退款",
    S.REFUNDED: "已退款",
}


def allowed(current: str | None, requested: str) -> bool:
    return requested in TRANSITIONS.get(current, frozenset())


def refuse(order: Order, requested: str, current: str | None = None) -> IllegalTransition:
    current = current or order.status
    return IllegalTransition(
        f"订单{STATUS_ZH.get(current, current)}，不能变为{STATUS_ZH.get(requested, requested)} / "
        f"An order that is {current} cannot become {requested}.",
        detail={"order_id": order.id, "current": current, "requested": requested},
    )


def _actor(actor: Any) -> tuple[str, int | None]:
    return getattr(actor, "kind", "system"), getattr(actor, "id", None)


async def topics(session: AsyncSession, order: Order) -> list[str]:
    names = [f"order:{order.id}"]
    names += [f"store:{store_id}:orders" for store_id in sorted(await repo.order_store_ids(session, order))]
    if order.member_id is not None:
        names.append(f"member:{order.member_id}")
    return names


async def notify(session: AsyncSession, order: Order, type_: str, payload: dict[str, Any]) -> None:
    """Emit an order event on the order's, its stores' and its shopper's topics."""
    body = {"order_id": order.id, "number": order.number, "status": order.status, **payload}
    for topic in await topics(session, order):
        emit(session, topic, type_, body)


def _history(
    session: AsyncSession, order: Order, from_status: str | None, to_status: str, actor: Any, note: str | None
) -> None:
    kind, actor_id = _actor(actor)
    session.add(
        OrderEvent(
            order_id=order.id,
            from_status=from_status,
            to_status=to_status,
            actor_kind=kind,
            actor_id=actor_id,
            note=(note or None) and note[:200],
        )
    )


async def record_created(session: AsyncSession, order: Order, actor: Any, note: str | None = None) -> None:
    if not allowed(None, order.status):
        raise refuse(order, order.status, "new")
    _history(session, order, None, order.status, actor, note)
    await notify(session, order, "order.created", {"from": None, "to": order.status, "total": order.total})
    await _membership(session, order, order.status)


async def transition(
    session: AsyncSession, order: Order, to: str, actor: Any, note: str | None = None, **values: Any
) -> None:
    """Move the order to ``to`` if the table allows it from its current status (checked in the UPDATE
    itself, so two requests cannot both move it); record who, when and why, and emit the change."""
    current = order.status
    if not allowed(current, to) or (current == S.PAID and to == S.COMPLETED and order.channel != "scan_go"):
        raise refuse(order, to)
    if current != to and not await repo.move_status(session, order.id, current, to, **values):
        fresh = await repo.get_order(session, order.id)
        raise refuse(order, to, fresh.status if fresh else current)
    order.status = to
    for key, value in values.items():
        setattr(order, key, value)
    _history(session, order, current, to, actor, note)
    await notify(session, order, "order.status", {"from": current, "to": to, "note": note})
    if current != to:
        await _membership(session, order, to)
    if to == S.PAID and order.fulfilment == "in_store" and order.channel == "scan_go":
        from backend.orders import scan_and_go

        await scan_and_go.on_paid(session, order, actor)


async def _membership(session: AsyncSession, order: Order, status: str) -> None:
    from backend.orders import payment

    if status == S.COMPLETED:
        await payment.on_completed(session, order)
    elif status == S.CANCELLED:
        await payment.on_cancelled(session, order)
