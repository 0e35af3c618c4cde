"""Arrival coupons (到店礼): a member welcomed at a store (backend/stores/beacons.py) is given the coupon
templates set up for the ``arrival`` member event, at most once per local day (whichever store
welcomes them first that day)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.time import utcnow
from backend.marketing import repository as marketing_repo
from backend.members import perks
from backend.members.models import Member
from backend.stores import beacons
from backend.stores.models import Store

EVENT = "arrival"


async def arrival_coupon(session: AsyncSession, member: Member, store: Store) -> dict[str, Any] | None:
    """Issue the arrival coupons; the first one, described, is the reward the welcome shows."""
    local_day = utcnow().astimezone(ZoneInfo(store.timezone)).strftime("%Y%m%d")
    issued = await perks.grant(session, member.id, EVENT, local_day)
    if not issued:
        return None
    coupons = {c.id: (c, t) for c, t in await marketing_repo.member_coupons(session, member.id)}
    coupon, template = coupons[issued[0]]
    return {
        "kind": "coupon",
        "coupon_id": coupon.id,
        "coupon_ids": issued,
        "template_id": template.id,
        "name_zh": template.name_zh,
        "name_en": template.name_en,
        "amount": template.amount,
        "threshold": template.threshold,
        "valid_to": coupon.valid_to.isoformat(),
    }


def register() -> None:
    """Reward welcomed arrivals with the arrival coupons (once per process)."""
    if arrival_coupon not in beacons._rewards:
        beacons.register_arrival_reward(arrival_coupon)
