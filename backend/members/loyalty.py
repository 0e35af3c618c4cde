"""Loyalty rules as data: how many points an order earns, what points are worth as a tender, and the
tier discount every channel applies.

Earning (one rule, stated): for each line, the goods paid for (line total less the line's share of any
points tender) × ``earn_points_per_yuan`` / 100 fen, × the highest category multiplier that matches the
line (default 1×), × the highest campaign multiplier running at the sale time for the line's category and
channel (default 1×), × the member's tier multiplier. The order's points are the floor of the sum, so no
line loses a fraction to rounding. Points are earned when an order is completed: a till sale at once, an
online order when it is collected or received.

Spending: ``redeem_points_per_yuan`` points are worth one yuan; a points tender covers at most
``redeem_max_bp`` of the order's total (rounded down to the fen).

Tier discount (会员价): the member's tier ``discount_bp`` (e.g. 金卡 200 bp = 98折) applies to every
line that carries no promotion discount, on what is left of the line after coupons, rounded half up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import ValidationFailed
from backend.core.money import percent_of
from backend.members import repository as repo
from backend.members.models import EarnRule, LoyaltyConfig, TierRule

BP = 10_000


@dataclass(frozen=True, slots=True)
class EarnLine:
    amount: int
    category_id: int | None


async def config(session: AsyncSession) -> LoyaltyConfig:
    """The loyalty settings (created with the defaults on first use)."""
    found = await session.get(LoyaltyConfig, 1)
    if found is None:
        found = LoyaltyConfig(
            id=1,
            earn_points_per_yuan=1,
            points_valid_days=365,
            redeem_points_per_yuan=100,
            redeem_max_bp=5000,
        )
        session.add(found)
        await session.flush()
    return found


async def earn_rules(session: AsyncSession) -> list[EarnRule]:
    return list(await session.scalars(select(EarnRule).order_by(EarnRule.id)))


def _window(rule: EarnRule, at: datetime) -> bool:
    return (rule.starts_at is None or rule.starts_at <= at) and (rule.ends_at is None or at < rule.ends_at)


def points_for(
    lines: Sequence[EarnLine],
    rules: Sequence[EarnRule],
    *,
    points_per_yuan: int,
    tier_multiplier_bp: int,
    channel: str,
    at: datetime,
) -> int:
    """The points an order earns (see the module's rule); exact integer arithmetic, floored once."""
    scaled = 0
    for line in lines:
        if line.amount <= 0:
            continue
        category = max(
            (
                r.multiplier_bp
                for r in rules
                if r.active and r.kind == "category" and r.category_id == line.category_id
            ),
            default=BP,
        )
        campaign = max(
            (
                r.multiplier_bp
                for r in rules
                if r.active
                and r.kind == "campaign"
                and _window(r, at)
                and (r.category_id is None or r.category_id == line.category_id)
                and (r.channel is None or r.channel == channel)
            ),
            default=BP,
        )
        scaled += line.amount * points_per_yuan * category * campaign * tier_multiplier_bp
    return scaled // (100 * BP * BP * BP)


async def tier_of(session: AsyncSession, member_id: int) -> TierRule | None:
    held = await repo.wallet(session, member_id)
    if held is None or held.tier_code == "normal":
        return None
    return next((t for t in await repo.tier_rules(session) if t.code == held.tier_code), None)


async def order_points(
    session: AsyncSession, member_id: int, lines: Sequence[EarnLine], channel: str, at: datetime
) -> int:
    settings = await config(session)
    tier = await tier_of(session, member_id)
    return points_for(
        lines,
        await earn_rules(session),
        points_per_yuan=settings.earn_points_per_yuan,
        tier_multiplier_bp=tier.points_multiplier_bp if tier else BP,
        channel=channel,
        at=at,
    )


async def points_needed(session: AsyncSession, amount: int, order_total: int) -> int:
    """The points that pay ``amount`` fen of an order of ``order_total``; refused past the allowed share
    or when the amount is not a whole number of points."""
    settings = await config(session)
    limit = order_total * settings.redeem_max_bp // BP
    if amount > limit:
        raise ValidationFailed(
            f"积分最多抵扣订单金额的 {settings.redeem_max_bp / 100:g}% / "
            f"Points pay at most {settings.redeem_max_bp / 100:g}% of an order.",
            detail={"amount": amount, "max": limit},
        )
    points, rest = divmod(amount * settings.redeem_points_per_yuan, 100)
    if rest:
        raise ValidationFailed(
            "积分抵扣金额须为整数积分 / The amount must be worth a whole number of points.",
            detail={"amount": amount, "points_per_yuan": settings.redeem_points_per_yuan},
        )
    return points


async def value_of_points(session: AsyncSession, points: int) -> int:
    """What ``points`` are worth in fen (rounded down)."""
    settings = await config(session)
    return points * 100 // settings.redeem_points_per_yuan


def tier_discounts(discount_bp: int, lines_left: Sequence[int], promoted: Sequence[bool]) -> list[int]:
    """The tier discount per line: ``discount_bp`` of what is left of each line carrying no promotion."""
    return [
        0 if is_promoted or discount_bp <= 0 else percent_of(left, discount_bp)
        for left, is_promoted in zip(lines_left, promoted, strict=True)
    ]
