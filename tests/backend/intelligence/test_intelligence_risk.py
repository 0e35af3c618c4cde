"""Risk control through the API: rate limits on claiming and ordering, orders held by the abnormal-order
rules (new accounts farming coupons on one device, hoarding to one address, impossible addresses) and
HQ's review (release to payment, or reject giving the stock back)."""

from __future__ import annotations

from backend.intelligence.risk import CLAIM_RULES
from tests.backend.marketing.factories import create_template
from tests.backend.orders.factories import ADDRESS, key, pickup_body, put_stock, shopper, staff, stock_row
from tests.factories import create_sku, create_store


async def test_coupon_claims_are_rate_limited_per_account(client, app, session) -> None:  # type: ignore[no-untyped-def]
    templates = [await create_template(session) for _ in range(CLAIM_RULES[0].limit + 1)]
    await session.commit()
    _, headers = await shopper(client, app, session)
    codes = [
        (
            await client.post("/api/v1/marketing/coupons/claim", json={"template_id": t.id}, headers=headers)
        ).status_code
        for t in templates
    ]
    assert codes == [201] * CLAIM_RULES[0].limit + [429]


async def test_new_accounts_on_one_device_get_their_orders_held(client, app, session) -> None:  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 50)
    template = await create_template(session, total_quantity=50)
    await session.commit()
    device = {"X-Device-Id": "phone-farm-1"}
    statuses = []
    for _ in range(3):
        _, headers = await shopper(client, app, session)
        claimed = await client.post(
            "/api/v1/marketing/coupons/claim",
            json={"template_id": template.id},
            headers={**headers, **device},
        )
        assert claimed.status_code == 201, claimed.text
        placed = await client.post(
            "/api/v1/orders", json=pickup_body(store, [(sku, 1)]), headers={**headers, **device, **key()}
        )
        assert placed.status_code == 201, placed.text
        statuses.append(placed.json()["status"])
    assert statuses == ["pending_payment", "pending_payment", "held"]

    hq = await staff(client, session, ["hq_admin"], [])
    holds = (await client.get("/api/v1/intelligence/risk/holds", headers=hq)).json()
    assert len(holds) == 1
    rules = {r["rule"] for r in holds[0]["rules"]}
    assert rules == {"new_accounts_on_device", "hoarding"}
    order_id = holds[0]["order_id"]
    released = await client.post(
        f"/api/v1/intelligence/risk/holds/{order_id}",
        json={"decision": "release", "note": "checked"},
        headers=hq,
    )
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"
    order = (await client.get(f"/api/v1/orders/{order_id}", headers=hq)).json()
    assert order["status"] == "pending_payment"
    again = await client.post(
        f"/api/v1/intelligence/risk/holds/{order_id}", json={"decision": "reject"}, headers=hq
    )
    assert again.status_code == 409


async def test_impossible_address_is_held_and_rejection_gives_stock_back(client, app, session) -> None:  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 10)
    await session.commit()
    _, headers = await shopper(client, app, session)
    body = {
        "fulfilment": "shipping",
        "store_id": store.id,
        "address": {**ADDRESS, "latitude": 0.0, "longitude": 0.0},
        "lines": [{"sku_id": sku.id, "quantity": 3}],
    }
    placed = await client.post("/api/v1/orders", json=body, headers={**headers, **key()})
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "held"
    assert await stock_row(session, store, sku) == (10, 3)
    await session.commit()
    order_id = placed.json()["id"]
    paying = await client.post(f"/api/v1/orders/{order_id}/payment", headers=headers)
    assert paying.status_code in (400, 409)

    hq = await staff(client, session, ["hq_admin"], [])
    holds = (await client.get("/api/v1/intelligence/risk/holds", headers=hq)).json()
    assert [r["rule"] for r in holds[0]["rules"]] == ["impossible_address"]
    rejected = await client.post(
        f"/api/v1/intelligence/risk/holds/{order_id}", json={"decision": "reject"}, headers=hq
    )
    assert rejected.status_code == 200, rejected.text
    assert (await client.get(f"/api/v1/orders/{order_id}", headers=headers)).json()["status"] == "cancelled"
    assert await stock_row(session, store, sku) == (10, 0)
