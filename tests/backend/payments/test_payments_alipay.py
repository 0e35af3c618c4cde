from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from backend.payments.config import PaymentSettings, configure
from backend.payments.errors import NotificationMismatch, NotificationSignatureInvalid
from backend.payments.providers.base import PaymentNotification, TradeStatus
from backend.payments.simulators.alipay import AlipayAccount, AlipaySimulator
from tests.backend.payments.factories import PAID, REF_TYPE, REFUNDED, new_ref, open_payment, paid_events
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token

ACCOUNT = AlipayAccount.generate()
NOTIFY = "/api/v1/payments/notify/alipay"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def alipay_settings(account: AlipayAccount, **overrides: str) -> PaymentSettings:
    fields = {
        "alipay_appid": account.appid,
        "alipay_app_private_key": account.app_private_key,
        "alipay_public_key": account.alipay_public_key,
        "alipay_gateway_url": "http://alipay-gateway.test/gateway.do",
        **overrides,
    }
    return PaymentSettings(**fields)


@pytest.fixture
def alipay(app, settings):  # type: ignore[no-untyped-def]
    notify = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000")
    simulator = AlipaySimulator(ACCOUNT, notify_client=notify)
    runtime = configure(settings, alipay_settings(ACCOUNT), transport=httpx.ASGITransport(app=simulator.app))
    return simulator, runtime.providers["alipay"]


async def _pay_with_alipay(client, app, session, amount=1234, store=None):  # type: ignore[no-untyped-def]
    return await open_payment(client, app, session, "alipay", amount, store)


async def test_precreate_and_rsa2_notification(app, client, session, alipay):
    simulator, provider = alipay
    payment, ref_id, token = await _pay_with_alipay(client, app, session, amount=1234)
    assert payment["qr_text"].startswith("https://qr.alipay.com/")
    trade = simulator.trades[payment["no"]]
    assert trade["total_amount"] == "12.34" and trade["notify_url"].endswith(NOTIFY)
    assert simulator.refused_requests == 0

    body = simulator.pay(payment["no"])
    parsed = provider.verify_and_parse_notification(FORM, body.encode())
    assert isinstance(parsed, PaymentNotification) and parsed.amount == 1234
    assert parsed.status is TradeStatus.SUCCEEDED
    delivered = await simulator.deliver(trade["notify_url"], body)
    assert delivered.status_code == 200 and delivered.text == "success"
    assert (await simulator.deliver(trade["notify_url"], body)).text == "success"
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert state["status"] == "succeeded" and state["provider_trade_no"] == trade["trade_no"]
    assert PAID[ref_id] == 1 and await paid_events(app, ref_id) == 1


async def test_tampered_and_forged_notifications_are_refused(app, client, session, alipay):
    simulator, provider = alipay
    payment, ref_id, token = await _pay_with_alipay(client, app, session, amount=5000)
    body = simulator.pay(payment["no"])
    params = dict(parse_qsl(body))

    tampered = urlencode(dict(params, total_amount="0.01"))
    with pytest.raises(NotificationSignatureInvalid):
        provider.verify_and_parse_notification(FORM, tampered.encode())
    response = await client.post(NOTIFY, content=tampered.encode(), headers=FORM)
    assert response.status_code == 400 and response.text == "fail"

    impostor = AlipaySimulator(AlipayAccount.generate())
    forged = impostor.notification({k: v for k, v in params.items() if k not in ("sign", "sign_type")})
    assert (await client.post(NOTIFY, content=forged.encode(), headers=FORM)).status_code == 400
    unsigned = urlencode({k: v for k, v in params.items() if k != "sign"})
    assert (await client.post(NOTIFY, content=unsigned.encode(), headers=FORM)).status_code == 400

    # Correctly signed by Alipay, but for another app.
    other_app = simulator.notification(
        dict({k: v for k, v in params.items() if k not in ("sign", "sign_type")}, app_id="2021000000000001")
    )
    with pytest.raises(NotificationMismatch):
        provider.verify_and_parse_notification(FORM, other_app.encode())
    # Correctly signed, but the amount differs from the payment's.
    wrong_amount = simulator.notification(
        dict({k: v for k, v in params.items() if k not in ("sign", "sign_type")}, total_amount="49.99")
    )
    assert (await client.post(NOTIFY, content=wrong_amount.encode(), headers=FORM)).status_code == 400

    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert state["status"] == "pending" and PAID[ref_id] == 0


async def test_query_close_and_refund_through_the_gateway(app, client, session, alipay):
    simulator, _ = alipay
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    payment, ref_id, token = await _pay_with_alipay(client, app, session, amount=2000, store=store)
    # Not scanned yet: Alipay does not know the trade, the payment stays open.
    pending = await client.post(f"/api/v1/payments/{payment['id']}/sync", headers=bearer(token))
    assert pending.json()["status"] == "pending"
    simulator.pay(payment["no"])
    synced = await client.post(f"/api/v1/payments/{payment['id']}/sync", headers=bearer(token))
    assert synced.json()["status"] == "succeeded" and PAID[ref_id] == 1

    auth = bearer(await staff_token(client, manager))
    url = f"/api/v1/payments/{payment['id']}/refunds"
    partial = await client.post(url, json={"amount": 500, "reason": "破损"}, headers=auth)
    assert partial.status_code == 201 and partial.json()["status"] == "succeeded"
    rest = await client.post(url, json={"amount": 1500, "reason": "整单退"}, headers=auth)
    assert rest.json()["status"] == "succeeded"
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=auth)).json()
    assert state["status"] == "refunded" and state["refunded_amount"] == 2000 and REFUNDED[ref_id] == 2000
    assert simulator.trades[payment["no"]]["refunded"] == 2000 and simulator.refused_requests == 0


async def test_requests_signed_with_the_wrong_key_are_refused(app, client, session, settings):
    simulator = AlipaySimulator(ACCOUNT)
    stranger = AlipayAccount.generate()
    configure(
        settings,
        alipay_settings(ACCOUNT, alipay_app_private_key=stranger.app_private_key),
        transport=httpx.ASGITransport(app=simulator.app),
    )
    member = await create_member(session)
    await session.commit()
    token = bearer(await member_token(client, app, member.phone))
    body = {"ref_type": REF_TYPE, "ref_id": new_ref(100, member_id=member.id), "provider": "alipay"}
    refused = await client.post("/api/v1/payments", json=body, headers=token)
    assert refused.status_code == 503 and simulator.refused_requests == 1

    configure(
        settings,
        alipay_settings(ACCOUNT, alipay_public_key=stranger.alipay_public_key),
        transport=httpx.ASGITransport(app=simulator.app),
    )
    untrusted = await client.post("/api/v1/payments", json=body, headers=token)
    assert untrusted.status_code == 503 and untrusted.json()["error"] == "payment_gateway_error"
