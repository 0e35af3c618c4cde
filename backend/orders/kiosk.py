"""Kiosk checkout: the basket (the session's cart plus the scale-labelled packs the kiosk holds) is priced
once, its coupons held for it, and paid by a QR payment whose paid handler records the sale, so the money
and the sale land in one transaction on the backend. The member's stored value and points pay the whole
basket (sold at once) or part of it, taken when the checkout opens, the QR paying the rest; a checkout
the shopper walks away from is cancelled, giving the coupons and stored value back.

Spending a member's balances needs the member's current signed member code, so a checkout naming a
member carries the code scanned from their phone and is refused without it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.core.money import yuan
from backend.core.settings import Settings, get_settings
from backend.core.time import utcnow
from backend.inventory.errors import OutOfStock
from backend.inventory.service import stock as inventory
from backend.marketing import coupons
from backend.members import service as member_service
from backend.members import wallet
from backend.members.errors import MemberCodeInvalid
from backend.members.models import Member
from backend.orders import cart as carts
from backend.orders import payment, state
from backend.orders import repository as repo
from backend.orders.cart import ScaleLine
from backend.orders.checkout import checked_catalog, new_number, order_line, price_and_hold_coupons
from backend.orders.errors import MemberCodeRequired, UnknownBarcode
from backend.orders.models import Channel, KioskCheckout, Order, OrderStatus, Tender
from backend.orders.pricer import CartContext, ContextLine, PricedCart, PricedLineData
from backend.orders.schemas import KioskBasketIn, KioskCheckoutCreate, KioskLineIn, PricedCartOut

REF_TYPE = "kiosk_sale"
# The stored value a checkout holds until its QR payment is paid (or the checkout cancelled).
HOLD_REF = "kiosk_checkout"


class Basket:
    """What a kiosk sells: plain lines merged per SKU, and scale-labelled packs per label."""

    def __init__(self, plain: dict[int, int], scale: dict[str, ScaleLine]) -> None:
        self.plain = dict(sorted(plain.items()))
        self.scale = scale

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [*self.plain.items(), *((s.sku_id, s.quantity) for s in self.scale.values())]

    def stock_lines(self) -> list[tuple[int, int]]:
        """Units of stock per SKU (a labelled pack is one unit)."""
        merged: dict[int, int] = defaultdict(int)
        for sku_id, qty in self.pairs:
            merged[sku_id] += qty
        return sorted(merged.items())

    def context(self, store_id: int) -> list[ContextLine]:
        return [
            *(ContextLine(sku, qty, store_id) for sku, qty in self.plain.items()),
            *(s.context(store_id) for s in self.scale.values()),
        ]

    def stored(self) -> list[list[Any]]:
        return [
            *([sku, qty] for sku, qty in self.plain.items()),
            *([s.sku_id, s.quantity, s.code] for s in self.scale.values()),
        ]

    @classmethod
    async def from_stored(cls, session: AsyncSession, lines: list[list[Any]]) -> Basket:
        plain: dict[int, int] = defaultdict(int)
        scale: dict[str, ScaleLine] = {}
        for line in lines:
            if len(line) > 2:
                found = await carts.scale_line(session, str(line[2]), int(line[1]))
                assert found is not None
                scale[found.code] = found
            else:
                plain[int(line[0])] += int(line[1])
        return cls(plain, scale)


async def basket(
    session: AsyncSession, principal: Principal, cart_session_id: str | None, lines: list[KioskLineIn]
) -> Basket:
    """The session's cart plus the given lines; a barcode that is a scale label becomes a priced pack."""
    plain: dict[int, int] = defaultdict(int)
    scale: dict[str, ScaleLine] = {}
    if cart_session_id is not None:
        cart = await carts.get_cart(session, principal, cart_session_id, create=False)
        for line in await repo.cart_lines(session, cart.id) if cart else []:
            plain[line.sku_id] += line.quantity
    for line in lines:
        if line.sku_id is not None:
            plain[line.sku_id] += line.quantity
            continue
        assert line.barcode is not None
        label = await carts.scale_line(session, line.barcode, line.quantity)
        if label is not None:
            before = scale.get(label.code)
            if before is not None:
                label = ScaleLine(
                    label.code, label.sku_id, before.quantity + label.quantity, label.weight_g, label.price
                )
            scale[label.code] = label
            continue
        sku_id = await repo.sku_id_by_barcode(session, line.barcode)
        if sku_id is None:
            raise UnknownBarcode(detail={"barcode": line.barcode})
        plain[sku_id] += line.quantity
    if not plain and not scale:
        raise ValidationFailed("Nothing to sell.", detail={"cart_session_id": cart_session_id})
    return Basket(plain, scale)


