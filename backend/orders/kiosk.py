"""Kiosk checkout by QR: the basket is priced once (its coupons held for it) and a payment opened for
it; the payment's paid handler records the sale, so the money and the sale land in one transaction on
the backend. A basket the member pays wholly from points and stored value is sold at once; a checkout
the shopper walks away from is cancelled, giving its coupons back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.errors import Forbidden, NotFound
from backend.core.time import utcnow
from backend.marketing import coupons
from backend.orders import payment, pos
from backend.orders import repository as repo
from backend.orders.checkout import _check_catalog, price_and_hold_coupons
from backend.orders.models import Channel, KioskCheckout
from backend.orders.pricer import CartContext, ContextLine
from backend.orders.schemas import KioskCheckoutCreate, PosLineIn, PosSaleCreate, TenderIn

REF_TYPE = "kiosk_sale"


async def _by_client_id(session: AsyncSession, client_id: str) -> KioskCheckout | None:
    return await session.scalar(select(KioskCheckout).where(KioskCheckout.client_id == client_id))


async def open_checkout(
    session: AsyncSession, principal: Principal, body: KioskCheckoutCreate
) -> KioskCheckout:
    """Price the kiosk's basket for payment; the same client id returns the same checkout."""
    if not principal.is_device:
        raise Forbidden("Only a store device opens a kiosk checkout.")
    existing = await _by_client_id(session, body.client_id)
    if existing is not None:
        if existing.device_id != principal.id:
            raise NotFound("No such kiosk checkout.")
        return existing
    store_id = principal.device_store_id
    if body.points_amount or body.stored_value:
        return await _sell_from_wallet(session, principal, body)
    sale = PosSaleCreate(
        client_id=body.client_id,
        store_id=store_id,
        lines=body.lines,
        cart_session_id=body.cart_session_id,
        member_id=body.member_id,
        tenders=[TenderIn(method="sandbox_qr", amount=1)],
    )
    lines = await pos._lines(session, principal, sale)
    await _check_catalog(session, lines)
    now = utcnow()
    priced = await price_and_hold_coupons(
        session,
        CartContext(
            lines=[ContextLine(sku, qty, store_id) for sku, qty in lines],
            member_id=body.member_id,
            channel=Channel.KIOSK,
            fulfilment="in_store",
            at=now,
            coupon_ids=None if body.coupon_ids is None else tuple(body.coupon_ids),
        ),
        f"sale:{body.client_id}",
    )
    checkout = KioskCheckout(
        client_id=body.client_id,
        device_id=principal.id,
        store_id=store_id,
        member_id=body.member_id,
        lines=[[sku, qty] for sku, qty in lines],
        total=priced.total,
        priced_at=now,
    )
    session.add(checkout)
    await session.flush()
    return checkout


async def _sell_from_wallet(
    session: AsyncSession, principal: Principal, body: KioskCheckoutCreate
) -> KioskCheckout:
    """The member pays the whole basket with points and stored value: the sale is made now."""
    tenders = [
        TenderIn(method=method, amount=amount)
        for method, amount in (("points", body.points_amount), ("stored_value", body.stored_value))
        if amount
    ]
    sale = PosSaleCreate(
        client_id=body.client_id,
        store_id=principal.device_store_id,
        lines=body.lines,
        cart_session_id=body.cart_session_id,
        member_id=body.member_id,
        tenders=tenders,
        coupon_ids=body.coupon_ids,
    )
    order, _, _ = await pos.create_sale(session, principal, sale)
    checkout = KioskCheckout(
        client_id=body.client_id,
        device_id=principal.id,
        store_id=principal.device_store_id,
        member_id=body.member_id,
        lines=[[ln.sku_id, ln.quantity] for ln in await repo.order_lines(session, order.id)],
        total=order.total,
        status="paid",
        order_id=order.id,
        priced_at=order.sold_at or utcnow(),
    )
    session.add(checkout)
    await session.flush()
    return checkout


async def cancel_checkout(session: AsyncSession, principal: Principal, client_id: str) -> KioskCheckout:
    """The shopper walked away: the unpaid checkout is closed and its coupons given back."""
    checkout = await _by_client_id(session, client_id)
    if checkout is None or not (principal.is_device and principal.id == checkout.device_id):
        raise NotFound("No such kiosk checkout.", detail={"client_id": client_id})
    if checkout.status != "awaiting_payment":
        raise Forbidden("This kiosk checkout is not awaiting payment.", detail={"status": checkout.status})
    ref = f"sale:{client_id}"
    for coupon_id in await coupons.held_by(session, ref):
        await coupons.release_coupon(session, coupon_id, ref)
    checkout.status = "cancelled"
    await session.flush()
    return checkout


async def _payable(session: AsyncSession, principal: Principal, ref_id: str) -> Any:
    service = payment.payments_service()
    assert service is not None
    checkout = await _by_client_id(session, ref_id)
    if checkout is None or not (principal.is_device and principal.id == checkout.device_id):
        raise NotFound("No such kiosk checkout.", detail={"client_id": ref_id})
    if checkout.status != "awaiting_payment":
        raise Forbidden("This kiosk checkout is already paid.", detail={"order_id": checkout.order_id})
    return service.PayableRef(
        amount=checkout.total,
        description="自助收银 / Self checkout",
        store_id=checkout.store_id,
        payer_member_id=checkout.member_id,
    )


async def _on_paid(session: AsyncSession, ref_id: str, paid: Any) -> None:
    """Record the sale the shopper just paid for (the goods are in their hands, so stock may fall short)."""
    checkout = await _by_client_id(session, ref_id)
    if checkout is None or checkout.order_id is not None:
        return
    device = Principal(kind="device", id=checkout.device_id, store_ids=frozenset({checkout.store_id}))
    # The coupons held for the checkout are used by the sale itself (released and taken again here).
    ref = f"sale:{checkout.client_id}"
    held = await coupons.held_by(session, ref)
    for coupon_id in held:
        await coupons.release_coupon(session, coupon_id, ref)
    sale = PosSaleCreate(
        client_id=checkout.client_id,
        store_id=checkout.store_id,
        lines=[PosLineIn(sku_id=sku, quantity=qty) for sku, qty in checkout.lines],
        member_id=checkout.member_id,
        tenders=[TenderIn(method="sandbox_qr", amount=int(paid.amount), reference=getattr(paid, "no", None))],
        created_at=checkout.priced_at,
        coupon_ids=held if checkout.member_id is not None else None,
    )
    order, _, _ = await pos.create_sale(session, device, sale, offline=True)
    checkout.status = "paid"
    checkout.order_id = order.id


def register_handlers() -> None:
    service = payment.payments_service()
    if service is None:
        return
    service.register_ref_checker(REF_TYPE, _payable)
    service.register_paid_handler(REF_TYPE, _on_paid)
