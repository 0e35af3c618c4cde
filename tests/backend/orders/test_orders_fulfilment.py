"""Routing, picking (scan, short, substitution), pickup codes, delivery, till sales, offline upload,
returns across stores, and the demo orders."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from backend.core.events import Event
from backend.core.security import qr_private_key
from backend.inventory.service import stock as inventory
from backend.orders.demo import seed_orders
from shared import codes
from tests.backend.orders.factories import (
    ADDRESS,
    pay,
    pickup_body,
    place,
    put_stock,
    shopper,
    staff,
    stock_row,
)
from tests.factories import bearer, create_sku, create_store

HOME = {**ADDRESS, "latitude": 31.2304, "longitude": 121.4737}


async def member_events(session, member_id: int) -> list[str]:
    types = list(
        await session.scalars(
            select(Event.type).where(Event.topic == f"member:{member_id}").order_by(Event.id)
        )
    )
    await session.commit()
    return types


async def test_routing_picks_the_best_store_and_splits_only_when_it_must(app, client, session):
    near = await create_store(session, latitude=31.2350, longitude=121.4737, name_zh="近店")  # ~0.5 km
    far = await create_store(session, latitude=31.2504, longitude=121.4737, name_zh="远店")  # ~2.2 km
    only_a = await create_store(session, latitude=31.2320, longitude=121.4737)
    only_b = await create_store(session, latitude=31.2330, longitude=121.4737)
    a = await create_sku(session)
    b = await create_sku(session)
    c = await create_sku(session)
    for store in (near, far):
        await put_stock(session, store, a, 10)
        await put_stock(session, store, b, 10)
    await put_stock(session, only_a, c, 1)
    await put_stock(session, only_b, c, 1)
    await put_stock(session, only_a, a, 10)
    _, headers = await shopper(client, app, session)
    hq = await staff(client, session, ["hq_admin"], [])
    # Both near and far can fill it: the nearer wins; the partial stores are not used.
    r = await place(
        client,
        headers,
        {
            "fulfilment": "delivery",
            "address": HOME,
            "lines": [{"sku_id": a.id, "quantity": 2}, {"sku_id": b.id, "quantity": 1}],
        },
    )
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["store_id"] == near.id and len(order["shipments"]) == 1
    decision = (await client.get(f"/api/v1/orders/{order['id']}/routing", headers=hq)).json()
    assert decision["strategy"] == "single" and decision["store_ids"] == [near.id]
    scores = {c["store_id"]: c for c in decision["candidates"]}
    assert scores[near.id]["score"] > scores[far.id]["score"]
    assert scores[only_a.id]["can_fill_all"] is False and scores[near.id]["chosen"] is True
    assert decision["weights"]["stock"] == 60
    # Two units of c exist only one per store: the order is split over exactly two stores.
    r = await place(
        client,
        headers,
        {"fulfilment": "delivery", "address": HOME, "lines": [{"sku_id": c.id, "quantity": 2}]},
    )
    assert r.status_code == 201, r.text
    split = r.json()
    assert sorted(s["store_id"] for s in split["shipments"]) == sorted([only_a.id, only_b.id])
    assert split["shipping_fee"] == sum(s["delivery_fee"] for s in split["shipments"]) > 0
    decision = (await client.get(f"/api/v1/orders/{split['id']}/routing", headers=hq)).json()
    assert decision["strategy"] == "split" and len(decision["store_ids"]) == 2
    assert await stock_row(session, only_a, c) == (1, 1) and await stock_row(session, only_b, c) == (1, 1)
    # Nobody has three: refused with what is missing.
    r = await place(
        client,
        headers,
        {"fulfilment": "delivery", "address": HOME, "lines": [{"sku_id": c.id, "quantity": 1}]},
    )
    assert r.status_code == 422 and r.json()["error"] == "no_store_can_fill"
    # HQ weighs distance only less than load: a busy near store loses to an idle far one.
    r = await client.put(
        "/api/v1/routing/config",
        json={"weight_stock": 0, "weight_distance": 0, "weight_load": 100},
        headers=hq,
    )
    assert r.status_code == 200
    paid = await pay(client, headers, order["id"])  # gives the near store an open picking task
    assert paid["status"] == "paid"
    r = await place(
        client,
        headers,
        {"fulfilment": "delivery", "address": HOME, "lines": [{"sku_id": b.id, "quantity": 1}]},
    )
    assert r.json()["store_id"] == far.id
    r = await client.put("/api/v1/routing/config", json={"weight_load": 5}, headers=headers)
    assert r.status_code == 403


async def test_picking_with_scans_short_pick_substitution_then_pickup_once_at_the_right_store(
    app, client, session, settings
):
    store = await create_store(session, name_zh="南京路店", name_en="Nanjing Rd")
    other = await create_store(session, name_zh="徐家汇店")
    a = await create_sku(session, price=1000, shelf="B01", barcode="6901234567892")
    b = await create_sku(session, price=300, shelf="A02", barcode="6901234567908")
    c = await create_sku(session, price=800, shelf="A01", barcode="6901234567915")
    d = await create_sku(session, price=900, shelf="A03", barcode="6901234567922")
    stranger = await create_sku(session, barcode="6901234567939")
    for sku in (a, b, c, d):
        await put_stock(session, store, sku, 5)
    member_id, headers = await shopper(client, app, session)
    picker = await staff(client, session, ["picker"], [store])
    clerk_elsewhere = await staff(client, session, ["clerk"], [other])
    clerk = await staff(client, session, ["clerk"], [store])
    order = (await place(client, headers, pickup_body(store, [(a, 2), (b, 3), (c, 1)]))).json()
    r = await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=headers)
    assert r.status_code == 409  # not paid yet
    await pay(client, headers, order["id"])
    tasks = (await client.get("/api/v1/picking/tasks", headers=picker)).json()
    assert len(tasks) == 1 and tasks[0]["order_id"] == order["id"]
    assert (await client.get("/api/v1/picking/tasks", headers=clerk_elsewhere)).json() == []
    task = tasks[0]
    assert [ln["shelf_location"] for ln in task["lines"]] == ["A01", "A02", "B01"]
    lines = {ln["sku_id"]: ln for ln in task["lines"]}
    url = f"/api/v1/picking/tasks/{task['id']}"
    r = await client.post(f"{url}/scan", json={"barcode": "6901234567939"}, headers=picker)
    assert r.status_code == 409 and r.json()["error"] == "wrong_item"
    assert r.json()["detail"]["scanned_sku_id"] == stranger.id
    r = await client.post(f"{url}/scan", json={"barcode": "0000000000000"}, headers=picker)
    assert r.status_code == 422 and r.json()["error"] == "unknown_barcode"
    r = await client.post(f"{url}/scan", json={"barcode": "6901234567892", "quantity": 2}, headers=picker)
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/scan", json={"barcode": "6901234567892"}, headers=picker)
    assert r.status_code == 409 and r.json()["error"] == "over_pick"
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()["status"] == "picking"
    # Only 2 of 3 b on the shelf: one is short and refunded.
    await client.post(f"{url}/scan", json={"barcode": "6901234567908", "quantity": 2}, headers=picker)
    r = await client.post(
        f"{url}/lines/{lines[b.id]['line_id']}/short",
        json={"quantity": 1, "reason": "货架缺货"},
        headers=picker,
    )
    assert r.status_code == 200, r.text
    # c is missing: offer d instead; the shopper accepts.
    r = await client.post(
        f"{url}/lines/{lines[c.id]['line_id']}/substitute", json={"sku_id": d.id}, headers=picker
    )
    assert r.status_code == 200, r.text
    assert "order.substitution_requested" in await member_events(session, member_id)
    r = await client.post(f"{url}/ready", headers=picker)
    assert r.status_code == 409 and r.json()["detail"]["awaiting_substitution"] == [lines[c.id]["line_id"]]
    r = await client.post(
        f"/api/v1/orders/{order['id']}/substitutions/{lines[c.id]['line_id']}",
        json={"accept": True},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    view = r.json()
    substitute = next(ln for ln in view["lines"] if ln["substitute_for_id"] == lines[c.id]["line_id"])
    assert substitute["sku_id"] == d.id and substitute["line_total"] == 800
    assert view["refunded_amount"] == 300
    assert await stock_row(session, store, d) == (5, 1)
    r = await client.post(f"{url}/ready", headers=picker)
    assert r.status_code == 409 and r.json()["detail"]["unpicked"][0]["sku_id"] == d.id
    await client.post(f"{url}/scan", json={"barcode": "6901234567922"}, headers=picker)
    r = await client.post(f"{url}/ready", headers=picker)
    assert r.status_code == 200, r.text
    done = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert done["status"] == "ready_for_pickup"
    assert "order.ready_for_pickup" in await member_events(session, member_id)
    # Pickup: the code is bound to this store and works once.
    code = (await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=headers)).json()
    assert len(code["code"]) == 6 and code["code"].isdigit()
    signed = codes.verify(qr_private_key(settings.var_dir).public_key(), code["qr"], "pickup")
    assert signed.data["o"] == order["id"]
    r = await client.post(
        "/api/v1/pickup/verify", json={"store_id": other.id, "code": code["code"]}, headers=clerk_elsewhere
    )
    assert r.status_code == 409 and r.json()["error"] == "wrong_store"
    assert "南京路店" in r.json()["message"]
    r = await client.post(
        "/api/v1/pickup/verify", json={"store_id": other.id, "code": code["code"]}, headers=clerk
    )
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/pickup/handover", json={"store_id": store.id, "qr": code["qr"]}, headers=clerk
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "completed"
    r = await client.post(
        "/api/v1/pickup/handover", json={"store_id": store.id, "code": code["code"]}, headers=clerk
    )
    assert r.status_code == 409 and r.json()["error"] == "already_collected"
    r = await client.post(
        "/api/v1/pickup/verify", json={"store_id": store.id, "qr": code["qr"][:-4] + "AAAA"}, headers=clerk
    )
    assert r.status_code == 404 and r.json()["error"] == "pickup_code_invalid"
    assert await stock_row(session, store, a) == (3, 0)
    assert await stock_row(session, store, b) == (3, 0)
    assert await stock_row(session, store, c) == (5, 0)
    assert await stock_row(session, store, d) == (4, 0)
    async with app.state.db.sessionmaker() as check:
        assert await inventory.check_ledger_invariant(check) == []
    history = [
        e["to_status"]
        for e in (await client.get(f"/api/v1/orders/{order['id']}/events", headers=headers)).json()
    ]
    assert history == ["pending_payment", "paid", "picking", "ready_for_pickup", "completed"]


async def test_declined_substitution_is_refunded_and_delivery_goes_out_and_completes(app, client, session):
    store = await create_store(session)
    a = await create_sku(session, price=1000, barcode="6901234567946")
    c = await create_sku(session, price=500)
    d = await create_sku(session, price=500)
    for sku in (a, c, d):
        await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    picker = await staff(client, session, ["picker"], [store])
    order = (
        await place(
            client,
            headers,
            {
                "fulfilment": "delivery",
                "store_id": store.id,
                "address": HOME,
                "lines": [{"sku_id": a.id, "quantity": 1}, {"sku_id": c.id, "quantity": 2}],
            },
        )
    ).json()
    await pay(client, headers, order["id"])
    task = (await client.get("/api/v1/picking/tasks", headers=picker)).json()[0]
    url = f"/api/v1/picking/tasks/{task['id']}"
    line_c = next(ln for ln in task["lines"] if ln["sku_id"] == c.id)
    await client.post(f"{url}/scan", json={"barcode": "6901234567946"}, headers=picker)
    await client.post(f"{url}/lines/{line_c['line_id']}/substitute", json={"sku_id": d.id}, headers=picker)
    r = await client.post(
        f"/api/v1/orders/{order['id']}/substitutions/{line_c['line_id']}",
        json={"accept": False},
        headers=headers,
    )
    assert r.status_code == 200 and r.json()["refunded_amount"] == 1000
    r = await client.post(f"{url}/dispatch", headers=picker)
    assert r.status_code == 409  # not packed yet
    assert (await client.post(f"{url}/ready", headers=picker)).status_code == 200
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()["status"] == "picking"
    r = await client.post(f"{url}/dispatch", headers=picker)
    assert r.status_code == 200, r.text
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()[
        "status"
    ] == "out_for_delivery"
    assert await stock_row(session, store, a) == (4, 0)
    assert await stock_row(session, store, c) == (5, 0)
    r = await client.post(f"/api/v1/orders/{order['id']}/complete", headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "completed"


async def test_till_sale_deducts_stock_gives_change_and_prints_a_receipt(app, client, session, settings):
    store = await create_store(session, name_zh="人民广场店")
    sku = await create_sku(session, price=2500, name="酸奶", barcode="6901234567953")
    await put_stock(session, store, sku, 10)
    cashier = await staff(client, session, ["cashier"], [store])
    picker = await staff(client, session, ["picker"], [store])
    sale = {
        "client_id": uuid.uuid4().hex,
        "store_id": store.id,
        "lines": [{"barcode": "6901234567953", "quantity": 2}],
        "tenders": [{"method": "cash", "amount": 10_000}],
    }
    r = await client.post("/api/v1/pos/sales", json=sale, headers=cashier)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "completed" and order["channel"] == "pos" and order["total"] == 5000
    assert order["tenders"] == [
        {**order["tenders"][0], "method": "cash", "amount": 5000, "tendered": 10_000, "change": 5000}
    ]
    assert await stock_row(session, store, sku) == (8, 0)
    payments = (
        await client.get(f"/api/v1/payments?ref_type=till_sale&ref_id={order['id']}", headers=cashier)
    ).json()
    assert [(p["provider"], p["amount"], p["status"]) for p in payments] == [("cash", 5000, "succeeded")]
    assert order["tenders"][0]["payment_id"] == str(payments[0]["id"])
    again = await client.post("/api/v1/pos/sales", json=sale, headers=cashier)
    assert again.status_code == 200 and again.json()["id"] == order["id"]
    assert await stock_row(session, store, sku) == (8, 0)
    receipt = (await client.get(f"/api/v1/orders/{order['id']}/receipt", headers=cashier)).json()
    assert "人民广场店" in receipt["text"] and "找零" in receipt["text"] and "50.00" in receipt["text"]
    assert receipt["change"] == 5000
    signed = codes.verify(qr_private_key(settings.var_dir).public_key(), receipt["qr"], "receipt")
    assert signed.data["n"] == order["number"]
    short = {**sale, "client_id": uuid.uuid4().hex, "tenders": [{"method": "cash", "amount": 100}]}
    r = await client.post("/api/v1/pos/sales", json=short, headers=cashier)
    assert r.status_code == 422 and r.json()["error"] == "tender_short"
    r = await client.post("/api/v1/pos/sales", json={**sale, "client_id": uuid.uuid4().hex}, headers=picker)
    assert r.status_code == 403
    too_many = {
        **sale,
        "client_id": uuid.uuid4().hex,
        "lines": [{"sku_id": sku.id, "quantity": 9}],
        "tenders": [{"method": "card", "amount": 22_500, "reference": "T1"}],
    }
    r = await client.post("/api/v1/pos/sales", json=too_many, headers=cashier)
    assert r.status_code == 409 and r.json()["error"] == "out_of_stock"


async def test_kiosk_sells_its_cart_session(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session, price=1200)
    await put_stock(session, store, sku, 3)
    manager = await staff(client, session, ["store_manager"], [store])
    r = await client.post(
        "/api/v1/auth/devices", json={"store_id": store.id, "name": "自助收银1"}, headers=manager
    )
    assert r.status_code == 201, r.text
    kiosk = bearer(r.json()["token"])
    cart_session = uuid.uuid4().hex
    r = await client.post(
        f"/api/v1/cart/lines?session_id={cart_session}", json={"sku_id": sku.id, "quantity": 2}, headers=kiosk
    )
    assert r.status_code == 200 and r.json()["store_id"] == store.id and r.json()["valid"] is True
    r = await client.get("/api/v1/cart", headers=kiosk)
    assert r.status_code == 422  # a kiosk cart needs its session id
    sale = {
        "client_id": uuid.uuid4().hex,
        "cart_session_id": cart_session,
        "tenders": [{"method": "sandbox_qr", "amount": 2400, "reference": "QR-1"}],
    }
    r = await client.post("/api/v1/pos/sales", json=sale, headers=kiosk)
    assert r.status_code == 201, r.text
    assert r.json()["channel"] == "kiosk" and r.json()["total"] == 2400
    assert await stock_row(session, store, sku) == (1, 0)
    assert (await client.get(f"/api/v1/cart?session_id={cart_session}", headers=kiosk)).json()["lines"] == []


async def test_offline_upload_applies_each_sale_once(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session, price=1000)
    await put_stock(session, store, sku, 3)
    cashier = await staff(client, session, ["cashier"], [store])
    sales = [
        {
            "client_id": f"offline-{i}-{uuid.uuid4().hex[:8]}",
            "store_id": store.id,
            "created_at": "2026-01-05T02:00:00Z",
            "lines": [{"sku_id": sku.id, "quantity": 2}],
            "tenders": [{"method": "cash", "amount": 2000}],
        }
        for i in range(2)
    ]
    bad = {
        "client_id": f"offline-bad-{uuid.uuid4().hex[:8]}",
        "store_id": store.id,
        "lines": [{"barcode": "999", "quantity": 1}],
        "tenders": [{"method": "cash", "amount": 100}],
    }
    r = await client.post("/api/v1/pos/offline-sales", json={"sales": [*sales, bad]}, headers=cashier)
    assert r.status_code == 200, r.text
    results = r.json()
    assert [x["status"] for x in results] == ["applied", "applied", "rejected"]
    assert results[1]["shortfall"] == [{"sku_id": sku.id, "shortfall": 1}]
    assert results[2]["error"] == "unknown_barcode"
    assert await stock_row(session, store, sku) == (0, 0)
    r = await client.post("/api/v1/pos/offline-sales", json={"sales": sales}, headers=cashier)
    assert [x["status"] for x in r.json()] == ["duplicate", "duplicate"]
    assert [x["order_id"] for x in r.json()] == [x["order_id"] for x in results[:2]]
    assert await stock_row(session, store, sku) == (0, 0)
    order = (await client.get(f"/api/v1/orders/{results[0]['order_id']}", headers=cashier)).json()
    assert order["sold_at"].startswith("2026-01-05T02:00")
    async with app.state.db.sessionmaker() as check:
        assert await inventory.check_ledger_invariant(check, store.id) == []


async def test_returns_at_another_store_restock_there_and_refund_the_original_tenders(app, client, session):
    sold_at = await create_store(session, name_zh="A店")
    returned_at = await create_store(session, name_zh="B店")
    sku = await create_sku(session, price=1000)
    other = await create_sku(session, price=400)
    await put_stock(session, sold_at, sku, 5)
    await put_stock(session, sold_at, other, 5)
    _, headers = await shopper(client, app, session)
    clerk_b = await staff(client, session, ["clerk"], [returned_at])
    clerk_a = await staff(client, session, ["clerk"], [sold_at])
    hq = await staff(client, session, ["hq_admin"], [])
    order = (await place(client, headers, pickup_body(sold_at, [(sku, 3), (other, 1)]))).json()
    await pay(client, headers, order["id"])
    task = (await client.get("/api/v1/picking/tasks", headers=clerk_a)).json()[0]
    for line in task["lines"]:
        for _ in range(line["quantity"]):
            pass
    from backend.catalog.models import Barcode

    session.add_all(
        [
            Barcode(sku_id=sku.id, code="6901234567960", symbology="ean13"),
            Barcode(sku_id=other.id, code="6901234567977", symbology="ean13"),
        ]
    )
    await session.commit()
    url = f"/api/v1/picking/tasks/{task['id']}"
    await client.post(f"{url}/scan", json={"barcode": "6901234567960", "quantity": 3}, headers=clerk_a)
    await client.post(f"{url}/scan", json={"barcode": "6901234567977"}, headers=clerk_a)
    assert (await client.post(f"{url}/ready", headers=clerk_a)).status_code == 200
    code = (await client.get(f"/api/v1/orders/{order['id']}/pickup-code", headers=headers)).json()["code"]
    assert (
        await client.post(
            "/api/v1/pickup/handover", json={"store_id": sold_at.id, "code": code}, headers=clerk_a
        )
    ).status_code == 200
    found = (await client.get(f"/api/v1/orders/lookup?number={order['number']}", headers=clerk_b)).json()
    line = next(ln for ln in found["lines"] if ln["sku_id"] == sku.id)
    r = await client.post(
        "/api/v1/returns",
        json={
            "order_id": order["id"],
            "store_id": returned_at.id,
            "lines": [{"order_line_id": line["id"], "quantity": 2}],
        },
        headers={**clerk_b, "Idempotency-Key": "return-0001"},
    )
    assert r.status_code == 201, r.text
    ret = r.json()
    assert ret["amount"] == 2000 and ret["order_status"] == "partially_refunded"
    assert ret["refunds"][0]["provider_refund_id"] and ret["refunds"][0]["store_id"] == returned_at.id
    again = await client.post(
        "/api/v1/returns",
        json={
            "order_id": order["id"],
            "store_id": returned_at.id,
            "lines": [{"order_line_id": line["id"], "quantity": 2}],
        },
        headers={**clerk_b, "Idempotency-Key": "return-0001"},
    )
    assert again.status_code == 200 and again.json()["id"] == ret["id"]
    assert await stock_row(session, returned_at, sku) == (2, 0)
    assert await stock_row(session, sold_at, sku) == (2, 0)
    r = await client.post(
        "/api/v1/returns",
        json={
            "order_id": order["id"],
            "store_id": returned_at.id,
            "lines": [{"order_line_id": line["id"], "quantity": 2}],
        },
        headers=clerk_b,
    )
    assert r.status_code == 422 and r.json()["detail"]["returnable"] == 1
    r = await client.post(
        "/api/v1/returns",
        json={
            "order_id": order["id"],
            "store_id": sold_at.id,
            "lines": [{"order_line_id": line["id"], "quantity": 1}],
        },
        headers=clerk_b,
    )
    assert r.status_code == 403
    rest = [
        {"order_line_id": ln["id"], "quantity": ln["picked_qty"] - ln["returned_qty"]}
        for ln in (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()["lines"]
    ]
    r = await client.post(
        "/api/v1/returns",
        json={"order_id": order["id"], "store_id": sold_at.id, "lines": [x for x in rest if x["quantity"]]},
        headers=clerk_a,
    )
    assert r.status_code == 201, r.text
    assert r.json()["order_status"] == "refunded" and r.json()["amount"] == 1400
    final = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert final["refunded_amount"] == final["paid_amount"] == 3400
    # The window: HQ sets 0 days, a till sale can no longer be returned.
    cashier = await staff(client, session, ["cashier"], [sold_at])
    sale = (
        await client.post(
            "/api/v1/pos/sales",
            json={
                "client_id": uuid.uuid4().hex,
                "store_id": sold_at.id,
                "lines": [{"sku_id": other.id, "quantity": 1}],
                "tenders": [{"method": "cash", "amount": 500}],
            },
            headers=cashier,
        )
    ).json()
    assert (
        await client.put("/api/v1/returns/policy", json={"window_days": 0}, headers=hq)
    ).status_code == 200
    r = await client.post(
        "/api/v1/returns",
        json={
            "order_id": sale["id"],
            "store_id": sold_at.id,
            "lines": [{"order_line_id": sale["lines"][0]["id"], "quantity": 1}],
        },
        headers=cashier,
    )
    assert r.status_code == 409 and r.json()["error"] == "return_window_closed"


async def test_demo_orders_cover_every_status_once(app, session, settings):
    from backend.orders.models import Order
    from tests.factories import create_member

    store = await create_store(session)
    for _ in range(2):
        sku = await create_sku(session)
        await put_stock(session, store, sku, 50)
    await create_member(session)
    await session.commit()
    async with app.state.db.sessionmaker() as job:
        assert await seed_orders(job, settings) == 11
        await job.commit()
    async with app.state.db.sessionmaker() as job:
        assert await seed_orders(job, settings) == 0
        statuses = set(await job.scalars(select(Order.status)))
        assert await inventory.check_ledger_invariant(job) == []
    assert statuses == {
        "pending_payment",
        "paid",
        "picking",
        "ready_for_pickup",
        "out_for_delivery",
        "shipped",
        "completed",
        "cancelled",
        "partially_refunded",
        "refunded",
    }
