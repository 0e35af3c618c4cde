"""All SQL of the distribution domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.distribution.models import (
    Commission,
    CommissionStatus,
    DistributionSettings,
    Distributor,
    LedgerEntry,
    OrderMark,
    Referral,
    Withdrawal,
)
from backend.members.models import Member
from backend.orders.models import Order, OrderLine, OrderStatus, ReturnPolicy

# Statuses after which an order can still be refunded; once completed, only within the return window.
TERMINAL = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


async def settings(session: AsyncSession, *, create: bool = False) -> DistributionSettings:
    """HQ's settings; the defaults (not stored) until HQ first changes them."""
    row = await session.get(DistributionSettings, 1)
    if row is None:
        row = DistributionSettings(
            id=1, enabled=True, levels=2, level1_bp=500, level2_bp=200, level3_bp=0, min_withdrawal=1000
        )
        if create:
            session.add(row)
            await session.flush()
    return row


async def return_window_days(session: AsyncSession) -> int:
    days = await session.scalar(select(ReturnPolicy.window_days).where(ReturnPolicy.id == 1))
    return 7 if days is None else int(days)


async def distributor(session: AsyncSession, distributor_id: int) -> Distributor | None:
    return await session.get(Distributor, distributor_id)


async def distributor_of_member(session: AsyncSession, member_id: int) -> Distributor | None:
    return await session.scalar(select(Distributor).where(Distributor.member_id == member_id))


async def distributor_by_code(session: AsyncSession, code: str) -> Distributor | None:
    return await session.scalar(select(Distributor).where(Distributor.code == code))


async def distributors(session: AsyncSession, limit: int = 200) -> list[Distributor]:
    return list(await session.scalars(select(Distributor).order_by(Distributor.id).limit(limit)))


async def member(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


async def referral(session: AsyncSession, member_id: int) -> Referral | None:
    return await session.scalar(select(Referral).where(Referral.member_id == member_id))


async def referred_count(session: AsyncSession, distributor_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Referral).where(Referral.distributor_id == distributor_id)
        )
        or 0
    )


async def referred(
    session: AsyncSession, distributor_id: int, limit: int = 200
) -> list[tuple[Referral, Member]]:
    rows = await session.execute(
        select(Referral, Member)
        .join(Member, Member.id == Referral.member_id)
        .where(Referral.distributor_id == distributor_id)
        .order_by(Referral.id.desc())
        .limit(limit)
    )
    return [(r, m) for r, m in rows.all()]


async def has_paid_orders(session: AsyncSession, member_id: int) -> bool:
    found = await session.scalar(
        select(Order.id).where(Order.member_id == member_id, Order.paid_at.is_not(None)).limit(1)
    )
    return found is not None


