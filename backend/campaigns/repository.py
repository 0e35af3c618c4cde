"""All SQL of the campaigns domain (the flash-sale batch statements live in ``flashsale_batch``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.campaigns.models import (
    Bargain,
    BargainCut,
    BargainDeal,
    BargainStatus,
    ClaimStatus,
    FlashClaim,
    FlashItem,
    FlashSlot,
    Group,
    GroupBuyDeal,
    GroupSeat,
    GroupStatus,
    SeatStatus,
)

LIVE_SEATS = (SeatStatus.AWAITING_PAYMENT, SeatStatus.PAID, SeatStatus.ORDERED)


async def _moved(session: AsyncSession, statement: Any) -> bool:
    return (await session.execute(statement)).rowcount == 1


# --- group buy ---


async def group_deal(session: AsyncSession, deal_id: int) -> GroupBuyDeal | None:
    return await session.get(GroupBuyDeal, deal_id)


async def group_deals(session: AsyncSession, running_at: datetime | None) -> list[GroupBuyDeal]:
    query = select(GroupBuyDeal).order_by(GroupBuyDeal.id.desc())
    if running_at is not None:
        query = query.where(
            GroupBuyDeal.active.is_(True),
            GroupBuyDeal.starts_at <= running_at,
            GroupBuyDeal.ends_at > running_at,
        )
    return list(await session.scalars(query))


async def group_by_code(session: AsyncSession, code: str) -> Group | None:
    return await session.scalar(
        select(Group).where(Group.code == code).execution_options(populate_existing=True)
    )


async def get_group(session: AsyncSession, group_id: int) -> Group | None:
    return await session.scalar(
        select(Group).where(Group.id == group_id).execution_options(populate_existing=True)
    )


async def open_groups(session: AsyncSession, deal_id: int, now: datetime) -> list[Group]:
    return list(
        await session.scalars(
            select(Group)
            .where(Group.deal_id == deal_id, Group.status == GroupStatus.OPEN, Group.expires_at > now)
            .order_by(Group.expires_at)
            .limit(50)
        )
    )


async def take_seat(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """One more seat in an open, unexpired group that has room (the room check is in the UPDATE)."""
    return await _moved(
        session,
        update(Group)
        .where(
            Group.id == group_id,
            Group.status == GroupStatus.OPEN,
            Group.expires_at > now,
            Group.seats < Group.size,
        )
        .values(seats=Group.seats + 1),
    )


async def give_seat_back(session: AsyncSession, group_id: int) -> bool:
    return await _moved(
        session,
        update(Group)
        .where(Group.id == group_id, Group.status == GroupStatus.OPEN, Group.seats > 0)
        .values(seats=Group.seats - 1),
    )


async def count_paid(session: AsyncSession, group_id: int) -> tuple[int, int] | None:
    """Count one more paid seat in an open group; (paid, size) after it, or None if the group is closed."""
    row = (
        await session.execute(
            update(Group)
            .where(Group.id == group_id, Group.status == GroupStatus.OPEN)
            .values(paid=Group.paid + 1)
            .returning(Group.paid, Group.size)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def finish_group(session: AsyncSession, group_id: int, to: str, now: datetime) -> bool:
    return await _moved(
        session,
        update(Group)
        .where(Group.id == group_id, Group.status == GroupStatus.OPEN)
        .values(status=to, finished_at=now),
    )


async def due_groups(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    return list(
        await session.scalars(
            select(Group.id)
            .where(Group.status == GroupStatus.OPEN, Group.expires_at <= now)
            .order_by(Group.expires_at)
            .limit(limit)
        )
    )


async def get_seat(session: AsyncSession, seat_id: int) -> GroupSeat | None:
    return await session.scalar(
        select(GroupSeat).where(GroupSeat.id == seat_id).execution_options(populate_existing=True)
    )


async def seats_of(session: AsyncSession, group_id: int) -> list[GroupSeat]:
    return list(
        await session.scalars(
            select(GroupSeat)
            .where(GroupSeat.group_id == group_id)
            .order_by(GroupSeat.id)
            .execution_options(populate_existing=True)
        )
    )


async def member_units_in_deal(session: AsyncSession, deal_id: int, member_id: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(GroupSeat.quantity), 0)).where(
            GroupSeat.deal_id == deal_id,
            GroupSeat.member_id == member_id,
            GroupSeat.status.in_(LIVE_SEATS),
        )
    )
    return int(total or 0)


async def move_seat(
    session: AsyncSession, seat_id: int, from_: tuple[str, ...], to: str, **values: Any
) -> bool:
    return await _moved(
        session,
        update(GroupSeat)
        .where(GroupSeat.id == seat_id, GroupSeat.status.in_(from_))
        .values(status=to, **values),
    )


async def unpaid_seats_due(session: AsyncSession, now: datetime, limit: int) -> list[GroupSeat]:
    return list(
        await session.scalars(
            select(GroupSeat)
            .where(GroupSeat.status == SeatStatus.AWAITING_PAYMENT, GroupSeat.pay_by <= now)
            .limit(limit)
        )
    )


# --- bargain ---


async def bargain_deal(session: AsyncSession, deal_id: int) -> BargainDeal | None:
    return await session.get(BargainDeal, deal_id)


async def bargain_deals(session: AsyncSession, running_at: datetime | None) -> list[BargainDeal]:
    query = select(BargainDeal).order_by(BargainDeal.id.desc())
    if running_at is not None:
        query = query.where(
            BargainDeal.active.is_(True),
            BargainDeal.starts_at <= running_at,
            BargainDeal.ends_at > running_at,
        )
    return list(await session.scalars(query))


async def get_bargain(session: AsyncSession, bargain_id: int) -> Bargain | None:
    return await session.scalar(
        select(Bargain).where(Bargain.id == bargain_id).execution_options(populate_existing=True)
    )


async def bargain_by_code(session: AsyncSession, code: str) -> Bargain | None:
    return await session.scalar(
        select(Bargain).where(Bargain.code == code).execution_options(populate_existing=True)
    )


async def open_bargain_of(session: AsyncSession, deal_id: int, member_id: int) -> Bargain | None:
    return await session.scalar(
        select(Bargain).where(
            Bargain.deal_id == deal_id,
            Bargain.member_id == member_id,
            Bargain.status.in_((BargainStatus.OPEN, BargainStatus.FLOOR_REACHED)),
        )
    )


async def take_cut(session: AsyncSession, bargain_id: int, now: datetime) -> int | None:
    """Claim the next cut of an open bargain before its deadline; the cut's number, or None."""
    row = (
        await session.execute(
            update(Bargain)
            .where(
                Bargain.id == bargain_id,
                Bargain.status == BargainStatus.OPEN,
                Bargain.deadline > now,
                Bargain.cuts_done < Bargain.cuts_needed,
            )
            .values(cuts_done=Bargain.cuts_done + 1)
            .returning(Bargain.cuts_done)
        )
    ).first()
    return row[0] if row else None


