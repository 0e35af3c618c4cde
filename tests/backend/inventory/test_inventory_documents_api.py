"""Receipts, issues, transfers and stocktakes through the HTTP API, with roles and store scoping."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.core.events import Event
from backend.inventory import stock
from tests.backend.inventory.factories import put_stock, staff_headers
from tests.factories import create_sku, create_store

API = "/api/v1/inventory"


async def test_receipt_needs_approval_then_posts_stock_into_batches(client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    clerk = await staff_headers(client, session, ["clerk"], [store])
    manager = await staff_headers(client, session, ["store_manager"], [store])
    soon = (date.today() + timedelta(days=20)).isoformat()
    body = {
        "kind": "receipt",
        "store_id": store.id,
        "supplier": "光明乳业",
        "lines": [
            {"sku_id": sku.id, "quantity": 10, "batch_no": "B20261101", "expires_on": soon, "unit_cost": 550},
            {"sku_id": sku.id, "quantity": 4},
        ],
    }
    created = await client.post(f"{API}/documents", json=body, headers={**clerk, "Idempotency-Key": "rcpt-1"})
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["status"] == "draft" and len(doc["lines"]) == 2
    replay = await client.post(f"{API}/documents", json=body, headers={**clerk, "Idempotency-Key": "rcpt-1"})
    assert replay.json()["id"] == doc["id"]

    assert (await client.post(f"{API}/documents/{doc['id']}/post", headers=manager)).json()["error"] == (
        "stock_document_state"
    )
    assert (await client.post(f"{API}/documents/{doc['id']}/submit", headers=clerk)).json()[
        "status"
    ] == "submitted"
    refused = await client.post(f"{API}/documents/{doc['id']}/approve", headers=clerk)
    assert refused.status_code == 403
    assert (await client.post(f"{API}/documents/{doc['id']}/approve", headers=manager)).json()[
        "status"
    ] == "approved"
    posted = await client.post(f"{API}/documents/{doc['id']}/post", headers=manager)
    assert posted.status_code == 200 and posted.json()["status"] == "posted"
    again = await client.post(f"{API}/documents/{doc['id']}/post", headers=manager)
    assert again.status_code == 200  # a replay posts nothing twice

    rows = (await client.get(f"{API}/stores/{store.id}/stock", headers=clerk)).json()
    assert rows["total"] == 1 and rows["items"][0]["on_hand"] == 14 and rows["items"][0]["available"] == 14
    batches = (
        await client.get(f"{API}/stores/{store.id}/batches", params={"sku_id": sku.id}, headers=clerk)
    ).json()
    assert [(b["batch_no"], b["quantity"], b["expires_on"]) for b in batches] == [
        ("B20261101", 10, soon),
        ("", 4, None),
    ]
    ledger = (
        await client.get(f"{API}/stores/{store.id}/movements", params={"kind": "receipt"}, headers=clerk)
    ).json()
    assert ledger["total"] == 2 and {m["ref_id"] for m in ledger["items"]} == {str(doc["id"])}
    assert await stock.check_ledger_invariant(session) == []
    actions = (
        await session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "stock_document"))
    ).all()
    assert {"receipt.create", "receipt.submit", "receipt.approve", "receipt.post"} <= set(actions)


async def test_issue_posts_conditionally_and_needs_a_reason(client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 3)
    manager = await staff_headers(client, session, ["store_manager"], [store])
    no_reason = await client.post(
        f"{API}/documents",
        json={"kind": "issue", "store_id": store.id, "lines": [{"sku_id": sku.id, "quantity": 1}]},
        headers=manager,
    )
    assert no_reason.status_code == 422
    doc = (
        await client.post(
            f"{API}/documents",
            json={
                "kind": "issue",
                "store_id": store.id,
                "reason": "damaged",
                "lines": [{"sku_id": sku.id, "quantity": 5}],
            },
            headers=manager,
        )
    ).json()
    for action in ("submit", "approve"):
        assert (
            await client.post(f"{API}/documents/{doc['id']}/{action}", headers=manager)
        ).status_code == 200
    short = await client.post(f"{API}/documents/{doc['id']}/post", headers=manager)
    assert short.status_code == 409 and short.json()["error"] == "out_of_stock"
    assert short.json()["detail"]["lines"] == [{"sku_id": sku.id, "requested": 5, "available": 3}]
    still = (await client.get(f"{API}/documents/{doc['id']}", headers=manager)).json()
    assert still["status"] == "approved"  # nothing half-written
    cancelled = await client.post(f"{API}/documents/{doc['id']}/cancel", headers=manager)
    assert cancelled.json()["status"] == "cancelled"


async def test_clerk_of_store_a_is_refused_on_store_b(client, session):
    a, b = await create_store(session), await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, b, sku, 5)
    clerk_a = await staff_headers(client, session, ["clerk"], [a])
    hq = await staff_headers(client, session, ["hq_admin"], None)
    assert (await client.get(f"{API}/stores/{b.id}/stock", headers=clerk_a)).json()[
        "error"
    ] == "store_forbidden"
    assert (await client.get(f"{API}/stores/{b.id}/movements", headers=clerk_a)).status_code == 403
    doc = await client.post(
        f"{API}/documents",
        json={"kind": "receipt", "store_id": b.id, "lines": [{"sku_id": sku.id, "quantity": 1}]},
        headers=clerk_a,
    )
    assert doc.status_code == 403
    take = await client.post(f"{API}/stocktakes", json={"store_id": b.id}, headers=clerk_a)
    assert take.status_code == 403
    hq_doc = await client.post(
        f"{API}/documents",
        json={"kind": "receipt", "store_id": b.id, "lines": [{"sku_id": sku.id, "quantity": 1}]},
        headers=hq,
    )
    assert hq_doc.status_code == 201
    assert (await client.get(f"{API}/documents/{hq_doc.json()['id']}", headers=clerk_a)).status_code == 404
    # The cross-store picture only shows the caller's stores; HQ sees all.
    assert (await client.get(f"{API}/skus/{sku.id}/stock", headers=clerk_a)).json() == []
    everywhere = (await client.get(f"{API}/skus/{sku.id}/stock", headers=hq)).json()
    assert [(r["store_id"], r["available"]) for r in everywhere] == [(b.id, 5)]
    unsigned = await client.get(f"{API}/stores/{b.id}/stock")
    assert unsigned.status_code == 401


async def test_transfer_end_to_end_with_in_transit_and_short_receipt(client, session):
    src, dst = await create_store(session), await create_store(session)
    milk, bread = await create_sku(session), await create_sku(session)
    today = date.today()
    await put_stock(session, src, milk, 4, batch_no="M1", expires_on=today + timedelta(days=3))
    await put_stock(session, src, milk, 6, batch_no="M2", expires_on=today + timedelta(days=9))
    await put_stock(session, src, bread, 5)
    src_clerk = await staff_headers(client, session, ["clerk"], [src])
    src_manager = await staff_headers(client, session, ["store_manager"], [src])
    dst_clerk = await staff_headers(client, session, ["clerk"], [dst])

    body = {
        "from_store_id": src.id,
        "to_store_id": dst.id,
        "lines": [{"sku_id": milk.id, "quantity": 7}, {"sku_id": bread.id, "quantity": 2}],
    }
    created = await client.post(f"{API}/transfers", json=body, headers=dst_clerk)
    assert created.status_code == 201 and created.json()["status"] == "requested"
    tid = created.json()["id"]
    assert (await client.post(f"{API}/transfers/{tid}/approve", headers=dst_clerk)).status_code == 403
    assert (await client.post(f"{API}/transfers/{tid}/ship", headers=src_clerk)).json()[
        "error"
    ] == "stock_document_state"
    assert (await client.post(f"{API}/transfers/{tid}/approve", headers=src_manager)).json()[
        "status"
    ] == "approved"
    assert (await client.post(f"{API}/transfers/{tid}/ship", headers=dst_clerk)).status_code == 403
    shipped = await client.post(f"{API}/transfers/{tid}/ship", headers=src_clerk)
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    milk_line = next(line for line in shipped.json()["lines"] if line["sku_id"] == milk.id)
    assert [(b["batch_no"], b["quantity"]) for b in milk_line["batches"]] == [("M1", 4), ("M2", 3)]
    assert (await client.post(f"{API}/transfers/{tid}/cancel", headers=src_clerk)).status_code == 409

    transit = (await client.get(f"{API}/in-transit", params={"store_id": dst.id}, headers=dst_clerk)).json()
    assert sorted((t["sku_id"], t["quantity"]) for t in transit) == sorted([(milk.id, 7), (bread.id, 2)])
    src_stock = {
        r["sku_id"]: r["on_hand"]
        for r in (await client.get(f"{API}/stores/{src.id}/stock", headers=src_clerk)).json()["items"]
    }
    assert src_stock == {milk.id: 3, bread.id: 3}

    assert (await client.post(f"{API}/transfers/{tid}/receive", headers=src_clerk)).status_code == 403
    unexplained = await client.post(
        f"{API}/transfers/{tid}/receive",
        json={"lines": [{"sku_id": milk.id, "received": 6}]},
        headers=dst_clerk,
    )
    assert unexplained.status_code == 422
    received = await client.post(
        f"{API}/transfers/{tid}/receive",
        json={"lines": [{"sku_id": milk.id, "received": 6, "reason": "一盒破损"}], "note": "到货"},
        headers=dst_clerk,
    )
    assert received.status_code == 200, received.text
    lines = {line["sku_id"]: line for line in received.json()["lines"]}
    assert (lines[milk.id]["received_qty"], lines[milk.id]["short_reason"]) == (6, "一盒破损")
    assert lines[bread.id]["received_qty"] == 2
    assert (
        await client.get(f"{API}/in-transit", params={"store_id": dst.id}, headers=dst_clerk)
    ).json() == []
    dst_batches = (
        await client.get(f"{API}/stores/{dst.id}/batches", params={"sku_id": milk.id}, headers=dst_clerk)
    ).json()
    assert [(b["batch_no"], b["quantity"]) for b in dst_batches] == [("M1", 4), ("M2", 2)]
    ledger = (
        await client.get(
            f"{API}/stores/{dst.id}/movements", params={"ref_type": "transfer"}, headers=dst_clerk
        )
    ).json()
    assert {m["kind"] for m in ledger["items"]} == {"transfer_in"}
    assert await stock.check_ledger_invariant(session) == []
    topics = set((await session.scalars(select(Event.topic).where(Event.type == "transfer.received"))).all())
    assert topics == {f"store:{src.id}:stock", f"store:{dst.id}:stock"}


async def test_transfer_cancel_before_shipping_and_short_stock_refused(client, session):
    src, dst = await create_store(session), await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, src, sku, 2)
    manager = await staff_headers(client, session, ["store_manager"], [src])
    body = {"from_store_id": src.id, "to_store_id": dst.id, "lines": [{"sku_id": sku.id, "quantity": 3}]}
    tid = (await client.post(f"{API}/transfers", json=body, headers=manager)).json()["id"]
    await client.post(f"{API}/transfers/{tid}/approve", headers=manager)
    short = await client.post(f"{API}/transfers/{tid}/ship", headers=manager)
    assert short.status_code == 409 and short.json()["error"] == "out_of_stock"
    assert (await client.get(f"{API}/transfers/{tid}", headers=manager)).json()["status"] == "approved"
    assert (await client.post(f"{API}/transfers/{tid}/cancel", headers=manager)).json()[
        "status"
    ] == "cancelled"
    same = {"from_store_id": src.id, "to_store_id": src.id, "lines": [{"sku_id": sku.id, "quantity": 1}]}
    assert (await client.post(f"{API}/transfers", json=same, headers=manager)).status_code == 422


async def test_stocktake_by_scanning_with_variance_review_and_post(client, session):
    store = await create_store(session)
    milk = await create_sku(session, barcode="6901234567892", shelf="A01-1", cost_price=450)
    tea = await create_sku(session, barcode="6907654321098", shelf="A02-3", cost_price=1200)
    other = await create_sku(session, barcode="6900000000017", shelf="B01-1")
    await put_stock(session, store, milk, 10)
    await put_stock(session, store, tea, 5)
    await put_stock(session, store, other, 8)
    clerk = await staff_headers(client, session, ["clerk"], [store])
    manager = await staff_headers(client, session, ["store_manager"], [store])

    take = await client.post(
        f"{API}/stocktakes", json={"store_id": store.id, "shelf_zone": "A"}, headers=clerk
    )
    assert take.status_code == 201
    tid = take.json()["id"]
    scan = f"{API}/stocktakes/{tid}/scans"
    for _ in range(3):
        assert (
            await client.post(scan, json={"barcode": "6901234567892", "quantity": 3}, headers=clerk)
        ).status_code == 200
    first = await client.post(scan, json={"barcode": "6907654321098", "client_id": "scan-1"}, headers=clerk)
    replay = await client.post(scan, json={"barcode": "6907654321098", "client_id": "scan-1"}, headers=clerk)
    assert first.json() == {"sku_id": tea.id, "counted": 1, "replayed": False}
    assert replay.json() == {"sku_id": tea.id, "counted": 1, "replayed": True}
    out_of_zone = await client.post(scan, json={"barcode": "6900000000017"}, headers=clerk)
    assert out_of_zone.status_code == 422 and out_of_zone.json()["error"] == "sku_out_of_scope"
    unknown = await client.post(scan, json={"barcode": "6999999999999"}, headers=clerk)
    assert unknown.json()["error"] == "unknown_barcode"

    # Sold while counting: the review compares against the books as they are now.
    await stock.sell(session, store.id, [(milk.id, 1)], "pos", "during-count")
    await session.commit()
    variance = (await client.get(f"{API}/stocktakes/{tid}/variance", headers=clerk)).json()
    lines = {line["sku_id"]: line for line in variance["lines"]}
    assert (lines[milk.id]["expected"], lines[milk.id]["counted"], lines[milk.id]["variance"]) == (9, 9, 0)
    assert (lines[tea.id]["variance"], lines[tea.id]["variance_value"]) == (-4, -4800)
    assert variance["value_short"] == 4800 and variance["value_net"] == -4800

    assert (await client.post(f"{API}/stocktakes/{tid}/post", headers=manager)).status_code == 409
    assert (await client.post(f"{API}/stocktakes/{tid}/submit", headers=clerk)).json()[
        "status"
    ] == "submitted"
    closed = await client.post(scan, json={"barcode": "6901234567892"}, headers=clerk)
    assert closed.status_code == 409
    assert (await client.post(f"{API}/stocktakes/{tid}/post", headers=clerk)).status_code == 403
    posted = await client.post(f"{API}/stocktakes/{tid}/post", headers=manager)
    assert posted.status_code == 200 and posted.json()["status"] == "posted"
    assert {line["sku_id"]: line["adjusted"] for line in posted.json()["lines"]} == {milk.id: 0, tea.id: -4}

    levels = {
        r["sku_id"]: r["on_hand"]
        for r in (await client.get(f"{API}/stores/{store.id}/stock", headers=clerk)).json()["items"]
    }
    assert levels == {milk.id: 9, tea.id: 1, other.id: 8}  # the uncounted SKU is untouched
    ledger = (
        await client.get(f"{API}/stores/{store.id}/movements", params={"kind": "stocktake"}, headers=clerk)
    ).json()
    assert [(m["sku_id"], m["on_hand_delta"]) for m in ledger["items"]] == [(tea.id, -4)]
    assert await stock.check_ledger_invariant(session) == []


async def test_bad_document_input_is_a_clear_4xx(client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    clerk = await staff_headers(client, session, ["clerk"], [store])
    line = {"sku_id": sku.id, "quantity": 1}
    cases = [
        {"kind": "receipt", "store_id": store.id, "lines": []},
        {"kind": "receipt", "store_id": store.id, "lines": [{"sku_id": sku.id, "quantity": 0}]},
        {"kind": "gift", "store_id": store.id, "lines": [{"sku_id": sku.id, "quantity": 1}]},
        {"kind": "receipt", "store_id": store.id, "lines": [{**line, "batch_no": "a|"}]},
    ]
    for body in cases:
        response = await client.post(f"{API}/documents", json=body, headers=clerk)
        assert response.status_code == 422 and response.json()["error"] == "validation_error", body
    unknown = await client.post(
        f"{API}/documents",
        json={"kind": "receipt", "store_id": store.id, "lines": [{"sku_id": sku.id + 999, "quantity": 1}]},
        headers=clerk,
    )
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_sku"
    assert (await client.post(f"{API}/documents/999999/post", headers=clerk)).status_code == 404
    assert (await client.post(f"{API}/documents/1/explode", headers=clerk)).status_code == 422