async def orders_to_sync(session: AsyncSession, limit: int) -> list[Order]:
    """Paid orders of referred members (paid after the binding) that are new or moved since last seen."""
    query = (
        select(Order)
        .join(Referral, Referral.member_id == Order.member_id)
        .outerjoin(OrderMark, OrderMark.order_id == Order.id)
        .where(
            Order.paid_at.is_not(None),
            Order.paid_at >= Referral.bound_at,
            or_(
                OrderMark.order_id.is_(None),
                and_(
                    OrderMark.settled.is_(False),
                    or_(OrderMark.status != Order.status, OrderMark.refunded_amount != Order.refunded_amount),
                ),
            ),
        )
        .order_by(Order.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def orders_to_settle(session: AsyncSession, completed_before: datetime, limit: int) -> list[Order]:
    """Orders with unsettled commission whose after-sales window has closed."""
    query = (
        select(Order)
        .join(OrderMark, OrderMark.order_id == Order.id)
        .where(
            OrderMark.settled.is_(False),
            Order.completed_at.is_not(None),
            Order.completed_at <= completed_before,
            OrderMark.status == Order.status,
            OrderMark.refunded_amount == Order.refunded_amount,
        )
        .order_by(Order.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def mark(session: AsyncSession, order_id: int) -> OrderMark | None:
    return await session.get(OrderMark, order_id)


async def order_lines(session: AsyncSession, order_id: int) -> list[OrderLine]:
    return list(
        await session.scalars(
            select(OrderLine)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.id)
            .execution_options(populate_existing=True)
        )
    )


async def commissions_of_order(session: AsyncSession, order_id: int) -> list[Commission]:
    return list(
        await session.scalars(
            select(Commission).where(Commission.order_id == order_id).order_by(Commission.id)
        )
    )


async def commissions(
    session: AsyncSession, distributor_id: int | None, status: str | None, limit: int = 200
) -> list[tuple[Commission, datetime | None]]:
    query = (
        select(Commission, Order.completed_at)
        .join(Order, Order.id == Commission.order_id)
        .order_by(Commission.id.desc())
        .limit(limit)
    )
    if distributor_id is not None:
        query = query.where(Commission.distributor_id == distributor_id)
    if status:
        query = query.where(Commission.status == status)
    return [(c, done) for c, done in (await session.execute(query)).all()]


async def ledger(session: AsyncSession, distributor_id: int, limit: int = 200) -> list[LedgerEntry]:
    return list(
        await session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.distributor_id == distributor_id)
            .order_by(LedgerEntry.id.desc())
            .limit(limit)
        )
    )


async def move_balances(
    session: AsyncSession,
    distributor_id: int,
    *,
    frozen: int = 0,
    available: int = 0,
    pending: int = 0,
    withdrawn: int = 0,
    require_available: int | None = None,
) -> bool:
    """Add the deltas in one conditional update; with ``require_available``, only if that much is free."""
    query = (
        update(Distributor)
        .where(Distributor.id == distributor_id)
        .values(
            frozen=Distributor.frozen + frozen,
            available=Distributor.available + available,
            pending_withdrawal=Distributor.pending_withdrawal + pending,
            withdrawn=Distributor.withdrawn + withdrawn,
        )
        .execution_options(synchronize_session=False)
    )
    if require_available is not None:
        query = query.where(Distributor.available >= require_available)
    result = await session.execute(query)
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def take_commission_reversal(
    session: AsyncSession, commission_id: int, expected: int, delta: int
) -> bool:
    """Add ``delta`` to a commission's reversed amount if nobody else moved it since it was read."""
    result = await session.execute(
        update(Commission)
        .where(Commission.id == commission_id, Commission.reversed == expected)
        .values(reversed=expected + delta)
        .execution_options(synchronize_session=False)
    )
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def settle_commission(session: AsyncSession, commission_id: int, status: str, at: datetime) -> bool:
    result = await session.execute(
        update(Commission)
        .where(Commission.id == commission_id, Commission.status == CommissionStatus.FROZEN)
        .values(status=status, settled_at=at)
        .execution_options(synchronize_session=False)
    )
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def withdrawal(session: AsyncSession, withdrawal_id: int) -> Withdrawal | None:
    return await session.get(Withdrawal, withdrawal_id)


async def withdrawals(
    session: AsyncSession, distributor_id: int | None, status: str | None, limit: int = 200
) -> list[Withdrawal]:
    query = select(Withdrawal).order_by(Withdrawal.id.desc()).limit(limit)
    if distributor_id is not None:
        query = query.where(Withdrawal.distributor_id == distributor_id)
    if status:
        query = query.where(Withdrawal.status == status)
    return list(await session.scalars(query))


async def review_withdrawal(
    session: AsyncSession,
    withdrawal_id: int,
    status: str,
    by: int,
    at: datetime,
    note: str | None,
    ref: str | None,
) -> bool:
    result = await session.execute(
        update(Withdrawal)
        .where(Withdrawal.id == withdrawal_id, Withdrawal.status == "pending")
        .values(status=status, reviewed_by=by, reviewed_at=at, note=note, reference=ref)
        .execution_options(synchronize_session=False)
    )
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def commission_totals_by_store(
    session: AsyncSession, store_ids: list[int], start: datetime, end: datetime
) -> dict[int, int]:
    """Net commission movements (accruals less reversals) in ``[start, end)`` per store."""
    if not store_ids:
        return {}
    rows = await session.execute(
        select(LedgerEntry.store_id, func.sum(LedgerEntry.frozen_delta + LedgerEntry.available_delta))
        .where(
            LedgerEntry.store_id.in_(store_ids),
            LedgerEntry.kind.in_(("accrue", "reverse")),
            LedgerEntry.created_at >= start,
            LedgerEntry.created_at < end,
        )
        .group_by(LedgerEntry.store_id)
    )
    return {int(s): int(v or 0) for s, v in rows.all()}
