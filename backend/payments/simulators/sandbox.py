"""The sandbox gateway: a payment gateway that runs inside the backend with its own tables.

It behaves like a real one: a payment gets a trade number and a pay page (``/payments/sandbox/pay/{token}``);
when the payer confirms, the gateway queues a notification that a delivery loop posts to the merchant's
notify URL, signed with HMAC-SHA256 over ``timestamp\\nnonce\\nbody\\n`` with the merchant key, retrying with
backoff until the merchant answers 2xx. Refunds are accepted at once and confirmed the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database
from backend.core.time import utcnow
from backend.payments.errors import GatewayError
from backend.payments.models import SandboxNotification, SandboxRefund, SandboxTransaction

log = logging.getLogger("omo.payments.sandbox")

SIGNATURE_HEADER = "X-Sandbox-Signature"
TIMESTAMP_HEADER = "X-Sandbox-Timestamp"
NONCE_HEADER = "X-Sandbox-Nonce"
# A claimed notification is not picked up by another delivery loop for this long.
CLAIM_SECONDS = 60


def signature(key: str, timestamp: str, nonce: str, body: str) -> str:
    message = f"{timestamp}\n{nonce}\n{body}\n".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    key: str, body: str, *, timestamp: int | None = None, nonce: str | None = None
) -> dict[str, str]:
    """The headers of one delivery: a fresh timestamp and nonce, and the signature over them and the body."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: ts,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: signature(key, ts, nonce, body),
    }


def _number(prefix: str) -> str:
    return prefix + utcnow().strftime("%Y%m%d%H%M%S") + secrets.token_hex(5).upper()


def _enqueue(session: AsyncSession, url: str, payload: dict[str, Any]) -> None:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    session.add(SandboxNotification(url=url, body=body, next_attempt_at=utcnow()))


def _event(event_type: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": secrets.token_hex(12),
        "event_type": event_type,
        "create_time": utcnow().isoformat(),
        "resource": resource,
    }


async def create_transaction(
    session: AsyncSession,
    *,
    out_trade_no: str,
    amount: int,
    description: str,
    notify_url: str,
    expires_at: datetime,
) -> SandboxTransaction:
    existing = await transaction(session, out_trade_no)
    if existing is not None:
        if existing.amount != amount:
            raise GatewayError(
                "The sandbox gateway has this trade with another amount.",
                detail={"out_trade_no": out_trade_no},
            )
        return existing
    txn = SandboxTransaction(
        trade_no=_number("SBX"),
        out_trade_no=out_trade_no,
        token=secrets.token_urlsafe(24),
        amount=amount,
        description=description,
        notify_url=notify_url,
        expires_at=expires_at,
    )
    session.add(txn)
    await session.flush()
    return txn


async def transaction(session: AsyncSession, out_trade_no: str) -> SandboxTransaction | None:
    return await session.scalar(
        select(SandboxTransaction).where(SandboxTransaction.out_trade_no == out_trade_no)
    )


async def by_token(session: AsyncSession, token: str) -> SandboxTransaction | None:
    return await session.scalar(select(SandboxTransaction).where(SandboxTransaction.token == token))


async def _move(session: AsyncSession, txn: SandboxTransaction, to: str, **values: Any) -> bool:
    result = await session.execute(
        update(SandboxTransaction)
        .where(SandboxTransaction.id == txn.id, SandboxTransaction.status == "NOTPAY")
        .values(status=to, **values)
    )
    await session.refresh(txn)
    return result.rowcount == 1


async def close(session: AsyncSession, out_trade_no: str) -> SandboxTransaction:
    txn = await transaction(session, out_trade_no)
    if txn is None:
        raise GatewayError("The sandbox gateway has no such trade.", detail={"out_trade_no": out_trade_no})
    if not await _move(session, txn, "CLOSED") and txn.status == "SUCCESS":
        raise GatewayError("The trade is paid and cannot be closed.", detail={"out_trade_no": out_trade_no})
    return txn


async def confirm(session: AsyncSession, token: str) -> SandboxTransaction | None:
    """The payer pays on the pay page: the trade succeeds and a notification is queued."""
    txn = await by_token(session, token)
    if txn is None or txn.status != "NOTPAY" or txn.expires_at <= utcnow():
        return txn
    now = utcnow()
    if await _move(session, txn, "SUCCESS", paid_at=now):
        _enqueue(
            session,
            txn.notify_url,
            _event(
                "TRANSACTION.SUCCESS",
                {
                    "out_trade_no": txn.out_trade_no,
                    "trade_no": txn.trade_no,
                    "trade_state": "SUCCESS",
                    "amount": txn.amount,
                    "success_time": now.isoformat(),
                },
            ),
        )
    return txn


