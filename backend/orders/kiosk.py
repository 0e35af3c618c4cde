"""Kiosk checkout by QR: the basket is priced once and a payment opened for it; the payment's paid
handler records the sale, so the money and the sale land in one transaction on the backend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.errors import Forbidden, NotFound
from backend.core.time import utcnow
from backend.orders import payment, pos
from backend.orders.checkout import _check_catalog
from backend.orders.models import Channel, KioskCheckout
from backend.orders.pricer import CartContext, ContextLine, get_pricer
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
    priced = await get_pricer().price_cart(
        session,
        CartContext(
            lines=[ContextLine(sku, qty, store_id) for sku, qty in lines],
            member_id=body.member_id,
            channel=Channel.KIOSK,
            fulfilment="in_store",
            at=now,
        ),
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
    sale = PosSaleCreate(
        client_id=checkout.client_id,
        store_id=checkout.store_id,
        lines=[PosLineIn(sku_id=sku, quantity=qty) for sku, qty in checkout.lines],
        member_id=checkout.member_id,
        tenders=[TenderIn(method="sandbox_qr", amount=int(paid.amount), reference=getattr(paid, "no", None))],
        created_at=checkout.priced_at,
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
