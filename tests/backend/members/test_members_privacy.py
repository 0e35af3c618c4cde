"""A member's data export and account erasure (个人信息保护法): everything out, then nothing personal left."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from backend.auth import service as auth_service
from backend.members import wallet
from backend.members.models import Member
from backend.orders.models import Order
from tests.backend.marketing.factories import create_coupon, create_template
from tests.backend.orders.factories import ADDRESS, put_stock
from tests.factories import PEOPLES_SQUARE, bearer, create_member, create_sku, create_store

API = "/api/v1"
ADDRESS_AT = {**ADDRESS, "latitude": PEOPLES_SQUARE[0], "longitude": PEOPLES_SQUARE[1]}


async def _member_with_history(client, session, settings):  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session, price=2000)
    await put_stock(session, store, sku, 10)
    member = await create_member(session, name="李小龙")
    template = await create_template(session)
    await create_coupon(session, template, member.id)
    await wallet.top_up(session, settings, member.id, 3000, "till_cash", "privacy-" + uuid.uuid4().hex[:8])
    pair = await auth_service.issue_tokens(session, settings, auth_service.member_principal(member.id))
    await session.commit()
    headers = bearer(pair.access_token)
    consent = await client.patch(f"{API}/members/me", json={"marketing_consent": True}, headers=headers)
    assert consent.status_code == 200 and consent.json()["consent_at"] is not None
    placed = await client.post(
        f"{API}/orders",
        json={
            "fulfilment": "delivery",
            "store_id": store.id,
            "lines": [{"sku_id": sku.id, "quantity": 1}],
            "address": ADDRESS_AT,
            "coupon_ids": [],
            "stored_value": 2000,
        },
        headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 201, placed.text
    return member, headers, placed.json()


async def test_the_export_holds_profile_orders_ledgers_coupons_and_consent(client, session, settings):
    member, headers, order = await _member_with_history(client, session, settings)
    response = await client.get(f"{API}/members/me/export", headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["profile"]["phone"] == member.phone and data["profile"]["name"] == "李小龙"
    assert "password_hash" not in data["profile"]
    assert data["consent"]["marketing_consent"] is True and data["consent"]["consent_at"]
    tables = data["tables"]
    assert [o["id"] for o in tables["orders"]] == [order["id"]]
    assert tables["orders"][0]["address"]["text"] == ADDRESS["text"]
    assert {ln["order_id"] for ln in tables["order_lines"]} == {order["id"]}
    assert len(tables["coupons"]) == 1
    assert sorted(e["delta"] for e in tables["stored_value_entries"]) == [-2000, 3000]
    assert tables["auth_sessions"]
    assert data["row_count"] == 1 + sum(len(rows) for rows in tables.values())
    # Nothing secret leaves, at any depth.
    text = json.dumps(data)
    assert "token_hash" not in text and "password_hash" not in text


async def test_another_member_exports_only_their_own(client, session, settings):
    await _member_with_history(client, session, settings)
    other = await create_member(session)
    pair = await auth_service.issue_tokens(session, settings, auth_service.member_principal(other.id))
    await session.commit()
    response = await client.get(f"{API}/members/me/export", headers=bearer(pair.access_token))
    assert response.status_code == 200
    data = response.json()
    assert data["profile"]["id"] == other.id
    assert "orders" not in data["tables"] and "coupons" not in data["tables"]


async def test_erasure_is_refused_while_an_order_is_open_or_money_is_held(client, session, settings):
    member, headers, order = await _member_with_history(client, session, settings)
    refused = await client.post(f"{API}/members/me/erasure", headers=headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "erasure_refused"
    assert refused.json()["detail"]["open_orders"] == 1
    assert refused.json()["detail"]["stored_value"] == 1000
    still = await session.scalar(
        select(Member).where(Member.id == member.id).execution_options(populate_existing=True)
    )
    assert still is not None and still.phone == member.phone and still.deleted_at is None


async def test_delete_account_follows_the_same_erasure_rules(client, session, settings):
    member, headers, order = await _member_with_history(client, session, settings)
    refused = await client.delete(f"{API}/members/me", headers=headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "erasure_refused"
    assert (await client.get(f"{API}/members/me", headers=headers)).status_code == 200


async def test_erasure_anonymises_the_person_and_keeps_the_money_trail(client, session, settings):
    member, headers, order = await _member_with_history(client, session, settings)
    phone = member.phone
    cancelled = await client.post(f"{API}/orders/{order['id']}/cancel", json={}, headers=headers)
    assert cancelled.status_code == 200, cancelled.text
    # The rest of the stored value is spent at a till, so nothing is owed to the member.
    async with session.begin():
        left = (await wallet.get_wallet(session, member.id)).stored_value
        await wallet.pay(session, settings, member.id, left, "pos_sale", "till-" + uuid.uuid4().hex[:8])
    response = await client.post(f"{API}/members/me/erasure", headers=headers)
    assert response.status_code == 200, response.text
    erased = await session.scalar(
        select(Member).where(Member.id == member.id).execution_options(populate_existing=True)
    )
    assert erased is not None and erased.deleted_at is not None
    assert erased.phone != phone and erased.name is None and erased.marketing_consent is False
    kept = await session.scalar(
        select(Order).where(Order.id == order["id"]).execution_options(populate_existing=True)
    )
    assert kept is not None and kept.total == order["total"] and kept.member_id == member.id
    assert kept.address is None
    # Every sign-in ended.
    assert (await client.get(f"{API}/members/me", headers=headers)).status_code == 401
