"""Coupon templates (HQ), claiming by members, and using a coupon once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.events import emit
from backend.core.time import utcnow
from backend.marketing import engine
from backend.marketing import repository as repo
from backend.marketing.errors import (
    CouponLimitReached,
    CouponNotClaimable,
    CouponSoldOut,
    CouponTemplateNotFound,
    CouponUnavailable,
)
from backend.marketing.models import Coupon, CouponStatus, CouponTemplate
from backend.marketing.schemas import CouponTemplate as CouponTemplateOut
from backend.marketing.schemas import CouponTemplateCreate, CouponTemplateUpdate


def _snapshot(template: CouponTemplate) -> dict[str, Any]:
    return CouponTemplateOut.model_validate(template).model_dump(mode="json")


async def create_template(
    session: AsyncSession, actor: Principal, body: CouponTemplateCreate
) -> CouponTemplate:
    template = CouponTemplate(**body.model_dump(), issued=0)
    session.add(template)
    await session.flush()
    audit.record(
        session, actor, "coupon_template.create", "coupon_template", template.id, after=_snapshot(template)
    )
    return template


async def update_template(
    session: AsyncSession, actor: Principal, template_id: int, body: CouponTemplateUpdate
) -> CouponTemplate:
    template = await repo.get_template(session, template_id)
    if template is None:
        raise CouponTemplateNotFound()
    before = _snapshot(template)
    changes = body.model_dump(exclude_unset=True)
    if "total_quantity" in changes and changes["total_quantity"] < template.issued:
        raise CouponNotClaimable(
            "总量不能少于已发放数量 / Total quantity cannot go below the number already issued.",
            detail={"issued": template.issued},
        )
    for name, value in changes.items():
        setattr(template, name, value)
    await session.flush()
    audit.record(
        session,
        actor,
        "coupon_template.update",
        "coupon_template",
        template.id,
        before=before,
        after=_snapshot(template),
    )
    return template


async def claim(session: AsyncSession, member_id: int, template_id: int) -> Coupon:
    """Issue a coupon to a member: within the per-member limit and the total quantity, never over-issued."""
    now = utcnow()
    template = await repo.get_template(session, template_id)
    if template is None:
        raise CouponTemplateNotFound()
    if not template.active or (template.valid_to is not None and template.valid_to <= now):
        raise CouponNotClaimable()
    # Taking from the template first locks its row, so the member's count below is read after any
    # concurrent claim of the same template has committed.
    if not await repo.take_from_template(session, template_id):
        raise CouponSoldOut()
    claimed = await repo.claims_of(session, template_id, member_id)
    if claimed >= template.per_member_limit:
        raise CouponLimitReached(detail={"limit": template.per_member_limit})
    if template.valid_days is not None:
        valid_from, valid_to = now, now + timedelta(days=template.valid_days)
    else:
        assert template.valid_to is not None
        valid_from, valid_to = template.valid_from or now, template.valid_to
    coupon = Coupon(
        template_id=template_id,
        member_id=member_id,
        claim_no=claimed + 1,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(coupon)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise CouponLimitReached(detail={"limit": template.per_member_limit}) from exc
    emit(
        session, f"member:{member_id}", "coupon.issued", {"coupon_id": coupon.id, "template_id": template_id}
    )
    return coupon


async def use_coupon(
    session: AsyncSession, coupon_id: int, order_ref: str, at: datetime | None = None
) -> None:
    """Mark a coupon used by ``order_ref``: one conditional update, so it is used at most once."""
    if not await repo.mark_used(session, coupon_id, order_ref, at or utcnow()):
        raise CouponUnavailable(detail={"coupon_id": coupon_id})
    member_id = await repo.coupon_owner(session, coupon_id)
    emit(session, f"member:{member_id}", "coupon.used", {"coupon_id": coupon_id, "order_ref": order_ref})


async def release_coupon(session: AsyncSession, coupon_id: int, order_ref: str) -> bool:
    """Give a coupon back after ``order_ref`` is cancelled; False if that order did not hold it."""
    if not await repo.mark_unused(session, coupon_id, order_ref, utcnow()):
        return False
    member_id = await repo.coupon_owner(session, coupon_id)
    emit(session, f"member:{member_id}", "coupon.released", {"coupon_id": coupon_id, "order_ref": order_ref})
    return True


async def use_for_order(session: AsyncSession, coupon_id: int, order_ref: str, at: datetime) -> bool:
    """Mark a coupon used by ``order_ref`` (True), or say it is already held by that order (True) or by
    another / no longer valid (False). One conditional update: used at most once under concurrency."""
    if await repo.mark_used(session, coupon_id, order_ref, at):
        member_id = await repo.coupon_owner(session, coupon_id)
        emit(session, f"member:{member_id}", "coupon.used", {"coupon_id": coupon_id, "order_ref": order_ref})
        return True
    coupon = await session.get(Coupon, coupon_id, populate_existing=True)
    return coupon is not None and coupon.used_order_ref == order_ref


async def held_by(session: AsyncSession, order_ref: str) -> list[int]:
    """The coupons an order (or a kiosk checkout) holds."""
    rows = await session.scalars(
        select(Coupon.id)
        .where(Coupon.used_order_ref == order_ref, Coupon.status == CouponStatus.USED)
        .order_by(Coupon.id)
    )
    return list(rows)


async def restore_after_refund(
    session: AsyncSession, coupon_ids: list[int], order_ref: str, at: datetime | None = None
) -> list[int]:
    """Give back the coupons of a wholly refunded order that are still within their validity."""
    at = at or utcnow()
    restored = []
    for coupon_id in coupon_ids:
        coupon = await session.get(Coupon, coupon_id, populate_existing=True)
        if coupon is None or coupon.valid_to <= at:
            continue
        if await release_coupon(session, coupon_id, order_ref):
            restored.append(coupon_id)
    return restored


async def issue(session: AsyncSession, member_id: int, template_id: int, reason: str) -> Coupon | None:
    """Issue a coupon by an event (sign-up, birthday, points mall): within the template's total quantity
    but not its claim limit (the event decides how often). None when the template is used up or off."""
    template = await repo.get_template(session, template_id)
    now = utcnow()
    if (
        template is None
        or not template.active
        or (template.valid_to is not None and template.valid_to <= now)
    ):
        return None
    if not await repo.take_from_template(session, template_id):
        return None
    claimed = await repo.claims_of(session, template_id, member_id)
    if template.valid_days is not None:
        valid_from, valid_to = now, now + timedelta(days=template.valid_days)
    else:
        assert template.valid_to is not None
        valid_from, valid_to = template.valid_from or now, template.valid_to
    coupon = Coupon(
        template_id=template_id,
        member_id=member_id,
        claim_no=claimed + 1,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(coupon)
    await session.flush()
    emit(
        session,
        f"member:{member_id}",
        "coupon.issued",
        {"coupon_id": coupon.id, "template_id": template_id, "reason": reason},
    )
    return coupon


async def expire_lapsed(session: AsyncSession, at: datetime | None = None) -> int:
    """Mark unused coupons whose window has ended as expired (a scheduled job); returns how many."""
    return await repo.expire_lapsed(session, at or utcnow())


def channel_of(context_channel: str) -> str:
    """Orders' channels (online | pos | kiosk) as marketing's (online | in_store)."""
    return "online" if context_channel == "online" else "in_store"


async def offers(
    session: AsyncSession, member_id: int, coupon_ids: list[int], channel: str, at: datetime
) -> list[engine.CouponOffer]:
    """The member's usable coupons among ``coupon_ids``, for the engine."""
    out = []
    for coupon, template in await repo.usable_coupons(session, member_id, coupon_ids, at):
        if channel_of(channel) not in template.channels:
            continue
        out.append(
            engine.CouponOffer(
                id=coupon.id,
                name=template.name_zh,
                kind=template.kind,
                amount=template.amount,
                percent_bp=template.percent_bp,
                threshold=template.threshold,
                stackable=template.stackable,
                store_ids=None if template.store_ids is None else frozenset(template.store_ids),
            )
        )
    return out
