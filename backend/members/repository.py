"""All SQL of the members domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.members.models import (
    Member,
    MemberSpend,
    MemberWallet,
    PointsEntry,
    StoredValueEntry,
    TierRule,
    TopupBonus,
)


async def by_phone(session: AsyncSession, phone: str) -> Member | None:
    return await session.scalar(select(Member).where(Member.phone == phone, Member.deleted_at.is_(None)))


async def by_id(session: AsyncSession, member_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.id == member_id, Member.deleted_at.is_(None)))


async def create(session: AsyncSession, phone: str, **fields: object) -> Member:
    """A new member (sign-up), with the sign-up coupons the chain gives."""
    from backend.members.perks import on_signup

    member = Member(phone=phone, **fields)
    session.add(member)
    await session.flush()
    await on_signup(session, member.id)
    return member


async def ensure_wallet(session: AsyncSession, member_id: int) -> None:
    """Create the member's wallet row if it does not exist (safe under concurrency)."""
    table = MemberWallet.__table__
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(table).values(member_id=member_id).on_conflict_do_nothing(index_elements=["member_id"])
    )


async def wallet(session: AsyncSession, member_id: int) -> MemberWallet | None:
    """The wallet as the database has it now (balances move by UPDATE statements, not the ORM)."""
    await session.flush()
    return await session.get(MemberWallet, member_id, populate_existing=True)


async def add_points(session: AsyncSession, member_id: int, delta: int) -> bool:
    """Change the points balance; a debit succeeds only if the balance covers it."""
    query = (
        update(MemberWallet)
        .where(MemberWallet.member_id == member_id)
        .values(points=MemberWallet.points + delta)
    )
    if delta < 0:
        query = query.where(MemberWallet.points >= -delta)
    return (await session.execute(query)).rowcount == 1


async def add_stored_value(session: AsyncSession, member_id: int, delta: int, max_balance: int) -> int | None:
    """Change the stored-value balance within [0, max_balance]; the new balance, or None if refused."""
    query = (
        update(MemberWallet)
        .where(MemberWallet.member_id == member_id)
        .values(stored_value=MemberWallet.stored_value + delta)
        .returning(MemberWallet.stored_value)
    )
    query = (
        query.where(MemberWallet.stored_value >= -delta)
        if delta < 0
        else query.where(MemberWallet.stored_value + delta <= max_balance)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def points_entry(
    session: AsyncSession, member_id: int, kind: str, ref_type: str, ref_id: str
) -> PointsEntry | None:
    return await session.scalar(
        select(PointsEntry).where(
            PointsEntry.member_id == member_id,
            PointsEntry.kind == kind,
            PointsEntry.ref_type == ref_type,
            PointsEntry.ref_id == ref_id,
        )
    )


async def stored_value_entry(
    session: AsyncSession, member_id: int, kind: str, ref_type: str, ref_id: str
) -> StoredValueEntry | None:
    return await session.scalar(
        select(StoredValueEntry).where(
            StoredValueEntry.member_id == member_id,
            StoredValueEntry.kind == kind,
            StoredValueEntry.ref_type == ref_type,
            StoredValueEntry.ref_id == ref_id,
        )
    )


async def open_lots(session: AsyncSession, member_id: int) -> list[PointsEntry]:
    """Earned points not yet spent or expired, soonest expiry first."""
    rows = await session.scalars(
        select(PointsEntry)
        .where(
            PointsEntry.member_id == member_id,
            PointsEntry.kind.in_(("earn", "restore")),
            PointsEntry.remaining > 0,
        )
        .order_by(PointsEntry.expires_at.is_(None), PointsEntry.expires_at, PointsEntry.id)
    )
    return list(rows)


async def expired_lots(session: AsyncSession, now: datetime, limit: int = 1000) -> list[PointsEntry]:
    rows = await session.scalars(
        select(PointsEntry)
        .where(PointsEntry.remaining > 0, PointsEntry.expires_at.is_not(None), PointsEntry.expires_at <= now)
        .order_by(PointsEntry.id)
        .limit(limit)
    )
    return list(rows)


async def points_history(session: AsyncSession, member_id: int, limit: int) -> list[PointsEntry]:
    rows = await session.scalars(
        select(PointsEntry)
        .where(PointsEntry.member_id == member_id)
        .order_by(PointsEntry.id.desc())
        .limit(limit)
    )
    return list(rows)


async def stored_value_history(session: AsyncSession, member_id: int, limit: int) -> list[StoredValueEntry]:
    rows = await session.scalars(
        select(StoredValueEntry)
        .where(StoredValueEntry.member_id == member_id)
        .order_by(StoredValueEntry.id.desc())
        .limit(limit)
    )
    return list(rows)


async def paid_with_stored_value(
    session: AsyncSession, member_id: int, ref_type: str, ref_id: str
) -> tuple[int, int]:
    """(paid, refunded) with stored value for one reference."""
    rows = await session.execute(
        select(StoredValueEntry.kind, func.sum(StoredValueEntry.delta))
        .where(
            StoredValueEntry.member_id == member_id,
            StoredValueEntry.ref_type == ref_type,
            or_(
                and_(StoredValueEntry.kind == "pay", StoredValueEntry.ref_id == ref_id),
                and_(StoredValueEntry.kind == "refund", StoredValueEntry.ref_id.like(ref_id + ":%")),
            ),
        )
        .group_by(StoredValueEntry.kind)
    )
    sums = dict(rows.all())
    return -int(sums.get("pay") or 0), int(sums.get("refund") or 0)


async def spend_since(session: AsyncSession, member_id: int, since: datetime) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(MemberSpend.amount), 0)).where(
            MemberSpend.member_id == member_id, MemberSpend.occurred_at >= since
        )
    )
    return int(total or 0)


async def tier_rules(session: AsyncSession) -> list[TierRule]:
    return list(await session.scalars(select(TierRule).order_by(TierRule.min_spend_12m)))


async def topup_bonuses(session: AsyncSession) -> list[TopupBonus]:
    return list(await session.scalars(select(TopupBonus).order_by(TopupBonus.min_amount)))


async def points_taken_back(session: AsyncSession, member_id: int, ref_type: str, ref_id: str) -> int:
    """Points already taken back from what a reference earned (partial refunds: ``ref_id:key``)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(
            PointsEntry.member_id == member_id,
            PointsEntry.kind == "reverse",
            PointsEntry.ref_type == ref_type,
            PointsEntry.ref_id.like(ref_id + ":%"),
        )
    )
    return -int(total or 0)


async def spend_amount(session: AsyncSession, member_id: int, ref_type: str, ref_id: str) -> int | None:
    """The spend a reference counted towards tiers (None: not counted)."""
    return await session.scalar(
        select(MemberSpend.amount).where(
            MemberSpend.member_id == member_id, MemberSpend.ref_type == ref_type, MemberSpend.ref_id == ref_id
        )
    )


async def spend_refunded(session: AsyncSession, member_id: int, order_ref: str) -> int:
    """Spend taken back by refunds of an order (``refund`` rows keyed ``order:key``), as a positive sum."""
    total = await session.scalar(
        select(func.coalesce(func.sum(MemberSpend.amount), 0)).where(
            MemberSpend.member_id == member_id,
            MemberSpend.ref_type == "refund",
            MemberSpend.ref_id.like(order_ref + ":%"),
        )
    )
    return -int(total or 0)
