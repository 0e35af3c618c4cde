"""Payment rules: create, confirm from verified notifications exactly once, close, refund, offline tenders.

Payments know nothing of what is paid for. Another domain names a reference (``ref_type``, ``ref_id``),
registers a checker that says what a caller owes for it, and a handler that runs in the same transaction
that marks the payment succeeded (once per payment, however often the gateway repeats itself).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import ValidationFailed
from backend.core.events import emit
from backend.core.time import utcnow
from backend.payments import repository as repo
from backend.payments.config import runtime
from backend.payments.errors import (
    GatewayError,
    IdempotencyKeyReused,
    NotificationMismatch,
    PaymentNotFound,
    PaymentNotRefundable,
    RefundExceedsPaid,
    RefundNotFound,
    UnknownProvider,
    UnknownRefType,
)
from backend.payments.models import OPEN_STATUSES, PAID_STATUSES, Payment, PaymentStatus, Refund, RefundStatus
from backend.payments.providers.base import (
    CreateRequest,
    Notification,
    PaymentNotification,
    PaymentProvider,
    RefundOutcome,
    RefundRequest,
    TradeStatus,
)

log = logging.getLogger("omo.payments")

PaidHandler = Callable[[AsyncSession, str, Payment], Awaitable[None]]
RefundHandler = Callable[[AsyncSession, str, Payment, Refund], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PayableRef:
    """What a caller owes for a reference, as its domain's checker answers."""

    amount: int
    description: str
    store_id: int | None = None
    payer_member_id: int | None = None


RefChecker = Callable[[AsyncSession, Principal, str], Awaitable[PayableRef]]

_paid_handlers: dict[str, PaidHandler] = {}
_refund_handlers: dict[str, RefundHandler] = {}
_ref_checkers: dict[str, RefChecker] = {}


def register_paid_handler(ref_type: str, handler: PaidHandler) -> None:
    """``handler(session, ref_id, payment)`` runs in the transaction marking a ``ref_type`` payment paid."""
    _paid_handlers[ref_type] = handler


def register_refund_handler(ref_type: str, handler: RefundHandler) -> None:
    """``handler(session, ref_id, payment, refund)`` runs in the transaction that marks a refund succeeded."""
    _refund_handlers[ref_type] = handler


def register_ref_checker(ref_type: str, checker: RefChecker) -> None:
    """``checker(session, principal, ref_id)`` returns what the principal owes; NotFound/Forbidden."""
    _ref_checkers[ref_type] = checker


async def due_for(session: AsyncSession, principal: Principal, ref_type: str, ref_id: str) -> PayableRef:
    """What ``principal`` owes for a reference, by its domain's checker (which refuses strangers)."""
    checker = _ref_checkers.get(ref_type)
    if checker is None:
        raise UnknownRefType(detail={"ref_type": ref_type, "known": sorted(_ref_checkers)})
    return await checker(session, principal, ref_id)


def _number(prefix: str) -> str:
    return prefix + utcnow().strftime("%Y%m%d%H%M%S") + secrets.token_hex(5).upper()


def provider_for(name: str) -> PaymentProvider:
    provider = runtime().providers.get(name)
    if provider is None:
        raise UnknownProvider(detail={"provider": name, "available": sorted(runtime().providers)})
    return provider


async def get_payment(session: AsyncSession, payment_id: int) -> Payment:
    payment = await repo.get(session, payment_id)
    if payment is None:
        raise PaymentNotFound(detail={"payment_id": payment_id})
    return payment


async def payments_for(session: AsyncSession, ref_type: str, ref_id: str) -> list[Payment]:
    return await repo.for_ref(session, ref_type, ref_id)


async def _replay(session: AsyncSession, key: str | None, **expected: object) -> Payment | None:
    """The payment an earlier request with this Idempotency-Key made, if it asked for the same thing."""
    if not key:
        return None
    existing = await repo.by_idempotency_key(session, key)
    if existing is None:
        return None
    if any(getattr(existing, field) != value for field, value in expected.items()):
        raise IdempotencyKeyReused(detail={"payment_id": existing.id})
    return existing


def _validate(ref_type: str, ref_id: str, amount: int, description: str) -> None:
    if not (0 < len(ref_type) <= 32 and 0 < len(ref_id) <= 64):
        raise ValidationFailed("ref_type and ref_id must be 1-32 and 1-64 characters.")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= 10**10:
        raise ValidationFailed(
            "The amount must be a positive whole number of fen.", detail={"amount": amount}
        )
    if not description.strip():
        raise ValidationFailed("A payment needs a description.")


