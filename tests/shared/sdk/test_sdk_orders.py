"""The orders SDK against the real app: every call, as the shopper, picker, cashier, kiosk and HQ make it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from backend.core.time import utcnow
from shared import sdk
from tests.backend.orders.factories import ADDRESS, put_stock
from tests.factories import PASSWORD, create_sku, create_staff, create_store


def _client(app) -> sdk.AsyncClient:  # type: ignore[no-untyped-def]
    return sdk.AsyncClient(
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    )


async def _pay(shopper: sdk.AsyncClient, order_id: int) -> None:
    started = await shopper.orders.start_payment(order_id)
    assert started.pay_url and started.payment_id
    confirm = "/api/v1" + started.pay_url.split("/api/v1", 1)[1] + "/confirm"
    assert (await shopper.http.post(confirm)).status_code == 200
    assert (await shopper.payments.sync(int(started.payment_id))).status == "succeeded"


async def test_sdk_cart_checkout_picking_pickup_and_routing(app, session):
    store = await create_store(session, name_zh="静安店")
    other = await create_store(session)
    a = await create_sku(session, price=1000, shelf="A01", barcode="6901234568011")
    b = await create_sku(session, price=500, shelf="A02", barcode="6901234568028")
    c = await create_sku(session, price=700, barcode="6901234568035")
    for sku in (a, b, c):
        await put_stock(session, store, sku, 10)
    picker = await create_staff(session, ["picker", "clerk"], [store])
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    async with _client(app) as shopper, _client(app) as staff, _client(app) as admin:
        await shopper.auth.request_code("13700000101")
        await shopper.auth.verify_code("13700000101", app.state.sms.last_codes["13700000101"])
        await staff.auth.staff_login(picker.username, PASSWORD)
        await admin.auth.staff_login(hq.username, PASSWORD)

        await shopper.orders.add_to_cart(a.id, 1)
        await shopper.orders.add_to_cart(c.id, 1)
        await shopper.orders.set_cart_quantity(a.id, 2)
        await shopper.orders.remove_from_cart(c.id)
        cart = await shopper.orders.set_cart_store(store.id)
        assert cart.valid and cart.total == 2000
        assert (await shopper.orders.cart(store_id=other.id)).lines[0].problems[0].code == "not_sold_here"
        await shopper.orders.clear_cart()
        assert (await shopper.orders.cart()).lines == []

        slot = utcnow() + timedelta(hours=3)
        key = uuid.uuid4().hex
        order = await shopper.orders.place(
            "pickup",
            store_id=store.id,
            pickup_slot_start=slot,
            lines=[(a.id, 2), (b.id, 1), (c.id, 1)],
            idempotency_key=key,
        )
        replay = await shopper.orders.place(
            "pickup",
            store_id=store.id,
            pickup_slot_start=slot,
            lines=[(a.id, 2), (b.id, 1), (c.id, 1)],
            idempotency_key=key,
        )
        assert replay.id == order.id and order.total == 3200
        with pytest.raises(sdk.Conflict):
            await shopper.orders.pay(order.id)  # the provider is installed: pay through it
        await _pay(shopper, order.id)
        assert [o.id for o in await shopper.orders.list()] == [order.id]
        assert (await shopper.orders.get(order.id)).status == "paid"

        tasks = await staff.orders.picking_tasks(store_id=store.id)
        task = await staff.orders.start_picking(tasks[0].id)
        assert [line.shelf_location for line in task.lines][:2] == ["A01", "A02"]
        assert (await staff.orders.picking_task(task.id)).status == "picking"
        await staff.orders.scan(task.id, "6901234568011", 2)
        with pytest.raises(sdk.Conflict) as wrong:
            await staff.orders.scan(task.id, "6901234568011")
        assert wrong.value.code == "over_pick"
        line_b = next(ln for ln in task.lines if ln.sku_id == b.id)
        line_c = next(ln for ln in task.lines if ln.sku_id == c.id)
        await staff.orders.short_pick(task.id, line_b.line_id, 1, "破损")
        await staff.orders.offer_substitute(task.id, line_c.line_id, a.id)
        await shopper.orders.answer_substitution(order.id, line_c.line_id, True)
        await staff.orders.scan(task.id, "6901234568011")
        await staff.orders.mark_ready(task.id)
        code = await shopper.orders.pickup_code(order.id)
        assert (await staff.orders.verify_pickup(store.id, code=code.code)).id == order.id
        done = await staff.orders.hand_over(store.id, qr=code.qr)
        assert done.status == "completed" and done.refunded_amount == 500
        with pytest.raises(sdk.Conflict) as again:
            await staff.orders.hand_over(store.id, code=code.code)
        assert again.value.code == "already_collected"
        assert [e.to_status for e in await shopper.orders.events(order.id)][-1] == "completed"
        assert (await staff.orders.list(store_id=store.id))[0].id == order.id

        config = await admin.orders.set_routing_config(weight_distance=50)
        assert config.weight_distance == 50 and (await admin.orders.routing_config()).weight_distance == 50
        assert (await admin.orders.routing(order.id)).strategy == "fixed"

        near = {**ADDRESS, "latitude": 31.2314, "longitude": 121.4737}
        delivery = await shopper.orders.place("delivery", address=near, lines=[(a.id, 1)])
        assert (await admin.orders.routing(delivery.id)).strategy == "single"
        cancelled = await shopper.orders.cancel(delivery.id, "不要了")
        assert cancelled.status == "cancelled"
        with pytest.raises(sdk.InvalidState):
            await shopper.orders.complete(delivery.id)

        shipping = await shopper.orders.place("shipping", store_id=store.id, address=near, lines=[(b.id, 1)])
        await _pay(shopper, shipping.id)
        parcel = (await staff.orders.picking_tasks(store_id=store.id))[0]
        await staff.orders.scan(parcel.id, "6901234568028")
        await staff.orders.mark_ready(parcel.id)
        await staff.orders.ship(parcel.id, "SF100200300")
        assert (await shopper.orders.complete(shipping.id)).status == "completed"

        local = await shopper.orders.place("delivery", store_id=store.id, address=near, lines=[(b.id, 1)])
        await _pay(shopper, local.id)
        parcel = (await staff.orders.picking_tasks(store_id=store.id))[0]
        await staff.orders.scan(parcel.id, "6901234568028")
        await staff.orders.mark_ready(parcel.id)
        await staff.orders.dispatch(parcel.id)
        assert (await shopper.orders.get(local.id)).status == "out_for_delivery"


async def test_sdk_till_offline_receipt_and_returns(app, session):
    store = await create_store(session)
    elsewhere = await create_store(session)
    sku = await create_sku(session, price=1500, barcode="6901234568042")
    await put_stock(session, store, sku, 5)
    cashier = await create_staff(session, ["cashier", "store_manager"], [store])
    clerk = await create_staff(session, ["clerk"], [elsewhere])
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    async with _client(app) as till, _client(app) as kiosk, _client(app) as other, _client(app) as admin:
        await till.auth.staff_login(cashier.username, PASSWORD)
        await other.auth.staff_login(clerk.username, PASSWORD)
        await admin.auth.staff_login(hq.username, PASSWORD)
        sale = await till.orders.sell(
            [{"method": "cash", "amount": 2000}],
            store_id=store.id,
            lines=[{"barcode": "6901234568042", "quantity": 1}],
        )
        assert sale.tenders[0].change == 500
        receipt = await till.orders.receipt(sale.id)
        assert "找零" in receipt.text and receipt.qr.startswith("OMO1.receipt.")
        registered = await till.auth.register_device(store.id, "自助机")
        kiosk.auth.use_device_token(registered.token)
        session_id = uuid.uuid4().hex
        await kiosk.orders.add_to_cart(sku.id, 1, session_id=session_id)
        kiosk_sale = await kiosk.orders.sell(
            [{"method": "sandbox_qr", "amount": 1500}], cart_session_id=session_id
        )
        assert kiosk_sale.channel == "kiosk"
        results = await till.orders.upload_offline(
            [
                {
                    "client_id": "till-offline-0001",
                    "store_id": store.id,
                    "created_at": utcnow() - timedelta(hours=1),
                    "lines": [{"sku_id": sku.id, "quantity": 1}],
                    "tenders": [{"method": "card", "amount": 1500, "reference": "POS-778899"}],
                },
            ]
        )
        assert results[0].status == "applied"
        assert (
            await till.orders.upload_offline(
                [
                    {
                        "client_id": "till-offline-0001",
                        "store_id": store.id,
                        "lines": [{"sku_id": sku.id, "quantity": 1}],
                        "tenders": [{"method": "card", "amount": 1500, "reference": "POS-778899"}],
                    }
                ]
            )
        )[0].status == "duplicate"

        found = await other.orders.lookup(sale.number)
        ret = await other.orders.create_return(sale.id, elsewhere.id, [(found.lines[0].id, 1)])
        assert ret.amount == 1500 and ret.order_status == "refunded" and ret.refunds[0].method == "cash"
        assert (await other.orders.get_return(ret.id)).id == ret.id
        assert [r.id for r in await till.orders.order_returns(sale.id)] == [ret.id]
        assert (await admin.orders.set_return_policy(14)).window_days == 14
        assert (await till.orders.return_policy()).window_days == 14
        with pytest.raises(sdk.NotFound):
            await other.orders.get(sale.id)
