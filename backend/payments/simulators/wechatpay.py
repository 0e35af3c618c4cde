"""A local WeChat Pay API v3 gateway, signing and encrypting exactly as WeChat Pay documents.

Requests must carry ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid=..,nonce_str=..,signature=..,
timestamp=..,serial_no=..`` signed by the merchant key over ``METHOD\\nPATH\\ntimestamp\\nnonce\\nbody\\n``.
Answers and notifications are signed with the platform key (RSA-SHA256, PKCS#1 v1.5) over
``timestamp\\nnonce\\nbody\\n`` with ``Wechatpay-Timestamp/-Nonce/-Signature/-Serial`` headers; a
notification's ``resource`` is AES-256-GCM encrypted with the APIv3 key.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.payments.simulators.keys import rsa_pair

BEIJING = timezone(timedelta(hours=8))
_AUTH = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class WeChatPayAccount:
    """A merchant's WeChat Pay credentials and the platform's keys, all generated locally."""

    mchid: str
    appid: str
    merchant_private_key: str
    merchant_public_key: str
    merchant_serial_no: str
    platform_private_key: str
    platform_public_key: str
    public_key_id: str
    apiv3_key: str

    @classmethod
    def generate(cls) -> WeChatPayAccount:
        merchant_private, merchant_public = rsa_pair()
        platform_private, platform_public = rsa_pair()
        alphabet = string.ascii_letters + string.digits
        return cls(
            mchid="1900000109",
            appid="wxd678efh567hg6787",
            merchant_private_key=merchant_private,
            merchant_public_key=merchant_public,
            merchant_serial_no=secrets.token_hex(20).upper(),
            platform_private_key=platform_private,
            platform_public_key=platform_public,
            public_key_id="PUB_KEY_ID_" + secrets.token_hex(12).upper(),
            apiv3_key="".join(secrets.choice(alphabet) for _ in range(32)),
        )


def _now() -> str:
    return datetime.now(BEIJING).isoformat(timespec="seconds")


@dataclass
class WeChatPaySimulator:
    account: WeChatPayAccount
    # Where notifications are posted from (an httpx client reaching the merchant's backend).
    notify_client: httpx.AsyncClient | None = None
    trades: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused_requests: int = 0

    def __post_init__(self) -> None:
        self._platform_key = serialization.load_pem_private_key(
            self.account.platform_private_key.encode(), None
        )
        self._merchant_public = serialization.load_pem_public_key(self.account.merchant_public_key.encode())
        self.app = Starlette(
            routes=[
                Route("/v3/pay/transactions/native", self._native, methods=["POST"]),
                Route("/v3/pay/transactions/out-trade-no/{no}", self._query, methods=["GET"]),
                Route("/v3/pay/transactions/out-trade-no/{no}/close", self._close, methods=["POST"]),
                Route("/v3/refund/domestic/refunds", self._refund, methods=["POST"]),
                Route("/v3/refund/domestic/refunds/{no}", self._query_refund, methods=["GET"]),
            ]
        )

    def _sign(self, message: str) -> str:
        signature = self._platform_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
        return base64.b64encode(signature).decode()

    def signed_headers(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16).upper()
        return {
            "Content-Type": "application/json",
            "Wechatpay-Timestamp": ts,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": self.account.public_key_id,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Wechatpay-Signature": self._sign(f"{ts}\n{nonce}\n{body}\n"),
        }

    def _answer(self, status: int, payload: dict[str, Any] | None) -> Response:
        body = "" if payload is None else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return Response(body, status_code=status, headers=self.signed_headers(body))

    async def _verified(self, request: Request) -> tuple[dict[str, Any] | None, Response | None]:
        """The request body if the merchant's Authorization signature verifies, else a 401 answer."""
        body = (await request.body()).decode()
        scheme, _, params = request.headers.get("authorization", "").partition(" ")
        fields = dict(_AUTH.findall(params))
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        stamp, nonce = fields.get("timestamp", ""), fields.get("nonce_str", "")
        message = f"{request.method}\n{path}\n{stamp}\n{nonce}\n{body}\n"
        ok = (
            scheme == "WECHATPAY2-SHA256-RSA2048"
            and fields.get("mchid") == self.account.mchid
            and fields.get("serial_no") == self.account.merchant_serial_no
        )
        if ok:
            try:
                self._merchant_public.verify(  # type: ignore[union-attr,call-arg]
                    base64.b64decode(fields.get("signature", "")),
                    message.encode(),
                    padding.PKCS1v15(),
                    hashes.SHA256(),
                )
            except (InvalidSignature, ValueError):
                ok = False
        if not ok:
            self.refused_requests += 1
            return None, Response(
                json.dumps({"code": "SIGN_ERROR", "message": "签名错误"}),
                status_code=401,
                media_type="application/json",
            )
        return (json.loads(body) if body else {}), None

    async def _native(self, request: Request) -> Response:
        data, refused = await self._verified(request)
        if refused:
            return refused
        assert data is not None
        if data.get("mchid") != self.account.mchid or data.get("appid") != self.account.appid:
            return self._answer(400, {"code": "PARAM_ERROR", "message": "mchid与appid不匹配"})
        no = data["out_trade_no"]
        if no in self.trades and self.trades[no]["amount"]["total"] != data["amount"]["total"]:
            return self._answer(400, {"code": "OUT_TRADE_NO_USED", "message": "商户订单号重复"})
        self.trades.setdefault(
            no,
            {
                "appid": data["appid"],
                "mchid": data["mchid"],
                "out_trade_no": no,
                "trade_state": "NOTPAY",
                "trade_type": "NATIVE",
                "description": data["description"],
                "notify_url": data["notify_url"],
                "amount": {"total": data["amount"]["total"], "currency": "CNY"},
                "refunded": 0,
                "code_url": "weixin://wxpay/bizpayurl?pr=" + secrets.token_urlsafe(9),
            },
        )
        return self._answer(200, {"code_url": self.trades[no]["code_url"]})

    def _public_trade(self, trade: dict[str, Any]) -> dict[str, Any]:
        hidden = {"notify_url", "refunded", "code_url", "description"}
        return {k: v for k, v in trade.items() if k not in hidden}

    async def _query(self, request: Request) -> Response:
        _, refused = await self._verified(request)
        if refused:
            return refused
        trade = self.trades.get(request.path_params["no"])
        if trade is None or request.query_params.get("mchid") != self.account.mchid:
            return self._answer(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        return self._answer(200, self._public_trade(trade))

    async def _close(self, request: Request) -> Response:
        _, refused = await self._verified(request)
        if refused:
            return refused
        trade = self.trades.get(request.path_params["no"])
        if trade is None:
            return self._answer(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        if trade["trade_state"] == "SUCCESS":
            return self._answer(400, {"code": "ORDERPAID", "message": "订单已支付"})
        trade["trade_state"] = "CLOSED"
        return self._answer(204, None)

    async def _refund(self, request: Request) -> Response:
        data, refused = await self._verified(request)
        if refused:
            return refused
        assert data is not None
        tid, out = data.get("transaction_id"), data.get("out_trade_no")
        trade = next(
            (
                t
                for t in self.trades.values()
                if (tid and t.get("transaction_id") == tid) or (out and t["out_trade_no"] == out)
            ),
            None,
        )
        if trade is None or trade["trade_state"] not in ("SUCCESS", "REFUND"):
            return self._answer(404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"})
        amount = data["amount"]
        if (
            amount["total"] != trade["amount"]["total"]
            or trade["refunded"] + amount["refund"] > amount["total"]
        ):
            return self._answer(400, {"code": "INVALID_REQUEST", "message": "退款金额超过订单可退金额"})
        trade["refunded"] += amount["refund"]
        trade["trade_state"] = "REFUND"
        refund = {
            "refund_id": "50" + secrets.token_hex(13),
            "out_refund_no": data["out_refund_no"],
            "transaction_id": trade["transaction_id"],
            "out_trade_no": trade["out_trade_no"],
            "status": "PROCESSING",
            "create_time": _now(),
            "notify_url": data.get("notify_url"),
            "amount": {"total": amount["total"], "refund": amount["refund"], "currency": "CNY"},
        }
        self.refunds[data["out_refund_no"]] = refund
        return self._answer(200, {k: v for k, v in refund.items() if k != "notify_url"})

    async def _query_refund(self, request: Request) -> Response:
        _, refused = await self._verified(request)
        if refused:
            return refused
        refund = self.refunds.get(request.path_params["no"])
        if refund is None:
            return self._answer(404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"})
        return self._answer(200, {k: v for k, v in refund.items() if k != "notify_url"})

    def encrypt(self, plaintext: dict[str, Any], associated_data: str) -> dict[str, str]:
        nonce = secrets.token_hex(6)
        cipher = AESGCM(self.account.apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(plaintext, ensure_ascii=False).encode(), associated_data.encode()
        )
        return {
            "original_type": associated_data,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(cipher).decode(),
            "associated_data": associated_data,
            "nonce": nonce,
        }

    def notification(
        self, event_type: str, resource: dict[str, Any], *, timestamp: int | None = None
    ) -> tuple[dict[str, str], str]:
        """The headers and body of a notification, as WeChat Pay posts it."""
        original = "refund" if event_type.startswith("REFUND.") else "transaction"
        body = json.dumps(
            {
                "id": secrets.token_hex(16),
                "create_time": _now(),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功" if original == "transaction" else "退款成功",
                "resource": self.encrypt(resource, original),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return self.signed_headers(body, timestamp=timestamp), body

    def pay(
        self, out_trade_no: str, *, openid: str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    ) -> tuple[dict[str, str], str]:
        """The payer scans and pays: the trade succeeds; returns its TRANSACTION.SUCCESS notification."""
        trade = self.trades[out_trade_no]
        trade.update(
            trade_state="SUCCESS",
            trade_state_desc="支付成功",
            success_time=_now(),
            bank_type="OTHERS",
            transaction_id="42" + secrets.token_hex(13),
            payer={"openid": openid},
        )
        trade["amount"].update(payer_total=trade["amount"]["total"], payer_currency="CNY")
        return self.notification("TRANSACTION.SUCCESS", self._public_trade(trade))

    def finish_refund(self, out_refund_no: str) -> tuple[dict[str, str], str]:
        """The refund reaches the payer; returns its REFUND.SUCCESS notification."""
        refund = self.refunds[out_refund_no]
        refund.update(status="SUCCESS", success_time=_now())
        resource = {
            "mchid": self.account.mchid,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "out_refund_no": out_refund_no,
            "refund_id": refund["refund_id"],
            "refund_status": "SUCCESS",
            "success_time": refund["success_time"],
            "user_received_account": "支付用户零钱",
            "amount": {
                "total": refund["amount"]["total"],
                "refund": refund["amount"]["refund"],
                "payer_total": refund["amount"]["total"],
                "payer_refund": refund["amount"]["refund"],
            },
        }
        return self.notification("REFUND.SUCCESS", resource)

    async def deliver(self, url: str, notification: tuple[dict[str, str], str]) -> httpx.Response:
        """Post a notification to the merchant, as the gateway would."""
        assert self.notify_client is not None
        headers, body = notification
        return await self.notify_client.post(url, content=body.encode(), headers=headers)
