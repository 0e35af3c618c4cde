"""Quotes for a cart and HQ's price-list endpoints, through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.core.time import utcnow
from tests.backend.catalog.factories import create_product, hq_headers
from tests.backend.pricing.factories import create_price_list
from tests.factories import (
    bearer,
    create_member,
    create_region,
    create_staff,
    create_store,
    member_token,
    staff_token,
)

API = "/api/v1/pricing"


async def test_quote_for_a_cart(client, session):
    region = await create_region(session)
    store = await create_store(session, region)
    _, skus = await create_product(session, prices=[1000, 2500, 399])
    await create_price_list(session, "store", store.id, {skus[0]: 850}, name="门店特价")
    await create_price_list(session, "region", region.id, {skus[1]: 2300})
    await session.commit()
    body = {
        "store_id": store.id,
        "lines": [
            {"sku_id": skus[0].id, "quantity": 3},
            {"sku_id": skus[1].id, "quantity": 2},
            {"sku_id": skus[2].id, "quantity": 1},
        ],
    }
    response = await client.post(f"{API}/quote", json=body)
    assert response.status_code == 200, response.text
    quote = response.json()
    lines = [(q["unit_price"], q["line_total"], q["reason"]) for q in quote["lines"]]
    assert lines == [(850, 2550, "store"), (2300, 4600, "region"), (399, 399, "base")]
    assert quote["total"] == 2550 + 4600 + 399
    assert quote["lines"][0]["price_list"]["name"] == "门店特价"

    unknown = await client.post(
        f"{API}/quote", json={**body, "lines": [*body["lines"], {"sku_id": 999_998, "quantity": 1}]}
    )
    assert unknown.status_code == 404 and unknown.json()["detail"] == {"sku_ids": [999_998]}
    for bad_line in (
        {"sku_id": skus[0].id, "quantity": 0},
        {"sku_id": skus[0].id, "quantity": -1},
        {"sku_id": 1},
    ):
        bad = await client.post(f"{API}/quote", json={"store_id": store.id, "lines": [bad_line]})
        assert bad.status_code == 422, bad_line
    empty = await client.post(f"{API}/quote", json={"store_id": store.id, "lines": []})
    assert empty.status_code == 422 and "lines" in empty.json()["message"]
    no_store = await client.post(f"{API}/quote", json={**body, "store_id": 999_999})
    assert no_store.status_code == 404


async def test_hq_creates_and_changes_price_lists_with_audit(client, session):
    hq = await hq_headers(client, session)
    region = await create_region(session)
    store = await create_store(session, region)
    _, skus = await create_product(session, prices=[1000, 2000])
    await session.commit()
    created = await client.post(
        f"{API}/price-lists",
        json={
            "name": "华东区价",
            "scope": "region",
            "scope_value": region.id,
            "items": [{"sku_id": skus[0].id, "price": 900}],
        },
        headers=hq,
    )
    assert created.status_code == 201, created.text
    price_list = created.json()
    assert price_list["items"] == [{"sku_id": skus[0].id, "price": 900}]
    params = {"sku_id": skus[0].id, "store_id": store.id}
    assert (await client.get(f"{API}/price", params=params)).json()["price"] == 900

    changed = await client.put(
        f"{API}/price-lists/{price_list['id']}/items",
        json={"items": [{"sku_id": skus[0].id, "price": 880}, {"sku_id": skus[1].id, "price": 1900}]},
        headers=hq,
    )
    assert changed.status_code == 200
    assert {i["sku_id"]: i["price"] for i in changed.json()["items"]} == {skus[0].id: 880, skus[1].id: 1900}
    assert (await client.get(f"{API}/price", params=params)).json()["price"] == 880

    entries = list(
        await session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "price_list").order_by(AuditEntry.id)
        )
    )
    await session.commit()
    assert [e.action for e in entries] == ["price_list.create", "price_list.set_prices"]
    assert entries[1].before == {"prices": {str(skus[0].id): 900, str(skus[1].id): None}}
    assert entries[1].after == {"prices": {str(skus[0].id): 880, str(skus[1].id): 1900}}

    off = await client.patch(f"{API}/price-lists/{price_list['id']}", json={"active": False}, headers=hq)
    assert off.status_code == 200 and off.json()["active"] is False
    assert (await client.get(f"{API}/price", params=params)).json()["reason"] == "base"
    await client.patch(f"{API}/price-lists/{price_list['id']}", json={"active": True}, headers=hq)
    removed = await client.delete(f"{API}/price-lists/{price_list['id']}/items/{skus[0].id}", headers=hq)
    assert removed.status_code == 204
    assert (await client.get(f"{API}/price", params=params)).json()["price"] == 1000
    listed = await client.get(f"{API}/price-lists", params={"scope": "region"}, headers=hq)
    assert [p["id"] for p in listed.json()] == [price_list["id"]]
    detail = await client.get(f"{API}/price-lists/{price_list['id']}", headers=hq)
    assert detail.json()["items"] == [{"sku_id": skus[1].id, "price": 1900}]


async def test_price_list_input_is_checked(client, session):
    hq = await hq_headers(client, session)
    region = await create_region(session)
    _, skus = await create_product(session)
    await session.commit()
    base = {"name": "价", "scope": "region", "scope_value": region.id}
    now = utcnow()
    cases = [
        ({**base, "items": [{"sku_id": skus[0].id, "price": 0}]}, 422, "price"),
        ({**base, "items": [{"sku_id": skus[0].id, "price": -100}]}, 422, "price"),
        ({**base, "items": [{"sku_id": skus[0].id, "price": 9.9}]}, 422, "price"),
        ({**base, "scope": "city"}, 422, "scope"),
        (
            {**base, "valid_from": now.isoformat(), "valid_to": (now - timedelta(hours=1)).isoformat()},
            422,
            "valid_to",
        ),
        (
            {**base, "items": [{"sku_id": skus[0].id, "price": 1}, {"sku_id": skus[0].id, "price": 2}]},
            422,
            "once",
        ),
    ]
    for body, status, reason in cases:
        response = await client.post(f"{API}/price-lists", json=body, headers=hq)
        assert response.status_code == status, (body, response.text)
        assert reason in response.text, (reason, response.text)
    unknown_sku = await client.post(
        f"{API}/price-lists", json={**base, "items": [{"sku_id": 999_999, "price": 100}]}, headers=hq
    )
    assert unknown_sku.status_code == 404 and unknown_sku.json()["detail"] == {"sku_ids": [999_999]}
    for scope, value in (("store", 999_999), ("region", 999_999), ("city_tier", 6)):
        bad_scope = await client.post(
            f"{API}/price-lists", json={**base, "scope": scope, "scope_value": value}, headers=hq
        )
        assert bad_scope.status_code == 422 and bad_scope.json()["error"] == "invalid_scope", scope
    assert (await client.get(f"{API}/price-lists", headers=hq)).json() == []
    assert (
        await client.patch(f"{API}/price-lists/999999", json={"active": False}, headers=hq)
    ).status_code == 404
    made = await client.post(f"{API}/price-lists", json=base, headers=hq)
    assert made.status_code == 201
    for change in (
        {"name": None},
        {"priority": None},
        {"active": None},
        {},
        {"valid_to": "2000-01-01T00:00:00Z"},
    ):
        refused = await client.patch(f"{API}/price-lists/{made.json()['id']}", json=change, headers=hq)
        assert refused.status_code == 422, (change, refused.text)
    open_ended = await client.patch(
        f"{API}/price-lists/{made.json()['id']}", json={"valid_to": None}, headers=hq
    )
    assert open_ended.status_code == 200 and open_ended.json()["valid_to"] is None


async def test_only_hq_manages_price_lists(client, session, app):
    region = await create_region(session)
    store = await create_store(session, region)
    manager = await create_staff(session, roles=["store_manager"], stores=[store])
    member = await create_member(session)
    _, skus = await create_product(session)
    price_list = await create_price_list(session, "store", store.id, {skus[0]: 900})
    await session.commit()
    body = {"name": "x", "scope": "store", "scope_value": store.id, "items": []}
    for headers in (
        bearer(await staff_token(client, manager)),
        bearer(await member_token(client, app, member.phone)),
    ):
        assert (await client.post(f"{API}/price-lists", json=body, headers=headers)).status_code == 403
        assert (await client.get(f"{API}/price-lists", headers=headers)).status_code == 403
        put = await client.put(
            f"{API}/price-lists/{price_list.id}/items",
            json={"items": [{"sku_id": skus[0].id, "price": 1}]},
            headers=headers,
        )
        assert put.status_code == 403
    assert (await client.post(f"{API}/price-lists", json=body)).status_code == 401
    price = await client.get(f"{API}/price", params={"sku_id": skus[0].id, "store_id": store.id})
    assert price.json()["price"] == 900