async def _insert(session: AsyncSession, payment: Payment) -> Payment | None:
    """Insert; None if a concurrent request with the same Idempotency-Key got there first."""
    try:
        async with session.begin_nested():
            session.add(payment)
            await session.flush()
    except IntegrityError:
        if payment.idempotency_key is None:
            raise
        return None
    return payment


async def create_payment(
    session: AsyncSession,
    *,
    ref_type: str,
    ref_id: str,
    amount: int,
    provider: str = "sandbox",
    description: str,
    payer_member_id: int | None = None,
    idempotency_key: str | None = None,
    store_id: int | None = None,
) -> Payment:
    """Open a payment with ``provider`` (or return the still-open one for the same reference and amount);
    the result carries the pay URL and QR text the payer opens."""
    _validate(ref_type, ref_id, amount, description)
    expected = {
        "ref_type": ref_type,
        "ref_id": ref_id,
        "amount": amount,
        "provider": provider,
        "payer_member_id": payer_member_id,
    }
    replayed = await _replay(session, idempotency_key, **expected)
    if replayed is not None:
        return replayed
    gateway = provider_for(provider)
    if not gateway.online:
        raise UnknownProvider("Cash and card are recorded at the till.", detail={"provider": provider})
    # One open payment per reference, provider and amount: asking again shows the same QR code.
    existing = await repo.open_for_ref(session, ref_type, ref_id, provider, amount, utcnow())
    if existing is not None and existing.payer_member_id == payer_member_id:
        return existing
    rt = runtime()
    payment = Payment(
        no=_number("P"),
        ref_type=ref_type,
        ref_id=ref_id,
        amount=amount,
        currency="CNY",
        provider=provider,
        status=PaymentStatus.CREATED,
        description=description.strip()[:128],
        payer_member_id=payer_member_id,
        store_id=store_id,
        idempotency_key=idempotency_key,
        expires_at=utcnow() + timedelta(minutes=rt.config.payment_minutes),
    )
    if await _insert(session, payment) is None:
        return await _replay(session, idempotency_key, **expected)  # type: ignore[return-value]
    assert payment.expires_at is not None
    created = await gateway.create(
        session,
        CreateRequest(
            out_trade_no=payment.no,
            amount=amount,
            description=payment.description,
            notify_url=rt.notify_url(provider),
            expires_at=payment.expires_at,
        ),
    )
    payment.provider_trade_no = created.provider_trade_no
    payment.pay_url = created.pay_url
    payment.qr_text = created.qr_text
    payment.status = PaymentStatus.PENDING
    await session.flush()
    return payment


async def pay_ref(
    session: AsyncSession,
    principal: Principal,
    *,
    ref_type: str,
    ref_id: str,
    provider: str,
    idempotency_key: str | None = None,
) -> Payment:
    """Open (or reuse the open) payment for a reference the principal may pay, for the amount due."""
    due = await due_for(session, principal, ref_type, ref_id)
    replayed = await _replay(
        session,
        idempotency_key,
        ref_type=ref_type,
        ref_id=ref_id,
        amount=due.amount,
        provider=provider,
        payer_member_id=due.payer_member_id,
    )
    if replayed is not None:
        return replayed
    return await create_payment(
        session,
        ref_type=ref_type,
        ref_id=ref_id,
        amount=due.amount,
        provider=provider,
        description=due.description,
        payer_member_id=due.payer_member_id,
        idempotency_key=idempotency_key,
        store_id=due.store_id,
    )


def _emit_status(session: AsyncSession, payment: Payment) -> None:
    payload = {
        "payment_id": payment.id,
        "no": payment.no,
        "ref_type": payment.ref_type,
        "ref_id": payment.ref_id,
        "status": payment.status,
        "amount": payment.amount,
        "refunded_amount": payment.refunded_amount,
    }
    if payment.payer_member_id is not None:
        emit(session, f"member:{payment.payer_member_id}", "payment.status", payload)


async def _mark_succeeded(
    session: AsyncSession, payment: Payment, *, provider_trade_no: str | None, paid_at: datetime | None
) -> bool:
    """Mark paid and run the reference's handler, in this transaction; False if it was already paid."""
    values = {"paid_at": paid_at or utcnow(), "failure_reason": None}
    if provider_trade_no:
        values["provider_trade_no"] = provider_trade_no
    # A payment closed or failed on our side can still be paid at the gateway: the money is real.
    movable = (*OPEN_STATUSES, PaymentStatus.CLOSED, PaymentStatus.FAILED)
    if not await repo.transition(session, payment, movable, PaymentStatus.SUCCEEDED, **values):
        return False
    handler = _paid_handlers.get(payment.ref_type)
    if handler is not None:
        await handler(session, payment.ref_id, payment)
    _emit_status(session, payment)
    return True