async def price_basket(session: AsyncSession, principal: Principal, body: KioskBasketIn) -> PricedCartOut:
    """The kiosk's basket as the shopper sees it: the session's cart and its scale-labelled packs."""
    if not principal.is_device:
        raise Forbidden("Only a store device prices a kiosk basket.")
    plain: dict[int, int] = defaultdict(int)
    cart = await carts.get_cart(session, principal, body.cart_session_id, create=False)
    for line in await repo.cart_lines(session, cart.id) if cart else []:
        plain[line.sku_id] += line.quantity
    found = await basket(session, principal, None, body.lines) if body.lines else Basket({}, {})
    for sku_id, qty in found.plain.items():
        plain[sku_id] += qty
    return await carts.describe(
        session,
        principal.device_store_id,
        sorted(plain.items()),
        channel=Channel.KIOSK,
        fulfilment="in_store",
        scale=list(found.scale.values()),
    )


def verified_member(settings: Settings, member_id: int | None, member_code: str | None) -> int | None:
    """The member the checkout names, once their scanned code proves they are at the kiosk now."""
    if member_id is None:
        return None
    if member_code is None:
        raise MemberCodeRequired(detail={"member_id": member_id})
    coded = member_service.member_of_code(settings, member_code, utcnow(), member_service.SPEND_GRACE)
    if coded != member_id:
        raise MemberCodeInvalid(
            "会员码不属于该会员 / The member code belongs to another member.",
            detail={"reason": "code belongs to another member", "member_id": member_id},
        )
    return member_id


async def _check_stock(session: AsyncSession, store_id: int, found: Basket) -> None:
    """Refuse a basket the store's stock does not cover (it is never sold twice)."""
    wanted = found.stock_lines()
    available = await repo.availability(session, [store_id], [sku for sku, _ in wanted])
    short = [
        {"sku_id": sku, "requested": qty, "available": available.get((store_id, sku), 0)}
        for sku, qty in wanted
        if qty > available.get((store_id, sku), 0)
    ]
    if short:
        raise OutOfStock(detail={"lines": short})


async def _by_client_id(session: AsyncSession, client_id: str) -> KioskCheckout | None:
    return await session.scalar(select(KioskCheckout).where(KioskCheckout.client_id == client_id))


async def own_checkout(session: AsyncSession, principal: Principal, client_id: str) -> KioskCheckout:
    checkout = await _by_client_id(session, client_id)
    if checkout is None or not (principal.is_device and principal.id == checkout.device_id):
        raise NotFound("No such kiosk checkout.", detail={"client_id": client_id})
    return checkout


async def open_checkout(
    session: AsyncSession, principal: Principal, body: KioskCheckoutCreate, settings: Settings | None = None
) -> KioskCheckout:
    """Price the kiosk's basket for payment; the same client id returns the same checkout."""
    if not principal.is_device:
        raise Forbidden("Only a store device opens a kiosk checkout.")
    existing = await _by_client_id(session, body.client_id)
    if existing is not None:
        if existing.device_id != principal.id:
            raise NotFound("No such kiosk checkout.")
        return existing
    member_id = verified_member(settings or get_settings(), body.member_id, body.member_code)
    if member_id is not None and await session.get(Member, member_id) is None:
        raise ValidationFailed("没有这个会员 / No such member.", detail={"member_id": member_id})
    store_id = principal.device_store_id
    found = await basket(session, principal, body.cart_session_id, body.lines)
    await checked_catalog(session, found.pairs)
    await _check_stock(session, store_id, found)
    now = utcnow()
    priced = await price_and_hold_coupons(
        session,
        CartContext(
            lines=found.context(store_id),
            member_id=member_id,
            channel=Channel.KIOSK,
            fulfilment="in_store",
            at=now,
            coupon_ids=None if body.coupon_ids is None else tuple(body.coupon_ids),
        ),
        f"sale:{body.client_id}",
    )
    from_wallet = body.points_amount + body.stored_value
    if from_wallet > priced.total:
        raise ValidationFailed(
            "积分和储值超过应付金额 / Points and stored value exceed the total.",
            detail={
                "total": priced.total,
                "points_amount": body.points_amount,
                "stored_value": body.stored_value,
            },
        )
    checkout = KioskCheckout(
        client_id=body.client_id,
        device_id=principal.id,
        store_id=store_id,
        member_id=member_id,
        lines=found.stored(),
        total=priced.total,
        priced_at=now,
        stored_value=body.stored_value,
        points_amount=body.points_amount,
    )
    if from_wallet and from_wallet == priced.total:
        # The wallet pays it all: the sale is made now.
        order = await _write_sale(
            session,
            principal,
            checkout,
            found,
            priced,
            qr=None,
            allow_shortfall=False,
            clear_session=body.cart_session_id,
        )
        checkout.status, checkout.order_id = "paid", order.id
    elif body.points_amount:
        raise ValidationFailed(
            "积分须与储值一起付清全部金额 / At the kiosk, points pay only together with stored value for "
            "the whole basket.",
            detail={"total": priced.total, "points_amount": body.points_amount},
        )
    elif body.stored_value:
        # Part from stored value, held now so the QR payment for the rest can never leave it half paid.
        assert member_id is not None
        await wallet.pay(
            session, get_settings(), member_id, body.stored_value, HOLD_REF, body.client_id, store_id
        )
    session.add(checkout)
    await session.flush()
    return checkout


