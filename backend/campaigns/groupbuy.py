"""拼团 group buy: HQ deals, opening and joining groups, paying a seat, success and timeout refunds.

A seat is taken by one conditional UPDATE (``seats < size``), so a full group refuses joiners however
many arrive at once; the seat's units are reserved at the member's store. Members pay up front; the
payment that makes ``paid`` reach ``size`` turns every seat into an ordinary paid order. A group that
times out is failed by a scheduled job that refunds every paid seat and releases all the units.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.campaigns import common, ordering
from backend.campaigns import repository as repo
from backend.campaigns.errors import (
    AlreadyInGroup,
    CampaignNotRunning,
    DealNotFound,
    GroupClosed,
    GroupFull,
    GroupNotFound,
    MemberLimitReached,
    NotPayable,
    SeatNotFound,
)
from backend.campaigns.models import Group, GroupBuyDeal, GroupSeat, GroupStatus, SeatStatus
from backend.campaigns.schemas import CampaignPayment, GroupBuyDealCreate
from backend.core import audit
from backend.core.events import emit
from backend.core.time import as_utc, utcnow
from backend.inventory.service import stock as inventory
from backend.payments import service as payments

REF_TYPE = "group_seat"
# A joined member has this long to pay before the seat goes to someone else.
PAY_MINUTES = 15
S = SeatStatus


def seat_ref(seat: GroupSeat | int) -> str:
    return str(seat if isinstance(seat, int) else seat.id)


def topic(group: Group) -> str:
    return f"group_buy:{group.code}"


async def create_deal(session: AsyncSession, principal: Principal, body: GroupBuyDealCreate) -> GroupBuyDeal:
    await common.check_sku(session, body.sku_id)
    deal = GroupBuyDeal(
        sku_id=body.sku_id,
        name_zh=body.name_zh,
        name_en=body.name_en,
        group_price=body.group_price,
        group_size=body.group_size,
        time_limit_minutes=max(1, round(body.time_limit_hours * 60)),
        per_member_limit=body.per_member_limit,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        created_by=principal.id,
    )
    session.add(deal)
    await session.flush()
    audit.record(
        session, principal, "group_buy.create", "group_buy_deal", deal.id, after=body.model_dump(mode="json")
    )
    return deal


async def stop_deal(session: AsyncSession, principal: Principal, deal_id: int) -> GroupBuyDeal:
    """Stop a group buy (HQ): no new groups open; groups already open run to their own deadline."""
    deal = await repo.group_deal(session, deal_id)
    if deal is None:
        raise DealNotFound(detail={"deal_id": deal_id})
    if deal.active:
        deal.active = False
        await session.flush()
        audit.record(
            session,
            principal,
            "group_buy.stop",
            "group_buy_deal",
            deal.id,
            before={"active": True},
            after={"active": False},
        )
    return deal


async def _running_deal(session: AsyncSession, deal_id: int, now: datetime) -> GroupBuyDeal:
    deal = await repo.group_deal(session, deal_id)
    if deal is None:
        raise DealNotFound(detail={"deal_id": deal_id})
    if not deal.active or not as_utc(deal.starts_at) <= now < as_utc(deal.ends_at):
        raise CampaignNotRunning(detail={"deal_id": deal_id, "starts_at": deal.starts_at.isoformat()})
    return deal


async def open_group(
    session: AsyncSession, member: Principal, deal_id: int, store_id: int, quantity: int
) -> tuple[Group, GroupSeat]:
    """Open a new group of the deal with the member as its leader (first seat)."""
    now = utcnow()
    deal = await _running_deal(session, deal_id, now)
    group = Group(
        deal_id=deal.id,
        code=common.share_code(),
        leader_id=member.id,
        size=deal.group_size,
        expires_at=min(now + timedelta(minutes=deal.time_limit_minutes), as_utc(deal.ends_at)),
    )
    session.add(group)
    await session.flush()
    seat = await _join(session, member, deal, group, store_id, quantity, now)
    return group, seat


async def join_group(
    session: AsyncSession, member: Principal, code: str, store_id: int, quantity: int
) -> tuple[Group, GroupSeat]:
    """Join a group by its share code."""
    now = utcnow()
    group = await repo.group_by_code(session, code.strip().upper())
    if group is None:
        raise GroupNotFound(detail={"code": code})
    deal = await _running_deal(session, group.deal_id, now)
    seat = await _join(session, member, deal, group, store_id, quantity, now)
    return (await repo.get_group(session, group.id)) or group, seat


async def _join(
    session: AsyncSession,
    member: Principal,
    deal: GroupBuyDeal,
    group: Group,
    store_id: int,
    quantity: int,
    now: datetime,
) -> GroupSeat:
    if group.status != GroupStatus.OPEN or as_utc(group.expires_at) <= now:
        raise GroupClosed(detail={"code": group.code, "status": group.status})
    held = await repo.member_units_in_deal(session, deal.id, member.id)
    if held + quantity > deal.per_member_limit:
        raise MemberLimitReached(detail={"limit": deal.per_member_limit, "held": held, "requested": quantity})
    await common.check_store(session, store_id)
    if not await repo.take_seat(session, group.id, now):
        raise GroupFull(detail={"code": group.code, "size": group.size})
    seat = GroupSeat(
        group_id=group.id,
        deal_id=deal.id,
        member_id=member.id,
        store_id=store_id,
        quantity=quantity,
        amount=deal.group_price * quantity,
        pay_by=min(now + timedelta(minutes=PAY_MINUTES), as_utc(group.expires_at)),
    )
    try:
        async with session.begin_nested():
            session.add(seat)
            await session.flush()
    except IntegrityError as exc:
        raise AlreadyInGroup(detail={"code": group.code}) from exc
    await inventory.reserve(
        session,
        store_id,
        [(deal.sku_id, quantity)],
        REF_TYPE,
        seat_ref(seat),
        as_utc(group.expires_at) + timedelta(hours=1),
        member,
    )
    emit(session, topic(group), "group_buy.joined", {"group_id": group.id, "member_id": member.id})
    return seat


async def group_detail(session: AsyncSession, code: str) -> tuple[Group, GroupBuyDeal, list[GroupSeat]]:
    group = await repo.group_by_code(session, code.strip().upper())
    if group is None:
        raise GroupNotFound(detail={"code": code})
    deal = await repo.group_deal(session, group.deal_id)
    assert deal is not None
    return group, deal, await repo.seats_of(session, group.id)


async def _own_seat(session: AsyncSession, principal: Principal, seat_id: int) -> GroupSeat:
    seat = await repo.get_seat(session, seat_id)
    if seat is None or (principal.is_member and seat.member_id != principal.id):
        raise SeatNotFound(detail={"seat_id": seat_id})
    if not principal.is_member:
        principal.require_store(seat.store_id)
    return seat


async def _payable_seat(session: AsyncSession, principal: Principal, seat_id: int) -> tuple[GroupSeat, Group]:
    seat = await _own_seat(session, principal, seat_id)
    group = await repo.get_group(session, seat.group_id)
    assert group is not None
    if (
        seat.status != S.AWAITING_PAYMENT
        or group.status != GroupStatus.OPEN
        or as_utc(seat.pay_by) <= utcnow()
    ):
        raise NotPayable(detail={"seat_id": seat.id, "status": seat.status, "group_status": group.status})
    return seat, group


async def start_payment(
    session: AsyncSession, member: Principal, seat_id: int, provider: str
) -> CampaignPayment:
    """Open the payment for the member's seat (or show the one already open)."""
    seat, group = await _payable_seat(session, member, seat_id)
    return await common.open_payment(
        session,
        ref_type=REF_TYPE,
        ref_id=seat.id,
        amount=seat.amount,
        provider=provider,
        description=f"拼团 {group.code}",
        member_id=seat.member_id,
        store_id=seat.store_id,
    )


