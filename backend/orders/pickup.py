"""Pickup codes: a 6-digit code unique among the store's waiting pickups and a signed QR; staff scan or
type it at the collecting store to hand the order over (once)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core.security import qr_private_key
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.orders import payment, state
from backend.orders import repository as repo
from backend.orders.errors import AlreadyCollected, OrderNotFound, PickupCodeInvalid, WrongStore
from backend.orders.models import Order, OrderStatus, ShipmentStatus
from backend.orders.schemas import PickupCode, PickupScan
from shared import codes

CODE_TTL = timedelta(days=3)
HANDOVER_ROLES = (StaffRole.CLERK, StaffRole.CASHIER, StaffRole.PICKER, StaffRole.STORE_MANAGER)


async def assign_code(session: AsyncSession, order: Order) -> str:
    assert order.store_id is not None
    taken = await repo.active_pickup_codes(session, order.store_id)
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in taken:
            order.pickup_code = code
            return code


async def code_for(session: AsyncSession, member: Principal, order_id: int, settings: Settings) -> PickupCode:
    order = await repo.get_order(session, order_id)
    if order is None or order.member_id != member.id:
        raise OrderNotFound(detail={"order_id": order_id})
    if (
        order.fulfilment != "pickup"
        or order.pickup_code is None
        or order.status not in (OrderStatus.PAID, OrderStatus.PICKING, OrderStatus.READY_FOR_PICKUP)
    ):
        raise state.refuse(order, "pickup_code")
    assert order.store_id is not None
    expires = utcnow() + CODE_TTL
    qr = codes.sign(
        qr_private_key(settings.var_dir),
        "pickup",
        {"o": order.id, "s": order.store_id, "c": order.pickup_code},
        int(CODE_TTL.total_seconds()),
    )
    return PickupCode(
        order_id=order.id, store_id=order.store_id, code=order.pickup_code, qr=qr, expires_at=expires
    )


async def _find(session: AsyncSession, scan: PickupScan, settings: Settings) -> Order:
    if scan.qr is not None:
        try:
            signed = codes.verify(qr_private_key(settings.var_dir).public_key(), scan.qr, "pickup")
        except codes.CodeError as exc:
            raise PickupCodeInvalid(
                f"取货码无效：{exc.reason} / This pickup QR is not valid: {exc.reason}.",
                detail={"reason": exc.reason},
            ) from exc
        order = await repo.get_order(session, int(signed.data["o"]))
        if order is None or order.pickup_code != signed.data.get("c"):
            raise PickupCodeInvalid(detail={"reason": "unknown order"})
        return order
    assert scan.code is not None
    here = await repo.order_by_pickup_code(session, scan.code, scan.store_id)
    waiting = [o for o in here if o.status != OrderStatus.COMPLETED]
    if waiting or here:
        return (waiting or here)[0]
    elsewhere = [
        o
        for o in await repo.order_by_pickup_code(session, scan.code, None)
        if o.status != OrderStatus.COMPLETED
    ]
    if elsewhere:
        return elsewhere[0]
    raise PickupCodeInvalid(detail={"code": scan.code})


async def verify(session: AsyncSession, principal: Principal, scan: PickupScan, settings: Settings) -> Order:
    """The order a scanned or typed pickup code names, if it can be handed over at this store now."""
    principal.require_store(scan.store_id)
    order = await _find(session, scan, settings)
    if order.store_id != scan.store_id:
        store = await repo.get_store(session, order.store_id or 0)
        name_zh = store.name_zh if store else str(order.store_id)
        name_en = store.name_en if store else str(order.store_id)
        raise WrongStore(
            f"此订单需在「{name_zh}」取货 / This order is collected at store {name_en}.",
            detail={
                "order_id": order.id,
                "store_id": order.store_id,
                "store_name_zh": name_zh,
                "store_name_en": name_en,
            },
        )
    if order.status == OrderStatus.COMPLETED or order.status in (
        OrderStatus.PARTIALLY_REFUNDED,
        OrderStatus.REFUNDED,
    ):
        raise AlreadyCollected(
            detail={
                "order_id": order.id,
                "completed_at": order.completed_at.isoformat() if order.completed_at else None,
            }
        )
    if order.status != OrderStatus.READY_FOR_PICKUP:
        raise state.refuse(order, OrderStatus.COMPLETED)
    return order


async def hand_over(
    session: AsyncSession, principal: Principal, scan: PickupScan, settings: Settings
) -> Order:
    order = await verify(session, principal, scan, settings)
    for shipment in await repo.shipments(session, order.id):
        if shipment.status == ShipmentStatus.PACKED:
            await payment.shipment_done(session, shipment)
            shipment.status = ShipmentStatus.HANDED_OVER
            shipment.handed_over_at = utcnow()
    await state.transition(
        session, order, OrderStatus.COMPLETED, principal, "collected", completed_at=utcnow()
    )
    await session.flush()
    return order
