"""The store-closure calendar through the API: HQ records chain-wide and store closures, a franchisee admin
only their own stores', staff read them, anyone sees a store's upcoming closed days on its detail; bad
dates, duplicates and other merchants' stores are refused, and every change is audit-logged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.core.audit import AuditEntry
from backend.stores.closures import local_today
from backend.stores.models import StoreClosure
from tests.factories import bearer, create_merchant, create_staff, create_store, staff_token


async def headers_of(client, session, roles, stores=None, **overrides):  # type: ignore[no-untyped-def]
    person = await create_staff(session, roles, stores, **overrides)
    await session.commit()
    return bearer(await staff_token(client, person))


async def test_hq_and_franchisee_record_closures_and_everyone_sees_the_right_ones(client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id)
    other = await create_store(session, merchant_id=theirs.id)
    await session.commit()
    hq = await headers_of(client, session, ["hq_admin"])
    admin = await headers_of(client, session, ["franchisee_admin"], merchant_id=mine.id)
    clerk = await headers_of(client, session, ["clerk"], [own])
    manager = await headers_of(client, session, ["store_manager"], [own])
    today = local_today()
    spring = today + timedelta(days=20)

    chain = await client.post(
        "/api/v1/store-closures",
        json={
            "store_id": None,
            "start": spring.isoformat(),
            "end": (spring + timedelta(days=2)).isoformat(),
            "reason": "春节",
        },
        headers=hq,
    )
    assert chain.status_code == 201, chain.text
    assert [c["day"] for c in chain.json()] == [(spring + timedelta(days=i)).isoformat() for i in range(3)]
    assert all(c["store_id"] is None and c["reason"] == "春节" for c in chain.json())

    stocktake = (today + timedelta(days=5)).isoformat()
    own_day = await client.post(
        "/api/v1/store-closures",
        json={"store_id": own.id, "start": stocktake, "reason": "盘点"},
        headers=admin,
    )
    assert own_day.status_code == 201, own_day.text
    own_id = own_day.json()[0]["id"]

    # a franchisee may not close another merchant's store, nor the whole chain
    foreign = await client.post(
        "/api/v1/store-closures", json={"store_id": other.id, "start": stocktake}, headers=admin
    )
    assert foreign.status_code == 403
    whole = await client.post(
        "/api/v1/store-closures", json={"store_id": None, "start": stocktake}, headers=admin
    )
    assert whole.status_code == 403
    # store staff read but do not record
    refused = await client.post(
        "/api/v1/store-closures", json={"store_id": own.id, "start": stocktake}, headers=manager
    )
    assert refused.status_code == 403

    # duplicates: the same day twice, or a store day the whole chain is already closed
    again = await client.post(
        "/api/v1/store-closures", json={"store_id": own.id, "start": stocktake}, headers=hq
    )
    assert again.status_code == 409 and again.json()["detail"]["days"] == [stocktake]
    covered = await client.post(
        "/api/v1/store-closures", json={"store_id": other.id, "start": spring.isoformat()}, headers=hq
    )
    assert covered.status_code == 409 and covered.json()["detail"]["chain_wide"] is True

    # bad dates
    backwards = await client.post(
        "/api/v1/store-closures",
        json={"store_id": own.id, "start": stocktake, "end": today.isoformat()},
        headers=hq,
    )
    assert backwards.status_code == 422 and "end must not be before start" in backwards.text
    too_long = await client.post(
        "/api/v1/store-closures",
        json={"store_id": own.id, "start": stocktake, "end": (today + timedelta(days=200)).isoformat()},
        headers=hq,
    )
    assert too_long.status_code == 422
    far = await client.post(
        "/api/v1/store-closures",
        json={"store_id": own.id, "start": (today + timedelta(days=1000)).isoformat()},
        headers=hq,
    )
    assert far.status_code == 422 and "days ahead" in far.json()["message"]
    garbled = await client.post(
        "/api/v1/store-closures", json={"store_id": own.id, "start": "2026-02-30"}, headers=hq
    )
    assert garbled.status_code == 422
    missing = await client.post(
        "/api/v1/store-closures", json={"store_id": 987654, "start": stocktake}, headers=hq
    )
    assert missing.status_code == 404
    nothing_written = await session.scalar(select(StoreClosure).where(StoreClosure.store_id == other.id))
    assert nothing_written is None
    await session.commit()

    # a past closure may be recorded (the forecasts learn from it)
    past = await client.post(
        "/api/v1/store-closures",
        json={"store_id": own.id, "start": (today - timedelta(days=10)).isoformat(), "reason": "停电"},
        headers=hq,
    )
    assert past.status_code == 201

    # staff of the store read the chain's and their store's closures; another store's are not theirs
    seen = (await client.get("/api/v1/store-closures", headers=clerk)).json()
    assert [(c["store_id"], c["reason"]) for c in seen] == [
        (own.id, "停电"),
        (own.id, "盘点"),
        (None, "春节"),
        (None, "春节"),
        (None, "春节"),
    ]
    upcoming = (
        await client.get("/api/v1/store-closures", params={"since": today.isoformat()}, headers=clerk)
    ).json()
    assert len(upcoming) == 4
    assert (
        await client.get("/api/v1/store-closures", params={"store_id": other.id}, headers=clerk)
    ).status_code == 403
    bad_range = await client.get(
        "/api/v1/store-closures",
        params={"since": stocktake, "until": today.isoformat()},
        headers=clerk,
    )
    assert bad_range.status_code == 422

    # anyone: the store's detail lists its upcoming closed days, its own and the chain's
    detail = (await client.get(f"/api/v1/stores/{own.id}")).json()
    assert [(c["day"], c["reason"], c["chain_wide"]) for c in detail["closures"]] == [
        (stocktake, "盘点", False),
        *[((spring + timedelta(days=i)).isoformat(), "春节", True) for i in range(3)],
    ]
    assert [c["day"] for c in (await client.get(f"/api/v1/stores/{other.id}")).json()["closures"]] == [
        (spring + timedelta(days=i)).isoformat() for i in range(3)
    ]

    # removing: not another merchant's day, not the chain's for a franchisee
    chain_id = chain.json()[0]["id"]
    assert (await client.delete(f"/api/v1/store-closures/{chain_id}", headers=admin)).status_code == 403
    assert (await client.delete(f"/api/v1/store-closures/{own_id}", headers=clerk)).status_code == 403
    other_day = await client.post(
        "/api/v1/store-closures", json={"store_id": other.id, "start": stocktake}, headers=hq
    )
    assert other_day.status_code == 201
    other_id = other_day.json()[0]["id"]
    assert (await client.delete(f"/api/v1/store-closures/{other_id}", headers=admin)).status_code == 403
    assert (await client.delete(f"/api/v1/store-closures/{own_id}", headers=admin)).status_code == 204
    assert (await client.delete(f"/api/v1/store-closures/{own_id}", headers=admin)).status_code == 404
    assert (await client.delete(f"/api/v1/store-closures/{chain_id}", headers=hq)).status_code == 204

    actions = [
        (e.action, e.store_id)
        for e in await session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "store_closure").order_by(AuditEntry.id)
        )
    ]
    assert actions == [
        ("store_closure.create", None),
        ("store_closure.create", own.id),
        ("store_closure.create", own.id),
        ("store_closure.create", other.id),
        ("store_closure.delete", own.id),
        ("store_closure.delete", None),
    ]


async def test_a_store_closed_today_is_not_open_now(client, session):
    store = await create_store(session)
    await session.commit()
    hq = await headers_of(client, session, ["hq_admin"])
    assert (await client.get(f"/api/v1/stores/{store.id}")).json()["open_now"] is True
    made = await client.post(
        "/api/v1/store-closures",
        json={"store_id": store.id, "start": local_today(store.timezone).isoformat(), "reason": "装修"},
        headers=hq,
    )
    assert made.status_code == 201
    detail = (await client.get(f"/api/v1/stores/{store.id}")).json()
    assert detail["open_now"] is False and detail["closures"][0]["reason"] == "装修"