async def _mark_unpaid(session: AsyncSession, payment: Payment, status: PaymentStatus, reason: str) -> bool:
    moved = await repo.transition(
        session, payment, OPEN_STATUSES, status, failure_reason=reason, closed_at=utcnow()
    )
    if moved:
        _emit_status(session, payment)
    return moved


async def apply_notification(session: AsyncSession, provider: str, notification: Notification) -> None:
    """Apply a verified notification; a repeat changes nothing; one contradicting our records is refused."""
    if isinstance(notification, PaymentNotification):
        payment = await repo.by_no(session, notification.out_trade_no)
        if payment is None or payment.provider != provider:
            raise NotificationMismatch(
                "No such payment with this provider.", detail={"out_trade_no": notification.out_trade_no}
            )
        if notification.amount != payment.amount:
            raise NotificationMismatch(
                "The notified amount differs from the payment's.",
                detail={"expected": payment.amount, "notified": notification.amount},
            )
        if notification.status is TradeStatus.SUCCEEDED:
            await _mark_succeeded(
                session,
                payment,
                provider_trade_no=notification.provider_trade_no,
                paid_at=notification.paid_at,
            )
        elif notification.status is TradeStatus.CLOSED:
            await _mark_unpaid(session, payment, PaymentStatus.FAILED, "closed_by_payer")
        elif notification.status is TradeStatus.FAILED:
            await _mark_unpaid(session, payment, PaymentStatus.FAILED, "payment_failed")
        return
    refund = await repo.refund_by_no(session, notification.out_refund_no)
    payment = await repo.get(session, refund.payment_id) if refund else None
    if (
        refund is None
        or payment is None
        or payment.provider != provider
        or payment.no != notification.out_trade_no
    ):
        raise NotificationMismatch(
            "No such refund with this provider.", detail={"out_refund_no": notification.out_refund_no}
        )
    if notification.amount is not None and notification.amount != refund.amount:
        raise NotificationMismatch(
            "The notified refund amount differs from the refund's.",
            detail={"expected": refund.amount, "notified": notification.amount},
        )
    await _finish_refund(session, payment, refund, notification.status, notification.provider_refund_no)


async def _finish_refund(
    session: AsyncSession,
    payment: Payment,
    refund: Refund,
    outcome: RefundOutcome,
    provider_refund_no: str | None,
) -> None:
    if outcome is RefundOutcome.PENDING:
        return
    succeeded = outcome is RefundOutcome.SUCCEEDED
    values: dict[str, object] = {"provider_refund_no": provider_refund_no or refund.provider_refund_no}
    if succeeded:
        values["succeeded_at"] = utcnow()
    else:
        values["failure_reason"] = "refused_by_gateway"
    status = RefundStatus.SUCCEEDED if succeeded else RefundStatus.FAILED
    if not await repo.finish_refund(session, refund, status, **values):
        return
    await repo.settle_refund(session, payment, refund.amount, succeeded)
    if succeeded:
        handler = _refund_handlers.get(payment.ref_type)
        if handler is not None:
            await handler(session, payment.ref_id, payment, refund)
    _emit_status(session, payment)


async def refund(
    session: AsyncSession,
    payment_id: int,
    amount: int,
    reason: str,
    idempotency_key: str | None = None,
    *,
    actor: Principal | None = None,
) -> Refund:
    """Refund part or all of a paid payment through its provider; never more in total than was paid."""
    if idempotency_key:
        existing = await repo.refund_by_idempotency_key(session, idempotency_key)
        if existing is not None:
            if existing.payment_id != payment_id or existing.amount != amount:
                raise IdempotencyKeyReused(detail={"refund_id": existing.id})
            return existing
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(
            "The refund must be a positive whole number of fen.", detail={"amount": amount}
        )
    payment = await get_payment(session, payment_id)
    if payment.status not in PAID_STATUSES:
        raise PaymentNotRefundable(detail={"status": payment.status})
    if not await repo.reserve_refund(session, payment, amount):
        refundable = payment.amount - payment.refunded_amount - payment.refunding_amount
        raise RefundExceedsPaid(detail={"refundable": max(refundable, 0), "requested": amount})
    record = Refund(
        no=_number("R"),
        payment_id=payment.id,
        amount=amount,
        reason=reason.strip()[:200] or "-",
        status=RefundStatus.PENDING,
        idempotency_key=idempotency_key,
        requested_by_kind=getattr(actor, "kind", "system"),
        requested_by_id=getattr(actor, "id", None),
    )
    session.add(record)
    await session.flush()
    result = await provider_for(payment.provider).refund(
        session,
        RefundRequest(
            out_trade_no=payment.no,
            provider_trade_no=payment.provider_trade_no,
            out_refund_no=record.no,
            amount=amount,
            total=payment.amount,
            reason=record.reason,
            notify_url=runtime().notify_url(payment.provider),
        ),
    )
    if result.status is RefundOutcome.FAILED:
        raise GatewayError("The gateway refused the refund.", detail={"payment_id": payment.id})
    record.provider_refund_no = result.provider_refund_no
    await session.flush()
    await _finish_refund(session, payment, record, result.status, result.provider_refund_no)
    audit.record(
        session,
        actor,
        "payment.refund",
        "payment",
        payment.id,
        after={"refund_no": record.no, "amount": amount, "reason": record.reason},
        store_id=payment.store_id,
    )
    return record


