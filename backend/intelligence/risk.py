"""Risk control: rate limits on coupon claiming and ordering (per account, device and IP, through
``core/ratelimit.py``: Redis when configured, in-process otherwise), and abnormal-order rules that put a
new order on hold (status ``held``) for HQ to release to payment or reject.

Rules:
- ``new_accounts_on_device``: at least 3 accounts younger than 7 days claimed coupons from one device
  within 24 hours (new-member coupon farming); their orders from that device are held.
- ``hoarding``: at least 3 accounts ordered within 24 hours to one delivery phone/address or from one
  device (flash-sale hoarding through several accounts).
- ``impossible_address``: a delivery or shipping address outside China's coordinates, at (0, 0), with a
  phone that is not a mainland mobile number, or with too little text to find.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import NotFound
from backend.core.ratelimit import Rule, client_ip
from backend.core.time import utcnow
from backend.intelligence import repository as repo
from backend.intelligence.models import RiskHold, RiskSignal
from backend.intelligence.schemas import HoldDecision
from backend.inventory.service import stock as inventory
from backend.members.models import Member
from backend.orders import payment, state
from backend.orders import repository as orders_repo
from backend.orders.models import Order, OrderStatus, ShipmentStatus

DEVICE_HEADER = "x-device-id"
NEW_ACCOUNT_DAYS = 7
WINDOW = timedelta(hours=24)
DEVICE_NEW_ACCOUNTS = 3
SHARED_ACCOUNTS = 3
MOBILE = re.compile(r"^1[3-9]\d{9}$")

# Per account and device the limits are tight; per IP they are loose, as many shoppers share a carrier's
# address (and a whole store's customers its Wi-Fi) during a flash sale.
CLAIM_RULES = (
    Rule("coupon_claim_member", 10, 60),
    Rule("coupon_claim_device", 20, 60),
    Rule("coupon_claim_ip", 1000, 60),
)
ORDER_RULES = (Rule("order_member", 60, 60), Rule("order_device", 120, 60), Rule("order_ip", 1000, 60))


def device_of(request: Request) -> str | None:
    value = (request.headers.get(DEVICE_HEADER) or "").strip()
    return value[:80] or None


async def _limit(request: Request, rules: tuple[Rule, Rule, Rule], principal: Principal) -> None:
    limiter = request.app.state.rate_limiter
    await limiter.hit(rules[0], f"m{principal.id}")
    device = device_of(request)
    if device:
        await limiter.hit(rules[1], device)
    await limiter.hit(rules[2], client_ip(request))


async def guard_claim(request: Request, session: AsyncSession, principal: Principal) -> None:
    """Rate-limit a coupon claim and remember which device and IP it came from."""
    await _limit(request, CLAIM_RULES, principal)
    session.add(
        RiskSignal(kind="claim", member_id=principal.id, device=device_of(request), ip=client_ip(request))
    )


async def guard_order(request: Request, principal: Principal) -> None:
    """Rate-limit placing orders."""
    await _limit(request, ORDER_RULES, principal)


def _address_key(address: dict[str, Any] | None) -> str | None:
    if not address:
        return None
    phone = re.sub(r"\D", "", str(address.get("phone") or ""))
    text = re.sub(r"\s+", "", str(address.get("text") or ""))
    return (phone or text)[:64] or None


def impossible_address(address: dict[str, Any] | None) -> str | None:
    """Why an address cannot be real, or None."""
    if not address:
        return None
    lat, lng = address.get("latitude"), address.get("longitude")
    if lat is not None and lng is not None:
        if abs(lat) < 1e-6 and abs(lng) < 1e-6:
            return "coordinates are (0, 0)"
        if not (18.0 <= lat <= 54.0 and 73.0 <= lng <= 135.5):
            return f"coordinates ({lat:.4f}, {lng:.4f}) are outside China"
    phone = re.sub(r"\D", "", str(address.get("phone") or ""))
    if phone and not MOBILE.match(phone):
        return f"phone {phone} is not a mainland mobile number"
    if len(str(address.get("text") or "").strip()) < 6:
        return "the address text is too short to deliver to"
    return None


async def _new_accounts_on(session: AsyncSession, device: str, since: Any) -> int:
    young = utcnow() - timedelta(days=NEW_ACCOUNT_DAYS)
    return int(
        await session.scalar(
            select(func.count(func.distinct(RiskSignal.member_id)))
            .join(Member, Member.id == RiskSignal.member_id)
            .where(
                RiskSignal.kind == "claim",
                RiskSignal.device == device,
                RiskSignal.at >= since,
                Member.created_at >= young,
            )
        )
        or 0
    )


async def _accounts_sharing(session: AsyncSession, column: Any, value: str, since: Any) -> int:
    return int(
        await session.scalar(
            select(func.count(func.distinct(RiskSignal.member_id))).where(
                RiskSignal.kind == "order", column == value, RiskSignal.at >= since
            )
        )
        or 0
    )


async def screen_order(session: AsyncSession, request: Request, order: Order) -> RiskHold | None:
    """Check a newly placed order against the rules; hold it for review if any fires."""
    now = utcnow()
    since = now - WINDOW
    device = device_of(request)
    address = _address_key(order.address)
    assert order.member_id is not None
    session.add(
        RiskSignal(kind="order", member_id=order.member_id, device=device, ip=client_ip(request), ref=address)
    )
    await session.flush()
    fired: list[dict[str, Any]] = []
    if device:
        accounts = await _new_accounts_on(session, device, since)
        member = await session.get(Member, order.member_id)
        young = member is not None and member.created_at >= now - timedelta(days=NEW_ACCOUNT_DAYS)
        if accounts >= DEVICE_NEW_ACCOUNTS and young:
            fired.append({"rule": "new_accounts_on_device", "device": device, "accounts": accounts})
        shared = await _accounts_sharing(session, RiskSignal.device, device, since)
        if shared >= SHARED_ACCOUNTS:
            fired.append({"rule": "hoarding", "by": "device", "device": device, "accounts": shared})
    if address:
        shared = await _accounts_sharing(session, RiskSignal.ref, address, since)
        if shared >= SHARED_ACCOUNTS:
            fired.append({"rule": "hoarding", "by": "address", "accounts": shared})
    if order.fulfilment in ("delivery", "shipping"):
        why = impossible_address(order.address)
        if why:
            fired.append({"rule": "impossible_address", "reason": why})
    if not fired:
        return None
    hold = RiskHold(order_id=order.id, rules=fired, status="held")
    session.add(hold)
    await state.transition(session, order, OrderStatus.HELD, None, "风控审核 / held for risk review")
    await session.flush()
    return hold


async def decide(
    session: AsyncSession, actor: Principal, order_id: int, body: HoldDecision, pay_minutes: int
) -> RiskHold:
    """HQ's decision on a held order: release it to payment (a fresh payment window) or reject it."""
    hold = await repo.hold_for(session, order_id)
    order = await orders_repo.get_order(session, order_id)
    if hold is None or order is None:
        raise NotFound("没有被风控拦截的该订单 / This order is not held.", detail={"order_id": order_id})
    if hold.status != "held" or order.status != OrderStatus.HELD:
        raise state.refuse(order, OrderStatus.PENDING_PAYMENT if body.decision == "release" else "cancelled")
    now = utcnow()
    if body.decision == "release":
        await state.transition(
            session,
            order,
            OrderStatus.PENDING_PAYMENT,
            actor,
            body.note,
            pay_by=now + timedelta(minutes=pay_minutes),
        )
        hold.status = "released"
    else:
        for line in await orders_repo.order_lines(session, order.id):
            await inventory.release(session, "order_line", payment.line_ref(line), "risk rejected", actor)
        for shipment in await orders_repo.shipments(session, order.id):
            shipment.status = ShipmentStatus.CANCELLED
        reason = "风控拒绝 / rejected by risk review"
        await state.transition(
            session,
            order,
            OrderStatus.CANCELLED,
            actor,
            body.note or reason,
            cancel_reason=reason,
            cancelled_at=now,
        )
        hold.status = "rejected"
    hold.reviewed_by, hold.reviewed_at, hold.note = actor.id, now, body.note
    await session.flush()
    audit.record(session, actor, f"risk_hold.{body.decision}", "order", order.id, after={"rules": hold.rules})
    return hold
