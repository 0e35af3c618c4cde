"""Nightly member jobs: expire points, recompute tiers as old spend ages out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.members import wallet
from backend.members.models import MemberWallet


async def nightly(session: AsyncSession) -> dict[str, int]:
    expired = await wallet.expire_points(session)
    member_ids = list(await session.scalars(select(MemberWallet.member_id).where(MemberWallet.spend_12m > 0)))
    for member_id in member_ids:
        await wallet.recompute_tier(session, member_id)
    return {"points_expired": expired, "tiers_recomputed": len(member_ids)}


async def birthday(session: AsyncSession) -> dict[str, int]:
    """Issue this year's birthday-month coupons (once per member and year)."""
    from backend.members.perks import birthday_coupons

    return {"coupons_issued": await birthday_coupons(session)}
