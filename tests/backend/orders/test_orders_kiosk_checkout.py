"""A kiosk basket paid by QR: the sale is recorded by the payment itself, exactly once."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from backend.orders.models import Order
from tests.backend.orders.factories import put_stock, stock_row
from tests.factories import bearer, create_sku, create_staff, create_store, staff_token


async def _kiosk(client, session, store) -> dict[str, str]:
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    token = await staff_token(client, manager)
    registered = await client.post(
        "/api/v1/auth/devices", json={"store_id": store.id, "name": "自助机"}, headers=bearer(token)
    )
    return bearer(registered.json()["token"])


async def test_paid_kiosk_checkout_records_the_sale_once(client, session):
    store = await create_store(session)
    milk, bread = await create_sku(session, price=650), await create_sku(session, price=1200)
    await put_stock(session, store, milk, 10)
    await put_stock(session, store, bread, 1)
    await session.commit()
    kiosk = await _kiosk(client, session, store)
    cart_session = uuid.uuid4().hex
    for sku, qty in ((milk, 2), (bread, 1)):
        added = await client.post(
            "/api/v1/cart/lines",
            params={"session_id": cart_session},
            json={"sku_id": sku.id, "quantity": qty},
            headers=kiosk,
        )
        assert added.status_code in (200, 201), added.text
    client_id = uuid.uuid4().hex
    body = {"client_id": client_id, "cart_session_id": cart_session}
    opened = await client.post("/api/v1/pos/kiosk-checkouts", json=body, headers=kiosk)
    assert opened.status_code == 201 and opened.json()["total"] == 2 * 650 + 1200
    again = await client.post("/api/v1/pos/kiosk-checkouts", json=body, headers=kiosk)
    assert again.json()["client_id"] == client_id

    created = await client.post(
        "/api/v1/payments",
        json={"ref_type": "kiosk_sale", "ref_id": client_id, "provider": "sandbox"},
        headers={**kiosk, "Idempotency-Key": client_id},
    )
    assert created.status_code in (200, 201), created.text
    payment = created.json()
    assert payment["amount"] == 2500
    path = payment["pay_url"].split("/api/v1", 1)[1]
    assert (await client.post(f"/api/v1{path}/confirm")).status_code == 200
    synced = await client.post(f"/api/v1/payments/{payment['id']}/sync", headers=kiosk)
    assert synced.json()["status"] == "succeeded"

    orders = list(await session.scalars(select(Order).where(Order.client_id == client_id)))
    assert len(orders) == 1 and orders[0].channel == "kiosk" and orders[0].total == 2500
    assert await stock_row(session, store, milk) == (8, 0)
    assert await stock_row(session, store, bread) == (0, 0)
    # The kiosk then asks for its sale with the same client id and gets that one order back.
    replay = await client.post(
        "/api/v1/pos/sales",
        json={
            "client_id": client_id,
            "lines": [{"sku_id": milk.id, "quantity": 2}, {"sku_id": bread.id, "quantity": 1}],
            "tenders": [{"method": "sandbox_qr", "amount": 2500}],
        },
        headers=kiosk,
    )
    assert replay.status_code == 200 and replay.json()["id"] == orders[0].id
    paid_again = await client.post(
        "/api/v1/payments",
        json={"ref_type": "kiosk_sale", "ref_id": client_id, "provider": "sandbox"},
        headers=kiosk,
    )
    assert paid_again.status_code == 403


async def test_only_the_kiosk_that_opened_it_may_pay_for_it(client, session):
    store = await create_store(session)
    milk = await create_sku(session, price=650)
    await put_stock(session, store, milk, 5)
    await session.commit()
    first, second = await _kiosk(client, session, store), await _kiosk(client, session, store)
    client_id = uuid.uuid4().hex
    opened = await client.post(
        "/api/v1/pos/kiosk-checkouts",
        json={"client_id": client_id, "lines": [{"sku_id": milk.id, "quantity": 1}]},
        headers=first,
    )
    assert opened.status_code == 201
    stranger = await client.post(
        "/api/v1/payments",
        json={"ref_type": "kiosk_sale", "ref_id": client_id, "provider": "sandbox"},
        headers=second,
    )
    assert stranger.status_code == 404
    cashier = await create_staff(session, ["cashier"], [store])
    await session.commit()
    refused = await client.post(
        "/api/v1/pos/kiosk-checkouts",
        json={"client_id": uuid.uuid4().hex, "lines": [{"sku_id": milk.id, "quantity": 1}]},
        headers=bearer(await staff_token(client, cashier)),
    )
    assert refused.status_code == 403
    empty = await client.post(
        "/api/v1/pos/kiosk-checkouts", json={"client_id": uuid.uuid4().hex}, headers=first
    )
    assert empty.status_code == 422
