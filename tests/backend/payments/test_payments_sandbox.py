from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from backend.core.time import utcnow
from backend.payments import service
from backend.payments.models import Payment, SandboxTransaction
from backend.payments.service import PayableRef
from backend.payments.tasks import deliver_notifications, reconcile_open_payments, run_notifier
from tests.backend.payments.factories import (
    PAID,
    REF_TYPE,
    REFUNDED,
    notifications,
    paid_events,
    payment_row,
    post_sandbox_notification,
    sandbox_notification,
    sandbox_txn,
)
from tests.backend.payments.factories import new_ref as make_ref
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token


def notifier_client(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    """How the sandbox gateway reaches the backend: over HTTP, seeing 5xx answers as a gateway would."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://127.0.0.1:8000"
    )


async def _member_payment(client, app, session, amount: int = 1999, store=None):  # type: ignore[no-untyped-def]
    member = await create_member(session)
    await session.commit()
    token = await member_token(client, app, member.phone)
    ref_id = make_ref(amount, member_id=member.id, store_id=store.id if store else None)
    response = await client.post(
        "/api/v1/payments", json={"ref_type": REF_TYPE, "ref_id": ref_id}, headers=bearer(token)
    )
    assert response.status_code == 201, response.text
    return response.json(), ref_id, token


def _page_path(pay_url: str) -> str:
    return httpx.URL(pay_url).path


async def test_pay_page_confirm_then_async_notification_marks_paid_once(app, client, session, settings):
    payment, ref_id, token = await _member_payment(client, app, session, amount=1999)
    assert payment["status"] == "pending" and payment["amount"] == 1999 and payment["currency"] == "CNY"
    assert payment["qr_text"] == payment["pay_url"] and "/payments/sandbox/pay/" in payment["pay_url"]
    assert payment["provider_trade_no"].startswith("SBX")

    page = await client.get(_page_path(payment["pay_url"]))
    assert (
        page.status_code == 200 and "确认支付" in page.text and "取消" in page.text and "¥19.99" in page.text
    )
    confirmed = await client.post(_page_path(payment["pay_url"]) + "/confirm")
    assert confirmed.status_code == 200 and "支付成功" in confirmed.text

    # The gateway has been paid, but the merchant only learns it from the notification.
    polled = await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))
    assert polled.json()["status"] == "pending" and PAID[ref_id] == 0
    async with notifier_client(app) as http:
        assert await deliver_notifications(app.state.db, settings, http=http) == 1
        assert await deliver_notifications(app.state.db, settings, http=http) == 0
    polled = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert polled["status"] == "succeeded" and polled["paid_at"] is not None
    assert PAID[ref_id] == 1 and await paid_events(app, ref_id) == 1
    (note,) = await notifications(app)
    assert note.delivered_at is not None and note.attempts == 1 and note.last_status == 200

    # Confirming again on the page is harmless.
    again = await client.post(_page_path(payment["pay_url"]) + "/confirm")
    assert "支付成功" in again.text and len(await notifications(app)) == 1


async def test_replayed_notification_changes_nothing(app, client, session, settings):
    payment, ref_id, token = await _member_payment(client, app, session, amount=500)
    txn = await sandbox_txn(app, payment["no"])
    body = sandbox_notification(payment["no"], 500, trade_no=txn.trade_no)
    stamp, nonce = int(time.time()), "replayed-nonce"
    first = await post_sandbox_notification(client, body, timestamp=stamp, nonce=nonce)
    assert first.status_code == 200 and first.json()["code"] == "SUCCESS"
    paid = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    for _ in range(2):
        replay = await post_sandbox_notification(client, body, timestamp=stamp, nonce=nonce)
        assert replay.status_code == 200
    after = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert after == paid and after["status"] == "succeeded"
    assert PAID[ref_id] == 1 and await paid_events(app, ref_id) == 1


async def test_forged_stale_and_mismatched_notifications_are_refused(app, client, session, settings):
    payment, ref_id, token = await _member_payment(client, app, session, amount=800)
    txn = await sandbox_txn(app, payment["no"])
    good = sandbox_notification(payment["no"], 800, trade_no=txn.trade_no)

    forged = await post_sandbox_notification(client, good, key="not-the-merchant-key")
    assert forged.status_code == 400 and forged.json()["code"] == "FAIL"
    unsigned = await client.post("/api/v1/payments/notify/sandbox", content=good.encode())
    assert unsigned.status_code == 400
    stale = await post_sandbox_notification(client, good, timestamp=int(time.time()) - 3600)
    assert stale.status_code == 400
    wrong_amount = await post_sandbox_notification(
        client, sandbox_notification(payment["no"], 1, trade_no=txn.trade_no)
    )
    assert wrong_amount.status_code == 400
    unknown = await post_sandbox_notification(client, sandbox_notification("P-NOT-OURS", 800))
    assert unknown.status_code == 400
    garbage = await post_sandbox_notification(client, "{not json")
    assert garbage.status_code == 400

    after = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert after["status"] == "pending" and after["paid_at"] is None
    assert PAID[ref_id] == 0 and await paid_events(app, ref_id) == 0


async def test_notifier_retries_after_5xx_until_the_backend_accepts(app, client, session, settings):
    failures = {"left": 1}

    async def flaky(session_, ref_id, payment):  # type: ignore[no-untyped-def]
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("the order service is briefly down")
        PAID[ref_id] += 1

    service.register_paid_handler("test_flaky", flaky)
    ref_id = f"F{uuid.uuid4().hex[:8]}"
    created = await service.create_payment(
        session,
        ref_type="test_flaky",
        ref_id=ref_id,
        amount=1200,
        description="重试测试",
        payer_member_id=None,
        idempotency_key=None,
        store_id=None,
    )
    await session.commit()
    page = _page_path(created.pay_url or "")
    assert (await client.post(page + "/confirm")).status_code == 200

    async with notifier_client(app) as http:
        assert await deliver_notifications(app.state.db, settings, http=http) == 0
        (note,) = await notifications(app)
        assert note.attempts == 1 and note.last_status == 500 and note.delivered_at is None
        assert (await payment_row(app, created.id)).status == "pending"
        # Not due again until the backoff has passed.
        assert await deliver_notifications(app.state.db, settings, http=http) == 0
        assert (await notifications(app))[0].attempts == 1
        later = utcnow() + timedelta(seconds=settings_backoff(0) + 1)
        assert await deliver_notifications(app.state.db, settings, http=http, now=later) == 1
        assert (
            await deliver_notifications(app.state.db, settings, http=http, now=later + timedelta(hours=1))
            == 0
        )
    (note,) = await notifications(app)
    assert note.attempts == 2 and note.last_status == 200 and note.delivered_at is not None
    assert (await payment_row(app, created.id)).status == "succeeded"
    assert PAID[ref_id] == 1


def settings_backoff(index: int) -> int:
    from backend.payments.config import runtime

    return runtime().config.notify_backoff_seconds[index]


async def test_notifier_gives_up_after_max_attempts(app, client, session, settings, payments_runtime):
    payments_runtime.config.notify_max_attempts = 2
    created = await service.create_payment(
        session,
        ref_type=REF_TYPE,
        ref_id="nowhere",
        amount=100,
        description="无人接收",
        payer_member_id=None,
        idempotency_key=None,
        store_id=None,
    )
    await session.commit()
    txn = await sandbox_txn(app, created.no)
    await session.execute(
        update(SandboxTransaction)
        .where(SandboxTransaction.id == txn.id)
        .values(notify_url="http://127.0.0.1:8000/api/v1/payments/notify/nowhere")
    )
    await session.commit()
    await client.post(f"/api/v1/payments/sandbox/pay/{txn.token}/confirm")
    async with notifier_client(app) as http:
        await deliver_notifications(app.state.db, settings, http=http)
        await deliver_notifications(app.state.db, settings, http=http, now=utcnow() + timedelta(hours=2))
        assert (
            await deliver_notifications(app.state.db, settings, http=http, now=utcnow() + timedelta(days=2))
            == 0
        )
    (note,) = await notifications(app)
    assert note.attempts == 2 and note.last_status == 404 and note.gave_up_at is not None


async def test_partial_and_full_refunds_add_up(app, client, session, settings):
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    other_store = await create_store(session)
    stranger = await create_staff(session, ["store_manager"], [other_store])
    clerk = await create_staff(session, ["clerk"], [store])
    await session.commit()
    payment, ref_id, member = await _member_payment(client, app, session, amount=1000, store=store)
    await client.post(_page_path(payment["pay_url"]) + "/confirm")
    async with notifier_client(app) as http:
        await deliver_notifications(app.state.db, settings, http=http)
    auth = bearer(await staff_token(client, manager))
    url = f"/api/v1/payments/{payment['id']}/refunds"

    denied = await client.post(
        url, json={"amount": 100, "reason": "x"}, headers=bearer(await staff_token(client, stranger))
    )
    assert denied.status_code == 403
    denied = await client.post(
        url, json={"amount": 100, "reason": "x"}, headers=bearer(await staff_token(client, clerk))
    )
    assert denied.status_code == 403
    assert (
        await client.post(url, json={"amount": 100, "reason": "x"}, headers=bearer(member))
    ).status_code == 403
    assert (await client.post(url, json={"amount": 0, "reason": "x"}, headers=auth)).status_code == 422

    key = {"Idempotency-Key": "refund-partial-0001"}
    first = await client.post(url, json={"amount": 300, "reason": "少发一件"}, headers=auth | key)
    assert first.status_code == 201 and first.json()["status"] == "pending"
    replay = await client.post(url, json={"amount": 300, "reason": "少发一件"}, headers=auth | key)
    assert replay.json()["id"] == first.json()["id"]
    reused = await client.post(url, json={"amount": 200, "reason": "少发一件"}, headers=auth | key)
    assert reused.status_code == 409 and reused.json()["error"] == "idempotency_key_reused"
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=auth)).json()
    assert (
        state["refunding_amount"] == 300 and state["refunded_amount"] == 0 and state["status"] == "succeeded"
    )
    # 300 is held for the pending refund: 701 more would refund more than was paid.
    too_much = await client.post(url, json={"amount": 701, "reason": "全退"}, headers=auth)
    assert too_much.status_code == 409 and too_much.json()["error"] == "refund_exceeds_paid"
    assert too_much.json()["detail"]["refundable"] == 700

    async with notifier_client(app) as http:
        assert await deliver_notifications(app.state.db, settings, http=http) == 1
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=auth)).json()
    assert state["status"] == "partially_refunded" and state["refunded_amount"] == 300
    assert state["refunding_amount"] == 0 and REFUNDED[ref_id] == 300

    rest = await client.post(url, json={"amount": 700, "reason": "全退"}, headers=auth)
    assert rest.status_code == 201
    async with notifier_client(app) as http:
        assert await deliver_notifications(app.state.db, settings, http=http) == 1
        # A repeated refund notification changes nothing.
        assert await deliver_notifications(app.state.db, settings, http=http) == 0
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=auth)).json()
    assert state["status"] == "refunded" and state["refunded_amount"] == 1000 and REFUNDED[ref_id] == 1000
    refunds = (await client.get(url, headers=auth)).json()
    assert [(r["amount"], r["status"]) for r in refunds] == [(300, "succeeded"), (700, "succeeded")]
    assert (await client.post(url, json={"amount": 1, "reason": "再退"}, headers=auth)).status_code == 409
    txn = await sandbox_txn(app, payment["no"])
    assert txn.refunded_amount == 1000


async def test_unpaid_payment_cannot_be_refunded(app, client, session):
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    payment, _, _ = await _member_payment(client, app, session, amount=300)
    response = await client.post(
        f"/api/v1/payments/{payment['id']}/refunds",
        json={"amount": 100, "reason": "x"},
        headers=bearer(await staff_token(client, hq)),
    )
    assert response.status_code == 409 and response.json()["error"] == "payment_not_refundable"


async def test_cancel_on_pay_page_fails_the_payment(app, client, session, settings):
    payment, ref_id, token = await _member_payment(client, app, session, amount=650)
    cancelled = await client.post(_page_path(payment["pay_url"]) + "/cancel")
    assert cancelled.status_code == 200 and "已取消支付" in cancelled.text
    late = await client.post(_page_path(payment["pay_url"]) + "/confirm")
    assert late.status_code == 409 and "交易已关闭" in late.text
    async with notifier_client(app) as http:
        assert await deliver_notifications(app.state.db, settings, http=http) == 1
    state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
    assert state["status"] == "failed" and state["failure_reason"] == "closed_by_payer" and PAID[ref_id] == 0
    assert (await client.get("/api/v1/payments/sandbox/pay/no-such-token")).status_code == 404


async def test_sync_close_and_expiry(app, client, session):
    payment, ref_id, token = await _member_payment(client, app, session, amount=900)
    await client.post(_page_path(payment["pay_url"]) + "/confirm")
    # The notification is late; polling the gateway settles it.
    synced = await client.post(f"/api/v1/payments/{payment['id']}/sync", headers=bearer(token))
    assert synced.status_code == 200 and synced.json()["status"] == "succeeded" and PAID[ref_id] == 1

    other = await service.create_payment(
        session,
        ref_type=REF_TYPE,
        ref_id="close-me",
        amount=100,
        description="关闭",
        payer_member_id=None,
        idempotency_key=None,
        store_id=None,
    )
    closed = await service.close_payment(session, other.id, "order_cancelled")
    assert closed.status == "closed"
    await session.commit()
    page = await client.get(_page_path(other.pay_url or ""))
    assert "交易已关闭" in page.text and "确认支付" not in page.text

    expired = await service.create_payment(
        session,
        ref_type=REF_TYPE,
        ref_id="expire-me",
        amount=100,
        description="过期",
        payer_member_id=None,
        idempotency_key=None,
        store_id=None,
    )
    await session.commit()
    txn = await sandbox_txn(app, expired.no)
    await session.execute(
        update(SandboxTransaction)
        .where(SandboxTransaction.id == txn.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    await session.commit()
    response = await client.post(_page_path(expired.pay_url or "") + "/confirm")
    assert response.status_code == 410 and "交易已过期" in response.text


async def test_members_pay_only_their_own_refs_and_see_only_their_payments(app, client, session):
    payment, ref_id, token = await _member_payment(client, app, session, amount=100)
    intruder = await create_member(session)
    await session.commit()
    intruder_token = await member_token(client, app, intruder.phone)
    response = await client.post(
        "/api/v1/payments", json={"ref_type": REF_TYPE, "ref_id": ref_id}, headers=bearer(intruder_token)
    )
    assert response.status_code == 403
    assert (
        await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(intruder_token))
    ).status_code == 404
    listed = await client.get(
        "/api/v1/payments", params={"ref_type": REF_TYPE, "ref_id": ref_id}, headers=bearer(intruder_token)
    )
    assert listed.json() == []
    mine = await client.get(
        "/api/v1/payments", params={"ref_type": REF_TYPE, "ref_id": ref_id}, headers=bearer(token)
    )
    assert [p["id"] for p in mine.json()] == [payment["id"]]
    unknown = await client.post(
        "/api/v1/payments", json={"ref_type": "no_such_kind", "ref_id": "1"}, headers=bearer(token)
    )
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_payment_ref_type"
    bad_provider = await client.post(
        "/api/v1/payments",
        json={"ref_type": REF_TYPE, "ref_id": ref_id, "provider": "wechatpay"},
        headers=bearer(token),
    )
    assert bad_provider.status_code == 422 and bad_provider.json()["error"] == "unknown_payment_provider"
    cash_online = await client.post(
        "/api/v1/payments",
        json={"ref_type": REF_TYPE, "ref_id": ref_id, "provider": "cash"},
        headers=bearer(token),
    )
    assert cash_online.status_code == 422
    assert (await client.get(f"/api/v1/payments/{payment['id']}")).status_code == 401


async def test_create_is_idempotent_and_reuses_the_open_payment(app, client, session):
    member = await create_member(session)
    await session.commit()
    token = bearer(await member_token(client, app, member.phone))
    ref_id = make_ref(2500, member_id=member.id)
    body = {"ref_type": REF_TYPE, "ref_id": ref_id}
    key = {"Idempotency-Key": "create-key-000001"}
    first = await client.post("/api/v1/payments", json=body, headers=token | key)
    again = await client.post("/api/v1/payments", json=body, headers=token | key)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    without_key = await client.post("/api/v1/payments", json=body, headers=token)
    assert without_key.json()["id"] == first.json()["id"]
    other_ref = make_ref(100, member_id=member.id)
    conflict = await client.post(
        "/api/v1/payments", json={"ref_type": REF_TYPE, "ref_id": other_ref}, headers=token | key
    )
    assert conflict.status_code == 409 and conflict.json()["error"] == "idempotency_key_reused"
    assert (
        await client.post("/api/v1/payments", json=body, headers=token | {"Idempotency-Key": "x"})
    ).status_code == 422
    listed = await client.get("/api/v1/payments", params=body, headers=token)
    assert len(listed.json()) == 1


async def test_cash_and_card_tenders_at_the_till(app, client, session):
    store = await create_store(session)
    cashier = await create_staff(session, ["cashier"], [store])
    clerk = await create_staff(session, ["clerk"], [store])
    await session.commit()
    auth = bearer(await staff_token(client, cashier))
    ref_id = make_ref(4200, store_id=store.id)
    cash = await client.post(
        "/api/v1/payments/offline",
        json={"ref_type": REF_TYPE, "ref_id": ref_id, "tender": "cash"},
        headers=auth | {"Idempotency-Key": "till-cash-0001"},
    )
    assert cash.status_code == 201
    assert (
        cash.json()["status"] == "succeeded"
        and cash.json()["provider"] == "cash"
        and cash.json()["amount"] == 4200
    )
    assert PAID[ref_id] == 1 and await paid_events(app, ref_id) == 1
    replay = await client.post(
        "/api/v1/payments/offline",
        json={"ref_type": REF_TYPE, "ref_id": ref_id, "tender": "cash"},
        headers=auth | {"Idempotency-Key": "till-cash-0001"},
    )
    assert replay.json()["id"] == cash.json()["id"] and PAID[ref_id] == 1

    card_ref = make_ref(990, store_id=store.id)
    no_ref = await client.post(
        "/api/v1/payments/offline",
        json={"ref_type": REF_TYPE, "ref_id": card_ref, "tender": "card"},
        headers=auth,
    )
    assert no_ref.status_code == 422
    card = await client.post(
        "/api/v1/payments/offline",
        json={"ref_type": REF_TYPE, "ref_id": card_ref, "tender": "card", "terminal_ref": "POS-778812"},
        headers=auth,
    )
    assert card.status_code == 201 and card.json()["provider_trade_no"] == "POS-778812"
    denied = await client.post(
        "/api/v1/payments/offline",
        json={"ref_type": REF_TYPE, "ref_id": card_ref, "tender": "cash"},
        headers=bearer(await staff_token(client, clerk)),
    )
    assert denied.status_code == 403

    refund = await client.post(
        f"/api/v1/payments/{cash.json()['id']}/refunds",
        json={"amount": 1200, "reason": "退一件"},
        headers=bearer(await staff_token(client, await _manager(session, store))),
    )
    assert refund.status_code == 201 and refund.json()["status"] == "succeeded"
    state = (await client.get(f"/api/v1/payments/{cash.json()['id']}", headers=auth)).json()
    assert state["status"] == "partially_refunded" and state["refunded_amount"] == 1200


async def _manager(session, store):  # type: ignore[no-untyped-def]
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    return manager


async def test_service_contract_for_other_domains(app, session):
    created = await service.create_payment(
        session,
        ref_type=REF_TYPE,
        ref_id="svc-1",
        amount=1,
        description="服务调用",
        payer_member_id=None,
        idempotency_key="svc-key-000001",
        store_id=None,
    )
    same = await service.create_payment(
        session,
        ref_type=REF_TYPE,
        ref_id="svc-1",
        amount=1,
        description="服务调用",
        payer_member_id=None,
        idempotency_key="svc-key-000001",
        store_id=None,
    )
    assert same.id == created.id and isinstance(created, Payment)
    assert [p.id for p in await service.payments_for(session, REF_TYPE, "svc-1")] == [created.id]
    with pytest.raises(Exception) as bad:
        await service.create_payment(
            session,
            ref_type=REF_TYPE,
            ref_id="svc-2",
            amount=0,
            description="零元",
            payer_member_id=None,
            idempotency_key=None,
            store_id=None,
        )
    assert getattr(bad.value, "status_code", None) == 422
    assert PayableRef(amount=1, description="x").store_id is None


async def test_the_delivery_loop_delivers_in_the_background(app, client, session, settings):
    payment, ref_id, token = await _member_payment(client, app, session, amount=4321)
    async with notifier_client(app) as http:
        loop = asyncio.create_task(run_notifier(app.state.db, settings, http=http, interval=0.05))
        try:
            await client.post(_page_path(payment["pay_url"]) + "/confirm")
            for _ in range(200):
                state = (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()
                if state["status"] == "succeeded":
                    break
                await asyncio.sleep(0.05)
        finally:
            loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop
    assert state["status"] == "succeeded" and PAID[ref_id] == 1


async def test_sandbox_is_off_in_production(app, client, session, settings):
    payment, ref_id, token = await _member_payment(client, app, session, amount=100)
    # The app binds payments to its own settings on each request.
    app.state.settings = settings.model_copy(update={"env": "production"})
    other = make_ref(100, member_id=payment["payer_member_id"])
    refused = await client.post(
        "/api/v1/payments", json={"ref_type": REF_TYPE, "ref_id": other}, headers=bearer(token)
    )
    assert refused.status_code == 422 and refused.json()["error"] == "unknown_payment_provider"
    assert (await client.post(_page_path(payment["pay_url"]) + "/confirm")).status_code == 404
    assert (await client.get(f"/api/v1/payments/{payment['id']}", headers=bearer(token))).json()[
        "status"
    ] == "pending"


async def test_reconcile_settles_paid_and_closes_expired_payments(app, client, session, settings):
    paid, paid_ref, _ = await _member_payment(client, app, session, amount=700)
    await client.post(_page_path(paid["pay_url"]) + "/confirm")
    stale = await service.create_payment(
        session,
        ref_type=REF_TYPE,
        ref_id=f"stale-{uuid.uuid4().hex[:6]}",
        amount=300,
        description="过期未付",
        payer_member_id=None,
        idempotency_key=None,
        store_id=None,
    )
    await session.execute(
        update(Payment).where(Payment.id == stale.id).values(expires_at=utcnow() - timedelta(minutes=1))
    )
    await session.commit()
    assert await reconcile_open_payments(app.state.db, settings, older_than_seconds=0) == 2
    assert (await payment_row(app, paid["id"])).status == "succeeded" and PAID[paid_ref] == 1
    closed = await payment_row(app, stale.id)
    assert closed.status == "closed" and closed.failure_reason == "expired"
    assert (await sandbox_txn(app, stale.no)).status == "CLOSED"
    assert await reconcile_open_payments(app.state.db, settings, older_than_seconds=0) == 0