async def _release_wallet(session: AsyncSession, checkout: KioskCheckout) -> None:
    """Give back the stored value the checkout holds (once, however often it is asked)."""
    if checkout.stored_value and checkout.member_id is not None and checkout.status != "paid":
        await wallet.refund_stored_value(
            session,
            checkout.member_id,
            checkout.stored_value,
            HOLD_REF,
            checkout.client_id,
            "released",
            store_id=checkout.store_id,
        )


async def _cancel(session: AsyncSession, checkout: KioskCheckout, reason: str) -> bool:
    """Close an unpaid checkout, giving back its coupons and stored value; False if it is not unpaid."""
    service = payment.payments_service()
    if service is not None and checkout.status == "awaiting_payment":
        # Its QR payment is closed first; one paid meanwhile records the sale instead.
        for opened in await service.payments_for(session, REF_TYPE, checkout.client_id):
            await service.close_payment(session, opened.id, reason)
    if checkout.status != "awaiting_payment":
        return False
    ref = f"sale:{checkout.client_id}"
    for coupon_id in await coupons.held_by(session, ref):
        await coupons.release_coupon(session, coupon_id, ref)
    await _release_wallet(session, checkout)
    checkout.status = "cancelled"
    await session.flush()
    return True


async def cancel_checkout(session: AsyncSession, principal: Principal, client_id: str) -> KioskCheckout:
    """The shopper walked away: the unpaid checkout is closed, its coupons and stored value given back."""
    checkout = await own_checkout(session, principal, client_id)
    if not await _cancel(session, checkout, "kiosk checkout cancelled"):
        raise Forbidden("This kiosk checkout is not awaiting payment.", detail={"status": checkout.status})
    return checkout


# Longer than a QR payment stays open (OMO_PAY_PAYMENT_MINUTES, 30 by default), so a shopper still
# paying is never cut off.
STALE_AFTER = timedelta(minutes=60)


async def cancel_stale(session: AsyncSession, now: datetime, limit: int = 200) -> int:
    """Close checkouts a kiosk left unpaid (it died or lost its network): holds are never kept forever."""
    stale = await session.scalars(
        select(KioskCheckout)
        .where(KioskCheckout.status == "awaiting_payment", KioskCheckout.created_at < now - STALE_AFTER)
        .order_by(KioskCheckout.id)
        .limit(limit)
    )
    closed = 0
    for checkout in list(stale):
        closed += await _cancel(session, checkout, "kiosk checkout abandoned")
    return closed


async def sale_of(session: AsyncSession, principal: Principal, client_id: str) -> Order:
    """The sale a paid checkout recorded (with its payment); refused while it is unpaid."""
    checkout = await own_checkout(session, principal, client_id)
    order = await repo.get_order(session, checkout.order_id) if checkout.order_id else None
    if order is None:
        raise Conflict(
            "该结账尚未付款 / This kiosk checkout is not paid.", detail={"status": checkout.status}
        )
    return order


