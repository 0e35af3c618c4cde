"""Coupons issued by member events: on sign-up (once), and in the birthday month (once a year, by a
scheduled job). Each grant is one row keyed by member, event and period, so a rerun issues nothing twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import extract, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.time import utcnow
from backend.marketing import coupons
from backend.members.models import EventCoupon, Member, PerkGrant

EVENTS = ("signup", "birthday")


async def event_templates(session: AsyncSession, event: str) -> list[int]:
    rows = await session.scalars(
        select(EventCoupon.template_id)
        .where(EventCoupon.event == event, EventCoupon.active.is_(True))
        .order_by(EventCoupon.id)
    )
    return list(rows)


async def grant(session: AsyncSession, member_id: int, event: str, period: str) -> list[int]:
    """Issue the event's coupons to the member for ``period`` unless already given; the coupon ids."""
    issued = []
    for template_id in await event_templates(session, event):
        row = PerkGrant(member_id=member_id, event=event, period=period, template_id=template_id)
        try:
            async with session.begin_nested():
                session.add(row)
                await session.flush()
        except IntegrityError:
            continue
        coupon = await coupons.issue(session, member_id, template_id, event)
        if coupon is not None:
            row.coupon_id = coupon.id
            issued.append(coupon.id)
    await session.flush()
    return issued


async def on_signup(session: AsyncSession, member_id: int) -> list[int]:
    return await grant(session, member_id, "signup", "all")


async def birthday_coupons(session: AsyncSession, today: date | None = None, limit: int = 5000) -> int:
    """Give this year's birthday coupons to members whose birthday is this month; returns how many."""
    today = today or utcnow().date()
    if not await event_templates(session, "birthday"):
        return 0
    member_ids = list(
        await session.scalars(
            select(Member.id)
            .where(
                Member.deleted_at.is_(None),
                Member.birthday.is_not(None),
                extract("month", Member.birthday) == today.month,
            )
            .order_by(Member.id)
            .limit(limit)
        )
    )
    given = 0
    for member_id in member_ids:
        given += len(await grant(session, member_id, "birthday", str(today.year)))
    return given
