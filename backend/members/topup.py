"""Online stored-value top-up (在线充值): the member opens a top-up, pays it through the payment gateway,
and the wallet is credited (with the bonus its amount earns) only when the payment is confirmed.

A top-up is a payable reference (``stored_value_topup``) of the payments domain: its checker says what
the member owes, its paid handler credits the wallet once, in the transaction that marks the payment
paid. The same Idempotency-Key returns the same top-up, so a retried request opens nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.db import Base, created_at, intpk
from backend.core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from backend.core.events import emit
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.members import repository as repo
from backend.members import wallet

REF_TYPE = "stored_value_topup"
MIN_AMOUNT = 100  # 1 yuan
PENDING, PAID, REFUSED = "pending", "paid", "refused"


class StoredValueTopup(Base):
    """One online top-up the member asked for; ``paid`` once its payment is confirmed."""

    __tablename__ = "member_topups"
    __table_args__ = (UniqueConstraint("member_id", "idempotency_key"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    bonus: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    provider: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    payment_id: Mapped[int | None] = mapped_column(Integer)
    balance_after: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]
    paid_at: Mapped[datetime | None]


class TopupNotFound(NotFound):
    code = "topup_not_found"
    default_message = "No such top-up."


class TopupKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was used for a different top-up."


def _payments() -> Any:
    from backend.payments import service

    return service


async def _bonus(session: AsyncSession, amount: int) -> int:
    return wallet.bonus_for(amount, [(b.min_amount, b.bonus) for b in await repo.topup_bonuses(session)])


async def get(
    session: AsyncSession, member_id: int, topup_id: int, *, lock: bool = False
) -> StoredValueTopup:
    query = select(StoredValueTopup).where(StoredValueTopup.id == topup_id)
    if lock:
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is None or row.member_id != member_id:
        raise TopupNotFound(detail={"topup_id": topup_id})
    return row


async def start(
    session: AsyncSession,
    settings: Settings,
    member_id: int,
    amount: int,
    provider: str,
    key: str,
) -> tuple[StoredValueTopup, Any]:
    """Open a top-up and its gateway payment (or return the ones this key opened); (top-up, payment)."""
    existing = await session.scalar(
        select(StoredValueTopup).where(
            StoredValueTopup.member_id == member_id, StoredValueTopup.idempotency_key == key
        )
    )
    if existing is not None:
        if existing.amount != amount or existing.provider != provider:
            raise TopupKeyReused(detail={"topup_id": existing.id})
        return existing, await _payment_for(session, existing)
    if amount < MIN_AMOUNT:
        raise ValidationFailed("A top-up is at least 1 yuan.", detail={"amount": amount, "min": MIN_AMOUNT})
    bonus = await _bonus(session, amount)
    held = await wallet.get_wallet(session, member_id)
    if held.stored_value + amount + bonus > settings.stored_value_max_balance:
        raise wallet.BalanceLimit(
            detail={
                "balance": held.stored_value,
                "amount": amount,
                "bonus": bonus,
                "max_balance": settings.stored_value_max_balance,
            }
        )
    row = StoredValueTopup(
        member_id=member_id,
        amount=amount,
        bonus=bonus,
        status=PENDING,
        provider=provider,
        idempotency_key=key,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return await start(session, settings, member_id, amount, provider, key)
    return row, await _payment_for(session, row)


async def _payment_for(session: AsyncSession, row: StoredValueTopup) -> Any:
    """The top-up's gateway payment: the one it was paid with, else an open one (opened if needed)."""
    service = _payments()
    if row.status != PENDING:
        return await service.get_payment(session, row.payment_id) if row.payment_id else None
    payment = await service.create_payment(
        session,
        ref_type=REF_TYPE,
        ref_id=str(row.id),
        amount=row.amount,
        provider=row.provider,
        description=f"储值充值 ¥{row.amount / 100:.2f}",
        payer_member_id=row.member_id,
    )
    row.payment_id = payment.id
    await session.flush()
    return payment


async def _due(session: AsyncSession, principal: Principal, ref_id: str) -> Any:
    service = _payments()
    row = await session.get(StoredValueTopup, int(ref_id)) if ref_id.isdigit() else None
    if row is None or not principal.is_member or row.member_id != principal.id:
        raise TopupNotFound(detail={"topup_id": ref_id})
    if row.status != PENDING:
        raise InvalidState("This top-up is no longer open.", detail={"status": row.status})
    return service.PayableRef(
        amount=row.amount, description=f"储值充值 ¥{row.amount / 100:.2f}", payer_member_id=row.member_id
    )


async def _paid(session: AsyncSession, ref_id: str, payment: Any) -> None:
    """Credit the wallet for a confirmed payment, once; a payment the top-up cannot take goes back."""
    service = _payments()
    row = await session.scalar(
        select(StoredValueTopup).where(StoredValueTopup.id == int(ref_id)).with_for_update()
    )
    if row is None:
        return
    if row.status != PENDING or payment.amount != row.amount:
        await service.refund(session, payment.id, payment.amount, "top-up already settled")
        return
    try:
        async with session.begin_nested():
            entries = await wallet.top_up(
                session, service.runtime().settings, row.member_id, row.amount, REF_TYPE, str(row.id)
            )
    except wallet.BalanceLimit:
        row.status = REFUSED
        row.payment_id = payment.id
        await service.refund(session, payment.id, payment.amount, "stored-value balance limit reached")
        emit(session, f"member:{row.member_id}", "stored_value.topup_refused", {"topup_id": row.id})
        return
    row.status, row.payment_id, row.paid_at = PAID, payment.id, utcnow()
    row.bonus = sum(e.delta for e in entries if e.kind == "bonus")
    row.balance_after = entries[-1].balance_after
    audit.record(
        session,
        None,
        "stored_value.topup",
        "member",
        row.member_id,
        after={
            "amount": row.amount,
            "bonus": row.bonus,
            "tender": "online",
            "provider": payment.provider,
            "payment_no": payment.no,
            "topup_id": row.id,
        },
    )


def register_handlers() -> None:
    service = _payments()
    service.register_ref_checker(REF_TYPE, _due)
    service.register_paid_handler(REF_TYPE, _paid)
