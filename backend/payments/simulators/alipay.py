"""A local Alipay open-platform gateway (``gateway.do``), signing exactly as Alipay documents (RSA2).

Requests are verified with the app's public key over the sorted ``k=v&...`` string of every parameter
except ``sign``. Answers are ``{"<method>_response": {...}, "sign": ...}`` with the
signature over the exact JSON text of the response object; async notifications are form posts signed
with the Alipay private key over the sorted parameters except ``sign`` and ``sign_type``.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.core.money import yuan
from backend.payments.simulators.keys import rsa_pair

BEIJING = timezone(timedelta(hours=8))


def _now() -> str:
    return datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _fen(value: str) -> int:
    whole, _, frac = value.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def unsigned_string(params: dict[str, str], exclude: tuple[str, ...] = ("sign", "sign_type")) -> str:
    """What is signed: requests leave out ``sign``; notifications leave out ``sign`` and ``sign_type``."""
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in exclude)


@dataclass
class AlipayAccount:
    """An app's Alipay credentials and Alipay's own key pair, all generated locally."""

    appid: str
    app_private_key: str
    app_public_key: str
    alipay_private_key: str
    alipay_public_key: str
    seller_id: str = "2088102147948060"

    @classmethod
    def generate(cls) -> AlipayAccount:
        app_private, app_public = rsa_pair()
        alipay_private, alipay_public = rsa_pair()
        return cls(
            appid="2021000117600000",
            app_private_key=app_private,
            app_public_key=app_public,
            alipay_private_key=alipay_private,
            alipay_public_key=alipay_public,
        )


@dataclass
class AlipaySimulator:
    account: AlipayAccount
    notify_client: httpx.AsyncClient | None = None
    trades: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused_requests: int = 0

    def __post_init__(self) -> None:
        self._alipay_key = serialization.load_pem_private_key(self.account.alipay_private_key.encode(), None)
        self._app_public = serialization.load_pem_public_key(self.account.app_public_key.encode())
        self.app = Starlette(routes=[Route("/gateway.do", self._gateway, methods=["GET", "POST"])])

    def sign(self, message: str) -> str:
        signature = self._alipay_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
        return base64.b64encode(signature).decode()

    def _verify(self, params: dict[str, str]) -> bool:
        if params.get("sign_type") != "RSA2" or params.get("app_id") != self.account.appid:
            return False
        try:
            self._app_public.verify(  # type: ignore[union-attr,call-arg]
                base64.b64decode(params.get("sign", "")),
                unsigned_string(params, ("sign",)).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    def _answer(self, method: str, payload: dict[str, Any]) -> Response:
        key = method.replace(".", "_") + "_response"
        inner = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        text = f'{{"{key}":{inner},"sign":"{self.sign(inner)}"}}'
        return Response(text, media_type="application/json;charset=utf-8")

    async def _gateway(self, request: Request) -> Response:
        raw = (await request.body()).decode() if request.method == "POST" else request.url.query
        params = dict(parse_qsl(raw, keep_blank_values=True))
        method = params.get("method", "")
        if not self._verify(params):
            self.refused_requests += 1
            key = method.replace(".", "_") + "_response" if method else "error_response"
            body = {
                key: {
                    "code": "40002",
                    "msg": "Invalid Arguments",
                    "sub_code": "isv.invalid-signature",
                    "sub_msg": "验签出错",
                }
            }
            return Response(json.dumps(body, ensure_ascii=False), media_type="application/json;charset=utf-8")
        biz = json.loads(params.get("biz_content") or "{}")
        handler = {
            "alipay.trade.precreate": self._precreate,
            "alipay.trade.query": self._query,
            "alipay.trade.close": self._close,
            "alipay.trade.refund": self._refund,
        }.get(method)
        if handler is None:
            return self._answer(
                method, {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.INVALID_METHOD"}
            )
        return self._answer(method, handler(biz, params))

    @staticmethod
    def _ok(**fields: Any) -> dict[str, Any]:
        return {"code": "10000", "msg": "Success", **fields}

    @staticmethod
    def _failed(sub_code: str, sub_msg: str) -> dict[str, Any]:
        return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg}

    def _precreate(self, biz: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        no = biz["out_trade_no"]
        existing = self.trades.get(no)
        if existing and existing["total_amount"] != biz["total_amount"]:
            return self._failed("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改")
        if existing is None:
            self.trades[no] = {
                "out_trade_no": no,
                "total_amount": biz["total_amount"],
                "subject": biz["subject"],
                "notify_url": params.get("notify_url"),
                "trade_status": None,
                "refunded": 0,
                "qr_code": "https://qr.alipay.com/" + secrets.token_urlsafe(12),
            }
        return self._ok(out_trade_no=no, qr_code=self.trades[no]["qr_code"])

    def _query(self, biz: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None or trade["trade_status"] is None:
            return self._failed("ACQ.TRADE_NOT_EXIST", "交易不存在")
        return self._ok(
            out_trade_no=trade["out_trade_no"],
            trade_no=trade["trade_no"],
            trade_status=trade["trade_status"],
            total_amount=trade["total_amount"],
            buyer_logon_id="159****5620",
            send_pay_date=trade.get("gmt_payment"),
        )

    def _close(self, biz: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None or trade["trade_status"] is None:
            return self._failed("ACQ.TRADE_NOT_EXIST", "交易不存在")
        if trade["trade_status"] != "WAIT_BUYER_PAY":
            return self._failed("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        trade["trade_status"] = "TRADE_CLOSED"
        return self._ok(out_trade_no=trade["out_trade_no"], trade_no=trade["trade_no"])

    def _refund(self, biz: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None or trade["trade_status"] not in ("TRADE_SUCCESS", "TRADE_CLOSED"):
            return self._failed("ACQ.TRADE_NOT_EXIST", "交易不存在")
        requests = trade.setdefault("refund_requests", {})
        amount = _fen(biz["refund_amount"])
        if biz["out_request_no"] in requests:
            return self._ok(
                trade_no=trade["trade_no"],
                out_trade_no=trade["out_trade_no"],
                fund_change="N",
                refund_fee=yuan(trade["refunded"]),
            )
        if trade["refunded"] + amount > _fen(trade["total_amount"]):
            return self._failed("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
        requests[biz["out_request_no"]] = amount
        trade["refunded"] += amount
        if trade["refunded"] == _fen(trade["total_amount"]):
            trade["trade_status"] = "TRADE_CLOSED"
        return self._ok(
            trade_no=trade["trade_no"],
            out_trade_no=trade["out_trade_no"],
            fund_change="Y",
            refund_fee=yuan(trade["refunded"]),
            gmt_refund_pay=_now(),
        )

    def notification(self, params: dict[str, str]) -> str:
        """A form-encoded notification body signed as Alipay signs it."""
        signed = dict(params, sign_type="RSA2")
        signed["sign"] = self.sign(unsigned_string(signed))
        return urlencode(signed)

    def pay(self, out_trade_no: str) -> str:
        """The payer scans and pays: the trade succeeds; returns its TRADE_SUCCESS notification body."""
        trade = self.trades[out_trade_no]
        now = _now()
        trade.update(
            trade_status="TRADE_SUCCESS", trade_no="2026" + secrets.token_hex(12)[:24], gmt_payment=now
        )
        return self.notification(
            {
                "notify_time": now,
                "notify_type": "trade_status_sync",
                "notify_id": secrets.token_hex(16),
                "app_id": self.account.appid,
                "charset": "utf-8",
                "version": "1.0",
                "trade_no": trade["trade_no"],
                "out_trade_no": out_trade_no,
                "trade_status": "TRADE_SUCCESS",
                "total_amount": trade["total_amount"],
                "receipt_amount": trade["total_amount"],
                "buyer_pay_amount": trade["total_amount"],
                "subject": trade["subject"],
                "gmt_create": now,
                "gmt_payment": now,
                "buyer_id": "2088102122524333",
                "seller_id": self.account.seller_id,
            }
        )

    async def deliver(self, url: str, body: str) -> httpx.Response:
        assert self.notify_client is not None
        return await self.notify_client.post(
            url,
            content=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
