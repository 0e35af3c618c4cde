from __future__ import annotations

import base64
import json
import time

import httpx
import pytest

from backend.payments.config import PaymentSettings, configure
from backend.payments.errors import NotificationSignatureInvalid, NotificationStale
from backend.payments.providers.base import PaymentNotification, RefundNotification, TradeStatus
from backend.payments.simulators.wechatpay import WeChatPayAccount, WeChatPaySimulator
from tests.backend.payments.factories import PAID, REF_TYPE, REFUNDED, new_ref, open_payment, paid_events
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token

ACCOUNT = WeChatPayAccount.generate()
NOTIFY = "/api/v1/payments/notify/wechatpay"


def wechat_settings(account: WeChatPayAccount, **overrides: str) -> PaymentSettings:
    fields = {
        "wechatpay_mchid": account.mchid,
        "wechatpay_appid": account.appid,
        "wechatpay_cert_serial_no": account.merchant_serial_no,
        "wechatpay_private_key": account.merchant_private_key,
        "wechatpay_apiv3_key": account.apiv3_key,
        "wechatpay_public_key": account.platform_public_key,
        "wechatpay_public_key_id": account.public_key_id,
        "wechatpay_base_url": "http://wechat-gateway.test",
        **overrides,
    }
    return PaymentSettings(**fields)


@pytest.fixture
def wechat(app, settings):  # type: ignore[no-untyped-def]
    notify = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000")
    simulator = WeChatPaySimulator(ACCOUNT, notify_client=notify)
    runtime = configure(settings, wechat_settings(ACCOUNT), transport=httpx.ASGITransport(app=simulator.app))
    return simulator, runtime.providers["wechatpay"]


async def _pay_with_wechat(client, app, session, amount=2680, store=None):  # type: ignore[no-untyped-def]
    return await open_payment(client, app, session, "wechatpay", amount, store)


async def test_native_order_and_signed_encrypted_notification(app, client, session, wechat):
    simulator, _ = wechat
    payment, ref_id, token = await _pay_with_wechat(client, app, session)
    assert payment["status"] == "pending" and payment["qr_text"].startswith("weixin://wxpay/bizpayurl?pr=")
    trade = simulator.trades[payment["no"]]
    assert trade["amount"]["total"] == 2680 and trade["notify_url"].endswith(NOTIFY)
    assert simulator.refused_requests == 0

    notification = simulator.pay(payment["no"])
    delivered = await simulator.deliver(trade["notify_url"], notification)
    assert delivered.status_code == 200 and delivered.json()["code"] == "SUCCESS"
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert state["status"] == "succeeded" and state["provider_trade_no"] == trade["transaction_id"]
    # WeChat Pay repeats notifications; the repeat is answered 200 and changes nothing.
    assert (await simulator.deliver(trade["notify_url"], notification)).status_code == 200
    assert PAID[ref_id] == 1 and await paid_events(app, ref_id) == 1


