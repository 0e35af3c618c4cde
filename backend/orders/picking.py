"""Picking: a paid order's shipment is its store's picking task. Pick lists by shelf location, scan to
confirm each item, short picks (refunded), substitutions with the shopper's consent, mark ready,
hand over for delivery or shipping."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core.errors import NotFound, ValidationFailed
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders import cart as carts
from backend.orders import payment, state
from backend.orders import repository as repo
from backend.orders.errors import (
    IllegalTransition,
    OrderNotFound,
    OverPick,
    TaskNotFound,
    UnknownBarcode,
    WrongItem,
)
from backend.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    SubstitutionStatus,
)
from backend.orders.schemas import PickLine, PickTask

PICKING_ROLES = (StaffRole.PICKER, StaffRole.CLERK, StaffRole.STORE_MANAGER)
SS = ShipmentStatus


def remaining(line: OrderLine) -> int:
    return line.quantity - line.picked_qty - line.short_qty


def share(line: OrderLine, units: int) -> int:
    """The part of the line's total that ``units`` more units account for (the last unit takes the rest)."""
    before = line.short_qty + line.returned_qty
    after = before + units
    return line.line_total * after // line.quantity - line.line_total * before // line.quantity


async def get_task(session: AsyncSession, principal: Principal, shipment_id: int) -> tuple[Shipment, Order]:
    shipment = await repo.get_shipment(session, shipment_id, principal.store_ids)
    if shipment is None:
        raise TaskNotFound(detail={"task_id": shipment_id})
    order = await repo.get_order(session, shipment.order_id)
    assert order is not None
    return shipment, order


async def view(session: AsyncSession, shipment: Shipment, order: Order) -> PickTask:
    lines = await repo.shipment_lines(session, shipment.id)
    catalog = await repo.skus_with_products(session, [ln.sku_id for ln in lines])
    codes = await repo.barcodes_for(session, [ln.sku_id for ln in lines])
    picks = [
        PickLine(
            line_id=ln.id,
            sku_id=ln.sku_id,
            sku_code=ln.sku_code,
            name_zh=ln.name_zh,
            name_en=ln.name_en,
            specs=ln.specs,
            shelf_location=catalog[ln.sku_id][0].shelf_location if ln.sku_id in catalog else None,
            barcodes=sorted(codes.get(ln.sku_id, [])),
            quantity=ln.quantity,
            picked_qty=ln.picked_qty,
            short_qty=ln.short_qty,
            remaining=remaining(ln),
            substitution=ln.substitution,
            substitute_for_id=ln.substitute_for_id,
        )
        for ln in lines
    ]
    picks.sort(key=lambda p: (p.shelf_location is None, p.shelf_location or "", p.sku_code))
    return PickTask(
        id=shipment.id,
        order_id=order.id,
        order_number=order.number,
        fulfilment=order.fulfilment,
        store_id=shipment.store_id,
        status=shipment.status,
        picker_id=shipment.picker_id,
        created_at=shipment.created_at,
        pickup_slot_start=order.pickup_slot_start,
        lines=picks,
    )


async def list_tasks(
    session: AsyncSession, principal: Principal, store_id: int | None, statuses: list[str], limit: int
) -> list[PickTask]:
    return [
        await view(session, s, o)
        for s, o in await repo.list_tasks(
            session, principal.store_ids, store_id=store_id, statuses=statuses, limit=limit
        )
    ]


async def _begin(session: AsyncSession, principal: Principal, shipment: Shipment, order: Order) -> None:
    if shipment.status == SS.TO_PICK:
        shipment.status = SS.PICKING
        shipment.picker_id = principal.id
        shipment.started_at = utcnow()
    elif shipment.status != SS.PICKING:
        raise state.refuse(order, "picking", f"task {shipment.status}")
    if order.status == OrderStatus.PAID:
        await state.transition(
            session, order, OrderStatus.PICKING, principal, f"picking started at store {shipment.store_id}"
        )


async def start(session: AsyncSession, principal: Principal, shipment_id: int) -> tuple[Shipment, Order]:
    shipment, order = await get_task(session, principal, shipment_id)
    await _begin(session, principal, shipment, order)
    await session.flush()
    return shipment, order


