"""Money in and out of an order: the member's own tenders (points, stored value) taken at checkout,
starting a payment for the rest, marking the order paid (once), refunding to the original tenders.
Provider payments go through the payments domain when it is installed; without it a sandbox tender is
recorded directly.

Refund rule: a refund is split across the order's tenders in proportion to what each still holds
(largest remainder, so the parts sum exactly); stored value goes back to the balance, points come back as
a new lot, provider money through the provider, cash and card at the till. Points the order earned are
taken back in the same proportion (refunded / paid, floored; all of them on a full refund). Coupons come
back only when the whole order is refunded, and only while they are still valid.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import ModuleType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.errors import OutOfStock, ValidationFailed
from backend.core.money import allocate
from backend.core.settings import get_settings
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.marketing import coupons
from backend.members import loyalty, wallet
from backend.members import repository as members_repo
from backend.orders import repository as repo
from backend.orders import state
from backend.orders.models import Order, OrderLine, OrderStatus, Refund, Shipment, ShipmentStatus, Tender
from backend.orders.schemas import PaymentStart

# Units of a paid order stay held until it is handed over; the hold is renewed when the order is paid.
PAID_HOLD = timedelta(days=30)
# Tenders the member pays from their own wallet (taken at checkout, given back on refund).
WALLET_METHODS = ("points", "stored_value")


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
            paid_amount=order.paid_amount + amount,
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
        session,
        order,
        OrderStatus.PAID,
        actor,
        f"paid by {method}",
        paid_at=now,
        paid_amount=order.paid_amount + amount,
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
        return PaymentStart(order_id=order.id, amount=amount_due(order), provider="none")
    paid = await service.create_payment(
        session,
        ref_type="order",
        ref_id=str(order.id),
        amount=amount_due(order),
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
        amount=amount_due(order),
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
    """Give ``amount`` back to the order's tenders (or the ``tenders`` named), split in proportion to what
    each still holds; wallet tenders go back to the member's wallet, provider tenders through the
    payments domain, cash and card at the till. Then the order's earned points, tier spend and coupons
    follow the refund (see the module's rule)."""
    if amount <= 0:
        return []
    service = payments_service()
    candidates = [
        t for t in (tenders or await repo.tenders(session, order.id)) if t.amount > t.refunded_amount
    ]
    rooms = [t.amount - t.refunded_amount for t in candidates]
    amount = min(amount, sum(rooms))
    if amount <= 0:
        return []
    done: list[Refund] = []
    for tender, part in zip(candidates, _split(amount, rooms), strict=True):
        if part <= 0:
            continue
        provider_id = None
        if tender.method in WALLET_METHODS:
            pass
        elif tender.payment_id and service is not None:
            result = await service.refund(session, int(tender.payment_id), part, reason, actor=actor)
            provider_id = result.no
        before = tender.refunded_amount
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
        await session.flush()
        if tender.method in WALLET_METHODS:
            await _refund_to_wallet(session, order, tender, before, part, row)
        done.append(row)
    order.refunded_amount += amount
    await session.flush()
    await _membership_after_refund(session, order, done)
    await state.notify(session, order, "order.refund", {"amount": amount, "reason": reason})
    return done


def _split(amount: int, rooms: list[int]) -> list[int]:
    """``amount`` across tenders in proportion to their room, never past a tender's room."""
    if amount >= sum(rooms):
        return list(rooms)
    return allocate(amount, rooms)


async def _refund_to_wallet(
    session: AsyncSession, order: Order, tender: Tender, before: int, part: int, row: Refund
) -> None:
    assert order.member_id is not None
    if tender.method == "stored_value":
        await wallet.refund_stored_value(
            session, order.member_id, part, "order", str(order.id), str(row.id), store_id=row.store_id
        )
        return
    spent = int(tender.reference or 0)
    back = spent * (before + part) // tender.amount - spent * before // tender.amount
    settings = await loyalty.config(session)
    await wallet.restore_points(
        session,
        order.member_id,
        back,
        "order_refund",
        f"{order.id}:{row.id}",
        valid_days=settings.points_valid_days,
    )


async def _membership_after_refund(session: AsyncSession, order: Order, done: list[Refund]) -> None:
    if order.member_id is None or not done:
        return
    key = str(done[0].id)
    ref = str(order.id)
    counted = await members_repo.spend_amount(session, order.member_id, "order", ref)
    money_back = sum(r.amount for r in done if r.method != "points")
    if counted is not None and money_back:
        await wallet.record_spend(
            session, order.member_id, -money_back, "refund", f"{ref}:{key}", utcnow(), done[0].store_id
        )
    earned = await members_repo.points_entry(session, order.member_id, "earn", "order", ref)
    if earned is not None and counted:
        # Refunds split across tenders in proportion, so the money refunded since completion over the
        # money counted at completion is the share of the order given back.
        given_back = await members_repo.spend_refunded(session, order.member_id, ref)
        target = earned.delta * min(given_back, counted) // counted
        already = await members_repo.points_taken_back(session, order.member_id, "order", ref)
        await wallet.take_back_earned(session, order.member_id, target - already, "order", ref, key)
    if order.refunded_amount >= order.paid_amount:
        lines = await repo.order_lines(session, order.id)
        await coupons.restore_after_refund(session, order_coupon_ids(order, lines), coupon_ref(order))


def coupon_ref(order: Order) -> str:
    """How an order's coupons name it: a till sale by its client id (known before the order exists)."""
    return f"sale:{order.client_id}" if order.client_id else f"order:{order.number}"


def order_coupon_ids(order: Order, lines: list[OrderLine] | None = None) -> list[int]:
    found = {int(d["coupon_id"]) for d in order.discounts or [] if d.get("coupon_id") is not None}
    for line in lines or []:
        found.update(int(d["coupon_id"]) for d in line.discounts or [] if d.get("coupon_id") is not None)
    return sorted(found)


def amount_due(order: Order) -> int:
    """What is left to pay through a provider after the member's wallet tenders."""
    return order.total - order.paid_amount


async def take_wallet_tenders(
    session: AsyncSession,
    order: Order,
    *,
    points_amount: int,
    stored_value: int,
    store_id: int | None,
) -> list[Tender]:
    """Pay part (or all) of an order from the member's points and stored value, in its transaction:
    conditional updates, so the balances never go below zero under concurrent checkouts."""
    if not points_amount and not stored_value:
        return []
    if order.member_id is None:
        raise ValidationFailed(
            "积分和储值支付须识别会员 / Points and stored value need a member.", detail={"member_id": None}
        )
    if points_amount + stored_value > order.total:
        raise ValidationFailed(
            "积分和储值超过应付金额 / Points and stored value exceed the total.",
            detail={"total": order.total, "points_amount": points_amount, "stored_value": stored_value},
        )
    taken: list[Tender] = []
    if points_amount:
        points = await loyalty.points_needed(session, points_amount, order.total)
        await wallet.redeem_points(
            session, order.member_id, points, "order", str(order.id), f"订单 {order.number}"
        )
        taken.append(Tender(order_id=order.id, method="points", amount=points_amount, reference=str(points)))
    if stored_value:
        await wallet.pay(
            session, get_settings(), order.member_id, stored_value, "order", str(order.id), store_id
        )
        taken.append(Tender(order_id=order.id, method="stored_value", amount=stored_value))
    session.add_all(taken)
    order.paid_amount += points_amount + stored_value
    await session.flush()
    return taken


async def settle_if_covered(session: AsyncSession, order: Order, actor: Any) -> None:
    """An online order the wallet tenders pay in full is paid at once."""
    from backend.orders.pickup import assign_code

    if order.status != OrderStatus.PENDING_PAYMENT or amount_due(order) > 0:
        return
    await hold_for_paid(session, order, actor)
    await state.transition(
        session, order, OrderStatus.PAID, actor, "paid from the member wallet", paid_at=utcnow()
    )
    if order.fulfilment == "pickup":
        await assign_code(session, order)
    await open_tasks(session, order)
    await session.flush()


async def on_completed(session: AsyncSession, order: Order) -> None:
    """A completed order earns its points and counts towards the member's tier (once)."""
    if order.member_id is None:
        return
    lines = await repo.order_lines(session, order.id)
    tenders = await repo.tenders(session, order.id)
    # What stays paid: short-picked units refunded before completion earn nothing.
    points_paid = sum(t.amount - t.refunded_amount for t in tenders if t.method == "points")
    totals = [max(0, ln.line_total - ln.refunded_amount) for ln in lines]
    shares = allocate(points_paid, totals) if points_paid else [0] * len(lines)
    categories = await _categories(session, [ln.sku_id for ln in lines])
    earn_lines = [
        loyalty.EarnLine(total - share, categories.get(ln.sku_id))
        for ln, total, share in zip(lines, totals, shares, strict=True)
    ]
    at = order.sold_at or utcnow()
    channel = "online" if order.channel == "online" else "in_store"
    points = await loyalty.order_points(session, order.member_id, earn_lines, channel, at)
    if points > 0:
        settings = await loyalty.config(session)
        await wallet.earn_points(
            session,
            order.member_id,
            points,
            "order",
            str(order.id),
            valid_days=settings.points_valid_days,
            note=f"订单 {order.number}",
        )
    money = order.total - order.refunded_amount - points_paid
    await wallet.record_spend(session, order.member_id, money, "order", str(order.id), at, order.store_id)


async def _categories(session: AsyncSession, sku_ids: list[int]) -> dict[int, int]:
    from backend.marketing import repository as marketing_repo

    return await marketing_repo.sku_categories(session, sku_ids)


async def on_cancelled(session: AsyncSession, order: Order) -> None:
    """A cancelled order gives its coupons back and its wallet tenders back to the wallet."""
    lines = await repo.order_lines(session, order.id)
    for coupon_id in order_coupon_ids(order, lines):
        await coupons.release_coupon(session, coupon_id, coupon_ref(order))
    own = [t for t in await repo.tenders(session, order.id) if t.method in WALLET_METHODS]
    room = sum(t.amount - t.refunded_amount for t in own)
    if room > 0:
        await refund(session, order, room, "order cancelled", tenders=own)


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
