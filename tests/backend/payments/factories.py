"""A payable test reference (its checker and handlers are real registrations) and payment helpers."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core.errors import Forbidden, NotFound
from backend.core.events import Event, emit
from backend.payments import service
from backend.payments.config import runtime
from backend.payments.models import Payment, Refund, SandboxNotification, SandboxTransaction
from backend.payments.service import PayableRef
from backend.payments.simulators import sandbox as gateway

REF_TYPE = "test_order"
_seq = itertools.count(1)
DUES: dict[str, PayableRef] = {}
PAID: Counter[str] = Counter()
REFUNDED: Counter[str] = Counter()


async def _checker(session: AsyncSession, principal: Principal, ref_id: str) -> PayableRef:
    due = DUES.get(ref_id)
    if due is None:
        raise NotFound("No such test order.")
    if principal.is_member and due.payer_member_id != principal.id:
        raise Forbidden("Not your order.")
    if not principal.is_member and due.store_id is not None:
        principal.require_store(due.store_id)
    return due


async def _paid(session: AsyncSession, ref_id: str, payment: Payment) -> None:
    PAID[ref_id] += 1
    emit(session, f"test:{ref_id}", "test.paid", {"payment_id": payment.id, "status": payment.status})


async def _refunded(session: AsyncSession, ref_id: str, payment: Payment, refund: Refund) -> None:
    REFUNDED[ref_id] += refund.amount


service.register_ref_checker(REF_TYPE, _checker)
service.register_paid_handler(REF_TYPE, _paid)
service.register_refund_handler(REF_TYPE, _refunded)


def new_ref(amount: int, *, member_id: int | None = None, store_id: int | None = None) -> str:
    ref_id = f"T{next(_seq)}-{id(DUES) % 1000}"
    DUES[ref_id] = PayableRef(
        amount=amount, description=f"测试订单 {ref_id}", store_id=store_id, payer_member_id=member_id
    )
    return ref_id


async def paid_events(app: Any, ref_id: str) -> int:
    """Rows the paid handler wrote in the transaction that marked the payment paid."""
    async with app.state.db.read_sessionmaker() as session:
        query = select(func.count()).select_from(Event).where(Event.topic == f"test:{ref_id}")
        return await session.scalar(query) or 0


async def sandbox_txn(app: Any, out_trade_no: str) -> SandboxTransaction:
    async with app.state.db.read_sessionmaker() as session:
        txn = await session.scalar(
            select(SandboxTransaction).where(SandboxTransaction.out_trade_no == out_trade_no)
        )
    assert txn is not None
    return txn


async def payment_row(app: Any, payment_id: int) -> Payment:
    async with app.state.db.read_sessionmaker() as session:
        payment = await session.get(Payment, payment_id)
    assert payment is not None
    return payment


async def notifications(app: Any) -> list[SandboxNotification]:
    async with app.state.db.read_sessionmaker() as session:
        return list(await session.scalars(select(SandboxNotification).order_by(SandboxNotification.id)))


def sandbox_notification(
    out_trade_no: str,
    amount: int,
    *,
    trade_no: str | None = None,
    event_type: str = "TRANSACTION.SUCCESS",
    state: str = "SUCCESS",
) -> str:
    return json.dumps(
        {
            "id": "evt",
            "event_type": event_type,
            "create_time": "2026-11-22T00:00:00+00:00",
            "resource": {
                "out_trade_no": out_trade_no,
                "trade_no": trade_no,
                "trade_state": state,
                "amount": amount,
            },
        }
    )


async def post_sandbox_notification(client: httpx.AsyncClient, body: str, **sign: Any) -> httpx.Response:
    key = sign.pop("key", None) or runtime().sandbox_key
    headers = gateway.signed_headers(key, body, **sign)
    return await client.post("/api/v1/payments/notify/sandbox", content=body.encode(), headers=headers)


async def open_payment(client, app, session, provider: str, amount: int, store=None):  # type: ignore[no-untyped-def]
    """A new member opens a payment with ``provider`` for a fresh payable reference."""
    from tests.factories import bearer, create_member, member_token

    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)
    ref_id = new_ref(amount, member_id=member.id, store_id=store.id if store else None)
    response = await client.post(
        "/api/v1/payments",
        json={"ref_type": REF_TYPE, "ref_id": ref_id, "provider": provider},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    return response.json(), ref_id, token
