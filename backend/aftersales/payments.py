"""Paying the price difference of an exchange through the payments domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales import repository as repo
from backend.aftersales.enums import RequestKind, RequestStatus
from backend.aftersales.errors import RequestNotFound
from backend.aftersales.service import REF_EXCHANGE, STAFF_ROLES
from backend.auth.principal import Principal
from backend.core import events
from backend.core.errors import InvalidState
from backend.payments import service as payments


async def _due(session: AsyncSession, principal: Principal, ref_id: str) -> payments.PayableRef:
    request = await repo.get(session, int(ref_id)) if ref_id.isdigit() else None
    # The shopper pays in the app, or any store's till takes it when the goods are brought in.
    allowed = request is not None and (
        (principal.is_member and request.member_id == principal.id)
        or (principal.is_staff and principal.has_role(*STAFF_ROLES))
    )
    if request is None or not allowed:
        raise RequestNotFound(detail={"request_id": ref_id})
    owed = request.difference - request.difference_paid
    if request.kind != RequestKind.EXCHANGE or request.status != RequestStatus.APPROVED or owed <= 0:
        raise InvalidState(
            "Nothing to pay for this request.", detail={"status": request.status, "owed": max(owed, 0)}
        )
    return payments.PayableRef(
        amount=owed,
        description=f"换货差价 {request.id}",
        store_id=request.store_id,
        payer_member_id=request.member_id,
    )


async def _paid(session: AsyncSession, ref_id: str, payment: Any) -> None:
    request = await repo.get(session, int(ref_id), lock=True)
    if request is None:
        return
    if request.status != RequestStatus.APPROVED or request.difference_paid >= request.difference:
        await payments.refund(session, payment.id, payment.amount, "exchange no longer payable")
        return
    request.difference_paid += payment.amount
    request.difference_payment_id = payment.id
    events.emit(
        session,
        f"member:{request.member_id}",
        "aftersales.difference_paid",
        {"request_id": request.id, "paid": request.difference_paid},
    )


def register_handlers() -> None:
    payments.register_ref_checker(REF_EXCHANGE, _due)
    payments.register_paid_handler(REF_EXCHANGE, _paid)
