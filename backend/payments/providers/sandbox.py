"""The sandbox provider: calls the in-process sandbox gateway and verifies its HMAC-signed notifications."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.payments.errors import (
    GatewayError,
    InvalidNotification,
    NotificationSignatureInvalid,
    NotificationStale,
)
from backend.payments.providers.base import (
    Created,
    CreateRequest,
    Notification,
    PaymentNotification,
    RefundNotification,
    RefundOutcome,
    RefundRequest,
    RefundResult,
    Reply,
    TradeState,
    TradeStatus,
)
from backend.payments.simulators import sandbox as gateway

if TYPE_CHECKING:
    from backend.payments.config import PaymentsRuntime

_TRADE_STATES = {
    "NOTPAY": TradeStatus.PENDING,
    "SUCCESS": TradeStatus.SUCCEEDED,
    "CLOSED": TradeStatus.CLOSED,
}


class SandboxProvider:
    name = "sandbox"
    online = True

    def __init__(self, runtime: PaymentsRuntime) -> None:
        self._runtime = runtime

    def pay_url(self, token: str) -> str:
        return f"{self._runtime.base_url}/sandbox/pay/{token}"

    async def create(self, session: AsyncSession, request: CreateRequest) -> Created:
        txn = await gateway.create_transaction(
            session,
            out_trade_no=request.out_trade_no,
            amount=request.amount,
            description=request.description,
            notify_url=request.notify_url,
            expires_at=request.expires_at,
        )
        url = self.pay_url(txn.token)
        return Created(provider_trade_no=txn.trade_no, pay_url=url, qr_text=url)

    async def query(self, session: AsyncSession, out_trade_no: str) -> TradeState:
        txn = await gateway.transaction(session, out_trade_no)
        if txn is None:
            raise GatewayError(
                "The sandbox gateway has no such trade.", detail={"out_trade_no": out_trade_no}
            )
        return TradeState(
            out_trade_no=out_trade_no,
            status=_TRADE_STATES[txn.status],
            provider_trade_no=txn.trade_no,
            amount=txn.amount,
            paid_at=txn.paid_at,
        )

    async def close(self, session: AsyncSession, out_trade_no: str) -> None:
        await gateway.close(session, out_trade_no)

    async def refund(self, session: AsyncSession, request: RefundRequest) -> RefundResult:
        record = await gateway.refund(
            session,
            out_trade_no=request.out_trade_no,
            out_refund_no=request.out_refund_no,
            amount=request.amount,
            notify_url=request.notify_url,
        )
        return RefundResult(
            out_refund_no=request.out_refund_no,
            status=RefundOutcome.PENDING,
            provider_refund_no=record.refund_no,
        )

    def verify_and_parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        timestamp = headers.get(gateway.TIMESTAMP_HEADER) or ""
        nonce = headers.get(gateway.NONCE_HEADER) or ""
        given = headers.get(gateway.SIGNATURE_HEADER) or ""
        try:
            text = body.decode()
        except UnicodeDecodeError as exc:
            raise InvalidNotification() from exc
        expected = gateway.signature(self._runtime.sandbox_key, timestamp, nonce, text)
        if not (timestamp and nonce and given) or not hmac.compare_digest(expected, given):
            raise NotificationSignatureInvalid()
        if (
            not timestamp.isdigit()
            or abs(time.time() - int(timestamp)) > self._runtime.config.notify_window_seconds
        ):
            raise NotificationStale(detail={"timestamp": timestamp})
        try:
            payload = json.loads(text)
            return _parse(payload["event_type"], payload["resource"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidNotification() from exc

    def reply(self, ok: bool, message: str = "") -> Reply:
        body = {"code": "SUCCESS"} if ok else {"code": "FAIL", "message": message}
        return Reply(200 if ok else 400, json.dumps(body, ensure_ascii=False), "application/json")


def _parse(event_type: str, resource: dict[str, Any]) -> Notification:
    if event_type.startswith("TRANSACTION."):
        state = _TRADE_STATES.get(resource["trade_state"])
        if state is None:
            raise InvalidNotification(detail={"trade_state": resource["trade_state"]})
        paid = resource.get("success_time")
        return PaymentNotification(
            out_trade_no=str(resource["out_trade_no"]),
            status=state,
            amount=int(resource["amount"]),
            provider_trade_no=resource.get("trade_no"),
            paid_at=datetime.fromisoformat(paid) if paid else None,
        )
    if event_type.startswith("REFUND."):
        outcome = RefundOutcome.SUCCEEDED if resource["refund_status"] == "SUCCESS" else RefundOutcome.FAILED
        return RefundNotification(
            out_refund_no=str(resource["out_refund_no"]),
            out_trade_no=str(resource["out_trade_no"]),
            status=outcome,
            amount=int(resource["amount"]["refund"]),
            provider_refund_no=resource.get("refund_no"),
        )
    raise InvalidNotification(detail={"event_type": event_type})
