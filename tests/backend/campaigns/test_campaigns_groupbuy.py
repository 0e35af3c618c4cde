"""拼团 group buy through the API: a full group turns into paid orders; a timed-out group refunds every
paid member and releases the units; a full group refuses joiners however many arrive at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from backend.campaigns.tasks import expire_groups, sweep
from backend.core.time import utcnow
from backend.inventory.service.stock import check_ledger_invariant
from backend.payments.models import Payment, Refund
from tests.backend.campaigns.factories import hq, members, pay, shop, stock_of, window


async def _deal(client, session, sku, size=3, price=3990, limit=1):  # type: ignore[no-untyped-def]
    headers = await hq(client, session)
    body = {
        "sku_id": sku.id,
        "name_zh": "三人团",
        "name_en": "Team of three",
        "group_price": price,
        "group_size": size,
        "time_limit_hours": 24,
        "per_member_limit": limit,
        **window(),
    }
    response = await client.post("/api/v1/campaigns/group-buys", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_full_group_turns_into_paid_orders(app, client, session, settings):
    store, sku = await shop(session, stock=10, price=5000)
    deal = await _deal(client, session, sku)
    (leader, lh), (m2, h2), (m3, h3) = await members(session, settings, 3)

    response = await client.post(
        "/api/v1/campaigns/groups", json={"deal_id": deal["id"], "store_id": store.id}, headers=lh
    )
    assert response.status_code == 201, response.text
    group = response.json()
    code = group["code"]
    assert group["leader_id"] == leader and group["seats"] == 1 and group["status"] == "open"
    assert await stock_of(app, store, sku) == (10, 1)

    seats = {leader: group["members"][0]["id"]}
    for member_id, headers in ((m2, h2), (m3, h3)):
        response = await client.post(
            f"/api/v1/campaigns/groups/{code}/join", json={"store_id": store.id}, headers=headers
        )
        assert response.status_code == 200, response.text
        seats[member_id] = next(s["id"] for s in response.json()["members"] if s["member_id"] == member_id)
    assert response.json()["seats"] == 3

    for member_id, headers in ((leader, lh), (m2, h2)):
        await pay(client, headers, f"/api/v1/campaigns/group-seats/{seats[member_id]}/payment")
    partial = (await client.get(f"/api/v1/campaigns/groups/{code}")).json()
    assert partial["status"] == "open" and partial["paid"] == 2
    assert all(s["order_id"] is None for s in partial["members"])

    await pay(client, h3, f"/api/v1/campaigns/group-seats/{seats[m3]}/payment")
    done = (await client.get(f"/api/v1/campaigns/groups/{code}")).json()
    assert done["status"] == "succeeded" and done["paid"] == 3
    assert {s["status"] for s in done["members"]} == {"ordered"}
    for seat in done["members"]:
        headers = {leader: lh, m2: h2, m3: h3}[seat["member_id"]]
        order = (await client.get(f"/api/v1/orders/{seat['order_id']}", headers=headers)).json()
        assert order["status"] == "paid"
        assert order["total"] == 3990 and order["paid_amount"] == 3990
        assert order["lines"][0]["unit_price"] == 3990 and order["lines"][0]["base_price"] == 5000
        assert order["lines"][0]["price_reason"] == "group_buy"
    # Three units held for the three orders, nothing else.
    assert await stock_of(app, store, sku) == (10, 3)
    async with app.state.db.sessionmaker() as check:
        assert await check_ledger_invariant(check, store.id) == []


async def test_timed_out_group_refunds_every_paid_member(app, client, session, settings):
    store, sku = await shop(session, stock=10)
    deal = await _deal(client, session, sku, size=3)
    (leader, lh), (m2, h2) = await members(session, settings, 2)
    group = (
        await client.post(
            "/api/v1/campaigns/groups", json={"deal_id": deal["id"], "store_id": store.id}, headers=lh
        )
    ).json()
    joined = (
        await client.post(
            f"/api/v1/campaigns/groups/{group['code']}/join", json={"store_id": store.id}, headers=h2
        )
    ).json()
    seat_ids = {s["member_id"]: s["id"] for s in joined["members"]}
    paid = [
        await pay(client, lh, f"/api/v1/campaigns/group-seats/{seat_ids[leader]}/payment"),
        await pay(client, h2, f"/api/v1/campaigns/group-seats/{seat_ids[m2]}/payment"),
    ]
    assert await stock_of(app, store, sku) == (10, 2)

    # Nothing is due before the time limit; after it the job fails the group and refunds both.
    assert await expire_groups(app.state.db) == 0
    assert await expire_groups(app.state.db, utcnow() + timedelta(hours=25)) == 1
    after = (await client.get(f"/api/v1/campaigns/groups/{group['code']}")).json()
    assert after["status"] == "failed"
    assert {s["status"] for s in after["members"]} == {"refunded"}
    async with app.state.db.read_sessionmaker() as check:
        payments = list(
            await check.scalars(select(Payment).where(Payment.id.in_([p["payment_id"] for p in paid])))
        )
        refunds = list(
            await check.scalars(select(Refund).where(Refund.payment_id.in_([p["payment_id"] for p in paid])))
        )
    # The sandbox gateway confirms refunds later (by notification); each payment is refunded in full.
    assert [p.refunded_amount + p.refunding_amount for p in payments] == [3990, 3990]
    assert sorted((r.payment_id, r.amount) for r in refunds) == sorted((p["payment_id"], 3990) for p in paid)
    assert await stock_of(app, store, sku) == (10, 0)
    # A second sweep finds nothing more to do.
    assert (await sweep(app.state.db, settings, utcnow() + timedelta(hours=26)))["groups_failed"] == 0


async def test_full_group_refuses_joiners_under_concurrency(app, client, session, settings):
    store, sku = await shop(session, stock=50)
    deal = await _deal(client, session, sku, size=4)
    (leader, lh), *others = await members(session, settings, 16)
    code = (
        await client.post(
            "/api/v1/campaigns/groups", json={"deal_id": deal["id"], "store_id": store.id}, headers=lh
        )
    ).json()["code"]

    async def join(headers):  # type: ignore[no-untyped-def]
        return await client.post(
            f"/api/v1/campaigns/groups/{code}/join", json={"store_id": store.id}, headers=headers
        )

    responses = await asyncio.gather(*(join(h) for _, h in others))
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 3, [r.text for r in responses if r.status_code != 200][:3]
    assert {r.json()["error"] for r in responses if r.status_code != 200} == {"group_full"}
    group = (await client.get(f"/api/v1/campaigns/groups/{code}")).json()
    assert group["seats"] == 4 and len(group["members"]) == 4
    assert await stock_of(app, store, sku) == (50, 4)


async def test_join_rules(app, client, session, settings):
    store, sku = await shop(session, stock=10)
    deal = await _deal(client, session, sku, size=3, limit=1)
    (leader, lh), (m2, h2) = await members(session, settings, 2)
    code = (
        await client.post(
            "/api/v1/campaigns/groups", json={"deal_id": deal["id"], "store_id": store.id}, headers=lh
        )
    ).json()["code"]
    again = await client.post(
        f"/api/v1/campaigns/groups/{code}/join", json={"store_id": store.id}, headers=lh
    )
    assert again.status_code == 409 and again.json()["error"] == "member_limit_reached"
    two = await client.post(
        f"/api/v1/campaigns/groups/{code}/join", json={"store_id": store.id, "quantity": 2}, headers=h2
    )
    assert two.status_code == 409 and two.json()["error"] == "member_limit_reached"
    unknown = await client.post(
        "/api/v1/campaigns/groups/NOPE1234/join", json={"store_id": store.id}, headers=h2
    )
    assert unknown.status_code == 404
    # Leaving before paying gives the seat and the unit back.
    joined = (
        await client.post(f"/api/v1/campaigns/groups/{code}/join", json={"store_id": store.id}, headers=h2)
    ).json()
    seat = next(s for s in joined["members"] if s["member_id"] == m2)
    left = await client.post(f"/api/v1/campaigns/group-seats/{seat['id']}/leave", headers=h2)
    assert left.status_code == 200 and left.json()["status"] == "cancelled"
    assert (await client.get(f"/api/v1/campaigns/groups/{code}")).json()["seats"] == 1
    assert await stock_of(app, store, sku) == (10, 1)


async def test_a_stopped_group_buy_opens_no_new_groups(app, client, session, settings):
    store, sku = await shop(session, stock=10, price=5000)
    deal = await _deal(client, session, sku)
    (_, lh), (_, h2) = await members(session, settings, 2)
    first = await client.post(
        "/api/v1/campaigns/groups", json={"deal_id": deal["id"], "store_id": store.id}, headers=lh
    )
    assert first.status_code == 201
    headers = await hq(client, session)
    stopped = await client.post(f"/api/v1/campaigns/group-buys/{deal['id']}/stop", headers=headers)
    assert stopped.status_code == 200 and stopped.json()["active"] is False
    late = await client.post(
        "/api/v1/campaigns/groups", json={"deal_id": deal["id"], "store_id": store.id}, headers=h2
    )
    assert late.status_code == 409, late.text
    assert deal["id"] not in [d["id"] for d in (await client.get("/api/v1/campaigns/group-buys")).json()]
    assert (await client.post("/api/v1/campaigns/group-buys/999999/stop", headers=headers)).status_code == 404
    assert (
        await client.post(f"/api/v1/campaigns/group-buys/{deal['id']}/stop", headers=lh)
    ).status_code == 403