async def test_tampered_or_forged_notifications_are_refused(app, client, session, wechat):
    simulator, provider = wechat
    payment, ref_id, token = await _pay_with_wechat(client, app, session, amount=1500)
    headers, body = simulator.pay(payment["no"])

    data = json.loads(body)
    cipher = bytearray(base64.b64decode(data["resource"]["ciphertext"]))
    cipher[5] ^= 0x01
    data["resource"]["ciphertext"] = base64.b64encode(bytes(cipher)).decode()
    tampered_body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Re-signed by the platform, so only the AES-GCM tag catches the change.
    resigned = simulator.signed_headers(tampered_body)
    with pytest.raises(NotificationSignatureInvalid):
        provider.verify_and_parse_notification(resigned, tampered_body.encode())
    response = await client.post(NOTIFY, content=tampered_body.encode(), headers=resigned)
    assert response.status_code == 400 and response.json()["code"] == "FAIL"

    # The body changed after signing: the platform signature no longer verifies.
    response = await client.post(NOTIFY, content=tampered_body.encode(), headers=headers)
    assert response.status_code == 400
    bad_signature = dict(headers, **{"Wechatpay-Signature": base64.b64encode(b"x" * 256).decode()})
    assert (await client.post(NOTIFY, content=body.encode(), headers=bad_signature)).status_code == 400

    # Signed by a key that is not the platform's.
    impostor = WeChatPaySimulator(WeChatPayAccount.generate())
    impostor.account.apiv3_key = ACCOUNT.apiv3_key
    impostor.account.public_key_id = ACCOUNT.public_key_id
    forged_headers = impostor.signed_headers(body)
    assert (await client.post(NOTIFY, content=body.encode(), headers=forged_headers)).status_code == 400

    stale_headers = simulator.signed_headers(body, timestamp=int(time.time()) - 3600)
    with pytest.raises(NotificationStale):
        provider.verify_and_parse_notification(stale_headers, body.encode())

    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert state["status"] == "pending" and PAID[ref_id] == 0

    parsed = provider.verify_and_parse_notification(headers, body.encode())
    assert isinstance(parsed, PaymentNotification)
    assert (
        parsed.status is TradeStatus.SUCCEEDED
        and parsed.amount == 1500
        and parsed.out_trade_no == payment["no"]
    )


async def test_query_and_refund_through_the_gateway(app, client, session, wechat):
    simulator, provider = wechat
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    payment, ref_id, token = await _pay_with_wechat(client, app, session, amount=3000, store=store)
    simulator.pay(payment["no"])  # paid, but the notification is lost
    synced = await client.post(f"/api/v1/payments/{payment['id']}/sync", headers=bearer(token))
    assert synced.status_code == 200 and synced.json()["status"] == "succeeded" and PAID[ref_id] == 1

    auth = bearer(await staff_token(client, manager))
    refund = await client.post(
        f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 1000, "reason": "缺货"}, headers=auth
    )
    assert refund.status_code == 201 and refund.json()["status"] == "pending"
    gateway_refund = simulator.refunds[refund.json()["no"]]
    assert gateway_refund["amount"] == {"total": 3000, "refund": 1000, "currency": "CNY"}
    headers, body = simulator.finish_refund(refund.json()["no"])
    parsed = provider.verify_and_parse_notification(headers, body.encode())
    assert isinstance(parsed, RefundNotification) and parsed.amount == 1000
    assert (await simulator.deliver(gateway_refund["notify_url"], (headers, body))).status_code == 200
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=auth)).json()
    assert (
        state["status"] == "partially_refunded"
        and state["refunded_amount"] == 1000
        and REFUNDED[ref_id] == 1000
    )
    assert simulator.refused_requests == 0


async def test_unsigned_requests_and_unsigned_answers_are_refused(app, client, session, settings):
    # The merchant signs with a key the gateway does not know: the gateway refuses the order.
    simulator = WeChatPaySimulator(ACCOUNT)
    stranger = WeChatPayAccount.generate()
    configure(
        settings,
        wechat_settings(ACCOUNT, wechatpay_private_key=stranger.merchant_private_key),
        transport=httpx.ASGITransport(app=simulator.app),
    )
    member = await create_member(session)
    await session.commit()
    token = bearer(await member_token(client, app, member.phone))
    ref_id = new_ref(100, member_id=member.id)
    body = {"ref_type": REF_TYPE, "ref_id": ref_id, "provider": "wechatpay"}
    refused = await client.post("/api/v1/payments", json=body, headers=token)
    assert refused.status_code == 503 and refused.json()["error"] == "payment_gateway_error"
    assert simulator.refused_requests == 1

    # The answer is signed by someone other than the platform: the merchant refuses to trust it.
    configure(
        settings,
        wechat_settings(ACCOUNT, wechatpay_public_key=stranger.platform_public_key),
        transport=httpx.ASGITransport(app=simulator.app),
    )
    untrusted = await client.post("/api/v1/payments", json=body, headers=token)
    assert untrusted.status_code == 503
    listed = await client.get(
        "/api/v1/payments", params={"ref_type": REF_TYPE, "ref_id": ref_id}, headers=token
    )
    assert listed.json() == []
