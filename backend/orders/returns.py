"""Returns at any store of the chain: within the return window, goods go back on the returning store's
shelf and the money back to the order's original tenders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core import audit
from backend.core.events import emit
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders import payment, state
from backend.orders import repository as repo
from backend.orders.errors import OrderNotFound, ReturnNotAllowed, ReturnQuantity, ReturnWindowClosed
from backend.orders.models import OrderReturn, OrderStatus, ReturnLine
from backend.orders.picking import share
from backend.orders.schemas import RefundOut, ReturnCreate, ReturnLineOut, ReturnOut
from backend.stores.errors import StoreNotFound

RETURN_ROLES = (StaffRole.CLERK, StaffRole.CASHIER, StaffRole.STORE_MANAGER)
RETURNABLE = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)


async def create_return(
    session: AsyncSession, principal: Principal, body: ReturnCreate, *, window_days: int | None = None
) -> tuple[OrderReturn, bool]:
    """Take goods back at ``body.store_id``: stock back through the ledger, money back to the tenders.

    ``window_days`` replaces the no-reason window for a return already approved under a longer one
    (an after-sales request for a quality fault)."""
    principal.require_role(*RETURN_ROLES)
    principal.require_store(body.store_id)
    if body.client_id:
        existing = await repo.return_by_client_id(session, body.client_id)
        if existing is not None:
            return existing, True
    if await repo.get_store(session, body.store_id) is None:
        raise StoreNotFound(detail={"store_id": body.store_id})
    order = await repo.get_order(session, body.order_id, for_update=True)
    if order is None:
        raise OrderNotFound(detail={"order_id": body.order_id})
    if order.status not in RETURNABLE:
        raise ReturnNotAllowed(
            f"订单状态为{state.STATUS_ZH.get(order.status, order.status)}，不能退货 / "
            f"An order that is {order.status} cannot be returned.",
            detail={"order_id": order.id, "status": order.status},
        )
    days = window_days if window_days is not None else (await repo.return_policy(session)).window_days
    done_at = order.completed_at or order.created_at
    deadline = done_at + timedelta(days=days)
    if utcnow() > deadline:
        raise ReturnWindowClosed(
            f"已超过{days}天退货期限 / The {days}-day return window closed.",
            detail={
                "completed_at": done_at.isoformat(),
                "deadline": deadline.isoformat(),
                "window_days": days,
            },
        )
    lines = {ln.id: ln for ln in await repo.order_lines(session, order.id)}
    wanted: dict[int, int] = {}
    for item in body.lines:
        wanted[item.order_line_id] = wanted.get(item.order_line_id, 0) + item.quantity
    ret = OrderReturn(
        order_id=order.id,
        store_id=body.store_id,
        client_id=body.client_id,
        reason=body.reason,
        amount=0,
        actor_kind=principal.kind,
        actor_id=principal.id,
    )
    session.add(ret)
    await session.flush()
    total = 0
    for line_id, qty in sorted(wanted.items()):
        line = lines.get(line_id)
        if line is None:
            raise ReturnQuantity("This line is not part of the order.", detail={"order_line_id": line_id})
        returnable = line.picked_qty - line.returned_qty
        if qty > returnable:
            raise ReturnQuantity(
                f"最多可退 {returnable} 件 / At most {returnable} can be returned.",
                detail={"order_line_id": line_id, "returnable": returnable, "requested": qty},
            )
        amount = share(line, qty)
        if not await repo.add_returned(session, line.id, qty, amount):
            raise ReturnQuantity(detail={"order_line_id": line_id, "requested": qty})
        session.add(
            ReturnLine(
                return_id=ret.id, order_line_id=line.id, sku_id=line.sku_id, quantity=qty, amount=amount
            )
        )
        await inventory.return_to_stock(
            session, body.store_id, line.sku_id, qty, "order_return", f"{ret.id}:{line.id}", actor=principal
        )
        total += amount
    ret.amount = total
    await session.flush()
    await payment.refund(
        session, order, total, "return", actor=principal, return_id=ret.id, store_id=body.store_id
    )
    fresh = await repo.order_lines(session, order.id)
    everything_back = all(ln.returned_qty >= ln.picked_qty for ln in fresh)
    target = OrderStatus.REFUNDED if everything_back else OrderStatus.PARTIALLY_REFUNDED
    await state.transition(session, order, target, principal, f"return {ret.id} at store {body.store_id}")
    emit(
        session,
        f"store:{body.store_id}:orders",
        "order.returned",
        {"order_id": order.id, "return_id": ret.id, "amount": total},
    )
    audit.record(
        session,
        principal,
        "order.return",
        "order",
        order.id,
        after={"return_id": ret.id, "amount": total, "lines": wanted},
        store_id=body.store_id,
    )
    await session.flush()
    return ret, False


async def to_schema(session: AsyncSession, ret: OrderReturn) -> ReturnOut:
    order = await repo.get_order(session, ret.order_id)
    return ReturnOut(
        id=ret.id,
        order_id=ret.order_id,
        store_id=ret.store_id,
        reason=ret.reason,
        amount=ret.amount,
        created_at=ret.created_at,
        lines=[ReturnLineOut.model_validate(ln) for ln in await repo.return_lines(session, ret.id)],
        refunds=[RefundOut.model_validate(r) for r in await repo.return_refunds(session, ret.id)],
        order_status=order.status if order else "",
    )