async def refunds_of(session: AsyncSession, payment_id: int) -> list[Refund]:
    return await repo.refunds_of(session, payment_id)


async def get_refund(session: AsyncSession, refund_id: int) -> Refund:
    found = await repo.get_refund(session, refund_id)
    if found is None:
        raise RefundNotFound(detail={"refund_id": refund_id})
    return found


async def record_offline_tender(
    session: AsyncSession,
    *,
    ref_type: str,
    ref_id: str,
    amount: int,
    tender: str,
    description: str,
    store_id: int,
    terminal_ref: str | None = None,
    payer_member_id: int | None = None,
    idempotency_key: str | None = None,
    actor: Principal | None = None,
) -> Payment:
    """Cash or card taken at the till: the payment is succeeded at once and the reference's handler runs."""
    if tender not in ("cash", "card"):
        raise UnknownProvider("A tender is cash or card.", detail={"tender": tender})
    if tender == "card" and not (terminal_ref and terminal_ref.strip()):
        raise ValidationFailed(
            "A card payment needs the terminal's reference.", detail={"field": "terminal_ref"}
        )
    _validate(ref_type, ref_id, amount, description)
    expected = {
        "ref_type": ref_type,
        "ref_id": ref_id,
        "amount": amount,
        "provider": tender,
        "payer_member_id": payer_member_id,
    }
    replayed = await _replay(session, idempotency_key, **expected)
    if replayed is not None:
        return replayed
    payment = Payment(
        no=_number("P"),
        ref_type=ref_type,
        ref_id=ref_id,
        amount=amount,
        currency="CNY",
        provider=tender,
        status=PaymentStatus.CREATED,
        description=description.strip()[:128],
        payer_member_id=payer_member_id,
        store_id=store_id,
        idempotency_key=idempotency_key,
        provider_trade_no=terminal_ref.strip()[:64] if terminal_ref else None,
    )
    if await _insert(session, payment) is None:
        return await _replay(session, idempotency_key, **expected)  # type: ignore[return-value]
    await _mark_succeeded(session, payment, provider_trade_no=payment.provider_trade_no, paid_at=None)
    audit.record(
        session,
        actor,
        "payment.offline_tender",
        "payment",
        payment.id,
        after={
            "tender": tender,
            "amount": amount,
            "ref_type": ref_type,
            "ref_id": ref_id,
            "terminal_ref": payment.provider_trade_no,
        },
        store_id=store_id,
    )
    return payment


async def sync_payment(session: AsyncSession, payment_id: int) -> Payment:
    """Ask the provider for an open payment's state, in case its notification is late or lost."""
    payment = await get_payment(session, payment_id)
    if payment.status not in OPEN_STATUSES:
        return payment
    state = await provider_for(payment.provider).query(session, payment.no)
    if state.status is TradeStatus.SUCCEEDED:
        if state.amount is not None and state.amount != payment.amount:
            raise GatewayError(
                "The gateway reports another amount for this payment.",
                detail={"expected": payment.amount, "reported": state.amount},
            )
        await _mark_succeeded(
            session, payment, provider_trade_no=state.provider_trade_no, paid_at=state.paid_at
        )
    elif state.status in (TradeStatus.CLOSED, TradeStatus.FAILED):
        await _mark_unpaid(session, payment, PaymentStatus.FAILED, "closed_at_gateway")
    return payment


async def close_payment(session: AsyncSession, payment_id: int, reason: str = "closed") -> Payment:
    """Close an open payment at the gateway; if it turns out to be paid, it is marked paid instead."""
    payment = await sync_payment(session, payment_id)
    if payment.status not in OPEN_STATUSES:
        return payment
    try:
        await provider_for(payment.provider).close(session, payment.no)
    except GatewayError:
        await sync_payment(session, payment_id)
        if payment.status in OPEN_STATUSES:
            raise
        return payment
    await repo.transition(
        session, payment, OPEN_STATUSES, PaymentStatus.CLOSED, closed_at=utcnow(), failure_reason=reason[:200]
    )
    _emit_status(session, payment)
    return payment