async def cuts_of(session: AsyncSession, bargain_id: int) -> list[BargainCut]:
    return list(
        await session.scalars(
            select(BargainCut).where(BargainCut.bargain_id == bargain_id).order_by(BargainCut.seq)
        )
    )


async def has_cut(session: AsyncSession, bargain_id: int, member_id: int) -> bool:
    found = await session.scalar(
        select(BargainCut.id).where(BargainCut.bargain_id == bargain_id, BargainCut.member_id == member_id)
    )
    return found is not None


async def move_bargain(
    session: AsyncSession, bargain_id: int, from_: tuple[str, ...], to: str, **values: Any
) -> bool:
    return await _moved(
        session,
        update(Bargain)
        .where(Bargain.id == bargain_id, Bargain.status.in_(from_))
        .values(status=to, **values),
    )


async def lapsed_bargains(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    return list(
        await session.scalars(
            select(Bargain.id)
            .where(
                Bargain.status.in_((BargainStatus.OPEN, BargainStatus.FLOOR_REACHED)), Bargain.deadline <= now
            )
            .limit(limit)
        )
    )


# --- flash sale ---


async def get_slot(session: AsyncSession, slot_id: int) -> FlashSlot | None:
    return await session.get(FlashSlot, slot_id)


async def slots(session: AsyncSession, ending_after: datetime) -> list[FlashSlot]:
    return list(
        await session.scalars(
            select(FlashSlot).where(FlashSlot.ends_at > ending_after).order_by(FlashSlot.starts_at).limit(50)
        )
    )


async def items_of(session: AsyncSession, slot_ids: list[int]) -> list[FlashItem]:
    if not slot_ids:
        return []
    return list(
        await session.scalars(
            select(FlashItem)
            .where(FlashItem.slot_id.in_(slot_ids))
            .order_by(FlashItem.id)
            .execution_options(populate_existing=True)
        )
    )


async def get_item(session: AsyncSession, item_id: int) -> FlashItem | None:
    return await session.scalar(
        select(FlashItem).where(FlashItem.id == item_id).execution_options(populate_existing=True)
    )


async def get_claim(session: AsyncSession, claim_id: int) -> FlashClaim | None:
    return await session.scalar(
        select(FlashClaim).where(FlashClaim.id == claim_id).execution_options(populate_existing=True)
    )


async def claims_of_member(session: AsyncSession, member_id: int) -> list[FlashClaim]:
    return list(
        await session.scalars(
            select(FlashClaim)
            .where(FlashClaim.member_id == member_id)
            .order_by(FlashClaim.id.desc())
            .limit(100)
        )
    )


async def move_claim(session: AsyncSession, claim_id: int, from_: str, to: str, **values: Any) -> bool:
    return await _moved(
        session,
        update(FlashClaim)
        .where(FlashClaim.id == claim_id, FlashClaim.status == from_)
        .values(status=to, **values),
    )


async def expire_claims(session: AsyncSession, now: datetime, limit: int) -> list[tuple[int, int, int]]:
    """Held claims past their pay-by time marked expired; (claim id, item id, quantity) of each."""
    ids = list(
        await session.scalars(
            select(FlashClaim.id)
            .where(FlashClaim.status == ClaimStatus.HELD, FlashClaim.pay_by <= now)
            .order_by(FlashClaim.id)
            .limit(limit)
        )
    )
    if not ids:
        return []
    rows = await session.execute(
        update(FlashClaim)
        .where(FlashClaim.id.in_(ids), FlashClaim.status == ClaimStatus.HELD)
        .values(status=ClaimStatus.EXPIRED)
        .returning(FlashClaim.id, FlashClaim.item_id, FlashClaim.quantity)
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def return_to_pool(session: AsyncSession, item_id: int, units: int) -> bool:
    """Give units back to an open pool; False when the item is closed (its units go to the store)."""
    return await _moved(
        session,
        update(FlashItem)
        .where(FlashItem.id == item_id, FlashItem.status == "open")
        .values(sold=FlashItem.sold - units),
    )


async def close_item(session: AsyncSession, item_id: int) -> int | None:
    """Close an open item; the unsold units (now leaving the pool), or None if it was already closed."""
    row = (
        await session.execute(
            update(FlashItem)
            .where(FlashItem.id == item_id, FlashItem.status == "open")
            .values(status="closed", returned=FlashItem.pool - FlashItem.sold)
            .returning(FlashItem.returned)
        )
    ).first()
    return row[0] if row else None


async def items_ended(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    return list(
        await session.scalars(
            select(FlashItem.id).where(FlashItem.status == "open", FlashItem.ends_at <= now).limit(limit)
        )
    )