async def scan(
    session: AsyncSession, principal: Principal, shipment_id: int, barcode: str, qty: int
) -> tuple[Shipment, Order]:
    shipment, order = await get_task(session, principal, shipment_id)
    await _begin(session, principal, shipment, order)
    sku_id = await repo.sku_id_by_barcode(session, barcode)
    if sku_id is None:
        raise UnknownBarcode(detail={"barcode": barcode})
    lines = await repo.shipment_lines(session, shipment.id)
    matching = [ln for ln in lines if ln.sku_id == sku_id]
    if not matching:
        scanned = await repo.skus_with_products(session, [sku_id])
        name = scanned[sku_id][1].name_zh if sku_id in scanned else ""
        raise WrongItem(
            f"拿错了：{name} 不在拣货单上 / Wrong item: {name} is not on this pick list.",
            detail={
                "barcode": barcode,
                "scanned_sku_id": sku_id,
                "expected": [
                    {"sku_id": ln.sku_id, "name_zh": ln.name_zh, "remaining": remaining(ln)}
                    for ln in lines
                    if remaining(ln) > 0
                ],
            },
        )
    line = next((ln for ln in matching if remaining(ln) > 0), None)
    if line is None or remaining(line) < qty:
        left = 0 if line is None else remaining(line)
        raise OverPick(
            f"只需再拣 {left} 件 / Only {left} more needed.",
            detail={"sku_id": sku_id, "remaining": left, "scanned": qty},
        )
    line.picked_qty += qty
    await session.flush()
    await state.notify(
        session,
        order,
        "picking.scanned",
        {"shipment_id": shipment.id, "line_id": line.id, "picked_qty": line.picked_qty},
    )
    return shipment, order


async def _line_of(session: AsyncSession, shipment: Shipment, line_id: int) -> OrderLine:
    line = await repo.get_line(session, line_id)
    if line is None or line.shipment_id != shipment.id:
        raise NotFound("This line is not on the pick list.", detail={"line_id": line_id})
    return line


async def _short(
    session: AsyncSession,
    order: Order,
    line: OrderLine,
    qty: int,
    reason: str,
    actor: Any,
    refund: bool = True,
) -> int:
    amount = share(line, qty)
    line.short_qty += qty
    line.short_reason = reason[:120]
    line.refunded_amount += amount
    if refund:
        await payment.refund(session, order, amount, "short pick", actor=actor, store_id=line.store_id)
    await state.notify(
        session,
        order,
        "order.line_short",
        {
            "line_id": line.id,
            "sku_id": line.sku_id,
            "quantity": qty,
            "refund": amount if refund else 0,
            "reason": reason,
        },
    )
    return amount


async def short_pick(
    session: AsyncSession, principal: Principal, shipment_id: int, line_id: int, qty: int, reason: str
) -> tuple[Shipment, Order]:
    shipment, order = await get_task(session, principal, shipment_id)
    await _begin(session, principal, shipment, order)
    line = await _line_of(session, shipment, line_id)
    if qty > remaining(line):
        raise ValidationFailed(
            f"最多可缺货 {remaining(line)} 件 / At most {remaining(line)} can be short.",
            detail={"line_id": line.id, "remaining": remaining(line)},
        )
    if line.substitution and line.substitution.get("status") == SubstitutionStatus.REQUESTED:
        raise state.refuse(order, "short_pick", "substitution pending")
    await _short(session, order, line, qty, reason, principal)
    await session.flush()
    return shipment, order