async def _payable(session: AsyncSession, principal: Principal, ref_id: str) -> payments.PayableRef:
    if not ref_id.isdigit():
        raise SeatNotFound(detail={"seat_id": ref_id})
    seat, group = await _payable_seat(session, principal, int(ref_id))
    return payments.PayableRef(
        amount=seat.amount,
        description=f"拼团 {group.code}",
        store_id=seat.store_id,
        payer_member_id=seat.member_id,
    )


async def _on_paid(session: AsyncSession, ref_id: str, payment: Any) -> None:
    """A seat's payment succeeded: count it; the payment that fills the group places everyone's order.
    A payment for a seat that is gone (timed out, group failed) is refunded at once."""
    seat = await repo.get_seat(session, int(ref_id))
    if seat is None:
        return
    now = utcnow()
    moved = await repo.move_seat(
        session, seat.id, (S.AWAITING_PAYMENT,), S.PAID, payment_id=payment.id, paid_at=now
    )
    counted = await repo.count_paid(session, seat.group_id) if moved else None
    if counted is None:
        if moved:
            await repo.move_seat(session, seat.id, (S.PAID,), S.REFUNDED)
            await inventory.release(session, REF_TYPE, seat_ref(seat), "group closed before payment")
        await common.refund_payment(session, payment.id, payment.amount, "拼团已结束 / group closed")
        return
    group = await repo.get_group(session, seat.group_id)
    assert group is not None
    emit(
        session,
        topic(group),
        "group_buy.paid",
        {"group_id": group.id, "paid": counted[0], "size": counted[1]},
    )
    if counted[0] == counted[1]:
        await _succeed(session, group, now)