async def _payable(session: AsyncSession, principal: Principal, ref_id: str) -> Any:
    service = payment.payments_service()
    assert service is not None
    checkout = await own_checkout(session, principal, ref_id)
    if checkout.status != "awaiting_payment":
        raise Forbidden("This kiosk checkout is already paid.", detail={"order_id": checkout.order_id})
    return service.PayableRef(
        amount=checkout.total - checkout.stored_value - checkout.points_amount,
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
    # The coupons and stored value held for the checkout are used by the sale itself (given back and
    # taken again here, against the order).
    ref = f"sale:{checkout.client_id}"
    held = await coupons.held_by(session, ref)
    for coupon_id in held:
        await coupons.release_coupon(session, coupon_id, ref)
    await _release_wallet(session, checkout)
    found = await Basket.from_stored(session, checkout.lines)
    priced = await price_and_hold_coupons(
        session,
        CartContext(
            lines=found.context(checkout.store_id),
            member_id=checkout.member_id,
            channel=Channel.KIOSK,
            fulfilment="in_store",
            at=checkout.priced_at,
            coupon_ids=tuple(held) if checkout.member_id is not None else None,
        ),
        ref,
    )
    qr = (int(paid.amount), getattr(paid, "no", None))
    order = await _write_sale(session, device, checkout, found, priced, qr=qr, allow_shortfall=True)
    checkout.status = "paid"
    checkout.order_id = order.id


def _label_specs(data: PricedLineData) -> dict[str, str]:
    """What a scale label adds to the line's specs (printed on the receipt after the name)."""
    if data.weight_g is not None:
        return {"净重": f"{data.weight_g} g", "单价": f"¥{yuan(data.price_per_kg or 0)}/kg"}
    if data.label_price is not None:
        return {"标签价": f"¥{yuan(data.label_price)}"}
    return {}


async def _write_sale(
    session: AsyncSession,
    principal: Principal,
    checkout: KioskCheckout,
    found: Basket,
    priced: PricedCart,
    *,
    qr: tuple[int, str | None] | None,
    allow_shortfall: bool,
    clear_session: str | None = None,
) -> Order:
    """The completed kiosk sale: lines (scale packs with their weight), wallet and QR tenders, stock out."""
    existing = await repo.order_by_client_id(session, checkout.client_id)
    if existing is not None:
        return existing
    wallet_part = checkout.stored_value + checkout.points_amount
    paid = wallet_part + (qr[0] if qr else 0)
    if paid != priced.total:
        raise ValidationFailed(
            "付款金额与应付金额不符 / The payment does not match the total.",
            detail={"total": priced.total, "paid": paid},
        )
    sold_at: datetime = checkout.priced_at or utcnow()
    order = Order(
        number=await new_number(session, utcnow()),
        channel=Channel.KIOSK,
        fulfilment="in_store",
        status=OrderStatus.COMPLETED,
        member_id=checkout.member_id,
        store_id=checkout.store_id,
        cashier_kind=principal.kind,
        cashier_id=principal.id,
        client_id=checkout.client_id,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        shipping_fee=0,
        total=priced.total,
        paid_amount=priced.total - wallet_part,
        discounts=priced.order_discounts,
        sold_at=sold_at,
        paid_at=sold_at,
        completed_at=sold_at,
    )
    session.add(order)
    await session.flush()
    catalog = await repo.skus_with_products(session, [sku for sku, _ in found.pairs])
    for data in priced.lines:
        session.add(
            order_line(
                order.id,
                checkout.store_id,
                data,
                *catalog[data.sku_id],
                specs=_label_specs(data),
                handed_over=True,
            )
        )
    await payment.take_wallet_tenders(
        session,
        order,
        points_amount=checkout.points_amount,
        stored_value=checkout.stored_value,
        store_id=checkout.store_id,
    )
    if qr is not None:
        session.add(
            Tender(order_id=order.id, method="sandbox_qr", amount=qr[0], tendered=qr[0], reference=qr[1])
        )
    await inventory.sell(
        session,
        checkout.store_id,
        found.stock_lines(),
        "order",
        str(order.id),
        principal,
        allow_shortfall=allow_shortfall,
    )
    await state.record_created(session, order, principal, "kiosk sale")
    if clear_session is not None:
        cart = await carts.get_cart(session, principal, clear_session, create=False)
        if cart is not None:
            await carts.clear(session, cart)
    await session.flush()
    return order


def register_handlers() -> None:
    service = payment.payments_service()
    if service is None:
        return
    service.register_ref_checker(REF_TYPE, _payable)
    service.register_paid_handler(REF_TYPE, _on_paid)