async def offer_substitute(
    session: AsyncSession, principal: Principal, shipment_id: int, line_id: int, sku_id: int, qty: int | None
) -> tuple[Shipment, Order]:
    shipment, order = await get_task(session, principal, shipment_id)
    await _begin(session, principal, shipment, order)
    line = await _line_of(session, shipment, line_id)
    qty = qty or remaining(line)
    if qty > remaining(line) or qty <= 0:
        raise ValidationFailed(
            "Nothing left on this line to substitute.", detail={"remaining": remaining(line)}
        )
    if sku_id == line.sku_id:
        raise ValidationFailed("A substitute is a different SKU.")
    catalog = await repo.skus_with_products(session, [sku_id])
    if sku_id not in catalog or not carts.on_sale(*catalog[sku_id]):
        raise ValidationFailed("The substitute is not on sale.", detail={"sku_id": sku_id})
    available = (await repo.availability(session, [shipment.store_id], [sku_id])).get(
        (shipment.store_id, sku_id), 0
    )
    if available < qty:
        raise ValidationFailed(
            "The store does not have enough of the substitute.",
            detail={"sku_id": sku_id, "available": available},
        )
    sku, product = catalog[sku_id]
    line.substitution = {
        "sku_id": sku_id,
        "quantity": qty,
        "status": SubstitutionStatus.REQUESTED.value,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "specs": sku.specs or {},
        "requested_at": utcnow().isoformat(),
        "requested_by": principal.id,
    }
    await session.flush()
    await state.notify(
        session,
        order,
        "order.substitution_requested",
        {
            "line_id": line.id,
            "original": {"sku_id": line.sku_id, "name_zh": line.name_zh},
            "substitute": line.substitution,
        },
    )
    return shipment, order


async def answer_substitute(
    session: AsyncSession, member: Principal, order_id: int, line_id: int, accept: bool
) -> Order:
    order = await repo.get_order(session, order_id)
    if order is None or order.member_id != member.id:
        raise OrderNotFound(detail={"order_id": order_id})
    line = await repo.get_line(session, line_id)
    offer = line.substitution if line is not None and line.order_id == order.id else None
    if line is None or offer is None or offer.get("status") != SubstitutionStatus.REQUESTED:
        raise state.refuse(order, "substitution answer", "no substitution waiting")
    qty = int(offer["quantity"])
    now = utcnow().isoformat()
    if not accept:
        line.substitution = {**offer, "status": SubstitutionStatus.DECLINED.value, "answered_at": now}
        await _short(session, order, line, qty, "顾客拒绝替换 / substitute declined", member)
        await session.flush()
        return order
    amount = share(line, qty)
    catalog = await repo.skus_with_products(session, [int(offer["sku_id"])])
    sku, product = catalog[int(offer["sku_id"])]
    new = OrderLine(
        order_id=order.id,
        shipment_id=line.shipment_id,
        store_id=line.store_id,
        sku_id=sku.id,
        sku_code=sku.code,
        name_zh=product.name_zh,
        name_en=product.name_en,
        specs=sku.specs or {},
        quantity=qty,
        base_price=sku.base_price,
        unit_price=amount // qty,
        price_reason="substitute",
        discounts=[],
        discount_total=0,
        line_total=amount,
        substitute_for_id=line.id,
    )
    session.add(new)
    await session.flush()
    await inventory.reserve(
        session,
        line.store_id,
        [(sku.id, qty)],
        "order_line",
        payment.line_ref(new),
        utcnow() + payment.PAID_HOLD,
        member,
    )
    line.substitution = {
        **offer,
        "status": SubstitutionStatus.ACCEPTED.value,
        "answered_at": now,
        "line_id": new.id,
    }
    await _short(session, order, line, qty, f"替换为 {product.name_zh} / substituted", member, refund=False)
    await session.flush()
    return order