async def _succeed(session: AsyncSession, group: Group, now: datetime) -> None:
    if not await repo.finish_group(session, group.id, GroupStatus.SUCCEEDED, now):
        return
    deal = await repo.group_deal(session, group.deal_id)
    assert deal is not None
    for seat in await repo.seats_of(session, group.id):
        if seat.status != S.PAID or seat.payment_id is None:
            continue
        payment = await payments.get_payment(session, seat.payment_id)
        # The seat's units move from the group's hold to the order's own reservation in one transaction.
        await inventory.release(session, REF_TYPE, seat_ref(seat), "group succeeded")
        order = await ordering.create_paid_order(
            session,
            payment_id=payment.id,
            payment_no=payment.no,
            member_id=seat.member_id,
            store_id=seat.store_id,
            sku_id=deal.sku_id,
            quantity=seat.quantity,
            unit_price=deal.group_price,
            reason="group_buy",
            note=f"拼团 {group.code}",
        )
        await repo.move_seat(session, seat.id, (S.PAID,), S.ORDERED, order_id=order.id)
    emit(session, topic(group), "group_buy.succeeded", {"group_id": group.id})


async def fail_group(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """Time a group out: refund every paid seat, cancel unpaid ones, release all their units."""
    if not await repo.finish_group(session, group_id, GroupStatus.FAILED, now):
        return False
    group = await repo.get_group(session, group_id)
    assert group is not None
    for seat in await repo.seats_of(session, group_id):
        await inventory.release(session, REF_TYPE, seat_ref(seat), "group timed out")
        if seat.status == S.PAID and seat.payment_id is not None:
            await repo.move_seat(session, seat.id, (S.PAID,), S.REFUNDED)
            await common.refund_payment(
                session, seat.payment_id, seat.amount, "拼团未成团，自动退款 / group not filled"
            )
        elif seat.status == S.AWAITING_PAYMENT:
            await repo.move_seat(session, seat.id, (S.AWAITING_PAYMENT,), S.CANCELLED)
    emit(session, topic(group), "group_buy.failed", {"group_id": group_id})
    return True


async def drop_unpaid_seat(session: AsyncSession, seat: GroupSeat) -> bool:
    """A joined member who did not pay in time gives the seat (and its units) back."""
    if not await repo.move_seat(session, seat.id, (S.AWAITING_PAYMENT,), S.CANCELLED):
        return False
    await repo.give_seat_back(session, seat.group_id)
    await inventory.release(session, REF_TYPE, seat_ref(seat), "not paid in time")
    return True


async def leave(session: AsyncSession, member: Principal, seat_id: int) -> GroupSeat:
    """Leave a group before paying."""
    seat = await _own_seat(session, member, seat_id)
    if seat.status != S.AWAITING_PAYMENT:
        raise NotPayable(detail={"seat_id": seat.id, "status": seat.status})
    await drop_unpaid_seat(session, seat)
    fresh = await repo.get_seat(session, seat.id)
    assert fresh is not None
    return fresh


def register_handlers() -> None:
    payments.register_ref_checker(REF_TYPE, _payable)
    payments.register_paid_handler(REF_TYPE, _on_paid)
