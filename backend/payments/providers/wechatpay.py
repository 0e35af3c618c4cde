"""WeChat Pay API v3 (Native QR payments) through the ``wechatpayv3`` SDK.

The SDK signs requests (``Authorization: WECHATPAY2-SHA256-RSA2048 ...``), verifies the gateway's response
signatures, and verifies and decrypts notifications (RSA-SHA256 over ``timestamp\\nnonce\\nbody\\n`` with the
platform key; ``resource`` AES-256-GCM with the APIv3 key). It runs in platform-public-key mode
(``wechatpay_public_key`` + ``wechatpay_public_key_id``), so nothing is downloaded at start.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from wechatpayv3.async_ import AsyncWeChatPay, WeChatPayType

from backend.payments.errors import (
    GatewayError,
    InvalidNotification,
    NotificationMismatch,
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

if TYPE_CHECKING:
    from backend.payments.config import PaymentsRuntime

BEIJING = timezone(timedelta(hours=8))
_TRADE_STATES = {
    "SUCCESS": TradeStatus.SUCCEEDED,
    "REFUND": TradeStatus.SUCCEEDED,
    "NOTPAY": TradeStatus.PENDING,
    "USERPAYING": TradeStatus.PENDING,
    "CLOSED": TradeStatus.CLOSED,
    "REVOKED": TradeStatus.CLOSED,
    "PAYERROR": TradeStatus.FAILED,
}
_REFUND_STATES = {
    "SUCCESS": RefundOutcome.SUCCEEDED,
    "PROCESSING": RefundOutcome.PENDING,
    "CLOSED": RefundOutcome.FAILED,
    "ABNORMAL": RefundOutcome.FAILED,
}


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class WeChatPayProvider:
    name = "wechatpay"
    online = True

    def __init__(self, runtime: PaymentsRuntime) -> None:
        config = runtime.config
        self._runtime = runtime
        self._mchid = config.wechatpay_mchid
        if not (config.wechatpay_public_key and config.wechatpay_public_key_id):
            raise ValueError(
                "WeChat Pay needs the platform public key and its id (OMO_PAY_WECHATPAY_PUBLIC_KEY[_ID])."
            )
        self._sdk = AsyncWeChatPay(
            wechatpay_type=WeChatPayType.NATIVE,
            mchid=config.wechatpay_mchid,
            private_key=config.wechatpay_private_key,
            cert_serial_no=config.wechatpay_cert_serial_no,
            appid=config.wechatpay_appid,
            apiv3_key=config.wechatpay_apiv3_key,
            notify_url=runtime.notify_url(self.name),
            public_key=config.wechatpay_public_key,
            public_key_id=config.wechatpay_public_key_id,
        )
        # The SDK's async core sends through its own httpx client to a fixed host; give it ours and the
        # configured gateway (a local simulator in tests, a proxy or the real host in production).
        self._sdk._core._gate_way = config.wechatpay_base_url.rstrip("/")
        self._sdk._core._client = runtime.http

    async def _call(self, what: str, call: Any) -> tuple[int, dict[str, Any]]:
        try:
            code, text = await call
        except Exception as exc:
            raise GatewayError(f"WeChat Pay {what} failed.", detail={"reason": str(exc)[:200]}) from exc
        data = json.loads(text) if isinstance(text, str) and text else {}
        if not 200 <= code < 300:
            raise GatewayError(
                f"WeChat Pay refused the {what}.",
                detail={"status": code, "code": data.get("code"), "message": data.get("message")},
            )
        return code, data

    async def create(self, session: AsyncSession, request: CreateRequest) -> Created:
        _, data = await self._call(
            "order",
            self._sdk.pay(
                description=request.description,
                out_trade_no=request.out_trade_no,
                amount={"total": request.amount, "currency": "CNY"},
                time_expire=request.expires_at.astimezone(BEIJING).isoformat(timespec="seconds"),
                notify_url=request.notify_url,
                pay_type=WeChatPayType.NATIVE,
            ),
        )
        return Created(provider_trade_no=None, pay_url=data["code_url"], qr_text=data["code_url"])

    async def query(self, session: AsyncSession, out_trade_no: str) -> TradeState:
        _, data = await self._call("query", self._sdk.query(out_trade_no=out_trade_no))
        return TradeState(
            out_trade_no=out_trade_no,
            status=_TRADE_STATES.get(data.get("trade_state", ""), TradeStatus.PENDING),
            provider_trade_no=data.get("transaction_id"),
            amount=(data.get("amount") or {}).get("total"),
            paid_at=_time(data.get("success_time")),
        )

    async def close(self, session: AsyncSession, out_trade_no: str) -> None:
        await self._call("close", self._sdk.close(out_trade_no=out_trade_no))

    async def refund(self, session: AsyncSession, request: RefundRequest) -> RefundResult:
        _, data = await self._call(
            "refund",
            self._sdk.refund(
                out_refund_no=request.out_refund_no,
                amount={"refund": request.amount, "total": request.total, "currency": "CNY"},
                transaction_id=request.provider_trade_no,
                out_trade_no=None if request.provider_trade_no else request.out_trade_no,
                reason=request.reason,
                notify_url=request.notify_url,
            ),
        )
        return RefundResult(
            out_refund_no=request.out_refund_no,
            status=_REFUND_STATES.get(data.get("status", ""), RefundOutcome.PENDING),
            provider_refund_no=data.get("refund_id"),
        )

    def verify_and_parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        plain = {key.lower(): value for key, value in headers.items()}
        timestamp = plain.get("wechatpay-timestamp", "")
        try:
            data = self._sdk.callback(plain, body)
        except Exception as exc:
            raise NotificationSignatureInvalid(detail={"reason": str(exc)[:200]}) from exc
        if not data:
            # The SDK answers None for a bad signature or a resource the APIv3 key does not decrypt.
            raise NotificationSignatureInvalid()
        if (
            not timestamp.isdigit()
            or abs(time.time() - int(timestamp)) > self._runtime.config.notify_window_seconds
        ):
            raise NotificationStale(detail={"timestamp": timestamp})
        try:
            return self._parse(data["event_type"], data["resource"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidNotification() from exc

    def _parse(self, event_type: str, resource: dict[str, Any]) -> Notification:
        if resource.get("mchid") != self._mchid:
            raise NotificationMismatch("The notification is for another merchant.")
        if event_type.startswith("TRANSACTION."):
            return PaymentNotification(
                out_trade_no=resource["out_trade_no"],
                status=_TRADE_STATES.get(resource["trade_state"], TradeStatus.PENDING),
                amount=int(resource["amount"]["total"]),
                provider_trade_no=resource.get("transaction_id"),
                paid_at=_time(resource.get("success_time")),
            )
        if event_type.startswith("REFUND."):
            return RefundNotification(
                out_refund_no=resource["out_refund_no"],
                out_trade_no=resource["out_trade_no"],
                status=_REFUND_STATES.get(resource["refund_status"], RefundOutcome.PENDING),
                amount=int(resource["amount"]["refund"]),
                provider_refund_no=resource.get("refund_id"),
            )
        raise InvalidNotification(detail={"event_type": event_type})

    def reply(self, ok: bool, message: str = "") -> Reply:
        if ok:
            return Reply(
                200,
                json.dumps({"code": "SUCCESS", "message": "成功"}, ensure_ascii=False),
                "application/json",
            )
        return Reply(
            400,
            json.dumps({"code": "FAIL", "message": message or "失败"}, ensure_ascii=False),
            "application/json",
        )
