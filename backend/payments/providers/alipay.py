"""Alipay (当面付 precreate QR) through ``python-alipay-sdk`` with RSA2 keys.

The SDK builds and signs every request (SHA256withRSA over the sorted ``k=v&...`` string), verifies the
gateway's signed JSON answers, and verifies async notifications; requests go out through the runtime's
httpx client as a form POST to the configured gateway.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.money import yuan
from backend.core.time import utcnow
from backend.payments.errors import (
    GatewayError,
    InvalidNotification,
    NotificationMismatch,
    NotificationSignatureInvalid,
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
    yuan_to_fen,
)

if TYPE_CHECKING:
    from backend.payments.config import PaymentsRuntime

BEIJING = timezone(timedelta(hours=8))
_TRADE_STATES = {
    "WAIT_BUYER_PAY": TradeStatus.PENDING,
    "TRADE_SUCCESS": TradeStatus.SUCCEEDED,
    "TRADE_FINISHED": TradeStatus.SUCCEEDED,
    "TRADE_CLOSED": TradeStatus.CLOSED,
}
# The trade does not exist until the payer scans the precreated QR code.
TRADE_NOT_EXIST = "ACQ.TRADE_NOT_EXIST"


def _beijing(value: datetime) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)


class AlipayProvider:
    name = "alipay"
    online = True

    def __init__(self, runtime: PaymentsRuntime) -> None:
        config = runtime.config
        self._runtime = runtime
        self._appid = str(config.alipay_appid)
        self._gateway_url = config.alipay_gateway_url
        self._sdk = AliPay(
            appid=self._appid,
            app_notify_url=runtime.notify_url(self.name),
            app_private_key_string=config.alipay_app_private_key,
            alipay_public_key_string=config.alipay_public_key,
            sign_type="RSA2",
        )

    async def _call(self, method: str, biz_content: dict[str, Any], **extra: Any) -> dict[str, Any]:
        data = self._sdk.build_body(method, biz_content, timestamp=_beijing(utcnow()), **extra)
        signed = self._sdk.sign_data(data)
        try:
            response = await self._runtime.http.post(
                self._gateway_url,
                content=signed.encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
            )
        except Exception as exc:
            raise GatewayError(f"Alipay {method} failed.", detail={"reason": type(exc).__name__}) from exc
        response_type = method.replace(".", "_") + "_response"
        try:
            result = self._sdk._verify_and_return_sync_response(response.text, response_type)
        except AliPayValidationError as exc:
            raise GatewayError("Alipay's answer is not signed by Alipay.", detail={"method": method}) from exc
        except (AliPayException, ValueError, AttributeError) as exc:
            raise GatewayError(f"Alipay refused {method}.", detail={"status": response.status_code}) from exc
        return result

    @staticmethod
    def _ok(method: str, result: dict[str, Any]) -> dict[str, Any]:
        if result.get("code") != "10000":
            raise GatewayError(
                f"Alipay refused {method}.",
                detail={
                    "code": result.get("code"),
                    "sub_code": result.get("sub_code"),
                    "sub_msg": result.get("sub_msg"),
                },
            )
        return result

    async def create(self, session: AsyncSession, request: CreateRequest) -> Created:
        method = "alipay.trade.precreate"
        result = self._ok(
            method,
            await self._call(
                method,
                {
                    "out_trade_no": request.out_trade_no,
                    "total_amount": yuan(request.amount),
                    "subject": request.description,
                    "time_expire": _beijing(request.expires_at),
                },
                notify_url=request.notify_url,
            ),
        )
        return Created(provider_trade_no=None, pay_url=result["qr_code"], qr_text=result["qr_code"])

    async def query(self, session: AsyncSession, out_trade_no: str) -> TradeState:
        result = await self._call("alipay.trade.query", {"out_trade_no": out_trade_no})
        if result.get("sub_code") == TRADE_NOT_EXIST:
            return TradeState(out_trade_no=out_trade_no, status=TradeStatus.PENDING)
        self._ok("alipay.trade.query", result)
        return TradeState(
            out_trade_no=out_trade_no,
            status=_TRADE_STATES.get(result.get("trade_status", ""), TradeStatus.PENDING),
            provider_trade_no=result.get("trade_no"),
            amount=yuan_to_fen(result["total_amount"]) if result.get("total_amount") else None,
            paid_at=_parse_time(result.get("send_pay_date")),
        )

    async def close(self, session: AsyncSession, out_trade_no: str) -> None:
        result = await self._call("alipay.trade.close", {"out_trade_no": out_trade_no})
        if result.get("sub_code") != TRADE_NOT_EXIST:
            self._ok("alipay.trade.close", result)

    async def refund(self, session: AsyncSession, request: RefundRequest) -> RefundResult:
        method = "alipay.trade.refund"
        result = self._ok(
            method,
            await self._call(
                method,
                {
                    "out_trade_no": request.out_trade_no,
                    "refund_amount": yuan(request.amount),
                    "out_request_no": request.out_refund_no,
                    "refund_reason": request.reason,
                },
            ),
        )
        # Alipay refunds synchronously: code 10000 means the money went back (fund_change N on a repeat).
        return RefundResult(
            out_refund_no=request.out_refund_no,
            status=RefundOutcome.SUCCEEDED,
            provider_refund_no=result.get("trade_no"),
        )

    def verify_and_parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        try:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidNotification() from exc
        sign = params.pop("sign", None)
        if not sign:
            raise NotificationSignatureInvalid()
        try:
            verified = self._sdk.verify(dict(params), sign)
        except Exception as exc:
            raise NotificationSignatureInvalid(detail={"reason": str(exc)[:200]}) from exc
        if not verified:
            raise NotificationSignatureInvalid()
        if params.get("app_id") != self._appid:
            raise NotificationMismatch("The notification is for another app.")
        try:
            return self._parse(params)
        except KeyError as exc:
            raise InvalidNotification(detail={"missing": str(exc)}) from exc

    def _parse(self, params: dict[str, str]) -> Notification:
        if params.get("out_biz_no") and params.get("refund_fee"):
            return RefundNotification(
                out_refund_no=params["out_biz_no"],
                out_trade_no=params["out_trade_no"],
                status=RefundOutcome.SUCCEEDED,
                provider_refund_no=params.get("trade_no"),
            )
        status = _TRADE_STATES.get(params["trade_status"])
        if status is None:
            raise InvalidNotification(detail={"trade_status": params["trade_status"]})
        return PaymentNotification(
            out_trade_no=params["out_trade_no"],
            status=status,
            amount=yuan_to_fen(params["total_amount"]),
            provider_trade_no=params.get("trade_no"),
            paid_at=_parse_time(params.get("gmt_payment")),
        )

    def reply(self, ok: bool, message: str = "") -> Reply:
        return Reply(200, "success", "text/plain") if ok else Reply(400, "fail", "text/plain")
