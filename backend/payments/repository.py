"""All SQL of the payments domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.payments.models import OPEN_STATUSES, PAID_STATUSES, Payment, PaymentStatus, Refund, RefundStatus


async def get(session: AsyncSession, payment_id: int) -> Payment | None:
    return await session.get(Payment, payment_id)


async def by_no(session: AsyncSession, no: str) -> Payment | None:
    return await session.scalar(select(Payment).where(Payment.no == no))


async def by_idempotency_key(session: AsyncSession, key: str) -> Payment | None:
    return await session.scalar(select(Payment).where(Payment.idempotency_key == key))


async def for_ref(
    session: AsyncSession,
    ref_type: str,
    ref_id: str,
    *,
    store_ids: frozenset[int] | None = None,
    member_id: int | None = None,
) -> list[Payment]:
    """Payments for a reference, newest first; limited to ``store_ids`` (None = all) or one payer."""
    query = select(Payment).where(Payment.ref_type == ref_type, Payment.ref_id == ref_id)
    if store_ids is not None:
        query = query.where(Payment.store_id.in_(store_ids))
    if member_id is not None:
        query = query.where(Payment.payer_member_id == member_id)
    return list(await session.scalars(query.order_by(Payment.id.desc())))


async def open_for_ref(
    session: AsyncSession, ref_type: str, ref_id: str, provider: str, amount: int, now: datetime
) -> Payment | None:
    return await session.scalar(
        select(Payment)
        .where(
            Payment.ref_type == ref_type,
            Payment.ref_id == ref_id,
            Payment.provider == provider,
            Payment.amount == amount,
            Payment.status.in_(OPEN_STATUSES),
            or_(Payment.expires_at.is_(None), Payment.expires_at > now),
        )
        .order_by(Payment.id.desc())
        .limit(1)
    )


async def open_payments(
    session: AsyncSession, *, created_before: datetime, limit: int, providers: Sequence[str]
) -> list[Payment]:
    query = (
        select(Payment)
        .where(
            Payment.status.in_(OPEN_STATUSES),
            Payment.created_at < created_before,
            Payment.provider.in_(providers),
        )
        .order_by(Payment.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def transition(
    session: AsyncSession, payment: Payment, from_: Sequence[str], to: PaymentStatus, **values: Any
) -> bool:
    """Move ``payment`` to ``to`` if it is in one of ``from_``; True only for the one caller that moved it."""
    result = await session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status.in_(from_)).values(status=to, **values)
    )
    await session.refresh(payment)
    return result.rowcount == 1


async def reserve_refund(session: AsyncSession, payment: Payment, amount: int) -> bool:
    """Hold ``amount`` of a paid payment for a refund, unless that would refund more than was paid."""
    result = await session.execute(
        update(Payment)
        .where(
            Payment.id == payment.id,
            Payment.status.in_(PAID_STATUSES),
            Payment.refunded_amount + Payment.refunding_amount + amount <= Payment.amount,
        )
        .values(refunding_amount=Payment.refunding_amount + amount)
    )
    await session.refresh(payment)
    return result.rowcount == 1


async def settle_refund(session: AsyncSession, payment: Payment, amount: int, succeeded: bool) -> None:
    """Release a held refund amount; on success count it as refunded and set the payment's status."""
    refunded = Payment.refunded_amount + amount if succeeded else Payment.refunded_amount
    values: dict[str, Any] = {
        "refunding_amount": Payment.refunding_amount - amount,
        "refunded_amount": refunded,
    }
    await session.execute(update(Payment).where(Payment.id == payment.id).values(**values))
    if succeeded:
        await session.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.status.in_(PAID_STATUSES))
            .values(status=PaymentStatus.REFUNDED)
            .where(Payment.refunded_amount >= Payment.amount)
        )
        await session.execute(
            update(Payment)
            .where(
                Payment.id == payment.id,
                Payment.status.in_(PAID_STATUSES),
                Payment.refunded_amount < Payment.amount,
            )
            .values(status=PaymentStatus.PARTIALLY_REFUNDED)
        )
    await session.refresh(payment)


async def get_refund(session: AsyncSession, refund_id: int) -> Refund | None:
    return await session.get(Refund, refund_id)


async def refund_by_no(session: AsyncSession, no: str) -> Refund | None:
    return await session.scalar(select(Refund).where(Refund.no == no))


async def refund_by_idempotency_key(session: AsyncSession, key: str) -> Refund | None:
    return await session.scalar(select(Refund).where(Refund.idempotency_key == key))


async def refunds_of(session: AsyncSession, payment_id: int) -> list[Refund]:
    return list(
        await session.scalars(select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.id))
    )


async def finish_refund(session: AsyncSession, refund: Refund, to: RefundStatus, **values: Any) -> bool:
    """Move a pending refund to its outcome; True only for the one caller that moved it."""
    result = await session.execute(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status == RefundStatus.PENDING)
        .values(status=to, **values)
    )
    await session.refresh(refund)
    return result.rowcount == 1
