"""Merging two accounts of one person (HQ): everything the merged account holds moves to the kept one —
points (with their lots and expiry), stored value, coupons, orders, tier spend and every other row that
names the member — in one transaction; the merged account is closed and the merge audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.deps import forget_revocation
from backend.auth.models import AuthSession
from backend.auth.principal import Principal
from backend.core import audit
from backend.core.db import Base
from backend.core.errors import ValidationFailed
from backend.core.events import emit
from backend.core.time import utcnow
from backend.marketing.models import Coupon
from backend.members import repository as repo
from backend.members import wallet
from backend.members.errors import MemberNotFound
from backend.members.models import MallRedemption, MemberMerge, MemberWallet, PerkGrant

# Moved by hand below (balances summed, per-member sequence numbers renumbered) or never moved.
SPECIAL = {
    "members",
    "member_wallets",
    "member_merges",
    "coupons",
    "points_mall_redemptions",
    "member_perk_grants",
}


async def merge(session: AsyncSession, actor: Principal, kept_id: int, merged_id: int) -> MemberMerge:
    if kept_id == merged_id:
        raise ValidationFailed("Choose two different members.", detail={"member_id": kept_id})
    kept = await repo.by_id(session, kept_id)
    merged = await repo.by_id(session, merged_id)
    if kept is None or merged is None:
        raise MemberNotFound(detail={"kept_id": kept_id, "merged_id": merged_id})
    for member_id in sorted((kept_id, merged_id)):
        await repo.ensure_wallet(session, member_id)
    # Lock both wallets (lower id first) so no payment or earning slips between reading and moving.
    wallets = {
        w.member_id: w
        for w in await session.scalars(
            select(MemberWallet)
            .where(MemberWallet.member_id.in_((kept_id, merged_id)))
            .order_by(MemberWallet.member_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    source = wallets[merged_id]
    moved: dict[str, Any] = {"points": source.points, "stored_value": source.stored_value, "rows": {}}
    await session.execute(
        update(MemberWallet)
        .where(MemberWallet.member_id == kept_id)
        .values(
            points=MemberWallet.points + source.points,
            stored_value=MemberWallet.stored_value + source.stored_value,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(MemberWallet)
        .where(MemberWallet.member_id == merged_id)
        .values(points=0, stored_value=0, spend_12m=0)
        .execution_options(synchronize_session=False)
    )
    moved["rows"]["coupons"] = await _renumber(session, Coupon, "template_id", "claim_no", kept_id, merged_id)
    moved["rows"]["points_mall_redemptions"] = await _renumber(
        session, MallRedemption, "item_id", "seq", kept_id, merged_id
    )
    moved["rows"]["member_perk_grants"] = await _move_grants(session, kept_id, merged_id)
    kept_apart = []
    for table in Base.metadata.sorted_tables:
        if table.name in SPECIAL:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != "members" or fk.column.name != "id":
                continue
            column = fk.parent
            try:
                async with session.begin_nested():
                    result = await session.execute(
                        table.update().where(column == merged_id).values({column.name: kept_id})
                    )
            except IntegrityError:
                kept_apart.append(f"{table.name}.{column.name}")
                continue
            if result.rowcount:
                moved["rows"][f"{table.name}.{column.name}"] = result.rowcount
    moved["kept_apart"] = kept_apart
    now = utcnow()
    ended = await session.scalars(
        update(AuthSession)
        .where(
            AuthSession.subject_kind == "member",
            AuthSession.subject_id == merged_id,
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=now, revoke_reason="account_merged")
        .returning(AuthSession.id)
    )
    for session_id in ended.all():
        forget_revocation(session_id)
    record = MemberMerge(
        kept_id=kept_id, merged_id=merged_id, merged_phone=merged.phone, moved=moved, actor_id=actor.id
    )
    merged.phone = f"merged-{merged.id}"
    merged.deleted_at = now
    session.add(record)
    await session.flush()
    await wallet.recompute_tier(session, kept_id)
    emit(session, f"member:{kept_id}", "member.merged", {"merged_id": merged_id, **moved})
    audit.record(
        session,
        actor,
        "member.merge",
        "member",
        kept_id,
        before={"merged_id": merged_id, "merged_phone": record.merged_phone},
        after=moved,
    )
    return record


async def _renumber(
    session: AsyncSession, model: Any, group: str, seq: str, kept_id: int, merged_id: int
) -> int:
    """Move rows numbered per member and ``group`` (claims of a template), numbering them after the kept
    member's own."""
    rows = list(
        await session.scalars(
            select(model).where(model.member_id == merged_id).order_by(getattr(model, group), model.id)
        )
    )
    for row in rows:
        top = await session.scalar(
            select(func.coalesce(func.max(getattr(model, seq)), 0)).where(
                model.member_id == kept_id, getattr(model, group) == getattr(row, group)
            )
        )
        setattr(row, seq, int(top or 0) + 1)
        row.member_id = kept_id
        if model is MallRedemption:
            row.client_key = f"m{merged_id}-{row.client_key}"[:64]
        await session.flush()
    return len(rows)


async def _move_grants(session: AsyncSession, kept_id: int, merged_id: int) -> int:
    """Perks the kept member already had for the same period stay single; the others move."""
    moved = 0
    for grant in list(await session.scalars(select(PerkGrant).where(PerkGrant.member_id == merged_id))):
        twin = await session.scalar(
            select(PerkGrant.id).where(
                PerkGrant.member_id == kept_id,
                PerkGrant.event == grant.event,
                PerkGrant.period == grant.period,
                PerkGrant.template_id == grant.template_id,
            )
        )
        if twin is None:
            grant.member_id = kept_id
            moved += 1
    await session.flush()
    return moved
