from __future__ import annotations

import httpx
import pytest

from backend.payments.config import configure
from backend.payments.tasks import deliver_notifications
from shared import sdk
from tests.backend.payments.factories import PAID, REF_TYPE, new_ref
from tests.factories import PASSWORD, create_staff, create_store


def _client(app) -> sdk.AsyncClient:  # type: ignore[no-untyped-def]
    return sdk.AsyncClient(
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    )


async def test_sdk_pays_polls_refunds_and_records_tenders(app, session, settings):
    configure(settings)
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    async with _client(app) as shopper, _client(app) as staff:
        await shopper.auth.request_code("13700000042")
        await shopper.auth.verify_code("13700000042", app.state.sms.last_codes["13700000042"])
        me = await shopper.auth.me()
        ref_id = new_ref(1880, member_id=me.id, store_id=store.id)

        payment = await shopper.payments.create(REF_TYPE, ref_id, key="sdk-create-0001")
        assert payment.status == "pending" and payment.amount == 1880 and payment.qr_text
        assert (await shopper.payments.create(REF_TYPE, ref_id, key="sdk-create-0001")).id == payment.id
        page = await shopper.http.post(httpx.URL(payment.pay_url or "").path + "/confirm")
        assert "支付成功" in page.text
        assert (await shopper.payments.get(payment.id)).status == "pending"
        notifier = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000")
        async with notifier:
            assert await deliver_notifications(app.state.db, settings, http=notifier) == 1
        assert (await shopper.payments.get(payment.id)).status == "succeeded" and PAID[ref_id] == 1
        assert [p.id for p in await shopper.payments.for_ref(REF_TYPE, ref_id)] == [payment.id]
        assert (await shopper.payments.sync(payment.id)).status == "succeeded"

        await staff.auth.staff_login(manager.username, PASSWORD)
        refund = await staff.payments.refund(payment.id, 880, "少一件", key="sdk-refund-0001")
        assert refund.status == "pending" and refund.amount == 880
        with pytest.raises(sdk.Conflict) as too_much:
            await staff.payments.refund(payment.id, 1001, "全退")
        assert too_much.value.code == "refund_exceeds_paid" and too_much.value.detail["refundable"] == 1000
        assert [r.id for r in await staff.payments.refunds(payment.id)] == [refund.id]

        till_ref = new_ref(600, store_id=store.id)
        cash = await staff.payments.record_tender(REF_TYPE, till_ref, "cash")
        assert cash.status == "succeeded" and cash.provider == "cash"
        with pytest.raises(sdk.ValidationFailed):
            await staff.payments.record_tender(REF_TYPE, new_ref(100, store_id=store.id), "card")
        with pytest.raises(sdk.NotFound) as missing:
            await shopper.payments.get(cash.id)
        assert missing.value.code == "payment_not_found"
