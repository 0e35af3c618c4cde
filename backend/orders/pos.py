"""Till sales (cashier or kiosk): stock leaves at once, tenders with change, a printable receipt with a
signed e-receipt QR, and offline batches applied exactly once by their client ids."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.core.errors import RetailError, ValidationFailed
from backend.core.money import yuan
from backend.core.security import qr_private_key
from backend.core.settings import Settings
from backend.core.time import as_utc, utcnow
from backend.inventory.service import stock as inventory
from backend.marketing.schemas import Quote, QuoteDiscount, QuotedLine
from backend.members import service as member_service
from backend.members.errors import MemberCodeInvalid
from backend.members.models import Member
from backend.orders import cart as carts
from backend.orders import payment, state
from backend.orders import repository as repo
from backend.orders.checkout import checked_catalog, new_number, order_line, price_and_hold_coupons
from backend.orders.errors import MemberCodeRequired, TenderShort, UnknownBarcode
from backend.orders.models import Channel, Order, OrderStatus, Tender
from backend.orders.pricer import CartContext, ContextLine, price
from backend.orders.schemas import OfflineResult, PosLineIn, PosQuoteCreate, PosSaleCreate, Receipt
from backend.stores.errors import StoreNotFound
from shared import codes

CASHIER_ROLES = (StaffRole.CASHIER, StaffRole.STORE_MANAGER)
# An offline sale spends member balances only if it is replayed within this time of being made.
OFFLINE_CODE_WINDOW = timedelta(hours=72)
RECEIPT_TTL = timedelta(days=730)
METHOD_ZH = {
    "cash": "现金",
    "card": "银行卡",
    "sandbox_qr": "扫码支付",
    "online": "在线支付",
    "stored_value": "储值",
    "points": "积分",
}


def till_store(principal: Principal, store_id: int | None) -> int:
    if principal.is_device:
        own = principal.device_store_id
        if store_id is not None and store_id != own:
            principal.require_store(store_id)
        return own
    principal.require_role(*CASHIER_ROLES)
    if store_id is None:
        raise ValidationFailed("Say which store the sale is at.", detail={"field": "store_id"})
    principal.require_store(store_id)
    return store_id


def till_member(
    settings: Settings | None,
    member_id: int | None,
    member_code: str | None,
    coupon_ids: list[int] | None,
    spends_wallet: bool,
    at: datetime,
) -> tuple[int | None, list[int] | None]:
    """(member id, coupon ids) for a till basket. Spending a member's stored value,
    points or coupons needs their current signed member code; without one a staff till sells at
    member prices but uses no coupon (a kiosk device alike). ``settings`` None: an internal caller that
    checked the member."""
    if settings is None:
        return member_id, coupon_ids
    if member_code is not None:
        coded = member_service.member_of_code(settings, member_code, at, member_service.SPEND_GRACE)
        if member_id is not None and member_id != coded:
            raise MemberCodeInvalid(
                "会员码不属于该会员 / The member code belongs to another member.",
                detail={"reason": "code belongs to another member", "member_id": member_id},
            )
        return coded, coupon_ids
    if member_id is not None and (spends_wallet or coupon_ids):
        raise MemberCodeRequired(detail={"member_id": member_id})
    if member_id is not None and coupon_ids is None:
        return member_id, []
    return member_id, coupon_ids


async def quote(
    session: AsyncSession, principal: Principal, body: PosQuoteCreate, settings: Settings
) -> Quote:
    """Price a till basket exactly as ``create_sale`` will (promotions, the member's best coupons, tier)."""
    store_id = till_store(principal, body.store_id)
    now = utcnow()
    member_id, coupon_ids = till_member(
        settings, body.member_id, body.member_code, body.coupon_ids, False, now
    )
    if member_id is not None and await session.get(Member, member_id) is None:
        raise ValidationFailed("没有这个会员 / No such member.", detail={"member_id": member_id})
    merged: dict[int, int] = defaultdict(int)
    await _add_scanned(session, body.lines, merged)
    lines = sorted(merged.items())
    await checked_catalog(session, lines)
    priced = await price(
        session,
        CartContext(
            lines=[ContextLine(sku, qty, store_id) for sku, qty in lines],
            member_id=member_id,
            channel=Channel.KIOSK if principal.is_device else Channel.POS,
            fulfilment="in_store",
            at=now,
            coupon_ids=None if coupon_ids is None else tuple(coupon_ids),
        ),
    )
    return Quote(
        lines=[
            QuotedLine(
                sku_id=ln.sku_id,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                discounts=[
                    QuoteDiscount(
                        rule=str(d.get("rule", "")),
                        amount=int(d["amount"]),
                        promotion_id=d.get("promotion_id"),
                        coupon_id=d.get("coupon_id"),
                    )
                    for d in ln.discounts
                ],
                line_total=ln.line_total,
            )
            for ln in priced.lines
        ],
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        total=priced.total,
        coupon_ids=priced.coupon_ids,
        gifts=[],
        hints=[],
    )


async def _add_scanned(session: AsyncSession, lines: list[PosLineIn], merged: dict[int, int]) -> None:
    """Add the till's lines to ``merged`` (SKU id → units); a scanned barcode must be a known one."""
    for line in lines:
        sku_id = line.sku_id
        if sku_id is None:
            assert line.barcode is not None
            sku_id = await repo.sku_id_by_barcode(session, line.barcode)
            if sku_id is None:
                raise UnknownBarcode(detail={"barcode": line.barcode})
        merged[sku_id] += line.quantity


async def _lines(session: AsyncSession, principal: Principal, body: PosSaleCreate) -> list[tuple[int, int]]:
    merged: dict[int, int] = defaultdict(int)
    if body.cart_session_id is not None:
        cart = await carts.get_cart(session, principal, body.cart_session_id, create=False)
        for line in await repo.cart_lines(session, cart.id) if cart else []:
            merged[line.sku_id] += line.quantity
    await _add_scanned(session, body.lines, merged)
    if not merged:
        raise ValidationFailed("Nothing to sell.", detail={"cart_session_id": body.cart_session_id})
    return sorted(merged.items())


def _wallet_amounts(body: PosSaleCreate) -> tuple[int, int]:
    """(points, stored value) fen the member pays from their wallet."""
    points = sum(t.amount for t in body.tenders if t.method == "points")
    stored = sum(t.amount for t in body.tenders if t.method == "stored_value")
    return points, stored


def _tenders(body: PosSaleCreate, total: int) -> list[Tender]:
    """The till tenders (cash with change, card, QR); the wallet tenders are taken separately."""
    wallet_sum = sum(_wallet_amounts(body))
    other = [t for t in body.tenders if t.method not in ("cash", "stored_value", "points")]
    cash_given = sum(t.amount for t in body.tenders if t.method == "cash")
    other_sum = sum(t.amount for t in other) + wallet_sum
    if other_sum > total:
        raise ValidationFailed(
            "非现金支付超过应付金额 / Card, QR, points and stored value exceed the total.",
            detail={"total": total, "non_cash": other_sum},
        )
    cash_due = total - other_sum
    if cash_given < cash_due:
        raise TenderShort(
            detail={"total": total, "paid": other_sum + cash_given, "short": cash_due - cash_given}
        )
    tenders = [
        Tender(method=t.method, amount=t.amount, tendered=t.amount, reference=t.reference) for t in other
    ]
    if cash_given:
        if cash_due == 0:
            raise ValidationFailed("No cash is due.", detail={"total": total, "non_cash": other_sum})
        tenders.append(
            Tender(method="cash", amount=cash_due, tendered=cash_given, change=cash_given - cash_due)
        )
    return tenders


async def create_sale(
    session: AsyncSession,
    principal: Principal,
    body: PosSaleCreate,
    *,
    offline: bool = False,
    settings: Settings | None = None,
) -> tuple[Order, bool, list[dict[str, int]]]:
    """Sell at the till; returns (order, replayed, shortfall lines). A replayed client id changes nothing.

    ``settings`` given (the till endpoints): spending member balances is checked against the member code.
    """
    existing = await repo.order_by_client_id(session, body.client_id)
    if existing is not None:
        return existing, True, []
    store_id = till_store(principal, body.store_id)
    store = await repo.get_store(session, store_id)
    if store is None:
        raise StoreNotFound(detail={"store_id": store_id})
    now = utcnow()
    sold_at = as_utc(body.created_at) if body.created_at else now
    if sold_at > now + timedelta(minutes=5):
        raise ValidationFailed(
            "A sale cannot happen in the future.", detail={"created_at": sold_at.isoformat()}
        )
    if body.member_code is not None and offline and sold_at < now - OFFLINE_CODE_WINDOW:
        raise MemberCodeInvalid(detail={"reason": "offline sale too old to spend member balances"})
    # A queued sale is checked against the code as of when it was made (bounded by OFFLINE_CODE_WINDOW),
    # so a sale that spent balances replays after the code lapsed; an online sale is checked as of now.
    member_id, coupon_ids = till_member(
        settings,
        body.member_id,
        body.member_code,
        body.coupon_ids,
        any(_wallet_amounts(body)),
        sold_at if offline else now,
    )
    if member_id != body.member_id or coupon_ids != body.coupon_ids:
        body = body.model_copy(update={"member_id": member_id, "coupon_ids": coupon_ids})
    if body.member_id is not None and await session.get(Member, body.member_id) is None:
        raise ValidationFailed("没有这个会员 / No such member.", detail={"member_id": body.member_id})
    lines = await _lines(session, principal, body)
    catalog = await checked_catalog(session, lines)
    channel = Channel.KIOSK if principal.is_device else Channel.POS
    priced = await price_and_hold_coupons(
        session,
        CartContext(
            lines=[ContextLine(sku, qty, store_id) for sku, qty in lines],
            member_id=body.member_id,
            channel=channel,
            fulfilment="in_store",
            at=sold_at,
            coupon_ids=None if body.coupon_ids is None else tuple(body.coupon_ids),
        ),
        f"sale:{body.client_id}",
    )
    tenders = _tenders(body, priced.total)
    points_amount, stored_value = _wallet_amounts(body)
    order = Order(
        number=await new_number(session, now),
        channel=channel,
        fulfilment="in_store",
        status=OrderStatus.COMPLETED,
        member_id=body.member_id,
        store_id=store_id,
        cashier_kind=principal.kind,
        cashier_id=principal.id,
        client_id=body.client_id,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        shipping_fee=0,
        total=priced.total,
        paid_amount=priced.total - points_amount - stored_value,
        discounts=priced.order_discounts,
        sold_at=sold_at,
        paid_at=sold_at,
        completed_at=sold_at,
    )
    try:
        async with session.begin_nested():
            session.add(order)
            await session.flush()
    except IntegrityError:
        existing = await repo.order_by_client_id(session, body.client_id)
        if existing is None:
            raise
        return existing, True, []
    for data in priced.lines:
        session.add(order_line(order.id, store_id, data, *catalog[data.sku_id], handed_over=True))
    await payment.take_wallet_tenders(
        session, order, points_amount=points_amount, stored_value=stored_value, store_id=store_id
    )
    for tender in tenders:
        tender.order_id = order.id
        session.add(tender)
    await _record_tenders(session, principal, order, body, tenders)
    sold = await inventory.sell(
        session, store_id, lines, "order", str(order.id), principal, allow_shortfall=offline
    )
    await state.record_created(session, order, principal, "offline sale" if offline else "till sale")
    if body.cart_session_id is not None:
        cart = await carts.get_cart(session, principal, body.cart_session_id, create=False)
        if cart is not None:
            await carts.clear(session, cart)
    await session.flush()
    shortfall = [{"sku_id": s.sku_id, "shortfall": s.shortfall} for s in sold if s.shortfall]
    return order, False, shortfall


async def _record_tenders(
    session: AsyncSession, principal: Principal, order: Order, body: PosSaleCreate, tenders: list[Tender]
) -> None:
    """Cash and card go on the payments domain's books too, so they are refunded through it."""
    service = payment.payments_service()
    if service is None:
        return
    for index, tender in enumerate(tenders):
        if tender.method not in ("cash", "card"):
            continue
        paid = await service.record_offline_tender(
            session,
            ref_type="till_sale",
            ref_id=str(order.id),
            amount=tender.amount,
            tender=tender.method,
            description=f"门店销售 {order.number}",
            store_id=order.store_id,
            terminal_ref=tender.reference,
            payer_member_id=body.member_id,
            idempotency_key=f"till-{body.client_id}-{index}",
            actor=principal,
        )
        tender.payment_id = str(paid.id)


async def upload_offline(
    session: AsyncSession, principal: Principal, sales: list[PosSaleCreate], settings: Settings | None = None
) -> list[OfflineResult]:
    """Apply sales made while the till was offline, each once; one bad sale does not stop the others."""
    results: list[OfflineResult] = []
    for body in sales:
        try:
            async with session.begin_nested():
                order, replayed, shortfall = await create_sale(
                    session, principal, body, offline=True, settings=settings
                )
        except RetailError as exc:
            results.append(
                OfflineResult(
                    client_id=body.client_id, status="rejected", error=exc.code, message=exc.message
                )
            )
            continue
        results.append(
            OfflineResult(
                client_id=body.client_id,
                status="duplicate" if replayed else "applied",
                order_id=order.id,
                number=order.number,
                shortfall=shortfall,
            )
        )
    return results


async def receipt(session: AsyncSession, order: Order, settings: Settings) -> Receipt:
    store = await repo.get_store(session, order.store_id) if order.store_id else None
    lines = await repo.order_lines(session, order.id)
    tenders = await repo.tenders(session, order.id)
    sold_at = order.sold_at or order.created_at
    qr = codes.sign(
        qr_private_key(settings.var_dir),
        "receipt",
        {"o": order.id, "n": order.number, "t": order.total, "s": order.store_id},
        int(RECEIPT_TTL.total_seconds()),
    )
    line_data: list[dict[str, Any]] = [
        {
            "sku_id": ln.sku_id,
            "name_zh": ln.name_zh,
            "name_en": ln.name_en,
            "specs": ln.specs,
            "quantity": ln.quantity,
            "unit_price": ln.unit_price,
            "discount": ln.discount_total,
            "line_total": ln.line_total,
        }
        for ln in lines
    ]
    tender_data = [
        {"method": t.method, "amount": t.amount, "tendered": t.tendered, "change": t.change} for t in tenders
    ]
    change = sum(t.change for t in tenders)
    local = sold_at.astimezone(ZoneInfo(store.timezone if store else "Asia/Shanghai"))
    width = 32
    out = [
        (store.name_zh if store else "OMO Retail").center(width),
        f"单号：{order.number}",
        f"时间：{local:%Y-%m-%d %H:%M:%S}",
        "-" * width,
    ]
    for ln in lines:
        spec = " ".join(str(v) for v in (ln.specs or {}).values())
        out.append(f"{ln.name_zh}{(' ' + spec) if spec else ''}")
        out.append(f"  {ln.quantity} x {yuan(ln.unit_price)}".ljust(20) + yuan(ln.line_total).rjust(12))
    out.append("-" * width)
    out.append("合计：".ljust(20) + yuan(order.subtotal).rjust(12))
    if order.discount_total:
        out.append("优惠：".ljust(20) + ("-" + yuan(order.discount_total)).rjust(12))
    out.append("应付：".ljust(20) + yuan(order.total).rjust(12))
    for t in tenders:
        out.append(
            f"{METHOD_ZH.get(t.method, t.method)}：".ljust(20) + yuan(t.tendered or t.amount).rjust(12)
        )
    if change:
        out.append("找零：".ljust(20) + yuan(change).rjust(12))
    out += ["-" * width, "扫码查看电子小票", "谢谢惠顾，欢迎再次光临！"]
    return Receipt(
        order_id=order.id,
        number=order.number,
        store_id=order.store_id,
        store_name=store.name_zh if store else "",
        sold_at=sold_at,
        lines=line_data,
        subtotal=order.subtotal,
        discount_total=order.discount_total,
        total=order.total,
        tenders=tender_data,
        change=change,
        qr=qr,
        text="\n".join(out),
    )