async def mark_ready(session: AsyncSession, principal: Principal, shipment_id: int) -> tuple[Shipment, Order]:
    shipment, order = await get_task(session, principal, shipment_id)
    await _begin(session, principal, shipment, order)
    lines = await repo.shipment_lines(session, shipment.id)
    open_lines = [
        {"line_id": ln.id, "sku_id": ln.sku_id, "remaining": remaining(ln)}
        for ln in lines
        if remaining(ln) > 0
    ]
    waiting = [
        ln.id
        for ln in lines
        if ln.substitution and ln.substitution.get("status") == SubstitutionStatus.REQUESTED
    ]
    if open_lines or waiting:
        raise IllegalTransition(
            "还有商品未拣完 / Some items are not picked or marked short yet.",
            detail={
                "order_id": order.id,
                "current": order.status,
                "requested": "ready",
                "unpicked": open_lines,
                "awaiting_substitution": waiting,
            },
        )
    shipment.status = SS.PACKED
    shipment.packed_at = utcnow()
    await session.flush()
    all_shipments = await repo.shipments(session, order.id)
    if any(s.status in (SS.TO_PICK, SS.PICKING, SS.RESERVED) for s in all_shipments):
        return shipment, order
    all_lines = await repo.order_lines(session, order.id)
    if sum(ln.picked_qty for ln in all_lines) == 0:
        await cancel_after_payment(session, order, principal, "nothing could be picked")
        return shipment, order
    if order.fulfilment == "pickup":
        await state.transition(session, order, OrderStatus.READY_FOR_PICKUP, principal, "picked and packed")
        await state.notify(
            session,
            order,
            "order.ready_for_pickup",
            {
                "store_id": order.store_id,
                "pickup_code": order.pickup_code,
                "message": "您的订单已备好，请到店取货 / Your order is ready for pickup.",
            },
        )
    return shipment, order


async def hand_over(
    session: AsyncSession, principal: Principal, shipment_id: int, tracking_no: str | None
) -> tuple[Shipment, Order]:
    """A packed delivery or shipping parcel leaves the store: its stock is sold; when every parcel has
    left, the order is out for delivery (or shipped)."""
    shipment, order = await get_task(session, principal, shipment_id)
    if order.fulfilment not in ("delivery", "shipping") or shipment.status != SS.PACKED:
        raise state.refuse(
            order,
            "out_for_delivery" if order.fulfilment == "delivery" else "shipped",
            order.status if shipment.status == SS.PACKED else f"parcel {shipment.status}",
        )
    if order.fulfilment == "shipping" and not tracking_no:
        raise ValidationFailed(
            "Shipping needs the carrier's tracking number.", detail={"field": "tracking_no"}
        )
    await payment.shipment_done(session, shipment)
    shipment.status = SS.HANDED_OVER
    shipment.handed_over_at = utcnow()
    shipment.tracking_no = tracking_no
    await session.flush()
    if all(s.status in (SS.HANDED_OVER, SS.CANCELLED) for s in await repo.shipments(session, order.id)):
        target = OrderStatus.OUT_FOR_DELIVERY if order.fulfilment == "delivery" else OrderStatus.SHIPPED
        await state.transition(session, order, target, principal, tracking_no)
    return shipment, order


async def cancel_after_payment(session: AsyncSession, order: Order, actor: Any, reason: str) -> None:
    """Cancel a paid order: release all held stock and give back what was not refunded yet."""
    for line in await repo.order_lines(session, order.id):
        await inventory.release(session, "order_line", payment.line_ref(line), "order cancelled", actor)
    for shipment in await repo.shipments(session, order.id):
        if shipment.status not in (SS.HANDED_OVER, SS.DELIVERED):
            shipment.status = SS.CANCELLED
    await state.transition(
        session,
        order,
        OrderStatus.CANCELLED,
        actor,
        reason,
        cancel_reason=reason[:120],
        cancelled_at=utcnow(),
    )
    await payment.refund(
        session, order, order.paid_amount - order.refunded_amount, "order cancelled", actor=actor
    )


async def cancel_order(session: AsyncSession, order: Order, actor: Any, reason: str) -> Order:
    """Cancel before handover: an unpaid order gives its held stock back; a paid one is also refunded."""
    if order.status == OrderStatus.PENDING_PAYMENT:
        for line in await repo.order_lines(session, order.id):
            await inventory.release(session, "order_line", payment.line_ref(line), "order cancelled", actor)
        for shipment in await repo.shipments(session, order.id):
            shipment.status = SS.CANCELLED
        await state.transition(
            session,
            order,
            OrderStatus.CANCELLED,
            actor,
            reason,
            cancel_reason=reason[:120],
            cancelled_at=utcnow(),
        )
    elif state.allowed(order.status, OrderStatus.CANCELLED):
        await cancel_after_payment(session, order, actor, reason)
    else:
        raise state.refuse(order, OrderStatus.CANCELLED)
    await session.flush()
    return order
