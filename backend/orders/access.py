"""Who may see an order, its full view, and the ``order:{id}`` topic checker for real-time updates."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.orders import repository as repo
from backend.orders.errors import OrderNotFound
from backend.orders.models import Order
from backend.orders.schemas import Order as OrderOut
from backend.orders.schemas import OrderLineOut, RefundOut, ShipmentOut, TenderOut


async def may_see(session: AsyncSession, principal: Principal, order: Order) -> bool:
    if principal.is_member:
        return order.member_id == principal.id
    if principal.is_staff and (principal.is_hq or principal.store_ids is None):
        return True
    if principal.is_staff or principal.is_device:
        return any(principal.can_act_for(s) for s in await repo.order_store_ids(session, order))
    return False


async def order_for(session: AsyncSession, principal: Principal, order_id: int) -> Order:
    """The order if the caller may see it; otherwise the same answer as for a missing order."""
    order = await repo.get_order(session, order_id)
    if order is None or not await may_see(session, principal, order):
        raise OrderNotFound(detail={"order_id": order_id})
    return order


async def to_schema(session: AsyncSession, order: Order) -> OrderOut:
    out = OrderOut.model_validate(order)
    out.lines = [OrderLineOut.model_validate(ln) for ln in await repo.order_lines(session, order.id)]
    out.shipments = [ShipmentOut.model_validate(s) for s in await repo.shipments(session, order.id)]
    out.tenders = [TenderOut.model_validate(t) for t in await repo.tenders(session, order.id)]
    out.refunds = [RefundOut.model_validate(r) for r in await repo.refunds(session, order.id)]
    return out


async def topic_checker(session: AsyncSession, principal: Principal, order_id: int) -> bool:
    """``order:{id}``: the member who placed it, staff of its stores, HQ."""
    order = await repo.get_order(session, order_id)
    return order is not None and await may_see(session, principal, order)


def register_topic_checker() -> None:
    try:
        from backend.realtime.access import register_topic_checker as register
    except ImportError:
        return
    register("order", topic_checker)