async def cancel(session: AsyncSession, token: str) -> SandboxTransaction | None:
    """The payer cancels on the pay page: the trade is closed and the merchant told."""
    txn = await by_token(session, token)
    if txn is None or txn.status != "NOTPAY":
        return txn
    if await _move(session, txn, "CLOSED"):
        _enqueue(
            session,
            txn.notify_url,
            _event(
                "TRANSACTION.CLOSED",
                {
                    "out_trade_no": txn.out_trade_no,
                    "trade_no": txn.trade_no,
                    "trade_state": "CLOSED",
                    "amount": txn.amount,
                },
            ),
        )
    return txn


async def refund(
    session: AsyncSession, *, out_trade_no: str, out_refund_no: str, amount: int, notify_url: str
) -> SandboxRefund:
    existing = await session.scalar(select(SandboxRefund).where(SandboxRefund.out_refund_no == out_refund_no))
    if existing is not None:
        return existing
    txn = await transaction(session, out_trade_no)
    if txn is None or txn.status != "SUCCESS":
        raise GatewayError(
            "The sandbox gateway has no paid trade to refund.", detail={"out_trade_no": out_trade_no}
        )
    moved = await session.execute(
        update(SandboxTransaction)
        .where(
            SandboxTransaction.id == txn.id,
            SandboxTransaction.refunded_amount + amount <= SandboxTransaction.amount,
        )
        .values(refunded_amount=SandboxTransaction.refunded_amount + amount)
    )
    if moved.rowcount != 1:
        raise GatewayError(
            "The refund is more than the trade's refundable balance.", detail={"out_trade_no": out_trade_no}
        )
    record = SandboxRefund(
        refund_no=_number("SBR"),
        out_refund_no=out_refund_no,
        trade_no=txn.trade_no,
        amount=amount,
        status="SUCCESS",
        notify_url=notify_url,
    )
    session.add(record)
    await session.flush()
    _enqueue(
        session,
        notify_url,
        _event(
            "REFUND.SUCCESS",
            {
                "out_refund_no": out_refund_no,
                "refund_no": record.refund_no,
                "out_trade_no": out_trade_no,
                "trade_no": txn.trade_no,
                "refund_status": "SUCCESS",
                "amount": {"refund": amount, "total": txn.amount},
            },
        ),
    )
    return record


def _backoff(backoff: list[int], attempts: int) -> int:
    return backoff[min(attempts, len(backoff)) - 1] if backoff else 60


async def deliver_due(
    db: Database,
    key: str,
    http: httpx.AsyncClient,
    *,
    backoff: list[int],
    max_attempts: int,
    now: datetime | None = None,
    limit: int = 50,
) -> int:
    """Post every notification that is due once; returns how many the merchant accepted."""
    now = now or utcnow()
    async with db.sessionmaker() as session:
        due = list(
            await session.scalars(
                select(SandboxNotification)
                .where(
                    SandboxNotification.delivered_at.is_(None),
                    SandboxNotification.gave_up_at.is_(None),
                    SandboxNotification.next_attempt_at <= now,
                )
                .order_by(SandboxNotification.id)
                .limit(limit)
            )
        )
        claimed: list[SandboxNotification] = []
        for item in due:
            taken = await session.execute(
                update(SandboxNotification)
                .where(
                    SandboxNotification.id == item.id,
                    SandboxNotification.next_attempt_at == item.next_attempt_at,
                    SandboxNotification.delivered_at.is_(None),
                )
                .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
            )
            if taken.rowcount == 1:
                claimed.append(item)
        await session.commit()
    delivered = 0
    for item in claimed:
        status: int | None = None
        error: str | None = None
        try:
            response = await http.post(
                item.url, content=item.body.encode(), headers=signed_headers(key, item.body)
            )
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        attempts = item.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_status": status, "last_error": error}
        if status is not None and 200 <= status < 300:
            values["delivered_at"] = utcnow()
            delivered += 1
        elif attempts >= max_attempts:
            values["gave_up_at"] = utcnow()
            log.warning("sandbox notification %s given up after %s attempts", item.id, attempts)
        else:
            values["next_attempt_at"] = now + timedelta(seconds=_backoff(backoff, attempts))
        async with db.sessionmaker() as session:
            await session.execute(
                update(SandboxNotification).where(SandboxNotification.id == item.id).values(**values)
            )
            await session.commit()
    return delivered
